"""The check-in desk: the screen a facilitator lives in at the venue door."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
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
from engagement_desk.services.checkin import CheckInResult, CheckInService
from engagement_desk.services.errors import UserError
from engagement_desk.services.events import EventService, When
from engagement_desk.services.registrations import RegistrationService
from engagement_desk.ui.arrivals_chart import ArrivalsChart
from engagement_desk.ui.camera import CameraScanner
from engagement_desk.ui.checkin_banner import CheckInBanner
from engagement_desk.ui.checkin_models import RecentCheckInsModel
from engagement_desk.ui.people_model import PeopleTableModel
from engagement_desk.ui.prompts import Prompter
from engagement_desk.ui.scanner import ScannerCapture
from engagement_desk.ui.tables import make_table
from engagement_desk.ui.walk_in_dialog import WalkInDialog

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
    ) -> None:
        super().__init__(parent)
        self._events = events
        self._check_in = check_in
        self._registrations = registrations
        self._prompter = prompter
        self._clock = clock
        self._sound = sound if sound is not None else (lambda _outcome: None)
        self._last_check_in: str | None = None
        self.setAccessibleName("Check-in")

        self.scanner = ScannerCapture(self)
        self.scanner.scanned.connect(lambda code: self.scan(code, "scanner"))

        self.event_choice = QComboBox()
        self.event_choice.setAccessibleName("Event at this door")
        self.event_choice.currentIndexChanged.connect(self._event_changed)
        event_label = QLabel("&Event:")
        event_label.setBuddy(self.event_choice)

        self.banner = CheckInBanner()
        self.counts: dict[str, QLabel] = {}
        counts_box = QGroupBox("Now")
        counts_layout = QGridLayout(counts_box)
        for n, (key, title) in enumerate(
            (
                ("expected", "Expected"),
                ("checked_in", "Checked in"),
                ("walk_ins", "Walk-ins"),
                ("still_to_arrive", "Still to arrive"),
                ("room_left", "Room left"),
            )
        ):
            value = QLabel("–")
            value.setStyleSheet("font-size: 20pt; font-weight: bold;")
            value.setAccessibleName(title)
            counts_layout.addWidget(QLabel(title), 0, n)
            counts_layout.addWidget(value, 1, n)
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
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo_last)
        self.chart = ArrivalsChart()

        self.camera = CameraScanner()
        self.camera.code_read.connect(lambda code: self.scan(code, "webcam"))
        camera_box = QGroupBox("Webcam")
        camera_layout = QVBoxLayout(camera_box)
        camera_layout.addWidget(self.camera)

        left = QVBoxLayout()
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

        right = QVBoxLayout()
        right.addWidget(QLabel("Last check-ins"))
        right.addWidget(self.recent_table, 2)
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_last_button)
        undo_row.addWidget(self.undo_selected_button)
        right.addLayout(undo_row)
        right.addWidget(self.chart, 1)

        top = QHBoxLayout()
        top.addWidget(QLabel("<h2>Check-in</h2>"))
        top.addStretch(1)
        top.addWidget(event_label)
        top.addWidget(self.event_choice)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(counts_box)
        layout.addLayout(columns, 1)
        self.reload_events()

    # ---- the scanner is live only while this page shows --------------------

    def showEvent(self, event):  # type: ignore[no-untyped-def]
        self.scanner.start()
        super().showEvent(event)

    def hideEvent(self, event):  # type: ignore[no-untyped-def]
        self.scanner.stop()
        super().hideEvent(event)

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

    def _event_changed(self) -> None:
        enabled = self.event_id() is not None
        for widget in (self.code_field, self.search, self.check_in_button, self.walk_in_button):
            widget.setEnabled(enabled)
        self._last_check_in = None
        self.refresh()

    # ---- checking in ---------------------------------------------------------

    def scan(self, code: str, method: str = "scanner") -> CheckInResult | None:
        event_id = self.event_id()
        if event_id is None:
            self.banner.show_message(
                Outcome.NOT_RECOGNISED, "No event chosen", "Choose the event at this door first."
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
            self.banner.show_message(
                Outcome.NOT_RECOGNISED,
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
        dialog = WalkInDialog(self._registrations, event_id, self.event_choice.currentText(), self)

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
        if result.outcome.admits and not result.repeated:
            self._last_check_in = result.check_in_id
            self.refresh()
            self.checked_in.emit()
        self.result_shown.emit(result)

    # ---- undo ------------------------------------------------------------------

    def undo_last(self) -> None:
        if self._last_check_in is None:
            self.banner.show_message(
                Outcome.NOT_RECOGNISED,
                "Nothing to undo",
                "No check-in has been made on this laptop since the desk opened.",
            )
            return
        self._undo(self._last_check_in)
        self._last_check_in = None

    def undo_selected(self) -> None:
        rows = self.recent_table.selectionModel().selectedRows()
        if rows:
            self._undo(self.recent.row_at(rows[0].row()).check_in_id)

    def _undo(self, check_in_id: str) -> None:
        try:
            self._check_in.undo(check_in_id)
        except UserError as exc:
            self._prompter.warn(self, "Undo check-in", str(exc))
            return
        self.banner.show_message(
            Outcome.ALREADY_CHECKED_IN, "Check-in undone", "They are back on the list to arrive."
        )
        self.refresh()
        self.checked_in.emit()

    # ---- reading ---------------------------------------------------------------

    def refresh(self) -> None:
        event_id = self.event_id()
        if event_id is None:
            for label in self.counts.values():
                label.setText("–")
            self.recent.set_rows([])
            self.chart.set_arrivals([])
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
        self.recent.set_rows(self._check_in.recent(event_id))
        self.chart.set_arrivals(self._check_in.arrivals(event_id))
        self.refresh_search()

    def refresh_search(self) -> None:
        event_id = self.event_id()
        text = self.search.text().strip()
        if event_id is None or not text:
            self.found.set_rows([])
            return
        self.found.set_rows(self._registrations.search(event_id, text, None, SEARCH_LIMIT))
        if self.found.rowCount():
            self.found_table.selectRow(0)
