"""Backing up the database and restoring a backup over it.

A backup is a consistent copy made with SQLite's online backup API, so it can be taken
while the app is open, and it is checked (SQLite's quick check on the copy) before it is
called good: a damaged database is refused rather than copied as if it were healthy.

A restore is all or nothing. The backup is copied beside the live database as a
temporary file, checked, and brought up to this version's schema there; only when that
copy opens, passes its check and migrates cleanly is the current database backed up and
replaced, in one rename (the folder synced after). Any failure before the rename leaves
the live database byte for byte as it was, and the message says so; a failure after it
says what did change. PostgreSQL has its own tools (pg_dump, pg_restore); this service
says so plainly.

Automatic backups (``automatic``) go to the backups folder with their reason in the file
name: when the app opens and closes, before an event pack is imported or bundles merged,
and every few minutes while check-ins are happening (``back_up_if_checking_in``). They form
a bounded rolling set (``rolling_set``): the last 20, plus the newest of each day for two
weeks. Backups made by hand, before a migration or before a restore are never pruned.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from engagement_desk.core.clock import to_local
from engagement_desk.db.database import (
    MIGRATIONS,
    Cause,
    Database,
    DatabaseProblem,
    backups_in,
    cause_of,
    remove_with_journals,
    sqlite_file_writable,
)
from engagement_desk.db.models import CheckIn
from engagement_desk.services.errors import UserError

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every Engagement Desk database has had since the first schema.
CORE_TABLES = frozenset({"alembic_version", "programme", "event", "person", "registration"})

POSTGRES_BACKUP = (
    "This database is on a {backend} server, so back it up with the server's own tools "
    "(for PostgreSQL: pg_dump). Engagement Desk backs up SQLite files only."
)
POSTGRES_RESTORE = (
    "This database is on a {backend} server, so restore it with the server's own tools "
    "(for PostgreSQL: pg_restore or psql). Engagement Desk restores SQLite files only."
)


# Reasons for the backups the app makes by itself; only these are pruned.
AUTOMATIC_REASONS = frozenset(
    {"start", "close", "during-check-in", "before-merge", "before-pack-import"}
)
REASON_WORDS = {
    "start": "App opened",
    "close": "App closed",
    "during-check-in": "During check-in",
    "before-merge": "Before merging bundles",
    "before-pack-import": "Before importing an event pack",
    "before-restore": "Before a restore",
    "manual": "Backed up by hand",
}
KEEP_LAST = 20
KEEP_DAILY_DAYS = 14
CHECK_IN_INTERVAL_MINUTES = 5
_NAME = re.compile(r"-(\d{8}T\d{6}\d{6}Z)-([a-z0-9.-]+)\.sqlite3$")


@dataclass(frozen=True)
class KeptCopy:
    """One backup in the backups folder, as the Backups list shows it."""

    path: Path
    made_at: datetime  # aware UTC
    reason: str  # as in the file name: "start", "manual", "before-migrating-from-0003", ...
    size: int

    @property
    def why(self) -> str:
        """The reason in words."""
        if self.reason.startswith("before-migrating"):
            return "Before upgrading the database"
        return REASON_WORDS.get(self.reason, self.reason.replace("-", " ").capitalize())

    @property
    def automatic(self) -> bool:
        return self.reason in AUTOMATIC_REASONS


def rolling_set(
    copies: Sequence[KeptCopy],
    now: datetime,
    *,
    keep_last: int = KEEP_LAST,
    daily_days: int = KEEP_DAILY_DAYS,
) -> list[KeptCopy]:
    """The automatic backups to delete: all but the newest ``keep_last`` and the newest of
    each UK day in the last ``daily_days`` days. Other backups are never chosen."""
    automatic = sorted((c for c in copies if c.automatic), key=lambda c: c.made_at, reverse=True)
    kept = {c.path for c in automatic[:keep_last]}
    days_seen: set[object] = set()
    for copy in automatic:
        if now - copy.made_at > timedelta(days=daily_days):
            continue
        day = to_local(copy.made_at).date()
        if day not in days_seen:
            days_seen.add(day)
            kept.add(copy.path)
    return [c for c in automatic if c.path not in kept]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    previous_backup: Path | None  # the database as it was just before the restore
    schema_revision: str | None


class BackupService:
    def __init__(self, db: Database) -> None:
        self._db = db
        # Called after a restore replaced the database, so caches (the ticket key) are
        # looked up again and the running app uses the restored data at once.
        self.after_restore: list[Callable[[], None]] = []
        self._check_ins_at_last_backup: tuple[int, object] | None = None

    # ---- the list and automatic backups ----------------------------------

    @property
    def folder(self) -> Path | None:
        """Where automatic backups go (None: this database has no file to back up)."""
        path = self._db.sqlite_path
        if not self._db.is_sqlite or path is None:
            return None
        return self._db.backups_dir or path.parent / "backups"

    def list_backups(self) -> list[KeptCopy]:
        """The backups in the backups folder, newest first."""
        copies: list[KeptCopy] = []
        for kept in backups_in(self.folder):
            path = kept.path
            try:
                size = path.stat().st_size
            except OSError:
                continue
            match = _NAME.search(path.name)
            if match:
                made_at = datetime.strptime(match[1], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
                reason = match[2]
            else:
                made_at, reason = kept.made_at, "copied in"
            copies.append(KeptCopy(path, made_at, reason, size))
        copies.sort(key=lambda c: (c.made_at, c.path.name), reverse=True)
        return copies

    def automatic(self, reason: str) -> BackupResult | None:
        """A checked backup to the backups folder, then the rolling set pruned.

        None when there is nothing to back up (a database server, an in-memory database,
        no file yet). A failure is a UserError, which the caller may pass on or log.
        """
        if reason not in AUTOMATIC_REASONS:
            raise ValueError(f"not an automatic backup reason: {reason}")
        if self.folder is None or self._db.read_only:
            return None
        try:
            copy = self._db.backup(reason=reason)
        except (OSError, sqlite3.Error, DatabaseProblem) as exc:
            raise UserError(f"The automatic backup ({reason}) could not be made: {exc}") from exc
        if copy is None:
            return None
        self._check_ins_at_last_backup = self._check_in_state()
        self.prune()
        return BackupResult(path=copy, size=copy.stat().st_size)

    def prune(self) -> list[Path]:
        """Delete automatic backups beyond the rolling set; the paths deleted."""
        doomed = rolling_set(self.list_backups(), datetime.now(UTC))
        for copy in doomed:
            try:
                remove_with_journals(copy.path)
            except OSError as exc:
                log.warning("could not delete old backup %s: %s", copy.path, exc)
        if doomed:
            log.info("pruned %d old automatic backups", len(doomed))
        return [c.path for c in doomed]

    def back_up_if_checking_in(self) -> BackupResult | None:
        """Back up if check-ins (or undos) happened since the last automatic backup; the
        caller runs this every CHECK_IN_INTERVAL_MINUTES while the app is open."""
        if self.folder is None:
            return None
        state = self._check_in_state()
        if self._check_ins_at_last_backup is None:
            self._check_ins_at_last_backup = state  # nothing to compare with: from now on
            return None
        if state == self._check_ins_at_last_backup:
            return None
        return self.automatic("during-check-in")

    def _check_in_state(self) -> tuple[int, object]:
        with self._db.session() as s:
            row = s.execute(
                select(
                    func.count(CheckIn.id),
                    func.max(CheckIn.checked_in_at),
                    func.max(CheckIn.undone_at),
                )
            ).one()
        return int(row[0]), (row[1], row[2])

    # ---- by hand -----------------------------------------------------------

    def backup(self, target: Path | None = None) -> BackupResult:
        """Copy the database to ``target`` (default: the backups folder, time-stamped)."""
        live = self._live_file()
        if target is not None:
            target = target.expanduser()
            if target.is_dir():
                raise UserError(f"{target} is a folder; give a file name to write.")
            if not target.parent.is_dir():
                raise UserError(f"The folder {target.parent} does not exist.")
            if target.exists() and _same_file(target, live):
                raise UserError(
                    f"{target} is the database itself; choose another file for the backup."
                )
            partial = target.with_name(f".{target.name}.partial")
            partial.unlink(missing_ok=True)
            try:
                self._db.backup(partial, reason="manual")
                _fsync(partial)
                partial.replace(target)
            except (OSError, sqlite3.Error) as exc:
                raise UserError(
                    f"Could not write the backup to {target}: {exc}. Check the folder and "
                    "the free space, and try again."
                ) from exc
            finally:
                partial.unlink(missing_ok=True)
            written = target
        else:
            try:
                copy = self._db.backup(reason="manual")
            except (OSError, sqlite3.Error) as exc:
                raise UserError(
                    f"Could not write the backup: {exc}. Check the free space and try again."
                ) from exc
            assert copy is not None
            written = copy
        return BackupResult(path=written, size=written.stat().st_size)

    def restore(self, source: Path) -> RestoreResult:
        """Replace the database with the backup at ``source`` (all or nothing; see module)."""
        live = self._live_file(POSTGRES_RESTORE)
        source = source.expanduser()
        if not source.is_file():
            raise UserError(f"There is no file at {source}. Nothing was changed.")
        if _same_file(source, live):
            raise UserError(
                f"{source} is the database in use; choose a backup file. Nothing was changed."
            )
        if not sqlite_file_writable(live):
            raise UserError(
                f"This database is read-only: {live} (or its folder) cannot be written by this "
                "account, so it cannot be replaced. Nothing was changed."
            )
        staged = live.with_name(f".{live.name}.restoring")
        remove_with_journals(staged)
        try:
            _stage_checked_copy(source, staged)
            revision = _bring_up_to_date(source, staged)
            self._db.dispose()
            previous = self._keep_current(live)
            _settle(live)
            _fsync(staged)
            try:
                os.replace(staged, live)
            except OSError as exc:
                raise UserError(
                    f"The database could not be replaced by {source} ({exc.strerror or exc}). "
                    "Its contents are as they were (its write-ahead log may have been folded "
                    "into the file)" + (f"; a copy is kept at {previous}." if previous else ".")
                ) from exc
            _fsync_folder(live.parent)
        finally:
            remove_with_journals(staged)
        log.info("restored %s from %s (schema %s)", live, source, revision)
        for listener in self.after_restore:
            listener()
        self._check_ins_at_last_backup = None
        return RestoreResult(
            restored_from=source, previous_backup=previous, schema_revision=revision
        )

    def _keep_current(self, live: Path) -> Path | None:
        """Back up the database about to be replaced; byte for byte if SQLite cannot read it."""
        if not live.exists():
            return None
        try:
            return self._db.backup(reason="before-restore")
        except (sqlite3.Error, DatabaseProblem) as exc:
            if isinstance(exc, sqlite3.Error) and cause_of(exc) is not Cause.DAMAGED:
                raise UserError(
                    f"Could not keep a copy of the current database before replacing it "
                    f"({exc}), so nothing was restored. Nothing was changed."
                ) from exc
            log.info("the database at %s cannot be read; keeping its files as they are", live)
        except OSError as exc:
            raise UserError(
                f"Could not keep a copy of the current database before replacing it "
                f"({exc.strerror or exc}); check the free space. Nothing was changed."
            ) from exc
        folder = self._db.backups_dir or live.parent / "backups"
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        kept = folder / f"{live.stem}-{stamp}-before-restore-unreadable{live.suffix}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(live, kept)
            for suffix in ("-wal", "-shm"):
                journal = live.with_name(live.name + suffix)
                if journal.exists():
                    shutil.copyfile(journal, kept.with_name(kept.name + suffix))
        except OSError as exc:
            remove_with_journals(kept)
            raise UserError(
                f"Could not keep a copy of the current database before replacing it "
                f"({exc.strerror or exc}); check the free space. Nothing was changed."
            ) from exc
        return kept

    def _revision(self) -> str | None:
        with self._db.engine.connect() as connection:
            value = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        return None if value is None else str(value)

    def _live_file(self, refusal: str = POSTGRES_BACKUP) -> Path:
        path = self._db.sqlite_path
        if not self._db.is_sqlite:
            raise UserError(refusal.format(backend=self._db.url.get_backend_name()))
        if path is None:
            raise UserError("This database lives only in memory, so it has no file to back up.")
        return path


def _stage_checked_copy(source: Path, staged: Path) -> str:
    """Copy ``source`` (and its write-ahead log) to ``staged`` and check it; the revision.

    The source itself is only read, never opened by SQLite, so it cannot change.
    """
    with source.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise UserError(
            f"{source} is not an Engagement Desk backup: it is not an SQLite database file. "
            "Nothing was changed."
        )
    try:
        shutil.copyfile(source, staged)
        journal = source.with_name(source.name + "-wal")
        if journal.is_file():
            shutil.copyfile(journal, staged.with_name(staged.name + "-wal"))
    except OSError as exc:
        raise UserError(f"Could not read {source}: {exc}. Nothing was changed.") from exc
    try:
        connection = sqlite3.connect(staged)
        try:
            check = connection.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise UserError(
                    f"{source} is damaged (SQLite's check failed), so it cannot be restored. "
                    "Try an older backup. Nothing was changed."
                )
            tables = {
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
            if not CORE_TABLES.issubset(tables):
                raise UserError(
                    f"{source} is an SQLite file but not an Engagement Desk database. "
                    "Nothing was changed."
                )
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = None if row is None else str(row[0])
            if revision not in _known_revisions():
                raise UserError(
                    f"{source} was made by a newer version of Engagement Desk (or is not one "
                    "of its databases). Install the newer version to restore it. "
                    "Nothing was changed."
                )
            # One self-contained file: fold the log in, so the rename moves everything.
            connection.execute("PRAGMA journal_mode=DELETE")
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise UserError(
            f"{source} is damaged or not an SQLite database ({exc}), so it cannot be restored. "
            "Nothing was changed."
        ) from exc
    return revision


def _bring_up_to_date(source: Path, staged: Path) -> str | None:
    """Migrate the staged copy to this version's schema and check it again; its revision.

    Runs on the copy only, so a backup that cannot be brought up to date (say its schema
    stamp is older than its tables) is refused with the live database untouched.
    """
    copy = Database(f"sqlite:///{staged.resolve().as_posix()}")
    try:
        copy.migrate(backup_first=False)
        revision = copy.schema_revision()
        copy.dispose()
        problem = copy.integrity_problem()
        if problem is not None:
            raise UserError(
                f"{source} failed SQLite's check after it was brought up to date ({problem}), "
                "so it cannot be restored. Try an older backup. Nothing was changed."
            )
        # One self-contained file again: the log folded in, so the rename moves everything.
        connection = sqlite3.connect(staged)
        try:
            connection.execute("PRAGMA journal_mode=DELETE")
        finally:
            connection.close()
    except (DatabaseProblem, SQLAlchemyError, sqlite3.Error) as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        raise UserError(
            f"{source} could not be brought up to date for this version of Engagement Desk "
            f"({detail}), so it cannot be restored. Try another backup. Nothing was changed."
        ) from exc
    finally:
        copy.dispose()
    if revision != _head_revision():
        raise UserError(
            f"{source} could not be brought up to date for this version of Engagement Desk, "
            "so it cannot be restored. Nothing was changed."
        )
    return revision


def _head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def _known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def _settle(live: Path) -> None:
    """Fold the live database's write-ahead log into it, proving no one else has it open.

    A leftover log beside the restored file would be replayed into it, so it must go.
    """
    if not live.exists():
        return
    try:
        connection = sqlite3.connect(live, timeout=2)
        try:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise UserError(
                "The database is in use by another program (is Engagement Desk open in another "
                f"window?), so it cannot be replaced. Close it and try again. ({exc})"
            ) from exc
        # Damaged beyond reading (its files are kept in the backups folder): its log must
        # not be replayed into the restored file.
        for suffix in ("-wal", "-shm", "-journal"):
            live.with_name(live.name + suffix).unlink(missing_ok=True)
        return
    except sqlite3.DatabaseError:
        # Damaged beyond reading (its files are kept in the backups folder): its log must
        # not be replayed into the restored file.
        for suffix in ("-wal", "-shm", "-journal"):
            live.with_name(live.name + suffix).unlink(missing_ok=True)
        return
    if mode is None or str(mode[0]).lower() != "delete":
        raise UserError(
            "The database is in use by another program (is Engagement Desk open in another "
            "window?), so it cannot be replaced. Close it and try again."
        )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _fsync(path: Path) -> None:
    with path.open("rb+") as file:
        os.fsync(file.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
