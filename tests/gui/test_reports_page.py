"""The Reports page: make, preview, save, print; and "You said, we did"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from engagement_desk.bootstrap import Desk
from engagement_desk.db.models import Person
from engagement_desk.services.events import When
from engagement_desk.ui.reports_page import ReportsPage
from tests.gui.conftest import ScriptedPrompter


@pytest.fixture
def page(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter) -> ReportsPage:
    desk.demo.fill(people=60)
    widget = ReportsPage(desk.events, desk.summaries, desk.actions, desk.programmes, prompter)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def names_and_emails(desk: Desk) -> list[str]:
    with desk.db.session() as s:
        people = s.execute(select(Person.full_name, Person.email)).all()
    return [value for row in people for value in row if value]


def make(qtbot: QtBot, page: ReportsPage) -> None:
    with qtbot.waitSignal(page.report_ready, timeout=60_000):
        qtbot.mouseClick(page.make_button, Qt.MouseButton.LeftButton)


def test_event_report_preview_save_and_print(
    qtbot: QtBot, tmp_path: Path, page: ReportsPage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    past = next(r for r in desk.events.list_events(When.PAST) if r.kind.value == "venue")
    page.choose_event(past.id)
    make(qtbot, page)
    assert page.report is not None
    pages = len(PdfReader(__import__("io").BytesIO(page.report.pdf)).pages)
    assert len(page.preview.pages) == pages > 1
    assert page.preview.pages[0].accessibleName() == f"Page 1 of {pages}"

    prompter.save_to = tmp_path / "summary.pdf"
    assert page.save_pdf() == tmp_path / "summary.pdf"
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "summary.pdf").pages)
    assert past.title in text
    summary = desk.summaries.event_summary(past.id)
    assert summary.attendance.checked_in.text in text

    prompter.save_to = tmp_path / "summary.html"
    page.save_html()
    html = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB"' in html and past.title in html
    for value in names_and_emails(desk):
        assert value not in text and value not in html

    prompter.print_to = tmp_path / "printed.pdf"
    assert page.print_report() == pages
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == pages


def test_programme_report_in_large_print(qtbot: QtBot, page: ReportsPage, desk: Desk) -> None:
    page.programme.setChecked(True)
    page.large_print.setChecked(True)
    make(qtbot, page)
    assert page.report is not None
    assert page.report.file_stem == f"programme-summary-{date.today().isoformat()}"
    assert "Bury SEND Transformation Programme" in page.report.html
    assert page.save_pdf_button.isEnabled() and page.print_button.isEnabled()


def test_printing_can_be_called_off(
    qtbot: QtBot, page: ReportsPage, desk: Desk, prompter: ScriptedPrompter
) -> None:
    make(qtbot, page)
    prompter.print_to = None
    assert page.print_report() == 0


def test_you_said_we_did(qtbot: QtBot, page: ReportsPage, desk: Desk) -> None:
    panel = page.actions_panel
    before = panel.model.rowCount()
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert not panel.problems.isHidden()  # what parents said is needed
    assert panel.model.rowCount() == before

    qtbot.keyClicks(panel.you_said, "Letters about EHCPs are hard to follow")
    qtbot.keyClicks(panel.we_did, "Rewritten with parents; easy-read versions")
    qtbot.keyClicks(panel.owner, "SEND team")
    panel.about.setCurrentIndex(panel.about.findData("Communication from the council"))
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == before + 1
    added = next(
        a for a in desk.actions.actions() if a.you_said == "Letters about EHCPs are hard to follow"
    )
    assert (added.owner, added.theme, added.status.value) == (
        "SEND team",
        "Communication from the council",
        "planned",
    )

    row = [panel.model.row_at(r).id for r in range(panel.model.rowCount())].index(added.id)
    panel.table.selectRow(row)
    panel.status.setCurrentIndex(panel.status.findData("done"))
    qtbot.mouseClick(panel.update_button, Qt.MouseButton.LeftButton)
    assert next(a for a in desk.actions.actions() if a.id == added.id).status.value == "done"

    panel.table.selectRow(row)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert all(a.id != added.id for a in desk.actions.actions())
