"""One place binds the database: engine, sessions, pragmas, migrations, backups."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

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


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # An acknowledged check-in must survive a crash or a power cut.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Database:
    """Engine and session factory for one database URL.

    Services open ``with db.session() as s, s.begin():`` per use case.
    """

    def __init__(self, url: str, *, backups_dir: Path | None = None, echo: bool = False) -> None:
        try:
            self.url = make_url(url)
        except ArgumentError as exc:
            raise DatabaseProblem(
                f"'{url}' is not a database address this app understands."
            ) from exc
        self.backups_dir = backups_dir
        if self.is_sqlite and self.sqlite_path is not None:
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False}
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except (ArgumentError, ImportError) as exc:
            raise DatabaseProblem(
                f"This installation cannot connect to {self.location}: its database driver is "
                "missing (for PostgreSQL, install engagement-desk[postgres])."
            ) from exc
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.session = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, backups_dir: Path | None = None) -> Database:
        """Connect and bring the schema up to date (backing up first); the usual entry point."""
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

    def migrate(self) -> None:
        shipped_head = shipped_head_revision()
        path = self.sqlite_path
        if path is not None and path.is_file() and path.stat().st_size > 0:
            # Look before the engine connects: its pragmas would switch someone else's
            # SQLite file (or a newer app's) to WAL mode, changing it before we refuse it.
            peeked, has_tables = self._peek_sqlite(path)
            if shipped_head is None or peeked != shipped_head:
                self._refuse_unusable(self._scripts()[1], peeked, has_tables)
        try:
            with self.engine.connect() as connection:
                current, has_tables = _read_revision(connection)
        except (OperationalError, DatabaseError) as exc:
            raise DatabaseProblem(
                f"The database at {self.location} cannot be opened: it may be damaged, "
                "locked by another program, or not a database file. Nothing was changed. "
                f"({exc.orig})"
            ) from exc
        if shipped_head is not None and current == shipped_head:
            return
        from alembic import command

        config, script = self._scripts()
        head = script.get_current_head()
        if current == head:
            return
        self._refuse_unusable(script, current, has_tables)
        if current is not None:
            self.backup(reason=f"before-migrating-from-{current}")
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        log.info("database %s migrated from %s to %s", self.location, current, head)

    def _peek_sqlite(self, path: Path) -> tuple[str | None, bool]:
        """The schema revision and whether there are tables, read without changing the file."""
        try:
            # Read-write but only reading: read-only would leave -wal and -shm files behind.
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
            try:
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
            raise DatabaseProblem(
                f"The database at {self.location} cannot be opened: it may be damaged, "
                f"locked by another program, or not a database file. Nothing was changed. ({exc})"
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

    def backup(self, target: Path | None = None, *, reason: str = "manual") -> Path | None:
        """Copy a SQLite database consistently (online backup API). Returns the copy's path."""
        source = self.sqlite_path
        if source is None or not source.exists():
            return None
        if target is None:
            folder = self.backups_dir or source.parent / "backups"
            folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            target = folder / f"{source.stem}-{stamp}-{reason}.sqlite3"
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
        src.close()
        log.info("backed up %s to %s", source, target)
        return target

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Shorthand for ``with db.session() as s, s.begin():``."""
        with self.session() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
