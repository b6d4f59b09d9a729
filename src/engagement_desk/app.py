"""The GUI composition root: logging, one instance per database, the desk, the main window."""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QLockFile
from PySide6.QtWidgets import QApplication, QMessageBox

from engagement_desk import APP_NAME, __version__
from engagement_desk.logs import configure_logging
from engagement_desk.paths import AppPaths, DataFolderProblem, resource
from engagement_desk.ui.crash import install_crash_handler
from engagement_desk.ui.main_window import MainWindow
from engagement_desk.ui.sounds import OutcomeSounds
from engagement_desk.ui.theme import apply_text_size, load_fonts

if TYPE_CHECKING:
    from engagement_desk.bootstrap import Desk

# Start-up shows the window first and loads the database layer (SQLAlchemy, the services
# and the pages) after it is on screen: those imports are most of the start-up time.

log = logging.getLogger(__name__)
WINDOW_FILE = "window.ini"  # the main window's size and place, kept between runs


def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("EngagementDesk")
    return app


def instance_lock(paths: AppPaths, database_location: str) -> QLockFile:
    """One running app per database: a lock file named after the database's location."""
    digest = hashlib.sha256(database_location.encode()).hexdigest()[:16]
    lock = QLockFile(str(paths.home / f"instance-{digest}.lock"))
    lock.setStaleLockTime(0)
    return lock


def run_gui(paths: AppPaths, database_url: str | None) -> int:
    app = application()
    try:
        paths.ensure()
    except DataFolderProblem as problem:
        QMessageBox.critical(None, APP_NAME, str(problem))
        return 1
    log_file = configure_logging(paths.logs)
    install_crash_handler(log_file)
    family = load_fonts()
    from engagement_desk.services.preferences import Preferences

    preferences = Preferences.load(paths.settings_file)
    apply_text_size(app, preferences.text_size, family)
    url = paths.database_url(database_url)
    lock = instance_lock(paths, url)
    if not lock.tryLock(100):
        QMessageBox.information(
            None,
            APP_NAME,
            "Engagement Desk is already open on this database on this computer. "
            "Switch to the open window (look in the taskbar) instead of starting it again.",
        )
        return 1
    window = MainWindow(
        text_size=preferences.text_size,
        log_file=str(log_file),
        sound=OutcomeSounds(app),
        preferences=preferences,
        geometry_file=str(paths.home / WINDOW_FILE),
    )
    show_now(app, window)  # the window is on screen while the database layer loads

    from engagement_desk.db.database import DatabaseProblem
    from engagement_desk.ui.backups_panel import AutomaticBackups

    def ask(question: str) -> bool:
        answer = QMessageBox.question(window, APP_NAME, question)
        return answer == QMessageBox.StandardButton.Yes

    try:
        opened = open_desk_asking(paths, database_url, ask)
    except DatabaseProblem as problem:
        QMessageBox.critical(window, APP_NAME, str(problem))
        return 1
    if opened is None:
        return 1
    desk = opened
    log.info("opened %s on %s as %s", APP_NAME, desk.db.location, desk.device.name)
    window.attach(desk)
    automatic_backups = AutomaticBackups(desk.backups, parent=window)
    automatic_backups.at_start()

    def text_size_changed(size: int) -> None:
        preferences.text_size = size
        preferences.save(paths.settings_file)
        apply_text_size(app, size, family)

    window.settings_page.text_size_changed.connect(text_size_changed)
    window.preferences_changed.connect(lambda: preferences.save(paths.settings_file))
    try:
        return app.exec()
    finally:
        automatic_backups.at_close()
        desk.close()
        lock.unlock()


def open_desk_asking(
    paths: AppPaths, database_url: str | None, ask: Callable[[str], bool]
) -> Desk | None:
    """Open the desk; if nothing remembers this laptop's identity (its file and the spare
    copy are damaged and its database never recorded it), ask before it becomes a new
    laptop. None when the answer is no: the damaged identity is left for someone to look at."""
    from engagement_desk.bootstrap import open_desk
    from engagement_desk.services.devices import IdentityLost

    try:
        return open_desk(paths, database_url)
    except IdentityLost as lost:
        if not ask(f"{lost}\n\nStart as a new laptop now?"):
            return None
        return open_desk(paths, database_url, new_identity=True)


def show_now(app: QApplication, window: MainWindow) -> None:
    """Show and paint the window before slow work, instead of at the next event loop turn."""
    window.show()
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            break
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    window.repaint()
    app.processEvents()


def self_test(desk: Desk) -> list[str]:
    """Check resources, the database, a QR round trip and the main window. Returns failures."""
    failures: list[str] = []
    try:
        for name in ("AtkinsonHyperlegible-Regular.ttf", "AtkinsonHyperlegible-Bold.ttf"):
            if not resource("fonts", name).is_file():
                failures.append(f"resources: font {name} is missing")
    except FileNotFoundError as exc:
        failures.append(f"resources: {exc}")
    try:
        desk.events.list_events()
        if len(desk.programmes.current().priorities) != 5:
            failures.append("database: the programme does not have its five priorities")
    except Exception as exc:
        failures.append(f"database: {exc}")
    from engagement_desk.core.qr import decode_qr, make_qr_image

    payload = "ED1-SELFTEST-QR-ROUND-TRIP"
    if decode_qr(make_qr_image(payload)) != [payload]:
        failures.append("QR: a generated code could not be read back")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    try:
        window = MainWindow()
        window.show()
        app.processEvents()
        window.attach(desk)
        app.processEvents()
        if window.events_page.model.rowCount() < 0 or not window.isVisible():
            failures.append("main window: it did not show")
        window.close()
        window.deleteLater()
        app.processEvents()
    except Exception as exc:
        failures.append(f"main window: {exc}")
    return failures
