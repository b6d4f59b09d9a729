"""Shared pieces of the command line: sub-command creation, output paths, handler type."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import Desk
from engagement_desk.services.errors import UserError

Handler = Callable[[Desk, argparse.Namespace], int]


def global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--database and --data-dir, accepted before or after the command."""
    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--database",
        metavar="URL",
        default=default,
        help="SQLAlchemy database URL (env ENGAGEMENT_DESK_DATABASE); "
        "default: a SQLite file in the data folder",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="folder for data, logs and backups (env ENGAGEMENT_DESK_HOME)",
    )


def add_command(
    group: Any, name: str, help_text: str, handler: Handler | None = None
) -> argparse.ArgumentParser:
    """A sub-command under ``group`` (an argparse sub-parsers object) that runs ``handler``."""
    parser: argparse.ArgumentParser = group.add_parser(name, help=help_text, description=help_text)
    global_options(parser, suppress=True)
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


def output_path(path: Path) -> Path:
    """A file we may write: not a folder, in a folder that exists."""
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name to write.")
    if not path.parent.exists():
        raise UserError(f"The folder {path.parent} does not exist.")
    return path


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
