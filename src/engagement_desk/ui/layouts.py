"""Layouts that fit a small laptop screen at any text size.

Council laptops are often 1366×768, and some people need 24-point text. Three pieces keep
every page usable there:

- ``FlowLayout``: a row of buttons that wraps onto another line when the row does not fit,
  so the action buttons are never pushed off the side of the window;
- ``ContentScroll``: a page's content (never its action buttons) scrolls up and down when
  the window is too short for it, and never sideways;
- ``SideBySide``: two or more panels next to each other when there is room, one above the
  other when there is not.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QComboBox,
    QDialog,
    QFrame,
    QLabel,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QWidget,
)


class FlowLayout(QLayout):
    """Items left to right, wrapping onto the next line when a line is full.

    Its minimum width is its widest item; its minimum height is what its lines need at the
    width it was last given, so a window never hides a wrapped line of buttons."""

    def __init__(self, parent: QWidget | None = None, spacing: int = -1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._last_width = -1
        self._lines = 0
        self._stretch_at: int | None = None  # items from here on go to the right
        if parent is None:
            self.setContentsMargins(0, 0, 0, 0)
        self._recheck = QTimer()
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(0)
        self._recheck.timeout.connect(self.invalidate)

    # ---- QLayout's interface ------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def addStretch(self, _stretch: int = 1) -> None:
        """Items added after this one go to the right-hand end of their line."""
        self._stretch_at = len(self._items)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if not 0 <= index < len(self._items):
            return None
        if self._stretch_at is not None and index < self._stretch_at:
            self._stretch_at -= 1
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        widths = [item.sizeHint().width() for item in self._visible()]
        heights = [item.sizeHint().height() for item in self._visible()]
        width = sum(widths) + self._gap() * max(len(widths) - 1, 0)
        return self._grow(QSize(width, max(heights, default=0)))

    def minimumSize(self) -> QSize:
        widest = max((item.minimumSize().width() for item in self._visible()), default=0)
        width = self._last_width if self._last_width > 0 else self.sizeHint().width()
        parent = self.parentWidget()
        if parent is not None and not parent.isVisible():
            # Not on screen (a page not shown yet): its last width may be a stale one from
            # before the window had its size, so it asks for nothing beyond one line.
            width = self.sizeHint().width()
        height = self.heightForWidth(max(width, widest + self._margin_width()))
        margins = self.contentsMargins()
        return QSize(widest + margins.left() + margins.right(), height)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)
        lines = self._count_lines(rect.width())
        if rect.width() != self._last_width or lines != self._lines:
            self._last_width = rect.width()
            if lines != self._lines:
                self._lines = lines
                self._recheck.start()  # the minimum height changed: tell the window

    # ---- arranging ----------------------------------------------------------------------

    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _gap(self) -> int:
        if self._spacing >= 0:
            return self._spacing
        parent = self.parentWidget()
        style = parent.style() if parent is not None else QApplication.style()
        return style.pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing)

    def _margin_width(self) -> int:
        margins = self.contentsMargins()
        return margins.left() + margins.right()

    def _grow(self, size: QSize) -> QSize:
        margins: QMargins = self.contentsMargins()
        return size.grownBy(margins)

    def _lines_of(self, width: int) -> list[list[QLayoutItem]]:
        gap = self._gap()
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._visible():
            item_width = item.sizeHint().width()
            if lines[-1] and used + gap + item_width > width:
                lines.append([])
                used = 0
            used += (gap if lines[-1] else 0) + item_width
            lines[-1].append(item)
        return lines if lines[-1] else lines[:-1]

    def _count_lines(self, width: int) -> int:
        return len(self._lines_of(width - self._margin_width()))

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items (``move``) and return the height they take."""
        area = rect.marginsRemoved(self.contentsMargins())
        gap = self._gap()
        y = area.y()
        right_side = {id(item) for item in self._items[self._stretch_at or len(self._items) :]}
        for line in self._lines_of(area.width()):
            height = max(item.sizeHint().height() for item in line)
            if move:
                widths = [min(item.sizeHint().width(), area.width()) for item in line]
                left = [item for item in line if id(item) not in right_side]
                right = [item for item in line if id(item) in right_side]
                x = area.x()
                for item, width in zip(left, widths, strict=False):
                    item.setGeometry(QRect(QPoint(x, y), QSize(width, height)))
                    x += width + gap
                x = area.right() + 1
                for item, width in reversed(list(zip(right, widths[len(left) :], strict=False))):
                    x -= width
                    item.setGeometry(QRect(QPoint(max(x, area.x()), y), QSize(width, height)))
                    x -= gap
            y += height + gap
        used = y - area.y() - gap if y > area.y() else 0
        margins = self.contentsMargins()
        return used + margins.top() + margins.bottom()


class FixedHeights(QWidget):
    """A container that lays its children out at their minimum heights or more, never at a
    fixed 'preferred' height.

    Qt gives a container whose layout holds word-wrapped text its *preferred* height as if
    it were fixed (height-for-width), which overflows a short window; this one says it has
    no height-for-width, so it shrinks to its minimum and grows with the room it gets."""

    def hasHeightForWidth(self) -> bool:
        return False

    def minimumSizeHint(self) -> QSize:
        """Tall enough for its wrapped text at its current width (not a guess at some other
        width), so nothing at the bottom is cut off."""
        hint = super().minimumSizeHint()
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth() and self.width() > 0:
            hint.setHeight(max(hint.height(), layout.minimumHeightForWidth(self.width())))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # wrapped lines may need more (or less) height now


class ContentScroll(QScrollArea):
    """A page's content, scrolling up and down when the window is too short for it.

    It is never narrower than its content needs, so nothing scrolls sideways; and it asks
    for only two lines of height, so the page's buttons outside it always have room."""

    def __init__(self, content: QLayout, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content = FixedHeights()
        content.setContentsMargins(0, 0, 0, 0)
        self.content.setLayout(content)
        self.setObjectName("contentScroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the controls inside
        self.setWidget(self.content)
        self.viewport().setAutoFillBackground(False)

    def _bar_width(self) -> int:
        return self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)

    def minimumSizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().minimumSizeHint()
        line = self.fontMetrics().height()
        width = content.minimumSizeHint().width() + self._bar_width()
        return QSize(width, min(content.minimumSizeHint().height(), 2 * line))

    def sizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().sizeHint()
        hint = content.sizeHint()
        return QSize(hint.width() + self._bar_width(), hint.height())

    def scrolls(self) -> bool:
        """True when the content is taller than the room it has (so it scrolls)."""
        return self.verticalScrollBar().maximum() > 0


class SideBySide(FixedHeights):
    """Panels side by side when the width allows, otherwise one above the other."""

    def __init__(self, panels: list[tuple[QWidget, int]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._panels = panels
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        for panel, stretch in panels:
            self._box.addWidget(panel, stretch)

    def side_by_side(self) -> bool:
        return self._box.direction() == QBoxLayout.Direction.LeftToRight

    def _width_side_by_side(self) -> int:
        spacing = max(self._box.spacing(), 0) * (len(self._panels) - 1)
        return sum(panel.minimumSizeHint().width() for panel, _ in self._panels) + spacing

    def minimumSizeHint(self) -> QSize:
        hints = [panel.minimumSizeHint() for panel, _ in self._panels if not panel.isHidden()]
        widest = max((hint.width() for hint in hints), default=0)
        heights = [hint.height() for hint in hints]
        if self.side_by_side():
            height = max(heights, default=0)
        else:
            height = sum(heights) + max(self._box.spacing(), 0) * max(len(heights) - 1, 0)
        return QSize(widest, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        wanted = (
            QBoxLayout.Direction.LeftToRight
            if event.size().width() >= self._width_side_by_side()
            else QBoxLayout.Direction.TopToBottom
        )
        if wanted != self._box.direction():
            self._box.setDirection(wanted)
            self.updateGeometry()
        super().resizeEvent(event)


def text_lines(widget: QWidget, lines: float) -> int:
    """The height in pixels of ``lines`` lines of the widget's text."""
    return round(widget.fontMetrics().lineSpacing() * lines)


def fit_on_screen(window: QWidget, wanted: QSize | None = None, *, move: bool = True) -> None:
    """Size a window (or dialog) as it would like, but never larger than the screen's free
    area, and (``move``) put it wholly on that screen."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    frame = window.frameGeometry().size() - window.geometry().size()
    room = QSize(free.width() - frame.width(), free.height() - frame.height())
    size = (wanted or window.sizeHint()).expandedTo(window.minimumSizeHint())
    window.resize(size.boundedTo(room))
    geometry = window.frameGeometry()
    x = min(max(geometry.x(), free.x()), free.right() + 1 - geometry.width())
    y = min(max(geometry.y(), free.y()), free.bottom() + 1 - geometry.height())
    if not move or (isinstance(window, QDialog) and window.parentWidget() is not None):
        return  # the window manager places it (a dialog: centred on its window)
    window.move(max(x, free.x()), max(y, free.y()))


def compact_combo(combo: QComboBox, characters: int = 24) -> QComboBox:
    """A drop-down that asks for room for ``characters`` letters rather than its longest
    item (an event's code, title and date), so a long title never widens the page; the
    whole text shows in the open list and in the tooltip."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    combo.currentTextChanged.connect(combo.setToolTip)
    return combo


class WrappingLabel(QLabel):
    """Word-wrapped text that always gets the height its lines need at its width, so a
    sentence under a chart is never cut off (Qt's own guess is for some other width)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._height = -1

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        if self.width() > 0 and self.text():
            hint.setHeight(max(hint.height(), self.heightForWidth(self.width())))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        height = self.heightForWidth(event.size().width()) if self.text() else 0
        if height != self._height:
            self._height = height
            self.updateGeometry()  # the lines changed: ask the layout for the room
