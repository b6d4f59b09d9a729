"""Laptops: take an event to a venue laptop and bring back what it captured, without a terminal.

Four steps, each a button: make a venue pack (office), set up this laptop from a pack
(venue), send back what this laptop captured (venue), bring in laptops' bundles (office).
Sealing and opening files takes a few seconds (the passphrase is stretched on purpose), so
each step runs in the background with progress and Cancel.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.clock import Clock, to_local
from engagement_desk.services.events import EventService, When
from engagement_desk.services.files import save_file
from engagement_desk.services.packs import (
    BundleExport,
    OpenedPack,
    PackExport,
    PackImport,
    PackService,
    describe_counts,
)
from engagement_desk.ui.laptop_dialogs import (
    SEALED_FILTER,
    MergeDialog,
    PackPreviewDialog,
    PassphraseDialog,
    read_sealed,
)
from engagement_desk.ui.layouts import ContentScroll
from engagement_desk.ui.progress import ProgressPanel
from engagement_desk.ui.prompts import Prompter
from engagement_desk.ui.workers import Task, start

D = TypeVar("D", bound=QDialog)


def _step(title: str, about: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    box.setAccessibleName(title)
    text = QLabel(about)
    text.setWordWrap(True)
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    layout = QVBoxLayout(box)
    layout.addWidget(text)
    layout.addLayout(row)
    return box


class LaptopsPage(QWidget):
    message = Signal(str)
    # The database changed under the other pages (a pack imported, bundles merged).
    data_changed = Signal()
    # Each step's outcome in words: for the status bar, and for tests to wait on.
    work_done = Signal(str)
    work_failed = Signal(str)

    def __init__(
        self,
        events: EventService,
        packs: PackService,
        prompter: Prompter,
        clock: Clock,
        device_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._events = events
        self._packs = packs
        self._prompter = prompter
        self._clock = clock
        self._device_name = device_name
        self._task: Task | None = None
        self.dialog: QDialog | None = None  # the dialog of the step in progress
        self.setAccessibleName("Laptops")

        self.event_choice = QComboBox()
        self.event_choice.setAccessibleName("Event to take to a venue")
        self.event_choice.setMinimumContentsLength(30)
        self.make_pack_button = QPushButton("&Make a venue pack…")
        self.make_pack_button.clicked.connect(self.make_pack)
        self.set_up_button = QPushButton("Set &up this laptop from a pack…")
        self.set_up_button.clicked.connect(self.set_up_from_pack)
        self.send_back_button = QPushButton("Save &what this laptop captured…")
        self.send_back_button.clicked.connect(self.send_back)
        self.bring_in_button = QPushButton("&Bring in laptops' bundles…")
        self.bring_in_button.clicked.connect(self.bring_in_bundles)
        for button, name in (
            (self.make_pack_button, "Make a venue pack"),
            (self.set_up_button, "Set up this laptop from a pack"),
            (self.send_back_button, "Send back what this laptop captured"),
            (self.bring_in_button, "Bring in laptops' bundles"),
        ):
            button.setAccessibleName(name)
        self.progress = ProgressPanel()
        self.last_result = QLabel()
        self.last_result.setWordWrap(True)
        self.last_result.setAccessibleName("What was done")

        heading = QLabel("<h2>Laptops</h2>")
        intro = QLabel(
            "Take an event to a laptop at the venue, and bring back what it captured. Files "
            "are locked with a passphrase you type each time (it is never stored): give it "
            "to the facilitator separately, not with the USB stick."
        )
        intro.setWordWrap(True)
        steps = QVBoxLayout()
        steps.addWidget(heading)
        steps.addWidget(intro)
        steps.addWidget(
            _step(
                "1. Make a venue pack (in the office)",
                "Everything a venue laptop needs for one event: the event, its venue and "
                "agenda, who is booked (names and access needs only) and the key to check "
                "tickets, which cannot make new ones.",
                QLabel("Event:"),
                self.event_choice,
                self.make_pack_button,
            )
        )
        steps.addWidget(
            _step(
                "2. Set up this laptop from a pack (at the venue)",
                "Choose the pack file from the USB stick and type its passphrase; you see "
                "what it holds before anything is imported.",
                self.set_up_button,
            )
        )
        steps.addWidget(
            _step(
                "3. Send back what this laptop captured (after the event)",
                f"Saves everything {device_name} captured (check-ins, walk-ins, votes, "
                "comments, questions) in one locked file for the office.",
                self.send_back_button,
            )
        )
        steps.addWidget(
            _step(
                "4. Bring in laptops' bundles (in the office)",
                "Choose the bundle from each laptop; see what each adds and anyone booked "
                "twice; then merge and keep the report.",
                self.bring_in_button,
            )
        )
        steps.addWidget(self.last_result)
        steps.addStretch(1)
        scroll = ContentScroll(steps)  # the steps scroll with large text on a small screen
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.progress)
        self.setFocusProxy(self.event_choice)  # arriving on the page (Ctrl+7) lands here
        self.reload_events()

    def reload_events(self) -> None:
        chosen = self.event_choice.currentData()
        self.event_choice.clear()
        for event in self._events.list_events(When.UPCOMING, include_cancelled=False):
            when = to_local(event.starts_at)
            self.event_choice.addItem(
                f"{event.title} ({event.short_code}), {when:%a} {when.day} {when:%b %Y}",
                event.id,
            )
        index = self.event_choice.findData(chosen)
        self.event_choice.setCurrentIndex(max(index, 0))
        self.make_pack_button.setEnabled(self.event_choice.count() > 0 and self._task is None)

    # ---- 1. make a venue pack ---------------------------------------------

    def make_pack(self) -> PassphraseDialog | None:
        event_id = self.event_choice.currentData()
        if event_id is None:
            self._prompter.inform(
                self, "Make a venue pack", "There is no event still to come to make a pack for."
            )
            return None
        dialog = PassphraseDialog(
            "Make a venue pack",
            f"Choose a passphrase to lock the pack for {self.event_choice.currentText()}. "
            "The facilitator types it on the venue laptop.",
            twice=True,
            parent=self,
        )
        dialog.accepted.connect(lambda: self._save_pack(event_id, dialog))
        return self._show(dialog)

    def _save_pack(self, event_id: str, dialog: PassphraseDialog) -> None:
        passphrase = dialog.passphrase
        dialog.clear()
        stamp = f"{to_local(self._clock()):%Y-%m-%d}"
        target = self._prompter.save_path(
            self, "Save the venue pack", f"venue-pack-{stamp}.edpack", SEALED_FILTER
        )
        if target is None:
            return
        packs = self._packs

        def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> str:
            pack: PackExport = packs.export_pack(event_id, passphrase)
            if cancelled():
                return ""
            save_file(target, pack.data)
            return (
                f"Saved the venue pack for {pack.event_title} ({pack.event_code}) to {target}: "
                f"{_count(pack.registrations, 'registration')}. Give the passphrase to the "
                "facilitator separately."
            )

        self._run(job, "Making the venue pack…", "Make a venue pack")

    # ---- 2. set up this laptop from a pack ----------------------------------

    def set_up_from_pack(self) -> PassphraseDialog | None:
        path = self._prompter.open_path(self, "Choose the venue pack", SEALED_FILTER)
        if path is None:
            return None
        dialog = PassphraseDialog(
            "Set up this laptop from a pack",
            f"Type the passphrase for {path.name}.",
            twice=False,
            parent=self,
        )
        dialog.accepted.connect(lambda: self._open_pack(path, dialog))
        return self._show(dialog)

    def _open_pack(self, path: Path, dialog: PassphraseDialog) -> None:
        passphrase = dialog.passphrase
        dialog.clear()
        packs = self._packs

        def job(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> object:
            return packs.open_pack(read_sealed(path, "venue pack"), passphrase)

        self._run(
            job,
            "Opening the pack…",
            "Set up this laptop from a pack",
            quiet=True,
            then=lambda pack: self._show_pack(path, pack),
        )

    def _show_pack(self, path: Path, pack: Any) -> None:
        assert isinstance(pack, OpenedPack)
        dialog = PackPreviewDialog(path, pack, self)
        dialog.accepted.connect(lambda: self._take_pack(pack))
        self._show(dialog)

    def _take_pack(self, pack: OpenedPack) -> None:
        packs = self._packs

        def job(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> str:
            taken: PackImport = packs.take_pack(pack)
            erased = (
                f" {_count(taken.erased, 'person', 'people')} erased at the office were erased "
                "here too."
                if taken.erased
                else ""
            )
            return (
                f"This laptop is set up for {taken.event_title} ({taken.event_code}): "
                f"{_count(taken.registrations, 'registration')}. It can check tickets now." + erased
            )

        # One transaction: once started it finishes, so no Cancel.
        self._run(
            job,
            "Importing the pack…",
            "Set up this laptop from a pack",
            then=lambda _text: self._data_changed(),
            cancellable=False,
        )

    # ---- 3. send back what this laptop captured -----------------------------

    def send_back(self) -> PassphraseDialog | None:
        dialog = PassphraseDialog(
            "Send back what this laptop captured",
            "Choose a passphrase to lock the bundle. Whoever merges it in the office types it.",
            twice=True,
            parent=self,
        )
        dialog.accepted.connect(lambda: self._save_bundle(dialog))
        return self._show(dialog)

    def _save_bundle(self, dialog: PassphraseDialog) -> None:
        passphrase = dialog.passphrase
        dialog.clear()
        stamp = f"{to_local(self._clock()):%Y-%m-%d-%H%M}"
        name = "".join(c if c.isalnum() else "-" for c in self._device_name)[:40] or "laptop"
        target = self._prompter.save_path(
            self,
            "Save what this laptop captured",
            f"bundle-{name}-{stamp}.edbundle",
            SEALED_FILTER,
        )
        if target is None:
            return
        packs = self._packs

        def job(_progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> str:
            bundle: BundleExport = packs.export_bundle(passphrase)
            if cancelled():
                return ""
            save_file(target, bundle.data)
            return (
                f"Saved what {bundle.device_name} captured to {target}: "
                f"{describe_counts(bundle.counts)}."
            )

        self._run(job, "Making the bundle…", "Send back what this laptop captured")

    # ---- 4. bring in laptops' bundles ---------------------------------------

    def bring_in_bundles(self) -> MergeDialog:
        dialog = MergeDialog(self._packs, self._prompter, self._clock, self)
        dialog.merged.connect(self._data_changed)
        dialog.merged.connect(lambda: self.work_done.emit("Merged the bundles."))
        dialog.merged.connect(lambda: self._said("Merged the bundles; the report is kept."))
        self._show(dialog)
        return dialog

    # ---- running steps ------------------------------------------------------

    def _show(self, dialog: D) -> D:
        self.dialog = dialog
        dialog.open()
        return dialog

    def _run(
        self,
        job: Callable[[Callable[[int, int], None], Callable[[], bool]], object],
        what: str,
        title: str,
        *,
        quiet: bool = False,
        then: Callable[[object], None] | None = None,
        cancellable: bool = True,
    ) -> Task:
        task = Task(job)
        # Connected before the task starts: a queued signal only reaches those already there.
        if then is not None:
            task.signals.finished.connect(then)
        if not quiet:
            task.signals.finished.connect(self._finished)
        task.signals.failed.connect(lambda text: self._failed(title, text))
        task.signals.cancelled.connect(lambda: self._said(f"{title}: cancelled; nothing saved."))
        for signal in (task.signals.finished, task.signals.failed, task.signals.cancelled):
            signal.connect(self._idle)
        self._task = task
        self._busy(True)
        self.progress.follow(task, what)
        self.progress.cancel_button.setEnabled(cancellable)
        return start(task)

    def _finished(self, text: object) -> None:
        if text:
            self._said(str(text))
            self.work_done.emit(str(text))

    def _said(self, text: str) -> None:
        if text:
            self.last_result.setText(text)
            self.message.emit(text)

    def _failed(self, title: str, text: str) -> None:
        self.last_result.setText(text)
        self.work_failed.emit(text)
        self._prompter.warn(self, title, text)

    def _idle(self, *_: object) -> None:
        self._task = None
        self._busy(False)

    def _busy(self, busy: bool) -> None:
        for button in (self.set_up_button, self.send_back_button, self.bring_in_button):
            button.setEnabled(not busy)
        self.make_pack_button.setEnabled(not busy and self.event_choice.count() > 0)

    def _data_changed(self) -> None:
        self.reload_events()
        self.data_changed.emit()


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


__all__ = ["LaptopsPage"]
