"""Tables for analysts: the workbook holds the report's tables exactly as printed, read back
with openpyxl and compared cell by cell with the tables the PDF draws."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from engagement_desk.bootstrap import Desk
from engagement_desk.cli import main
from engagement_desk.reports.content import Report
from engagement_desk.reports.event_report import event_report, render_event_report
from engagement_desk.reports.programme_report import programme_report
from engagement_desk.reports.tables_xlsx import (
    cell_value,
    event_tables_xlsx,
    programme_tables_xlsx,
    sheet_tables,
)


@pytest.fixture
def demo(desk: Desk) -> Desk:
    desk.demo.fill(people=60)
    return desk


def _printed(value: object) -> str:
    """A workbook cell as the report prints it ('1,203' for the number 1203)."""
    return f"{value:,}" if isinstance(value, int) else str(value)


def assert_workbook_matches(data: bytes, report: Report, threshold: int) -> None:
    book = load_workbook(io.BytesIO(data))
    tables = sheet_tables(report)
    assert tables, "the report has tables"
    assert book.sheetnames[0] == "Notes"
    assert len(book.sheetnames) == len(tables) + 1
    for name, (title, headings, rows) in zip(book.sheetnames[1:], tables, strict=True):
        sheet = book[name]
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert values[0][0] == title
        assert tuple(values[1]) == headings
        assert len(values) == len(rows) + 2
        for got, printed in zip(values[2:], rows, strict=True):
            assert [_printed(v if v is not None else "") for v in got] == list(printed)
            for value, text in zip(got, printed, strict=True):
                # Hidden counts stay words; only plain counts become numbers.
                if "fewer than" in text or "not shown" in text:
                    assert value == text
    notes = {row[0]: row[1] for row in book["Notes"].iter_rows(min_row=2, values_only=True)}
    assert notes["Threshold"] == threshold
    assert f"fewer than {threshold}" in str(notes["Small numbers"])
    assert notes["Data taken"]


def test_event_tables_match_the_printed_tables(demo: Desk) -> None:
    held = demo.summaries.programme_summary().events
    for row in held:
        summary = demo.summaries.event_summary(row.event_id)
        report = event_report(summary)
        assert_workbook_matches(event_tables_xlsx(summary), report, summary.threshold)


def test_the_ranking_table_in_the_workbook_is_the_one_in_the_pdf(demo: Desk) -> None:
    row = next(
        r for r in demo.summaries.programme_summary().events if r.title.startswith("Have your")
    )
    summary = demo.summaries.event_summary(row.event_id)
    pdf = render_event_report(summary)
    text = " ".join(
        " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    book = load_workbook(io.BytesIO(event_tables_xlsx(summary)))
    sheet = next(book[n] for n in book.sheetnames if n.startswith("How many people put each"))
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows
    hidden = 0
    for values in rows:
        line = " ".join(_printed(v) for v in values)
        assert line in text  # the row as the PDF prints it
        hidden += sum(1 for v in values if v in ("fewer than 5", "not shown"))
    assert hidden, "the demo's ranking table has hidden counts, kept as words"


def test_programme_tables_match_the_printed_tables(demo: Desk) -> None:
    summary = demo.summaries.programme_summary()
    assert_workbook_matches(
        programme_tables_xlsx(summary), programme_report(summary), summary.threshold
    )


def test_plain_counts_become_numbers_and_everything_else_stays_text() -> None:
    assert cell_value("1,203") == 1203
    assert cell_value("47") == 47
    assert cell_value("fewer than 5") == "fewer than 5"
    assert cell_value("27%") == "27%"
    assert cell_value("3.4") == "3.4"


def test_the_command_line_writes_the_workbook(demo: Desk, tmp_path: Path) -> None:
    row = demo.summaries.programme_summary().events[0]
    target = tmp_path / "tables.xlsx"
    code = main(
        [
            "--data-dir",
            str(demo.paths.home),
            "report",
            "event",
            row.short_code,
            "--xlsx",
            str(target),
        ]
    )
    assert code == 0
    summary = demo.summaries.event_summary(row.event_id)
    # The command line's clock is the real one: the tables are compared, not the notes' date.
    written = load_workbook(target)
    expected = sheet_tables(event_report(summary))
    assert len(written.sheetnames) == len(expected) + 1
    for name, (title, headings, rows) in zip(written.sheetnames[1:], expected, strict=True):
        values = list(written[name].iter_rows(values_only=True))
        assert values[0][0] == title and tuple(values[1]) == headings
        assert [[_printed(v if v is not None else "") for v in r] for r in values[2:]] == [
            list(r) for r in rows
        ]
