"""A USB scanner at the check-in desk and the kiosk, with real key presses on a real screen.

A keyboard-wedge scanner types the ticket code a few milliseconds a key, pressing Shift for
each capital, then Enter. Wherever the keyboard focus is, that burst must check the ticket
in once and leave no characters in any text box; a person typing at a normal speed must
still reach the box they are typing in.
"""

from __future__ import annotations

import time

import pytest

from tests.desktop.desk import KIOSK_PIN, KIOSK_WINDOW, RunningDesk

# The Check-in page's text boxes and their Alt shortcuts ("&Name search:", "Ticket &code:").
CHECK_IN_BOXES = {"Name search": "n", "Ticket code": "c"}


def open_check_in_page(app: RunningDesk) -> None:
    app.x.key("ctrl+3")  # Check-in is the third page


@pytest.mark.parametrize("style", ["type", "key"])
def test_a_scan_into_the_name_search_box_checks_in_and_leaves_the_box_empty(
    desk_app: RunningDesk, style: str
) -> None:
    ticket = desk_app.data.tickets["Amira Khan"]
    open_check_in_page(desk_app)
    desk_app.x.key("alt+n")  # the cursor is in Name search, as after looking someone up
    desk_app.x.screenshot("name-search-focused")

    desk_app.x.scan(ticket.code, style=style)

    after = "After a scanner burst with the cursor in Name search"
    desk_app.expect_checked_in_once(ticket, after, boxes=CHECK_IN_BOXES)
    desk_app.x.screenshot("after-scan")
    desk_app.expect_boxes_empty(CHECK_IN_BOXES, after)
    desk_app.x.screenshot("boxes-read-back")
    desk_app.expect_checked_in_once(ticket, f"{after} (and a few seconds later)")


def test_a_scan_with_a_button_focused_checks_in(desk_app: RunningDesk) -> None:
    ticket = desk_app.data.tickets["Ben Oduya"]
    open_check_in_page(desk_app)
    # Alt+S moves the keyboard to the "Undo selected" button (nothing is selected, so it
    # does nothing): the focus is on a button, not in a text box.
    desk_app.x.key("alt+s")
    desk_app.x.screenshot("button-focused")

    desk_app.x.scan(ticket.code)

    after = "After a scanner burst with the focus on the Undo selected button"
    desk_app.expect_checked_in_once(ticket, after, boxes=CHECK_IN_BOXES)
    desk_app.x.screenshot("after-scan")
    desk_app.expect_boxes_empty(CHECK_IN_BOXES, after)
    desk_app.x.screenshot("boxes-read-back")
    desk_app.expect_checked_in_once(ticket, f"{after} (and a few seconds later)")


def test_a_scan_on_the_kiosk_welcome_screen_checks_in(desk_app: RunningDesk) -> None:
    ticket = desk_app.data.tickets["Dev Patel"]
    desk_app.x.key("ctrl+4", "alt+k")  # Voices page, "Start &kiosk…"
    kiosk = desk_app.wait_for_window(KIOSK_WINDOW, "the kiosk window")
    if not desk_app.x.activate(kiosk):
        desk_app.fail("the kiosk window never got the keyboard")
    desk_app.x.screenshot("kiosk-welcome")

    desk_app.x.scan(ticket.code)

    after = "After a scanner burst on the kiosk's Welcome screen"
    desk_app.expect_checked_in_once(ticket, after)
    desk_app.x.screenshot("kiosk-after-scan")

    # The facilitator leaves kiosk mode with the PIN typed at the keyboard: the PIN box
    # must take it as typed, so nothing of the scan may linger in it.
    desk_app.x.key("ctrl+shift+q")
    desk_app.x.type_slowly(KIOSK_PIN)
    desk_app.x.screenshot("kiosk-pin-typed")
    desk_app.x.key("Return")
    desk_app.wait_for_window_gone(KIOSK_WINDOW, "the kiosk (after typing its PIN)")
    desk_app.x.screenshot("kiosk-left")
    desk_app.expect_checked_in_once(ticket, f"{after} and leaving the kiosk")


def test_a_person_typing_at_human_speed_reaches_the_name_search(desk_app: RunningDesk) -> None:
    ticket = desk_app.data.tickets["Carla Finch"]
    open_check_in_page(desk_app)
    desk_app.x.key("alt+n")
    desk_app.x.type_slowly("Carla")  # 150 ms a key, Shift for the capital C

    typed = desk_app.text_of_box("n")
    if typed != "Carla":
        desk_app.fail(f"Typing 'Carla' slowly into Name search left {typed!r} in the box.")
    # Like a person, look at the list of people found before pressing Enter (the search
    # runs a moment after the last key).
    time.sleep(1.0)
    desk_app.x.screenshot("carla-found")
    desk_app.x.key("Return")

    found = desk_app.expect_checked_in_once(ticket, "After typing 'Carla' and pressing Enter")
    assert found.method == "search", found
    desk_app.x.screenshot("carla-checked-in")
