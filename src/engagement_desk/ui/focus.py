"""A thick, high-contrast outline around whichever control has the keyboard focus, in every
window of the app: a dark outer line and a yellow inner line, so it shows on light and
dark backgrounds alike (Qt's own focus marks are a 1 px line, or a tint)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QMenu, QWidget

OUTER = QColor("#0b0c0c")
INNER = QColor("#ffdd00")
LINE = 2  # px for each of the two lines: 4 px in all
WIDTH = 2 * LINE


class FocusRing(QWidget):
    """Drawn by its parent's side, over the focused control's edge; never takes clicks."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("")  # decoration only: nothing for a screen reader to read

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        for color, inset in ((OUTER, 0), (INNER, LINE)):
            pen = QPen(color, LINE)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            half = LINE / 2
            painter.drawRect(
                self.rect()
                .toRectF()
                .adjusted(inset + half, inset + half, -inset - half, -inset - half)
            )


class FocusIndicator(QObject):
    """Follows the application's focus and keeps one ring around the focused control."""

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ring: FocusRing | None = None
        self._target: QWidget | None = None
        app.focusChanged.connect(self._focus_changed)

    @property
    def ring(self) -> FocusRing | None:
        return self._ring if self._ring is not None and shiboken6.isValid(self._ring) else None

    @property
    def target(self) -> QWidget | None:
        return self._target

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._target is not None and shiboken6.isValid(self._target):
            self._target.removeEventFilter(self)
        self._target = None
        ring = self.ring
        parent = new.parentWidget() if new is not None else None
        if new is None or parent is None or isinstance(new, QMenu) or _in_popup(new):
            if ring is not None:
                ring.hide()
            return
        if not parent.rect().contains(_around(new)):
            parent = new  # no room around it (a list filling its tab): drawn inside its edge
        if ring is None:
            ring = self._ring = FocusRing(parent)
        elif ring.parentWidget() is not parent:
            ring.setParent(parent)
        self._target = new
        new.installEventFilter(self)
        self._place()

    def _place(self) -> None:
        ring, target = self.ring, self._target
        if ring is None or target is None or not shiboken6.isValid(target):
            return
        if not target.isVisible():
            ring.hide()
            return
        inside = ring.parentWidget() is target
        ring.setGeometry(target.rect() if inside else _around(target))
        ring.raise_()
        ring.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._target and event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
        ):
            self._place()
        return False


def _around(widget: QWidget) -> QRect:
    """Where the ring goes around ``widget``, in its parent's coordinates."""
    return QRect(widget.geometry()).adjusted(-WIDTH, -WIDTH, WIDTH, WIDTH)


def _in_popup(widget: QWidget) -> bool:
    """A combo box's open list and other popups show their own current item."""
    return widget.window().windowType() == Qt.WindowType.Popup
