"""Kiosk mode through its real widgets: a parent's whole journey with a simulated USB
scanner, anonymity unless they link, nothing left for the next parent, idle reset, and the
facilitator's PIN as the only way out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.services.registrations import RegistrationInfo
from engagement_desk.services.voices import ResponseRow
from engagement_desk.ui.kiosk import (
    NO_PIN_MESSAGE,
    KioskWindow,
    SetPinDialog,
    first_name,
    kiosk_body_points,
)
from tests.conftest import FakeClock

PIN = "2468"
OpenKiosk = Callable[..., KioskWindow]
ORDINAL_MARKS = ("1st", "2nd", "3rd", "4th", "5th")


def make_event(desk: Desk, methods: tuple[str, ...] = ("ranking",), dots: int = 5) -> str:
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
    desk.voices.set_capture(event_id, list(methods), dots, 3)
    return event_id


def book(desk: Desk, event_id: str, name: str) -> RegistrationInfo:
    email = name.lower().replace(" ", ".") + "@example.org"
    return desk.registrations.register(
        event_id, PersonDraft(full_name=name, email=email, consent_store=True)
    )


@pytest.fixture
def pin_set(desk: Desk) -> None:
    desk.kiosk.set_pin(PIN)


@pytest.fixture
def open_kiosk(qtbot: QtBot, desk: Desk, pin_set: None) -> Iterator[OpenKiosk]:
    def opener(event_id: str, **options: float) -> KioskWindow:
        options.setdefault("thanks_seconds", 60)
        window = KioskWindow(
            event_id,
            desk.check_in,
            desk.voices,
            desk.kiosk,
            full_screen=False,
            **options,  # type: ignore[arg-type]
        )
        # Leaving the kiosk needs the PIN, in teardown too.
        qtbot.addWidget(window, before_close_func=lambda w: w.submit_pin(PIN))
        window.resize(1280, 720)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        return window

    yield opener


def scan_with_scanner(qtbot: QtBot, window: KioskWindow, code: str) -> None:
    """What a keyboard-wedge scanner does: the whole code in a burst, then Enter."""
    qtbot.keyClicks(window, code)
    qtbot.keyClick(window, Qt.Key.Key_Return)


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.accessibleName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def words_on_screen(window: KioskWindow) -> list[str]:
    """Every label and button text, and every accessible name and description, in the
    whole widget tree (shown or not)."""
    texts: list[str] = []
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        texts += [widget.accessibleName(), widget.accessibleDescription(), widget.toolTip()]
    return [t for t in texts if t]


def responses(desk: Desk, event_id: str) -> list[ResponseRow]:
    return desk.voices.responses(event_id)


# ---- a parent's journey -------------------------------------------------------------------


def test_a_parent_scans_ranks_three_and_their_answers_are_anonymous(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk)
    sarah = book(desk, event_id, "Sarah Ashworth")
    window = open_kiosk(event_id)
    assert window.current_page == "welcome"

    with qtbot.waitSignal(window.page_shown) as shown:
        scan_with_scanner(qtbot, window, sarah.ticket_code or "")
    assert shown.args == ["ticket"]
    assert window.outcome_headline.text() == "You're checked in, Sarah!"
    assert window.outcome_symbol.text() == "✔"  # a symbol, not only the green
    assert not any("Ashworth" in text for text in words_on_screen(window))
    assert desk.events.rows_for([event_id])[0].checked_in == 1
    assert window.link_panel.isVisible() and not window.link_box.isChecked()

    click(qtbot, window.views_button)  # ranking is the only method: straight to it
    assert window.current_page == "ranking"
    assert "anonymous" in window.ranking_privacy.text()
    buttons = window.priority_buttons
    for button in (buttons[2], buttons[0], buttons[4]):
        click(qtbot, button)
    assert [b.badge.text() for b in buttons] == ["✔ 2nd", "", "✔ 1st", "", "✔ 3rd"]
    assert buttons[2].accessibleName().endswith("your 1st choice")
    assert window.ranking_status.text() == "You have chosen 3. Tap “Save my answers”."

    click(qtbot, buttons[1])  # a fourth is not taken
    assert buttons[1].place is None
    click(qtbot, window.ranking_save)
    assert window.current_page == "thanks"
    assert window.thanks_text.text() == "Your views have been saved."

    [row] = responses(desk, event_id)
    ids = [p.id for p in desk.voices.capture_settings(event_id).priorities]
    assert row.method == "ranking"
    assert row.source == "kiosk"
    assert row.registration_id is None and row.name == ""
    assert row.values == {ids[2]: 1, ids[0]: 2, ids[4]: 3}


def test_a_parent_who_ticks_the_box_links_their_answers_to_their_booking(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk)
    sarah = book(desk, event_id, "Sarah Ashworth")
    window = open_kiosk(event_id)
    scan_with_scanner(qtbot, window, sarah.ticket_code or "")
    qtbot.waitUntil(lambda: window.current_page == "ticket")

    qtbot.mouseClick(window.link_words, Qt.MouseButton.LeftButton)  # the words tick it too
    assert window.link_box.isChecked()
    assert window.link_note.text() == "Your answers will be linked to your booking."
    click(qtbot, window.views_button)
    assert window.ranking_privacy.text() == "Your answers will be linked to your booking."
    click(qtbot, window.priority_buttons[1])
    click(qtbot, window.ranking_save)

    [row] = responses(desk, event_id)
    assert row.registration_id == sarah.id
    assert row.source == "kiosk"


def test_a_booking_with_answers_already_is_told_and_can_save_anonymously(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk, clock: FakeClock
) -> None:
    event_id = make_event(desk)
    sarah = book(desk, event_id, "Sarah Ashworth")
    first = desk.voices.capture_settings(event_id).priorities[0].id
    desk.voices.record_ranking(event_id, [first], registration_id=sarah.id)
    window = open_kiosk(event_id)
    scan_with_scanner(qtbot, window, sarah.ticket_code or "")
    qtbot.waitUntil(lambda: window.current_page == "ticket")
    click(qtbot, window.link_box)
    click(qtbot, window.views_button)
    click(qtbot, window.priority_buttons[3])
    click(qtbot, window.ranking_save)

    assert window.current_page == "ranking"
    assert window.ranking_problem.isVisible()
    assert "already has answers" in window.ranking_problem.text()
    assert "anonymous" in window.ranking_privacy.text()
    click(qtbot, window.ranking_save)
    assert window.current_page == "thanks"
    assert sorted(str(r.registration_id) for r in responses(desk, event_id)) == sorted(
        [sarah.id, "None"]
    )


def test_a_parent_without_a_ticket_skips_and_nothing_chosen_is_refused_in_plain_words(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk)
    window = open_kiosk(event_id)
    click(qtbot, window.skip_button)
    assert window.current_page == "ranking"
    assert window.ranking_text.text() == "Tap your top 3. Tap the most important first."

    click(qtbot, window.ranking_save)
    assert window.ranking_problem.isVisible()
    assert window.ranking_problem.text() == "⚠ Please tap at least one to choose it."
    assert window.ranking_problem.font().pointSizeF() >= 24
    assert responses(desk, event_id) == []

    click(qtbot, window.priority_buttons[0])
    assert not window.ranking_problem.isVisible()
    click(qtbot, window.undo_button)
    assert window.priority_buttons[0].place is None
    assert not window.undo_button.isEnabled()


@pytest.mark.parametrize(
    ("arrange", "headline", "hidden"),
    [
        ("checked in at the door", "This ticket has already been used.", "Sarah"),
        ("cancelled", "This booking was cancelled.", "Sarah"),
        ("garbled", "We could not read this ticket.", "Sarah"),
    ],
)
def test_other_outcomes_are_plain_words_without_anyones_details(
    qtbot: QtBot,
    desk: Desk,
    open_kiosk: OpenKiosk,
    clock: FakeClock,
    arrange: str,
    headline: str,
    hidden: str,
) -> None:
    event_id = make_event(desk)
    sarah = book(desk, event_id, "Sarah Ashworth")
    code = sarah.ticket_code or ""
    if arrange == "checked in at the door":
        desk.check_in.scan(event_id, code, "scanner")
        clock.advance(seconds=30)
    elif arrange == "cancelled":
        desk.registrations.cancel(event_id, code)
    else:
        code = code[:-3] + "QQQ"
    window = open_kiosk(event_id)
    scan_with_scanner(qtbot, window, code)
    qtbot.waitUntil(lambda: window.current_page == "ticket")

    assert window.outcome_headline.text() == headline
    assert "Please" in window.outcome_detail.text() and "helper" in window.outcome_detail.text()
    assert window.outcome_symbol.text()  # a symbol as well as a colour
    assert not any(hidden in text or "Ashworth" in text for text in words_on_screen(window))
    assert not window.link_panel.isVisible()  # only your own admitted ticket can link
    click(qtbot, window.views_button)
    click(qtbot, window.priority_buttons[0])
    click(qtbot, window.ranking_save)
    assert [r.registration_id for r in responses(desk, event_id)] == [None]


# ---- nothing of the last parent is left -------------------------------------------------


def test_after_thank_you_the_kiosk_resets_and_shows_nothing_of_the_last_parent(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk, ("ranking", "dots"))
    sarah = book(desk, event_id, "Sarah Ashworth")
    window = open_kiosk(event_id, thanks_seconds=0.3)
    scan_with_scanner(qtbot, window, sarah.ticket_code or "")
    qtbot.waitUntil(lambda: window.current_page == "ticket")
    click(qtbot, window.link_box)
    click(qtbot, window.views_button)
    assert window.current_page == "choose"
    click(qtbot, window.choose_ranking)
    for button in window.priority_buttons[:3]:
        click(qtbot, button)
    window.dots_rows[1].add(2)  # as if they had looked at the dots too
    before = words_on_screen(window)
    assert any("Sarah" in t for t in before) and any("1st" in t for t in before)

    with qtbot.waitSignal(window.page_shown, timeout=3000):
        click(qtbot, window.ranking_save)
    with qtbot.waitSignal(window.page_shown, timeout=3000) as shown:
        pass  # the thank-you screen goes back to Welcome by itself
    assert shown.args == ["welcome"]

    after = words_on_screen(window)
    assert not any("Sarah" in t or "Ashworth" in t for t in after)
    assert not any(mark in t for t in after for mark in ORDINAL_MARKS)
    assert not any("linked to your booking" in t for t in after)
    assert not any("saved" in t for t in after)
    assert all(b.place is None and not b.property("chosen") for b in window.priority_buttons)
    assert all(row.dots == 0 for row in window.dots_rows)
    assert window.dots_left.text().startswith("Dots left: 5")
    assert not window.link_box.isChecked()
    assert window.linked_registration is None
    assert window.outcome_headline.text() == window.outcome_detail.text() == ""


def test_a_quiet_kiosk_resets_itself_to_welcome(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk)
    window = open_kiosk(event_id, idle_seconds=0.3)
    click(qtbot, window.skip_button)
    click(qtbot, window.priority_buttons[1])
    assert window.priority_buttons[1].badge.text() == "✔ 1st"

    qtbot.waitUntil(lambda: window.current_page == "welcome", timeout=3000)
    assert not any(mark in t for t in words_on_screen(window) for mark in ORDINAL_MARKS)
    assert not window.idle_timer.isActive()  # Welcome has nothing to forget


def test_any_key_or_tap_keeps_the_kiosk_awake(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk)
    window = open_kiosk(event_id, idle_seconds=60)
    click(qtbot, window.skip_button)
    qtbot.wait(150)
    waited = window.idle_timer.remainingTime()
    assert waited < 60_000 - 100
    qtbot.keyClick(window, Qt.Key.Key_Shift)
    assert window.idle_timer.remainingTime() > waited
    qtbot.wait(150)
    waited = window.idle_timer.remainingTime()
    qtbot.mouseClick(window.ranking_text, Qt.MouseButton.LeftButton)
    assert window.idle_timer.remainingTime() > waited


# ---- keys and accessibility -------------------------------------------------------------


def test_number_keys_choose_the_nth_priority(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk)
    window = open_kiosk(event_id)
    click(qtbot, window.skip_button)
    buttons = window.priority_buttons
    qtbot.keyClick(window, "3")
    qtbot.waitUntil(lambda: buttons[2].place == 1)
    qtbot.keyClick(window, "5")
    qtbot.waitUntil(lambda: buttons[4].place == 2)
    qtbot.keyClick(window, "9")  # no ninth priority: nothing happens
    qtbot.keyClick(window, "1")
    qtbot.waitUntil(lambda: buttons[0].place == 3)
    assert [b.place for b in buttons] == [3, None, 1, None, 2]
    assert "Press 3" in buttons[2].accessibleDescription()


def test_enter_presses_the_focused_button(qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk) -> None:
    event_id = make_event(desk)
    window = open_kiosk(event_id)
    window.skip_button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(window.skip_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_page == "ranking")


def test_every_control_has_a_name_large_text_and_room_for_a_finger(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk, ("ranking", "dots"))
    window = open_kiosk(event_id)
    click(qtbot, window.skip_button)
    for page, show in (("choose", None), ("ranking", "ranking"), ("dots", "dots")):
        if show:
            window.show_views(show)
        assert window.current_page == page
        for button in window.findChildren(QAbstractButton):
            assert button.accessibleName(), button.text()
            if button.isVisible() and button is not window.staff_button:
                assert button.height() >= 64, button.accessibleName()
    assert window.dots_text.font().pointSizeF() >= 24
    assert window.event_label.font().pointSizeF() >= 14  # even the small print
    assert window.priority_buttons[0].title.font().pointSizeF() >= 24


def test_dots_respect_the_events_dots_per_person(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk, ("dots",), dots=3)
    window = open_kiosk(event_id)
    click(qtbot, window.skip_button)
    assert window.current_page == "dots"
    assert window.dots_text.text().startswith("You have 3 dots.")

    click(qtbot, window.dots_save)
    assert window.dots_problem.text() == "⚠ Please give at least one dot. Tap + to give a dot."
    rows = window.dots_rows
    click(qtbot, rows[3].plus)
    click(qtbot, rows[3].plus)
    click(qtbot, rows[0].plus)
    assert not window.dots_problem.isVisible()
    assert window.dots_left.text() == "Dots left: 0 ✔"
    assert not any(row.plus.isEnabled() for row in rows)  # no fourth dot
    assert rows[3].count.text() == "●●  2"
    assert rows[3].count.accessibleName().endswith(": 2 dots")
    click(qtbot, rows[0].minus)
    assert window.dots_left.text() == "Dots left: 1  ○"
    click(qtbot, rows[1].plus)
    click(qtbot, window.dots_save)

    [row] = responses(desk, event_id)
    ids = [p.id for p in desk.voices.capture_settings(event_id).priorities]
    assert row.method == "dots" and row.source == "kiosk" and row.registration_id is None
    assert row.values == {ids[3]: 2, ids[1]: 1}


def test_an_event_that_collects_comments_takes_typed_words_and_tapped_themes(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk, ("comments",))
    window = open_kiosk(event_id)
    assert window.skip_button.isVisible()  # comments are offered: no longer check-in only
    click(qtbot, window.skip_button)
    assert window.current_page == "comment"
    screen = window.comment_screen
    qtbot.waitUntil(screen.text.hasFocus)
    click(qtbot, screen.save)
    assert screen.problem.text() == "⚠ Please type what you would like to tell us."
    qtbot.keyClicks(screen.text, "Waiting a year for an EHCP was hard.", delay=20)
    # Keys typed at the kiosk pass the scanner watch first: they arrive a moment later.
    qtbot.waitUntil(lambda: screen.text.toPlainText() == "Waiting a year for an EHCP was hard.")
    [autism] = [b for b in screen.theme_buttons if b.theme == "Autism"]
    click(qtbot, autism)
    assert autism.isChecked() and autism.accessibleName() == "Autism: chosen"
    assert autism.words.text().startswith("✔")  # a tick, not only the dark fill
    assert not screen.quote_box.isChecked()  # not quoted unless the parent says so
    assert "anonymous" in screen.privacy.text()
    click(qtbot, screen.save)
    assert window.current_page == "thanks"
    assert not window.thanks_more.isVisible()  # nothing else to give

    [comment] = desk.voices.comments(event_id)
    assert comment.text == "Waiting a year for an EHCP was hard."
    assert comment.themes == ("Autism",)
    assert comment.registration_id is None and not comment.quote_permission
    window.reset()
    assert screen.text.toPlainText() == "" and not any(b.isChecked() for b in screen.theme_buttons)


def test_every_way_the_event_asks_for_is_offered_and_a_comment_can_follow_a_ranking(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk, ("ranking", "points", "comments"))
    window = open_kiosk(event_id)
    click(qtbot, window.skip_button)
    assert window.current_page == "choose"
    shown = [b.text() for b in window.choose_buttons.values() if b.isVisible()]
    assert shown == [
        "Choose my top 3, in order",
        "Share out 100 points",
        "Tell you in my own words",
    ]
    click(qtbot, window.choose_points)
    rows = window.points_rows
    click(qtbot, window.points_save)
    assert "share out all 100 points" in window.points_problem.text()
    for _ in range(7):
        click(qtbot, rows[2].plus)
    for _ in range(3):
        click(qtbot, rows[4].plus)
    assert window.points_left.text() == "Points left: 0 ✔"
    assert not rows[0].plus.isEnabled()
    click(qtbot, window.points_save)
    assert window.current_page == "thanks"
    assert window.thanks_more.isVisible()
    click(qtbot, window.thanks_more)
    assert window.current_page == "choose"
    assert not window.choose_points.isVisible()  # given already
    click(qtbot, window.choose_comment)
    qtbot.keyClicks(window.comment_screen.text, "More speech therapy", delay=20)
    qtbot.waitUntil(lambda: window.comment_screen.text.toPlainText() == "More speech therapy")
    click(qtbot, window.comment_screen.save)

    [row] = responses(desk, event_id)
    ids = [p.id for p in desk.voices.capture_settings(event_id).priorities]
    assert row.method == "points" and row.source == "kiosk"
    assert row.values == {ids[2]: 70, ids[4]: 30}
    assert [c.text for c in desk.voices.comments(event_id)] == ["More speech therapy"]


def test_priorities_are_shown_in_their_easy_read_words(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk, ("ranking", "dots"))
    fourth = desk.voices.capture_settings(event_id).priorities[3]
    desk.programmes.set_easy_read(fourth.id, "Neighbours help each other early.")
    window = open_kiosk(event_id)
    click(qtbot, window.skip_button)
    window.show_views("ranking")
    button = window.priority_buttons[3]
    assert button.title.text() == "Neighbours help each other early."
    assert button.accessibleName() == "Neighbours help each other early."
    assert "Communities prevent escalation" in button.accessibleDescription()
    assert (
        window.priority_buttons[2].title.text() == "Help comes early, before problems get bigger."
    )
    assert window.dots_rows[3].title.text() == "Neighbours help each other early."


# ---- leaving kiosk mode -----------------------------------------------------------------


def test_closing_needs_the_pin(qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk) -> None:
    event_id = make_event(desk)
    window = open_kiosk(event_id)
    click(qtbot, window.skip_button)

    assert window.close() is False  # Alt+F4 or the window manager
    assert window.isVisible()
    assert window.current_page == "staff"

    for digit in "1357":
        click(qtbot, window.pin_keys[digit])
    assert window.pin_field.text() == "1357"
    click(qtbot, window.pin_ok)
    assert window.isVisible()
    assert window.pin_message.isVisible()
    assert "That PIN is not right. 4 more tries" in window.pin_message.text()
    assert window.pin_field.text() == ""

    click(qtbot, window.pin_cancel)  # back to where the parent was
    assert window.current_page == "ranking"
    shift_control = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_Q, shift_control)
    assert window.current_page == "staff"
    assert not window.pin_message.isVisible()  # the last try's message is not left showing

    with qtbot.waitSignal(window.closed):
        window.pin_field.setFocus()
        qtbot.keyClicks(window.pin_field, PIN, delay=60)  # a person types slower than a scanner
        qtbot.keyClick(window.pin_field, Qt.Key.Key_Return)
    assert not window.isVisible()


def test_the_staff_button_opens_the_pin_pad_and_escape_goes_back(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk)
    window = open_kiosk(event_id)
    click(qtbot, window.staff_button)
    assert window.current_page == "staff"
    qtbot.keyClick(window, "7")
    qtbot.waitUntil(lambda: window.pin_field.text() == "7")
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.current_page == "welcome"
    assert window.pin_field.text() == ""


def test_five_wrong_pins_lock_the_pad_with_a_plain_message(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk, clock: FakeClock
) -> None:
    event_id = make_event(desk)
    window = open_kiosk(event_id)
    window.open_staff()
    for _ in range(5):
        assert window.submit_pin("0000") is False
    assert window.pin_message.text() == "⚠ Too many wrong PINs. Wait 30 seconds and try again."
    assert window.submit_pin(PIN) is False  # even the right PIN waits
    assert window.isVisible()
    assert "Too many wrong PINs" in window.pin_message.text()

    clock.advance(seconds=31)
    with qtbot.waitSignal(window.closed):
        assert window.submit_pin(PIN) is True
    assert not window.isVisible()


def test_the_kiosk_does_not_start_without_a_pin(desk: Desk) -> None:
    assert KioskWindow.can_start(desk.kiosk) == NO_PIN_MESSAGE
    desk.kiosk.set_pin(PIN)
    assert KioskWindow.can_start(desk.kiosk) is None


# ---- setting the PIN ------------------------------------------------------------------


def test_set_pin_dialog_sets_then_changes_the_pin(qtbot: QtBot, desk: Desk) -> None:
    dialog = SetPinDialog(desk.kiosk)
    qtbot.addWidget(dialog)
    assert not dialog.current.isVisibleTo(dialog)
    dialog.pin.setText("1234")
    dialog.repeat.setText("1243")
    dialog.save()
    assert "not the same" in dialog.problem.text()
    assert not desk.kiosk.has_pin()
    dialog.pin.setText("12")
    dialog.repeat.setText("12")
    dialog.save()
    assert "4 to 8 digits" in dialog.problem.text()
    dialog.pin.setText(PIN)
    dialog.repeat.setText(PIN)
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    assert desk.kiosk.check_pin(PIN)

    change = SetPinDialog(desk.kiosk)
    qtbot.addWidget(change)
    assert change.current.isVisibleTo(change)
    change.current.setText("9999")
    change.pin.setText("13579")
    change.repeat.setText("13579")
    change.save()
    assert "not right" in change.problem.text()
    change.current.setText(PIN)
    change.pin.setText("13579")
    change.repeat.setText("13579")
    with qtbot.waitSignal(change.accepted):
        change.save()
    assert desk.kiosk.check_pin("13579")


# ---- words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full", "greeting"),
    [
        ("Sarah Ashworth", "Sarah"),
        ("  sarah  ", "sarah"),
        ("Dr Priya Shah", "Priya"),
        ("Mrs Ashworth", ""),
        ("An anonymous walk-in", ""),
        ("Someone whose details were erased", ""),
        ("A ticket holder not on the list", ""),
        ("", ""),
    ],
)
def test_a_parent_is_greeted_by_first_name_only(full: str, greeting: str) -> None:
    assert first_name(full) == greeting


# ---- more ---------------------------------------------------------------------------------


def test_full_screen_however_it_is_shown(qtbot: QtBot, desk: Desk, pin_set: None) -> None:
    event_id = make_event(desk)
    window = KioskWindow(event_id, desk.check_in, desk.voices, desk.kiosk)
    qtbot.addWidget(window, before_close_func=lambda w: w.submit_pin(PIN))
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    window.show()
    qtbot.waitExposed(window)
    assert window.isFullScreen()


@pytest.fixture
def real_fonts(qapp: QApplication) -> Iterator[None]:
    """The app's own fonts, as the kiosk is seen; the test font put back afterwards."""
    from engagement_desk.ui.theme import DEFAULT_POINT_SIZE, apply_text_size, load_fonts

    family = load_fonts()
    original = qapp.font()
    apply_text_size(qapp, DEFAULT_POINT_SIZE, family)
    yield
    apply_text_size(qapp, DEFAULT_POINT_SIZE, family)
    qapp.setFont(original)


def test_every_screen_fits_a_small_laptop(
    qtbot: QtBot, desk: Desk, real_fonts: None, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk, ("ranking", "dots", "points", "comments"))
    window = open_kiosk(event_id)
    assert window.size().width() == 1280 and window.size().height() == 720
    for page in ("ranking", "dots", "points"):
        window.show_views(page)
        area = window.findChild(QScrollArea, f"{page}-priorities")
        assert area is not None
        # Every priority shows without scrolling; a longer list would scroll, not be cut off.
        assert area.verticalScrollBar().maximum() == 0, page
    window.show_views("comments")
    screen = window.comment_screen
    # The themes may scroll inside their own area; the buttons below always show.
    assert screen.save.isVisible() and screen.save.geometry().bottom() <= screen.height()
    assert screen.quote_box.isVisible()
    assert window.minimumSizeHint().height() <= 720


def test_the_next_parent_can_scan_on_the_thank_you_screen(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk)
    sarah = book(desk, event_id, "Sarah Ashworth")
    ben = book(desk, event_id, "Ben Clarke")
    window = open_kiosk(event_id)
    scan_with_scanner(qtbot, window, sarah.ticket_code or "")
    qtbot.waitUntil(lambda: window.current_page == "ticket")
    click(qtbot, window.link_box)
    click(qtbot, window.ticket_done_button)
    assert window.current_page == "thanks"
    assert window.thanks_text.text() == "Enjoy the event."

    scan_with_scanner(qtbot, window, ben.ticket_code or "")
    qtbot.waitUntil(lambda: window.outcome_headline.text() == "You're checked in, Ben!")
    assert not window.link_box.isChecked()
    assert not any("Sarah" in t for t in words_on_screen(window))


def test_tab_and_space_work_the_ranking(qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk) -> None:
    event_id = make_event(desk)
    window = open_kiosk(event_id)
    click(qtbot, window.skip_button)
    qtbot.keyClick(window, Qt.Key.Key_Tab)
    first = window.priority_buttons[0]
    qtbot.waitUntil(first.hasFocus)
    # Held a moment, as a finger does: the scanner watch holds a key for a few
    # milliseconds to tell a person from a scanner.
    qtbot.keyPress(first, Qt.Key.Key_Space)
    qtbot.wait(100)
    qtbot.keyRelease(first, Qt.Key.Key_Space)
    assert first.place == 1
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    second = window.priority_buttons[1]
    qtbot.waitUntil(second.hasFocus)
    qtbot.keyClick(second, Qt.Key.Key_Return)
    assert second.place == 2


@pytest.mark.parametrize(
    ("app_points", "screen_height", "body"),
    [
        (11, 1080, 24.2),  # about twice the app's text
        (9, 1080, 24.0),  # never below 24 pt
        (16, 720, 24.0),  # a small screen: no bigger than fits
        (16, 1080, 35.2),
        (16, 0, 35.2),  # no screen known
    ],
)
def test_kiosk_text_scales_from_the_app_font_within_the_screen(
    app_points: float, screen_height: int, body: float
) -> None:
    assert kiosk_body_points(app_points, screen_height) == pytest.approx(body)


def test_answers_the_event_stopped_collecting_are_not_saved_and_a_helper_is_asked_for(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk)
    window = open_kiosk(event_id)
    click(qtbot, window.skip_button)
    desk.voices.set_capture(event_id, ["dots"], 5, 3)  # the facilitator changed it meanwhile
    click(qtbot, window.priority_buttons[0])
    click(qtbot, window.ranking_save)
    assert window.ranking_problem.text() == (
        "⚠ Sorry, your answers could not be saved. Please ask a helper."
    )
    assert responses(desk, event_id) == []
    window.reset()  # the next parent gets the event's new way of giving views
    click(qtbot, window.skip_button)
    assert window.current_page == "dots"


def test_the_voices_page_starts_kiosk_mode_only_with_a_pin(qtbot: QtBot, desk: Desk) -> None:
    from datetime import UTC, datetime

    from engagement_desk.core.events import EventDraft, VenueDraft
    from engagement_desk.ui.main_window import MainWindow
    from tests.gui.conftest import ScriptedPrompter

    event_id = desk.events.create(
        EventDraft(
            title="Kiosk day",
            kind="venue",
            starts_at=datetime(2026, 4, 15, 9, tzinfo=UTC),
            ends_at=datetime(2026, 4, 15, 11, tzinfo=UTC),
            venue=VenueDraft("Bury Town Hall"),
        )
    ).id
    prompter = ScriptedPrompter()
    window = MainWindow(desk, prompter=prompter)
    qtbot.addWidget(window)
    window.voices_page.choose_event(event_id)
    assert not desk.kiosk.has_pin()
    assert window.voices_page.start_kiosk() is None
    assert "Set a kiosk PIN first" in prompter.asked[-1][1]

    dialog = window.settings_page.kiosk_pin()
    assert dialog is not None and dialog.isVisible()
    dialog.close()
    desk.kiosk.set_pin("2468")
    window.show()
    qtbot.waitExposed(window)
    kiosk = window.voices_page.start_kiosk()
    assert kiosk is not None and kiosk.isVisible()
    assert not window.isVisible()  # the People list is nowhere a parent can reach
    kiosk.close()  # refused without the PIN
    assert kiosk.isVisible() and not window.isVisible()
    assert kiosk.submit_pin("2468")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not kiosk.isVisible())
    assert window.isVisible()


# ---- nothing with staff data on it while the kiosk runs ------------------------------------


def test_staff_windows_are_hidden_while_the_kiosk_runs_and_back_after_the_pin(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    from PySide6.QtWidgets import QDialog, QVBoxLayout

    staff = QWidget()
    staff.setWindowTitle("People: Sarah Ashworth, sarah@example.org")
    qtbot.addWidget(staff)
    staff.show()
    qtbot.waitExposed(staff)
    event_id = make_event(desk)
    window = open_kiosk(event_id)
    assert not staff.isVisible()
    assert window.staff_windows.hidden_windows == [staff]

    # A message from a job that finishes while the kiosk runs is hidden as soon as it shows.
    message = QDialog(staff)
    message.setWindowTitle("Saved")
    QVBoxLayout(message).addWidget(QLabel("tickets.pdf saved"))
    message.show()
    qtbot.waitUntil(lambda: not message.isVisible())
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [window]

    assert window.close() is False  # still only the PIN leaves
    assert not staff.isVisible()
    with qtbot.waitSignal(window.closed):
        assert window.submit_pin(PIN)
    assert staff.isVisible() and message.isVisible()
    assert not window.isVisible()


# ---- staff write the priorities in plain words -----------------------------------------------


def test_staff_edit_the_easy_read_words_from_the_voices_page(qtbot: QtBot, desk: Desk) -> None:
    from engagement_desk.ui.main_window import MainWindow
    from engagement_desk.ui.priorities_dialog import PrioritiesDialog
    from tests.gui.conftest import ScriptedPrompter

    window = MainWindow(desk, prompter=ScriptedPrompter())
    qtbot.addWidget(window)
    assert window.voices_page.priorities_button.isVisibleTo(window.voices_page)
    dialog = window.voices_page.open_priorities()
    assert isinstance(dialog, PrioritiesDialog) and dialog.isVisible()
    qtbot.waitExposed(dialog)
    priorities = desk.programmes.current().priorities
    fourth = dialog.fields[priorities[3].id]
    assert fourth.text() == "Local groups and neighbours help before things get hard."
    assert fourth.accessibleName() == "Easy-read words for Communities prevent escalation"
    assert dialog.focusWidget() is dialog.fields[priorities[0].id]

    fourth.setText("x" * 161)
    dialog.fields[priorities[0].id].setText("Good schools near home.")
    dialog.save()
    assert dialog.isVisible() and "160 characters or fewer" in dialog.problem.text()
    assert "Communities prevent escalation" in dialog.problem.text()
    assert desk.programmes.current().priorities[0].easy_read != "Good schools near home."

    fourth.setText("Neighbours help each other early.")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    words = [p.easy_read for p in desk.programmes.current().priorities]
    assert words[0] == "Good schools near home."
    assert words[3] == "Neighbours help each other early."


def test_the_comment_screen_works_from_the_keyboard(
    qtbot: QtBot, desk: Desk, open_kiosk: OpenKiosk
) -> None:
    event_id = make_event(desk, ("comments",))
    window = open_kiosk(event_id)
    click(qtbot, window.skip_button)
    screen = window.comment_screen
    qtbot.waitUntil(screen.text.hasFocus)
    qtbot.keyClick(screen.text, Qt.Key.Key_Tab)  # Tab leaves the box for the themes
    first = screen.theme_buttons[0]
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyPress(first, Qt.Key.Key_Space)
    qtbot.wait(100)  # held a moment, as a finger does (the scanner watch tells them apart)
    qtbot.keyRelease(first, Qt.Key.Key_Space)
    qtbot.waitUntil(first.isChecked)
    assert window.flow.themes == [first.theme]
    for button in [*screen.theme_buttons, screen.quote_box, screen.again, screen.save]:
        assert button.accessibleName(), button
