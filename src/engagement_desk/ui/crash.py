"""Real bugs reach the user as a calm dialog and the log file; never a silent exit."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("engagement_desk.crash")


def crash_text(log_file: Path) -> str:
    return (
        "Something went wrong inside Engagement Desk. Your saved work is safe: every check-in "
        "and change is written to disk as it happens.\n\n"
        f"The details are in the log file:\n{log_file}\n\n"
        "Please send that file to whoever supports the app."
    )


def install_crash_handler(log_file: Path, *, show_dialog: bool = True) -> None:
    def handle(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.critical("unhandled error\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if show_dialog and QApplication.instance() is not None:
            box = QMessageBox(QMessageBox.Icon.Critical, "Engagement Desk", crash_text(log_file))
            box.setDetailedText("".join(traceback.format_exception(kind, value, tb)))
            box.exec()

    sys.excepthook = handle
