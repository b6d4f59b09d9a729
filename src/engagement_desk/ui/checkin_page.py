"""The check-in desk: the screen a facilitator lives in at the venue door.

Scans from a USB scanner are caught wherever the focus is (see ``ui/scanner.py``), Ctrl+Z
undoes the last check-in wherever the focus is on this page, the banner goes back to
"Ready" a few seconds after each result, and door mode (F11) shows results full screen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.checkin import Outcome
from engagement_desk.core.clock import to_local
from engagement_desk.core.scanning import ScannerSettings
from engagement_desk.services.checkin import CheckInResult, CheckInService
from engagement_desk.services.errors import UserError
from engagement_desk.services.events import EventService, When
from engagement_desk.services.files import save_file
from engagement_desk.services.registrations import RegistrationService
from engagement_desk.services.signin import SignInService
from engagement_desk.ui.arrivals_chart import ArrivalsChart
from engagement_desk.ui.camera import CameraScanner
from engagement_desk.ui.checkin_banner import DEFAULT_READY_SECONDS, CheckInBanner, Notice
from engagement_desk.ui.checkin_models import RecentCheckInsModel
from engagement_desk.ui.current_event import CurrentEvent
from engagement_desk.ui.door_mode import DoorModeView
from engagement_desk.ui.feedback import FeedbackBar
from engagement_desk.ui.forms import explain
from engagement_desk.ui.layouts import ContentScroll, FlowLayout, SideBySide, compact_combo
from engagement_desk.ui.people_model import PeopleTableModel
from engagement_desk.ui.progress import ProgressPanel
from engagement_desk.ui.prompts import Prompter, file_name
from engagement_desk.ui.scanner import ScannerCapture
from engagement_desk.ui.tables import make_table
from engagement_desk.ui.theme import ScaledText
from engagement_desk.ui.walk_in_dialog import WalkInDialog
from engagement_desk.ui.workers import Task, start

SEARCH_DELAY_MS = 120
SEARCH_LIMIT = 20


class CheckInPage(QWidget):
    """Scanner, typed codes, name search and walk-ins; outcome banner, counts, recent arrivals."""

    result_shown = Signal(object)
    checked_in = Signal()

    def __init__(
        self,
        events: EventService,
        check_in: CheckInService,
        registrations: RegistrationService,
        prompter: Prompter,
        clock: Callable[[], datetime],
        sound: Callable[[Outcome], None] | None = None,
        parent: QWidget | None = None,
        *,
        scanner_settings: ScannerSettings | None = None,
        ready_after: float = DEFAULT_READY_SECONDS,
        scanner_clock: Callable[[], float] | None = None,
        sign_in: SignInService | None = None,
    ) -> None:
        super().__init__(parent)
        self._sign_in = sign_in
        self._current: CurrentEvent | None = None
        self._task: Task | None = None
        self._events = events
        self._check_in = check_in
        self._registrations = registrations
        self._prompter = prompter
        self._clock = clock
        self._sound = sound if sound is not None else (lambda _outcome: None)
        self._last_check_in: tuple[str, str] | None = None  # check-in id, who
        self._count_texts: dict[str, str] = {}
        self.door: DoorModeView | None = None
        self.door_full_screen = True
        self.setAccessibleName("Check-in")

        self.scanner = ScannerCapture(self, settings=scanner_settings, clock=scanner_clock)
        self.scanner.scanned.connect(lambda code: self.scan(code, "scanner"))

        self.event_choice = compact_combo(QComboBox(), 26)
        self.event_choice.setAccessibleName("Event at this door")
        self.event_choice.currentIndexChanged.connect(self._event_changed)
        event_label = QLabel("&Event:")
        event_label.setBuddy(self.event_choice)

        self.banner = CheckInBanner(ready_after=ready_after)
        self.counts: dict[str, QLabel] = {}
        counts_box = QGroupBox("Now")
        counts_layout = FlowLayout(counts_box)  # as many to a line as fit beside the banner
        for key, title in (
            ("expected", "Expected"),
            ("checked_in", "Checked in"),
            ("walk_ins", "Walk-ins"),
            ("still_to_arrive", "Still to arrive"),
            ("room_left", "Room left"),
        ):
            value = QLabel("–")
            ScaledText(value, 1.5, bold=True)  # larger than its title at every text size
            value.setAccessibleName(title)
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 2 * cell.fontMetrics().averageCharWidth(), 0)
            cell_layout.addWidget(QLabel(title))
            cell_layout.addWidget(value)
            counts_layout.addWidget(cell)
            self.counts[key] = value

        self.code_field = QLineEdit()
        self.code_field.setAccessibleName("Type or paste a ticket code or reference")
        self.code_field.setPlaceholderText("Type a ticket reference, e.g. ABCD-EFGH-JKLM-NPQR")
        self.code_field.returnPressed.connect(self._typed_code)
        code_label = QLabel("Ticket &code:")
        code_label.setBuddy(self.code_field)

        self.search = QLineEdit()
        self.search.setAccessibleName("Search for a person by name or email")
        self.search.setPlaceholderText("Forgotten their ticket? Type a few letters of their name")
        self.search.setClearButtonEnabled(True)
        search_label = QLabel("&Name search:")
        search_label.setBuddy(self.search)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.check_in_found)
        self.found = PeopleTableModel(self)
        self.found_table = make_table("People found", self.found, main_column=0)
        self.found_table.activated.connect(lambda _index: self.check_in_found())
        self.check_in_button = QPushButton("Check &in the person found")
        self.check_in_button.setAccessibleName("Check in the selected person")
        self.check_in_button.clicked.connect(self.check_in_found)
        self.walk_in_button = QPushButton("&Walk-in…")
        self.walk_in_button.setAccessibleName("Register and check in a walk-in")
        self.walk_in_button.clicked.connect(self.walk_in)

        self.recent = RecentCheckInsModel(self)
        self.recent_table = make_table("Last check-ins", self.recent, main_column=1)
        self.undo_last_button = QPushButton("&Undo last check-in")
        self.undo_last_button.setAccessibleName("Undo the last check-in made on this laptop")
        self.undo_last_button.clicked.connect(self.undo_last)
        self.undo_selected_button = QPushButton("Undo &selected")
        self.undo_selected_button.setAccessibleName("Undo the selected check-in")
        self.undo_selected_button.clicked.connect(self.undo_selected)
        self.undo_last_button.setToolTip("Ctrl+Z, wherever you are on this page")
        self.door_button = QPushButton("&Door mode (F11)")
        self.door_button.setObjectName("doorModeButton")
        self.door_button.setAccessibleName("Door mode: show results full screen for the queue")
        self.door_button.setToolTip("F11. Esc or F11 again leaves door mode.")
        self.door_button.clicked.connect(self.open_door_mode)
        QShortcut(QKeySequence(Qt.Key.Key_F11), self, self.open_door_mode)
        self.sign_in_button = QPushButton("Paper si&gn-in sheet…")
        self.sign_in_button.setAccessibleName(
            "Save a paper sign-in sheet for this event: the people expected, to tick off "
            "if a laptop fails"
        )
        self.sign_in_button.clicked.connect(self.make_sign_in_sheet)
        self.sign_in_button.setVisible(sign_in is not None)
        self.progress = ProgressPanel(self)
        self.feedback = FeedbackBar()
        self.chart = ArrivalsChart()

        self.camera = CameraScanner()
        self.camera.code_read.connect(lambda code: self.scan(code, "webcam"))
        camera_box = QWidget()  # its own row says "Camera:", so no box title to make room for
        camera_layout = QVBoxLayout(camera_box)
        camera_layout.setContentsMargins(0, 0, 0, 0)
        camera_layout.addWidget(self.camera)

        left_panel = QWidget()
        left = QVBoxLayout(left_panel)
        left.setContentsMargins(0, 0, 0, 0)
        code_row = QHBoxLayout()
        code_row.addWidget(code_label)
        code_row.addWidget(self.code_field, 1)
        left.addLayout(code_row)
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        left.addLayout(search_row)
        left.addWidget(self.found_table, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_in_button)
        buttons.addWidget(self.walk_in_button)
        left.addLayout(buttons)
        camera_box.setMaximumHeight(320)
        left.addWidget(camera_box, 1)

        right_panel = QWidget()
        right = QVBoxLayout(right_panel)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(QLabel("Last check-ins"))
        right.addWidget(self.recent_table, 1)
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_last_button)
        undo_row.addWidget(self.undo_selected_button)
        right.addLayout(undo_row)
        right.addWidget(self.chart, 2)  # room for its axis to be read

        top = FlowLayout()  # the buttons go onto a second line when the text is large
        top.addWidget(QLabel("<h2>Check-in</h2>"))
        top.addStretch(1)
        top.addWidget(event_label)
        top.addWidget(self.event_choice)
        top.addWidget(self.door_button)
        top.addWidget(self.sign_in_button)
        # Side by side when they fit, else one above the other; with large text on a small
        # screen the content scrolls (the page's title row and the event stay put).
        self.columns = SideBySide([(left_panel, 3), (right_panel, 2)])
        content = QVBoxLayout()
        content.addWidget(SideBySide([(self.banner, 3), (counts_box, 2)]))
        content.addWidget(self.columns, 1)
        self.content = ContentScroll(content)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.feedback)
        layout.addWidget(self.content, 1)
        self.reload_events()

    # ---- the scanner and Ctrl+Z are live only while this page shows ----------

    def showEvent(self, event: QShowEvent) -> None:
        self.scanner.start()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
            app.installEventFilter(self)  # after the scanner, so it sees Ctrl+Z first
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.scanner.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self.door is not None and not event.spontaneous():
            self.door.close()
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Z undoes the last check-in whatever has focus on this page. A line edit
        claims Undo for its own typing (it accepts the shortcut override), so the key is
        taken here before it gets there."""
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if not isinstance(event, QKeyEvent) or not event.matches(QKeySequence.StandardKey.Undo):
            return False
        if not isinstance(watched, QWidget) or not self._is_on_this_page(watched):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # no shortcut elsewhere takes it: the key press comes here
        else:
            self.undo_last()
        return True

    def _is_on_this_page(self, widget: QWidget) -> bool:
        window = widget.window()
        return window is self.window() or (self.door is not None and window is self.door)

    # ---- events ------------------------------------------------------------

    def reload_events(self) -> None:
        """Today's events first, then upcoming; the desk opens on the soonest."""
        chosen = self.event_id()
        self.event_choice.blockSignals(True)
        self.event_choice.clear()
        today = to_local(self._clock()).date()
        rows = self._events.list_events(When.UPCOMING, include_cancelled=False)
        past_today = [
            r
            for r in self._events.list_events(When.PAST, include_cancelled=False)
            if to_local(r.starts_at).date() == today
        ]
        for row in past_today + rows:
            self.event_choice.addItem(
                f"{row.short_code} — {row.title} ({to_local(row.starts_at):%a %d %b %H:%M})", row.id
            )
        if chosen:
            self.event_choice.setCurrentIndex(max(self.event_choice.findData(chosen), 0))
        self.event_choice.blockSignals(False)
        self._event_changed()

    def choose_event(self, event_id: str) -> bool:
        index = self.event_choice.findData(event_id)
        if index < 0:
            self.event_choice.addItem(self._events.get(event_id).draft.title, event_id)
            index = self.event_choice.count() - 1
        self.event_choice.setCurrentIndex(index)
        return True

    def event_id(self) -> str | None:
        value = self.event_choice.currentData()
        return str(value) if value else None

    def follow(self, current: CurrentEvent) -> None:
        """Work on the shared current event; choosing one here chooses it everywhere."""
        self._current = current
        self._current_changed(current.event_id)
        current.changed.connect(self._current_changed)

    def _current_changed(self, event_id: object) -> None:
        if isinstance(event_id, str) and event_id != self.event_id():
            self.choose_event(event_id)

    def _event_changed(self) -> None:
        event_id = self.event_id()
        enabled = event_id is not None
        if self._current is not None and event_id is not None:
            self._current.choose(event_id)
        for widget in (
            self.code_field,
            self.search,
            self.check_in_button,
            self.walk_in_button,
            self.sign_in_button,
        ):
            explain(
                widget,
                enabled,
                "Choose the event at this door first (Event, at the top of the page).",
            )
        self._last_check_in = None
        self.refresh()

    # ---- checking in ---------------------------------------------------------

    def scan(self, code: str, method: str = "scanner") -> CheckInResult | None:
        event_id = self.event_id()
        if event_id is None:
            self.banner.show_notice(
                Notice.ATTENTION, "No event chosen", "Choose the event at this door first."
            )
            return None
        result = self._check_in.scan(event_id, code, method)
        self._show(result)
        return result

    def _typed_code(self) -> None:
        text = self.code_field.text()
        self.code_field.clear()
        self.scan(text, "typed")

    def check_in_found(self) -> CheckInResult | None:
        event_id = self.event_id()
        rows = self.found_table.selectionModel().selectedRows()
        if event_id is None:
            return None
        if not rows and self.found.rowCount() == 1:
            rows = [self.found.index(0, 0)]
        if not rows:
            self.banner.show_notice(
                Notice.ATTENTION,
                "Choose a person",
                "Pick the person in the list below the name search, then check them in.",
            )
            return None
        person = self.found.row_at(rows[0].row())
        result = self._check_in.check_in_registration(event_id, person.registration_id, "search")
        self._show(result)
        self.search.clear()
        return result

    def walk_in(self) -> WalkInDialog | None:
        event_id = self.event_id()
        if event_id is None:
            return None
        dialog = WalkInDialog(
            self._registrations,
            event_id,
            self.event_choice.currentText(),
            self,
            prompter=self._prompter,
        )

        def done() -> None:
            info = dialog.saved
            if info is None:
                return
            name = info.name or "Walk-in"
            self.banner.show_message(
                Outcome.ADMITTED,
                f"Welcome, {name}" if info.name else "Walk-in counted",
                "Registered at the door and checked in."
                if info.name
                else "Checked in without keeping any details.",
            )
            self._sound(Outcome.ADMITTED)
            self.refresh()
            self.checked_in.emit()

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def _show(self, result: CheckInResult) -> None:
        self.banner.show_result(result)
        self.banner.repaint()
        self._sound(result.outcome)
        if result.outcome.admits and not result.repeated and result.check_in_id:
            self._last_check_in = (result.check_in_id, result.person_name)
            self.refresh()
            self.checked_in.emit()
        self.result_shown.emit(result)

    # ---- undo ------------------------------------------------------------------

    def undo_last(self) -> None:
        if self._last_check_in is None:
            self.banner.show_notice(
                Notice.ATTENTION,
                "Nothing to undo",
                "No check-in has been made on this laptop since the desk opened.",
            )
            return
        check_in_id, name = self._last_check_in
        if self._undo(check_in_id, name):
            self._last_check_in = None

    def undo_selected(self) -> None:
        rows = self.recent_table.selectionModel().selectedRows()
        if rows:
            row = self.recent.row_at(rows[0].row())
            self._undo(row.check_in_id, row.person_name)

    def _undo(self, check_in_id: str, name: str) -> bool:
        name = self._name_in_recent(check_in_id) or name
        try:
            self._check_in.undo(check_in_id)
        except UserError as exc:
            self._prompter.warn(self, "Undo check-in", str(exc))
            return False
        if self._last_check_in is not None and self._last_check_in[0] == check_in_id:
            self._last_check_in = None
        self.banner.show_notice(
            Notice.UNDONE,
            f"{name} is back on the list" if name else "Back on the list",
            "Their check-in was taken back. Scan their ticket again when they arrive.",
        )
        self.refresh()
        self.checked_in.emit()
        return True

    def _name_in_recent(self, check_in_id: str) -> str:
        for n in range(self.recent.rowCount()):
            row = self.recent.row_at(n)
            if row.check_in_id == check_in_id:
                return row.person_name
        return ""

    # ---- the paper fallback ------------------------------------------------------

    def make_sign_in_sheet(self) -> Task | None:
        """The people expected, in surname order, on paper: made in the background and
        saved where the user chooses."""
        event_id, service = self.event_id(), self._sign_in
        if event_id is None or service is None:
            return None
        detail = self._events.get(event_id)
        suggested = file_name(
            "sign-in-sheet",
            detail.short_code,
            day=to_local(detail.draft.starts_at).date(),
            suffix=".pdf",
        )
        target = self._prompter.save_path(self, "Sign-in sheet", suggested, "PDF files (*.pdf)")
        if target is None:
            return None

        def job(progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> str:
            from engagement_desk.reports.signin_sheet import render_sign_in_sheet

            progress(0, 2)
            sheet = service.sign_in_sheet(event_id)
            progress(1, 2)
            save_file(target, render_sign_in_sheet(sheet))
            progress(2, 2)
            count = len(sheet.people)
            return (
                f"Saved a sign-in sheet with {count} name{'s' if count != 1 else ''} "
                f"for {sheet.title} to {target}."
            )

        task = Task(job)
        task.signals.finished.connect(lambda text: self._sheet_saved(text, target))
        task.signals.failed.connect(lambda text: self._prompter.warn(self, "Sign-in sheet", text))
        task.signals.failed.connect(lambda _text: self.sign_in_button.setEnabled(True))
        self.sign_in_button.setEnabled(False)
        self.progress.follow(task, "Making the sign-in sheet…")
        self._task = start(task)
        return task

    def _sheet_saved(self, text: str, target: Path) -> None:
        self.sign_in_button.setEnabled(self.event_id() is not None)
        self.feedback.show_saved(text, target)

    # ---- door mode ---------------------------------------------------------------

    def open_door_mode(self) -> DoorModeView:
        """Results full screen for the queue; F11 again or Escape leaves."""
        if self.door is not None and self.door.isVisible():
            self.door.close()
            return self.door
        if self.door is None:
            self.door = DoorModeView(self)
            self.banner.state_changed.connect(self.door.show_state)
        door = self.door
        door.set_event_title(self.event_choice.currentText())
        door.set_counts(self._count_texts)
        door.show_state(self.banner.state)
        if self.door_full_screen:
            door.showFullScreen()
        else:
            door.show()
        door.activateWindow()
        door.setFocus()
        return door

    # ---- reading ---------------------------------------------------------------

    def refresh(self) -> None:
        event_id = self.event_id()
        if event_id is None:
            for label in self.counts.values():
                label.setText("–")
            self._count_texts = {key: "–" for key in self.counts}
            self.recent.set_rows([])
            self.chart.set_arrivals([])
            self._update_door()
            return
        counts = self._check_in.counts(event_id)
        values = {
            "expected": counts.expected,
            "checked_in": counts.checked_in,
            "walk_ins": counts.walk_ins,
            "still_to_arrive": counts.still_to_arrive,
            "room_left": counts.room_left,
        }
        for key, value in values.items():
            text = "No limit" if value is None else str(value)
            self.counts[key].setText(text)
            self.counts[key].setAccessibleDescription(text)
            self._count_texts[key] = text
        self._update_door()
        self.recent.set_rows(self._check_in.recent(event_id))
        self.chart.set_arrivals(self._check_in.arrivals(event_id))
        self.refresh_search()

    def _update_door(self) -> None:
        if self.door is not None:
            self.door.set_counts(self._count_texts)
            self.door.set_event_title(self.event_choice.currentText())

    # ---- settings --------------------------------------------------------------

    def set_scanner_settings(self, settings: ScannerSettings) -> None:
        self.scanner.set_settings(settings)

    def set_ready_after(self, seconds: float) -> None:
        self.banner.set_ready_after(seconds)

    def refresh_search(self) -> None:
        event_id = self.event_id()
        text = self.search.text().strip()
        if event_id is None or not text:
            self.found.set_rows([])
            return
        self.found.set_rows(self._registrations.search(event_id, text, None, SEARCH_LIMIT))
        if self.found.rowCount():
            self.found_table.selectRow(0)
