"""People: registrations per event, search as you type, waiting list, tickets and privacy."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.clock import to_local
from engagement_desk.core.statuses import RegistrationStatus
from engagement_desk.services.errors import UserError
from engagement_desk.services.events import EventService, When
from engagement_desk.services.files import save_file
from engagement_desk.services.imports import ImportService
from engagement_desk.services.privacy import PrivacyService
from engagement_desk.services.registrations import (
    PeopleFilter,
    PersonRow,
    RegistrationInfo,
    RegistrationService,
)
from engagement_desk.services.tickets import TicketService
from engagement_desk.ui.current_event import CurrentEvent
from engagement_desk.ui.feedback import FeedbackBar
from engagement_desk.ui.forms import explain
from engagement_desk.ui.import_dialog import ImportDialog
from engagement_desk.ui.layouts import FlowLayout, compact_combo
from engagement_desk.ui.people_model import REGISTRATION_ID_ROLE, PeopleTableModel
from engagement_desk.ui.person_dialog import PersonDialog
from engagement_desk.ui.progress import ProgressPanel
from engagement_desk.ui.prompts import Prompter, file_name
from engagement_desk.ui.tables import make_table
from engagement_desk.ui.walk_in_dialog import WalkInDialog
from engagement_desk.ui.workers import Task, start

SEARCH_DELAY_MS = 120


class PeoplePage(QWidget):
    message = Signal(str)
    people_changed = Signal()
    email_tickets_requested = Signal(str)  # an event id: the window opens Email tickets…

    def __init__(
        self,
        events: EventService,
        registrations: RegistrationService,
        tickets: TicketService,
        imports: ImportService,
        prompter: Prompter,
        privacy: PrivacyService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._privacy = privacy
        self._events = events
        self._registrations = registrations
        self._tickets = tickets
        self._imports = imports
        self._prompter = prompter
        self._task: Task | None = None
        self._current: CurrentEvent | None = None
        self.setAccessibleName("People")

        self.event_choice = compact_combo(QComboBox(), 20)
        self.event_choice.setAccessibleName("Event")
        self.status = compact_combo(QComboBox(), 12)
        self.status.setAccessibleName("Show people who are")
        self.status.addItem("Everyone", None)
        self.status.addItem("Registered, not yet arrived", PeopleFilter.REGISTERED.value)
        self.status.addItem("Checked in", PeopleFilter.CHECKED_IN.value)
        self.status.addItem("On the waiting list", PeopleFilter.WAITLISTED.value)
        self.status.addItem("Cancelled", PeopleFilter.CANCELLED.value)
        self.search = QLineEdit()
        self.search.setAccessibleName("Search by name, email or ticket reference")
        self.search.setPlaceholderText("Search by name, email or ticket reference")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.event_choice.currentIndexChanged.connect(self._event_changed)
        self.status.currentIndexChanged.connect(self.refresh)

        self.model = PeopleTableModel(self)
        self.table = make_table("People list", self.model, main_column=0)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.activated.connect(lambda _index: self.edit_selected())
        self.count_label = QLabel()
        self.count_label.setAccessibleName("How many people are shown")

        self.register_button = QPushButton("&Register someone…")
        self.walk_in_button = QPushButton("&Walk-in…")
        self.edit_button = QPushButton("E&dit details…")
        self.cancel_button = QPushButton("Cancel &place…")
        self.promote_button = QPushButton("Give a pla&ce (waiting list)")
        self.tickets_button = QPushButton("&Tickets PDF…")
        self.export_button = QPushButton("E&xport their data…")
        self.erase_button = QPushButton("Er&ase person…")
        self.import_button = QPushButton("I&mport a form export…")
        self.email_button = QPushButton("Email tic&kets…")
        for button, action in (
            (self.register_button, self.register_someone),
            (self.walk_in_button, self.walk_in),
            (self.edit_button, self.edit_selected),
            (self.cancel_button, self.cancel_selected),
            (self.promote_button, self.promote_selected),
            (self.tickets_button, self.make_tickets),
            (self.export_button, self.export_selected),
            (self.erase_button, self.erase_selected),
            (self.import_button, self.import_file),
            (self.email_button, self.email_tickets),
        ):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
            button.clicked.connect(action)
        self.progress = ProgressPanel(self)
        self.feedback = FeedbackBar()
        self.message.connect(self.feedback.show_done)
        # Why some buttons are greyed out, in words (each also says so in its tooltip).
        self.why_not = QLabel()
        self.why_not.setObjectName("whyNot")
        self.why_not.setWordWrap(True)
        self.why_not.setAccessibleName("Why some buttons cannot be used")

        top = QHBoxLayout()
        top.addWidget(QLabel("<h2>People</h2>"))
        top.addStretch(1)
        for text, widget in (("&Event:", self.event_choice), ("&Show:", self.status)):
            label = QLabel(text)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget)
        search_label = QLabel("Searc&h:")
        search_label.setBuddy(self.search)
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.count_label)
        actions = FlowLayout()  # as many lines as the window's width and the text size need
        for button in (
            self.register_button,
            self.walk_in_button,
            self.edit_button,
            self.cancel_button,
            self.promote_button,
            self.tickets_button,
            self.email_button,
            self.export_button,
            self.erase_button,
            self.import_button,
        ):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.feedback)
        layout.addLayout(actions)
        layout.addWidget(self.why_not)
        self.reload_events()

    def email_tickets(self) -> None:
        event_id = self.event_id()
        if event_id is None:
            self.message.emit("Choose an event first, then Email tickets… for it.")
            return
        self.email_tickets_requested.emit(event_id)

    # ---- data ----------------------------------------------------------

    def reload_events(self) -> None:
        chosen = self.event_id()
        self.event_choice.blockSignals(True)
        self.event_choice.clear()
        self.event_choice.addItem("All events", None)
        for row in self._events.list_events(When.ALL, include_cancelled=False):
            self.event_choice.addItem(
                f"{row.short_code} — {row.title} ({to_local(row.starts_at):%d %b %Y})", row.id
            )
        index = self.event_choice.findData(chosen) if chosen else 0
        self.event_choice.setCurrentIndex(max(index, 0))
        self.event_choice.blockSignals(False)
        self.refresh()

    def choose_event(self, event_id: str) -> None:
        self.event_choice.setCurrentIndex(max(self.event_choice.findData(event_id), 0))

    def follow(self, current: CurrentEvent) -> None:
        """Work on the shared current event; choosing an event here chooses it everywhere.
        "All events" is this page's own view and leaves the current event as it is."""
        self._current = current
        self._current_changed(current.event_id)
        current.changed.connect(self._current_changed)

    def _current_changed(self, event_id: object) -> None:
        if (
            isinstance(event_id, str)
            and event_id != self.event_id()
            and self.event_choice.findData(event_id) >= 0
        ):
            self.choose_event(event_id)

    def event_id(self) -> str | None:
        value = self.event_choice.currentData()
        return str(value) if value else None

    def refresh(self) -> None:
        status = self.status.currentData()
        rows = self._registrations.search(
            self.event_id(),
            self.search.text(),
            PeopleFilter(status) if status else None,
        )
        self.model.set_rows(rows)
        self.count_label.setText(
            f"{len(rows)} shown" if len(rows) < 200 else "200 shown — type more to narrow"
        )
        self._update_buttons()

    def _event_changed(self) -> None:
        event_id = self.event_id()
        if self._current is not None and event_id is not None:
            self._current.choose(event_id)
        self.refresh()

    def selected_row(self) -> PersonRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_registration(self, registration_id: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.index(row, 0).data(REGISTRATION_ID_ROLE) == registration_id:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        row = self.selected_row()
        has_event = self.event_id() is not None
        choose_event = "Choose one event under Event above first."
        for button in (
            self.register_button,
            self.walk_in_button,
            self.tickets_button,
            self.import_button,
        ):
            explain(button, has_event, choose_event)
        choose_person = "Select a person in the list first."
        for button in (self.edit_button, self.export_button, self.erase_button):
            explain(button, row is not None, choose_person)
        explain(
            self.cancel_button,
            row is not None
            and row.status is not RegistrationStatus.CANCELLED
            and not row.checked_in,
            choose_person
            if row is None
            else "They have checked in, so their place cannot be cancelled."
            if row.checked_in
            else "Their place is already cancelled.",
        )
        explain(
            self.promote_button,
            row is not None and row.status is RegistrationStatus.WAITLISTED,
            choose_person if row is None else "Only for someone on the waiting list.",
        )
        lines = []
        if not has_event:
            lines.append(
                "Showing people from all events. To register someone, take a walk-in, "
                "make tickets or import a form export, choose one event under Event above."
            )
        if row is None:
            lines.append("Select a person to edit, cancel, export or erase their details.")
        self.why_not.setText(" ".join(lines))
        self.why_not.setVisible(bool(lines))

    # ---- actions -------------------------------------------------------

    def _saved_file(self, text: str, path: Path) -> None:
        self.message.emit(text)
        self.feedback.show_saved(text, path)

    def _changed(self, text: str, registration_id: str | None = None) -> None:
        self.refresh()
        if registration_id:
            self.select_registration(registration_id)
        self.message.emit(text)
        self.people_changed.emit()

    def _saved(self, saved: RegistrationInfo | None) -> None:
        if saved is not None:
            self._changed(saved.message, saved.id)

    def register_someone(self) -> PersonDialog | None:
        event_id = self.event_id()
        if event_id is None:
            return None
        dialog = PersonDialog(
            self._registrations,
            event_id=event_id,
            event_title=self.event_choice.currentText(),
            parent=self,
            prompter=self._prompter,
        )
        dialog.accepted.connect(lambda: self._saved(dialog.saved))
        dialog.open()
        return dialog

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
        dialog.accepted.connect(lambda: self._saved(dialog.saved))
        dialog.open()
        return dialog

    def edit_selected(self) -> PersonDialog | None:
        row = self.selected_row()
        if row is None:
            return None
        dialog = PersonDialog(
            self._registrations, person_id=row.person_id, parent=self, prompter=self._prompter
        )
        dialog.accepted.connect(
            lambda: self._changed(f"Saved {dialog.name.text()}'s details.", row.registration_id)
        )
        dialog.open()
        return dialog

    def cancel_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if not self._prompter.confirm(
            self,
            "Cancel place",
            f"Cancel {row.name}'s place at {row.event_code}? Their ticket will stop working, "
            "and the place goes to the next person on the waiting list.",
        ):
            return
        try:
            result = self._registrations.cancel(row.event_id, row.registration_id)
        except UserError as exc:
            self._prompter.warn(self, "Cancel place", str(exc))
            return
        text = result.cancelled.message
        if result.promoted:
            names = ", ".join(p.name for p in result.promoted)
            text += f" The place went to {names} from the waiting list."
        self._changed(text, row.registration_id)

    def promote_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        try:
            info = self._registrations.promote(row.registration_id)
        except UserError as exc:
            self._prompter.warn(self, "Waiting list", str(exc))
            return
        self._changed(info.message, info.id)

    def export_selected(self) -> Path | None:
        row = self.selected_row()
        if row is None:
            return None
        target = self._prompter.save_path(
            self,
            "Export a person's data",
            file_name("person-data", day=date.today(), suffix=".json"),
            "JSON files (*.json)",
        )
        if target is None:
            return None
        data = self._privacy.export_person(row.person_id)
        try:
            save_file(target, json.dumps(data, indent=2, ensure_ascii=False).encode())
        except UserError as exc:
            self._prompter.warn(self, "Export", str(exc))
            return None
        self._saved_file(f"Saved everything held about {row.name} to {target}.", target)
        return target

    def erase_selected(self) -> Task | None:
        row = self.selected_row()
        if row is None:
            return None
        if not self._prompter.confirm(
            self,
            "Erase person",
            f"Erase everything about {row.name} from this database? Their name, contact details "
            "and their child's details are removed for good; anonymous counts are kept. "
            "This cannot be undone.",
        ):
            return None
        privacy, person_id = self._privacy, row.person_id

        # Scrubbing the file (checkpoint and vacuum) takes a while on a big database.
        def job(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> str:
            result = privacy.erase_person(person_id)
            return f"Erased {result.name}'s details. {result.note}".strip()

        task = Task(job)
        task.signals.finished.connect(self._changed)
        task.signals.failed.connect(lambda text: self._prompter.warn(self, "Erase person", text))
        self.progress.follow(task, f"Erasing {row.name}'s details…")
        self._task = start(task)
        return task

    def import_file(self) -> ImportDialog | None:
        event_id = self.event_id()
        if event_id is None:
            return None
        path = self._prompter.open_path(
            self, "Import registrations", "Spreadsheets (*.csv *.xlsx *.txt);;All files (*)"
        )
        if path is None:
            return None
        try:
            preview = self._imports.preview(path)
        except UserError as exc:
            self._prompter.warn(self, "Import registrations", str(exc))
            return None
        dialog = ImportDialog(
            self._imports, event_id, self.event_choice.currentText(), path, preview, self
        )
        dialog.imported.connect(lambda report: self._changed(report.summary().splitlines()[0]))
        dialog.open()
        return dialog

    def make_tickets(self) -> Task | None:
        event_id = self.event_id()
        if event_id is None:
            return None
        detail = self._events.get(event_id)
        suggested = file_name(
            "tickets", detail.short_code, day=to_local(detail.draft.starts_at).date(), suffix=".pdf"
        )
        target = self._prompter.save_path(self, "Tickets", suggested, "PDF files (*.pdf)")
        if target is None:
            return None
        tickets = self._tickets

        def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> int:
            # Imported here: the PDF libraries take most of a second to load, which the
            # app's start-up should not wait for.
            from engagement_desk.reports.tickets import render_tickets

            batch = tickets.ticket_sheet(event_id)
            if not batch.tickets:
                raise UserError("Nobody registered for this event has a place yet, so no tickets.")
            pdf = render_tickets(batch, progress, cancelled)
            if pdf is None:
                return 0
            save_file(target, pdf)
            return len(batch.tickets)

        task = Task(job)
        task.signals.finished.connect(
            lambda count: self._saved_file(f"Saved {count} ticket(s) to {target}.", target)
        )
        task.signals.cancelled.connect(
            lambda: self.message.emit("Tickets cancelled; nothing saved.")
        )
        task.signals.failed.connect(lambda text: self._prompter.warn(self, "Tickets", text))
        self.progress.follow(task, "Making tickets…")
        self._task = start(task)
        return task
