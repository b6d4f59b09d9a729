"""The check-in desk through its real widgets, with a simulated USB scanner."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.checkin import Outcome
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.core.tickets import ticket_reference
from engagement_desk.services.registrations import RegistrationInfo
from engagement_desk.ui.checkin_banner import LOOKS
from engagement_desk.ui.checkin_page import CheckInPage
from engagement_desk.ui.walk_in_dialog import WalkInDialog
from tests.conftest import FakeClock
from tests.gui.conftest import ScriptedPrompter
from tests.gui.scanner_keys import Keyboard


def make_event(desk: Desk, title: str = "Radcliffe coffee morning", capacity: int = 30) -> str:
    return desk.events.create(
        EventDraft(
            title=title,
            kind="venue",
            starts_at=datetime(2026, 4, 15, 9, tzinfo=UTC),
            ends_at=datetime(2026, 4, 15, 11, tzinfo=UTC),
            venue=VenueDraft("Radcliffe Library"),
            capacity=capacity,
        )
    ).id


def book(desk: Desk, event_id: str, name: str, **extra: object) -> RegistrationInfo:
    email = name.lower().replace(" ", ".") + "@example.org"
    draft = PersonDraft(full_name=name, email=email, consent_store=True, **extra)  # type: ignore[arg-type]
    return desk.registrations.register(event_id, draft)


class SoundLog(list[Outcome]):
    def __call__(self, outcome: Outcome) -> None:
        self.append(outcome)


@pytest.fixture
def sounds() -> SoundLog:
    return SoundLog()


@pytest.fixture
def page(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, sounds: SoundLog) -> CheckInPage:
    widget = CheckInPage(
        desk.events, desk.check_in, desk.registrations, prompter, desk.clock, sounds
    )
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def scan_with_scanner(qtbot: QtBot, target: QWidget, code: str) -> None:
    """What a keyboard-wedge scanner does: the whole code in a burst, Shift pressed and
    released around every capital, then Enter (tests/gui/scanner_keys.py)."""
    target.setFocus()
    Keyboard(target.window()).scan(code, gap_ms=0)


def test_scanner_burst_checks_in_whatever_has_focus(
    qtbot: QtBot, page: CheckInPage, desk: Desk, sounds: SoundLog
) -> None:
    event_id = make_event(desk)
    sarah = book(desk, event_id, "Sarah Ashworth", access_needs=("quiet space",))
    page.reload_events()
    page.choose_event(event_id)
    page.search.setFocus()  # the facilitator was typing a name when the parent arrived

    with qtbot.waitSignal(page.result_shown) as shown:
        scan_with_scanner(qtbot, page.search, sarah.ticket_code)
    assert shown.args[0].outcome is Outcome.ADMITTED
    assert page.search.text() == ""  # the code never lands in the field
    assert page.banner.word.text() == "ADMITTED"
    assert page.banner.headline.text() == "Welcome, Sarah Ashworth"
    assert "quiet space" in page.banner.needs.text()
    assert page.banner.needs.isVisible()
    assert sounds == [Outcome.ADMITTED]
    assert page.counts["checked_in"].text() == "1"
    assert page.counts["still_to_arrive"].text() == "0"
    assert page.recent.rowCount() == 1
    assert desk.events.rows_for([event_id])[0].checked_in == 1


def test_a_person_typing_is_not_mistaken_for_a_scanner(
    qtbot: QtBot, page: CheckInPage, desk: Desk
) -> None:
    make_event(desk)
    page.reload_events()
    field = page.search
    field.setFocus()
    qtbot.keyClicks(field, "sarah", delay=90)  # human speed
    qtbot.waitUntil(lambda: field.text() == "sarah")


def test_the_same_code_within_three_seconds_counts_once(
    qtbot: QtBot, page: CheckInPage, desk: Desk, clock: FakeClock, sounds: SoundLog
) -> None:
    event_id = make_event(desk)
    ben = book(desk, event_id, "Ben Clarke")
    page.reload_events()
    page.choose_event(event_id)
    first = page.scan(ben.ticket_code or "")
    clock.advance(seconds=1)
    second = page.scan(ben.ticket_code or "")
    assert first is not None and second is not None
    assert first.outcome is second.outcome is Outcome.ADMITTED
    assert second.repeated
    assert desk.events.rows_for([event_id])[0].checked_in == 1

    clock.advance(seconds=5)
    third = page.scan(ben.ticket_code or "")
    assert third is not None and third.outcome is Outcome.ALREADY_CHECKED_IN
    assert page.banner.word.text() == "ALREADY IN"
    assert "this laptop" in page.banner.detail.text()
    assert sounds[-1] is Outcome.ALREADY_CHECKED_IN


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("hello world", "NOT RECOGNISED"),
        ("https://example.com/some-other-system", "NOT RECOGNISED"),
        ("x" * 5000, "NOT RECOGNISED"),
    ],
)
def test_bad_input_shows_a_clear_outcome_and_writes_nothing(
    page: CheckInPage, desk: Desk, text: str, word: str
) -> None:
    event_id = make_event(desk)
    page.reload_events()
    page.choose_event(event_id)
    result = page.scan(text)
    assert result is not None
    assert page.banner.word.text() == word
    assert page.banner.headline.text()
    assert desk.events.rows_for([event_id])[0].checked_in == 0


def test_a_changed_character_is_refused(page: CheckInPage, desk: Desk) -> None:
    event_id = make_event(desk)
    code = book(desk, event_id, "Ben Clarke").ticket_code or ""
    position = len(code) - 10
    altered = code[:position] + ("A" if code[position] != "A" else "B") + code[position + 1 :]
    page.reload_events()
    page.choose_event(event_id)
    result = page.scan(altered)
    assert result is not None and result.outcome is Outcome.NOT_RECOGNISED
    assert desk.events.rows_for([event_id])[0].checked_in == 0


def test_wrong_event_cancelled_and_waitlisted(page: CheckInPage, desk: Desk) -> None:
    here = make_event(desk, capacity=1)
    elsewhere = make_event(desk, "Whitefield afternoon")
    booked = book(desk, here, "Amelia Barnes")
    waiting = book(desk, here, "Ben Clarke")
    other = book(desk, elsewhere, "Chloe Davies")
    page.reload_events()
    page.choose_event(here)

    assert page.scan(other.ticket_code or "").outcome is Outcome.WRONG_EVENT  # type: ignore[union-attr]
    assert "Whitefield afternoon" in page.banner.detail.text()
    assert page.banner.word.text() == LOOKS[Outcome.WRONG_EVENT].word

    # Waiting-list places get no ticket; this one was printed before the event filled up.
    waiting_code = desk.tickets.mint(here, waiting.ticket_id)
    assert page.scan(waiting_code).outcome is Outcome.WAITLISTED  # type: ignore[union-attr]
    assert page.banner.word.text() == "WAITING LIST"

    desk.registrations.cancel(here, booked.id)
    assert page.scan(booked.ticket_code or "").outcome is Outcome.CANCELLED  # type: ignore[union-attr]
    assert page.banner.word.text() == "CANCELLED"
    # Ben got Amelia's place when she cancelled, so his code now admits him.
    assert page.scan(waiting_code).outcome is Outcome.ADMITTED  # type: ignore[union-attr]


def test_typed_ticket_reference(qtbot: QtBot, page: CheckInPage, desk: Desk) -> None:
    event_id = make_event(desk)
    info = book(desk, event_id, "Grace Nolan")
    page.reload_events()
    page.choose_event(event_id)
    page.code_field.setText(ticket_reference(info.ticket_id).lower())
    with qtbot.waitSignal(page.result_shown):
        qtbot.keyClick(page.code_field, Qt.Key.Key_Return)
    assert page.banner.headline.text() == "Welcome, Grace Nolan"


def test_name_search_then_check_in(qtbot: QtBot, page: CheckInPage, desk: Desk) -> None:
    event_id = make_event(desk)
    book(desk, event_id, "Grace Nolan")
    book(desk, event_id, "Jack Quinn")
    page.reload_events()
    page.choose_event(event_id)
    page.search.setText("grac")
    qtbot.waitUntil(lambda: page.found.rowCount() == 1)
    with qtbot.waitSignal(page.result_shown):
        qtbot.mouseClick(page.check_in_button, Qt.MouseButton.LeftButton)
    assert page.banner.headline.text() == "Welcome, Grace Nolan"
    assert desk.events.rows_for([event_id])[0].checked_in == 1


def test_walk_in_from_the_desk(qtbot: QtBot, page: CheckInPage, desk: Desk) -> None:
    event_id = make_event(desk)
    page.reload_events()
    page.choose_event(event_id)
    dialog = page.walk_in()
    assert isinstance(dialog, WalkInDialog)
    qtbot.keyClicks(dialog.name, "Paul Riley")
    # The desk holds fast keys for a moment in case they are a scanner, then hands them on.
    qtbot.waitUntil(lambda: dialog.name.text() == "Paul Riley")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    assert page.banner.headline.text() == "Welcome, Paul Riley"
    assert page.counts["walk_ins"].text() == "1"
    assert page.counts["checked_in"].text() == "1"


def test_undo_the_last_check_in(qtbot: QtBot, page: CheckInPage, desk: Desk) -> None:
    event_id = make_event(desk)
    code = book(desk, event_id, "Grace Nolan").ticket_code or ""
    page.reload_events()
    page.choose_event(event_id)
    page.scan(code)
    assert page.counts["checked_in"].text() == "1"
    qtbot.mouseClick(page.undo_last_button, Qt.MouseButton.LeftButton)
    assert page.counts["checked_in"].text() == "0"
    assert page.recent.rowCount() == 0
    assert desk.events.rows_for([event_id])[0].checked_in == 0
    # After undo the same ticket admits again (a check-in made by mistake is put right).
    result = page.scan(code)
    assert result is not None and result.outcome is Outcome.ADMITTED


def test_undo_a_check_in_from_the_list(qtbot: QtBot, page: CheckInPage, desk: Desk) -> None:
    event_id = make_event(desk)
    first = book(desk, event_id, "Grace Nolan").ticket_code or ""
    second = book(desk, event_id, "Jack Quinn").ticket_code or ""
    page.reload_events()
    page.choose_event(event_id)
    page.scan(first)
    page.scan(second)
    grace = [page.recent.index(r, 1).data() for r in range(page.recent.rowCount())].index(
        "Grace Nolan"
    )
    page.recent_table.selectRow(grace)
    qtbot.mouseClick(page.undo_selected_button, Qt.MouseButton.LeftButton)
    names = [page.recent.index(r, 1).data() for r in range(page.recent.rowCount())]
    assert names == ["Jack Quinn"]


def test_scanner_capture_is_off_when_the_desk_is_hidden(
    qtbot: QtBot, page: CheckInPage, desk: Desk
) -> None:
    assert page.scanner.active
    page.hide()
    assert not page.scanner.active
    other = QLineEdit()
    qtbot.addWidget(other)
    other.show()
    qtbot.keyClicks(other, "ABCDEFGHIJ")
    assert other.text() == "ABCDEFGHIJ"
    assert QApplication.instance() is not None


def test_a_code_read_by_the_webcam_checks_in(qtbot: QtBot, page: CheckInPage, desk: Desk) -> None:
    from PIL import Image
    from PySide6.QtGui import QImage

    from engagement_desk.core.qr import make_qr_image

    event_id = make_event(desk)
    code = book(desk, event_id, "Yasmin Iqbal").ticket_code or ""
    page.reload_events()
    page.choose_event(event_id)
    frame = Image.new("L", (1280, 720), 200)
    frame.paste(make_qr_image(code, box_size=4), (500, 200))
    image = QImage(frame.tobytes(), 1280, 720, 1280, QImage.Format.Format_Grayscale8).copy()
    with qtbot.waitSignal(page.result_shown, timeout=10_000) as shown:
        page.camera.decode_image(image)
    assert shown.args[0].outcome is Outcome.ADMITTED
    assert page.banner.headline.text() == "Welcome, Yasmin Iqbal"
    assert page.recent.index(0, 2).data() == "webcam"


def test_a_genuine_ticket_not_on_this_laptops_list_is_admitted_and_flagged(
    page: CheckInPage, desk: Desk, sounds: SoundLog
) -> None:
    from engagement_desk.core.tickets import new_ticket_id

    event_id = make_event(desk)
    page.reload_events()
    page.choose_event(event_id)
    issued_elsewhere = desk.tickets.mint(event_id, new_ticket_id())  # booked after the pack
    result = page.scan(issued_elsewhere)
    assert result is not None and result.outcome is Outcome.ADMITTED_NOT_ON_LIST
    assert page.banner.word.text() == "ADMITTED — NOT ON LIST"
    assert "issued after" in page.banner.detail.text()
    assert sounds[-1] is Outcome.ADMITTED_NOT_ON_LIST
    assert desk.events.rows_for([event_id])[0].checked_in == 1


# ---- the desk's settings: scanner prefix and suffix, back to Ready -------------------------


def test_settings_page_checks_the_scanner_prefix_and_suffix(qtbot: QtBot) -> None:
    from engagement_desk.core.scanning import ScannerSettings
    from engagement_desk.ui.settings_page import SettingsPage

    settings = SettingsPage(
        text_size=11,
        database_location="x",
        data_folder="y",
        log_file="z",
        device_name="Door 1",
        scanner=ScannerSettings(suffix="#"),
        ready_after=5,
    )
    qtbot.addWidget(settings)
    settings.show()
    changes: list[ScannerSettings] = []
    settings.scanner_changed.connect(changes.append)
    assert settings.scanner_suffix.text() == "#"

    settings.scanner_prefix.setText("a b")
    assert not settings.save_scanner()
    assert "no spaces" in settings.scanner_problem.text()
    assert settings.scanner_problem.isVisible()
    assert changes == [] and settings.scanner == ScannerSettings(suffix="#")

    settings.scanner_prefix.setText("]Q1")
    assert settings.save_scanner()
    assert not settings.scanner_problem.isVisible()
    assert changes == [ScannerSettings(prefix="]Q1", suffix="#")]

    with qtbot.waitSignal(settings.ready_after_changed) as changed:
        settings.ready_after.setValue(0)
    assert changed.args == [0]
    assert settings.ready_after.text() == "Never"
    for widget in (settings.ready_after, settings.scanner_prefix, settings.scanner_suffix):
        assert widget.accessibleName()


def test_scanner_settings_reach_the_desk_and_are_saved(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter
) -> None:
    from engagement_desk.core.scanning import ScannerSettings
    from engagement_desk.services.preferences import Preferences
    from engagement_desk.ui.main_window import MainWindow

    path = desk.paths.settings_file
    Preferences(text_size=12, scanner_suffix="%%", ready_after_seconds=8).save(path)
    preferences = Preferences.load(path)
    window = MainWindow(desk, prompter=prompter, preferences=preferences)
    qtbot.addWidget(window)
    window.preferences_changed.connect(lambda: preferences.save(path))
    assert window.check_in_page.scanner.settings == ScannerSettings(suffix="%%")
    assert window.check_in_page.banner.ready_timer.interval() == 8_000
    assert window.settings_page.scanner_suffix.text() == "%%"
    assert window.settings_page.ready_after.value() == 8

    window.settings_page.scanner_prefix.setText("*")
    window.settings_page.scanner_suffix.setText("")
    window.settings_page.save_scanner()
    window.settings_page.ready_after.setValue(3)
    assert window.check_in_page.scanner.settings == ScannerSettings(prefix="*")
    assert window.check_in_page.banner.ready_timer.interval() == 3_000
    saved = Preferences.load(path)
    assert (saved.scanner_prefix, saved.scanner_suffix, saved.ready_after_seconds) == ("*", "", 3)
    assert saved.text_size == 12


def test_a_damaged_preferences_file_gives_safe_scanner_settings(desk: Desk) -> None:
    from engagement_desk.services.preferences import Preferences

    path = desk.paths.settings_file
    path.write_text(
        '{"text_size": 14, "scanner_prefix": "a\\u0002", "ready_after_seconds": 9999}',
        encoding="utf-8",
    )
    loaded = Preferences.load(path)
    assert (loaded.text_size, loaded.scanner_prefix, loaded.ready_after_seconds) == (14, "", 120)
