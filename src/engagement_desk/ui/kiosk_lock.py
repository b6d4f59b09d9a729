"""While the kiosk runs, nothing with staff data on it is anywhere a parent can reach.

Every other window of the app (the main window with its People list, any dialog) is hidden
when the kiosk appears, so the window manager's task list and Alt+Tab hold only the kiosk; a
window that tries to appear meanwhile (a message from a finished background job) is hidden
as soon as it shows. Only the facilitator's PIN brings them back. If the kiosk goes away
without the PIN (a bug), the windows stay hidden and the app quits: everything it saved is
already in the database, and no staff data is left on the screen.
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

# Short-lived windows that belong to whatever has the keyboard (tooltips, menus): the kiosk's
# own, since every staff window is hidden.
_PASSING = (Qt.WindowType.ToolTip, Qt.WindowType.Popup)


class StaffWindowsHidden(QObject):
    """Hides the app's other windows while ``kiosk`` is showing; ``release`` (after the PIN)
    shows them again."""

    def __init__(self, kiosk: QWidget) -> None:
        # Parented to the application, not the kiosk, so it outlives a kiosk that is
        # destroyed without the PIN and can still keep the staff windows hidden.
        super().__init__(QApplication.instance())
        self._kiosk = kiosk
        self._hidden: list[QWidget] = []
        self.active = False
        kiosk.destroyed.connect(self._kiosk_gone)

    @property
    def hidden_windows(self) -> list[QWidget]:
        """The staff windows now hidden (those still alive)."""
        return [w for w in self._hidden if shiboken6.isValid(w)]

    def engage(self) -> None:
        if self.active:
            return
        self.active = True
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        for window in QApplication.topLevelWidgets():
            if self._is_staff_window(window) and window.isVisible():
                self._hide(window)
        log.info("kiosk mode: %d staff window(s) hidden", len(self._hidden))

    def release(self) -> None:
        """The PIN was right: the staff windows come back, the first one (the main window)
        active."""
        if not self.active:
            return
        self.active = False
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        windows = self.hidden_windows
        self._hidden = []
        for window in windows:
            window.show()
        if windows:
            windows[0].activateWindow()

    def _is_staff_window(self, widget: QWidget) -> bool:
        kiosk = self._kiosk if shiboken6.isValid(self._kiosk) else None
        return (
            widget.isWindow()
            and widget is not kiosk
            and widget.windowType() not in _PASSING
            and not (kiosk is not None and kiosk.isAncestorOf(widget))
        )

    def _hide(self, window: QWidget) -> None:
        if not any(w is window for w in self._hidden):
            self._hidden.append(window)
        window.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self.active
            and event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and self._is_staff_window(watched)
        ):
            # Hidden once its show has finished (hiding inside the show event would leave
            # the native window mapped).
            QTimer.singleShot(0, lambda: self._hide_later(watched))
        return False

    def _hide_later(self, window: QWidget) -> None:
        if self.active and shiboken6.isValid(window) and window.isVisible():
            log.info("kiosk mode: a window that opened meanwhile was hidden")
            self._hide(window)

    def _kiosk_gone(self) -> None:
        if not self.active:
            self.deleteLater()
            return
        log.error("the kiosk closed without the PIN; the app quits so no staff data shows")
        QApplication.quit()
