"""`tickets EVENT -o FILE.pdf`: print an event's tickets, one per page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import Desk
from engagement_desk.cli.common import add_command, output_path, plural
from engagement_desk.reports.tickets import render_tickets
from engagement_desk.services.errors import UserError
from engagement_desk.services.files import save_file


def register(commands: Any) -> None:
    tickets = add_command(
        commands,
        "tickets",
        "make a PDF of an event's tickets, one per page (mints any codes not yet made)",
        _tickets,
    )
    tickets.add_argument("event", metavar="EVENT", help="event id or short code")
    tickets.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    tickets.add_argument(
        "--registration",
        action="append",
        metavar="ID",
        help="only this registration's ticket (repeat for more)",
    )


def _tickets(desk: Desk, args: argparse.Namespace) -> int:
    target = output_path(args.output)
    batch = desk.tickets.ticket_sheet(args.event, args.registration)
    if not batch.tickets:
        raise UserError(
            f"No one is registered for '{batch.event_title}' ({batch.event_code}) yet, "
            "so there are no tickets to print. Nothing was written."
        )
    show_progress = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show_progress and (done == total or done % 25 == 0):
            print(f"\rTickets: {done} of {total}", end="", file=sys.stderr, flush=True)

    data = render_tickets(batch, progress=progress)
    if show_progress:
        print(file=sys.stderr)
    assert data is not None  # never cancelled from the command line
    save_file(target, data)
    print(
        f"Wrote {plural(len(batch.tickets), 'ticket')} for {batch.event_title} "
        f"({batch.event_code}) to {target}"
    )
    return 0
