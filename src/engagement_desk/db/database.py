"""One place binds the database: engine, sessions, pragmas, migrations, backups."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from engagement_desk.core.clock import to_local

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"

# Alembic (with Mako and Pygments) takes a large share of start-up time, and an
# up-to-date database does not need it: the shipped head revision is read from
# the version files' ``revision = "..."`` lines, and Alembic is loaded only when
# there is something to migrate, refuse or double-check.
_REVISION_LINE = re.compile(r"^revision(?:\s*:\s*str)?\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN_REVISION_LINE = re.compile(
    r"^down_revision(?:\s*:[^=]+)?\s*=\s*(?:None|[\"']([^\"']+)[\"'])\s*$", re.MULTILINE
)


def shipped_head_revision(migrations: Path = MIGRATIONS) -> str | None:
    """The single head of the shipped linear history, or None when unsure (then ask Alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for version_file in (migrations / "versions").glob("*.py"):
        source = version_file.read_text(encoding="utf-8")
        revision = _REVISION_LINE.findall(source)
        down = _DOWN_REVISION_LINE.findall(source)
        if len(revision) != 1 or len(down) != 1:
            return None  # merges, branches or an unusual layout: let Alembic decide
        revisions.add(revision[0])
        if down[0]:
            parents.add(down[0])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _read_revision(connection: Connection) -> tuple[str | None, bool]:
    """The schema revision recorded in the database and whether it holds any tables."""
    tables = set(inspect(connection).get_table_names())
    current = None
    if "alembic_version" in tables:
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return current, bool(tables)


class DatabaseProblem(Exception):
    """A database the user pointed at cannot be used; the message says why in plain English."""


class SchemaTooNew(DatabaseProblem):
    pass


class DatabaseDamaged(DatabaseProblem):
    """The file is not a whole, healthy database: refused untouched, with the way out."""


class DatabaseReadOnly(DatabaseProblem):
    """The file or its folder cannot be written, and the command wanted to change it."""


class NeedsUpgrade(DatabaseProblem):
    """A read-only open found an older schema; upgrading it needs write access."""


# ---- backups kept beside the database, for the way out of a damaged file ---------------


@dataclass(frozen=True)
class KeptBackup:
    path: Path
    made_at: datetime  # aware; when the file was last written


def backups_in(folder: Path | None) -> list[KeptBackup]:
    """The database backups in ``folder``, newest first (none when there is no folder)."""
    if folder is None or not folder.is_dir():
        return []
    kept: list[KeptBackup] = []
    try:
        candidates = list(folder.iterdir())
    except OSError:
        return []
    for path in candidates:
        if path.name.startswith(".") or path.suffix not in (".sqlite3", ".db", ".sqlite"):
            continue
        try:
            stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except OSError:
            continue
        kept.append(KeptBackup(path, stamp))
    kept.sort(key=lambda backup: backup.made_at, reverse=True)
    return kept


def way_out(backups_dir: Path | None, *, shown: int = 5) -> str:
    """What to do about a damaged database: restore a backup, listed newest first."""
    kept = backups_in(backups_dir)
    if not kept:
        where = f" (there are none in {backups_dir})" if backups_dir is not None else ""
        return (
            "Restore your latest good backup with 'engagement-desk restore FILE'"
            f"{where}; if you have none, keep this file safe and ask for help recovering it."
        )
    lines = "\n".join(
        f"  {to_local(backup.made_at):%Y-%m-%d %H:%M} (UK time)  {backup.path}"
        for backup in kept[:shown]
    )
    more = f"\n  … and {len(kept) - shown} older" if len(kept) > shown else ""
    return (
        "Restore the latest good backup with 'engagement-desk restore FILE' (a damaged "
        "backup is refused and changes nothing, so try the newest first). "
        f"Backups in {backups_dir}, newest first:\n{lines}{more}"
    )


# ---- what went wrong, by its real cause ---------------------------------------------


class Cause(Enum):
    READ_ONLY = "read-only"
    LOCKED = "locked"
    FULL = "disk full"
    DAMAGED = "damaged"
    DISK = "disk fault"
    CANNOT_OPEN = "cannot open"
    SCHEMA = "schema mismatch"
    TOO_LONG = "value too long"
    OUT_OF_RANGE = "value out of range"
    UNREACHABLE = "server unreachable"
    OTHER = "other"


_SQLITE_CAUSES = {
    "SQLITE_READONLY": Cause.READ_ONLY,
    "SQLITE_PERM": Cause.READ_ONLY,
    "SQLITE_BUSY": Cause.LOCKED,
    "SQLITE_LOCKED": Cause.LOCKED,
    "SQLITE_FULL": Cause.FULL,
    "SQLITE_CORRUPT": Cause.DAMAGED,
    "SQLITE_NOTADB": Cause.DAMAGED,
    "SQLITE_IOERR": Cause.DISK,
    "SQLITE_CANTOPEN": Cause.CANNOT_OPEN,
    "SQLITE_TOOBIG": Cause.TOO_LONG,
}
_MESSAGE_CAUSES = (
    ("readonly database", Cause.READ_ONLY),
    ("read-only", Cause.READ_ONLY),
    ("database is locked", Cause.LOCKED),
    ("database table is locked", Cause.LOCKED),
    ("disk is full", Cause.FULL),
    ("no space left", Cause.FULL),
    ("malformed", Cause.DAMAGED),
    ("file is not a database", Cause.DAMAGED),
    ("disk i/o error", Cause.DISK),
    ("unable to open database file", Cause.CANNOT_OPEN),
    ("no such column", Cause.SCHEMA),
    ("no such table", Cause.SCHEMA),
    ("has no column named", Cause.SCHEMA),
    ("does not exist", Cause.SCHEMA),  # PostgreSQL: column/relation "x" does not exist
    ("value too long", Cause.TOO_LONG),
    ("too large to convert", Cause.OUT_OF_RANGE),
    ("out of range", Cause.OUT_OF_RANGE),
)
_POSTGRES_CAUSES = {
    "25006": Cause.READ_ONLY,  # read_only_sql_transaction
    "42501": Cause.READ_ONLY,  # insufficient_privilege
    "55P03": Cause.LOCKED,  # lock_not_available
    "40P01": Cause.LOCKED,  # deadlock_detected
    "53100": Cause.FULL,  # disk_full
    "XX001": Cause.DAMAGED,  # data_corrupted
    "XX002": Cause.DAMAGED,  # index_corrupted
    "58030": Cause.DISK,  # io_error
    "42703": Cause.SCHEMA,  # undefined_column
    "42P01": Cause.SCHEMA,  # undefined_table
    "22001": Cause.TOO_LONG,  # string_data_right_truncation
    "22003": Cause.OUT_OF_RANGE,  # numeric_value_out_of_range
    "22008": Cause.OUT_OF_RANGE,  # datetime_field_overflow
}


def cause_of(error: BaseException) -> Cause:
    """Why a database call failed, from the driver's error code where it gives one."""
    original = getattr(error, "orig", None) or error
    name = str(getattr(original, "sqlite_errorname", "") or "")
    for prefix, cause in _SQLITE_CAUSES.items():
        if name == prefix or name.startswith(prefix + "_"):
            return cause
    state = str(getattr(original, "sqlstate", "") or getattr(original, "pgcode", "") or "")
    if state in _POSTGRES_CAUSES:
        return _POSTGRES_CAUSES[state]
    if state.startswith("08"):
        return Cause.UNREACHABLE
    text_of = str(original).lower()
    for fragment, cause in _MESSAGE_CAUSES:
        if fragment in text_of:
            return cause
    if isinstance(original, OverflowError):
        return Cause.OUT_OF_RANGE
    return Cause.OTHER


def _detail(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    first_line = str(original).strip().splitlines()
    return first_line[0][:200] if first_line else type(original).__name__


def explain_database_error(
    error: BaseException, *, location: str, backups_dir: Path | None = None, writing: bool = True
) -> str:
    """A plain-English account of a failed database call, sorted by its real cause."""
    cause = cause_of(error)
    detail = _detail(error)
    unsaved = " The step that failed was not saved." if writing else ""
    if cause is Cause.READ_ONLY:
        return (
            f"This database is read-only ({location}): the file or its folder cannot be written "
            "by this account. Commands that only read (events list, people list, summary, "
            "report) still work; to make changes, copy the file to a folder you can write to, "
            f"or ask for write access.{unsaved}"
        )
    if cause is Cause.LOCKED:
        return (
            f"The database is busy ({location}): another program, perhaps Engagement Desk in "
            "another window, is holding it locked. Wait a moment or close the other program, "
            f"then try again.{unsaved} ({detail})"
        )
    if cause is Cause.FULL:
        return (
            f"The disk holding the database is full ({location}). Free some space, then try "
            f"again.{unsaved}"
        )
    if cause is Cause.DAMAGED:
        return f"The database at {location} is damaged ({detail}).{unsaved} {way_out(backups_dir)}"
    if cause is Cause.DISK:
        return (
            f"The disk could not read or write the database ({location}): the drive or memory "
            "stick may be failing or was unplugged. Copy your backups somewhere safe, check the "
            f"disk, then try again.{unsaved} ({detail})"
        )
    if cause is Cause.CANNOT_OPEN:
        return (
            f"The database file at {location} cannot be opened: it, or its folder, is missing "
            f"or cannot be used by this account.{unsaved} ({detail})"
        )
    if cause is Cause.SCHEMA:
        return (
            f"The database at {location} does not have the tables this version of Engagement "
            f"Desk expects ({detail}). It may have been changed by another program or restored "
            f"from a mismatched copy.{unsaved} {way_out(backups_dir)}"
        )
    if cause is Cause.TOO_LONG:
        return f"A value was too long for the database to store.{unsaved} ({detail})"
    if cause is Cause.OUT_OF_RANGE:
        return f"A number or date was too large for the database to store.{unsaved} ({detail})"
    if cause is Cause.UNREACHABLE:
        return (
            f"The database server at {location} cannot be reached: check the network and that "
            f"the server is running.{unsaved} ({detail})"
        )
    return f"The database at {location} reported a problem.{unsaved} ({detail})"


# ---- how a SQLite file is opened -------------------------------------------------------


def sqlite_file_writable(path: Path) -> bool:
    """Whether this account may change the file (and create its journal beside it)."""
    folder = path.parent if path.parent != Path("") else Path(".")
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def reading_uri(path: Path) -> str:
    """An SQLite URI that reads ``path`` without ever changing it.

    A writable file is opened read-write (the connection is made query-only), so the
    write-ahead log is tidied away on close as usual. A file that cannot be written is
    opened ``mode=ro``; in a folder that cannot be written, where SQLite cannot create its
    shared-memory file, ``immutable=1`` as well: no one can be writing a WAL database
    there, because a writer would need to create its log in that folder.
    """
    uri = path.resolve().as_uri()
    if sqlite_file_writable(path):
        return f"{uri}?mode=rw"
    folder_writable = os.access(path.parent, os.W_OK | os.X_OK)
    wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
    if not folder_writable and not (wal.exists() and shm.exists()):
        return f"{uri}?mode=ro&immutable=1"
    return f"{uri}?mode=ro"


def integrity_problem(connection: sqlite3.Connection) -> str | None:
    """None when SQLite's quick check passes; otherwise what it found, briefly."""
    try:
        rows = connection.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows == [("ok",)]:
        return None
    found = "; ".join(" ".join(str(row[0]).split()) for row in rows)
    return found.removeprefix("*** in database main *** ")[:200] or "no answer"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # An acknowledged check-in must survive a crash or a power cut.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_reading_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Reading never changes the file: no journal-mode switch, and SQLite refuses writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


class Database:
    """Engine and session factory for one database URL.

    Services open ``with db.session() as s, s.begin():`` per use case. A database opened
    with ``read_only=True`` is only read: SQLite is opened so that it cannot write (see
    ``reading_uri``), PostgreSQL transactions are read-only.
    """

    def __init__(
        self,
        url: str,
        *,
        backups_dir: Path | None = None,
        echo: bool = False,
        read_only: bool = False,
    ) -> None:
        try:
            self.url = make_url(url)
        except ArgumentError as exc:
            raise DatabaseProblem(
                f"'{url}' is not a database address this app understands."
            ) from exc
        self.backups_dir = backups_dir
        path = self.sqlite_path
        self.read_only = read_only and not (self.is_sqlite and path is None)
        if path is not None and not self.read_only:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseProblem(
                    f"The folder for the database, {path.parent}, cannot be created "
                    f"({exc.strerror or exc}). Check the path. Nothing was changed."
                ) from exc
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False}
            if self.read_only and path is not None:
                kwargs["creator"] = self._connect_for_reading
        elif self.read_only and self.url.get_backend_name() == "postgresql":
            kwargs["execution_options"] = {"postgresql_readonly": True}
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except (ArgumentError, ImportError) as exc:
            raise DatabaseProblem(
                f"This installation cannot connect to {self.location}: its database driver is "
                "missing (for PostgreSQL, install engagement-desk[postgres])."
            ) from exc
        if self.is_sqlite:
            pragmas = _sqlite_reading_pragmas if self.read_only else _sqlite_pragmas
            event.listen(self.engine, "connect", pragmas)
        self.session = sessionmaker(self.engine, expire_on_commit=False)

    def _connect_for_reading(self) -> sqlite3.Connection:
        path = self.sqlite_path
        assert path is not None
        return sqlite3.connect(reading_uri(path), uri=True, check_same_thread=False)

    @classmethod
    def open(
        cls, url: str, *, backups_dir: Path | None = None, read_only: bool = False
    ) -> Database:
        """Connect, check, and bring the schema up to date (backing up first).

        ``read_only``: only read. A database that does not exist yet is created all the
        same (there is nothing to protect), and one made by an older version is upgraded
        first when the file can be written.
        """
        if read_only:
            reader = cls(url, backups_dir=backups_dir, read_only=True)
            path = reader.sqlite_path
            if reader.read_only and not (path is not None and not path.exists()):
                try:
                    reader.migrate()
                    return reader
                except NeedsUpgrade:
                    reader.dispose()
                    if path is not None and not sqlite_file_writable(path):
                        raise
                    cls.open(url, backups_dir=backups_dir).dispose()
                    return cls.open(url, backups_dir=backups_dir, read_only=True)
                except BaseException:
                    reader.dispose()
                    raise
            reader.dispose()
        db = cls(url, backups_dir=backups_dir)
        try:
            db.migrate()
        except BaseException:
            db.dispose()
            raise
        return db

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or self.url.database in (None, "", ":memory:"):
            return None
        return Path(str(self.url.database))

    @property
    def location(self) -> str:
        """Where the data lives, for the status bar (no password)."""
        path = self.sqlite_path
        if path is not None:
            return str(path)
        return self.url.render_as_string(hide_password=True)

    def explain(self, error: BaseException, *, writing: bool = True) -> str:
        """A plain account of a failed call on this database (see explain_database_error)."""
        return explain_database_error(
            error,
            location=self.location,
            backups_dir=self.backups_dir,
            writing=writing and not self.read_only,
        )

    def _alembic_config(self) -> Config:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        return config

    def schema_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def _scripts(self) -> tuple[Config, ScriptDirectory]:
        from alembic.script import ScriptDirectory

        config = self._alembic_config()
        return config, ScriptDirectory.from_config(config)

    def migrate(self, *, backup_first: bool = True) -> None:
        """Check the database and bring its schema to the shipped head.

        A SQLite file is looked at before the engine touches it: a folder, an empty or
        non-SQLite file, a damaged one (SQLite's quick check), a newer or foreign schema are
        refused with the file unchanged. ``backup_first``: copy an older database (checked)
        into the backups folder before migrating it.
        """
        shipped_head = shipped_head_revision()
        path = self.sqlite_path
        if path is not None and (path.exists() or path.is_symlink()):
            # Look before the engine connects: its pragmas would switch someone else's
            # SQLite file (or a newer app's) to WAL mode, changing it before we refuse it.
            peeked, has_tables = self._look_at(path)
            up_to_date = shipped_head is not None and peeked == shipped_head
            if not up_to_date:
                script = self._scripts()[1]
                self._refuse_unusable(script, peeked, has_tables)
                up_to_date = peeked == script.get_current_head()
            if not self.read_only and not sqlite_file_writable(path):
                raise DatabaseReadOnly(
                    f"This database is read-only: {path} (or its folder) cannot be written by "
                    "this account. Commands that only read (events list, people list, summary, "
                    "report) still work; to make changes, copy the file to a folder you can "
                    "write to, or ask for write access. Nothing was changed."
                )
            if self.read_only:
                if not up_to_date:
                    raise self._needs_upgrade()
                return
        try:
            with self.engine.connect() as connection:
                current, has_tables = _read_revision(connection)
        except (OperationalError, DatabaseError) as exc:
            raise DatabaseProblem(
                f"The database at {self.location} cannot be opened. "
                + explain_database_error(
                    exc, location=self.location, backups_dir=self.backups_dir, writing=False
                )
                + " Nothing was changed."
            ) from exc
        if shipped_head is not None and current == shipped_head:
            return
        from alembic import command

        config, script = self._scripts()
        head = script.get_current_head()
        if current == head:
            return
        self._refuse_unusable(script, current, has_tables)
        if self.read_only:
            raise self._needs_upgrade()
        if current is not None and backup_first:
            self.backup(reason=f"before-migrating-from-{current}")
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        log.info("database %s migrated from %s to %s", self.location, current, head)

    def _needs_upgrade(self) -> NeedsUpgrade:
        return NeedsUpgrade(
            f"The database at {self.location} was made by an older version of Engagement Desk "
            "and must be upgraded before this version can read it, which needs write access. "
            "Copy it to a folder you can write to and open the copy. Nothing was changed."
        )

    def _look_at(self, path: Path) -> tuple[str | None, bool]:
        """Refuse a file that is not a whole, healthy SQLite database; else its revision.

        Only reads: the file's bytes are the same afterwards, whatever it holds.
        """
        if path.is_dir():
            raise DatabaseProblem(
                f"The database at {path} cannot be opened: it is a folder, not a database file. "
                "Nothing was changed."
            )
        try:
            size = path.stat().st_size
            with path.open("rb") as file:
                header = file.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise DatabaseProblem(
                f"The database at {path} cannot be opened: it cannot be read by this account "
                f"({exc.strerror or exc}). Nothing was changed."
            ) from exc
        if size == 0:
            raise DatabaseDamaged(
                f"The database at {path} cannot be opened: the file is empty (0 bytes), so "
                "whatever it held has been lost (a failed copy, a full disk or a disk fault). "
                "Nothing was changed, and no new database was started in its place. "
                f"{way_out(self.backups_dir)}\nTo start again with an empty database instead, "
                "move this file somewhere else first."
            )
        if header != SQLITE_HEADER:
            raise DatabaseDamaged(
                f"The database at {path} cannot be opened: it is not an SQLite database file "
                "(it may be damaged, or be another kind of file). Nothing was changed. "
                f"{way_out(self.backups_dir)}"
            )
        return self._peek_sqlite(path)

    def _peek_sqlite(self, path: Path) -> tuple[str | None, bool]:
        """Integrity, schema revision and whether there are tables, read without changing it."""
        try:
            connection = sqlite3.connect(reading_uri(path), uri=True)
            try:
                problem = integrity_problem(connection)
                if problem is not None:
                    raise DatabaseDamaged(
                        f"The database at {path} cannot be opened: it is damaged (SQLite's "
                        f"integrity check found: {problem}). Nothing was changed; keep the "
                        "damaged file, it may be possible to recover more from it. "
                        f"{way_out(self.backups_dir)}"
                    )
                tables = {
                    name
                    for (name,) in connection.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table'"
                    )
                }
                current = None
                if "alembic_version" in tables:
                    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                    current = row[0] if row else None
            finally:
                connection.close()
        except sqlite3.Error as exc:
            cause = cause_of(exc)
            if cause is Cause.DAMAGED:
                raise DatabaseDamaged(
                    f"The database at {path} cannot be opened: it is damaged ({exc}). Nothing "
                    f"was changed. {way_out(self.backups_dir)}"
                ) from exc
            raise DatabaseProblem(
                f"The database at {path} cannot be opened. "
                + explain_database_error(
                    exc, location=str(path), backups_dir=self.backups_dir, writing=False
                )
                + " Nothing was changed."
            ) from exc
        return current, bool(tables - {"alembic_version"})

    def _refuse_unusable(
        self, script: ScriptDirectory, current: str | None, has_tables: bool
    ) -> None:
        if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
            raise SchemaTooNew(
                f"The database at {self.location} was written by a newer version of "
                "Engagement Desk. Install the newer version to open it; nothing was changed."
            )
        if has_tables and current is None:
            raise DatabaseProblem(
                f"The database at {self.location} holds tables that are not Engagement Desk's. "
                "Choose another file; nothing was changed."
            )

    def integrity_problem(self) -> str | None:
        """SQLite's quick check of the live file (None: healthy, or not a SQLite file)."""
        path = self.sqlite_path
        if path is None or not path.exists():
            return None
        try:
            connection = sqlite3.connect(reading_uri(path), uri=True)
        except sqlite3.Error as exc:
            return str(exc)
        try:
            return integrity_problem(connection)
        finally:
            connection.close()

    def backup(self, target: Path | None = None, *, reason: str = "manual") -> Path | None:
        """Copy a SQLite database consistently (online backup API), then check the copy.

        Returns the copy's path. A copy that fails SQLite's check is deleted: a damaged
        database is refused (DatabaseDamaged, with the way out) rather than copied as if
        it were healthy, and a copy spoiled on its way to the disk is a DatabaseProblem.
        """
        source = self.sqlite_path
        if source is None or not source.exists():
            return None
        if target is None:
            folder = self.backups_dir or source.parent / "backups"
            folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            target = folder / f"{source.stem}-{stamp}-{reason}.sqlite3"
        try:
            src = sqlite3.connect(reading_uri(source), uri=True)
            try:
                dst = sqlite3.connect(target)
                try:
                    src.backup(dst)
                    problem = integrity_problem(dst)
                finally:
                    dst.close()
            finally:
                src.close()
        except BaseException:
            remove_with_journals(target)
            raise
        if problem is not None:
            remove_with_journals(target)
            damage = self.integrity_problem()
            if damage is not None:
                raise DatabaseDamaged(
                    f"The database at {source} is damaged ({damage}), so no backup was made: "
                    f"the copy would be damaged too. {way_out(self.backups_dir)}"
                )
            raise DatabaseProblem(
                f"The backup written to {target} failed its check ({problem}), so it was "
                "deleted. The disk it was written to may be failing; try another place."
            )
        log.info("backed up %s to %s (checked)", source, target)
        return target

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Shorthand for ``with db.session() as s, s.begin():``."""
        with self.session() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def remove_with_journals(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
