"""USB keyboard-wedge scanners: a fast burst of keys ending in Enter, caught app-wide.

A scanner "types" a whole code in a few milliseconds and presses Enter (or Tab, or a suffix
it was set up to send), pressing Shift before every capital on the way. While installed,
this filter holds back key presses and releases going to the window it serves (and the
dialogs and windows opened from it) for a moment. ``core.scanning.BurstClassifier`` decides:
a burst that keeps coming faster than a person types and ends in a terminator becomes one
``scanned`` code and none of its keys (not even their releases) reach the focused widget;
anything else is handed on to where it was going, in order and unchanged (a person typing
sees their letters after a few tens of milliseconds).

Key events reach an application filter once per widget they are offered to (the focused
widget, then its parents if it ignores them). The classifier decides on the first widget
only: everything it holds or drops stops there, and whatever it lets through is, by then,
a key it would let through again, so offering it to the parents changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from engagement_desk.core.scanning import (
    Action,
    BurstClassifier,
    KeyStroke,
    ScannerSettings,
    key_role,
)

Key = Qt.Key
TERMINATOR_KEYS = frozenset({Key.Key_Return, Key.Key_Enter, Key.Key_Tab})
# Keys that change what the next key means and type nothing themselves.
MODIFIER_KEYS = frozenset(
    {
        Key.Key_Shift,
        Key.Key_Control,
        Key.Key_Alt,
        Key.Key_AltGr,
        Key.Key_Meta,
        Key.Key_CapsLock,
        Key.Key_NumLock,
        Key.Key_Super_L,
        Key.Key_Super_R,
        Key.Key_Hyper_L,
        Key.Key_Hyper_R,
        Key.Key_Mode_switch,
    }
)
KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
# The timer that hands held keys back once the keyboard goes quiet: a little longer than the
# classifier's gap, so a scanner's last key before Enter is never handed back early.
TIMER_SLACK_MS = 30
# When that timer fires, keys the window system already has may still be waiting to be
# delivered (a busy moment on a slow laptop): they are let in first, for at most this long.
CATCH_UP_MS = 100


@dataclass
class _HeldKey:
    receiver: QWidget
    event: QKeyEvent


def copy_key_event(event: QKeyEvent) -> QKeyEvent:
    """A key event of our own with everything the original carried (its modifiers too)."""
    return QKeyEvent(
        event.type(),
        event.key(),
        event.modifiers(),
        event.nativeScanCode(),
        event.nativeVirtualKey(),
        event.nativeModifiers(),
        event.text(),
        event.isAutoRepeat(),
        event.count(),
    )


def stroke_for(event: QKeyEvent, at: float) -> KeyStroke:
    modifiers = event.modifiers()
    key = event.key()
    role = key_role(
        event.text(),
        modifier_key=key in MODIFIER_KEYS,
        terminator_key=key in TERMINATOR_KEYS,
        control=bool(modifiers & Qt.KeyboardModifier.ControlModifier),
        alt=bool(modifiers & Qt.KeyboardModifier.AltModifier),
        meta=bool(modifiers & Qt.KeyboardModifier.MetaModifier),
    )
    return KeyStroke(
        key=int(key),
        role=role,
        at=at,
        text=event.text(),
        press=event.type() == QEvent.Type.KeyPress,
        auto_repeat=event.isAutoRepeat(),
    )


class ScannerCapture(QObject):
    """Catches scans for ``parent``'s window and the windows opened from it. Install with
    ``start()`` while that screen is showing and ``stop()`` when it hides.

    ``clock`` (seconds) is for tests; by default a key's time is the time the window system
    stamped on it, so a busy moment on this laptop never splits a burst in two.
    """

    scanned = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        *,
        settings: ScannerSettings | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(parent)
        self._scope = parent
        self._clock = clock
        self._classifier = BurstClassifier(settings)
        self._held: list[_HeldKey] = []
        self._replaying = False
        self._active = False
        self._strokes_seen = 0
        self._catching_up = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.keyboard_went_quiet)
        self._set_timer_interval()

    # ---- settings and switching on/off -------------------------------------------------

    @property
    def settings(self) -> ScannerSettings:
        return self._classifier.settings

    def set_settings(self, settings: ScannerSettings) -> None:
        self.release_held_keys()
        self._classifier = BurstClassifier(settings)
        self._set_timer_interval()

    def _set_timer_interval(self) -> None:
        self._timer.setInterval(self._classifier.settings.max_gap_ms + TIMER_SLACK_MS)

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

    # ---- the filter ----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() not in KEY_EVENTS:
            return False
        # The window-system window sees a key first and passes it to the focused widget:
        # decide there, once, where the key is really going.
        if not isinstance(watched, QWidget) or not self._in_scope(watched):
            return False
        assert isinstance(event, QKeyEvent)
        self._strokes_seen += 1
        decision = self._classifier.feed(stroke_for(event, self._time_of(event)))
        action = decision.action
        if action is Action.PASS:
            return False
        if action is Action.RELEASE:
            self.release_held_keys()
            return False
        if action is Action.RELEASE_AND_HOLD:
            self._replay()
        if action in (Action.HOLD, Action.RELEASE_AND_HOLD):
            self._held.append(_HeldKey(watched, copy_key_event(event)))
            self._timer.start()
            return True
        if action is Action.SCAN:
            self._timer.stop()
            self._held.clear()
            self.scanned.emit(decision.code)
        return True  # SCAN or SWALLOW: this key is part of a scan

    def _in_scope(self, widget: QWidget) -> bool:
        """Is the key going to the scope's window, or a dialog or window opened from it?"""
        if not shiboken6.isValid(self._scope):
            return False
        home = self._scope.window()
        current: QWidget | None = widget
        while current is not None:
            top = current.window()
            if top is home:
                return True
            current = top.parentWidget()
        return False

    def _time_of(self, event: QKeyEvent) -> float:
        if self._clock is not None:
            return self._clock()
        stamp = event.timestamp()
        return stamp / 1000 if stamp else time.monotonic()

    # ---- handing keys back -----------------------------------------------------------------

    def keyboard_went_quiet(self) -> None:
        """What the quiet timer calls: no key for a while, by this laptop's clock. If the app
        was busy, the rest of a burst may be queued already, stamped milliseconds after the
        last key held: let it in and let the timestamps decide before handing keys back."""
        if self._catching_up:
            return
        seen = self._strokes_seen
        self._catching_up = True
        try:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, CATCH_UP_MS)
        finally:
            self._catching_up = False
        if self._strokes_seen != seen and self._held:
            self._timer.start()  # more keys came: wait for the keyboard to go quiet again
            return
        self.release_held_keys()

    def release_held_keys(self) -> None:
        """Hand held keys on to where they were going: this was a person typing."""
        self._timer.stop()
        self._classifier.flush()
        self._replay()

    def _replay(self) -> None:
        held, self._held = self._held, []
        self._replaying = True
        try:
            for item in held:
                if shiboken6.isValid(item.receiver):
                    QApplication.sendEvent(item.receiver, item.event)
        finally:
            self._replaying = False

    @property
    def holding(self) -> bool:
        return bool(self._held)
