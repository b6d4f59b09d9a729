"""The command line: every capability headless, through the same services as the GUI.

Exit 0 on success; 1 on a user error, with a plain message on stderr and nothing written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engagement_desk import APP_NAME, __version__
from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.clock import parse_local, to_local
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.db.database import DatabaseProblem
from engagement_desk.paths import AppPaths
from engagement_desk.services.errors import UserError, ValidationFailed
from engagement_desk.services.events import EventRow, When


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="engagement-desk",
        description=f"{APP_NAME}: run SEND parent and carer engagement events. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    _global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, sub: Any = commands) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
        _global_options(p, suppress=True)
        return p

    command(
        "self-test",
        "build the main window offscreen; check resources, database and a QR round trip",
    )
    demo = command("demo", "fill an empty database with fictional demo data")
    demo.add_argument("--people", type=int, default=120, help="how many demo people (default 120)")

    events = command("events", "list, add and publish events")
    event_commands = events.add_subparsers(dest="events_command", metavar="ACTION", required=True)
    listing = command("list", "list events", event_commands)
    listing.add_argument("--when", choices=[w.value for w in When], default="all")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    add = command("add", "add an event", event_commands)
    add.add_argument("--title", required=True)
    add.add_argument("--kind", required=True, help="venue, webinar, drop-in or workshop")
    add.add_argument(
        "--start", required=True, help="ISO date and time, UK time unless an offset is given"
    )
    add.add_argument("--end", required=True, help="ISO date and time")
    add.add_argument("--venue", help="venue name (required except for webinars)")
    add.add_argument("--address", default="")
    add.add_argument("--link", default="", help="online link for a webinar")
    add.add_argument("--capacity", type=int)
    add.add_argument("--description", default="")
    add.add_argument("--json", action="store_true")
    ics = command(
        "ics", "export events as an .ics calendar (all upcoming by default)", event_commands
    )
    ics.add_argument("events", nargs="*", metavar="EVENT")
    ics.add_argument("-o", "--output", required=True, type=Path)
    pdf = command(
        "listing", "export a printable PDF listing (all upcoming by default)", event_commands
    )
    pdf.add_argument("events", nargs="*", metavar="EVENT")
    pdf.add_argument("-o", "--output", required=True, type=Path)
    cancel = command("cancel", "cancel an event", event_commands)
    cancel.add_argument("event", metavar="EVENT")
    cancel.add_argument("--reason", default="")
    return parser


def _row_json(row: EventRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "short_code": row.short_code,
        "title": row.title,
        "kind": row.kind.value,
        "status": row.status.value,
        "start": row.starts_at.isoformat(),
        "end": row.ends_at.isoformat(),
        "venue": row.venue_name or None,
        "capacity": row.capacity,
        "registered": row.registered,
        "waitlisted": row.waitlisted,
        "checked_in": row.checked_in,
        "walk_ins": row.walk_ins,
    }


def _print_rows(rows: list[EventRow]) -> None:
    if not rows:
        print("No events.")
        return
    header = f"{'CODE':6}  {'START (UK)':16}  {'KIND':8}  {'REG':>4}  {'IN':>4}  {'WALK':>4}"
    print(f"{header}  TITLE / VENUE")
    for row in rows:
        flag = " [CANCELLED]" if row.status.value == "cancelled" else ""
        venue = f" @ {row.venue_name}" if row.venue_name else ""
        print(
            f"{row.short_code:6}  {to_local(row.starts_at):%Y-%m-%d %H:%M}  {row.kind.value:8}  "
            f"{row.registered:>4}  {row.checked_in:>4}  {row.walk_ins:>4}  {row.title}{venue}{flag}"
        )


def _events(desk: Desk, args: argparse.Namespace) -> int:
    action = args.events_command
    if action == "list":
        rows = desk.events.list_events(When(args.when))
        if args.json:
            print(json.dumps([_row_json(r) for r in rows], indent=2))
        else:
            _print_rows(rows)
    elif action == "add":
        try:
            starts, ends = parse_local(args.start), parse_local(args.end)
        except ValueError as exc:
            raise UserError(
                "Give --start and --end as ISO dates and times, like 2026-03-14T10:00."
            ) from exc
        venue = VenueDraft(args.venue, address=args.address) if args.venue else None
        detail = desk.events.create(
            EventDraft(
                title=args.title,
                kind=args.kind,
                starts_at=starts,
                ends_at=ends,
                venue=venue,
                online_link=args.link,
                capacity=args.capacity,
                description=args.description,
            )
        )
        row = desk.events.rows_for([detail.id])[0]
        if args.json:
            print(json.dumps(_row_json(row), indent=2))
        else:
            print(f"Added {detail.short_code}: {detail.draft.title} (id {detail.id})")
    elif action == "ics":
        count = desk.schedule.write_ics(_output(args.output), args.events)
        print(f"Wrote {count} event{'s' if count != 1 else ''} to {args.output}")
    elif action == "listing":
        count = desk.schedule.write_listing_pdf(_output(args.output), args.events)
        print(f"Wrote a listing of {count} event{'s' if count != 1 else ''} to {args.output}")
    elif action == "cancel":
        detail = desk.events.cancel(args.event, args.reason)
        print(f"Cancelled {detail.short_code}: {detail.draft.title}")
    return 0


def _output(path: Path) -> Path:
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name to write.")
    if not path.parent.exists():
        raise UserError(f"The folder {path.parent} does not exist.")
    return path


def _self_test(desk: Desk) -> int:
    from engagement_desk.app import self_test

    failures = self_test(desk)
    for line in failures:
        print(f"FAIL {line}", file=sys.stderr)
    if failures:
        return 1
    print("Self-test passed: resources, database, QR round trip and main window are all working.")
    return 0


def _demo(desk: Desk, args: argparse.Namespace) -> int:
    result = desk.demo.fill(people=args.people)
    print(
        f"Demo data added to {desk.db.location}: {result.events} events, {result.people} people, "
        f"{result.registrations} registrations, {result.check_ins} check-ins, "
        f"{result.responses} responses, {result.comments} comments."
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = AppPaths.from_environment(args.data_dir)
    if args.command is None:
        from engagement_desk.app import run_gui

        return run_gui(paths, args.database)
    try:
        desk = open_desk(paths, args.database)
    except DatabaseProblem as exc:
        print(f"engagement-desk: {exc}", file=sys.stderr)
        return 1
    try:
        if args.command == "self-test":
            return _self_test(desk)
        if args.command == "demo":
            return _demo(desk, args)
        if args.command == "events":
            return _events(desk, args)
        parser.error(f"unknown command {args.command}")
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(f"engagement-desk: {problem.message}", file=sys.stderr)
        return 1
    except UserError as exc:
        print(f"engagement-desk: {exc}", file=sys.stderr)
        return 1
    finally:
        desk.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
