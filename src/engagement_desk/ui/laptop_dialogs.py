"""The Laptops page's dialogs: typing a passphrase, what a pack holds, bringing in bundles.

Passphrases are typed here and handed straight to the service; they are never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.clock import Clock, format_when
from engagement_desk.services.errors import UserError
from engagement_desk.services.files import read_user_file, save_file
from engagement_desk.services.packs import (
    Bundle,
    MergeResult,
    OpenedPack,
    PackService,
    describe_counts,
    merge_report,
    passphrase_hint,
)
from engagement_desk.ui.progress import ProgressPanel
from engagement_desk.ui.prompts import Prompter
from engagement_desk.ui.row_model import RowTableModel
from engagement_desk.ui.tables import make_table
from engagement_desk.ui.workers import Task, start

# A sealed file bigger than this is not one of ours; refuse before reading it all.
MAX_SEALED_BYTES = 600 * 1024 * 1024
SEALED_FILTER = "Engagement Desk files (*.edpack *.edbundle);;All files (*)"


def read_sealed(path: Path, what: str) -> bytes:
    return read_user_file(path, what, MAX_SEALED_BYTES)


class PassphraseDialog(QDialog):
    """Type a passphrase (twice when sealing a file), with a plain strength hint."""

    def __init__(self, title: str, about: str, *, twice: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._twice = twice
        intro = QLabel(about)
        intro.setWordWrap(True)
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName("Passphrase")
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName("Passphrase again")
        self.show_text = QPushButton("S&how")
        self.show_text.setCheckable(True)
        self.show_text.setAccessibleName("Show the passphrase as you type")
        self.show_text.toggled.connect(self._show)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Passphrase strength")
        form = QFormLayout()
        first_row = QHBoxLayout()
        first_row.addWidget(self.first, 1)
        first_row.addWidget(self.show_text)
        label = QLabel("&Passphrase")
        label.setBuddy(self.first)
        form.addRow(label, first_row)
        if twice:
            again = QLabel("Type it &again")
            again.setBuddy(self.second)
            form.addRow(again, self.second)
        else:
            self.second.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.first.textChanged.connect(self._check)
        self.second.textChanged.connect(self._check)
        self._check()
        self.resize(520, self.sizeHint().height())

    @property
    def passphrase(self) -> str:
        return self.first.text()

    def clear(self) -> None:
        """Forget what was typed (the passphrase is never kept)."""
        self.first.clear()
        self.second.clear()

    def _show(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.first.setEchoMode(mode)
        self.second.setEchoMode(mode)

    def _check(self) -> None:
        usable, hint = passphrase_hint(self.first.text())
        if not self.first.text():
            usable = False
        if self._twice and usable and self.second.text() != self.first.text():
            usable = False
            hint += " The two passphrases are not the same yet."
        if not self._twice:
            # Opening a file: its passphrase is whatever it was made with; no strength talk.
            usable = bool(self.first.text())
            hint = "Type the passphrase the file was made with (ask whoever made it)."
        self.hint.setText(hint)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(usable)


class PackPreviewDialog(QDialog):
    """What an event pack holds, before anything is imported."""

    def __init__(self, path: Path, pack: OpenedPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set up this laptop from a pack")
        self.setAccessibleName(self.windowTitle())
        self.pack = pack
        c = pack.contents
        lines = [
            f"<b>{escape(c.event_title)}</b> ({escape(c.event_code)})",
            escape(format_when(c.starts_at, c.ends_at)),
            escape(c.venue_name) if c.venue_name else "Online",
            f"Programme: {escape(c.programme_name)}",
            f"{c.registrations} registration{'' if c.registrations == 1 else 's'}, "
            f"{c.people} {'person' if c.people == 1 else 'people'} (names and access needs "
            "only)",
            f"Made by {escape(c.made_by)}",
        ]
        if c.tombstones:
            lines.append(
                f"{c.tombstones} {'person' if c.tombstones == 1 else 'people'} erased at the "
                "office: erased on this laptop too, if it has them"
            )
        self.summary = QLabel("<br>".join(lines))
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What the pack holds")
        note = QLabel(
            f"From {escape(path.name)}. Importing adds this event to this laptop so it can check "
            "tickets at the door (it cannot make new ones). This database is backed up first."
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setAccessibleName("Import the pack")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())


class BundlePreviewModel(RowTableModel):
    COLUMNS = (
        ("File", lambda row: row[0]),
        ("Laptop", lambda row: row[1].device_name),
        ("Adds", lambda row: describe_counts(row[1].added)),
        ("To look at", lambda row: _to_look_at(row[1])),
    )


def _to_look_at(result: MergeResult) -> str:
    notes: list[str] = []
    if result.same_person_twice:
        count = len(result.same_person_twice)
        notes.append(f"{count} {'person' if count == 1 else 'people'} booked twice")
    if result.same_email:
        notes.append(f"{len(result.same_email)} sharing an email with someone here")
    if result.second_admissions:
        notes.append(f"{result.second_admissions} admitted on two laptops")
    erased = result.erased_not_restored + result.kept_without_erased
    if erased:
        notes.append(f"{erased} about people erased here (kept without them)")
    if result.details_updated:
        count = result.details_updated
        notes.append(f"details of {count} {'person' if count == 1 else 'people'} changed there")
    if result.conflicts:
        count = len(result.conflicts)
        notes.append(f"{count} {'detail' if count == 1 else 'details'} changed on both sides")
    if result.total_added == 0 and not result.details_updated:
        notes.append("nothing new: merged before")
    return "; ".join(notes) or "nothing"


class MergeDialog(QDialog):
    """Choose the laptops' bundle files, see what each would add, merge, keep the report."""

    previewed = Signal()
    merged = Signal()
    failed = Signal(str)

    def __init__(
        self,
        packs: PackService,
        prompter: Prompter,
        now: Clock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._packs = packs
        self._prompter = prompter
        self._now = now
        self._task: Task | None = None
        self._bundles: list[tuple[str, Bundle]] = []
        self.report = ""
        self.setWindowTitle("Bring in laptops' bundles")
        self.setAccessibleName(self.windowTitle())

        intro = QLabel(
            "Add the bundle file from each venue laptop, type the passphrase they were made "
            "with, and press <b>Preview</b> to see what each adds. Nothing changes until you "
            "press <b>Merge</b> (this database is backed up first)."
        )
        intro.setWordWrap(True)
        self.files = QListWidget()
        self.files.setAccessibleName("Bundle files")
        self.add_button = QPushButton("&Add a bundle file…")
        self.remove_button = QPushButton("&Remove")
        self.add_button.clicked.connect(self.add_file)
        self.remove_button.clicked.connect(self._remove)
        file_buttons = QVBoxLayout()
        file_buttons.addWidget(self.add_button)
        file_buttons.addWidget(self.remove_button)
        file_buttons.addStretch(1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.files, 1)
        file_row.addLayout(file_buttons)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase of the bundles")
        passphrase_label = QLabel("&Passphrase")
        passphrase_label.setBuddy(self.passphrase)
        passphrase_row = QHBoxLayout()
        passphrase_row.addWidget(passphrase_label)
        passphrase_row.addWidget(self.passphrase, 1)
        self.model = BundlePreviewModel(self)
        self.table = make_table("What each bundle adds", self.model, main_column=2)
        self.table.setMinimumHeight(110)
        self.result_text = QPlainTextEdit()
        self.result_text.setReadOnly(True)
        self.result_text.setAccessibleName("Merge report")
        self.result_text.setPlaceholderText("The report of what was merged appears here.")
        self.progress = ProgressPanel()
        self.preview_button = QPushButton("Pre&view")
        self.merge_button = QPushButton("&Merge")
        self.save_button = QPushButton("&Save the report…")
        self.close_button = QPushButton("&Close")
        self.preview_button.clicked.connect(self.preview)
        self.merge_button.clicked.connect(self.merge)
        self.save_button.clicked.connect(self.save_report)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.merge_button, self.save_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row, 1)
        layout.addLayout(passphrase_row)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.result_text, 2)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self._enable()
        self.passphrase.textChanged.connect(self._forget_preview)
        self.resize(820, 600)

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def add_file(self) -> None:
        path = self._prompter.open_path(self, "Add a laptop's bundle", SEALED_FILTER)
        if path is None or path in self.paths():
            return
        self.files.addItem(str(path))
        self._forget_preview()

    def _remove(self) -> None:
        row = self.files.currentRow()
        if row >= 0:
            self.files.takeItem(row)
            self._forget_preview()

    def _forget_preview(self) -> None:
        self._bundles = []
        self.model.set_rows([])
        self._enable()

    def _enable(self) -> None:
        busy = self._task is not None
        self.preview_button.setEnabled(not busy and bool(self.paths()))
        self.merge_button.setEnabled(not busy and bool(self._bundles))
        self.save_button.setEnabled(not busy and bool(self.report))
        self.add_button.setEnabled(not busy)
        self.remove_button.setEnabled(not busy)

    def preview(self) -> Task | None:
        paths = self.paths()
        passphrase = self.passphrase.text()
        if not paths:
            return None
        packs = self._packs

        def job(
            progress: Callable[[int, int], None], cancelled: Callable[[], bool]
        ) -> tuple[list[tuple[str, Bundle]], list[MergeResult]]:
            opened: list[tuple[str, Bundle]] = []
            for number, path in enumerate(paths):
                if cancelled():
                    return [], []
                progress(number, len(paths) + 1)
                try:
                    bundle = packs.open_bundle(read_sealed(path, "bundle file"), passphrase)
                except UserError as exc:
                    raise UserError(f"{path.name}: {exc}") from exc
                opened.append((path.name, bundle))
            results = packs.preview_merge([bundle for _, bundle in opened])
            return opened, results

        task = Task(job)
        task.signals.finished.connect(self._previewed)
        return self._run(task, "Opening and checking the bundles…")

    def _previewed(self, outcome: tuple[list[tuple[str, Bundle]], list[MergeResult]]) -> None:
        opened, results = outcome
        self._bundles = opened
        self.model.set_rows(
            [(name, result) for (name, _), result in zip(opened, results, strict=True)]
        )
        twice = [t for r in results for t in r.same_person_twice]
        self.result_text.setPlainText(
            "Preview (nothing merged yet):\n"
            + "\n".join(
                f"{name}: {describe_counts(r.added)}"
                for (name, _), r in zip(opened, results, strict=True)
            )
            + (
                f"\n{len(twice)} {'person is' if len(twice) == 1 else 'people are'} booked twice "
                "for one event (made on different laptops); both bookings will be kept."
                if twice
                else ""
            )
        )
        self._done()
        self.previewed.emit()

    def merge(self) -> Task | None:
        if not self._bundles:
            return None
        opened = list(self._bundles)
        packs = self._packs

        def job(
            progress: Callable[[int, int], None], _cancelled: Callable[[], bool]
        ) -> list[tuple[str, MergeResult]]:
            # Each bundle is all or nothing; once merging starts it runs to the end.
            results = packs.merge_bundles([bundle for _, bundle in opened], progress)
            return [(name, result) for (name, _), result in zip(opened, results, strict=True)]

        task = Task(job)
        task.signals.finished.connect(self._merged)
        running = self._run(task, "Merging the bundles…")
        self.progress.cancel_button.setEnabled(False)
        return running

    def _merged(self, results: list[tuple[str, MergeResult]]) -> None:
        self._bundles = []
        self.passphrase.blockSignals(True)  # keep the preview's rows on show
        self.passphrase.clear()
        self.passphrase.blockSignals(False)
        self.report = merge_report(results, self._now())
        self.result_text.setPlainText(self.report)
        self._done()
        self.merged.emit()

    def save_report(self) -> Path | None:
        if not self.report:
            return None
        target = self._prompter.save_path(
            self, "Save the merge report", "merge-report.txt", "Text files (*.txt)"
        )
        if target is None:
            return None
        try:
            save_file(target, self.report.encode("utf-8"))
        except UserError as exc:
            self._prompter.warn(self, "Save the merge report", str(exc))
            return None
        return target

    def _run(self, task: Task, what: str) -> Task:
        self._task = task
        task.signals.failed.connect(self._failed)
        for signal in (task.signals.finished, task.signals.failed, task.signals.cancelled):
            signal.connect(self._done)
        self.progress.follow(task, what)
        self.progress.cancel_button.setEnabled(True)
        self._enable()
        return start(task)

    def _failed(self, text: str) -> None:
        self.result_text.setPlainText(text)
        self.failed.emit(text)
        self._prompter.warn(self, self.windowTitle(), text)

    def _done(self, *_: object) -> None:
        self._task = None
        self._enable()
