"""GUI fixtures: a scripted stand-in for dialogs, so no real modal dialog ever blocks a test."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget


@dataclass
class ScriptedPrompter:
    """Answers the app's questions as the test arranged, and remembers what was asked."""

    save_to: Path | None = None
    open_from: Path | None = None
    print_to: Path | None = None
    confirm_answer: bool = True
    text_answer: str | None = ""
    asked: list[tuple[str, str]] = field(default_factory=list)

    def save_path(
        self, parent: QWidget, title: str, suggested: str, file_filter: str
    ) -> Path | None:
        self.asked.append(("save_path", title))
        return self.save_to

    def open_path(self, parent: QWidget, title: str, file_filter: str) -> Path | None:
        self.asked.append(("open_path", title))
        return self.open_from

    def confirm(self, parent: QWidget, title: str, question: str) -> bool:
        self.asked.append(("confirm", question))
        return self.confirm_answer

    def text(self, parent: QWidget, title: str, label: str) -> str | None:
        self.asked.append(("text", label))
        return self.text_answer

    def printer(self, parent: QWidget) -> QPrinter | None:
        """A PDF 'printer', so a test can read back what was printed."""
        self.asked.append(("printer", ""))
        if self.print_to is None:
            return None
        chosen = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        chosen.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        chosen.setOutputFileName(str(self.print_to))
        return chosen

    def inform(self, parent: QWidget, title: str, message: str) -> None:
        self.asked.append(("inform", message))

    def warn(self, parent: QWidget, title: str, message: str) -> None:
        self.asked.append(("warn", message))


@pytest.fixture
def prompter() -> ScriptedPrompter:
    return ScriptedPrompter()
