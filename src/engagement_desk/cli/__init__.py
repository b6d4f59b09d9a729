"""The command line: every capability headless, through the same services as the GUI.

Exit 0 on success; 1 on a user error, with a plain message on stderr and nothing written.
Each command group lives in its own module with a ``register(commands)`` function.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from engagement_desk import APP_NAME, __version__
from engagement_desk.paths import AppPaths

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
        packs,
        people,
        reports,
        tickets,
        voices,
        webinars,
    )

    return (events, tickets, checkin, people, webinars, voices, reports, actions, backup, packs)


def build_parser() -> argparse.ArgumentParser:
    from engagement_desk.cli.common import add_command, global_options

    parser = argparse.ArgumentParser(
        prog="engagement-desk",
        description=f"{APP_NAME}: run SEND parent and carer engagement events. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
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
    return _run_command(args)


def _run_command(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError

    from engagement_desk.bootstrap import open_desk
    from engagement_desk.db.database import DatabaseProblem
    from engagement_desk.services.errors import UserError, ValidationFailed

    paths = AppPaths.from_environment(args.data_dir)
    desk: Desk | None = None
    try:
        before_desk = getattr(args, "before_desk", None)
        if before_desk is not None:
            # A command that must work when the database cannot be opened (restore).
            before_desk(paths, args)
        desk = open_desk(paths, args.database)
        result: int = args.handler(desk, args)
        return result
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(f"engagement-desk: {problem.message}", file=sys.stderr)
        return 1
    except (UserError, DatabaseProblem) as exc:
        print(f"engagement-desk: {exc}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        print(
            "engagement-desk: the database is busy or cannot be written (another program may "
            f"be using it, or the disk is full). Nothing was changed. ({exc.orig})",
            file=sys.stderr,
        )
        return 1
    except BrokenPipeError:
        # The reader went away (e.g. piped into `head`): stop quietly.
        sys.stderr.close()
        return 0
    finally:
        if desk is not None:
            desk.close()
