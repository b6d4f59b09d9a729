"""Import registrations from a form or ticketing export: preview, map columns, check, import."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.importing import FIELD_LABELS, Field
from engagement_desk.services.imports import ImportPreview, ImportReport, ImportService
from engagement_desk.ui.progress import ProgressPanel
from engagement_desk.ui.workers import Task, start


class ImportDialog(QDialog):
    """Nothing is written until Import; a file with any problem imports nothing."""

    imported = Signal(object)

    def __init__(
        self,
        imports: ImportService,
        event_id: str,
        event_title: str,
        path: Path,
        preview: ImportPreview,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._imports = imports
        self._event_id = event_id
        self._path = path
        self._task: Task | None = None
        self.report: ImportReport | None = None
        self.setWindowTitle(f"Import into {event_title}")
        self.setAccessibleName(self.windowTitle())

        about = QLabel(
            f"<b>{preview.file_name}</b>: {preview.rows} rows. Check what each column is used "
            "for, then press <b>Check</b> to see what would happen. Nothing is written until "
            "you press <b>Import</b>."
        )
        about.setWordWrap(True)
        # One labelled choice per column of the file: a form, read in order by screen readers.
        self.choices: dict[str, QComboBox] = {}
        samples = [values for _row, values in preview.sample[:3]]
        form_body = QWidget()
        form = QFormLayout(form_body)
        for row, use in enumerate(preview.columns):
            choice = QComboBox()
            choice.setAccessibleName(f"Use column {use.header} as")
            for field in Field:
                choice.addItem(FIELD_LABELS[field], field.value)
            choice.setCurrentIndex(choice.findData((use.field or Field.IGNORE).value))
            firsts = ", ".join(v[row] for v in samples if row < len(v) and v[row])
            label = QLabel(f"<b>{escape(use.header)}</b><br><small>{escape(firsts[:60])}</small>")
            label.setBuddy(choice)
            form.addRow(label, choice)
            self.choices[use.header] = choice
        self.columns = QScrollArea()
        self.columns.setWidgetResizable(True)
        self.columns.setWidget(form_body)
        self.columns.setAccessibleName("Columns in the file and what each is used for")

        self.result = QPlainTextEdit()
        self.result.setReadOnly(True)
        self.result.setAccessibleName("What the import would do, or the problems to fix")
        self.result.setPlainText("\n".join(preview.problems))
        self.progress = ProgressPanel(self)

        self.check_button = QPushButton("&Check (changes nothing)")
        self.check_button.setAccessibleName("Check the file without importing")
        self.import_button = QPushButton("&Import")
        self.import_button.setAccessibleName("Import every row")
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.columns, 2)
        layout.addWidget(QLabel("Result:"))
        layout.addWidget(self.result, 1)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.resize(820, 640)

    def mapping(self) -> dict[str, str]:
        return {header: str(choice.currentData()) for header, choice in self.choices.items()}

    def run(self, *, dry_run: bool) -> Task:
        imports, event_id, path, mapping = self._imports, self._event_id, self._path, self.mapping()

        def job(
            progress: Callable[[int, int], None], cancelled: Callable[[], bool]
        ) -> ImportReport:
            return imports.import_file(
                event_id,
                path,
                mapping=mapping,
                dry_run=dry_run,
                progress=progress,
                should_cancel=cancelled,
            )

        task = Task(job)
        task.signals.finished.connect(self._finished)
        task.signals.failed.connect(self._failed)
        task.signals.cancelled.connect(
            lambda: self.result.setPlainText("Cancelled: nothing was imported.")
        )
        for button in (self.check_button, self.import_button):
            button.setEnabled(False)
        self.progress.follow(task, "Checking…" if dry_run else "Importing…")
        self._task = start(task)
        return task

    def _finished(self, report: ImportReport) -> None:
        self.report = report
        text = report.summary()
        if report.problems:
            text += "\n\n" + "\n".join(f"• {problem}" for problem in report.problems)
        self.result.setPlainText(text)
        self._enable()
        if report.imported:
            self.import_button.setEnabled(False)
            self.imported.emit(report)

    def _failed(self, message: str) -> None:
        self.result.setPlainText(message)
        self._enable()

    def _enable(self) -> None:
        for button in (self.check_button, self.import_button):
            button.setEnabled(True)
