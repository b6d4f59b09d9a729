"""Long work off the GUI thread: a QRunnable whose results come back through signals.

Workers never touch widgets; the GUI thread reacts to the signals.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from engagement_desk.services.errors import UserError

log = logging.getLogger(__name__)

Job = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


class TaskSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class Task(QRunnable):
    """Runs ``job(progress, is_cancelled)`` in the pool; report with ``progress(done, total)``."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = TaskSignals()
        self._job = job
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            result = self._job(self.signals.progress.emit, self._cancel.is_set)
        except UserError as exc:
            self.signals.failed.emit(str(exc))
            return
        except Exception:
            log.exception("background task failed")
            self.signals.failed.emit(
                "Something went wrong while working on this. The details are in the log file."
            )
            return
        if self._cancel.is_set():
            self.signals.cancelled.emit()
        else:
            self.signals.finished.emit(result)


def start(task: Task, pool: QThreadPool | None = None) -> Task:
    # Collect garbage here, on the GUI thread: widgets caught in reference cycles (a closed
    # window and its lambdas) must not be collected by the worker's thread, as destroying a
    # widget off the GUI thread crashes Qt; a long job allocates enough to start a collection.
    gc.collect()
    (pool or QThreadPool.globalInstance()).start(task)
    return task
