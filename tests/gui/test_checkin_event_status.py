"""The check-in desk at a cancelled event, and at one long over: nobody is admitted by
scan or by name search at a cancelled event; after the door closes a scan is refused but
the sign-in sheet can still be typed up by name search."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.checkin import DOOR_CLOSES_AFTER, Outcome
from engagement_desk.ui.checkin_banner import LOOKS
from engagement_desk.ui.checkin_page import CheckInPage
from tests.conftest import FakeClock
from tests.gui.conftest import ScriptedPrompter
from tests.gui.test_checkin_page import SoundLog, book, make_event


@pytest.fixture
def page(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter) -> CheckInPage:
    widget = CheckInPage(
        desk.events, desk.check_in, desk.registrations, prompter, desk.clock, SoundLog()
    )
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def search_and_check_in(qtbot: QtBot, page: CheckInPage, text: str) -> None:
    page.search.setText(text)
    qtbot.waitUntil(lambda: page.found.rowCount() == 1)
    with qtbot.waitSignal(page.result_shown):
        qtbot.mouseClick(page.check_in_button, Qt.MouseButton.LeftButton)


def test_a_cancelled_event_admits_no_one(
    qtbot: QtBot, page: CheckInPage, desk: Desk, tmp_path: Path
) -> None:
    event_id = make_event(desk)
    amelia = book(desk, event_id, "Amelia Barnes")
    book(desk, event_id, "Ben Clarke")
    page.reload_events()
    page.choose_event(event_id)
    # Cancelled after the desk opened on it (by an organiser, perhaps on another laptop).
    desk.events.cancel(event_id, "the venue has no heating")

    result = page.scan(amelia.ticket_code or "")
    assert result is not None and result.outcome is Outcome.EVENT_CANCELLED
    assert page.banner.word.text() == LOOKS[Outcome.EVENT_CANCELLED].word == "EVENT CANCELLED"
    assert "the venue has no heating" in page.banner.detail.text()
    search_and_check_in(qtbot, page, "ben")
    assert page.banner.word.text() == "EVENT CANCELLED"
    assert desk.events.rows_for([event_id])[0].checked_in == 0
    assert page.grab().save(str(tmp_path / "checkin-event-cancelled.png"))


def test_a_long_finished_event_refuses_scans_but_takes_the_sheet(
    qtbot: QtBot, page: CheckInPage, desk: Desk, clock: FakeClock
) -> None:
    event_id = make_event(desk)
    amelia = book(desk, event_id, "Amelia Barnes")
    book(desk, event_id, "Ben Clarke")
    page.reload_events()
    page.choose_event(event_id)
    clock.now = desk.events.get(event_id).draft.ends_at + DOOR_CLOSES_AFTER + timedelta(hours=1)

    result = page.scan(amelia.ticket_code or "")
    assert result is not None and result.outcome is Outcome.EVENT_ENDED
    assert page.banner.word.text() == "EVENT ENDED"
    assert "Name search" in page.banner.detail.text()
    search_and_check_in(qtbot, page, "ben")
    assert page.banner.word.text() == "ADMITTED"
    assert "Recorded after the event" in page.banner.detail.text()
    assert desk.events.rows_for([event_id])[0].checked_in == 1
