"""Shared pieces of the command line: sub-command creation, output paths, handler type."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
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


class CommandParser(argparse.ArgumentParser):
    """The parser of every command. ``intermixed=True`` lets options sit among a command's
    words (``checkin EVENT --json CODE ...``): plain argparse fills a ``*`` positional from
    the first run of words only, so a code after an option would be refused."""

    def __init__(self, *args: Any, intermixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.intermixed = intermixed
        self._parsing = False

    # typeshed spells this method as overloads on the namespace type; one signature serves.
    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if not self.intermixed or self._parsing:
            # parse_known_intermixed_args calls back here for each of its passes
            return super().parse_known_args(args, namespace)
        self._parsing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._parsing = False


def add_command(
    group: Any,
    name: str,
    help_text: str,
    handler: Handler | None = None,
    **options: Any,
) -> argparse.ArgumentParser:
    """A sub-command under ``group`` (an argparse sub-parsers object) that runs ``handler``.
    ``options`` go to the command's parser (a ``CommandParser``: ``intermixed``, ``epilog``)."""
    parser: argparse.ArgumentParser = group.add_parser(
        name, help=help_text, description=help_text, **options
    )
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
