"""Draw a :class:`~engagement_desk.reports.content.Report` as an A4 PDF with reportlab.

Readable by everyone: Atkinson Hyperlegible throughout (no Helvetica anywhere, not even for an
empty cell), body text at 12 pt (16 pt in large print) and nothing under 11 pt, dark text on
white, bar charts labelled with the priority and its number (never colour alone), "Page x of
y" and the programme and generation date on every page, a bookmark for every heading, and the
title, author, subject, creator and language (en-GB) in the metadata.

Reportlab cannot write a tagged PDF (no structure tree for screen readers); the same report
is published as semantic HTML by ``reports.html`` for people who use one.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Line, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from engagement_desk import __version__
from engagement_desk.reports.content import (
    BarChart,
    Block,
    Bullets,
    Entry,
    Heading,
    Quote,
    Report,
    Text,
    TitlePage,
)
from engagement_desk.reports.content import Table as TableBlock
from engagement_desk.reports.fonts import BOLD, FAMILY, register_fonts
from engagement_desk.reports.scripts import (
    ScriptParagraph,
    draw_text,
    graphic_strings,
    is_plain,
    lines_markup,
    markup,
    split_lines,
    text_width,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
FRAME_PADDING = 6  # platypus pads its frame by this much on every side
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

# Every colour that carries text is at least 7:1 against white; the bars (no text on them)
# are 9:1 and the rules 5:1, well over the 3:1 that graphics need.
INK = colors.HexColor("#111111")
HEADING = colors.HexColor("#1a1a5e")
BAR = colors.HexColor("#1f4e79")
RULE = colors.HexColor("#6b6b80")
SHADE = colors.HexColor("#f1f1f6")
HEADER_SHADE = colors.HexColor("#e1e3ee")
READING_SHADE = colors.HexColor("#e9eef6")
KEEP_TOGETHER_ROWS = 16  # a table this short moves to the next page whole rather than split


@dataclass(frozen=True)
class Look:
    """Type sizes in points; large print scales everything so that nothing is under 16 pt."""

    body: float
    note: float
    table: float
    footer: float
    chart: float
    h1: float
    h2: float
    h3: float
    h4: float
    kicker: float

    @staticmethod
    def standard() -> Look:
        return Look(
            body=12,
            note=11,
            table=11.5,
            footer=11,
            chart=11,
            h1=26,
            h2=19,
            h3=15,
            h4=13,
            kicker=14,
        )

    @staticmethod
    def large_print() -> Look:
        return Look(
            body=16,
            note=16,
            table=16,
            footer=16,
            chart=16,
            h1=34,
            h2=26,
            h3=21,
            h4=18,
            kicker=19,
        )


def render_pdf(report: Report, *, large_print: bool = False) -> bytes:
    """A4 PDF bytes of the report, standard or large print."""
    look = Look.large_print() if large_print else Look.standard()
    styles = _styles(look)
    buffer = io.BytesIO()
    footer_lines = 2.4  # room for the footer to take two lines in large print
    document = _ReportTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN - FRAME_PADDING,
        rightMargin=MARGIN - FRAME_PADDING,
        topMargin=MARGIN - FRAME_PADDING,
        bottomMargin=MARGIN + footer_lines * look.footer * 1.3,
        title=report.title,
        author=report.author,
        subject=report.subject,
        creator=f"Engagement Desk {__version__}",
        keywords=["SEND", "parent carer forum", "engagement", report.programme],
        lang=report.language,
        initialFontName=FAMILY,
        initialFontSize=look.body,
    )
    story: list[Any] = []
    leads = _leads(report.blocks)
    for block, lead in zip(report.blocks, leads, strict=True):
        if isinstance(block, Text) and lead:
            story.append(_para(block.text, styles[f"{block.kind}_lead"]))
        else:
            story += _flowables(block, styles, look)
    document.build(
        story, canvasmaker=_canvas_maker(report.programme, report.generated, look.footer)
    )
    return buffer.getvalue()


def _leads(blocks: Sequence[Block]) -> list[bool]:
    """Which paragraphs introduce a table or chart (directly, or through the sentences
    between): those never end a page without it."""
    leads = [False] * len(blocks)
    following: Block | None = None
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if isinstance(block, Text):
            leads[index] = isinstance(following, TableBlock | BarChart | Quote | Entry) or (
                isinstance(following, Text) and leads[index + 1]
            )
        following = block
    return leads


# ---- styles -----------------------------------------------------------------------------


def _styles(look: Look) -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle(
        "body",
        fontName=FAMILY,
        fontSize=look.body,
        leading=look.body * 1.4,
        textColor=INK,
        spaceAfter=look.body * 0.5,
    )

    def heading(name: str, size: float, before: float) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            parent=body,
            fontName=BOLD,
            fontSize=size,
            leading=size * 1.25,
            textColor=HEADING,
            spaceBefore=before,
            spaceAfter=size * 0.45,
            keepWithNext=True,
        )

    cell = ParagraphStyle(
        "cell", parent=body, fontSize=look.table, leading=look.table * 1.3, spaceAfter=0
    )
    styles = {
        "body": body,
        "note": ParagraphStyle("note", parent=body, fontSize=look.note, leading=look.note * 1.4),
        "reading": ParagraphStyle(
            "reading",
            parent=body,
            fontName=BOLD,
            backColor=READING_SHADE,
            borderPadding=(look.body * 0.5, look.body * 0.6),
            spaceBefore=look.body * 0.6,
            spaceAfter=look.body * 1.1,
            leftIndent=look.body * 0.6,
            rightIndent=look.body * 0.6,
        ),
        "h1": heading("h1", look.h1, 0),
        "h2": heading("h2", look.h2, look.h2 * 0.9),
        "h3": heading("h3", look.h3, look.h3 * 0.8),
        "h4": heading("h4", look.h4, look.h4 * 0.6),
        "kicker": ParagraphStyle(
            "kicker",
            parent=body,
            fontName=BOLD,
            fontSize=look.kicker,
            leading=look.kicker * 1.3,
            textColor=HEADING,
            spaceBefore=40 * mm,
            spaceAfter=look.kicker * 0.4,
        ),
        "prepared": ParagraphStyle(
            "prepared",
            parent=body,
            fontName=BOLD,
            fontSize=look.h3,
            leading=look.h3 * 1.3,
            spaceBefore=look.h3 * 1.5,
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=body,
            fontName=BOLD,
            fontSize=look.table,
            leading=look.table * 1.3,
            spaceBefore=look.body * 0.3,
            spaceAfter=look.table * 0.35,
            keepWithNext=True,
        ),
        "cell": cell,
        "cell_number": ParagraphStyle("cell_number", parent=cell, alignment=TA_RIGHT),
        "cell_head": ParagraphStyle("cell_head", parent=cell, fontName=BOLD),
        "cell_head_number": ParagraphStyle(
            "cell_head_number", parent=cell, fontName=BOLD, alignment=TA_RIGHT
        ),
        "cell_total": ParagraphStyle("cell_total", parent=cell, fontName=BOLD),
        "cell_total_number": ParagraphStyle(
            "cell_total_number", parent=cell, fontName=BOLD, alignment=TA_RIGHT
        ),
        "quote": ParagraphStyle(
            "quote", parent=body, fontSize=look.body * 1.08, leading=look.body * 1.5, spaceAfter=0
        ),
        "entry": ParagraphStyle(
            "entry", parent=body, fontName=BOLD, spaceAfter=look.body * 0.2, keepWithNext=True
        ),
        "detail": ParagraphStyle(
            "detail", parent=body, leftIndent=look.body, spaceAfter=look.body * 0.15
        ),
        "table_note": ParagraphStyle(
            "table_note",
            parent=body,
            fontSize=look.note,
            leading=look.note * 1.4,
            spaceBefore=look.note * 0.4,
        ),
    }
    styles["bullet"] = ParagraphStyle(
        "bullet",
        parent=body,
        leftIndent=look.body * 1.4,
        bulletIndent=look.body * 0.3,
        bulletFontName=FAMILY,
        bulletFontSize=look.body,
    )
    styles["detail_lead"] = ParagraphStyle(
        "detail_lead", parent=styles["detail"], keepWithNext=True
    )
    for kind in ("body", "note", "reading"):
        styles[f"{kind}_lead"] = ParagraphStyle(
            f"{kind}_lead", parent=styles[kind], keepWithNext=True
        )
    return styles


def _para(value: str, style: ParagraphStyle, **kwargs: Any) -> ScriptParagraph:
    """A paragraph of ``value`` in ``style``: escaped, line breaks kept, and characters the
    style's font lacks set in a fallback font."""
    return ScriptParagraph(lines_markup(value, style.fontName), style, **kwargs)


# ---- blocks to flowables -----------------------------------------------------------------


def _flowables(block: Block, styles: dict[str, ParagraphStyle], look: Look) -> list[Any]:
    if isinstance(block, Heading):
        return [_HeadingParagraph(block.text, block.level, styles[f"h{min(block.level, 4)}"])]
    if isinstance(block, Text):
        return [_para(block.text, styles[block.kind])]
    if isinstance(block, Bullets):
        return _bullets(block.items, styles)
    if isinstance(block, TableBlock):
        return _table(block, styles, look)
    if isinstance(block, BarChart):
        return _chart(block, styles, look)
    if isinstance(block, Quote):
        return _quote(block.text, styles, look)
    if isinstance(block, Entry):
        return _entry(block, styles)
    return _title_page(block, styles, look)


def _title_page(page: TitlePage, styles: dict[str, ParagraphStyle], look: Look) -> list[Any]:
    facts = Table(
        [
            [
                _para(label, styles["cell_head"]),
                _para(value, styles["cell"]),
            ]
            for label, value in page.facts
        ],
        colWidths=[CONTENT_WIDTH * 0.32, CONTENT_WIDTH * 0.68],
        hAlign="LEFT",
    )
    facts.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FAMILY, look.table),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), look.table * 0.3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), look.table * 0.3),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
            ]
        )
    )
    return [
        _para(page.kicker, styles["kicker"]),
        _HeadingParagraph(page.title, 1, styles["h1"]),
        Spacer(1, look.body),
        facts,
        _para(page.prepared_for, styles["prepared"]),
        _para(page.generated, styles["body"]),
        Spacer(1, look.body * 2),
        _para(page.notice, styles["note"]),
        PageBreak(),
    ]


def _bullets(items: Sequence[str], styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    # Paragraphs with bullets rather than a ListFlowable: a heading keeps with a paragraph,
    # but not with a list (platypus will not put a container in a keep-together group).
    return [_para(item, styles["bullet"], bulletText="•") for item in items]


def _table(block: TableBlock, styles: dict[str, ParagraphStyle], look: Look) -> list[Any]:
    widths = _column_widths(block, look)
    padding = look.table * 0.35
    room = [width - 2 * padding * 1.2 - 1 for width in widths]

    def row(values: Sequence[str], kind: str) -> list[ScriptParagraph | str]:
        """A cell that fits its column on its own lines is a plain string, drawn in the
        table's font (set below); only a cell that must wrap becomes a Paragraph, which
        costs far more to lay out."""
        font = FAMILY if kind == "cell" else BOLD
        cells: list[ScriptParagraph | str] = []
        for index, (value, column) in enumerate(zip(values, block.columns, strict=False)):
            lines = value.split("\n")
            if is_plain(value, font) and all(
                text_width(line, font, look.table) <= room[index] for line in lines
            ):
                cells.append(value)
                continue
            name = kind if index == 0 or not column.numeric else f"{kind}_number"
            cells.append(_para(value, styles[name]))
        return cells

    data = [row([c.name for c in block.columns], "cell_head")]
    data += [row(values, "cell") for values in block.rows]
    if block.total is not None:
        data.append(row(block.total, "cell_total"))
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    last = len(data) - 1
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FAMILY, look.table, look.table * 1.3),
        ("FONT", (0, 0), (-1, 0), BOLD, look.table, look.table * 1.3),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        *[
            ("ALIGN", (index, 0), (index, -1), "RIGHT")
            for index, column in enumerate(block.columns)
            if column.numeric
        ],
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ("LEFTPADDING", (0, 0), (-1, -1), padding * 1.2),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding * 1.2),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, HEADING),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("BOX", (0, 0), (-1, -1), 0.8, RULE),
        *[("BACKGROUND", (0, r), (-1, r), SHADE) for r in range(2, len(data), 2)],
    ]
    if block.total is not None:
        commands.append(("LINEABOVE", (0, last), (-1, last), 1.2, HEADING))
        commands.append(("FONT", (0, last), (-1, last), BOLD, look.table, look.table * 1.3))
    table.setStyle(TableStyle(commands))
    parts: list[Any] = [_para(block.caption, styles["caption"]), table]
    if block.note:
        # A short table and its note stay on one page (the heading and caption come too).
        table.keepWithNext = len(data) <= KEEP_TOGETHER_ROWS
        parts.append(_para(block.note, styles["table_note"]))
    return [*parts, Spacer(1, look.body * 0.6)]


def _column_widths(block: TableBlock, look: Look) -> list[float]:
    """Number columns as wide as their widest number ("fewer than 5" kept on one line), the
    other columns sharing the rest by weight; no column narrower than its longest word, so
    that in large print a heading such as "Registered" does not break."""
    padding = look.table * 0.35 * 1.2 * 2 + 2
    rows = [*block.rows, *(() if block.total is None else (block.total,))]
    shortest: list[float] = []  # the longest word
    natural: list[float] = []  # number columns: the longest line
    for index, column in enumerate(block.columns):
        words = [text_width(w, BOLD, look.table) for w in column.name.split()]
        lines = list(words)
        for row in rows:
            if index >= len(row):
                continue
            font = BOLD if row is block.total else FAMILY
            words += [text_width(w, font, look.table) for w in row[index].split()]
            lines += [text_width(line, font, look.table) for line in row[index].split("\n")]
        shortest.append(max(words, default=0.0) + padding)
        natural.append(max(lines, default=0.0) + padding)
    fixed = {i: natural[i] for i, c in enumerate(block.columns) if c.numeric}
    if (
        sum(fixed.values()) + sum(shortest[i] for i in range(len(block.columns)) if i not in fixed)
        > CONTENT_WIDTH
    ):
        fixed = {}
    if sum(shortest) >= CONTENT_WIDTH:
        return [CONTENT_WIDTH * m / sum(shortest) for m in shortest]
    while True:
        free = CONTENT_WIDTH - sum(fixed.values())
        weight = sum(c.weight for i, c in enumerate(block.columns) if i not in fixed)
        if weight <= 0:  # every column fixed: stretch them all to the full width
            total = sum(fixed.values())
            return [CONTENT_WIDTH * fixed[i] / total for i in range(len(block.columns))]
        widths = {
            i: free * c.weight / weight for i, c in enumerate(block.columns) if i not in fixed
        }
        narrow = {i: shortest[i] for i, width in widths.items() if width < shortest[i]}
        if not narrow:
            return [fixed.get(i, widths.get(i, 0.0)) for i in range(len(block.columns))]
        fixed |= narrow


def _quote(text: str, styles: dict[str, ParagraphStyle], look: Look) -> list[Flowable]:
    box = Table([[_para(f"“{text}”", styles["quote"])]], colWidths=[CONTENT_WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FAMILY, look.body),
                ("LINEBEFORE", (0, 0), (0, 0), 3, BAR),
                ("LEFTPADDING", (0, 0), (-1, -1), look.body),
                ("TOPPADDING", (0, 0), (-1, -1), look.body * 0.2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), look.body * 0.3),
            ]
        )
    )
    return [box, Spacer(1, look.body * 0.8)]


def _entry(entry: Entry, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The item in bold and its details under it, kept together on one page."""
    parts: list[Any] = [_para(entry.text, styles["entry"])]
    last = len(entry.details) - 1
    parts += [
        ScriptParagraph(
            f"<b>{markup(label, BOLD)}:</b> {lines_markup(value)}",
            styles["detail" if index == last else "detail_lead"],
        )
        for index, (label, value) in enumerate(entry.details)
    ]
    parts.append(Spacer(1, styles["body"].fontSize * 0.6))
    return parts


# ---- bar charts --------------------------------------------------------------------------


def _chart(chart: BarChart, styles: dict[str, ParagraphStyle], look: Look) -> list[Any]:
    return [
        _para(chart.title, styles["caption"]),
        _ChartFlowable(_bar_drawing(chart, look)),
        _para(chart.description, styles["table_note"]),
    ]


class _ChartFlowable(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A drawing that keeps with what follows it: the chart and what it measures stay on one
    page (a ``Drawing`` refuses attributes it does not know, such as ``keepWithNext``)."""

    def __init__(self, drawing: Drawing) -> None:
        super().__init__()
        self.drawing = drawing
        self.width = drawing.width
        self.height = drawing.height
        self.keepWithNext = True

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        renderPDF.draw(self.drawing, self.canv, 0, 0)


def _bar_drawing(chart: BarChart, look: Look) -> Drawing:
    """Horizontal bars: each with its place and priority written above it and its number
    written beside it, so the chart reads the same in black and white or to anyone who
    cannot tell colours apart."""
    size = look.chart
    line = size * 1.25
    thickness = size * 1.3
    gap = size * 0.7
    width = CONTENT_WIDTH
    axis = 2.0
    texts = [bar.text for bar in chart.bars]
    widest_text = max((text_width(t, FAMILY, size) for t in texts), default=0.0)
    longest = max(width - axis - widest_text - size * 0.8, width * 0.3)
    top = max((bar.value for bar in chart.bars), default=0.0)
    labelled = []
    for bar in chart.bars:
        place_width = text_width(bar.place, BOLD, size) + size * 0.6
        lines = split_lines(bar.label, FAMILY, size, width - place_width) or [""]
        labelled.append((bar, place_width, lines))
    height = sum(len(lines) * line + thickness + gap for _, _, lines in labelled) + size * 0.3
    # Without an initial font the renderer sets Helvetica 10 pt before the first string.
    drawing = Drawing(width, height, initialFontName=FAMILY, initialFontSize=size)
    y = height
    for bar, place_width, lines in labelled:
        for index, text in enumerate(lines):
            y -= line
            if index == 0:
                for shape in graphic_strings(
                    0, y + size * 0.25, bar.place, BOLD, size, fillColor=INK
                ):
                    drawing.add(shape)
            for shape in graphic_strings(
                place_width, y + size * 0.25, text, FAMILY, size, fillColor=INK
            ):
                drawing.add(shape)
        y -= thickness
        length = longest * bar.value / top if top > 0 else 0.0
        if length > 0:
            drawing.add(Rect(axis, y, max(length, 1.5), thickness, fillColor=BAR, strokeColor=None))
        for shape in graphic_strings(
            axis + length + size * 0.4,
            y + thickness / 2 - size * 0.35,
            bar.text,
            FAMILY,
            size,
            fillColor=INK,
        ):
            drawing.add(shape)
        drawing.add(Line(0, y - gap * 0.3, 0, y + thickness + gap * 0.3, strokeColor=RULE))
        y -= gap
    return drawing


# ---- the document, its headings and its footer --------------------------------------------


class _HeadingParagraph(ScriptParagraph):
    """A heading that becomes a bookmark in the PDF's outline."""

    def __init__(self, text: str, level: int, style: ParagraphStyle) -> None:
        super().__init__(markup(text, style.fontName), style)
        self.outline_text = text
        self.outline_level = max(level - 2, 0)  # the title and sections at the top level


class _ReportTemplate(SimpleDocTemplate):  # type: ignore[misc]  # reportlab has no type hints
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._headings = 0
        self._last_level = -1

    def afterFlowable(self, flowable: Any) -> None:  # reportlab's camelCase name
        if not isinstance(flowable, _HeadingParagraph):
            return
        self._headings += 1
        key = f"heading-{self._headings}"
        # An outline may go down only one level at a time.
        level = min(flowable.outline_level, self._last_level + 1)
        self._last_level = level
        top = self.frame._y + flowable.height + flowable.style.spaceAfter + flowable.style.fontSize
        self.canv.bookmarkPage(key, fit="XYZ", top=min(top, PAGE_HEIGHT), left=0, zoom=0)
        self.canv.addOutlineEntry(flowable.outline_text, key, level=level, closed=level > 0)


def _canvas_maker(programme: str, generated: str, size: float) -> Callable[..., Canvas]:
    class _FooterCanvas(_NumberedCanvas):
        footer_programme = programme
        footer_generated = generated
        footer_size = size

    return _FooterCanvas


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """Holds the pages back until the end, so each can say 'Page 2 of 3'.

    Bookmarks are held back with their page too: made while the page is only being
    collected, they would all point at the first page.
    """

    footer_programme = ""
    footer_generated = ""
    footer_size = 11.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._marks: list[tuple[str, dict[str, Any]]] = []
        self.setViewerPreference("DisplayDocTitle", "true")
        self.showOutline()

    def bookmarkPage(self, key: str, **kwargs: Any) -> None:  # reportlab's camelCase name
        self._marks.append((key, kwargs))

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._marks = []
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            for key, kwargs in self._marks:
                Canvas.bookmarkPage(self, key, **kwargs)
            self._draw_footer(total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _draw_footer(self, total: int) -> None:
        """'Programme · Generated ...' on the left and 'Page x of y' on the right; when they
        do not fit on one line (large print), the programme goes on a line of its own."""
        size = self.footer_size
        number = f"Page {self._pageNumber} of {total}"
        left, right = MARGIN, PAGE_WIDTH - MARGIN
        baseline = MARGIN * 0.75
        step = size * 1.3
        room = right - left - text_width(number, FAMILY, size) - size
        one_line = f"{self.footer_programme} · {self.footer_generated}"
        if text_width(one_line, FAMILY, size) <= room:
            lines = [one_line]
        else:
            lines = [self.footer_generated]
            lines += reversed(split_lines(self.footer_programme, FAMILY, size, right - left))
        self.saveState()
        self.setFont(FAMILY, size)
        self.setFillColor(INK)
        draw_text(self, right, baseline, number, FAMILY, size, "end")
        for index, text in enumerate(lines):
            draw_text(self, left, baseline + index * step, text, FAMILY, size)
        rule = baseline + (len(lines) - 1) * step + size * 1.15
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(left, rule, right, rule)
        self.restoreState()
