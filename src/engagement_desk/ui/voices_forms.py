"""The Voices page's entry forms: dots, ranking, 100 points, paper tallies and comments.

Each form builds what the facilitator typed and hands it to VoiceService, which checks it;
problems come back in words and nothing is written until everything is right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.events import Problem
from engagement_desk.services.errors import UserError, ValidationFailed
from engagement_desk.services.voices import CaptureSettings
from engagement_desk.ui.forms import form_state
from engagement_desk.ui.layouts import ContentScroll, FlowLayout
from engagement_desk.ui.problems import ProblemBanner
from engagement_desk.ui.prompts import DialogPrompter, Prompter

Attendees = list[tuple[str, str]]  # (registration id, name) of people checked in


class AttendeeChoice(QComboBox):
    """Anonymous by default; linking a response to an attendee allows breakdowns."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Whose response (anonymous unless chosen)")
        self.set_attendees([])

    def set_attendees(self, attendees: Attendees) -> None:
        self.clear()
        self.addItem("Anonymous", None)
        for registration_id, name in attendees:
            self.addItem(name, registration_id)

    def registration_id(self) -> str | None:
        value = self.currentData()
        return str(value) if value else None


class VoiceForm(QWidget):
    """Shared parts: problem banner, attendee choice, Save button (Ctrl+Enter), saved signal,
    and Escape to clear a half-filled form (after asking)."""

    saved = Signal(str)
    CLEAR_QUESTION = "Clear this form? What you entered has not been saved and will be lost."

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(title)
        self.problems = ProblemBanner()
        self.attendee = AttendeeChoice()
        self.save_button = QPushButton("&Save")
        self.save_button.setAccessibleName(f"Save this {title.lower()}")
        self.save_button.clicked.connect(self.save)
        within = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Ctrl+Return"), self, self.save, within)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.discard, within)
        self.prompter: Prompter = DialogPrompter()
        self._blank: tuple[Any, ...] | None = None
        self.body = QVBoxLayout()
        fields = QVBoxLayout()
        fields.addLayout(self.body)
        fields.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.problems)
        # With large text on a small screen the questions scroll; Who and Save stay in view.
        layout.addWidget(ContentScroll(fields), 1)
        who = QHBoxLayout()  # one row, so the questions keep the room on a small screen
        who_label = QLabel("&Who:")
        who_label.setBuddy(self.attendee)
        who.addWidget(who_label)
        who.addWidget(self.attendee, 2)
        who.addWidget(self.save_button, 1)
        layout.addLayout(who)

    def mark_blank(self) -> None:
        """The form as it is now is empty: nothing to lose."""
        self._blank = form_state(self)

    def is_half_filled(self) -> bool:
        return self._blank is not None and form_state(self) != self._blank

    def discard(self) -> bool:
        """Escape: clear what was entered, asking first; True if the form is now empty."""
        if not self.is_half_filled():
            return True
        if not self.prompter.confirm(self, self.accessibleName(), self.CLEAR_QUESTION):
            return False
        self.problems.hide()
        self.clear()
        return True

    def save(self) -> None:
        try:
            message = self.submit()
        except ValidationFailed as failure:
            self.problems.show_problems(failure.problems)
            return
        except UserError as exc:
            self.problems.show_problems([Problem("form", str(exc))])
            return
        self.problems.hide()
        self.clear()
        self.saved.emit(message)

    def submit(self) -> str:  # pragma: no cover - each form has its own
        raise NotImplementedError

    def clear(self) -> None:  # pragma: no cover - each form has its own
        raise NotImplementedError


def _priority_spins(
    settings: CaptureSettings, maximum: int, accessible: str
) -> tuple[QGridLayout, dict[str, QSpinBox]]:
    grid = QGridLayout()
    spins: dict[str, QSpinBox] = {}
    for row, priority in enumerate(settings.priorities):
        spin = QSpinBox()
        spin.setRange(0, maximum)
        spin.setAccessibleName(f"{accessible} for {priority.title}")
        label = QLabel(f"{priority.position}. {priority.title}")
        label.setBuddy(spin)
        label.setWordWrap(True)
        grid.addWidget(label, row, 0)
        grid.addWidget(spin, row, 1)
        spins[priority.id] = spin
    return grid, spins


class DotsForm(VoiceForm):
    def __init__(self, event_id: str, settings: CaptureSettings, record: Callable[..., str]):
        super().__init__("Dot vote")
        self._event_id, self._settings, self._record = event_id, settings, record
        grid, self.spins = _priority_spins(settings, settings.dots_per_person, "Dots")
        self.left = QLabel()
        self.left.setAccessibleName("Dots left")
        for spin in self.spins.values():
            spin.valueChanged.connect(self._count)
        self.body.addWidget(QLabel(f"Each person has {settings.dots_per_person} dots to place."))
        self.body.addLayout(grid)
        self.body.addWidget(self.left)
        self._count()

    def _count(self) -> None:
        used = sum(spin.value() for spin in self.spins.values())
        left = self._settings.dots_per_person - used
        self.left.setText(
            f"{left} dot{'s' if left != 1 else ''} left" if left >= 0 else f"{-left} too many"
        )

    def submit(self) -> str:
        allocations = {pid: spin.value() for pid, spin in self.spins.items()}
        self._record(self._event_id, allocations, self.attendee.registration_id())
        return "Dot vote saved."

    def clear(self) -> None:
        for spin in self.spins.values():
            spin.setValue(0)
        self.attendee.setCurrentIndex(0)


class RankingForm(VoiceForm):
    """A rank for each priority, chosen with the keyboard: focus a row and press 1, 2, 3…"""

    def __init__(self, event_id: str, settings: CaptureSettings, record: Callable[..., str]):
        super().__init__("Ranking")
        self._event_id, self._settings, self._record = event_id, settings, record
        self.ranks: dict[str, QComboBox] = {}
        grid = QGridLayout()
        for row, priority in enumerate(settings.priorities):
            choice = QComboBox()
            choice.setAccessibleName(f"Rank for {priority.title}")
            choice.addItem("Not ranked", 0)
            for place in range(1, settings.ranking_top_k + 1):
                choice.addItem(f"{place}", place)
            label = QLabel(f"{priority.position}. {priority.title}")
            label.setBuddy(choice)
            label.setWordWrap(True)
            grid.addWidget(label, row, 0)
            grid.addWidget(choice, row, 1)
            self.ranks[priority.id] = choice
        self.body.addWidget(
            QLabel(
                f"Give their top {settings.ranking_top_k}: 1 for what matters most. "
                "Tab to a priority and press its number."
            )
        )
        self.body.addLayout(grid)

    def set_rank(self, priority_id: str, place: int) -> None:
        box = self.ranks[priority_id]
        box.setCurrentIndex(max(box.findData(place), 0))

    def submit(self) -> str:
        chosen = [(box.currentData(), pid) for pid, box in self.ranks.items() if box.currentData()]
        chosen.sort()
        places = [place for place, _ in chosen]
        if len(set(places)) != len(places):
            repeated = sorted({p for p in places if places.count(p) > 1})
            raise ValidationFailed(
                [
                    Problem(
                        "ranking",
                        f"Place {repeated[0]} is given to more than one priority; "
                        "each place goes to one priority.",
                    )
                ]
            )
        if places and places != list(range(1, len(places) + 1)):
            raise ValidationFailed(
                [Problem("ranking", "Use places 1, 2, 3… in order without gaps.")]
            )
        ranked = [pid for _, pid in chosen]
        self._record(self._event_id, ranked, self.attendee.registration_id())
        return "Ranking saved."

    def clear(self) -> None:
        for box in self.ranks.values():
            box.setCurrentIndex(0)
        self.attendee.setCurrentIndex(0)


class PointsForm(VoiceForm):
    def __init__(self, event_id: str, settings: CaptureSettings, record: Callable[..., str]):
        super().__init__("100 points")
        self._event_id, self._record = event_id, record
        grid, self.spins = _priority_spins(settings, 100, "Points")
        self.total = QLabel()
        self.total.setAccessibleName("Total points")
        for spin in self.spins.values():
            spin.valueChanged.connect(self._count)
        self.body.addWidget(QLabel("Share 100 points across the priorities."))
        self.body.addLayout(grid)
        self.body.addWidget(self.total)
        self._count()

    def _count(self) -> None:
        total = sum(spin.value() for spin in self.spins.values())
        mark = "✔" if total == 100 else "✖"
        self.total.setText(f"{mark} Total: {total} of 100")

    def submit(self) -> str:
        points = {pid: spin.value() for pid, spin in self.spins.items()}
        self._record(self._event_id, points, self.attendee.registration_id())
        return "100 points saved."

    def clear(self) -> None:
        for spin in self.spins.values():
            spin.setValue(0)
        self.attendee.setCurrentIndex(0)


class TallyForm(VoiceForm):
    """Dots counted off a paper dot wall at the end: one priority at a time, with a note."""

    def __init__(self, event_id: str, settings: CaptureSettings, record: Callable[..., str]):
        super().__init__("Paper tally")
        self._event_id, self._record = event_id, record
        self.attendee.hide()
        self.priority = QComboBox()
        self.priority.setAccessibleName("Priority on the dot wall")
        for priority in settings.priorities:
            self.priority.addItem(f"{priority.position}. {priority.title}", priority.id)
        self.dots = QSpinBox()
        self.dots.setRange(0, 100_000)
        self.dots.setAccessibleName("Dots counted")
        self.note = QLineEdit()
        self.note.setAccessibleName("Note (optional)")
        self.note.setPlaceholderText("e.g. counted by Sam, main hall wall")
        form = QFormLayout()
        for text, widget in (
            ("Pr&iority", self.priority),
            ("Dots co&unted", self.dots),
            ("&Note", self.note),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.body.addLayout(form)

    def submit(self) -> str:
        self._record(
            self._event_id, str(self.priority.currentData()), self.dots.value(), self.note.text()
        )
        return f"Tally of {self.dots.value()} dots saved for {self.priority.currentText()}."

    def clear(self) -> None:
        self.dots.setValue(0)
        self.note.clear()


class CommentForm(VoiceForm):
    """Quick entry for typing up sticky notes: words, themes, and whether we may quote them."""

    def __init__(self, event_id: str, settings: CaptureSettings, record: Callable[..., str]):
        super().__init__("Comment")
        self._event_id, self._record = event_id, record
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("What they said")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("Type their words as they wrote or said them")
        self.themes: dict[str, QCheckBox] = {}
        grid = FlowLayout()  # as many to a line as fit, at any text size
        for theme in settings.themes:
            box = QCheckBox(theme)
            box.setAccessibleName(f"Theme: {theme}")
            grid.addWidget(box)
            self.themes[theme] = box
        self.quote = QCheckBox("They are happy for their words to be quoted (without a name)")
        self.quote.setAccessibleName(self.quote.text())
        label = QLabel("T&heir words:")
        label.setBuddy(self.text)
        self.body.addWidget(label)
        self.body.addWidget(self.text, 1)
        self.body.addWidget(QLabel("Themes:"))
        self.body.addLayout(grid)
        self.body.addWidget(self.quote)

    def submit(self) -> str:
        themes = [name for name, box in self.themes.items() if box.isChecked()]
        registration = self.attendee.registration_id()
        # A linked comment follows the person's own consent; an anonymous one, this box.
        permission = (
            self.quote.isChecked()
            if registration is None
            else (None if self.quote.isChecked() else False)
        )
        self._record(self._event_id, self.text.toPlainText(), themes, registration, permission)
        return "Comment saved."

    def clear(self) -> None:
        self.text.clear()
        for box in self.themes.values():
            box.setChecked(False)
        self.quote.setChecked(False)
        self.attendee.setCurrentIndex(0)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)
