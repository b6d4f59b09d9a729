"""The paper sign-in sheet: a printed list to tick at the door when a laptop fails.

Rendered from a ``SignInSheet`` (built by the sign-in service); never queries the database.
Every page repeats the event's details and the column headings, and says "Page 2 of 3",
so a dropped, shuffled stack of pages can be put back together.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from engagement_desk import __version__
from engagement_desk.core.clock import to_local
from engagement_desk.core.printouts import SignInSheet
from engagement_desk.reports.fonts import BOLD, FAMILY, ITALIC, register_fonts
from engagement_desk.reports.scripts import ScriptParagraph, markup

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
FOOTER_SIZE = 11
BASE_SIZE = 12  # never below 11 pt anywhere on the sheet
INK = colors.HexColor("#1a1a5e")
RULE = colors.HexColor("#8a8aa8")
SHADE = colors.HexColor("#f0f0f5")
BOX_COLUMN = 20 * mm
NAME_COLUMN = 82 * mm
ACCESS_COLUMN = CONTENT_WIDTH - BOX_COLUMN - NAME_COLUMN
COLUMNS = (BOX_COLUMN, NAME_COLUMN, ACCESS_COLUMN)
FRAME_PADDING = 6  # platypus pads its frame; the margins allow for it so everything lines up
BLANK_ROW_HEIGHT = 11 * mm  # room to write a name by hand
MIN_BLANK_ROWS = 8  # by default the walk-in rows fill the last page, and are at least this many

HOW_TO = (
    "Tick the box as each person arrives. A box already ticked means they were checked in "
    "on a laptop before this sheet was printed. Give the sheet to the organiser afterwards, "
    "so the ticks can be typed in."
)
WALK_INS = (
    "<b>Walk-ins:</b> write their name and any access needs. Ask before writing anything else down."
)


def _styles() -> dict[str, ParagraphStyle]:
    family = register_fonts()
    body = ParagraphStyle(
        "body", fontName=family, fontSize=BASE_SIZE, leading=BASE_SIZE * 1.3, textColor=INK
    )
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=17, leading=21, spaceAfter=2
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=11, leading=14),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD),
        "name": ParagraphStyle("name", parent=body, fontSize=13, leading=16),
        "notes": ParagraphStyle("notes", parent=body, fontName=ITALIC, fontSize=11, leading=13.5),
    }


class TickBox(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A square to tick by hand; drawn ticked for someone already checked in."""

    def __init__(self, ticked: bool, size: float = 7 * mm) -> None:
        super().__init__()
        self.ticked = ticked
        self.size = size
        self.width = self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(1.2)
        canvas.rect(0, 0, self.size, self.size)
        if self.ticked:
            s = self.size
            canvas.setLineWidth(2)
            path = canvas.beginPath()
            path.moveTo(s * 0.2, s * 0.5)
            path.lineTo(s * 0.42, s * 0.22)
            path.lineTo(s * 0.82, s * 0.8)
            canvas.drawPath(path, stroke=1, fill=0)


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """Holds the pages back until the end, so each can say 'Page 2 of 3'."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's camelCase name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self.setFont(FAMILY, FOOTER_SIZE)
            self.setFillColor(INK)
            self.drawCentredString(
                PAGE_WIDTH / 2, MARGIN / 2, f"Page {self._pageNumber} of {total}"
            )
            super().showPage()
        super().save()


def _header(sheet: SignInSheet, styles: dict[str, ParagraphStyle]) -> list[ScriptParagraph]:
    printed = to_local(sheet.printed_at)
    expected = f"{len(sheet.people)} expected"
    if sheet.already_checked_in:
        expected += f", {sheet.already_checked_in} already checked in"
    return [
        ScriptParagraph(f"Sign-in sheet: {markup(sheet.title, BOLD)}", styles["title"]),
        ScriptParagraph(f"<b>When:</b> {markup(sheet.when)} (UK time)", styles["body"]),
        ScriptParagraph(f"<b>Where:</b> {markup(sheet.venue)}", styles["body"]),
        ScriptParagraph(
            markup(
                f"Event code {sheet.event_code} · {expected} · printed "
                f"{printed:%H:%M} on {printed:%a} {printed.day} {printed:%b %Y}"
            ),
            styles["small"],
        ),
    ]


def _header_height(paragraphs: list[ScriptParagraph]) -> float:
    return float(sum(p.wrap(CONTENT_WIDTH, PAGE_HEIGHT)[1] for p in paragraphs)) + 4


def render_sign_in_sheet(sheet: SignInSheet, *, blank_rows: int | None = None) -> bytes:
    """A4 PDF bytes: the event's details, then a table to tick, then blank rows for walk-ins
    (``blank_rows`` of them, or by default enough to fill the last page)."""
    styles = _styles()
    header = _header(sheet, styles)
    header_height = _header_height(header)

    def draw_header(canvas: Any, _document: Any) -> None:
        canvas.saveState()
        y = PAGE_HEIGHT - MARGIN
        for paragraph in header:
            _, height = paragraph.wrap(CONTENT_WIDTH, PAGE_HEIGHT)
            y -= height
            paragraph.drawOn(canvas, MARGIN, y)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN, y - 2, PAGE_WIDTH - MARGIN, y - 2)
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN - FRAME_PADDING,
        rightMargin=MARGIN - FRAME_PADDING,
        topMargin=MARGIN + header_height + 4 * mm,
        bottomMargin=MARGIN + 6 * mm,
        title=f"Sign-in sheet: {sheet.title}",
        author="Engagement Desk",
        subject=f"Paper sign-in sheet for {sheet.title}, {sheet.when}",
        creator=f"Engagement Desk {__version__}",
        lang="en-GB",
        # Otherwise each page starts in Helvetica 10 pt, which the sheet never uses.
        initialFontName=FAMILY,
        initialFontSize=BASE_SIZE,
    )
    story: list[Any] = [
        ScriptParagraph(markup(HOW_TO), styles["small"]),
        Spacer(1, 3 * mm),
        _people_table(sheet, styles),
    ]
    if blank_rows is None:
        story.append(_WalkInsToEndOfPage(styles, MIN_BLANK_ROWS))
    elif blank_rows > 0:
        story.append(_walk_in_table(blank_rows, styles))
    document.build(
        story, onFirstPage=draw_header, onLaterPages=draw_header, canvasmaker=_NumberedCanvas
    )
    return buffer.getvalue()


def _people_table(sheet: SignInSheet, styles: dict[str, ParagraphStyle]) -> Table:
    heading = styles["heading"]
    rows: list[list[Any]] = [
        [
            ScriptParagraph("Here", heading),
            ScriptParagraph("Name (surname first)", heading),
            ScriptParagraph("Access needs", heading),
        ]
    ]
    for person in sheet.people:
        name = f"<b>{markup(person.surname, BOLD)}</b>"
        if person.given_names:
            name += f", {markup(person.given_names)}"
        access: list[ScriptParagraph] = []
        if person.access:
            access.append(ScriptParagraph(markup(" · ".join(person.access)), styles["body"]))
        if person.access_notes:
            access.append(ScriptParagraph(markup(person.access_notes, ITALIC), styles["notes"]))
        rows.append(
            [TickBox(person.checked_in), ScriptParagraph(name, styles["name"]), access or ""]
        )
    if not sheet.people:
        rows.append(["", ScriptParagraph("No one has a confirmed place yet.", styles["body"]), ""])
    table = Table(rows, colWidths=COLUMNS, repeatRows=1)
    commands = [
        *_GRID,
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, INK),
        *[("BACKGROUND", (0, row), (-1, row), SHADE) for row in range(2, len(rows), 2)],
    ]
    table.setStyle(TableStyle(commands))
    return table


def _walk_in_table(rows: int, styles: dict[str, ParagraphStyle]) -> Table:
    cells: list[list[Any]] = [[ScriptParagraph(WALK_INS, styles["small"]), "", ""]]
    cells += [[TickBox(False), "", ""] for _ in range(rows)]
    table = Table(
        cells,
        colWidths=COLUMNS,
        rowHeights=[None, *([BLANK_ROW_HEIGHT] * rows)],
        repeatRows=1,
    )
    commands = [
        *_GRID,
        ("SPAN", (0, 0), (-1, 0)),
        ("ALIGN", (0, 0), (-1, 0), "LEFT"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEABOVE", (0, 0), (-1, 0), 1.2, INK),
    ]
    table.setStyle(TableStyle(commands))
    return table


class _WalkInsToEndOfPage(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Blank rows for walk-ins that fill the rest of the page; when fewer than ``minimum``
    would fit, they start on a fresh page instead (and fill that)."""

    def __init__(self, styles: dict[str, ParagraphStyle], minimum: int) -> None:
        super().__init__()
        self.styles = styles
        self.minimum = minimum
        self.table: Table | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        heading = _walk_in_table(0, self.styles).wrap(available_width, available_height)[1]
        fit = int((available_height - heading - 1) // BLANK_ROW_HEIGHT)
        self.table = _walk_in_table(max(fit, self.minimum), self.styles)
        width, height = self.table.wrap(available_width, available_height)
        return float(width), float(height)

    def split(self, available_width: float, available_height: float) -> list[Any]:
        return []  # never split: go to the next page and fill that

    def draw(self) -> None:
        assert self.table is not None
        self.table.drawOn(self.canv, 0, 0)


_GRID: list[tuple[Any, ...]] = [
    # Empty cells are drawn as text too: keep them in the sheet's font and size.
    ("FONT", (0, 0), (-1, -1), FAMILY, BASE_SIZE),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("ALIGN", (0, 1), (0, -1), "CENTER"),
    ("TOPPADDING", (0, 0), (-1, -1), 5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE),
    ("BOX", (0, 0), (-1, -1), 0.8, RULE),
    ("LINEAFTER", (0, 0), (1, -1), 0.5, RULE),
]
