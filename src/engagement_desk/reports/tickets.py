"""Printable tickets: one A4 page per person, with a QR large enough for paper or a phone.

Rendered from a ``TicketBatch`` (built by the ticket service); never queries the database.
The event's details are the same on every page, so they are drawn once as a PDF form
and placed on each page: a batch of a thousand tickets stays small and quick to make.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from engagement_desk import __version__
from engagement_desk.core.printouts import Ticket, TicketBatch
from engagement_desk.core.qr_matrix import qr_matrix
from engagement_desk.reports.fonts import BOLD, register_fonts
from engagement_desk.reports.scripts import ScriptParagraph, markup

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 90 * mm  # big enough to scan from a phone screen at arm's length
QR_QUIET_ZONE = 4  # light modules around the code, as the QR standard asks
INK = colors.HexColor("#1a1a5e")
RULE = colors.HexColor("#9a9ab8")
EVENT_FORM = "event-details"
BRING_TOP = MARGIN + 42 * mm
CANNOT_COME_TOP = MARGIN + 20 * mm
QR_LOWEST = BRING_TOP + 26 * mm  # room for the name and ticket reference under the QR
NOTES_LIMIT = 240

BRING_IN_PERSON = (
    "<b>What to bring:</b> this ticket, on paper or on your phone. Nothing else is needed. "
    "If you forget it, just give your name at the door."
)
BRING_ONLINE = (
    "<b>What you need:</b> the link above, on a phone, tablet or computer. Keep this ticket "
    "in case we ask for your ticket reference."
)
NO_TICKETS = "No one is registered for this event yet, so there are no tickets to print."
ACCESS_UNKNOWN = "please ask us about access before you come"
CANNOT_COME = (
    "Can no longer come? Please let us know, so someone on the waiting list can have your "
    "place. The QR code holds no personal details: only the event code and a ticket number."
)


def _styles(base_size: float = 12) -> dict[str, ParagraphStyle]:
    family = register_fonts()
    body = ParagraphStyle("body", fontName=family, fontSize=base_size, leading=base_size * 1.4)
    large = ParagraphStyle("large", parent=body, fontSize=base_size * 1.2, leading=base_size * 1.6)
    return {
        "label": ParagraphStyle("label", parent=body, textColor=INK),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=BOLD,
            fontSize=base_size * 1.9,
            leading=base_size * 2.3,
            textColor=INK,
        ),
        "large": large,
        "name": ParagraphStyle(
            "name",
            parent=body,
            fontName=BOLD,
            fontSize=base_size * 1.8,
            leading=base_size * 2.2,
            alignment=1,
        ),
        "reference": ParagraphStyle("reference", parent=large, alignment=1),
        "body": body,
    }


def render_tickets(
    batch: TicketBatch,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> bytes | None:
    """A4 PDF bytes with one ticket per page; None if ``cancelled()`` turned true.

    ``progress(done, total)`` is called after each page, so a worker can drive a
    progress bar; ``cancelled`` is asked before each page.
    """
    # Page streams are compressed and kept binary: reportlab would otherwise also spell
    # them out in ASCII85, in pure Python, a quarter of the time a batch takes.
    ascii85 = rl_config.useA85
    rl_config.useA85 = 0
    try:
        return _render_pages(batch, progress, cancelled)
    finally:
        rl_config.useA85 = ascii85


def _render_pages(
    batch: TicketBatch, progress: Progress | None, cancelled: Cancelled | None
) -> bytes | None:
    styles = _styles()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=A4,
        lang="en-GB",
        pageCompression=1,
        initialFontName=register_fonts(),
        initialFontSize=12,
    )
    canvas.setTitle(f"Tickets: {batch.event_title}")
    canvas.setAuthor("Engagement Desk")
    canvas.setSubject(f"Tickets for {batch.event_title}, {batch.when}")
    canvas.setCreator(f"Engagement Desk {__version__}")
    event_bottom = _draw_event_form(canvas, batch, styles)
    total = len(batch.tickets)
    for done, ticket in enumerate(batch.tickets, start=1):
        if cancelled is not None and cancelled():
            return None
        canvas.doForm(EVENT_FORM)
        _draw_ticket(canvas, batch, ticket, styles, top=event_bottom)
        canvas.showPage()
        if progress is not None:
            progress(done, total)
    if cancelled is not None and cancelled():
        return None
    if not batch.tickets:
        _paragraph(canvas, NO_TICKETS, styles["large"], PAGE_HEIGHT - MARGIN)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_event_form(
    canvas: Canvas, batch: TicketBatch, styles: dict[str, ParagraphStyle]
) -> float:
    """Draw what every page shares (event, time, place) as a form; return where it ends."""
    canvas.beginForm(EVENT_FORM, lowerx=0, lowery=0, upperx=PAGE_WIDTH, uppery=PAGE_HEIGHT)
    y: float = PAGE_HEIGHT - MARGIN
    y = _paragraph(canvas, "Your ticket", styles["label"], y)
    y = _paragraph(canvas, markup(batch.event_title, BOLD), styles["title"], y)
    y -= 2 * mm
    y = _paragraph(canvas, f"<b>When:</b> {markup(batch.when)} (UK time)", styles["large"], y)
    if batch.is_online:
        link = markup(batch.online_link) if batch.online_link else "we will email you the link"
        y = _paragraph(canvas, f"<b>Where:</b> online. Join at {link}", styles["large"], y)
    else:
        place = ", ".join(
            part for part in (batch.venue_name, batch.venue_address, batch.venue_postcode) if part
        )
        y = _paragraph(canvas, f"<b>Where:</b> {markup(place)}", styles["large"], y)
        access = ", ".join(batch.venue_access) if batch.venue_access else ACCESS_UNKNOWN
        y = _paragraph(canvas, f"<b>Access:</b> {markup(access)}", styles["body"], y)
        if batch.venue_notes:
            y = _paragraph(canvas, markup(_shortened(batch.venue_notes)), styles["body"], y)
    bring = BRING_ONLINE if batch.is_online else BRING_IN_PERSON
    _paragraph(canvas, bring, styles["body"], BRING_TOP)
    _paragraph(canvas, CANNOT_COME, styles["body"], CANNOT_COME_TOP)
    canvas.setStrokeColor(RULE)
    canvas.line(MARGIN, y - 3 * mm, PAGE_WIDTH - MARGIN, y - 3 * mm)
    canvas.endForm()
    return float(y - 6 * mm)


def _draw_ticket(
    canvas: Canvas,
    batch: TicketBatch,
    ticket: Ticket,
    styles: dict[str, ParagraphStyle],
    *,
    top: float,
) -> None:
    # The QR takes the room between the event details and the name, reference and the
    # notes at the foot of the page: 80 mm normally, never under 60 mm.
    size = max(min(QR_SIZE, top - QR_LOWEST), 60 * mm)
    qr_top = top
    draw_qr(canvas, ticket.code, (PAGE_WIDTH - size) / 2, qr_top - size, size)
    y = qr_top - size - 2 * mm
    y = _paragraph(canvas, markup(ticket.person_name, BOLD), styles["name"], y)
    _paragraph(
        canvas,
        f"Ticket reference <b>{markup(ticket.reference, BOLD)}</b> · "
        f"event code <b>{markup(batch.event_code, BOLD)}</b>",
        styles["reference"],
        y,
    )


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """The QR code as vector rectangles, quiet zone included, in a ``size`` square at (x, y).

    Drawn from the module matrix rather than placed as an image: sharp at any zoom or
    printer resolution, and no image to make and compress for every ticket.
    """
    matrix = qr_matrix(payload)
    module = size / (matrix.size + 2 * QR_QUIET_ZONE)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    # In module units, y downwards from the symbol's top-left corner, every number a small
    # integer: written straight into the page as 're' operators, a third the bytes of
    # reportlab's float-formatted path and many times quicker to write.
    left = x + QR_QUIET_ZONE * module
    top = y + size - QR_QUIET_ZONE * module
    canvas.transform(module, 0, 0, -module, left, top)
    runs = [f"{column} {row} {length} 1 re" for row, column, length in matrix.dark_runs()]
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()


def render_ticket(batch: TicketBatch, ticket: Ticket) -> bytes:
    """One person's ticket as a one-page PDF (for an email), drawn as in the batch."""
    data = render_tickets(replace(batch, tickets=(ticket,)))
    assert data is not None  # nothing can cancel it
    return data


def _shortened(text: str) -> str:
    """Venue notes fit the page; the full notes are in the event's listing."""
    text = " ".join(text.split())
    return text if len(text) <= NOTES_LIMIT else text[: NOTES_LIMIT - 1].rstrip() + "…"


def _paragraph(canvas: Canvas, text: str, style: ParagraphStyle, top: float) -> float:
    """Draw a wrapped paragraph with its top at ``top``; return the y below it."""
    paragraph = ScriptParagraph(text, style)
    _, height = paragraph.wrapOn(canvas, CONTENT_WIDTH, PAGE_HEIGHT)
    paragraph.drawOn(canvas, MARGIN, top - height)
    return float(top - height - style.fontSize * 0.35)
