"""The application shell: navigation to the pages, and a status bar saying where data lives.

The shell imports only Qt, so it can be on screen while the database layer loads; the
pages (which need the services) are built by ``attach`` once the desk is open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from engagement_desk import APP_NAME
from engagement_desk.ui.current_event import CurrentEvent
from engagement_desk.ui.focus import FocusIndicator
from engagement_desk.ui.layouts import fit_on_screen
from engagement_desk.ui.pages import ComingPage
from engagement_desk.ui.prompts import DialogPrompter, Prompter
from engagement_desk.ui.theme import apply_contrast

if TYPE_CHECKING:
    from engagement_desk.bootstrap import Desk
    from engagement_desk.core.checkin import Outcome
    from engagement_desk.core.scanning import ScannerSettings
    from engagement_desk.services.demo import DemoResult
    from engagement_desk.services.preferences import Preferences

PAGES = ("Events", "People", "Check-in", "Voices", "Reports", "Settings", "Laptops")


def first_in_tab_order(page: QWidget) -> QWidget:
    """The first control on ``page`` that Tab would reach (the page itself if none)."""
    widget = page.nextInFocusChain()
    while widget is not None and widget is not page:
        if (
            page.isAncestorOf(widget)
            and widget.isVisibleTo(page)
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            return widget
        widget = widget.nextInFocusChain()
    return page


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
        geometry_file: str = "",
    ) -> None:
        """``geometry_file``: where the window keeps its size and place between runs."""
        super().__init__()
        self.setObjectName("mainWindow")
        self._geometry_file = geometry_file
        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(APP_NAME)
        self._prompter = prompter or DialogPrompter()
        self._text_size = text_size
        self._log_file = log_file
        self._sound = sound
        self._preferences = preferences
        # The event every page works on: chosen on any page, remembered in the preferences.
        self.current_event = CurrentEvent(parent=self)
        self.current_event.changed.connect(self._current_event_changed)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.focus_indicator = FocusIndicator(app, self)
            if preferences is not None and preferences.high_contrast:
                apply_contrast(app, True)

        self.navigation = QListWidget()
        self.navigation.setAccessibleName("Pages")
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
        self.navigation.itemActivated.connect(lambda _item: self.focus_main_control())
        self.navigation.setCurrentRow(0)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.database_label = QLabel("Opening the database…")
        # A long path must not make the window wider than the screen: it is cut short here
        # and said whole in the tooltip and to screen readers.
        self.database_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.device_label = QLabel()
        self.statusBar().addWidget(self.database_label, 1)
        self.statusBar().addPermanentWidget(self.device_label)

        quit_action = QAction("Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)
        self._fit_navigation()
        self.resize(1200, 760)
        self._restore_geometry()
        if desk is not None:
            self.attach(desk)

    def attach(self, desk: Desk) -> None:
        """Build the pages on an open desk (imports the service layer on first use)."""
        from engagement_desk.services.preferences import Preferences
        from engagement_desk.services.signin import SignInService
        from engagement_desk.ui.backups_panel import BackupsPanel
        from engagement_desk.ui.checkin_page import CheckInPage
        from engagement_desk.ui.email_dialogs import EmailSection
        from engagement_desk.ui.events_page import EventsPage
        from engagement_desk.ui.kiosk import SetPinDialog, open_kiosk
        from engagement_desk.ui.laptops_page import LaptopsPage
        from engagement_desk.ui.people_page import PeoplePage
        from engagement_desk.ui.priorities_dialog import PrioritiesDialog
        from engagement_desk.ui.reports_page import ReportsPage
        from engagement_desk.ui.settings_page import SettingsPage
        from engagement_desk.ui.voices_page import VoicesPage
        from engagement_desk.ui.welcome import WelcomePanel

        self.desk = desk
        prompter = self._prompter
        if self._preferences is None:
            self._preferences = Preferences(text_size=self._text_size)
        preferences = self._preferences
        self.setWindowTitle(f"{APP_NAME} — {desk.programmes.current().name}")
        self.events_page = EventsPage(desk.events, desk.schedule, prompter, desk.clock)
        self.people_page = PeoplePage(
            desk.events, desk.registrations, desk.tickets, desk.imports, prompter, desk.privacy
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
            sign_in=SignInService(desk.db, desk.events, desk.clock),
        )
        self.voices_page = VoicesPage(
            desk.events,
            desk.voices,
            desk.webinars,
            desk.registrations,
            desk.summaries,
            prompter,
            kiosk=lambda event_id: open_kiosk(desk, event_id, self.check_in_page.scanner.settings),
            edit_priorities=lambda: PrioritiesDialog(desk.programmes, self),
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
            high_contrast=preferences.high_contrast,
        )
        self.settings_page.high_contrast_changed.connect(self._high_contrast_changed)
        self.backups_panel = BackupsPanel(desk.backups, prompter, desk.clock)
        self.backups_panel.restored.connect(self.data_replaced)
        self.backups_panel.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.settings_page.add_section("Backups", self.backups_panel)
        self.email_settings = EmailSection(desk.mail, self)
        self.settings_page.add_section("Email", self.email_settings)
        self.laptops_page = LaptopsPage(
            desk.events, desk.packs, prompter, desk.clock, desk.device.name
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
            "Laptops": self.laptops_page,
        }
        current = self.stack.currentIndex()
        for index, name in enumerate(PAGES):
            placeholder = self.stack.widget(index)
            assert placeholder is not None  # one placeholder per page was put in at start
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.stack.insertWidget(index, pages[name])
        self.stack.setCurrentIndex(current)

        self.database_label.setText(f"Database: {desk.db.location}")
        self.database_label.setToolTip(desk.db.location)
        self.database_label.setAccessibleName(f"Database location {desk.db.location}")
        self.device_label.setText(f"This laptop: {desk.device.name}")
        self.device_label.setAccessibleName(f"This laptop is {desk.device.name}")
        for page in (
            self.events_page,
            self.people_page,
            self.voices_page,
            self.reports_page,
            self.laptops_page,
        ):
            page.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.events_page.events_changed.connect(self.people_page.reload_events)
        self.events_page.events_changed.connect(self.check_in_page.reload_events)
        self.events_page.events_changed.connect(self.voices_page.reload_events)
        self.events_page.events_changed.connect(self.reports_page.reload_events)
        self.events_page.events_changed.connect(self.laptops_page.reload_events)
        self.laptops_page.data_changed.connect(self.data_replaced)
        self.people_page.people_changed.connect(self.events_page.refresh)
        # Email: tickets from the People page; the status bar says how many messages wait.
        from engagement_desk.ui.email_dialogs import OutboxIndicator, open_email_tickets

        self.outbox_label = OutboxIndicator(desk.mail, desk.outbox, self)
        self.statusBar().addPermanentWidget(self.outbox_label)

        def email_tickets(event_id: str) -> None:
            dialog = open_email_tickets(self, desk.mail, event_id)
            dialog.sent.connect(lambda text: self.statusBar().showMessage(text, 8000))
            dialog.sent.connect(lambda _text: self.outbox_label.refresh())

        self.people_page.email_tickets_requested.connect(email_tickets)
        self.people_page.people_changed.connect(self.check_in_page.refresh)
        self.check_in_page.checked_in.connect(self.events_page.refresh)
        self.check_in_page.checked_in.connect(self.people_page.refresh)

        self.welcome = WelcomePanel(
            desk.demo, lambda text: prompter.warn(self, "Demo data", text), self.events_page
        )
        self.welcome.demo_filled.connect(self._demo_filled)
        self.welcome.set_up.connect(self._set_up)
        self.events_page.set_welcome(self.welcome)
        self._follow_current_event(preferences.current_event)
        self.focus_main_control()
        self.setProperty("ready", True)
        self.ready.emit()

    # ---- one current event ----------------------------------------------------------

    def _follow_current_event(self, remembered: str) -> None:
        """Start on the event worked on last time (if it is still there), else today's or
        the next one, else the latest past one; then every page follows the choice."""
        from engagement_desk.services.events import When

        ids = {row.id for row in self.desk.events.list_events(When.ALL)}
        chosen: str | None = remembered if remembered in ids else None
        if chosen is None:
            chosen = self.check_in_page.event_id()  # today's first, then the soonest
        if chosen is None:
            past = self.desk.events.list_events(When.PAST, include_cancelled=False)
            chosen = past[0].id if past else None
        self.current_event.choose(chosen)
        for page in (
            self.events_page,
            self.people_page,
            self.check_in_page,
            self.voices_page,
            self.reports_page,
        ):
            page.follow(self.current_event)

    def _current_event_changed(self, event_id: object) -> None:
        if self._preferences is None:
            return
        self._preferences.current_event = event_id if isinstance(event_id, str) else ""
        self.preferences_changed.emit()

    # ---- first start ------------------------------------------------------------------

    def _demo_filled(self, result: DemoResult) -> None:
        self.data_replaced()
        if self.current_event.event_id is None:
            self._follow_current_event("")
        self.show_page(PAGES.index("Events"))
        self.events_page.feedback.show_done(
            f"Demo data added: {result.events} events, {result.people} made-up people and "
            f"{result.check_ins} check-ins. Look around every page; nothing here is real."
        )

    def _set_up(self) -> None:
        self.show_page(PAGES.index("Events"))
        self.events_page.new_event()

    # ---- look and feel ----------------------------------------------------------------

    def _high_contrast_changed(self, on: bool) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_contrast(app, on)
        if self._preferences is not None:
            self._preferences.high_contrast = on
        self.preferences_changed.emit()

    def main_control(self) -> QWidget | None:
        """What a page's keyboard user starts with: the list, the search, the code field."""
        page = self.stack.currentWidget()
        if page is None or not hasattr(self, "desk"):
            return page
        welcome = self.welcome if self.welcome.isVisibleTo(self.events_page) else None
        controls: dict[QWidget, QWidget | None] = {
            self.events_page: welcome.demo_button if welcome else self.events_page.table,
            self.people_page: self.people_page.search,
            self.check_in_page: self.check_in_page.code_field,
            self.settings_page: self.settings_page.text_size,
        }
        # Otherwise a page's event choice (Voices, Reports and others), else its first control.
        control = controls.get(page, getattr(page, "event_choice", None))
        if control is not None and control.isEnabled():
            return control
        return first_in_tab_order(page)

    def focus_main_control(self) -> None:
        control = self.main_control()
        if control is not None:
            control.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def data_replaced(self) -> None:
        """The database changed under the pages (an event pack, merged bundles, a restore):
        every page shows the new data at once, no restart."""
        self.events_page.refresh()
        self.events_page.events_changed.emit()
        self.people_page.refresh()
        self.check_in_page.refresh()

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

    # ---- fitting the screen -------------------------------------------------------------

    def _fit_navigation(self) -> None:
        """The page list as wide as its longest name at the current text size."""
        metrics = self.navigation.fontMetrics()
        widest = max(metrics.horizontalAdvance(name) for name in PAGES)
        self.navigation.setFixedWidth(widest + 2 * metrics.averageCharWidth() + 16)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fit_navigation()
            # Once the pages have laid out at the new size: still on the screen?
            QTimer.singleShot(0, self.keep_on_screen)
        super().changeEvent(event)

    def keep_on_screen(self) -> None:
        """Never larger than the screen's free area (a larger text size can ask for more)."""
        if self.isMaximized() or self.isFullScreen():
            return
        screen = self.screen()
        if screen is None:
            return
        free = screen.availableGeometry()
        if self.frameGeometry().width() > free.width() or (
            self.frameGeometry().height() > free.height()
        ):
            fit_on_screen(self, self.size())

    def _settings(self) -> QSettings | None:
        if not self._geometry_file:
            return None
        return QSettings(self._geometry_file, QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        """Where the window was last time, but never larger than this screen."""
        settings = self._settings()
        saved = settings.value("window/geometry") if settings is not None else None
        if saved is None or not self.restoreGeometry(saved):
            fit_on_screen(self, QSize(1200, 760), move=False)
        elif not self.isMaximized():
            fit_on_screen(self, self.size())

    def save_geometry(self) -> None:
        settings = self._settings()
        if settings is None:
            return
        settings.setValue("window/geometry", self.saveGeometry())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        super().closeEvent(event)

    def show_page(self, index: int) -> None:
        self.navigation.setCurrentRow(index)
        self.focus_main_control()

    def page_named(self, name: str) -> QWidget:
        page = self.stack.widget(PAGES.index(name))
        assert page is not None  # the stack holds one widget for every name in PAGES
        return page
