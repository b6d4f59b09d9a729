"""USB keyboard-wedge scanners: a fast burst of characters ending in Enter, caught app-wide.

A scanner "types" a whole code in a few milliseconds and presses Enter. While installed,
this filter holds printable key presses for a moment: if they keep coming faster than a
person can type and end in Enter, they become one ``scanned`` code and never reach the
focused field; otherwise they are handed on to the field unchanged (a person typing sees
their letters after a delay of a few tens of milliseconds).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
BLOCKING_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


@dataclass
class _HeldKey:
    receiver: QObject
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScannerCapture(QObject):
    """Install with ``start()`` while the check-in desk is showing; ``stop()`` when it hides."""

    scanned = Signal(str)

    def __init__(
        self, parent: QObject | None = None, *, max_gap_ms: int = 40, min_length: int = 6
    ) -> None:
        super().__init__(parent)
        self.max_gap = max_gap_ms / 1000
        self.min_length = min_length
        self._held: list[_HeldKey] = []
        self._last = 0.0
        self._replaying = False
        self._active = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max_gap_ms + 10)
        self._timer.timeout.connect(self.release_held_keys)

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._active:
            app.installEventFilter(self)
            self._active = True

    def stop(self) -> None:
        app = QApplication.instance()
        self.release_held_keys()
        if app is not None and self._active:
            app.removeEventFilter(self)
            self._active = False

    @property
    def active(self) -> bool:
        return self._active

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        now = time.monotonic()
        key = event.key()
        if key in ENTER_KEYS:
            if (
                self._held
                and now - self._last <= self.max_gap
                and len(self._held) >= self.min_length
            ):
                code = "".join(h.text for h in self._held)
                self._held.clear()
                self._timer.stop()
                self.scanned.emit(code)
                return True
            self.release_held_keys()
            return False
        text = event.text()
        printable = len(text) == 1 and text.isprintable()
        if not printable or event.modifiers() & BLOCKING_MODIFIERS or event.isAutoRepeat():
            self.release_held_keys()
            return False
        if self._held and now - self._last > self.max_gap:
            self.release_held_keys()
        self._held.append(_HeldKey(watched, key, event.modifiers(), text))
        self._last = now
        self._timer.start()
        return True

    def release_held_keys(self) -> None:
        """Hand held keys on to where they were going: this was a person typing."""
        self._timer.stop()
        held, self._held = self._held, []
        self._replaying = True
        try:
            for item in held:
                if shiboken6.isValid(item.receiver):
                    press = QKeyEvent(QEvent.Type.KeyPress, item.key, item.modifiers, item.text)
                    QApplication.sendEvent(item.receiver, press)
        finally:
            self._replaying = False
