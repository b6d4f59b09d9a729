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
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from engagement_desk.db.database import (
    MIGRATIONS,
    Cause,
    Database,
    DatabaseProblem,
    cause_of,
    remove_with_journals,
    sqlite_file_writable,
)
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
