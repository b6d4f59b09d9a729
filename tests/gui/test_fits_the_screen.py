"""Every page and dialog fits a council laptop: 1366×768 (1366×700 left for the window once
the taskbar and title bar are drawn) at the default text size, and 1920×1080 (1920×1010)
at 24-point text; at 24 points on 1366×768 the page's content scrolls and its buttons stay
on screen.

Offscreen, with the app's real fonts (theme.load_fonts) and demo data, so long titles and
full tables are laid out as a user would see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox, QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.ui.event_dialog import EventDialog
from engagement_desk.ui.import_dialog import ImportDialog
from engagement_desk.ui.kiosk import SetPinDialog
from engagement_desk.ui.layouts import ContentScroll
from engagement_desk.ui.main_window import PAGES, MainWindow
from engagement_desk.ui.person_dialog import PersonDialog
from engagement_desk.ui.theme import DEFAULT_POINT_SIZE, apply_text_size, load_fonts
from engagement_desk.ui.walk_in_dialog import WalkInDialog
from tests.gui.conftest import ScriptedPrompter

SMALL = QSize(1366, 700)  # a 1366×768 laptop less taskbar and title bar
LARGE = QSize(1920, 1010)  # a 1920×1080 screen less the same
LARGE_TEXT = 24
SQUASH_TOLERANCE = 2  # px: a tick box a pixel shorter than it asks for still reads
IMPORTS = Path(__file__).resolve().parent.parent / "data" / "imports"
IMPORT_FILE = IMPORTS / "ticket_tailor_tickets.csv"  # one of the widest exports


@pytest.fixture
def text_size(qapp: QApplication) -> Iterator[None]:
    """The real fonts; the default text size put back afterwards for the other tests."""
    family = load_fonts()
    original = qapp.font()
    apply_text_size(qapp, DEFAULT_POINT_SIZE, family)
    yield
    apply_text_size(qapp, DEFAULT_POINT_SIZE, family)
    qapp.setFont(original)


@pytest.fixture
def window(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, text_size: None) -> MainWindow:
    desk.demo.fill(people=40)
    shown = MainWindow(desk, prompter=prompter)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def set_text_size(qtbot: QtBot, points: int) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_text_size(app, points)
    qtbot.wait(50)  # the pages lay out again at the new size


def fits(size: QSize, room: QSize) -> bool:
    return size.width() <= room.width() and size.height() <= room.height()


def show_at(qtbot: QtBot, window: MainWindow, page: int, size: QSize) -> QWidget:
    window.show_page(page)
    window.resize(size)
    qtbot.wait(30)  # laid out at this size (wrapped button rows ask for their lines)
    QApplication.processEvents()
    return window.stack.currentWidget()


def off_window(window: QWidget, page: QWidget) -> list[str]:
    """Buttons (and tick boxes) the user can see on ``page`` that are not wholly inside the
    window or are squashed below their own minimum height."""
    inside = QRect(QPoint(0, 0), window.size())
    problems = []
    for button in page.findChildren(QAbstractButton):
        if not button.isVisibleTo(page) or _scrolled_content(button):
            continue
        where = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        name = button.text().replace("&", "") or button.accessibleName()
        if not inside.contains(where):
            problems.append(f"{name!r} at {where.getRect()} outside {inside.getRect()}")
        elif button.height() < button.minimumSizeHint().height() - SQUASH_TOLERANCE:
            problems.append(f"{name!r} squashed to {button.height()} px high")
    return problems


def _scrolled_content(widget: QWidget) -> bool:
    """Inside a page's scrolling content (reached by scrolling, or by Tab, which scrolls)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, ContentScroll) and parent.scrolls():
            return True
        parent = parent.parentWidget()
    return False


def sideways(widget: QWidget) -> bool:
    return any(
        scroll.horizontalScrollBar().maximum() > 0 for scroll in widget.findChildren(ContentScroll)
    )


def scrolling(page: QWidget) -> list[str]:
    return [
        scroll.parentWidget().accessibleName() or type(scroll.parentWidget()).__name__
        for scroll in page.findChildren(ContentScroll)
        if scroll.isVisibleTo(page) and scroll.scrolls()
    ]


def test_every_page_fits_1366_by_700_at_the_default_text_size(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert fits(window.minimumSizeHint(), SMALL), window.minimumSizeHint()
    for index, name in enumerate(PAGES):
        page = show_at(qtbot, window, index, SMALL)
        assert window.size() == SMALL, f"{name}: the window could not be made 1366×700"
        assert fits(window.minimumSizeHint(), SMALL), f"{name}: {window.minimumSizeHint()}"
        assert not off_window(window, page), f"{name}: {off_window(window, page)}"
        assert not scrolling(page), f"{name}: content scrolls at the default size"


def test_every_page_fits_1920_by_1010_at_24_points_and_scrolls_on_1366_by_700(
    qtbot: QtBot, window: MainWindow
) -> None:
    set_text_size(qtbot, LARGE_TEXT)
    for index, name in enumerate(PAGES):
        page = show_at(qtbot, window, index, LARGE)
        assert fits(window.minimumSizeHint(), LARGE), f"{name}: {window.minimumSizeHint()}"
        assert not off_window(window, page), f"{name} at 1920×1010: {off_window(window, page)}"
        assert not scrolling(page), f"{name}: content scrolls at 1920×1010"
    for index, name in enumerate(PAGES):
        page = show_at(qtbot, window, index, SMALL)
        assert window.size() == SMALL, f"{name} at 24 pt: {window.size()} on a 1366×700 screen"
        assert not off_window(window, page), f"{name} at 1366×700: {off_window(window, page)}"


def test_text_size_scales_counts_ticks_and_rows_and_the_window_shrinks_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = window.check_in_page
    title = next(w for w in page.findChildren(QLabel) if w.text() == "Expected")
    tick = window.voices_page.findChildren(QCheckBox)[0]
    for points in (DEFAULT_POINT_SIZE, LARGE_TEXT):
        set_text_size(qtbot, points)
        count = page.counts["expected"]
        assert count.fontInfo().pixelSize() > title.fontInfo().pixelSize(), points
        detail = page.banner.detail
        assert detail.fontInfo().pixelSize() >= title.fontInfo().pixelSize(), points
        table = page.found_table
        assert table.verticalHeader().defaultSectionSize() > table.fontMetrics().height()
        indicator = tick.style().pixelMetric(tick.style().PixelMetric.PM_IndicatorWidth, None, tick)
        assert indicator >= 0.8 * tick.fontMetrics().ascent(), (points, indicator)
    big = window.minimumSizeHint()
    set_text_size(qtbot, DEFAULT_POINT_SIZE)
    small = window.minimumSizeHint()
    assert small.width() < big.width() and small.height() < big.height()
    window.resize(SMALL)
    qtbot.waitUntil(lambda: window.size() == SMALL)


def dialogs(desk: Desk, parent: QWidget) -> list[QDialog]:
    event = desk.events.list_events()[0]
    title = event.title
    return [
        EventDialog(desk.events, now=desk.clock(), parent=parent),
        EventDialog(desk.events, now=desk.clock(), detail=desk.events.get(event.id), parent=parent),
        PersonDialog(desk.registrations, event_id=event.id, event_title=title, parent=parent),
        WalkInDialog(desk.registrations, event.id, title, parent),
        ImportDialog(
            desk.imports, event.id, title, IMPORT_FILE, desk.imports.preview(IMPORT_FILE), parent
        ),
        SetPinDialog(desk.kiosk, parent),
    ]


@pytest.mark.parametrize(("points", "room"), [(DEFAULT_POINT_SIZE, SMALL), (LARGE_TEXT, LARGE)])
def test_every_dialog_fits(
    qtbot: QtBot, window: MainWindow, desk: Desk, points: int, room: QSize
) -> None:
    set_text_size(qtbot, points)
    for dialog in dialogs(desk, window):
        dialog.show()
        qtbot.waitExposed(dialog)
        name = dialog.windowTitle()
        assert fits(dialog.minimumSizeHint(), room), f"{name}: {dialog.minimumSizeHint()}"
        for size in (dialog.size().boundedTo(room), dialog.minimumSizeHint()):
            dialog.resize(size)
            QApplication.processEvents()
            assert not off_window(dialog, dialog), f"{name} at {size}: {off_window(dialog, dialog)}"
            assert not sideways(dialog), f"{name} scrolls sideways at {size}"
        dialog.done(0)
        dialog.deleteLater()


def test_the_window_remembers_its_size_and_never_opens_larger_than_the_screen(
    qtbot: QtBot, tmp_path: Path, text_size: None
) -> None:
    geometry = str(tmp_path / "window.ini")
    first = MainWindow(geometry_file=geometry)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    screen = first.screen()
    assert screen is not None
    free = screen.availableGeometry()
    chosen = QSize(min(700, free.width() - 40), min(520, free.height() - 40))
    first.resize(chosen)
    qtbot.waitUntil(lambda: first.size() == chosen)
    first.close()
    again = MainWindow(geometry_file=geometry)
    qtbot.addWidget(again)
    assert again.size() == chosen

    again.resize(6000, 5000)  # as if saved on a much larger screen
    again.save_geometry()
    third = MainWindow(geometry_file=geometry)
    qtbot.addWidget(third)
    assert third.width() <= free.width() and third.height() <= free.height()
