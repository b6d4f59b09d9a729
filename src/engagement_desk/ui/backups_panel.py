"""Backups from the app: the list (when, why, size), Back up now…, Restore…, and the automatic
backups' timer (on start, on close, and every few minutes while check-ins are happening).

The panel is a widget for the Settings page; ``AutomaticBackups`` is owned by whoever runs
the app (the policy itself lives in services/backups.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engagement_desk.core.clock import Clock, to_local
from engagement_desk.services.backups import (
    CHECK_IN_INTERVAL_MINUTES,
    BackupResult,
    BackupService,
    KeptCopy,
    RestoreResult,
)
from engagement_desk.services.errors import UserError
from engagement_desk.ui.progress import ProgressPanel
from engagement_desk.ui.prompts import Prompter
from engagement_desk.ui.row_model import RowTableModel
from engagement_desk.ui.tables import make_table
from engagement_desk.ui.workers import Task, start

log = logging.getLogger(__name__)

BACKUP_FILTER = "Engagement Desk backups (*.sqlite3 *.db *.sqlite);;All files (*)"


def size_in_words(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size // 1024, 1)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def when_in_words(moment: datetime) -> str:
    local = to_local(moment)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


class BackupsModel(RowTableModel):
    COLUMNS = (
        ("When (UK time)", lambda c: when_in_words(c.made_at)),
        ("Why", lambda c: c.why),
        ("Size", lambda c: size_in_words(c.size)),
        ("File", lambda c: c.path.name),
    )


class BackupsPanel(QWidget):
    message = Signal(str)
    # A restore replaced the database: the pages should show its data (MainWindow.data_replaced).
    restored = Signal()
    backed_up = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        backups: BackupService,
        prompter: Prompter,
        clock: Clock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._backups = backups
        self._prompter = prompter
        self._clock = clock
        self._task: Task | None = None
        self.setAccessibleName("Backups")
        self.model = BackupsModel(self)
        self.table = make_table("Backups", self.model, main_column=3)
        self.table.setMinimumHeight(150)
        about = QLabel(
            "Engagement Desk backs up by itself when it opens and closes, before importing a "
            "pack or merging bundles, and every few minutes while people are being checked "
            "in (the last 20, and one a day for two weeks). Every backup is checked."
        )
        about.setWordWrap(True)
        self.where = QLabel(f"Kept in {backups.folder}" if backups.folder else "")
        self.where.setWordWrap(True)
        self.back_up_button = QPushButton("Back up &now…")
        self.back_up_button.setAccessibleName("Back up now to a folder or USB stick")
        self.restore_button = QPushButton("Rest&ore…")
        self.restore_button.setAccessibleName("Restore a backup")
        self.refresh_button = QPushButton("Re&fresh the list")
        self.back_up_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore)
        self.refresh_button.clicked.connect(self.refresh)
        self.progress = ProgressPanel()
        buttons = QHBoxLayout()
        for button in (self.back_up_button, self.restore_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.where)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        available = backups.folder is not None
        for button in (self.back_up_button, self.restore_button):
            button.setEnabled(available)
        if not available:
            self.where.setText(
                "This database is on a server (or in memory): back it up with the server's "
                "own tools."
            )
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self._backups.list_backups())

    def selected(self) -> KeptCopy | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        copy: KeptCopy = self.model.row_at(rows[0].row())
        return copy

    def back_up_now(self) -> Task | None:
        stamp = f"{to_local(self._clock()):%Y-%m-%d-%H%M}"
        target = self._prompter.save_path(
            self,
            "Back up now",
            f"engagement-desk-backup-{stamp}.sqlite3",
            BACKUP_FILTER,
        )
        if target is None:
            return None
        backups = self._backups

        def job(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> object:
            return backups.backup(target)

        task = Task(job)
        task.signals.finished.connect(self._backed_up)
        return self._run(task, "Backing up…", "Back up now")

    def _backed_up(self, result: BackupResult) -> None:
        text = f"Backed up to {result.path} ({size_in_words(result.size)}); the copy was checked."
        self.refresh()
        self.message.emit(text)
        self.backed_up.emit(text)

    def restore(self) -> Task | None:
        chosen = self.selected()
        if chosen is not None:
            source, when = chosen.path, f"the backup from {when_in_words(chosen.made_at)}"
        else:
            picked = self._prompter.open_path(self, "Restore a backup", BACKUP_FILTER)
            if picked is None:
                return None
            source, when = picked, f"the backup {picked.name}"
        if not self._prompter.confirm(
            self,
            "Restore a backup",
            f"Replace everything in this database (events, people, check-ins, votes, "
            f"comments, settings kept with it) with {when}? Anything added since then is "
            "replaced. The database as it is now is backed up first, so you can go back.",
        ):
            return None
        backups = self._backups

        def job(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> object:
            return backups.restore(source)

        task = Task(job)
        task.signals.finished.connect(self._restored)
        running = self._run(task, "Restoring…", "Restore a backup")
        self.progress.cancel_button.setEnabled(False)  # all or nothing: it finishes
        return running

    def _restored(self, result: RestoreResult) -> None:
        kept = (
            f" The database as it was is kept at {result.previous_backup}."
            if result.previous_backup
            else ""
        )
        text = f"Restored {result.restored_from.name}.{kept}"
        self.refresh()
        self.message.emit(text)
        self.restored.emit()

    def _run(self, task: Task, what: str, title: str) -> Task:
        self._task = task
        task.signals.failed.connect(lambda text: self._failed(title, text))
        for signal in (task.signals.finished, task.signals.failed, task.signals.cancelled):
            signal.connect(self._idle)
        self.back_up_button.setEnabled(False)
        self.restore_button.setEnabled(False)
        self.progress.follow(task, what)
        self.progress.cancel_button.setEnabled(True)
        return start(task)

    def _failed(self, title: str, text: str) -> None:
        self.failed.emit(text)
        self._prompter.warn(self, title, text)

    def _idle(self, *_: object) -> None:
        self._task = None
        self.back_up_button.setEnabled(True)
        self.restore_button.setEnabled(True)


class AutomaticBackups(QObject):
    """Runs the automatic backups: at start, every few minutes if check-ins happened, at close.

    Each runs in the background except the one at close (the app is going: it waits). A
    failure is logged and shown through ``failed``, never a crash.
    """

    made = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        backups: BackupService,
        interval_minutes: float = CHECK_IN_INTERVAL_MINUTES,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backups = backups
        self.timer = QTimer(self)
        self.timer.setInterval(int(interval_minutes * 60_000))
        self.timer.timeout.connect(self.during_check_in)
        self._task: Task | None = None

    @property
    def idle(self) -> bool:
        return self._task is None

    def at_start(self) -> Task:
        self.timer.start()
        return self._run(lambda: self._backups.automatic("start"))

    def during_check_in(self) -> Task | None:
        if self._task is not None:
            return None  # the last one is still going
        return self._run(self._backups.back_up_if_checking_in)

    def at_close(self) -> Path | None:
        self.timer.stop()
        try:
            result = self._backups.automatic("close")
        except UserError as exc:
            log.warning("automatic backup on close failed: %s", exc)
            return None
        return result.path if result else None

    def _run(self, work: Callable[[], BackupResult | None]) -> Task:
        def job(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> object:
            result = work()
            return str(result.path) if result else ""

        task = Task(job)
        for signal in (task.signals.finished, task.signals.failed):
            signal.connect(self._idle)  # first, so a slot of ``made`` may start the next
        task.signals.finished.connect(self._made)
        task.signals.failed.connect(self._failed)
        self._task = task
        return start(task)

    def _made(self, path: object) -> None:
        if path:
            self.made.emit(str(path))

    def _failed(self, text: str) -> None:
        log.warning("automatic backup failed: %s", text)
        self.failed.emit(text)

    def _idle(self, *_: object) -> None:
        self._task = None
