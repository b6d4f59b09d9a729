"""Staff write each priority in plain words for parents: the words the kiosk shows.

The forum's short titles ("Communities prevent escalation") mean little to a parent at a kiosk;
each priority here shows its title and the council's aim, with a box for the easy-read words.
An empty box shows the title at the kiosk. Saving is all or nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.services.errors import UserError
from engagement_desk.services.programmes import EASY_READ_LENGTH, ProgrammeService


class PrioritiesDialog(QDialog):
    def __init__(self, programmes: ProgrammeService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._programmes = programmes
        self.setWindowTitle("Priorities in plain words")
        self.setAccessibleName(self.windowTitle())
        intro = QLabel(
            "Parents at the kiosk read these words instead of the priorities' short titles. "
            f"Write each one as a short sentence a parent can take in at a glance (up to "
            f"{EASY_READ_LENGTH} characters). Leave a box empty to show the title."
        )
        intro.setWordWrap(True)
        self.priorities = programmes.current().priorities
        self.fields: dict[str, QLineEdit] = {}
        rows = QWidget()
        grid = QGridLayout(rows)
        grid.setColumnStretch(0, 1)
        for index, priority in enumerate(self.priorities):
            title = QLabel(f"&{priority.position}. {priority.title}")
            title.setTextFormat(Qt.TextFormat.PlainText)
            title.setStyleSheet("font-weight: bold;")
            aim = QLabel(priority.description)
            aim.setTextFormat(Qt.TextFormat.PlainText)
            aim.setWordWrap(True)
            field = QLineEdit(priority.easy_read)
            field.setPlaceholderText(priority.title)
            field.setAccessibleName(f"Easy-read words for {priority.title}")
            field.setAccessibleDescription(f"The council's aim: {priority.description}")
            title.setBuddy(field)
            self.fields[priority.id] = field
            grid.addWidget(title, index * 3, 0)
            grid.addWidget(aim, index * 3 + 1, 0)
            grid.addWidget(field, index * 3 + 2, 0)
            grid.setRowMinimumHeight(index * 3 + 2, field.sizeHint().height() + 8)
        area = QScrollArea()
        area.setWidget(rows)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet("font-weight: bold;")
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setAccessibleName("Save the easy-read words")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(area, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(760, 640)
        if self.priorities:
            self.fields[self.priorities[0].id].setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        changed = {
            p.id: self.fields[p.id].text()
            for p in self.priorities
            if self.fields[p.id].text() != p.easy_read
        }
        try:
            if changed:
                self._programmes.set_easy_reads(changed)
        except UserError as problem:
            self.problem.setText(f"⚠ {problem}")
            self.problem.setAccessibleName(str(problem))
            self.problem.show()
            return
        self.accept()
