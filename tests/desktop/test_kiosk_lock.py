"""The kiosk on a real screen with a window manager: a parent cannot reach the staff window.

The app runs under openbox on Xvfb; the People page (names and emails) is showing when the
facilitator starts the kiosk. Alt+Tab, Alt+F4 and the window manager's own list of windows
must then find only the kiosk, until the PIN is typed.
"""

from __future__ import annotations

import re

from tests.desktop.desk import KIOSK_PIN, KIOSK_WINDOW, MAIN_WINDOW, PEOPLE, RunningDesk
from tests.desktop.xsession import wait_until


def client_windows(app: RunningDesk) -> dict[str, str]:
    """The windows the window manager lists for Alt+Tab and a taskbar (_NET_CLIENT_LIST):
    window id to title."""
    out = app.x.run("xprop", "-root", "_NET_CLIENT_LIST", check=False)
    ids = re.findall(r"0x[0-9a-fA-F]+", out)
    return {window: app.x.window_name(str(int(window, 16))) for window in ids}


def names_on(titles: list[str]) -> list[str]:
    return [title for title in titles for name in PEOPLE if name in title]


def test_alt_tab_finds_only_the_kiosk_until_the_pin_is_typed(desk_app: RunningDesk) -> None:
    x = desk_app.x
    x.key("ctrl+2")  # the People page: names, emails and access needs
    x.screenshot("people-page")
    assert list(client_windows(desk_app).values()) != []
    assert x.windows_named(MAIN_WINDOW)

    x.key("ctrl+4", "alt+k")  # Voices page, "Start &kiosk…"
    kiosk = desk_app.wait_for_window(KIOSK_WINDOW, "the kiosk window")
    if not wait_until(lambda: not x.windows_named(MAIN_WINDOW), timeout=10):
        desk_app.fail("the staff window was still on screen with the kiosk running")
    if not x.activate(kiosk):
        desk_app.fail("the kiosk window never got the keyboard")
    x.screenshot("kiosk-started")

    listed = client_windows(desk_app)
    titles = list(listed.values())
    if titles != ["Engagement Desk kiosk"]:
        desk_app.fail(f"the window manager lists {titles}; it should list only the kiosk")

    for keys in (["alt+Tab"], ["alt+shift+Tab"], ["alt+Tab", "alt+Tab"], ["super+Tab"]):
        x.key(*keys)
        x.screenshot("after-" + "-".join(keys).replace("+", ""))
        visible = [x.window_name(w) for w in x.windows_named(".")]
        active = x.window_name(x.active_window())
        if x.windows_named(MAIN_WINDOW) or names_on(visible) or active != "Engagement Desk kiosk":
            desk_app.fail(
                f"after {' '.join(keys)} the active window is {active!r} and the visible "
                f"windows are {visible}; only the kiosk should be there"
            )

    x.key("alt+F4")  # the window manager asks the kiosk to close: it shows the PIN pad
    x.screenshot("after-alt-f4")
    assert x.windows_named(KIOSK_WINDOW), "Alt+F4 closed the kiosk without the PIN"
    assert not x.windows_named(MAIN_WINDOW)
    assert list(client_windows(desk_app).values()) == ["Engagement Desk kiosk"]

    x.type_slowly(KIOSK_PIN)
    x.key("Return")
    desk_app.wait_for_window_gone(KIOSK_WINDOW, "the kiosk (after typing its PIN)")
    desk_app.wait_for_window(MAIN_WINDOW, "the staff window after the PIN")
    x.screenshot("staff-window-back")
