"""Reports: make an event or programme summary, preview it, save it (PDF and accessible HTML)
and print it; and keep the "You said, we did" actions that both reports show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.events import Problem
from engagement_desk.core.statuses import ActionStatus
from engagement_desk.services.actions import ActionService
from engagement_desk.services.errors import UserError, ValidationFailed
from engagement_desk.services.events import EventService, When
from engagement_desk.services.files import save_file
from engagement_desk.services.programmes import ProgrammeService
from engagement_desk.services.summary import SummaryService
from engagement_desk.ui.actions_model import ActionsModel
from engagement_desk.ui.current_event import CurrentEvent
from engagement_desk.ui.feedback import FeedbackBar
from engagement_desk.ui.forms import explain
from engagement_desk.ui.layouts import ContentScroll, compact_combo
from engagement_desk.ui.pdf_preview import PdfPreview, print_pdf, render_pages
from engagement_desk.ui.problems import ProblemBanner
from engagement_desk.ui.progress import ProgressPanel
from engagement_desk.ui.prompts import Prompter, file_name
from engagement_desk.ui.tables import make_table
from engagement_desk.ui.workers import Task, start


@dataclass(frozen=True)
class MadeReport:
    title: str
    file_stem: str
    pdf: bytes
    html: str
    pages: list[QImage]
    xlsx: bytes = b""  # the report's tables for analysts, as printed


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ActionsPanel(QWidget):
    """Record what parents said and what the council will do or did."""

    changed = Signal(str)

    def __init__(self, actions: ActionService, programmes: ProgrammeService) -> None:
        super().__init__()
        self._actions = actions
        self.setAccessibleName("You said, we did")
        self.model = ActionsModel(self)
        self.table = make_table("Actions", self.model, main_column=0)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.problems = ProblemBanner()
        self.you_said = QLineEdit()
        self.you_said.setAccessibleName("What parents said")
        self.we_did = QLineEdit()
        self.we_did.setAccessibleName("What the council will do or did")
        self.owner = QLineEdit()
        self.owner.setAccessibleName("Owner")
        self.status = QComboBox()
        self.status.setAccessibleName("Status")
        for status in ActionStatus:
            self.status.addItem(status.value.capitalize(), status.value)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("d MMM yyyy")
        self.due.setAccessibleName("Due date")
        self.due.setDate(QDate.currentDate().addMonths(1))
        self.due.setEnabled(False)
        self.has_due = QCheckBox("Has a due date")
        self.has_due.toggled.connect(self.due.setEnabled)
        self.about = QComboBox()
        self.about.setAccessibleName("Theme")
        self.about.addItem("No theme", None)
        for theme in programmes.current().themes:
            self.about.addItem(theme, theme)
        form = QFormLayout()
        for text, widget in (
            ("&You said", self.you_said),
            ("&We did / will do", self.we_did),
            ("&Owner", self.owner),
            ("&Status", self.status),
            ("T&heme", self.about),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due)
        form.addRow("Due", due_row)
        self.add_button = QPushButton("&Add as new")
        self.update_button = QPushButton("Save &changes")
        self.delete_button = QPushButton("De&lete")
        self.add_button.clicked.connect(self.add)
        self.update_button.clicked.connect(self.save_changes)
        self.delete_button.clicked.connect(self.delete)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.update_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        content = QVBoxLayout()  # scrolls with large text on a small screen; buttons stay
        content.addWidget(self.table, 1)
        content.addWidget(self.problems)
        content.addLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(ContentScroll(content), 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self._actions.actions())
        self._selected()

    def _selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).id if rows else None

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.update_button.setEnabled(bool(rows))
        self.delete_button.setEnabled(bool(rows))
        if not rows:
            return
        action = self.model.row_at(rows[0].row())
        self.you_said.setText(action.you_said)
        self.we_did.setText(action.we_did)
        self.owner.setText(action.owner)
        self.status.setCurrentIndex(max(self.status.findData(action.status.value), 0))
        self.about.setCurrentIndex(max(self.about.findData(action.theme), 0))
        self.has_due.setChecked(action.due is not None)
        if action.due:
            self.due.setDate(QDate(action.due.year, action.due.month, action.due.day))

    def _due(self) -> date | None:
        if not self.has_due.isChecked():
            return None
        return _date(self.due.date())

    def _run(self, action: Callable[[], object], message: str) -> None:
        try:
            action()
        except ValidationFailed as failure:
            self.problems.show_problems(failure.problems)
            return
        except UserError as exc:
            self.problems.show_problems([Problem("form", str(exc))])
            return
        self.problems.hide()
        self.refresh()
        self.changed.emit(message)

    def add(self) -> None:
        self._run(
            lambda: self._actions.add(
                self.you_said.text(),
                self.we_did.text(),
                self.owner.text(),
                str(self.status.currentData()),
                self._due(),
                self.about.currentData(),
            ),
            "Action added.",
        )

    def save_changes(self) -> None:
        action_id = self._selected_id()
        if action_id:
            self._run(
                lambda: self._actions.update(
                    action_id,
                    you_said=self.you_said.text(),
                    we_did=self.we_did.text(),
                    owner=self.owner.text(),
                    status=str(self.status.currentData()),
                    due=self._due(),
                    theme=self.about.currentData(),
                ),
                "Action saved.",
            )

    def delete(self) -> None:
        action_id = self._selected_id()
        if action_id:
            self._run(lambda: self._actions.delete(action_id), "Action deleted.")


class ReportsPage(QWidget):
    message = Signal(str)
    report_ready = Signal(object)

    def __init__(
        self,
        events: EventService,
        summaries: SummaryService,
        actions: ActionService,
        programmes: ProgrammeService,
        prompter: Prompter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._events = events
        self._summaries = summaries
        self._prompter = prompter
        self._task: Task | None = None
        self.report: MadeReport | None = None
        self._current: CurrentEvent | None = None
        self.setAccessibleName("Reports")

        self.one_event = QRadioButton("One &event")
        self.programme = QRadioButton("Whole pro&gramme")
        self.one_event.setChecked(True)
        self.event_choice = compact_combo(QComboBox())
        self.event_choice.setAccessibleName("Event to report on")
        self.event_choice.activated.connect(self._event_chosen)
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit, name in ((self.date_from, "From date"), (self.date_to, "To date")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setAccessibleName(name)
        self.all_dates = QCheckBox("All dates")
        self.all_dates.setChecked(True)
        self.large_print = QCheckBox("&Large print (16 pt and up)")
        self.make_button = QPushButton("&Make report")
        self.make_button.setAccessibleName("Make the report and show a preview")
        self.make_button.clicked.connect(self.make_report)
        choose = QGroupBox("What to report on")
        choose_form = QFormLayout(choose)
        choose_form.addRow(self.one_event, self.event_choice)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.date_to)
        dates.addWidget(self.all_dates)
        choose_form.addRow(self.programme, dates)
        choose_form.addRow(self.large_print, self.make_button)

        self.progress = ProgressPanel(self)
        self.preview = PdfPreview()
        self.save_pdf_button = QPushButton("Save &PDF…")
        self.save_html_button = QPushButton("Save web page (&HTML)…")
        self.save_xlsx_button = QPushButton("Save tables (E&xcel)…")
        self.save_xlsx_button.setAccessibleName("Save the report's tables as an Excel workbook")
        self.print_button = QPushButton("P&rint…")
        self.save_pdf_button.clicked.connect(self.save_pdf)
        self.save_html_button.clicked.connect(self.save_html)
        self.save_xlsx_button.clicked.connect(self.save_xlsx)
        self.print_button.clicked.connect(self.print_report)
        outputs = QHBoxLayout()
        for button in self._output_buttons():
            explain(button, False, "Make the report first (Make report, above).")
            outputs.addWidget(button)
        outputs.addStretch(1)
        self.feedback = FeedbackBar()
        self.message.connect(self.feedback.show_done)

        report_tab = QWidget()
        report_layout = QVBoxLayout(report_tab)
        report_layout.addWidget(choose)
        report_layout.addWidget(self.progress)
        report_layout.addWidget(self.preview, 1)
        report_layout.addWidget(self.feedback)
        report_layout.addLayout(outputs)
        self.actions_panel = ActionsPanel(actions, programmes)
        self.actions_panel.changed.connect(self.message)
        self.tabs = QTabWidget()
        self.tabs.addTab(report_tab, "Report")
        self.tabs.addTab(self.actions_panel, "You said, we did")

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Reports</h2>"))
        layout.addWidget(self.tabs, 1)
        today = QDate.currentDate()
        self.date_from.setDate(today.addMonths(-6))
        self.date_to.setDate(today)
        self.reload_events()

    def reload_events(self) -> None:
        chosen = self.event_choice.currentData()
        self.event_choice.clear()
        for row in self._events.list_events(When.PAST, include_cancelled=False):
            self.event_choice.addItem(f"{row.short_code} — {row.title}", row.id)
        for row in self._events.list_events(When.UPCOMING, include_cancelled=False):
            self.event_choice.addItem(f"{row.short_code} — {row.title} (to come)", row.id)
        if chosen:
            self.event_choice.setCurrentIndex(max(self.event_choice.findData(chosen), 0))

    def choose_event(self, event_id: str) -> None:
        self.one_event.setChecked(True)
        self.event_choice.setCurrentIndex(max(self.event_choice.findData(event_id), 0))

    def follow(self, current: CurrentEvent) -> None:
        """Report on the shared current event; choosing one here chooses it everywhere."""
        self._current = current
        self._current_changed(current.event_id)
        current.changed.connect(self._current_changed)

    def _current_changed(self, event_id: object) -> None:
        if isinstance(event_id, str):
            index = self.event_choice.findData(event_id)
            if index >= 0:
                self.event_choice.setCurrentIndex(index)

    def _event_chosen(self) -> None:
        value = self.event_choice.currentData()
        self.one_event.setChecked(True)
        if self._current is not None and value:
            self._current.choose(str(value))

    def _period(self) -> tuple[date | None, date | None]:
        if self.all_dates.isChecked():
            return None, None
        return _date(self.date_from.date()), _date(self.date_to.date())

    def make_report(self) -> Task | None:
        from engagement_desk.reports.event_report import render_event_report
        from engagement_desk.reports.html import event_report_html, programme_report_html
        from engagement_desk.reports.programme_report import render_programme_report
        from engagement_desk.reports.tables_xlsx import event_tables_xlsx, programme_tables_xlsx

        summaries, large = self._summaries, self.large_print.isChecked()
        if self.one_event.isChecked():
            event_id = self.event_choice.currentData()
            if not event_id:
                self._prompter.warn(self, "Reports", "Choose an event first.")
                return None

            def job(progress: Callable[[int, int], None], _c: Callable[[], bool]) -> MadeReport:
                progress(0, 3)
                summary = summaries.event_summary(str(event_id))
                progress(1, 3)
                pdf = render_event_report(summary, large_print=large)
                progress(2, 3)
                pages = render_pages(pdf)
                progress(3, 3)
                stem = f"summary-{summary.event.short_code}-{summary.event.date}"
                return MadeReport(
                    summary.event.title,
                    stem,
                    pdf,
                    event_report_html(summary),
                    pages,
                    event_tables_xlsx(summary),
                )
        else:
            date_from, date_to = self._period()

            def job(progress: Callable[[int, int], None], _c: Callable[[], bool]) -> MadeReport:
                progress(0, 3)
                summary = summaries.programme_summary(date_from, date_to)
                progress(1, 3)
                pdf = render_programme_report(summary, large_print=large)
                progress(2, 3)
                pages = render_pages(pdf)
                progress(3, 3)
                html = programme_report_html(summary)
                stem = file_name("programme-summary", day=date.today(), suffix="")
                tables = programme_tables_xlsx(summary)
                return MadeReport(summary.programme, stem, pdf, html, pages, tables)

        task = Task(job)
        task.signals.finished.connect(self._made)
        task.signals.failed.connect(lambda text: self._prompter.warn(self, "Reports", text))
        task.signals.failed.connect(lambda _text: self.make_button.setEnabled(True))
        self.make_button.setEnabled(False)
        self.preview.show_message("Making the report…")
        self.progress.follow(task, "Making the report…")
        self._task = start(task)
        return task

    def _made(self, report: MadeReport) -> None:
        self.report = report
        self.preview.show_pages(report.pages)
        for button in self._output_buttons():
            explain(button, True, "")
        self.make_button.setEnabled(True)
        self.message.emit(f"Report ready: {len(report.pages)} pages. Save or print it below.")
        self.report_ready.emit(report)

    def _save(self, suffix: str, file_filter: str, data: bytes) -> Path | None:
        assert self.report is not None
        target = self._prompter.save_path(
            self, "Save report", f"{self.report.file_stem}{suffix}", file_filter
        )
        if target is None:
            return None
        try:
            save_file(target, data)
        except UserError as exc:
            self._prompter.warn(self, "Save report", str(exc))
            return None
        text = f"Saved {target}."
        self.message.emit(text)
        self.feedback.show_saved(text, target)
        return target

    def save_pdf(self) -> Path | None:
        if self.report is None:
            return None
        return self._save(".pdf", "PDF files (*.pdf)", self.report.pdf)

    def _output_buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.save_pdf_button,
            self.save_html_button,
            self.save_xlsx_button,
            self.print_button,
        )

    def save_xlsx(self) -> Path | None:
        """The report's tables, exactly as printed, one sheet each, for analysts."""
        if self.report is None:
            return None
        return self._save("-tables.xlsx", "Excel workbooks (*.xlsx)", self.report.xlsx)

    def save_html(self) -> Path | None:
        if self.report is None:
            return None
        return self._save(".html", "Web pages (*.html)", self.report.html.encode("utf-8"))

    def print_report(self) -> int:
        if self.report is None:
            return 0
        printer = self._prompter.printer(self)
        if printer is None:
            return 0
        pages = print_pdf(self.report.pdf, printer)
        self.message.emit(f"Sent {pages} pages to the printer.")
        return pages
