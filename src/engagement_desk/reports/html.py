"""The event and programme reports as one accessible, self-contained HTML5 file.

The same content as the PDF (both are drawn from ``reports.content``), for screen readers and
for publishing on the Local Offer website: ``lang="en-GB"``, one ``<main>``, headings in
order with a ``<section>`` for each, tables with a ``<caption>`` and ``<th scope>``, each bar
chart as a table of its numbers plus an inline SVG with ``<title>``, ``<desc>`` and text
labels. No JavaScript and nothing fetched from elsewhere: the CSS is inline, in relative
units, so the page reflows when zoomed to 200% or more. Every piece of text is escaped.
"""

from __future__ import annotations

from html import escape

from engagement_desk import __version__
from engagement_desk.core.summary import EventSummary, ProgrammeSummary
from engagement_desk.reports.content import (
    BarChart,
    Block,
    Bullets,
    Column,
    Entry,
    Heading,
    Quote,
    Report,
    Table,
    Text,
    TitlePage,
)
from engagement_desk.reports.direction import base_level, isolate_parts
from engagement_desk.reports.event_report import event_report
from engagement_desk.reports.programme_report import programme_report

NUMBER = ' class="num"'
STYLE = """
:root { color-scheme: light; }
body {
  margin: 0; background: #ffffff; color: #111111;
  font-family: "Atkinson Hyperlegible", Verdana, system-ui, sans-serif;
  font-size: 1.125rem; line-height: 1.55;
}
main, footer { max-width: 50rem; margin: 0 auto; padding: 1rem 1.25rem; }
.skip { position: absolute; left: -100vw; }
.skip:focus { position: static; display: inline-block; padding: 0.5rem; background: #ffd33d;
  color: #111111; }
h1, h2, h3, h4 { color: #1a1a5e; line-height: 1.25; margin: 1.6em 0 0.5em; }
h1 { font-size: 2.1rem; margin-top: 0.3em; }
h2 { font-size: 1.6rem; border-bottom: 0.12rem solid #1a1a5e; padding-bottom: 0.2rem; }
h3 { font-size: 1.3rem; }
h4 { font-size: 1.12rem; }
.kicker { font-weight: bold; color: #1a1a5e; margin-bottom: 0; }
.facts { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr;
  gap: 0.3rem 1.2rem; margin: 1rem 0; }
.facts dt { font-weight: bold; }
.facts dd { margin: 0; }
.prepared { font-size: 1.3rem; font-weight: bold; margin-bottom: 0.2rem; }
.note { font-size: 1rem; }
.reading { font-weight: bold; background: #e9eef6; padding: 0.6rem 0.8rem;
  border-left: 0.3rem solid #1f4e79; }
.table-wrap { overflow-x: auto; margin: 0.5rem 0 1rem; }
.table-wrap:focus { outline: 0.15rem solid #1f4e79; }
table { border-collapse: collapse; min-width: 60%; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
th, td { border: 0.06rem solid #6b6b80; padding: 0.35rem 0.6rem; text-align: left;
  vertical-align: top; }
thead th { background: #e1e3ee; }
tbody tr:nth-child(even) { background: #f1f1f6; }
tfoot th, tfoot td { font-weight: bold; border-top: 0.15rem solid #1a1a5e; }
td.num, th.num { text-align: right; }
figure { margin: 1rem 0 1.5rem; }
figcaption { font-weight: bold; }
svg.chart { width: 100%; max-width: 44rem; height: auto; display: block; margin: 0.5rem 0; }
blockquote { margin: 0.8rem 0; padding: 0.2rem 1rem; border-left: 0.3rem solid #1f4e79;
  font-size: 1.15rem; }
.entry { margin: 0 0 1.2rem; }
.entry p { margin-bottom: 0.3rem; }
.entry dl { display: grid; grid-template-columns: minmax(5rem, max-content) 1fr;
  gap: 0.2rem 0.8rem; margin: 0 0 0 1rem; }
.entry dt { font-weight: bold; }
.entry dd { margin: 0; }
footer { border-top: 0.06rem solid #6b6b80; font-size: 1rem; }
"""


def event_report_html(summary: EventSummary) -> str:
    """The event report as a self-contained HTML page."""
    return report_html(event_report(summary))


def programme_report_html(summary: ProgrammeSummary) -> str:
    """The programme report as a self-contained HTML page."""
    return report_html(programme_report(summary))


def report_html(report: Report) -> str:
    writer = _Writer()
    for block in report.blocks:
        writer.block(block)
    writer.close_sections(1)
    body = "\n".join(writer.lines)
    return f"""<!DOCTYPE html>
<html lang="{_e(report.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(report.title)}</title>
<meta name="description" content="{_e(report.subject)}">
<meta name="author" content="{_e(report.author)}">
<meta name="generator" content="Engagement Desk {_e(__version__)}">
<style>{STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
<main id="main">
{body}
</main>
<footer>
<p>{_e(report.programme)} · {_e(report.generated)}</p>
</footer>
</body>
</html>
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _lines(text: str) -> str:
    """Escaped, with the content's line breaks as <br>; ", "-separated parts of a line kept
    apart when it holds right-to-left text (as on the PDF)."""
    return "<br>".join(_e(isolate_parts(line)) for line in text.split("\n"))


def _dir(text: str) -> str:
    """' dir="rtl"' for content in right-to-left letters only (a comment in Urdu), so that
    it is set flush right with its punctuation at its end; mixed text stays left to right."""
    return ' dir="rtl"' if base_level(text) == 1 else ""


class _Writer:
    """Turns blocks into HTML, opening a <section> at each heading and closing it at the
    next heading of the same or a higher level."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.open_levels: list[int] = []
        self.ids = 0

    def new_id(self, kind: str) -> str:
        self.ids += 1
        return f"{kind}-{self.ids}"

    def close_sections(self, level: int) -> None:
        while self.open_levels and self.open_levels[-1] >= level:
            self.open_levels.pop()
            self.lines.append("</section>")

    def block(self, block: Block) -> None:
        if isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, Text):
            css = "" if block.kind == "body" else f' class="{block.kind}"'
            self.lines.append(f"<p{css}{_dir(block.text)}>{_lines(block.text)}</p>")
        elif isinstance(block, Bullets):
            items = "".join(f"<li{_dir(item)}>{_lines(item)}</li>" for item in block.items)
            self.lines.append(f"<ul>{items}</ul>")
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, BarChart):
            self.chart(block)
        elif isinstance(block, Quote):
            self.lines.append(
                f"<blockquote><p{_dir(block.text)}>{_lines(block.text)}</p></blockquote>"
            )
        elif isinstance(block, Entry):
            details = "".join(
                f"<dt>{_e(label)}</dt><dd{_dir(value)}>{_lines(value)}</dd>"
                for label, value in block.details
            )
            self.lines.append(
                f'<div class="entry"><p><strong>{_lines(block.text)}</strong></p>'
                f"<dl>{details}</dl></div>"
            )
        else:
            self.title_page(block)

    def heading(self, heading: Heading) -> None:
        level = min(max(heading.level, 1), 6)
        if level == 1:
            self.lines.append(f"<h1>{_e(heading.text)}</h1>")
            return
        self.close_sections(level)
        ident = self.new_id("section")
        self.lines.append(f'<section aria-labelledby="{ident}">')
        self.lines.append(f'<h{level} id="{ident}">{_e(heading.text)}</h{level}>')
        self.open_levels.append(level)

    def title_page(self, page: TitlePage) -> None:
        facts = "".join(
            f"<dt>{_e(label)}</dt><dd{_dir(value)}>{_e(isolate_parts(value))}</dd>"
            for label, value in page.facts
        )
        self.lines += [
            "<header>",
            f'<p class="kicker">{_e(page.kicker)}</p>',
            f"<h1{_dir(page.title)}>{_e(page.title)}</h1>",
            f'<dl class="facts">{facts}</dl>',
            f'<p class="prepared">{_e(page.prepared_for)}</p>',
            f"<p>{_e(page.generated)}</p>",
            f'<p class="note">{_e(page.notice)}</p>',
            "</header>",
        ]

    def table(self, table: Table) -> None:
        ident = self.new_id("table")
        numeric = [column.numeric for column in table.columns]

        def cells(values: tuple[str, ...]) -> str:
            out = []
            for index, value in enumerate(values):
                if index == 0:
                    out.append(f'<th scope="row"{_dir(value)}>{_lines(value)}</th>')
                else:
                    css = NUMBER if index < len(numeric) and numeric[index] else ""
                    out.append(f"<td{css}{_dir(value)}>{_lines(value)}</td>")
            return "".join(out)

        head = "".join(
            f'<th scope="col"{NUMBER if column.numeric else ""}>{_e(column.name)}</th>'
            for column in table.columns
        )
        body = "".join(f"<tr>{cells(row)}</tr>" for row in table.rows)
        foot = f"<tfoot><tr>{cells(table.total)}</tr></tfoot>" if table.total else ""
        self.lines.append(
            f'<div class="table-wrap" role="region" aria-labelledby="{ident}" tabindex="0">'
            f'<table><caption id="{ident}">{_e(table.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table></div>"
        )
        if table.note:
            self.lines.append(f'<p class="note">{_lines(table.note)}</p>')

    def chart(self, chart: BarChart) -> None:
        caption = self.new_id("chart")
        self.lines.append(f'<figure aria-labelledby="{caption}">')
        self.lines.append(f'<figcaption id="{caption}">{_e(chart.title)}</figcaption>')
        self.lines.append(_svg(chart, self.new_id("svg")))
        self.table(
            Table(
                f"{chart.title} (as numbers)",
                (Column("Priority"), Column("Place"), Column(chart.value_heading)),
                tuple((bar.label, bar.place, bar.text) for bar in chart.bars),
                note=chart.description,
            )
        )
        self.lines.append("</figure>")


def _svg(chart: BarChart, ident: str) -> str:
    """Horizontal bars, each with its place and priority written above it and its number
    beside it (never colour alone). Lengths in the chart's own units; the SVG scales."""
    width = 640.0
    size = 16.0
    line = size * 1.3
    thickness = size * 1.3
    gap = size * 0.8
    widest = max((len(bar.text) for bar in chart.bars), default=0) * size * 0.56
    longest = max(width - widest - size, width * 0.3)
    top = max((bar.value for bar in chart.bars), default=0.0)
    parts: list[str] = []
    y = 0.0
    for bar in chart.bars:
        y += line
        parts.append(
            f'<text x="0" y="{y - size * 0.3:.1f}" font-size="{size:.0f}">'
            f'<tspan font-weight="bold">{_e(bar.place)}</tspan> {_e(bar.label)}</text>'
        )
        length = longest * bar.value / top if top > 0 else 0.0
        if length > 0:
            parts.append(
                f'<rect x="0" y="{y:.1f}" width="{max(length, 1.5):.1f}" '
                f'height="{thickness:.1f}" fill="#1f4e79"/>'
            )
        parts.append(
            f'<text x="{length + size * 0.4:.1f}" y="{y + thickness * 0.75:.1f}" '
            f'font-size="{size:.0f}">{_e(bar.text)}</text>'
        )
        y += thickness + gap
    height = y + size * 0.2
    return (
        f'<svg class="chart" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" xmlns="http://www.w3.org/2000/svg" '
        f'fill="#111111" font-family="Atkinson Hyperlegible, Verdana, sans-serif">'
        f'<title id="{ident}-title">{_e(chart.title)}</title>'
        f'<desc id="{ident}-desc">{_e(chart.description)} The same numbers are in the table '
        "below.</desc>" + "".join(parts) + "</svg>"
    )
