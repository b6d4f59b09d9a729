"""Printable tickets: one A4 page per person, with a QR large enough for paper or a phone.

Rendered from a ``TicketBatch`` (built by the ticket service); never queries the database.
The event's details are the same on every page, so they are drawn once as a PDF form
and placed on each page: a batch of a thousand tickets stays small and quick to make.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from engagement_desk import __version__
from engagement_desk.core.qr import make_qr_image
from engagement_desk.reports.fonts import BOLD, register_fonts
from engagement_desk.reports.scripts import ScriptParagraph, markup
from engagement_desk.services.tickets import Ticket, TicketBatch

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 90 * mm  # big enough to scan from a phone screen at arm's length
# Pixels per QR module in the embedded image. Four keeps module edges sharp when a viewer
# or printer smooths the scaled-up image, and the PDF a quarter the size of eight.
QR_BOX_PIXELS = 4
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
    image = make_qr_image(ticket.code, box_size=QR_BOX_PIXELS, border=4)
    canvas.drawImage(
        ImageReader(image),
        (PAGE_WIDTH - size) / 2,
        qr_top - size,
        width=size,
        height=size,
    )
    y = qr_top - size - 2 * mm
    y = _paragraph(canvas, markup(ticket.person_name, BOLD), styles["name"], y)
    _paragraph(
        canvas,
        f"Ticket reference <b>{markup(ticket.reference, BOLD)}</b> · "
        f"event code <b>{markup(batch.event_code, BOLD)}</b>",
        styles["reference"],
        y,
    )


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
