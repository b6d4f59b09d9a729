"""A USB scanner at the check-in desk and the kiosk, with the key events a real scanner sends
(Shift pressed and released around every capital, keypad digits, Enter or Tab), wherever the
focus is. Each scan checks the person in exactly once (read back from the database through
the service), no field keeps a character and no button is pressed; a person typing still
types."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.checkin import Outcome
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.core.scanning import ScannerSettings
from engagement_desk.services.registrations import RegistrationInfo
from engagement_desk.ui.checkin_banner import Notice
from engagement_desk.ui.checkin_page import CheckInPage
from engagement_desk.ui.kiosk import KioskWindow
from engagement_desk.ui.walk_in_dialog import WalkInDialog
from tests.gui.conftest import ScriptedPrompter
from tests.gui.scanner_keys import NO_MODIFIER, SHIFT, Keyboard, StepClock

PIN = "2468"


def make_event(desk: Desk) -> str:
    event_id = desk.events.create(
        EventDraft(
            title="Radcliffe coffee morning",
            kind="venue",
            starts_at=datetime(2026, 4, 15, 9, tzinfo=UTC),
            ends_at=datetime(2026, 4, 15, 11, tzinfo=UTC),
            venue=VenueDraft("Radcliffe Library"),
            capacity=30,
        )
    ).id
    desk.voices.set_capture(event_id, ["ranking"], 5, 3)
    return event_id


def book(desk: Desk, event_id: str, name: str) -> RegistrationInfo:
    email = name.lower().replace(" ", ".") + "@example.org"
    return desk.registrations.register(
        event_id, PersonDraft(full_name=name, email=email, consent_store=True)
    )


def code_of(info: RegistrationInfo) -> str:
    assert info.ticket_code is not None
    return info.ticket_code


class KeyLog(QObject):
    """Every key press and release that reached a widget (installed on the widget itself, so
    it only sees what got past the app-wide scanner filter)."""

    def __init__(self, *widgets: QWidget) -> None:
        super().__init__()
        self.seen: list[tuple[QEvent.Type, int, str, Qt.KeyboardModifier]] = []
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            self.seen.append((event.type(), event.key(), event.text(), event.modifiers()))  # type: ignore[attr-defined]
        return False


@pytest.fixture
def clock_keys() -> StepClock:
    return StepClock()


@pytest.fixture
def event_id(desk: Desk) -> str:
    return make_event(desk)


@pytest.fixture
def make_page(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, event_id: str
) -> Callable[..., CheckInPage]:
    def opener(**options: object) -> CheckInPage:
        widget = CheckInPage(
            desk.events,
            desk.check_in,
            desk.registrations,
            prompter,
            desk.clock,
            **options,  # type: ignore[arg-type]
        )
        qtbot.addWidget(widget)
        widget.resize(1200, 800)
        widget.show()
        qtbot.waitExposed(widget)
        widget.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
        widget.choose_event(event_id)
        return widget

    return opener


@pytest.fixture
def page(make_page: Callable[..., CheckInPage], clock_keys: StepClock) -> CheckInPage:
    return make_page(scanner_clock=clock_keys)


def checked_in(desk: Desk, event_id: str) -> list[tuple[str, str]]:
    return [(r.person_name, r.method) for r in desk.check_in.recent(event_id, limit=50)]


def text_boxes(window: QWidget) -> dict[str, str]:
    return {box.accessibleName(): box.text() for box in window.findChildren(QLineEdit)}


# ---- wherever the focus is on the check-in page -------------------------------------------


FOCUS = {
    "name search": lambda page: page.search,
    "ticket code field": lambda page: page.code_field,
    "recent check-ins table": lambda page: page.recent_table,
    "check-in button": lambda page: page.check_in_button,
    "walk-in button": lambda page: page.walk_in_button,
    "event choice": lambda page: page.event_choice,
    "nothing": lambda page: None,
}


@pytest.mark.parametrize("where", list(FOCUS))
def test_a_real_scanner_burst_checks_in_once_wherever_the_focus_is(
    qtbot: QtBot, page: CheckInPage, desk: Desk, event_id: str, clock_keys: StepClock, where: str
) -> None:
    sarah = book(desk, event_id, "Sarah Ashworth")
    book(desk, event_id, "Ben Clarke")
    page.refresh()
    target = FOCUS[where](page)
    if target is None:
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()
        assert QApplication.focusWidget() is None
    else:
        target.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is target)
    boxes_before = text_boxes(page)
    log = KeyLog(*page.findChildren(QWidget), page)

    keys = Keyboard(page, clock_keys)
    with qtbot.waitSignal(page.result_shown) as shown:
        keys.scan(code_of(sarah))

    assert shown.args[0].outcome is Outcome.ADMITTED
    assert page.banner.word.text() == "ADMITTED"
    assert page.banner.headline.text() == "Welcome, Sarah Ashworth"
    assert checked_in(desk, event_id) == [("Sarah Ashworth", "scanner")]
    assert desk.check_in.counts(event_id).checked_in == 1
    assert text_boxes(page) == boxes_before  # no box keeps a character
    assert log.seen == []  # not one press or release got past the scanner
    assert not page.findChildren(WalkInDialog)  # no button was pressed


@pytest.mark.parametrize(
    ("options", "settings", "code_suffix"),
    [
        pytest.param({"keypad": True}, None, "", id="digits from the keypad"),
        pytest.param({"terminator": Qt.Key.Key_Tab}, None, "", id="Tab at the end"),
        pytest.param({"terminator": Qt.Key.Key_Enter}, None, "", id="keypad Enter"),
        pytest.param({"shift_everything": True}, None, "", id="Shift for '-' too"),
        pytest.param({"gap_ms": 15}, None, "", id="a slower scanner"),
        pytest.param({"terminator": None}, ScannerSettings(suffix="%%"), "%%", id="a suffix"),
    ],
)
def test_scanners_set_up_differently_all_check_in(
    qtbot: QtBot,
    page: CheckInPage,
    desk: Desk,
    event_id: str,
    clock_keys: StepClock,
    options: dict[str, object],
    settings: ScannerSettings | None,
    code_suffix: str,
) -> None:
    grace = book(desk, event_id, "Grace Nolan")
    if settings is not None:
        page.set_scanner_settings(settings)
    page.search.setFocus()
    with qtbot.waitSignal(page.result_shown):
        Keyboard(page, clock_keys).scan(code_of(grace) + code_suffix, **options)  # type: ignore[arg-type]
    assert checked_in(desk, event_id) == [("Grace Nolan", "scanner")]
    assert page.search.text() == ""
    assert page.focusWidget() is page.search  # Tab at the end did not move the focus


def test_a_scanner_with_a_prefix_set_in_settings(
    qtbot: QtBot, page: CheckInPage, desk: Desk, event_id: str, clock_keys: StepClock
) -> None:
    jack = book(desk, event_id, "Jack Quinn")
    page.set_scanner_settings(ScannerSettings(prefix="]Q"))
    page.code_field.setFocus()
    with qtbot.waitSignal(page.result_shown) as shown:
        Keyboard(page, clock_keys).scan("]Q" + code_of(jack))
    assert shown.args[0].outcome is Outcome.ADMITTED
    assert page.code_field.text() == ""


def test_two_people_scanned_one_after_the_other(
    qtbot: QtBot, page: CheckInPage, desk: Desk, event_id: str, clock_keys: StepClock
) -> None:
    first, second = book(desk, event_id, "Amelia Barnes"), book(desk, event_id, "Ben Clarke")
    keys = Keyboard(page, clock_keys)
    page.search.setFocus()
    keys.scan(code_of(first))
    clock_keys.advance(2_000)
    keys.scan(code_of(second))
    assert sorted(checked_in(desk, event_id)) == [
        ("Amelia Barnes", "scanner"),
        ("Ben Clarke", "scanner"),
    ]
    assert page.banner.headline.text() == "Welcome, Ben Clarke"
    assert page.search.text() == ""


def test_a_scan_with_the_walk_in_dialog_open_never_presses_its_default_button(
    qtbot: QtBot, page: CheckInPage, desk: Desk, event_id: str, clock_keys: StepClock
) -> None:
    sarah = book(desk, event_id, "Sarah Ashworth")
    dialog = page.walk_in()
    assert isinstance(dialog, WalkInDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.name)
    log = KeyLog(*dialog.findChildren(QWidget), dialog)

    with qtbot.waitSignal(page.result_shown):
        Keyboard(dialog, clock_keys).scan(code_of(sarah))

    assert checked_in(desk, event_id) == [("Sarah Ashworth", "scanner")]
    assert dialog.isVisible() and dialog.saved is None  # Enter did not press "Yes, save"
    assert dialog.name.text() == ""
    assert log.seen == []
    assert desk.check_in.counts(event_id).walk_ins == 0
    dialog.reject()


def test_a_person_typing_with_shift_still_types_into_the_box(
    qtbot: QtBot, make_page: Callable[..., CheckInPage], desk: Desk, event_id: str
) -> None:
    """The real timer path: no test clock, real gaps between keys."""
    page = make_page()
    page.search.setFocus()
    log = KeyLog(page.search)
    keys = Keyboard(page)
    for ch in "Sam A":
        keys.character(ch, gap_ms=0)
        qtbot.wait(90)  # human speed
    qtbot.waitUntil(lambda: page.search.text() == "Sam A")
    presses = [
        (key, text, mods) for kind, key, text, mods in log.seen if kind == QEvent.Type.KeyPress
    ]
    # Every press reached the box in order, the capitals with Shift held, as they were sent.
    assert [text for _key, text, _mods in presses] == ["", "S", "a", "m", " ", "", "A"]
    assert presses[1][2] == SHIFT and presses[2][2] != SHIFT
    assert len([e for e in log.seen if e[0] == QEvent.Type.KeyRelease]) == 7
    assert checked_in(desk, event_id) == []


def test_a_real_time_burst_goes_through_the_real_timer_path(
    qtbot: QtBot, make_page: Callable[..., CheckInPage], desk: Desk, event_id: str
) -> None:
    """No test clock: the burst is timed by the real clock, then a person types after it."""
    page = make_page()
    ben = book(desk, event_id, "Ben Clarke")
    page.search.setFocus()
    keys = Keyboard(page)
    with qtbot.waitSignal(page.result_shown):
        keys.scan(code_of(ben), gap_ms=0)
    assert checked_in(desk, event_id) == [("Ben Clarke", "scanner")]
    qtbot.wait(120)
    keys.character("b", gap_ms=0)
    qtbot.waitUntil(lambda: page.search.text() == "b")  # handed on when the keys go quiet


def test_human_typing_then_enter_in_the_code_field_is_a_typed_code(
    qtbot: QtBot, page: CheckInPage, desk: Desk, event_id: str, clock_keys: StepClock
) -> None:
    from engagement_desk.core.tickets import ticket_reference

    info = book(desk, event_id, "Grace Nolan")
    page.code_field.setFocus()
    keys = Keyboard(page, clock_keys)
    reference = ticket_reference(info.ticket_id)
    for ch in reference:
        keys.character(ch, gap_ms=150)
    page.scanner.release_held_keys()  # what the timer does when the keys go quiet
    assert page.code_field.text() == reference
    with qtbot.waitSignal(page.result_shown):
        keys.tap(Qt.Key.Key_Return, text="\r", gap_ms=300)
    assert checked_in(desk, event_id) == [("Grace Nolan", "typed")]


def test_the_scanner_leaves_other_windows_alone(
    qtbot: QtBot, page: CheckInPage, clock_keys: StepClock
) -> None:
    other = QLineEdit()
    other.setAccessibleName("A box in another program window")
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other)
    other.setFocus()
    Keyboard(other, clock_keys).scan("ED1-NOT-OURS-1234")
    assert other.text() == "ED1-NOT-OURS-1234"


# ---- undo from anywhere -------------------------------------------------------------------


@pytest.mark.parametrize("where", ["name search", "ticket code field", "recent check-ins table"])
def test_ctrl_z_from_anywhere_on_the_page_undoes_the_last_check_in(
    qtbot: QtBot, page: CheckInPage, desk: Desk, event_id: str, clock_keys: StepClock, where: str
) -> None:
    sarah = book(desk, event_id, "Sarah Ashworth")
    page.search.setFocus()
    Keyboard(page, clock_keys).scan(code_of(sarah))
    assert desk.check_in.counts(event_id).checked_in == 1

    target = FOCUS[where](page)
    target.setFocus()
    if isinstance(target, QLineEdit):
        target.setText("Ben")  # something of the facilitator's own that Ctrl+Z could undo
    qtbot.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    assert desk.check_in.counts(event_id).checked_in == 0
    assert checked_in(desk, event_id) == []
    assert page.banner.notice is Notice.UNDONE
    assert page.banner.word.text() == "UNDONE"
    assert page.banner.headline.text() == "Sarah Ashworth is back on the list"
    assert "ALREADY" not in page.banner.spoken_text()
    if isinstance(target, QLineEdit):
        assert target.text() == "Ben"  # the field's own typing was not undone


def test_ctrl_z_sent_as_plain_key_events_undoes_too(
    qtbot: QtBot, page: CheckInPage, desk: Desk, event_id: str, clock_keys: StepClock
) -> None:
    ben = book(desk, event_id, "Ben Clarke")
    page.search.setFocus()
    keys = Keyboard(page, clock_keys)
    keys.scan(code_of(ben))
    keys.undo()
    assert desk.check_in.counts(event_id).checked_in == 0
    assert page.banner.headline.text() == "Ben Clarke is back on the list"
    keys.undo()  # nothing left to undo: says so, changes nothing
    assert page.banner.notice is Notice.ATTENTION
    assert page.banner.headline.text() == "Nothing to undo"


def test_ctrl_z_in_the_walk_in_dialog_is_the_dialogs_own(
    qtbot: QtBot, page: CheckInPage, desk: Desk, event_id: str, clock_keys: StepClock
) -> None:
    ben = book(desk, event_id, "Ben Clarke")
    page.scan(code_of(ben))
    dialog = page.walk_in()
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClicks(dialog.name, "Paul")
    page.scanner.release_held_keys()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert desk.check_in.counts(event_id).checked_in == 1  # the check-in stands
    dialog.reject()


# ---- back to ready ---------------------------------------------------------------------------


def test_the_banner_returns_to_ready_after_the_configured_time(
    qtbot: QtBot, make_page: Callable[..., CheckInPage], desk: Desk, event_id: str
) -> None:
    page = make_page(ready_after=0.3)
    page.scan(code_of(book(desk, event_id, "Chloe Davies")))
    assert page.banner.word.text() == "ADMITTED"
    qtbot.waitUntil(lambda: page.banner.notice is Notice.READY, timeout=3_000)
    assert page.banner.word.text() == "READY"
    assert page.banner.headline.text() == "Ready — scan a ticket"
    assert "Chloe" not in page.banner.spoken_text()


def test_ready_after_can_be_changed_and_zero_keeps_the_result(
    qtbot: QtBot, page: CheckInPage, desk: Desk, event_id: str
) -> None:
    assert page.banner.ready_timer.interval() == 5_000  # the default
    page.set_ready_after(0)
    page.scan(code_of(book(desk, event_id, "Chloe Davies")))
    assert not page.banner.ready_timer.isActive()
    page.set_ready_after(2)
    page.scan("not a ticket at all")
    assert page.banner.ready_timer.isActive()
    assert page.banner.ready_timer.interval() == 2_000


# ---- the kiosk ----------------------------------------------------------------------------


@pytest.fixture
def kiosk(qtbot: QtBot, desk: Desk, event_id: str, clock_keys: StepClock) -> Iterator[KioskWindow]:
    desk.kiosk.set_pin(PIN)
    window = KioskWindow(
        event_id,
        desk.check_in,
        desk.voices,
        desk.kiosk,
        full_screen=False,
        thanks_seconds=60,
        scanner_clock=clock_keys,
    )
    qtbot.addWidget(window, before_close_func=lambda w: w.submit_pin(PIN))
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window


def test_kiosk_welcome_screen_a_scan_never_presses_skip(
    qtbot: QtBot, kiosk: KioskWindow, desk: Desk, event_id: str, clock_keys: StepClock
) -> None:
    sarah = book(desk, event_id, "Sarah Ashworth")
    kiosk.skip_button.setFocus()  # where Tab or a tap may have left it
    qtbot.waitUntil(lambda: QApplication.focusWidget() is kiosk.skip_button)
    assert kiosk.current_page == "welcome"
    with qtbot.waitSignal(kiosk.page_shown) as shown:
        Keyboard(kiosk, clock_keys).scan(code_of(sarah))
    assert shown.args == ["ticket"]  # not the views screen "Skip" leads to
    assert kiosk.outcome_headline.text() == "You're checked in, Sarah!"
    assert checked_in(desk, event_id) == [("Sarah Ashworth", "kiosk")]


def test_kiosk_and_desk_both_open_a_scan_at_the_kiosk_counts_once(
    qtbot: QtBot,
    page: CheckInPage,
    kiosk: KioskWindow,
    desk: Desk,
    event_id: str,
    clock_keys: StepClock,
) -> None:
    ben = book(desk, event_id, "Ben Clarke")
    # The kiosk hides every staff window while it runs, so the desk stops listening.
    assert kiosk.scanner.active
    assert not page.isVisible() and not page.scanner.active
    kiosk.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is kiosk)
    Keyboard(kiosk, clock_keys).scan(code_of(ben))
    assert checked_in(desk, event_id) == [("Ben Clarke", "kiosk")]
    assert page.banner.notice is Notice.READY  # the desk did not take it as well


def test_a_busy_moment_in_the_middle_of_a_burst_does_not_split_it(
    qtbot: QtBot, page: CheckInPage, desk: Desk, event_id: str, clock_keys: StepClock
) -> None:
    """The app was busy (a database write, a repaint) while the scanner kept typing: the quiet
    timer fires with the rest of the burst still queued. Those keys are let in first, and
    their times say they belong to the same burst."""
    sarah = book(desk, event_id, "Sarah Ashworth")
    page.search.setFocus()
    code = code_of(sarah)
    keys = Keyboard(page, clock_keys)
    keys.scan(code[:12], terminator=None)  # delivered at once
    assert page.scanner.holding

    queued = Keyboard(page, clock_keys)  # the rest: waiting in the queue, not yet delivered
    sent: list[tuple[QWidget, QKeyEvent]] = []
    queued.send = lambda kind, key, modifiers=NO_MODIFIER, text="", gap_ms=0: sent.append(  # type: ignore[method-assign]
        (queued.target(), QKeyEvent(kind, key, modifiers, text))
    )
    queued.scan(code[12:])
    for target, event in sent:
        QApplication.postEvent(target, event)

    with qtbot.waitSignal(page.result_shown):
        page.scanner.keyboard_went_quiet()  # the timer fires before the queue is read
    assert checked_in(desk, event_id) == [("Sarah Ashworth", "scanner")]
    assert page.search.text() == ""
