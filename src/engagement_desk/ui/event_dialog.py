"""Create or edit an event: details, venue with its access, online link, capacity, agenda."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QSize, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.clock import local_to_utc, to_local, wall_clock_problem
from engagement_desk.core.events import (
    EventDraft,
    Problem,
    VenueDraft,
    format_agenda,
    parse_agenda,
)
from engagement_desk.core.statuses import EventKind
from engagement_desk.services.errors import ValidationFailed
from engagement_desk.services.events import EventDetail, EventService, VenueInfo
from engagement_desk.ui.forms import GuardedDialog
from engagement_desk.ui.layouts import ContentScroll, fit_on_screen, text_lines
from engagement_desk.ui.problems import ProblemBanner
from engagement_desk.ui.prompts import Prompter

DATE_FORMAT = "ddd d MMM yyyy  HH:mm"


def _to_qt(moment: datetime) -> QDateTime:
    local = to_local(moment)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def _wall_clock(value: QDateTime) -> datetime:
    day, clock = value.date(), value.time()
    return datetime(day.year(), day.month(), day.day(), clock.hour(), clock.minute())


def _from_qt(value: QDateTime) -> datetime:
    return local_to_utc(_wall_clock(value))


class EventDialog(GuardedDialog):
    """Saves through EventService; shows every problem in words beside a marked field.
    Opens with the title field ready for typing; Escape asks before losing changes."""

    def __init__(
        self,
        events: EventService,
        *,
        now: datetime,
        detail: EventDetail | None = None,
        parent: QWidget | None = None,
        prompter: Prompter | None = None,
    ) -> None:
        super().__init__(parent, prompter=prompter)
        self._events = events
        self._detail = detail
        self.saved: EventDetail | None = None
        self._venues: dict[str, VenueInfo] = {v.name.lower(): v for v in events.venues()}
        self.setWindowTitle("Edit event" if detail else "New event")
        self.setAccessibleName(self.windowTitle())
        self._build()
        if detail is not None:
            self._load(detail.draft)
        else:
            start = (to_local(now) + timedelta(days=7)).replace(hour=10, minute=0)
            self.starts.setDateTime(_to_qt(start))
            self.ends.setDateTime(_to_qt(start + timedelta(hours=2)))
        self._kind_changed()
        self.mark_unchanged(self.title)

    # ---- construction --------------------------------------------------

    def _build(self) -> None:
        self.problems = ProblemBanner()

        self.title = QLineEdit()
        self.title.setAccessibleName("Event title")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of event")
        for kind in EventKind:
            self.kind.addItem(kind.label, kind.value)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.starts = QDateTimeEdit()
        self.starts.setAccessibleName("Starts (UK time)")
        self.ends = QDateTimeEdit()
        self.ends.setAccessibleName("Ends (UK time)")
        for edit in (self.starts, self.ends):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(DATE_FORMAT)
        self.starts.dateTimeChanged.connect(self._keep_end_after_start)
        self.capacity = QLineEdit()
        self.capacity.setAccessibleName("Capacity")
        self.capacity.setPlaceholderText("No limit")
        self.online_link = QLineEdit()
        self.online_link.setAccessibleName("Online link")
        self.online_link.setPlaceholderText("https://…")
        self.description = QPlainTextEdit()
        self.description.setAccessibleName("Description")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(text_lines(self.description, 3) + 12)

        details = QFormLayout()
        details.addRow(self._label("&Title", self.title), self.title)
        details.addRow(self._label("&Kind", self.kind), self.kind)
        details.addRow(self._label("&Starts", self.starts), self.starts)
        details.addRow(self._label("&Ends", self.ends), self.ends)
        details.addRow(self._label("Ca&pacity", self.capacity), self.capacity)
        details.addRow(self._label("Online &link", self.online_link), self.online_link)
        details.addRow(self._label("&Description", self.description), self.description)

        self.venue_box = QGroupBox("Venue and its access")
        self.venue_name = QComboBox()
        self.venue_name.setEditable(True)
        self.venue_name.setAccessibleName("Venue name")
        self.venue_name.addItem("")
        for venue in sorted(self._venues.values(), key=lambda v: v.name):
            self.venue_name.addItem(venue.name)
        self.venue_name.currentTextChanged.connect(self._venue_chosen)
        self.address = QLineEdit()
        self.address.setAccessibleName("Venue address")
        self.postcode = QLineEdit()
        self.postcode.setAccessibleName("Venue postcode")
        self.access = {
            "step_free": QCheckBox("Step-free access"),
            "hearing_loop": QCheckBox("Hearing loop"),
            "accessible_toilet": QCheckBox("Accessible toilet"),
            "quiet_room": QCheckBox("Quiet room"),
            "parking": QCheckBox("Parking"),
        }
        self.venue_notes = QLineEdit()
        self.venue_notes.setAccessibleName("Venue access notes")
        self.venue_notes.setPlaceholderText("e.g. use the side entrance; lift to the first floor")
        venue_form = QFormLayout(self.venue_box)
        venue_form.addRow(self._label("&Venue", self.venue_name), self.venue_name)
        venue_form.addRow(self._label("&Address", self.address), self.address)
        venue_form.addRow(self._label("Post&code", self.postcode), self.postcode)
        grid = QGridLayout()
        for n, box in enumerate(self.access.values()):
            box.setAccessibleName(box.text())
            grid.addWidget(box, n // 3, n % 3)
        venue_form.addRow("Access", grid)
        venue_form.addRow(self._label("Access &notes", self.venue_notes), self.venue_notes)

        self.agenda = QPlainTextEdit()
        self.agenda.setAccessibleName("Agenda, one item per line")
        self.agenda.setPlaceholderText("10:00 Welcome and introductions\n10:15 The five priorities")
        self.agenda.setTabChangesFocus(True)
        self.agenda.setFixedHeight(text_lines(self.agenda, 4) + 12)
        agenda_box = QGroupBox("A&genda (one item per line, optionally starting with a time)")
        agenda_layout = QVBoxLayout(agenda_box)
        agenda_layout.addWidget(self.agenda)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save event")

        layout = QVBoxLayout()
        layout.addWidget(self.problems)
        layout.addLayout(details)
        layout.addWidget(self.venue_box)
        layout.addWidget(agenda_box)
        scroll = ContentScroll(layout)  # up and down on a small screen, never sideways
        outer = QVBoxLayout(self)
        outer.addWidget(scroll)
        outer.addWidget(buttons)
        fit_on_screen(self, QSize(max(640, self.sizeHint().width()), 720))
        self.problems.fields = {
            "title": self.title,
            "kind": self.kind,
            "starts_at": self.starts,
            "ends_at": self.ends,
            "capacity": self.capacity,
            "venue": self.venue_name,
            "online_link": self.online_link,
            "agenda": self.agenda,
        }

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    # ---- behaviour -----------------------------------------------------

    def _kind_changed(self) -> None:
        webinar = self.kind.currentData() == EventKind.WEBINAR.value
        self.venue_box.setTitle(
            "Venue and its access (not needed for a webinar)" if webinar else "Venue and its access"
        )
        self.online_link.setEnabled(True)

    def _keep_end_after_start(self, start: QDateTime) -> None:
        if self.ends.dateTime() <= start:
            self.ends.setDateTime(start.addSecs(2 * 3600))

    def _venue_chosen(self, name: str) -> None:
        venue = self._venues.get(name.strip().lower())
        if venue is None:
            return
        self.address.setText(venue.address)
        self.postcode.setText(venue.postcode)
        for attribute, box in self.access.items():
            box.setChecked(bool(getattr(venue, attribute)))
        self.venue_notes.setText(venue.notes)

    def _load(self, draft: EventDraft) -> None:
        self.title.setText(draft.title)
        self.kind.setCurrentIndex(max(self.kind.findData(draft.kind), 0))
        self.starts.setDateTime(_to_qt(draft.starts_at))
        self.ends.setDateTime(_to_qt(draft.ends_at))
        self.capacity.setText("" if draft.capacity is None else str(draft.capacity))
        self.online_link.setText(draft.online_link)
        self.description.setPlainText(draft.description)
        if draft.venue is not None:
            self.venue_name.setCurrentText(draft.venue.name)
            self.address.setText(draft.venue.address)
            self.postcode.setText(draft.venue.postcode)
            for attribute, box in self.access.items():
                box.setChecked(bool(getattr(draft.venue, attribute)))
            self.venue_notes.setText(draft.venue.notes)
        self.agenda.setPlainText(format_agenda(draft.agenda))

    def draft(self) -> tuple[EventDraft | None, list[Problem]]:
        """What the form says, or the problems that stop it being an event draft."""
        problems: list[Problem] = []
        capacity: int | None = None
        text = self.capacity.text().strip()
        if text:
            try:
                capacity = int(text)
            except ValueError:
                problems.append(
                    Problem(
                        "capacity", "Capacity must be a whole number; leave it empty for no limit."
                    )
                )
        for field, box in (("starts_at", self.starts), ("ends_at", self.ends)):
            # A time the clocks skip or repeat at a UK clock change is refused, not guessed.
            trouble = wall_clock_problem(_wall_clock(box.dateTime()))
            if trouble is not None:
                problems.append(Problem(field, trouble))
        starts, ends = _from_qt(self.starts.dateTime()), _from_qt(self.ends.dateTime())
        agenda, agenda_problems = parse_agenda(self.agenda.toPlainText(), to_local(starts).date())
        problems.extend(agenda_problems)
        name = self.venue_name.currentText().strip()
        venue = (
            VenueDraft(
                name=name,
                address=self.address.text(),
                postcode=self.postcode.text(),
                notes=self.venue_notes.text(),
                **{key: box.isChecked() for key, box in self.access.items()},
            )
            if name
            else None
        )
        if problems:
            return None, problems
        return (
            EventDraft(
                title=self.title.text(),
                kind=str(self.kind.currentData()),
                starts_at=starts,
                ends_at=ends,
                venue=venue,
                online_link=self.online_link.text(),
                capacity=capacity,
                description=self.description.toPlainText(),
                agenda=agenda,
            ),
            [],
        )

    def save(self) -> None:
        draft, problems = self.draft()
        if draft is not None:
            try:
                if self._detail is None:
                    self.saved = self._events.create(draft)
                else:
                    self.saved = self._events.update(self._detail.id, draft)
            except ValidationFailed as failure:
                problems = failure.problems
        if problems:
            self.show_problems(problems)
            return
        self.accept()

    def show_problems(self, problems: list[Problem]) -> None:
        self.problems.show_problems(problems)
