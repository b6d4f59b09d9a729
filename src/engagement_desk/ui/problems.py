"""The box at the top of a form that lists what must be fixed, and marks the fields."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from engagement_desk.core.events import Problem

ERROR_STYLE = "border: 2px solid #b00020;"


class ProblemBanner(QLabel):
    """Problems in words (never colour alone); each named field is outlined and described."""

    def __init__(self, fields: dict[str, QWidget] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.fields: dict[str, QWidget] = fields or {}
        self.setObjectName("problems")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName("Problems to fix before saving")
        self.setStyleSheet(
            "QLabel { background: #fdecea; color: #5f0010;"
            " border: 1px solid #b00020; padding: 8px; }"
        )
        self.hide()

    def show_problems(self, problems: list[Problem]) -> None:
        for widget in self.fields.values():
            widget.setStyleSheet("")
            widget.setAccessibleDescription("")
        for problem in problems:
            marked = self.fields.get(problem.field)
            if marked is not None:
                marked.setStyleSheet(ERROR_STYLE)
                marked.setAccessibleDescription(problem.message)
        heading = (
            "Please fix this before saving:"
            if len(problems) == 1
            else f"Please fix these {len(problems)} things before saving:"
        )
        self.setText("⚠ " + heading + "\n" + "\n".join(f"• {p.message}" for p in problems))
        self.show()
        first = self.fields.get(problems[0].field) if problems else None
        if first is not None:
            first.setFocus()
