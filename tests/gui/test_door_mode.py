"""Door mode: each outcome full screen in words, a symbol and a colour, the counts on the
bottom edge, back to Ready on its own, scans working in it, Escape and F11 leaving it.

Screenshots of each outcome at 1366x768 go to the test's temporary folder; set
ENGAGEMENT_DESK_SCREENSHOTS to a folder (docs/screenshots) to keep them there as well."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.checkin import Outcome
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.services.registrations import RegistrationInfo
from engagement_desk.ui.checkin_banner import LOOKS, Notice
from engagement_desk.ui.checkin_page import CheckInPage
from engagement_desk.ui.door_mode import DoorModeView
from tests.gui.conftest import ScriptedPrompter
from tests.gui.scanner_keys import Keyboard, StepClock

SCREEN = (1366, 768)


def make_event(desk: Desk, title: str, hour: int = 9) -> str:
    return desk.events.create(
        EventDraft(
            title=title,
            kind="venue",
            starts_at=datetime(2026, 4, 15, hour, tzinfo=UTC),
            ends_at=datetime(2026, 4, 15, hour + 2, tzinfo=UTC),
            venue=VenueDraft("Radcliffe Library"),
            capacity=30,
        )
    ).id


def book(desk: Desk, event_id: str, name: str, **extra: object) -> RegistrationInfo:
    email = name.lower().replace(" ", ".") + "@example.org"
    draft = PersonDraft(full_name=name, email=email, consent_store=True, **extra)  # type: ignore[arg-type]
    return desk.registrations.register(event_id, draft)


def code_of(info: RegistrationInfo) -> str:
    assert info.ticket_code is not None
    return info.ticket_code


@pytest.fixture
def keys_clock() -> StepClock:
    return StepClock()


@pytest.fixture
def page(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, keys_clock: StepClock
) -> CheckInPage:
    widget = CheckInPage(
        desk.events,
        desk.check_in,
        desk.registrations,
        prompter,
        desk.clock,
        scanner_clock=keys_clock,
        ready_after=0,  # stays put while the screenshots are taken
    )
    widget.door_full_screen = False  # a window of the screen's size instead, to photograph
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def open_door(qtbot: QtBot, page: CheckInPage) -> DoorModeView:
    door = page.open_door_mode()
    door.resize(*SCREEN)
    qtbot.waitExposed(door)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is door)
    return door


def shot(door: DoorModeView, name: str, tmp_path: Path) -> QImage:
    image = door.grab().toImage()
    image.save(str(tmp_path / f"door-{name}.png"))
    keep = os.environ.get("ENGAGEMENT_DESK_SCREENSHOTS")
    if keep:
        image.save(str(Path(keep) / f"door-{name}.png"))
    return image


def mostly(image: QImage, colour: str) -> float:
    """The share of sampled pixels that are the look's background colour."""
    wanted = QColor(colour).rgb()
    samples = [
        image.pixel(x, y) for x in range(0, image.width(), 23) for y in range(0, image.height(), 23)
    ]
    return sum(1 for p in samples if p == wanted) / len(samples)


def fits(label: QLabel, door: DoorModeView) -> bool:
    """Wrapped text or not, no line is wider than the window."""
    metrics = label.fontMetrics()
    longest = max((metrics.horizontalAdvance(w) for w in label.text().split()), default=0)
    return longest <= door.width()


@pytest.fixture
def app_font() -> Iterator[None]:
    """The app's own font at its default size, as the door screen shows it."""
    from engagement_desk.ui.theme import DEFAULT_POINT_SIZE, apply_text_size, load_fonts

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.font()
    apply_text_size(app, DEFAULT_POINT_SIZE, load_fonts())
    yield
    app.setFont(before)


@pytest.mark.usefixtures("app_font")
@pytest.mark.parametrize(
    "outcome",
    [
        Outcome.ADMITTED,
        Outcome.ALREADY_CHECKED_IN,
        Outcome.WRONG_EVENT,
        Outcome.NOT_RECOGNISED,
        Outcome.EVENT_CANCELLED,
    ],
)
def test_each_outcome_fills_the_screen_in_words_symbol_and_colour(
    qtbot: QtBot, page: CheckInPage, desk: Desk, clock: object, tmp_path: Path, outcome: Outcome
) -> None:
    here = make_event(desk, "Radcliffe coffee morning")
    elsewhere = make_event(desk, "Whitefield afternoon", hour=13)
    sarah = book(desk, here, "Sarah Ashworth", access_needs=("wheelchair access",))
    for name in ("Ben Clarke", "Chloe Davies", "Dev Patel"):
        book(desk, here, name)
    other = book(desk, elsewhere, "Priya Shah")
    page.reload_events()
    page.choose_event(here)
    door = open_door(qtbot, page)

    code = {
        Outcome.ADMITTED: code_of(sarah),
        Outcome.ALREADY_CHECKED_IN: code_of(sarah),
        Outcome.WRONG_EVENT: code_of(other),
        Outcome.NOT_RECOGNISED: "https://example.com/some-other-system",
        Outcome.EVENT_CANCELLED: code_of(sarah),
    }[outcome]
    if outcome is Outcome.ALREADY_CHECKED_IN:
        page.scan(code)
        clock.advance(minutes=20)  # type: ignore[attr-defined]
    if outcome is Outcome.EVENT_CANCELLED:
        desk.events.cancel(here, "The library is closed")
    result = page.scan(code)
    assert result is not None and result.outcome is outcome

    look = LOOKS[outcome]
    assert door.word.text() == look.word
    assert door.symbol.text() == look.symbol
    assert door.headline.text() in (result.headline, result.person_name)
    assert look.word in door.accessibleDescription()
    image = shot(door, look.word.lower().replace(" ", "-"), tmp_path)
    assert image.width() == SCREEN[0] and image.height() == SCREEN[1]
    assert mostly(image, look.background) > 0.6  # the whole screen says it, not a strip
    assert door.word.font().pointSizeF() >= QApplication.font().pointSizeF() * 4
    for label in (door.word, door.headline, door.needs, door.detail):
        assert fits(label, door), label.accessibleName()
        if label.isVisible():  # tall enough for all its wrapped lines: nothing cut off
            assert label.height() >= label.heightForWidth(label.width()), label.text()
    if outcome is Outcome.ADMITTED:
        assert "wheelchair access" in door.needs.text() and door.needs.isVisible()
        assert door.counts["checked_in"].text() == "Checked in: 1"
        assert door.counts["still_to_arrive"].text() == "Still to arrive: 3"


def test_a_scan_in_door_mode_and_back_to_ready(
    qtbot: QtBot, page: CheckInPage, desk: Desk, keys_clock: StepClock
) -> None:
    event_id = make_event(desk, "Radcliffe coffee morning")
    ben = book(desk, event_id, "Ben Clarke")
    page.reload_events()
    page.choose_event(event_id)
    page.set_ready_after(0.3)
    door = open_door(qtbot, page)
    assert door.word.text() == "READY"
    door.setFocus()
    with qtbot.waitSignal(page.result_shown):
        Keyboard(door, keys_clock).scan(code_of(ben))
    assert door.word.text() == "ADMITTED"
    assert door.headline.text() == "Welcome, Ben Clarke"
    assert door.counts["checked_in"].text() == "Checked in: 1"
    assert [r.person_name for r in desk.check_in.recent(event_id)] == ["Ben Clarke"]
    qtbot.waitUntil(lambda: door.word.text() == "READY", timeout=3_000)
    assert page.banner.notice is Notice.READY
    assert "Ben" not in door.accessibleDescription()


def test_ctrl_z_in_door_mode_undoes_and_says_who(
    qtbot: QtBot, page: CheckInPage, desk: Desk, keys_clock: StepClock
) -> None:
    event_id = make_event(desk, "Radcliffe coffee morning")
    ben = book(desk, event_id, "Ben Clarke")
    page.reload_events()
    page.choose_event(event_id)
    door = open_door(qtbot, page)
    page.scan(code_of(ben))
    qtbot.keyClick(door, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert door.word.text() == "UNDONE"
    assert door.headline.text() == "Ben Clarke is back on the list"
    assert desk.check_in.counts(event_id).checked_in == 0
    assert door.counts["checked_in"].text() == "Checked in: 0"


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape, Qt.Key.Key_F11])
def test_escape_or_f11_leaves_door_mode(
    qtbot: QtBot, page: CheckInPage, desk: Desk, key: Qt.Key
) -> None:
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    qtbot.keyClick(page.search, Qt.Key.Key_F11)  # F11 on the page opens it
    door = page.door
    assert door is not None
    qtbot.waitUntil(door.isVisible)
    qtbot.keyClick(door, key)
    assert not door.isVisible()


def test_door_mode_text_follows_the_app_text_size(
    qtbot: QtBot, page: CheckInPage, desk: Desk, restore_font: Callable[[int], None]
) -> None:
    door = open_door(qtbot, page)
    small = door.word.font().pointSizeF()
    banner_word = page.banner.word.styleSheet()
    restore_font(16)  # what Settings → Text size does
    assert door.word.font().pointSizeF() > small
    assert door.counts["checked_in"].font().pointSizeF() >= 16
    assert page.banner.word.styleSheet() != banner_word  # the banner's words grew too
    assert "font-size: 42pt" in page.banner.word.styleSheet()


@pytest.fixture
def restore_font() -> object:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.font()

    def set_size(points: int) -> None:
        font = app.font()
        font.setPointSize(points)
        app.setFont(font)

    yield set_size
    app.setFont(before)


def test_every_part_of_door_mode_has_an_accessible_name(qtbot: QtBot, page: CheckInPage) -> None:
    door = open_door(qtbot, page)
    for label in door.findChildren(QLabel):
        assert label.accessibleName(), label.text()
    assert page.door_button.accessibleName()
    assert "READY" in door.accessibleDescription()
