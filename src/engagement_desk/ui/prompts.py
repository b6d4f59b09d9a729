"""Questions the app asks the user, behind one small interface so tests never block on a dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget


class Prompter(Protocol):
    def save_path(
        self, parent: QWidget, title: str, suggested: str, file_filter: str
    ) -> Path | None: ...

    def open_path(self, parent: QWidget, title: str, file_filter: str) -> Path | None: ...

    def confirm(self, parent: QWidget, title: str, question: str) -> bool: ...

    def text(self, parent: QWidget, title: str, label: str) -> str | None: ...

    def inform(self, parent: QWidget, title: str, message: str) -> None: ...

    def printer(self, parent: QWidget) -> QPrinter | None: ...

    def warn(self, parent: QWidget, title: str, message: str) -> None: ...


class DialogPrompter:
    """The real thing: native file dialogs and message boxes."""

    def save_path(
        self, parent: QWidget, title: str, suggested: str, file_filter: str
    ) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
        return Path(chosen) if chosen else None

    def open_path(self, parent: QWidget, title: str, file_filter: str) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(parent, title, "", file_filter)
        return Path(chosen) if chosen else None

    def confirm(self, parent: QWidget, title: str, question: str) -> bool:
        answer = QMessageBox.question(parent, title, question)
        return answer == QMessageBox.StandardButton.Yes

    def text(self, parent: QWidget, title: str, label: str) -> str | None:
        value, ok = QInputDialog.getText(parent, title, label)
        return value if ok else None

    def printer(self, parent: QWidget) -> QPrinter | None:
        chosen = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(chosen, parent)
        return chosen if dialog.exec() == QDialog.DialogCode.Accepted else None

    def inform(self, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.information(parent, title, message)

    def warn(self, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.warning(parent, title, message)
