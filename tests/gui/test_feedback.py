"""Feedback you can see: every save ends with a message bar in the page, whose Open and Show
in folder hand the right file or folder to the desktop; save dialogs suggest names that say
what and when, in Documents; the paper sign-in sheet is made from the app and reads back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.services.preferences import Preferences
from engagement_desk.ui import feedback
from engagement_desk.ui.main_window import MainWindow
from engagement_desk.ui.prompts import documents_folder, file_name, start_path
from tests.gui.conftest import ScriptedPrompter


class NamingPrompter(ScriptedPrompter):
    """Also keeps the file names the app suggested."""

    def __init__(self, save_to: Path) -> None:
        super().__init__(save_to=save_to)
        self.suggested: list[str] = []

    def save_path(
        self, parent: QWidget, title: str, suggested: str, file_filter: str
    ) -> Path | None:
        self.suggested.append(suggested)
        return super().save_path(parent, title, suggested, file_filter)


@pytest.fixture
def event(desk: Desk) -> tuple[str, str]:
    detail = desk.events.create(
        EventDraft(
            title="Bury listening day",
            kind="venue",
            starts_at=datetime(2026, 4, 15, 9, tzinfo=UTC),
            ends_at=datetime(2026, 4, 15, 12, tzinfo=UTC),
            venue=VenueDraft("Bury Town Hall"),
        )
    )
    for name in ("Ayesha Khan", "Grace O'Neill"):
        desk.registrations.register(detail.id, PersonDraft(full_name=name, consent_store=True))
    return detail.id, detail.short_code


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """What would have been handed to the desktop (a stub only for the desktop itself)."""
    urls: list[QUrl] = []

    def fake_open(url: QUrl) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(feedback, "open_url", fake_open)
    return urls


def make_window(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter) -> MainWindow:
    window = MainWindow(desk, prompter=prompter, preferences=Preferences())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_saving_tickets_ends_with_a_bar_that_opens_the_file_and_its_folder(
    qtbot: QtBot, desk: Desk, tmp_path: Path, event: tuple[str, str], opened: list[QUrl]
) -> None:
    event_id, code = event
    target = tmp_path / "out" / "tickets.pdf"
    target.parent.mkdir()
    prompter = NamingPrompter(target)
    window = make_window(qtbot, desk, prompter)
    window.show_page(1)
    people = window.people_page
    people.choose_event(event_id)
    assert not people.feedback.isVisible()

    task = people.make_tickets()
    assert task is not None
    qtbot.waitUntil(lambda: people.feedback.isVisible(), timeout=60_000)
    assert prompter.suggested == [f"tickets-{code}-2026-04-15.pdf"]
    assert target.is_file()
    bar = people.feedback
    assert "Saved 2 ticket(s)" in bar.text.text() and str(target) in bar.text.text()
    assert bar.text.text().startswith("✔")  # said in words and a mark, not colour alone
    assert bar.open_button.isVisible() and bar.folder_button.isVisible()

    bar.open_button.click()
    bar.folder_button.click()
    assert [url.toLocalFile() for url in opened] == [str(target), str(target.parent)]
    bar.close_button.click()
    assert not bar.isVisible()


def test_a_file_the_desktop_cannot_open_is_said_plainly(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feedback, "open_url", lambda _url: False)
    bar = feedback.FeedbackBar()
    qtbot.addWidget(bar)
    bar.show_saved("Saved the listing.", tmp_path / "listing.pdf")
    assert bar.open_file() is False
    assert "Could not open" in bar.text.text() and "listing.pdf" in bar.text.text()


def test_a_message_without_a_file_has_no_open_buttons(qtbot: QtBot) -> None:
    bar = feedback.FeedbackBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.show_done("Comment saved.")
    assert bar.isVisible() and not bar.open_button.isVisible()
    assert not bar.folder_button.isVisible()


def test_voices_saves_show_in_the_page_not_only_the_status_bar(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, event: tuple[str, str]
) -> None:
    window = make_window(qtbot, desk, prompter)
    window.show_page(3)
    page = window.voices_page
    page.save_settings()
    assert page.feedback.isVisible()
    assert "Capture settings saved." in page.feedback.text.text()


def test_suggested_names_say_what_and_when_and_start_in_documents() -> None:
    from datetime import date

    assert file_name("tickets", "BURY0415", day=date(2026, 4, 15), suffix=".pdf") == (
        "tickets-BURY0415-2026-04-15.pdf"
    )
    assert file_name("sign-in sheet", "A/B", suffix=".pdf") == "sign-in-sheet-A-B.pdf"
    assert Path(start_path("tickets.pdf")) == documents_folder() / "tickets.pdf"
    assert start_path("/tmp/chosen.pdf") == "/tmp/chosen.pdf"


def test_the_paper_sign_in_sheet_is_made_from_the_check_in_page(
    qtbot: QtBot, desk: Desk, tmp_path: Path, event: tuple[str, str], opened: list[QUrl]
) -> None:
    event_id, code = event
    target = tmp_path / "sheet.pdf"
    prompter = NamingPrompter(target)
    window = make_window(qtbot, desk, prompter)
    window.show_page(2)
    page = window.check_in_page
    page.choose_event(event_id)
    assert page.sign_in_button.isVisible() and page.sign_in_button.isEnabled()

    page.sign_in_button.click()
    qtbot.waitUntil(lambda: page.feedback.isVisible(), timeout=60_000)
    assert prompter.suggested == [f"sign-in-sheet-{code}-2026-04-15.pdf"]
    assert "Saved a sign-in sheet with 2 names" in page.feedback.text.text()
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Khan" in text and "O'Neill" in text and "Bury listening day" in text
    page.feedback.open_button.click()
    assert [url.toLocalFile() for url in opened] == [str(target)]


def test_the_sign_in_sheet_button_says_why_it_is_greyed_out_without_an_event(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter
) -> None:
    window = make_window(qtbot, desk, prompter)
    button = window.check_in_page.sign_in_button
    assert not button.isEnabled()
    assert "Choose the event at this door first" in button.toolTip()
