"""Events: the list (upcoming / past), the schedule at a glance, editing and publishing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.clock import to_local
from engagement_desk.core.statuses import EventStatus
from engagement_desk.services.errors import UserError
from engagement_desk.services.events import EventService, When
from engagement_desk.services.files import save_file
from engagement_desk.services.schedule import ScheduleService
from engagement_desk.ui.current_event import CurrentEvent
from engagement_desk.ui.event_dialog import EventDialog
from engagement_desk.ui.event_models import EVENT_ID_ROLE, SORT_ROLE, EventTableModel, ScheduleModel
from engagement_desk.ui.feedback import FeedbackBar
from engagement_desk.ui.forms import explain
from engagement_desk.ui.layouts import FlowLayout
from engagement_desk.ui.progress import ProgressPanel
from engagement_desk.ui.prompts import Prompter, file_name
from engagement_desk.ui.tables import make_table
from engagement_desk.ui.workers import Task, start

SCHEDULE_WEEKS = 8


class EventsPage(QWidget):
    """Create, edit and cancel events; export the schedule as .ics or a printable PDF."""

    events_changed = Signal()
    message = Signal(str)

    def __init__(
        self,
        events: EventService,
        schedule: ScheduleService,
        prompter: Prompter,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._events = events
        self._schedule = schedule
        self._prompter = prompter
        self._clock = clock
        self._task: Task | None = None
        self._current: CurrentEvent | None = None
        self.welcome: QWidget | None = None  # shown instead of the list while there are none
        self.setAccessibleName("Events")

        heading = QLabel("<h2>Events</h2>")
        self.show_filter = QComboBox()
        self.show_filter.setAccessibleName("Show which events")
        self.show_filter.addItem("Upcoming events", When.UPCOMING.value)
        self.show_filter.addItem("Past events", When.PAST.value)
        self.show_filter.addItem("All events", When.ALL.value)
        show_label = QLabel("Sho&w:")
        show_label.setBuddy(self.show_filter)
        self.search = QLineEdit()
        self.search.setAccessibleName("Filter events by title, venue or code")
        self.search.setPlaceholderText("Filter by title, venue or code")
        self.search.setClearButtonEnabled(True)

        self.model = EventTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table = make_table("Events list", self.proxy, main_column=1)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.activated.connect(lambda _index: self.edit_selected())

        self.schedule_model = ScheduleModel(self)
        self.schedule_table = make_table(
            f"Schedule for the next {SCHEDULE_WEEKS} weeks", self.schedule_model, main_column=3
        )
        self.schedule_table.activated.connect(self._edit_from_schedule)
        self.schedule_table.doubleClicked.connect(self._edit_from_schedule)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Events views")
        self.tabs.addTab(self.table, "&List")
        self.tabs.addTab(self.schedule_table, f"Next {SCHEDULE_WEEKS} wee&ks")

        self.new_button = QPushButton("&New event…")
        self.edit_button = QPushButton("&Edit…")
        self.cancel_button = QPushButton("&Cancel event…")
        self.reinstate_button = QPushButton("&Reinstate")
        self.ics_button = QPushButton("Export calen&dar (.ics)…")
        self.listing_button = QPushButton("&Printable listing (PDF)…")
        for button, name in (
            (self.new_button, "New event"),
            (self.edit_button, "Edit the selected event"),
            (self.cancel_button, "Cancel the selected event"),
            (self.reinstate_button, "Reinstate the selected cancelled event"),
            (self.ics_button, "Export upcoming events as a calendar file"),
            (self.listing_button, "Save a printable PDF listing of upcoming events"),
        ):
            button.setAccessibleName(name)
        self.new_button.clicked.connect(self.new_event)
        self.edit_button.clicked.connect(self.edit_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.reinstate_button.clicked.connect(self.reinstate_selected)
        self.ics_button.clicked.connect(self.export_ics)
        self.listing_button.clicked.connect(self.export_listing)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_event)

        self.progress = ProgressPanel(self)
        self.feedback = FeedbackBar()
        self.message.connect(self.feedback.show_done)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(show_label)
        top.addWidget(self.show_filter)
        top.addWidget(self.search, 1)
        actions = FlowLayout()  # wraps onto a second line when the text is large
        for button in (
            self.new_button,
            self.edit_button,
            self.cancel_button,
            self.reinstate_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.ics_button)
        actions.addWidget(self.listing_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.feedback)
        layout.addLayout(actions)

        self.show_filter.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.refresh()

    # ---- the current event and the first start ---------------------------------

    def follow(self, current: CurrentEvent) -> None:
        """Selecting an event in the list makes it the current event on every page."""
        self._current = current
        self._current_changed(current.event_id)
        current.changed.connect(self._current_changed)

    def _current_changed(self, event_id: object) -> None:
        if isinstance(event_id, str) and event_id != self.selected_event_id():
            self.select_event(event_id)

    def _selection_changed(self) -> None:
        event_id = self.selected_event_id()
        if self._current is not None and event_id is not None:
            self._current.choose(event_id)

    def set_welcome(self, welcome: QWidget) -> None:
        """Show ``welcome`` in place of the list while the database has no events."""
        self.welcome = welcome
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.tabs), welcome, 1)
        self._show_welcome_if_empty(self.model.rowCount() > 0)

    def _show_welcome_if_empty(self, has_rows: bool) -> None:
        if self.welcome is None:
            return
        empty = not has_rows and not self._events.list_events(When.ALL)
        self.welcome.setVisible(empty)
        self.tabs.setVisible(not empty)

    # ---- data ----------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_event_id()
        when = When(self.show_filter.currentData())
        self.model.set_rows(self._events.list_events(when))
        self.schedule_model.set_weeks(self._events.schedule(SCHEDULE_WEEKS))
        if selected:
            self.select_event(selected)
        self._update_buttons()
        self._show_welcome_if_empty(self.model.rowCount() > 0)

    def selected_event_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = rows[0].data(EVENT_ID_ROLE)
        return str(value) if value else None

    def select_event(self, event_id: str) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(EVENT_ID_ROLE) == event_id:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return True
        return False

    def _selected_status(self) -> EventStatus | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row()).status

    def _update_buttons(self) -> None:
        status = self._selected_status()
        choose = "Select an event in the list first."
        explain(self.edit_button, status is not None, choose)
        explain(
            self.cancel_button,
            status is EventStatus.SCHEDULED,
            choose if status is None else "Only an event still to happen can be cancelled.",
        )
        explain(
            self.reinstate_button,
            status is EventStatus.CANCELLED,
            choose if status is None else "Only a cancelled event can be reinstated.",
        )

    # ---- actions -------------------------------------------------------

    def new_event(self) -> EventDialog:
        dialog = EventDialog(self._events, now=self._clock(), parent=self, prompter=self._prompter)
        dialog.accepted.connect(lambda: self._saved(dialog))
        dialog.open()
        return dialog

    def edit_selected(self) -> EventDialog | None:
        event_id = self.selected_event_id()
        if event_id is None:
            return None
        return self.edit_event(event_id)

    def edit_event(self, event_id: str) -> EventDialog:
        detail = self._events.get(event_id)
        dialog = EventDialog(
            self._events, now=self._clock(), detail=detail, parent=self, prompter=self._prompter
        )
        dialog.accepted.connect(lambda: self._saved(dialog))
        dialog.open()
        return dialog

    def _edit_from_schedule(self, index: QModelIndex) -> None:
        event_id = self.schedule_model.event_id(index.row())
        if event_id:
            self.edit_event(event_id)

    def _saved(self, dialog: EventDialog) -> None:
        self.refresh()
        if dialog.saved is not None:
            if not self.select_event(dialog.saved.id):
                self.show_filter.setCurrentIndex(self.show_filter.findData(When.ALL.value))
                self.select_event(dialog.saved.id)
            self.message.emit(f"Saved “{dialog.saved.draft.title}” ({dialog.saved.short_code}).")
        self.events_changed.emit()

    def cancel_selected(self) -> None:
        event_id = self.selected_event_id()
        if event_id is None:
            return
        detail = self._events.get(event_id)
        question = (
            f"Cancel “{detail.draft.title}”? It stays in the list marked as cancelled, and the "
            "calendar export tells people it is cancelled."
        )
        if not self._prompter.confirm(self, "Cancel event", question):
            return
        reason = self._prompter.text(self, "Cancel event", "Reason (optional, shown to staff):")
        self._events.cancel(event_id, reason or "")
        self.refresh()
        self.message.emit(f"Cancelled “{detail.draft.title}”.")
        self.events_changed.emit()

    def reinstate_selected(self) -> None:
        event_id = self.selected_event_id()
        if event_id is None:
            return
        detail = self._events.reinstate(event_id)
        self.refresh()
        self.message.emit(f"Reinstated “{detail.draft.title}”.")
        self.events_changed.emit()

    def export_ics(self) -> Path | None:
        target = self._prompter.save_path(
            self,
            "Export calendar",
            file_name("events", day=to_local(self._clock()).date(), suffix=".ics"),
            "Calendar files (*.ics)",
        )
        if target is None:
            return None
        try:
            count = self._schedule.write_ics(target)
        except UserError as exc:
            self._prompter.warn(self, "Export calendar", str(exc))
            return None
        text = f"Saved {count} upcoming event(s) to {target}."
        self.message.emit(text)
        self.feedback.show_saved(text, target)
        return target

    def _saved_listing(self, text: str, target: Path) -> None:
        self.message.emit(text)
        self.feedback.show_saved(text, target)

    def export_listing(self) -> Task | None:
        target = self._prompter.save_path(
            self,
            "Printable listing",
            file_name("events-listing", day=to_local(self._clock()).date(), suffix=".pdf"),
            "PDF files (*.pdf)",
        )
        if target is None:
            return None
        schedule = self._schedule

        def job(progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> int:
            from engagement_desk.reports.listing import render_listing

            progress(0, 1)
            listing = schedule.listing()
            save_file(target, render_listing(listing))
            progress(1, 1)
            return len(listing.entries)

        task = Task(job)
        task.signals.finished.connect(
            lambda count: self._saved_listing(
                f"Saved a listing of {count} event(s) to {target}.", target
            )
        )
        task.signals.failed.connect(
            lambda text: self._prompter.warn(self, "Printable listing", text)
        )
        self.progress.follow(task, "Making the listing…")
        self._task = start(task)
        return task
