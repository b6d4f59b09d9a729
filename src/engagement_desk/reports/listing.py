"""The printable listing of events, for the Local Offer website and noticeboards."""

from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

from engagement_desk import __version__
from engagement_desk.core.clock import to_local
from engagement_desk.core.printouts import ScheduleListing
from engagement_desk.reports.fonts import BOLD, register_fonts
from engagement_desk.reports.scripts import ScriptParagraph, markup


def _styles(base_size: float) -> dict[str, ParagraphStyle]:
    family = register_fonts()
    body = ParagraphStyle("body", fontName=family, fontSize=base_size, leading=base_size * 1.4)
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=base_size * 2, leading=base_size * 2.5
        ),
        "event": ParagraphStyle(
            "event",
            parent=body,
            fontName=BOLD,
            fontSize=base_size * 1.35,
            leading=base_size * 1.8,
            spaceBefore=base_size,
            textColor=colors.HexColor("#1a1a5e"),
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=base_size * 0.9),
    }


def render_listing(listing: ScheduleListing, *, base_size: float = 12) -> bytes:
    """A4 PDF bytes: each event with when, where, access and how to book."""
    styles = _styles(base_size)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=listing.title,
        author="Engagement Desk",
        subject="Schedule of engagement events",
        creator=f"Engagement Desk {__version__}",
        lang="en-GB",
    )
    story: list[object] = [
        ScriptParagraph(markup(listing.title, BOLD), styles["title"]),
        ScriptParagraph(
            markup(f"Published {_long_date(listing.generated_at)}. All times are UK time."),
            styles["small"],
        ),
        Spacer(1, base_size),
    ]
    if not listing.entries:
        story.append(ScriptParagraph("No events are scheduled at the moment.", styles["body"]))
    for entry in listing.entries:
        heading = markup(entry.title, BOLD)
        if entry.cancelled:
            heading = f"CANCELLED: {heading}"
        block = [
            ScriptParagraph(heading, styles["event"]),
            ScriptParagraph(f"<b>When:</b> {markup(entry.when)}", styles["body"]),
            ScriptParagraph(f"<b>What:</b> {markup(entry.kind)}", styles["body"]),
            ScriptParagraph(f"<b>Where:</b> {markup(entry.where)}", styles["body"]),
        ]
        if entry.access:
            block.append(
                ScriptParagraph(f"<b>Access:</b> {markup(', '.join(entry.access))}", styles["body"])
            )
        if entry.description:
            block.append(ScriptParagraph(markup(entry.description), styles["body"]))
        block.append(ScriptParagraph(markup(entry.booking), styles["small"]))
        story.append(KeepTogether(block))
    document.build(story)
    return buffer.getvalue()


def _long_date(moment: datetime) -> str:
    local = to_local(moment)
    return f"{local.day} {local:%B %Y}"
