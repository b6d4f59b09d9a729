"""The command line: every capability headless, through the same services as the GUI.

Exit 0 on success; 1 on a user error, with a plain message on stderr and nothing written.
Each command group lives in its own module with a ``register(commands)`` function.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, TextIO

from engagement_desk import APP_NAME, __version__
from engagement_desk.paths import AppPaths

log = logging.getLogger("engagement_desk.cli")

if TYPE_CHECKING:
    from engagement_desk.bootstrap import Desk

# Opening the app must not wait for the command modules (and the database layer they
# import): they load only when a command is given.


def command_groups() -> tuple[ModuleType, ...]:
    from engagement_desk.cli import (
        actions,
        backup,
        checkin,
        events,
        mail,
        packs,
        people,
        reports,
        tickets,
        voices,
        webinars,
    )

    return (
        events,
        tickets,
        mail,
        checkin,
        people,
        webinars,
        voices,
        reports,
        actions,
        backup,
        packs,
    )


def build_parser() -> argparse.ArgumentParser:
    from engagement_desk.cli.common import CommandParser, add_command, global_options

    parser = argparse.ArgumentParser(
        prog="engagement-desk",
        description=f"{APP_NAME}: run SEND parent and carer engagement events. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    global_options(parser, suppress=False)
    # Each command's parser, and the parsers of its own sub-commands, are CommandParsers.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    add_command(
        commands,
        "self-test",
        "build the main window offscreen; check resources, database and a QR round trip",
        _self_test,
    )
    demo = add_command(commands, "demo", "fill an empty database with fictional demo data", _demo)
    demo.add_argument("--people", type=int, default=120, help="how many demo people (default 120)")
    for group in command_groups():
        group.register(commands)
    return parser


def _self_test(desk: Desk, _args: argparse.Namespace) -> int:
    from engagement_desk.app import self_test

    failures = self_test(desk)
    for line in failures:
        print(f"FAIL {line}", file=sys.stderr)
    if failures:
        return 1
    print("Self-test passed: resources, database, QR round trip and main window all work.")
    return 0


def _demo(desk: Desk, args: argparse.Namespace) -> int:
    result = desk.demo.fill(people=args.people)
    print(
        f"Demo data added to {desk.db.location}: {result.events} events, {result.people} people, "
        f"{result.registrations} registrations, {result.check_ins} check-ins, "
        f"{result.responses} responses, {result.comments} comments."
    )
    return 0


def _gui_options(argv: Sequence[str]) -> argparse.Namespace | None:
    """The options, when the arguments only open the app (no command, no --help)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--database")
    parser.add_argument("--data-dir")
    try:
        options, rest = parser.parse_known_args(argv)
    except SystemExit:
        return None
    return None if rest else options


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    gui = _gui_options(arguments)
    if gui is not None:
        from engagement_desk.app import run_gui

        return run_gui(AppPaths.from_environment(gui.data_dir), gui.database)
    args = build_parser().parse_args(arguments)
    if args.command is None:
        build_parser().print_usage(sys.stderr)
        return 1
    clean_arguments(args)
    terminal = sys.stdout
    sys.stdout = PrintableText(terminal)
    try:
        return _run_command(args)
    finally:
        sys.stdout = terminal


# Arguments that name files or databases are used exactly as given.
_VERBATIM = frozenset({"database", "data_dir", "file", "files", "output", "html", "eml_dir"})
# Arguments whose text may run over several lines.
_MULTILINE = ("description", "notes", "text", "answer", "you_said", "we_did", "reason")


def clean_arguments(args: argparse.Namespace) -> None:
    """Remove control characters from the text given on the command line (names, titles).

    An escape sequence or a stray NUL pasted into a name would be stored, then replayed on
    every terminal and in every list that shows it.
    """
    from engagement_desk.core.validation import remove_control_characters

    for key, value in vars(args).items():
        if key in _VERBATIM:
            continue
        lines = any(word in key for word in _MULTILINE)
        if isinstance(value, str):
            setattr(args, key, remove_control_characters(value, keep_newlines=lines))
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            setattr(
                args,
                key,
                [remove_control_characters(item, keep_newlines=lines) for item in value],
            )


class PrintableText(io.TextIOBase):
    """Standard output that shows control characters as escapes instead of sending them.

    Whatever the data holds (an import from another system, an old database), nothing
    printed by a command can move the cursor, retitle the window or hide text.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        from engagement_desk.core.validation import printable

        self._stream.write(printable(text, keep_newlines=True))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()


# Commands that only read: they open the database so that it cannot be written, so they
# work on a read-only file or folder and change nothing (not even "this laptop was here").
READING_COMMANDS = frozenset(
    {
        ("events", "list"),
        ("events", "ics"),
        ("events", "listing"),
        ("people", "list"),
        ("summary", None),
        ("report", "event"),
        ("report", "programme"),
        ("webinar", "questions"),
        ("actions", "list"),
        ("backup", None),
        ("outbox", "list"),
    }
)


def command_path(args: argparse.Namespace) -> tuple[str, str | None]:
    """The command and its action, e.g. ('events', 'list'); no argument values (privacy)."""
    command = str(args.command)
    action = getattr(args, f"{command.replace('-', '_')}_command", None)
    return command, None if action is None else str(action)


def reads_only(args: argparse.Namespace) -> bool:
    return command_path(args) in READING_COMMANDS


def _start_logging(paths: AppPaths) -> None:
    """Log to the data folder's logs/ as the app does; a folder we cannot write is no log."""
    from engagement_desk.logs import configure_logging

    with contextlib.suppress(OSError):
        configure_logging(paths.logs)


def _run_command(args: argparse.Namespace) -> int:
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from engagement_desk.bootstrap import open_desk
    from engagement_desk.db.database import DatabaseProblem, explain_database_error
    from engagement_desk.paths import DataFolderProblem
    from engagement_desk.services.errors import UserError, ValidationFailed

    paths = AppPaths.from_environment(args.data_dir)
    name = " ".join(part for part in command_path(args) if part)
    reading = reads_only(args)
    desk: Desk | None = None
    try:
        paths.ensure(for_reading=reading)
        _start_logging(paths)
        log.info("command %s started%s", name, " (reading only)" if reading else "")
        before_desk = getattr(args, "before_desk", None)
        if before_desk is not None:
            # A command that must work when the database cannot be opened (restore).
            before_desk(paths, args)
        desk = open_desk(paths, args.database, read_only=reading)
        result: int = args.handler(desk, args)
        log.info("command %s finished (exit %s)", name, result)
        return result
    except ValidationFailed as exc:
        log.info("command %s refused (%s)", name, type(exc).__name__)
        for problem in exc.problems:
            _say(problem.message)
        return 1
    except (UserError, DatabaseProblem, DataFolderProblem) as exc:
        log.info("command %s refused (%s)", name, type(exc).__name__)
        _say(str(exc))
        return 1
    except (DBAPIError, sqlite3.Error) as exc:
        log.warning("command %s: database error", name, exc_info=True)
        if desk is not None:
            _say(desk.db.explain(exc, writing=not reading))
        else:
            location = paths.database_url(args.database)
            _say(explain_database_error(exc, location=location, backups_dir=paths.backups))
        return 1
    except BrokenPipeError:
        # The reader went away (e.g. piped into `head`): stop quietly.
        sys.stderr.close()
        return 0
    except Exception as exc:
        # A fault in the app itself: the user gets a plain sentence and where the details
        # are, never a traceback (the log keeps it for whoever supports the app).
        log.exception("command %s failed", name)
        _say(
            f"Something went wrong that Engagement Desk did not expect ({type(exc).__name__}), "
            f"so '{name}' stopped. The details are in the log in {paths.logs}; please send "
            "it to whoever supports Engagement Desk here. Anything saved before this point "
            "stays saved."
        )
        return 1
    finally:
        if desk is not None:
            desk.close()


def _say(message: str) -> None:
    """A message for the terminal: control characters (from data or arguments) made visible."""
    from engagement_desk.core.validation import printable

    print(f"engagement-desk: {printable(message, keep_newlines=True)}", file=sys.stderr)
