"""Questions the app asks the user, behind one small interface so tests never block on a dialog."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QStandardPaths
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


def file_name(what: str, *parts: object, day: date | None = None, suffix: str) -> str:
    """A name that says what a file is and when: ``tickets-ABC123-2026-05-02.pdf``.
    Parts are event codes and the like; anything a file system dislikes becomes '-'."""
    words = [what, *(str(part) for part in parts if part)]
    if day is not None:
        words.append(day.isoformat())
    stem = "-".join(re.sub(r"[^A-Za-z0-9_.]+", "-", word).strip("-.") for word in words)
    return f"{stem or 'file'}{suffix}"


def documents_folder() -> Path:
    """Where save dialogs start: the user's Documents folder (home if there is none)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(location) if location else Path.home()


def start_path(suggested: str) -> str:
    """A bare suggested name starts in Documents, never in the folder the app ran from."""
    path = Path(suggested)
    return str(path if path.is_absolute() else documents_folder() / path)


class DialogPrompter:
    """The real thing: native file dialogs and message boxes."""

    def save_path(
        self, parent: QWidget, title: str, suggested: str, file_filter: str
    ) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, start_path(suggested), file_filter)
        return Path(chosen) if chosen else None

    def open_path(self, parent: QWidget, title: str, file_filter: str) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(parent, title, str(documents_folder()), file_filter)
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
