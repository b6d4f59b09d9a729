"""Form habits every dialog and page shares: the first field has the focus when a form
opens, Escape on a changed form asks before throwing the typing away, and a button that
cannot be used says why."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from engagement_desk.ui.prompts import DialogPrompter, Prompter

DISCARD_QUESTION = "Close without saving? What you typed in this form will be lost."


def form_state(root: QWidget) -> tuple[Any, ...]:
    """What the user can change in ``root``'s fields, in a form that compares equal when
    nothing was changed (text, ticks, choices, numbers and dates)."""
    state: list[Any] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            if isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
                continue  # the box's own editor: the box is read below
            state.append(widget.text())
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            state.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            state.append(widget.currentText() if widget.isEditable() else widget.currentIndex())
        elif isinstance(widget, QDateTimeEdit):
            state.append(widget.dateTime().toString(Qt.DateFormat.ISODate))
        elif isinstance(widget, QAbstractSpinBox):
            state.append(widget.text())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state.append(widget.isChecked())
    return tuple(state)


class GuardedDialog(QDialog):
    """A dialog whose first field takes the focus when it opens, and which asks before
    Escape (or the window's close button, or Cancel) throws away changes.

    Subclasses build their fields, then call ``mark_unchanged(first_field)``."""

    def __init__(self, parent: QWidget | None = None, *, prompter: Prompter | None = None):
        super().__init__(parent)
        self._prompter: Prompter = prompter or DialogPrompter()
        self._unchanged: tuple[Any, ...] | None = None
        self._first_field: QWidget | None = None

    def mark_unchanged(self, first_field: QWidget | None = None) -> None:
        """The form as it is now counts as unchanged; ``first_field`` gets the focus."""
        self._unchanged = form_state(self)
        if first_field is not None:
            self._first_field = first_field
            first_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_changed(self) -> bool:
        return self._unchanged is not None and form_state(self) != self._unchanged

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._first_field is not None and not event.spontaneous():
            self._first_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        if self.is_changed() and not self._prompter.confirm(
            self, self.windowTitle(), DISCARD_QUESTION
        ):
            return
        super().reject()


def explain(widget: QWidget, enabled: bool, why_not: str) -> None:
    """Enable ``widget``, or disable it with a tooltip saying what to do first. The
    widget's own tooltip (set before the first call) comes back when it is enabled."""
    if widget.property("usualToolTip") is None:
        widget.setProperty("usualToolTip", widget.toolTip())
    widget.setEnabled(enabled)
    usual = str(widget.property("usualToolTip"))
    widget.setToolTip(usual if enabled else why_not)
    widget.setAccessibleDescription("" if enabled else why_not)
