"""The first start: what the app is for, a way to try it with demo data, and the few steps
before an event. Shown on the Events page while the database has no events."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.services.demo import DemoResult, DemoService
from engagement_desk.ui.progress import ProgressPanel
from engagement_desk.ui.workers import Task, start

ABOUT = (
    "Engagement Desk runs parent and carer engagement events for the SEND programme: "
    "the events and their venues, who is coming, checking people in at the door (it works "
    "without the internet), what parents say matters most, and the summaries for the forum."
)
STEPS = (
    "<b>Create the event</b>: <i>New event…</i> at the bottom of this page.",
    "<b>Import the people</b> who booked: People page, <i>Import a form export…</i>",
    "<b>Send their tickets</b>: People page, <i>Tickets PDF…</i> (each has a QR code).",
    "<b>Make a venue pack</b> for each laptop at the door (Laptops page), so check-in "
    "works offline.",
)


class WelcomePanel(QFrame):
    """``demo_filled`` once demo data is in; ``set_up`` when the user starts for real."""

    demo_filled = Signal(object)  # DemoResult
    set_up = Signal()

    def __init__(
        self,
        demo: DemoService,
        warn: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._demo = demo
        self._warn = warn
        self._task: Task | None = None
        self.setObjectName("welcome")
        self.setAccessibleName("Welcome")
        self.setFrameShape(QFrame.Shape.StyledPanel)

        heading = QLabel("<h2>Welcome to Engagement Desk</h2>")
        about = QLabel(ABOUT)
        about.setWordWrap(True)
        self.demo_button = QPushButton("&Try it with demo data")
        self.demo_button.setAccessibleName(
            "Try it with demo data: fills this database with made-up events and people"
        )
        self.demo_button.clicked.connect(self.fill_demo)
        self.set_up_button = QPushButton("&Set up your programme")
        self.set_up_button.setAccessibleName("Set up your programme: start with your first event")
        self.set_up_button.clicked.connect(self.set_up)
        demo_note = QLabel(
            "Demo data is made up (no real people) and shows every page at work. Use a "
            "separate data folder for it, or start again with a new one, before real events."
        )
        demo_note.setWordWrap(True)
        steps = QLabel(
            "<p><b>Before an event</b></p><ol>" + "".join(f"<li>{s}</li>" for s in STEPS) + "</ol>"
        )
        steps.setWordWrap(True)
        steps.setTextFormat(Qt.TextFormat.RichText)
        steps.setAccessibleName("The steps before an event")
        self.progress = ProgressPanel(self)

        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.set_up_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addLayout(buttons)
        layout.addWidget(demo_note)
        layout.addWidget(self.progress)
        layout.addWidget(steps)
        layout.addStretch(1)
        self.setFocusProxy(self.demo_button)

    def fill_demo(self) -> Task:
        """Fill the database with demo data in the background."""
        demo = self._demo

        def job(progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> DemoResult:
            progress(0, 1)
            result = demo.fill()
            progress(1, 1)
            return result

        task = Task(job)
        task.signals.finished.connect(self._filled)
        task.signals.failed.connect(self._failed)
        for button in (self.demo_button, self.set_up_button):
            button.setEnabled(False)
        self.progress.follow(task, "Adding demo events and people…")
        self._task = start(task)
        return task

    def _filled(self, result: DemoResult) -> None:
        for button in (self.demo_button, self.set_up_button):
            button.setEnabled(True)
        self.demo_filled.emit(result)

    def _failed(self, text: str) -> None:
        for button in (self.demo_button, self.set_up_button):
            button.setEnabled(True)
        self._warn(text)
