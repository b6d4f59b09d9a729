"""Voices: hear what parents say — dots, rankings, 100 points, paper tallies, comments,
webinar questions — and see the scores from the same summary the reports print."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.events import Problem
from engagement_desk.core.statuses import QuestionStatus
from engagement_desk.core.summary import METHOD_LABELS
from engagement_desk.services.errors import UserError, ValidationFailed
from engagement_desk.services.events import EventService, When
from engagement_desk.services.registrations import PeopleFilter, RegistrationService
from engagement_desk.services.summary import SummaryService
from engagement_desk.services.voices import CaptureSettings, VoiceService
from engagement_desk.services.webinars import STATUS_LABELS, WebinarService
from engagement_desk.ui.current_event import CurrentEvent
from engagement_desk.ui.feedback import FeedbackBar
from engagement_desk.ui.layouts import ContentScroll, FlowLayout, compact_combo
from engagement_desk.ui.priority_chart import PriorityChart
from engagement_desk.ui.problems import ProblemBanner
from engagement_desk.ui.prompts import Prompter
from engagement_desk.ui.questions_model import QuestionsModel
from engagement_desk.ui.tables import make_table
from engagement_desk.ui.voices_forms import (
    CommentForm,
    DotsForm,
    PointsForm,
    RankingForm,
    TallyForm,
    VoiceForm,
)

METHODS = ("dots", "ranking", "points", "comments")


class QuestionsPanel(QWidget):
    """The monthly webinar's Q&A log."""

    changed = Signal(str)

    def __init__(self, webinars: WebinarService, prompter: Prompter) -> None:
        super().__init__()
        self._webinars = webinars
        self._prompter = prompter
        self._event_id: str | None = None
        self.setAccessibleName("Webinar questions")
        self.problems = ProblemBanner()
        self.text = QLineEdit()
        self.text.setAccessibleName("Question as asked")
        self.text.setPlaceholderText("Type the question as it was asked")
        self.text.returnPressed.connect(self.add)
        self.theme = QComboBox()
        self.theme.setAccessibleName("Theme of the question")
        self.add_button = QPushButton("&Add question")
        self.add_button.clicked.connect(self.add)
        self.model = QuestionsModel(self)
        self.table = make_table(
            "Questions, most votes first", self.model, main_column=1, min_rows=2
        )
        self.upvote_button = QPushButton("&Vote up (+1)")
        self.upvote_button.setAccessibleName("Add one vote to the selected question")
        self.upvote_button.clicked.connect(self.upvote)
        self.status = QComboBox()
        self.status.setAccessibleName("Status of the selected question")
        for status in QuestionStatus:
            self.status.addItem(STATUS_LABELS[status], status.value)
        self.answer = QLineEdit()
        self.answer.setAccessibleName("Answer to the selected question")
        self.answer.setPlaceholderText("The answer given, or to be sent")
        self.answer_button = QPushButton("Save a&nswer")
        self.answer_button.clicked.connect(self.save_answer)
        self.attendance_button = QPushButton("Import attendance &file…")
        self.attendance_button.setAccessibleName(
            "Import the webinar platform's attendance file: checks in who came"
        )
        self.attendance_button.clicked.connect(self.import_attendance)
        self.table.selectionModel().selectionChanged.connect(self._selected)

        ask = QHBoxLayout()
        ask.addWidget(self.text, 3)
        ask.addWidget(self.theme, 1)
        ask.addWidget(self.add_button)
        answer = QHBoxLayout()
        answer.addWidget(self.upvote_button)
        answer.addWidget(self.status)
        answer.addWidget(self.answer, 1)
        answer.addWidget(self.answer_button)
        attendance = QHBoxLayout()
        attendance.addStretch(1)
        attendance.addWidget(self.attendance_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problems)
        layout.addLayout(ask)
        layout.addWidget(self.table, 1)
        layout.addLayout(answer)
        layout.addLayout(attendance)

    def import_attendance(self) -> str | None:
        """Both steps in one: a check that writes nothing, then the import if it is clean."""
        if self._event_id is None:
            return None
        path = self._prompter.open_path(
            self, "Webinar attendance", "Attendance exports (*.csv *.txt *.xlsx);;All files (*)"
        )
        if path is None:
            return None
        try:
            result = self._webinars.import_attendance(self._event_id, path)
        except UserError as exc:
            self._prompter.warn(self, "Webinar attendance", str(exc))
            return None
        text = result.summary()
        if result.problems:
            text += "\n\n" + "\n".join(f"• {problem}" for problem in result.problems)
            self._prompter.warn(self, "Webinar attendance", text)
        else:
            self._prompter.inform(self, "Webinar attendance", text)
            self.changed.emit(text.splitlines()[0])
        return text

    def set_event(self, event_id: str | None, themes: tuple[str, ...]) -> None:
        self._event_id = event_id
        self.theme.clear()
        self.theme.addItem("No theme", None)
        for theme in themes:
            self.theme.addItem(theme, theme)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self._webinars.questions(self._event_id) if self._event_id else [])

    def _question_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).id if rows else None

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            question = self.model.row_at(rows[0].row())
            self.status.setCurrentIndex(self.status.findData(question.status.value))
            self.answer.setText(question.answer)

    def _reselect(self, question_id: str) -> None:
        self.refresh()
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).id == question_id:
                self.table.selectRow(row)

    def add(self) -> None:
        if self._event_id is None:
            return
        try:
            question = self._webinars.add_question(
                self._event_id, self.text.text(), self.theme.currentData()
            )
        except UserError as exc:
            self.problems.show_problems([_problem(exc)])
            return
        self.problems.hide()
        self.text.clear()
        self._reselect(question.id)
        self.changed.emit("Question added.")

    def upvote(self) -> None:
        question_id = self._question_id()
        if question_id:
            self._webinars.upvote(question_id)
            self._reselect(question_id)

    def save_answer(self) -> None:
        question_id = self._question_id()
        if question_id is None:
            return
        try:
            self._webinars.set_status(
                question_id, QuestionStatus(self.status.currentData()), self.answer.text()
            )
        except UserError as exc:
            self.problems.show_problems([_problem(exc)])
            return
        self.problems.hide()
        self._reselect(question_id)
        self.changed.emit("Answer saved.")


def _problem(exc: UserError) -> Problem:
    if isinstance(exc, ValidationFailed) and exc.problems:
        return exc.problems[0]
    return Problem("form", str(exc))


class VoicesPage(QWidget):
    message = Signal(str)
    voices_changed = Signal()

    def __init__(
        self,
        events: EventService,
        voices: VoiceService,
        webinars: WebinarService,
        registrations: RegistrationService,
        summaries: SummaryService,
        prompter: Prompter,
        parent: QWidget | None = None,
        *,
        kiosk: Callable[[str], QWidget] | None = None,
        edit_priorities: Callable[[], QWidget] | None = None,
    ) -> None:
        """``kiosk(event_id)`` opens kiosk mode for an event (raising UserError if it can't);
        ``edit_priorities()`` opens the dialog for the priorities' easy-read words."""
        super().__init__(parent)
        self._events = events
        self._kiosk = kiosk
        self._edit_priorities = edit_priorities
        self._kiosk_window: QWidget | None = None
        self._voices = voices
        self._registrations = registrations
        self._summaries = summaries
        self._prompter = prompter
        self.setAccessibleName("Voices")
        self.forms: dict[str, VoiceForm] = {}
        self._current: CurrentEvent | None = None
        self._shown_event: str | None = None  # the event the forms below are for
        self.feedback = FeedbackBar()
        self.message.connect(self.feedback.show_done)

        self.event_choice = compact_combo(QComboBox())
        self.event_choice.setAccessibleName("Event")
        event_label = QLabel("&Event:")
        event_label.setBuddy(self.event_choice)
        self.event_choice.currentIndexChanged.connect(self._event_changed)

        self.settings_box = QGroupBox("How this event hears from people")
        self.method_boxes: dict[str, QCheckBox] = {}
        settings_row = FlowLayout(self.settings_box)  # wraps with large text
        for method in METHODS:
            box = QCheckBox(METHOD_LABELS.get(method, "Comments"))
            box.setAccessibleName(f"Use {box.text()}")
            settings_row.addWidget(box)
            self.method_boxes[method] = box
        self.dots = QSpinBox()
        self.dots.setRange(1, 50)
        self.dots.setAccessibleName("Dots per person")
        self.top_k = QSpinBox()
        self.top_k.setRange(1, 5)
        self.top_k.setAccessibleName("How many priorities each person ranks")
        for text, spin in (("Dots each:", self.dots), ("Rank top:", self.top_k)):
            number = QWidget()  # a label and its box stay together when the row wraps
            pair = QHBoxLayout(number)
            pair.setContentsMargins(0, 0, 0, 0)
            pair.addWidget(QLabel(text))
            pair.addWidget(spin)
            settings_row.addWidget(number)
        self.settings_button = QPushButton("Save settin&gs")
        self.settings_button.clicked.connect(self.save_settings)
        settings_row.addWidget(self.settings_button)
        self.kiosk_button = QPushButton("Start &kiosk…")
        self.kiosk_button.setAccessibleName(
            "Start kiosk mode on this laptop: parents check in and give views anonymously"
        )
        self.kiosk_button.clicked.connect(self.start_kiosk)
        self.kiosk_button.setVisible(kiosk is not None)
        settings_row.addWidget(self.kiosk_button)
        self.priorities_button = QPushButton("Priorities in p&lain words…")
        self.priorities_button.setAccessibleName(
            "Priorities in plain words: what parents read at the kiosk"
        )
        self.priorities_button.clicked.connect(self.open_priorities)
        self.priorities_button.setVisible(edit_priorities is not None)
        settings_row.addWidget(self.priorities_button)
        self.settings_problems = ProblemBanner()

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Ways of hearing from people")
        self.questions = QuestionsPanel(webinars, prompter)
        self.questions.changed.connect(self._saved)
        self.results = PriorityChart()
        self.result_method = QComboBox()
        self.result_method.setAccessibleName("Show scores for")
        self.result_method.currentIndexChanged.connect(self._show_result)
        results = QWidget()
        results_outer = QVBoxLayout(results)
        results_outer.setContentsMargins(0, 0, 0, 0)
        results_layout = QVBoxLayout()
        results_outer.addWidget(ContentScroll(results_layout))  # large text, small screen
        results_row = QHBoxLayout()
        results_row.addWidget(QLabel("Scores for:"))
        results_row.addWidget(self.result_method, 1)
        results_layout.addLayout(results_row)
        results_layout.addWidget(self.results, 1)
        self.results_tab = results

        top = QHBoxLayout()
        top.addWidget(QLabel("<h2>Voices</h2>"))
        top.addStretch(1)
        top.addWidget(event_label)
        top.addWidget(self.event_choice)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.feedback)
        layout.addWidget(self.settings_problems)
        layout.addWidget(self.settings_box)
        layout.addWidget(self.tabs, 1)
        self.reload_events()

    # ---- events and settings ---------------------------------------------------

    def reload_events(self) -> None:
        chosen = self.event_id()
        self.event_choice.blockSignals(True)
        self.event_choice.clear()
        for row in self._events.list_events(When.ALL, include_cancelled=False):
            self.event_choice.addItem(f"{row.short_code} — {row.title}", row.id)
        index = self.event_choice.findData(chosen) if chosen else self.event_choice.count() - 1
        self.event_choice.setCurrentIndex(max(index, 0))
        self.event_choice.blockSignals(False)
        self._event_changed()

    def choose_event(self, event_id: str) -> None:
        self.event_choice.setCurrentIndex(max(self.event_choice.findData(event_id), 0))

    def event_id(self) -> str | None:
        value = self.event_choice.currentData()
        return str(value) if value else None

    def follow(self, current: CurrentEvent) -> None:
        """Work on the shared current event; choosing one here chooses it everywhere."""
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

    def half_filled_forms(self) -> list[str]:
        return [title for title, form in self.forms.items() if form.is_half_filled()]

    def _event_changed(self) -> None:
        event_id = self.event_id()
        half_filled = self.half_filled_forms()
        if event_id != self._shown_event and half_filled:
            question = (
                f"The {', '.join(half_filled)} form on the Voices page is half filled and not "
                "saved. Change the event and lose it?"
            )
            if not self._prompter.confirm(self, "Change event", question):
                self.event_choice.blockSignals(True)
                self.event_choice.setCurrentIndex(
                    max(self.event_choice.findData(self._shown_event), 0)
                )
                self.event_choice.blockSignals(False)
                return
        self._shown_event = event_id
        if self._current is not None and event_id is not None:
            self._current.choose(event_id)
        self.settings_box.setEnabled(event_id is not None)
        if event_id is None:
            self.tabs.clear()
            return
        settings = self._voices.capture_settings(event_id)
        for method, box in self.method_boxes.items():
            box.setChecked(method in settings.methods)
        self.dots.setValue(settings.dots_per_person)
        self.top_k.setValue(settings.ranking_top_k)
        self._build_tabs(event_id, settings)

    def _build_tabs(self, event_id: str, settings: CaptureSettings) -> None:
        current = self.tabs.tabText(self.tabs.currentIndex())
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if widget is not None and widget not in (self.questions, self.results_tab):
                widget.deleteLater()
        v = self._voices
        makers = (
            ("dots", "&Dots", DotsForm, v.record_dots),
            ("ranking", "&Ranking", RankingForm, v.record_ranking),
            ("points", "100 &points", PointsForm, v.record_points),
            ("dots", "Paper &tally", TallyForm, v.add_tally),
            ("comments", "&Comments", CommentForm, v.add_comment),
        )
        attendees = [
            (row.registration_id, row.name)
            for row in self._registrations.search(event_id, "", PeopleFilter.CHECKED_IN, None)
        ]
        self.forms = {}
        for method, title, form_class, record in makers:
            if not settings.allows(method):
                continue
            form = form_class(event_id, settings, record)
            form.attendee.set_attendees(attendees)
            form.prompter = self._prompter
            form.mark_blank()
            form.saved.connect(self._saved)
            self.tabs.addTab(form, title)
            self.forms[title.replace("&", "")] = form
        self.tabs.addTab(self.questions, "&Questions")
        self.questions.set_event(event_id, settings.themes)
        self.tabs.addTab(self.results_tab, "Sc&ores")
        self.refresh_results()
        for index in range(self.tabs.count()):
            if self.tabs.tabText(index) == current:
                self.tabs.setCurrentIndex(index)

    def save_settings(self) -> None:
        event_id = self.event_id()
        if event_id is None:
            return
        methods = [m for m, box in self.method_boxes.items() if box.isChecked()]
        try:
            settings = self._voices.set_capture(
                event_id, methods, self.dots.value(), self.top_k.value()
            )
        except UserError as exc:
            self.settings_problems.show_problems([_problem(exc)])
            return
        self.settings_problems.hide()
        self._build_tabs(event_id, settings)
        self.message.emit("Capture settings saved.")

    def open_priorities(self) -> QWidget | None:
        if self._edit_priorities is None:
            return None
        dialog = self._edit_priorities()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def start_kiosk(self) -> QWidget | None:
        event_id = self.event_id()
        if event_id is None or self._kiosk is None:
            return None
        try:
            window = self._kiosk(event_id)
        except UserError as exc:
            self._prompter.warn(self, "Kiosk mode", str(exc))
            return None
        self._kiosk_window = window
        window.destroyed.connect(lambda: self.refresh_results())
        window.show()
        return window

    # ---- results ---------------------------------------------------------------

    def refresh_results(self) -> None:
        event_id = self.event_id()
        if event_id is None:
            return
        self._summary = self._summaries.event_summary(event_id)
        chosen = self.result_method.currentData()
        self.result_method.blockSignals(True)
        self.result_method.clear()
        for method in self._summary.methods:
            self.result_method.addItem(method.label, method.method)
        if chosen:
            self.result_method.setCurrentIndex(max(self.result_method.findData(chosen), 0))
        self.result_method.blockSignals(False)
        self._show_result()

    def _show_result(self) -> None:
        name = self.result_method.currentData()
        self.results.show_result(self._summary.method(str(name)) if name else None)

    def _saved(self, text: str) -> None:
        self.refresh_results()
        self.message.emit(text)
        self.voices_changed.emit()
