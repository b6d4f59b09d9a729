"""A walk-in at the door: ask consent in plain words, then a name (or count them anonymously)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.services.errors import ValidationFailed
from engagement_desk.services.registrations import RegistrationInfo, RegistrationService
from engagement_desk.ui.forms import GuardedDialog
from engagement_desk.ui.layouts import WrappingLabel
from engagement_desk.ui.problems import ProblemBanner
from engagement_desk.ui.prompts import Prompter

QUICK_NEEDS = (
    "BSL or other interpreter",
    "wheelchair access",
    "hearing loop",
    "quiet space",
    "carer or PA attending",
    "large print",
)


class WalkInDialog(GuardedDialog):
    """Two routes, both a keystroke or two: 'Yes, keep my name' or 'No, just count me'."""

    def __init__(
        self,
        registrations: RegistrationService,
        event_id: str,
        event_title: str,
        parent: QWidget | None = None,
        prompter: Prompter | None = None,
    ) -> None:
        super().__init__(parent, prompter=prompter)
        self._registrations = registrations
        self._event_id = event_id
        self.saved: RegistrationInfo | None = None
        self.setWindowTitle(f"Walk-in: {event_title}")
        self.setAccessibleName(self.windowTitle())

        question = WrappingLabel(  # the dialog is never made shorter than its lines
            "<p style='font-size:large'>Ask: <b>“Is it all right if we write down your name "
            "for today's list?”</b></p><p>If not, they are still welcome: we just count them.</p>"
        )
        question.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setAccessibleName("Walk-in's full name")
        self.email = QLineEdit()
        self.email.setAccessibleName("Email (optional)")
        self.postcode = QLineEdit()
        self.postcode.setAccessibleName("Postcode (optional)")
        grid = QGridLayout()
        self.needs: dict[str, QCheckBox] = {}
        for n, need in enumerate(QUICK_NEEDS):
            box = QCheckBox(need[0].upper() + need[1:])
            box.setAccessibleName(box.text())
            grid.addWidget(box, n // 3, n % 3)
            self.needs[need] = box
        form = QFormLayout()
        for text, widget in (
            ("&Name", self.name),
            ("&Email", self.email),
            ("Post&code", self.postcode),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow("Access needs", grid)
        self.problems = ProblemBanner({"full_name": self.name, "email": self.email})

        self.keep_button = QPushButton("&Yes — save their name and check in")
        self.keep_button.setAccessibleName("Yes, they agree: save their name and check them in")
        self.keep_button.setDefault(True)
        self.anonymous_button = QPushButton("N&o — count them without a name")
        self.anonymous_button.setAccessibleName("No: check them in without keeping any details")
        buttons = QDialogButtonBox()
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.anonymous_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        self.keep_button.clicked.connect(self.save_named)
        self.anonymous_button.clicked.connect(self.save_anonymous)

        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addWidget(self.problems)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.mark_unchanged(self.name)

    def save_named(self) -> None:
        try:
            self.saved = self._registrations.walk_in(
                self._event_id,
                self.name.text(),
                self.email.text() or None,
                consent_store=True,
                postcode=self.postcode.text(),
                access_needs=[need for need, box in self.needs.items() if box.isChecked()],
            )
        except ValidationFailed as failure:
            self.problems.show_problems(failure.problems)
            return
        self.accept()

    def save_anonymous(self) -> None:
        self.saved = self._registrations.walk_in(self._event_id, "", consent_store=False)
        self.accept()
