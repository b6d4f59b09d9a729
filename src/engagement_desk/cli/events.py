"""`events list|add|ics|listing|cancel`."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import Desk
from engagement_desk.cli.common import add_command, output_path, plural
from engagement_desk.core.clock import LocalTimeProblem, parse_local, to_local
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.statuses import EventStatus
from engagement_desk.services.errors import UserError
from engagement_desk.services.events import EventRow, When
from engagement_desk.services.files import save_file


def register(commands: Any) -> None:
    events = add_command(commands, "events", "list, add and publish events")
    group = events.add_subparsers(dest="events_command", metavar="ACTION", required=True)

    listing = add_command(group, "list", "list events", _list)
    listing.add_argument("--when", choices=[w.value for w in When], default="all")
    listing.add_argument("--json", action="store_true", help="machine-readable output")

    add = add_command(group, "add", "add an event", _add)
    add.add_argument("--title", required=True)
    add.add_argument("--kind", required=True, help="venue, webinar, drop-in or workshop")
    add.add_argument("--start", required=True, help="ISO date and time; UK time unless an offset")
    add.add_argument("--end", required=True, help="ISO date and time")
    add.add_argument("--venue", help="venue name (required except for webinars)")
    add.add_argument("--address", default="")
    add.add_argument("--link", default="", help="online link for a webinar")
    add.add_argument("--capacity", type=int)
    add.add_argument("--description", default="")
    add.add_argument("--json", action="store_true")

    ics = add_command(group, "ics", "export an .ics calendar (all upcoming by default)", _ics)
    ics.add_argument("events", nargs="*", metavar="EVENT")
    ics.add_argument("-o", "--output", required=True, type=Path)

    pdf = add_command(group, "listing", "export a printable PDF listing of events", _listing)
    pdf.add_argument("events", nargs="*", metavar="EVENT")
    pdf.add_argument("-o", "--output", required=True, type=Path)

    cancel = add_command(group, "cancel", "cancel an event", _cancel)
    cancel.add_argument("event", metavar="EVENT")
    cancel.add_argument("--reason", default="")


def row_json(row: EventRow) -> dict[str, Any]:
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


def _list(desk: Desk, args: argparse.Namespace) -> int:
    rows = desk.events.list_events(When(args.when))
    if args.json:
        print(json.dumps([row_json(r) for r in rows], indent=2))
        return 0
    if not rows:
        print("No events.")
        return 0
    header = f"{'CODE':6}  {'START (UK)':16}  {'KIND':8}  {'REG':>4}  {'IN':>4}  {'WALK':>4}"
    print(f"{header}  TITLE / VENUE")
    for row in rows:
        flag = " [CANCELLED]" if row.status is EventStatus.CANCELLED else ""
        venue = f" @ {row.venue_name}" if row.venue_name else ""
        print(
            f"{row.short_code:6}  {to_local(row.starts_at):%Y-%m-%d %H:%M}  {row.kind.value:8}  "
            f"{row.registered:>4}  {row.checked_in:>4}  {row.walk_ins:>4}  {row.title}{venue}{flag}"
        )
    return 0


def _add(desk: Desk, args: argparse.Namespace) -> int:
    starts, ends = _moment(args.start, "--start"), _moment(args.end, "--end")
    venue = _venue_draft(desk, args.venue, args.address) if args.venue else None
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
    if args.json:
        print(json.dumps(row_json(desk.events.rows_for([detail.id])[0]), indent=2))
    else:
        print(f"Added {detail.short_code}: {detail.draft.title} (id {detail.id})")
    return 0


def _moment(text: str, option: str) -> datetime:
    try:
        return parse_local(text)
    except LocalTimeProblem as exc:
        raise UserError(f"{option}: {exc}") from exc
    except (ValueError, OverflowError) as exc:
        raise UserError(
            "Give --start and --end as ISO dates and times, like 2026-03-14T10:00 "
            f"({option} was '{text}')."
        ) from exc


def _venue_draft(desk: Desk, name: str, address: str) -> VenueDraft:
    """A venue already on file keeps its address and access details; --address may update it.

    The service saves the venue details it is given, and the command line only knows a name.
    """
    wanted = " ".join(name.split()).lower()
    for known in desk.events.venues():
        if known.name.lower() == wanted:
            draft = known.as_draft()
            return replace(draft, address=address) if address.strip() else draft
    return VenueDraft(name, address=address)


def _ics(desk: Desk, args: argparse.Namespace) -> int:
    count = desk.schedule.write_ics(output_path(args.output), args.events)
    print(f"Wrote {plural(count, 'event')} to {args.output}")
    return 0


def _listing(desk: Desk, args: argparse.Namespace) -> int:
    from engagement_desk.reports.listing import render_listing

    listing = desk.schedule.listing(args.events)
    save_file(output_path(args.output), render_listing(listing))
    print(f"Wrote a listing of {plural(len(listing.entries), 'event')} to {args.output}")
    return 0


def _cancel(desk: Desk, args: argparse.Namespace) -> int:
    detail = desk.events.cancel(args.event, args.reason)
    print(f"Cancelled {detail.short_code}: {detail.draft.title}")
    return 0
