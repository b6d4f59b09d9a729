"""Tickets: 1,000 tickets to PDF, from a database where none has a code yet.

Timed end to end as the CLI and GUI do it: the ticket service reads the registrations
and mints and stores their codes (``ticket_sheet``), then the PDF is rendered
(``render_tickets``), QR codes included (drawn as vector rectangles from the code's module
matrix). Setting up the database is not timed.

Compared, in the same run, with reportlab drawing the same number of plain A4 pages
with the same text and no QR, so the ratio means "how much slower than reportlab
alone" on this machine. Goal from the email issue: under 4 s for 1,000 tickets (it was
8.2 s against 1.8 s for plain pages, 4.4x, with QR images).

    python benchmarks/bench_tickets.py                 1,000 tickets
    python benchmarks/bench_tickets.py --tickets 200   fewer, for a quick look
    python benchmarks/bench_tickets.py --profile       also: cProfile of the render
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from engagement_desk.bootstrap import open_desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.tickets import new_ticket_id
from engagement_desk.db.models import Person, Registration
from engagement_desk.paths import AppPaths
from engagement_desk.reports import tickets as ticket_pdf
from engagement_desk.services.tickets import TicketBatch

GOAL_SECONDS = 4.0
FIRST_NAMES = ["Aisha", "Tom", "Zofia", "Grace", "Callum", "Priya", "Dylan", "Mei", "Owen", "Ruth"]
SURNAMES = ["Begum", "O'Neill", "Kowalska", "Adeyemi", "Byrne", "Shah", "Hughes", "Chen", "Lee"]


def make_event(data_dir: Path, count: int) -> tuple[AppPaths, str]:
    """A venue event with ``count`` registered people and no ticket codes yet."""
    paths = AppPaths(data_dir)
    desk = open_desk(paths)
    try:
        starts = datetime(2030, 3, 14, 10, 0, tzinfo=UTC)
        detail = desk.events.create(
            EventDraft(
                title="Have your say: SEND in Bury",
                kind="venue",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2, minutes=30),
                venue=VenueDraft(
                    "Bury Town Hall",
                    "Knowsley Street, Bury",
                    "BL9 0SW",
                    step_free=True,
                    hearing_loop=True,
                    accessible_toilet=True,
                    notes="Use the Knowsley Street entrance.",
                ),
                capacity=count,
            )
        )
        with desk.db.transaction() as s:
            for n in range(count):
                name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {SURNAMES[n % len(SURNAMES)]} {n}"
                person = Person(device_id=desk.device.id, full_name=name)
                s.add(person)
                s.add(
                    Registration(
                        device_id=desk.device.id,
                        event_id=detail.id,
                        person=person,
                        ticket_id=new_ticket_id(),
                    )
                )
        return paths, detail.id
    finally:
        desk.close()


def plain_pages(batch: TicketBatch) -> bytes:
    """The baseline: the same words on the same number of A4 pages, as plain reportlab."""
    styles = ticket_pdf._styles()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, lang="en-GB", pageCompression=1)
    place = ", ".join((batch.venue_name, batch.venue_address, batch.venue_postcode))
    for ticket in batch.tickets:
        y = ticket_pdf.PAGE_HEIGHT - ticket_pdf.MARGIN
        for text, style in (
            ("Your ticket", "label"),
            (batch.event_title, "title"),
            (f"<b>When:</b> {batch.when} (UK time)", "large"),
            (f"<b>Where:</b> {place}", "large"),
            (f"<b>Access:</b> {', '.join(batch.venue_access)}", "body"),
            (batch.venue_notes, "body"),
            (ticket.person_name, "name"),
            (
                f"Ticket reference <b>{ticket.reference}</b> · "
                f"event code <b>{batch.event_code}</b>",
                "reference",
            ),
            (ticket_pdf.BRING_IN_PERSON, "body"),
            (ticket_pdf.CANNOT_COME, "body"),
        ):
            y = ticket_pdf._paragraph(canvas, text, styles[style], y)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000, help="how many (default 1000)")
    parser.add_argument("--profile", action="store_true", help="also profile the render")
    args = parser.parse_args(argv)
    count = args.tickets

    with tempfile.TemporaryDirectory(prefix="bench-tickets-") as folder:
        paths, event_id = make_event(Path(folder) / "home", count)
        ticket_pdf.register_fonts()  # once per process in the app too; not what we measure
        desk = open_desk(paths)
        try:
            started = time.perf_counter()
            batch = desk.tickets.ticket_sheet(event_id)
            sheet_seconds = time.perf_counter() - started
            started = time.perf_counter()
            data = ticket_pdf.render_tickets(batch)
            render_seconds = time.perf_counter() - started
            assert data is not None and len(batch.tickets) == count

            started = time.perf_counter()
            baseline = plain_pages(batch)
            baseline_seconds = time.perf_counter() - started

            if args.profile:
                profiler = cProfile.Profile()
                profiler.runcall(ticket_pdf.render_tickets, batch)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        finally:
            desk.close()

    total = sheet_seconds + render_seconds
    print(f"ticket sheet (read {count} registrations, mint and store codes): {sheet_seconds:.2f} s")
    print(
        f"render {count} tickets to PDF: {render_seconds:.2f} s "
        f"({render_seconds / count * 1000:.1f} ms a ticket, {len(data) / 1_000_000:.1f} MB)"
    )
    print(
        f"baseline, {count} plain pages with the same text and no QR: {baseline_seconds:.2f} s "
        f"({len(baseline) / 1_000_000:.1f} MB)"
    )
    verdict = "within" if total < GOAL_SECONDS * count / 1000 else "OVER"
    print(f"goal: under {GOAL_SECONDS:.0f} s for 1,000 tickets; {verdict} the goal")
    print(
        f"tickets_pdf_{count}: {total:.1f} s (baseline plain pages {baseline_seconds:.1f} s, "
        f"ratio {total / baseline_seconds:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
