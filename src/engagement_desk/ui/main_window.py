"""The application shell: navigation to the pages, and a status bar saying where data lives.

The shell imports only Qt, so it can be on screen while the database layer loads; the
pages (which need the services) are built by ``attach`` once the desk is open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from engagement_desk import APP_NAME
from engagement_desk.ui.pages import ComingPage
from engagement_desk.ui.prompts import DialogPrompter, Prompter

if TYPE_CHECKING:
    from engagement_desk.bootstrap import Desk
    from engagement_desk.core.checkin import Outcome
    from engagement_desk.core.scanning import ScannerSettings
    from engagement_desk.services.preferences import Preferences

PAGES = ("Events", "People", "Check-in", "Voices", "Reports", "Settings")


class MainWindow(QMainWindow):
    ready = Signal()
    preferences_changed = Signal()  # the scanner or check-in settings changed: save them

    def __init__(
        self,
        desk: Desk | None = None,
        *,
        prompter: Prompter | None = None,
        text_size: int = 11,
        log_file: str = "",
        sound: Callable[[Outcome], None] | None = None,
        preferences: Preferences | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(APP_NAME)
        self._prompter = prompter or DialogPrompter()
        self._text_size = text_size
        self._log_file = log_file
        self._sound = sound
        self._preferences = preferences

        self.navigation = QListWidget()
        self.navigation.setAccessibleName("Pages")
        self.navigation.setFixedWidth(170)
        self.stack = QStackedWidget()
        for number, name in enumerate(PAGES, start=1):
            item = QListWidgetItem(name)
            item.setToolTip(f"{name} (Ctrl+{number})")
            self.navigation.addItem(item)
            self.stack.addWidget(ComingPage(name, "Opening the database…"))
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, n=number - 1: self.show_page(n))
            self.addAction(action)
        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.navigation.setCurrentRow(0)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.database_label = QLabel("Opening the database…")
        self.device_label = QLabel()
        self.statusBar().addWidget(self.database_label, 1)
        self.statusBar().addPermanentWidget(self.device_label)

        quit_action = QAction("Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)
        self.resize(1200, 760)
        if desk is not None:
            self.attach(desk)

    def attach(self, desk: Desk) -> None:
        """Build the pages on an open desk (imports the service layer on first use)."""
        from engagement_desk.services.preferences import Preferences
        from engagement_desk.ui.checkin_page import CheckInPage
        from engagement_desk.ui.events_page import EventsPage
        from engagement_desk.ui.kiosk import SetPinDialog, open_kiosk
        from engagement_desk.ui.people_page import PeoplePage
        from engagement_desk.ui.reports_page import ReportsPage
        from engagement_desk.ui.settings_page import SettingsPage
        from engagement_desk.ui.voices_page import VoicesPage

        self.desk = desk
        prompter = self._prompter
        if self._preferences is None:
            self._preferences = Preferences(text_size=self._text_size)
        preferences = self._preferences
        self.setWindowTitle(f"{APP_NAME} — {desk.programmes.current().name}")
        self.events_page = EventsPage(desk.events, desk.schedule, prompter, desk.clock)
        self.people_page = PeoplePage(
            desk.events, desk.registrations, desk.tickets, desk.imports, prompter
        )
        self.check_in_page = CheckInPage(
            desk.events,
            desk.check_in,
            desk.registrations,
            prompter,
            desk.clock,
            self._sound,
            scanner_settings=preferences.scanner,
            ready_after=preferences.ready_after_seconds,
        )
        self.voices_page = VoicesPage(
            desk.events,
            desk.voices,
            desk.webinars,
            desk.registrations,
            desk.summaries,
            prompter,
            kiosk=lambda event_id: open_kiosk(desk, event_id, self.check_in_page.scanner.settings),
        )
        self.reports_page = ReportsPage(
            desk.events, desk.summaries, desk.actions, desk.programmes, prompter
        )
        self.settings_page = SettingsPage(
            text_size=self._text_size,
            database_location=desk.db.location,
            data_folder=str(desk.paths.home),
            log_file=self._log_file,
            device_name=desk.device.name,
            set_kiosk_pin=lambda: SetPinDialog(desk.kiosk, self),
            scanner=preferences.scanner,
            ready_after=preferences.ready_after_seconds,
        )
        self.settings_page.scanner_changed.connect(self._scanner_changed)
        self.settings_page.ready_after_changed.connect(self._ready_after_changed)
        pages: dict[str, QWidget] = {
            "Events": self.events_page,
            "People": self.people_page,
            "Check-in": self.check_in_page,
            "Voices": self.voices_page,
            "Reports": self.reports_page,
            "Settings": self.settings_page,
        }
        current = self.stack.currentIndex()
        for index, name in enumerate(PAGES):
            placeholder = self.stack.widget(index)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.stack.insertWidget(index, pages[name])
        self.stack.setCurrentIndex(current)

        self.database_label.setText(f"Database: {desk.db.location}")
        self.database_label.setAccessibleName(f"Database location {desk.db.location}")
        self.device_label.setText(f"This laptop: {desk.device.name}")
        self.device_label.setAccessibleName(f"This laptop is {desk.device.name}")
        for page in (self.events_page, self.people_page, self.voices_page, self.reports_page):
            page.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.events_page.events_changed.connect(self.people_page.reload_events)
        self.events_page.events_changed.connect(self.check_in_page.reload_events)
        self.events_page.events_changed.connect(self.voices_page.reload_events)
        self.events_page.events_changed.connect(self.reports_page.reload_events)
        self.people_page.people_changed.connect(self.events_page.refresh)
        self.people_page.people_changed.connect(self.check_in_page.refresh)
        self.check_in_page.checked_in.connect(self.events_page.refresh)
        self.check_in_page.checked_in.connect(self.people_page.refresh)
        self.setProperty("ready", True)
        self.ready.emit()

    def _scanner_changed(self, settings: ScannerSettings) -> None:
        self.check_in_page.set_scanner_settings(settings)
        if self._preferences is not None:
            self._preferences.scanner_prefix = settings.prefix
            self._preferences.scanner_suffix = settings.suffix
        self.preferences_changed.emit()

    def _ready_after_changed(self, seconds: int) -> None:
        self.check_in_page.set_ready_after(seconds)
        if self._preferences is not None:
            self._preferences.ready_after_seconds = seconds
        self.preferences_changed.emit()

    def show_page(self, index: int) -> None:
        self.navigation.setCurrentRow(index)
        self.stack.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def page_named(self, name: str) -> QWidget:
        return self.stack.widget(PAGES.index(name))
