"""`backup [-o FILE]` and `restore FILE`: a safe copy of the database, and putting one back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import Desk
from engagement_desk.cli.common import add_command


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


def _backup(desk: Desk, args: argparse.Namespace) -> int:
    result = desk.backups.backup(args.output)
    print(f"Backed up the database to {result.path} ({result.size:,} bytes).")
    return 0


def _restore(desk: Desk, args: argparse.Namespace) -> int:
    result = desk.backups.restore(args.file)
    # The restored file may predate this laptop or the programme's seed data.
    desk.devices.announce()
    desk.programmes.ensure_seeded()
    print(f"Restored the database from {result.restored_from}.")
    if result.previous_backup is not None:
        print(f"The database as it was before is kept at {result.previous_backup}.")
    return 0
