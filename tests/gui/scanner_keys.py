"""Key events the way a USB keyboard-wedge scanner (or a person) really sends them.

``qtbot.keyClicks`` sends a capital letter as one press with no Shift, which is exactly what a
scanner does not do. These helpers send a press AND a release for Shift before each capital,
the letter with ShiftModifier and its capital text, digits (optionally from the keypad, with
KeypadModifier), '-', then Enter; each to whichever widget has the focus at that moment (or
the active window when nothing has), the way the window system delivers them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

NO_MODIFIER = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
KEYPAD = Qt.KeyboardModifier.KeypadModifier
CONTROL = Qt.KeyboardModifier.ControlModifier


class StepClock:
    """Seconds that move only when the keyboard says so, for the scanner's timing."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000


def key_for(ch: str) -> tuple[Qt.Key, bool]:
    """The Qt key for a character, and whether a UK/US keyboard needs Shift for it."""
    if ch.isalpha() and ch.isascii():
        return Qt.Key(Qt.Key.Key_A.value + ord(ch.upper()) - ord("A")), ch.isupper()
    if ch.isdigit() and ch.isascii():
        return Qt.Key(Qt.Key.Key_0.value + int(ch)), False
    named = {
        "-": (Qt.Key.Key_Minus, False),
        " ": (Qt.Key.Key_Space, False),
        "*": (Qt.Key.Key_Asterisk, True),
        "#": (Qt.Key.Key_NumberSign, False),
        "%": (Qt.Key.Key_Percent, True),
        "]": (Qt.Key.Key_BracketRight, False),
        ".": (Qt.Key.Key_Period, False),
    }
    return named[ch]


class Keyboard:
    """Sends key events to the focused widget of ``window`` (or a widget given)."""

    def __init__(self, window: QWidget, clock: StepClock | None = None) -> None:
        self.window = window
        self.clock = clock
        self.sent: list[tuple[QEvent.Type, Qt.Key, str]] = []

    def target(self) -> QWidget:
        active = QApplication.activeWindow()
        focused = QApplication.focusWidget()
        if focused is not None:
            return focused
        return active if active is not None else self.window

    def send(
        self,
        kind: QEvent.Type,
        key: Qt.Key,
        modifiers: Qt.KeyboardModifier = NO_MODIFIER,
        text: str = "",
        gap_ms: float = 0,
    ) -> None:
        if self.clock is not None:
            self.clock.advance(gap_ms)
        QApplication.sendEvent(self.target(), QKeyEvent(kind, key, modifiers, text))
        self.sent.append((kind, key, text))

    def tap(
        self,
        key: Qt.Key,
        modifiers: Qt.KeyboardModifier = NO_MODIFIER,
        text: str = "",
        gap_ms: float = 0,
    ) -> None:
        self.send(QEvent.Type.KeyPress, key, modifiers, text, gap_ms)
        self.send(QEvent.Type.KeyRelease, key, modifiers, text, gap_ms / 2)

    def character(
        self, ch: str, gap_ms: float, *, keypad: bool = False, shift_everything: bool = False
    ) -> None:
        key, shifted = key_for(ch)
        shifted = shifted or (shift_everything and not ch.isdigit())
        if shifted:
            self.send(QEvent.Type.KeyPress, Qt.Key.Key_Shift, SHIFT, "", gap_ms)
            self.send(QEvent.Type.KeyPress, key, SHIFT, ch, gap_ms / 3)
            self.send(QEvent.Type.KeyRelease, key, SHIFT, ch, gap_ms / 3)
            self.send(QEvent.Type.KeyRelease, Qt.Key.Key_Shift, NO_MODIFIER, "", gap_ms / 3)
        else:
            modifiers = KEYPAD if keypad and ch.isdigit() else NO_MODIFIER
            self.tap(key, modifiers, ch, gap_ms)

    def scan(
        self,
        code: str,
        *,
        gap_ms: float = 3,
        keypad: bool = False,
        terminator: Qt.Key | None = Qt.Key.Key_Return,
        shift_everything: bool = False,
    ) -> None:
        """A scanner: the whole code a few milliseconds a key, then Enter (or Tab)."""
        for ch in code:
            self.character(ch, gap_ms, keypad=keypad, shift_everything=shift_everything)
        if terminator is not None:
            text = {Qt.Key.Key_Tab: "\t"}.get(terminator, "\r")
            modifiers = KEYPAD if terminator == Qt.Key.Key_Enter else NO_MODIFIER
            self.tap(terminator, modifiers, text, gap_ms)

    def undo(self) -> None:
        self.send(QEvent.Type.KeyPress, Qt.Key.Key_Control, CONTROL)
        self.send(QEvent.Type.KeyPress, Qt.Key.Key_Z, CONTROL, "\x1a")
        self.send(QEvent.Type.KeyRelease, Qt.Key.Key_Z, CONTROL, "\x1a")
        self.send(QEvent.Type.KeyRelease, Qt.Key.Key_Control, NO_MODIFIER)
