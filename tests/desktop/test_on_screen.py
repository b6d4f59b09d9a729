"""On a real 1366×768 screen with a window manager, every button of every page is on screen.

The app's main window is shown maximised on the test's Xvfb screen, where openbox (a real
window manager) decides its size and draws its title bar. A small program run as its own
process (this file, run as a script: the test process itself draws offscreen) opens the
test's data folder, goes through every page and reports, as JSON, each visible button
whose rectangle (mapped to the screen) is not wholly on the screen. It does this at the
default text size and at 24 points; at 24 points a page's content may scroll, so buttons
inside a page's scrolling content are reached by scrolling and are not counted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.desktop.desk import DeskData
from tests.desktop.xsession import XSession

PROBE_SECONDS = 40
ROOT = Path(__file__).resolve().parents[2]


def probe(data_dir: str, text_size: int) -> dict[str, object]:
    """Runs in the app's own process, on the X screen: what is off screen on each page."""
    import time

    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

    from engagement_desk.app import application
    from engagement_desk.bootstrap import open_desk
    from engagement_desk.paths import AppPaths
    from engagement_desk.ui.layouts import ContentScroll
    from engagement_desk.ui.main_window import PAGES, MainWindow
    from engagement_desk.ui.theme import apply_text_size, load_fonts

    app = application()
    apply_text_size(app, text_size, load_fonts())
    desk = open_desk(AppPaths(Path(data_dir)))
    window = MainWindow(desk)
    window.showMaximized()

    def settle(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    deadline = time.monotonic() + 15
    while not (window.isMaximized() and window.isVisible()) and time.monotonic() < deadline:
        settle(0.05)
    settle(0.5)  # the window manager's last configure, then the layout at that size
    screen = window.screen().geometry()

    def scrolled(widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, ContentScroll) and parent.scrolls():
                return True
            parent = parent.parentWidget()
        return False

    def rect_of(widget: QWidget) -> QRect:
        return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())

    report: dict[str, object] = {
        "maximised": window.isMaximized(),
        "screen": screen.getRect(),
        "window": window.frameGeometry().getRect(),
        "status bar on screen": screen.contains(rect_of(window.statusBar())),
        "pages": {},
    }
    pages: dict[str, list[str]] = {}
    for index, name in enumerate(PAGES):
        window.show_page(index)
        settle(0.2)
        page = window.stack.currentWidget()
        off = []
        for button in page.findChildren(QAbstractButton):
            if not button.isVisible() or scrolled(button):
                continue
            where = rect_of(button)
            if not screen.contains(where):
                label = button.text().replace("&", "") or button.accessibleName()
                off.append(f"{label!r} at {where.getRect()}")
        pages[name] = off
    report["pages"] = pages
    window.close()
    desk.close()
    QApplication.processEvents()
    return report


def run_probe(x: XSession, data: DeskData, text_size: int, log: Path) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-m", "tests.desktop.test_on_screen", str(data.folder), str(text_size)],
        env={**x.env, "QT_QPA_PLATFORM": "xcb"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=PROBE_SECONDS,
        check=False,
    )
    log.write_text(completed.stderr, encoding="utf-8")
    if completed.returncode != 0:
        pytest.fail(f"the probe failed ({completed.returncode}): {completed.stderr[-2000:]}")
    result: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("text_size", [11, 24])
def test_every_button_of_every_page_is_on_a_1366_by_768_screen(
    x_session: XSession, desk_data: DeskData, tmp_path: Path, text_size: int
) -> None:
    report = run_probe(x_session, desk_data, text_size, tmp_path / "probe.log")
    assert report["screen"] == [0, 0, 1366, 768], report
    assert report["maximised"], report
    assert report["status bar on screen"], report
    pages = report["pages"]
    assert isinstance(pages, dict) and len(pages) >= 6, report
    off = {name: buttons for name, buttons in pages.items() if buttons}
    if off:
        shot = x_session.screenshot(f"off-screen-{text_size}pt")
        pytest.fail(f"At {text_size} pt, buttons off the screen: {off}\nScreen: {shot}")


if __name__ == "__main__":
    print(json.dumps(probe(sys.argv[1], int(sys.argv[2]))), flush=True)
