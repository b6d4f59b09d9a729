"""The application shell: navigation, status bar, text size, crash handling, one instance."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from engagement_desk.app import instance_lock, self_test
from engagement_desk.bootstrap import Desk
from engagement_desk.logs import configure_logging
from engagement_desk.paths import AppPaths
from engagement_desk.services.preferences import Preferences
from engagement_desk.ui.crash import install_crash_handler
from engagement_desk.ui.main_window import PAGES, MainWindow
from engagement_desk.ui.theme import apply_text_size
from tests.gui.conftest import ScriptedPrompter


def make_window(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter) -> MainWindow:
    window = MainWindow(desk, prompter=prompter)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def test_status_bar_says_where_the_data_is_and_which_laptop(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter
) -> None:
    window = make_window(qtbot, desk, prompter)
    assert str(desk.paths.default_database_file) in window.database_label.text()
    assert window.device_label.text() == f"This laptop: {desk.device.name}"
    assert "Bury SEND Transformation Programme" in window.windowTitle()


def test_every_page_is_reachable_from_the_keyboard(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter
) -> None:
    window = make_window(qtbot, desk, prompter)
    for number, name in enumerate(PAGES, start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentWidget() is window.page_named(name)
        assert window.stack.currentWidget().accessibleName() == name
    window.navigation.setFocus()
    qtbot.keyClick(window.navigation, Qt.Key.Key_Home)
    assert window.stack.currentWidget() is window.events_page


def test_the_shell_shows_before_the_desk_opens(qtbot: QtBot, desk: Desk) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.database_label.text() == "Opening the database…"
    assert window.property("ready") is None
    with qtbot.waitSignal(window.ready):
        window.attach(desk)
    assert window.property("ready") is True
    assert window.page_named("Events") is window.events_page
    assert window.stack.currentWidget() is window.events_page


def test_text_size_scales_the_whole_app(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.font()
    try:
        window = make_window(qtbot, desk, prompter)
        apply_text_size(app, 18)
        qtbot.waitUntil(lambda: window.events_page.table.font().pointSize() == 18)
        apply_text_size(app, 99)
        assert app.font().pointSize() == 32
    finally:
        app.setFont(original)


def test_preferences_round_trip_and_survive_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    Preferences(text_size=16).save(path)
    assert Preferences.load(path).text_size == 16
    path.write_text("{not json", encoding="utf-8")
    assert Preferences.load(path).text_size == 11


def test_a_second_instance_on_the_same_database_is_refused(paths: AppPaths) -> None:
    first = instance_lock(paths, "sqlite:///one.sqlite3")
    assert first.tryLock(100)
    try:
        assert not instance_lock(paths, "sqlite:///one.sqlite3").tryLock(100)
        other = instance_lock(paths, "sqlite:///two.sqlite3")
        assert other.tryLock(100)
        other.unlock()
    finally:
        first.unlock()
    assert instance_lock(paths, "sqlite:///one.sqlite3").tryLock(100)


def test_a_real_bug_is_logged_with_its_traceback(paths: AppPaths) -> None:
    log_file = configure_logging(paths.logs)
    previous = sys.excepthook
    try:
        install_crash_handler(log_file, show_dialog=False)
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
        for handler in logging.getLogger().handlers[:]:
            if getattr(handler, "baseFilename", None) == str(log_file):
                logging.getLogger().removeHandler(handler)
                handler.close()
    text = log_file.read_text(encoding="utf-8")
    assert "unhandled error" in text
    assert "RuntimeError: boom in a slot" in text


def test_self_test_passes_on_a_fresh_database(qtbot: QtBot, desk: Desk) -> None:
    assert self_test(desk) == []


def test_settings_holds_the_backups_and_backing_up_from_there_works(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    window = make_window(qtbot, desk, prompter)
    panel = window.backups_panel
    assert window.settings_page.isAncestorOf(panel)
    stick = tmp_path / "usb-stick"
    stick.mkdir()
    before = panel.model.rowCount()
    prompter.save_to = stick / "engagement-desk-backup.sqlite3"
    prompter.open_from = stick
    with qtbot.waitSignal(panel.backed_up, timeout=30_000):
        qtbot.mouseClick(panel.back_up_button, Qt.MouseButton.LeftButton)
    assert list(stick.iterdir()), "nothing was written to the chosen folder"
    assert panel.model.rowCount() >= before


def test_settings_says_how_email_is_sent_and_opens_its_settings(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter
) -> None:
    window = make_window(qtbot, desk, prompter)
    section = window.email_settings
    assert window.settings_page.isAncestorOf(section)
    assert section.state.text().startswith("Not set up yet")
    dialog = section.open_settings()
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.windowTitle() == "Email settings"
    dialog.reject()
