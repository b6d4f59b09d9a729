"""The report's tables for analysts, as an Excel workbook (.xlsx).

Written from the same :class:`~engagement_desk.reports.content.Report` the PDF and the HTML
draw, so every table holds exactly what is printed: hidden counts stay as the words "fewer
than 5" or "not shown", and nothing is worked out again. One sheet per table (and per chart,
read as a table), each with the table's title in its first row and its headings in the
second; a "Notes" sheet says how small numbers are shown and when the data was taken.

A count printed as a plain number ("1,203") is written as a number, so it can be added up;
anything else is written as the text printed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from engagement_desk.core.summary import EventSummary, ProgrammeSummary
from engagement_desk.reports.content import BarChart, Report, Table, suppression_notice

_NUMBER = re.compile(r"-?\d{1,3}(,\d{3})*|-?\d+")
_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LIMIT = 31


def event_tables_xlsx(summary: EventSummary) -> bytes:
    from engagement_desk.reports.event_report import event_report

    return tables_xlsx(event_report(summary), summary.threshold, summary.generated_at)


def programme_tables_xlsx(summary: ProgrammeSummary) -> bytes:
    from engagement_desk.reports.programme_report import programme_report

    return tables_xlsx(programme_report(summary), summary.threshold, summary.generated_at)


def sheet_tables(report: Report) -> list[tuple[str, tuple[str, ...], list[tuple[str, ...]]]]:
    """Each table as (title, headings, rows as printed), totals as the last row; a chart's
    bars as (place, priority, numbers)."""
    tables = []
    for block in report.blocks:
        if isinstance(block, Table):
            rows = [*block.rows, *((block.total,) if block.total else ())]
            tables.append(
                (
                    block.caption,
                    tuple(c.name for c in block.columns),
                    [tuple(cell.replace("\n", " ") for cell in row) for row in rows],
                )
            )
        elif isinstance(block, BarChart):
            tables.append(
                (
                    block.title,
                    ("Place", "Priority", block.value_heading),
                    [(bar.place, bar.label, bar.text) for bar in block.bars],
                )
            )
    return tables


def cell_value(text: str) -> str | int:
    """A plain printed count as a number; anything else as its text."""
    if _NUMBER.fullmatch(text):
        return int(text.replace(",", ""))
    return text


def tables_xlsx(report: Report, threshold: int, generated_at: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append([report.title])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(["Programme", report.programme])
    notes.append(["Data taken", generated_at])
    notes.append(["Threshold", threshold])
    notes.append(["Small numbers", suppression_notice(threshold)])
    notes.append(
        [
            "Tables",
            "Each sheet is one table of the report, exactly as printed; its title is in the "
            "first row. Counts shown as words are hidden on purpose.",
        ]
    )
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 100
    used = {"notes"}
    for title, headings, rows in sheet_tables(report):
        sheet = book.create_sheet(_sheet_name(title, used))
        sheet.append([title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(list(headings))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([cell_value(text) for text in row])
        sheet.freeze_panes = "A3"
        for index, width in enumerate(_widths(headings, rows), start=1):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    out = io.BytesIO()
    book.properties.title = report.title
    book.properties.creator = report.author
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD.sub(" ", title).strip().strip("'") or "Table"
    name = base[:SHEET_NAME_LIMIT].strip()
    number = 2
    while name.lower() in used:
        suffix = f" ({number})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)].strip() + suffix
        number += 1
    used.add(name.lower())
    return name


def _widths(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> list[float]:
    widths = [len(h) for h in headings]
    for row in rows:
        for index, text in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], len(text))
    return [min(max(w + 2, 10), 60) for w in widths]
