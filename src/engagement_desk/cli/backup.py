"""`backup [-o FILE]` and `restore FILE`: a safe copy of the database, and putting one back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import Desk
from engagement_desk.cli.common import add_command
from engagement_desk.db.database import Database
from engagement_desk.paths import AppPaths
from engagement_desk.services.backups import BackupService, RestoreResult


def register(commands: Any) -> None:
    backup = add_command(
        commands,
        "backup",
        "copy the database safely, even while the app is open "
        "(default: the data folder's backups/ with a timestamp)",
        _backup,
    )
    backup.add_argument("-o", "--output", type=Path, metavar="FILE", help="where to write the copy")
    restore = add_command(
        commands,
        "restore",
        "replace the database with a backup (the current database is backed up first)",
        _restore,
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="a backup made by 'backup'")
    # Restoring must work even when the current database is damaged and cannot be opened.
    restore.set_defaults(before_desk=_restore_file)


def _backup(desk: Desk, args: argparse.Namespace) -> int:
    result = desk.backups.backup(args.output)
    print(
        f"Backed up the database to {result.path} ({result.size:,} bytes); "
        "the copy was checked and is sound."
    )
    return 0


def _restore_file(paths: AppPaths, args: argparse.Namespace) -> None:
    """Restore with the database unopened; the desk opens afterwards (migrated, announced)."""
    paths.ensure()
    db = Database(paths.database_url(args.database), backups_dir=paths.backups)
    try:
        args.restored = BackupService(db).restore(args.file)
    finally:
        db.dispose()


def _restore(desk: Desk, args: argparse.Namespace) -> int:
    result: RestoreResult = args.restored
    print(f"Restored the database from {result.restored_from}.")
    if result.previous_backup is not None:
        print(f"The database as it was before is kept at {result.previous_backup}.")
    return 0
