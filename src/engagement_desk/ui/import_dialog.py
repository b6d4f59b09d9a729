"""Import registrations from a form or ticketing export: preview, map columns, check, import."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
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

from engagement_desk.core.importing import FIELD_LABELS, ColumnUse, Field
from engagement_desk.services.errors import UserError
from engagement_desk.services.imports import ImportPreview, ImportReport, ImportService
from engagement_desk.ui.layouts import fit_on_screen
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
        self._preview = preview
        self._chosen: dict[str, str] = {}  # only the columns the user changed
        self._task: Task | None = None
        self.report: ImportReport | None = None
        self.setWindowTitle(f"Import into {event_title}")
        self.setAccessibleName(self.windowTitle())

        about = QLabel(
            f"<b>{escape(preview.file_name)}</b>: {preview.rows} rows. Check what each column "
            "is used for, then press <b>Check</b> to see what would happen. Nothing is written "
            "until you press <b>Import</b>."
        )
        about.setWordWrap(True)
        # Which column gives the name, the email and the status, and why: in words, because a
        # wrong guess here would print the wrong name on every ticket.
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setAccessibleName("How the columns are used")
        # One labelled choice per column of the file: a form, read in order by screen readers.
        self.choices: dict[str, QComboBox] = {}
        self._labels: dict[str, QLabel] = {}
        self._samples = [values for _row, values in preview.sample[:3]]
        form_body = QWidget()
        form = QFormLayout(form_body)
        for use in preview.columns:
            choice = QComboBox()
            choice.setAccessibleName(f"Use column {use.header} as")
            for field in Field:
                choice.addItem(FIELD_LABELS[field], field.value)
            choice.activated.connect(lambda _index, header=use.header: self._user_chose(header))
            # No buddy: a rich-text label with a buddy turns any '&' of its HTML (an
            # apostrophe is '&#x27;') into a shortcut letter, and the combo box is named.
            label = QLabel()
            form.addRow(label, choice)
            self.choices[use.header] = choice
            self._labels[use.header] = label
        self.columns = QScrollArea()
        self.columns.setWidgetResizable(True)
        self.columns.setWidget(form_body)
        self.columns.setAccessibleName("Columns in the file and what each is used for")

        self.outcome_text = QPlainTextEdit()
        self.outcome_text.setReadOnly(True)
        self.outcome_text.setAccessibleName("What the import would do, or the problems to fix")
        self.progress = ProgressPanel(self)
        self._show(preview)

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
        layout.addWidget(self.explanation)
        layout.addWidget(self.columns, 2)
        layout.addWidget(QLabel("Result:"))
        layout.addWidget(self.outcome_text, 1)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        fit_on_screen(self, QSize(820, 640))
        # Opens on the first column's choice: the first thing to check.
        next(iter(self.choices.values()), self.check_button).setFocus()

    def mapping(self) -> dict[str, str]:
        """The columns the user changed; the rest are left to the importer's own choice, so
        its reasons still hold when the file is checked and imported."""
        return dict(self._chosen)

    def _user_chose(self, header: str) -> None:
        self._chosen[header] = str(self.choices[header].currentData())
        try:
            preview = self._imports.replan(self._preview, self._chosen)
        except UserError as exc:
            self.outcome_text.setPlainText(str(exc))
            return
        self._show(preview)

    def _show(self, preview: ImportPreview) -> None:
        """Each column's use and the reasons, as the importer now sees them."""
        self._preview = preview
        for index, use in enumerate(preview.columns):
            choice = self.choices[use.header]
            if use.header not in self._chosen:
                choice.setCurrentIndex(choice.findData((use.field or Field.IGNORE).value))
            self._labels[use.header].setText(self._label_text(index, use))
            # Screen readers hear why a column was set aside, as sighted users read it.
            choice.setAccessibleDescription(f"Not used: {use.reason}" if use.set_aside else "")
        lines = [*preview.choices]
        if preview.not_booked:
            lines.append(preview.not_booked)
        self.explanation.setText(
            "<ul style='margin-left: 0'>"
            + "".join(f"<li>{escape(line)}</li>" for line in lines)
            + "</ul>"
            if lines
            else ""
        )
        self.explanation.setVisible(bool(lines))
        self.outcome_text.setPlainText("\n".join(preview.problems))

    def _label_text(self, index: int, use: ColumnUse) -> str:
        firsts = ", ".join(v[index] for v in self._samples if index < len(v) and v[index])
        text = f"<b>{escape(use.header)}</b><br><small>{escape(firsts[:60])}</small>"
        if use.set_aside:
            text += f"<br><small><i>Not used: {escape(use.reason)}</i></small>"
        return text

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
            lambda: self.outcome_text.setPlainText("Cancelled: nothing was imported.")
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
        self.outcome_text.setPlainText(text)
        self._enable()
        if report.imported:
            self.import_button.setEnabled(False)
            self.imported.emit(report)

    def _failed(self, message: str) -> None:
        self.outcome_text.setPlainText(message)
        self._enable()

    def _enable(self) -> None:
        for button in (self.check_button, self.import_button):
            button.setEnabled(True)
