"""The kiosk's building blocks: its high-contrast style, big touch-sized buttons and boxes,
and the rows each screen is made of. Words are large (see ``kiosk_body_points``) and every
state is shown by a shape or words as well as a colour.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QWidget,
)

from engagement_desk.services.programmes import PriorityInfo

MIN_BODY_POINTS = 24.0
BUTTON_HEIGHT = 68  # touch-sized: at least 64 px, with room for large text

# High contrast, after the GOV.UK palette: near-black on white, a dark green action button,
# a yellow focus with black text (and a black border so it never depends on colour alone).
INK = "#0b0c0c"
PAPER = "#ffffff"
ACTION = "#00703c"
ACTION_EDGE = "#002d18"
FOCUS = "#ffdd00"
WARNING_BG = "#ffdd00"
MUTED = "#505a5f"

ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th")


def ordinal(place: int) -> str:
    """'1st' for 1; places past the table are spelled with 'th'."""
    return ORDINALS[place - 1] if 1 <= place <= len(ORDINALS) else f"{place}th"


class BigCheckBox(QCheckBox):
    """A checkbox a finger can hit, drawn as a thick box with a thick tick: the ticked
    state is a shape, not a shade."""

    SIZE = 56

    def __init__(self) -> None:
        super().__init__()
        self.setFixedSize(self.SIZE + 8, self.SIZE + 8)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(4, 4, self.SIZE, self.SIZE)
        painter.setPen(QPen(QColor(INK), 4))
        painter.setBrush(QColor(FOCUS if self.hasFocus() else PAPER))
        painter.drawRoundedRect(box, 6, 6)
        if self.isChecked():
            tick = QPen(QColor(INK), 8)
            tick.setCapStyle(Qt.PenCapStyle.RoundCap)
            tick.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(tick)
            s = self.SIZE
            painter.drawPolyline(
                [
                    QPointF(4 + s * 0.2, 4 + s * 0.52),
                    QPointF(4 + s * 0.42, 4 + s * 0.74),
                    QPointF(4 + s * 0.8, 4 + s * 0.28),
                ]
            )
        painter.end()


class TapLabel(QLabel):
    """Words that toggle the checkbox beside them when tapped."""

    tapped = Signal()

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.tapped.emit()
            event.accept()
            return
        super().mousePressEvent(event)


def kiosk_body_points(app_points: float, screen_height: int) -> float:
    """The kiosk's body text: about twice the app's text size, never below 24 pt, and no
    bigger than lets five priorities fit the screen without scrolling (24 pt fills a
    720-pixel-high screen)."""
    wanted = app_points * 2.2 if app_points > 0 else MIN_BODY_POINTS
    fits = MIN_BODY_POINTS * screen_height / 720 if screen_height > 0 else wanted
    return max(MIN_BODY_POINTS, min(wanted, fits))


def restyle(widget: QWidget) -> None:
    """Apply a changed dynamic property to the style sheet (the widget and its labels)."""
    for item in (widget, *widget.findChildren(QWidget)):
        item.style().unpolish(item)
        item.style().polish(item)
    widget.update()


def style_sheet(body: float, title: float, small: float) -> str:
    return f"""
#kiosk, #kiosk QStackedWidget, #kiosk QScrollArea, #kiosk QScrollArea > QWidget > QWidget
    {{ background: {PAPER}; }}
#kiosk QLabel {{ color: {INK}; font-size: {body:.0f}pt; }}
#kiosk QLabel[role="title"] {{ font-size: {title:.0f}pt; font-weight: bold; }}
#kiosk QLabel[role="event"] {{ font-size: {small:.0f}pt; color: {MUTED}; }}
#kiosk QLabel[role="problem"] {{
    background: {WARNING_BG}; color: {INK}; font-weight: bold;
    border: 3px solid {INK}; border-radius: 8px; padding: 10px 16px;
}}
#kiosk QLabel[role="symbol"] {{ font-size: {title * 1.6:.0f}pt; font-weight: bold; }}
#kiosk QPushButton {{
    font-size: {body:.0f}pt; min-height: {BUTTON_HEIGHT - 18}px; padding: 6px 28px;
    color: {INK}; background: {PAPER}; border: 3px solid {INK}; border-radius: 12px;
}}
#kiosk QPushButton:focus {{ background: {FOCUS}; border: 5px solid {INK}; }}
#kiosk QPushButton[kind="action"] {{
    color: {PAPER}; background: {ACTION}; border: 3px solid {ACTION_EDGE}; font-weight: bold;
}}
#kiosk QPushButton[kind="action"]:focus {{
    color: {INK}; background: {FOCUS}; border: 5px solid {INK};
}}
#kiosk QPushButton[kind="step"] {{ padding: 4px 12px; font-weight: bold; }}
#kiosk QPushButton[kind="staff"] {{
    font-size: {small:.0f}pt; min-height: 36px; padding: 2px 16px; color: {MUTED};
    border: 2px solid {MUTED}; border-radius: 8px;
}}
#kiosk QPushButton[kind="staff"]:focus {{ color: {INK}; background: {FOCUS}; }}
#kiosk QPushButton:disabled {{ color: {MUTED}; background: #f3f2f1; border-color: #b1b4b6; }}
#kiosk QPushButton[chosen="true"] {{ background: {INK}; border: 3px solid {INK}; }}
#kiosk QPushButton[chosen="true"]:focus {{ background: {INK}; border: 6px solid {FOCUS}; }}
#kiosk QPushButton[chosen="true"] QLabel {{ color: {PAPER}; }}
#kiosk QLabel[role="badge"] {{
    font-size: {body:.0f}pt; font-weight: bold; min-width: {body * 4:.0f}px;
}}
#kiosk QScrollBar:vertical {{
    width: 32px; background: #f3f2f1; border: 2px solid {INK}; border-radius: 8px;
}}
#kiosk QScrollBar::handle:vertical {{
    background: {INK}; min-height: 56px; border-radius: 6px; margin: 3px;
}}
#kiosk QScrollBar::add-line:vertical, #kiosk QScrollBar::sub-line:vertical {{ height: 0px; }}
#kiosk QScrollBar::add-page:vertical, #kiosk QScrollBar::sub-page:vertical {{
    background: none;
}}
#kiosk QLineEdit {{
    font-size: {title:.0f}pt; color: {INK}; background: {PAPER};
    border: 3px solid {INK}; border-radius: 8px; padding: 6px 12px;
    min-height: {BUTTON_HEIGHT - 18}px;
}}
#kiosk QLineEdit:focus {{ border: 5px solid {INK}; background: #fffbe0; }}
#kiosk QPlainTextEdit {{
    font-size: {body:.0f}pt; color: {INK}; background: {PAPER};
    border: 3px solid {INK}; border-radius: 8px; padding: 6px;
}}
#kiosk QPlainTextEdit:focus {{ border: 5px solid {INK}; background: #fffbe0; }}
#kiosk QLabel[role="theme"] {{ font-size: {small * 1.2:.0f}pt; }}
"""


def big_label(text: str = "", role: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if role:
        label.setProperty("role", role)
    return label


def big_button(
    text: str, accessible: str, slot: Callable[[], object], *, kind: str = ""
) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(accessible)
    # Tab reaches every button; a tap does not leave a yellow focus mark behind for the
    # next person to puzzle over.
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    button.setMinimumHeight(BUTTON_HEIGHT)
    if kind:
        button.setProperty("kind", kind)
    button.clicked.connect(slot)
    return button


def scrolling(content: QWidget, name: str) -> QScrollArea:
    """Room for the priorities that scrolls only if a programme has more than fit."""
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setAccessibleName("Priorities")
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


def button_row(*widgets: QWidget, stretch_first: bool = True) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(24)
    if stretch_first:
        row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    return row


class PriorityButton(QPushButton):
    """A big button for one priority in plain words (the easy-read words, or the title):
    its place in the parent's ranking shown as '1st' (in words, on a dark button with a
    tick)."""

    def __init__(self, priority: PriorityInfo, key: int) -> None:
        super().__init__()
        self.priority = priority
        self.key = key
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setMinimumHeight(BUTTON_HEIGHT + 12)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.badge = big_label("", "badge", wrap=False)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = big_label(priority.plain_words)
        for label in (self.badge, self.title):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 3, 20, 3)
        layout.setSpacing(16)
        layout.addWidget(self.badge)
        layout.addWidget(self.title, 1)
        self.set_place(None)

    def set_place(self, place: int | None) -> None:
        self.place = place
        self.setProperty("chosen", place is not None)
        self.badge.setText("" if place is None else f"✔ {ordinal(place)}")
        self.badge.setVisible(place is not None)
        words = self.priority.plain_words
        self.setAccessibleName(words if place is None else f"{words}: your {ordinal(place)} choice")
        described = [f"The forum calls this: {self.priority.title}."]
        if self.key <= 9:
            described.append(f"Press {self.key} on the keyboard to choose it.")
        self.setAccessibleDescription(" ".join(described))
        restyle(self)


class CountRow(QWidget):
    """One priority's dots or points: its words, a minus, the count shown as symbols and a
    number, a plus. ``step(row, n)`` asks for n more (or fewer); the kiosk then shows the
    count with ``show_count``."""

    def __init__(
        self,
        priority: PriorityInfo,
        step: Callable[[CountRow, int], None],
        *,
        unit: str = "dot",
        per_tap: int = 1,
    ) -> None:
        super().__init__()
        self.priority = priority
        self.unit = unit
        self.per_tap = per_tap  # how many a tap gives: 1 dot, or 10 points
        self.dots = 0
        self._step = step
        words = priority.plain_words
        self.title = big_label(words)
        self.title.setAccessibleDescription(f"The forum calls this: {priority.title}")
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        given = "a dot" if unit == "dot" else f"{per_tap} {unit}s"
        self.minus = big_button(
            "−", f"Take {given} off: {words}", lambda: self.add(-1), kind="step"
        )
        self.plus = big_button("+", f"Give {given} to: {words}", lambda: self.add(1), kind="step")
        for button in (self.minus, self.plus):
            button.setMinimumWidth(BUTTON_HEIGHT + 16)
        self.count = big_label("", wrap=False)
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.count.setMinimumWidth(220)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.minus)
        layout.addWidget(self.count)
        layout.addWidget(self.plus)
        self.show_count(0)

    def add(self, taps: int) -> None:
        self._step(self, taps)

    def clear(self) -> None:
        self.show_count(0)

    def show_count(self, value: int) -> None:
        self.dots = value
        if self.unit == "dot":
            self.count.setText(("●" * value + f"  {value}") if value else "0")
        else:
            self.count.setText(str(value))
        words = f"{value} {self.unit}{'' if value == 1 else 's'}"
        self.count.setAccessibleName(f"{self.priority.plain_words}: {words}")


DotsRow = CountRow  # the name the dots screen has always used


class ThemeButton(QPushButton):
    """A theme a parent taps to say what their comment is about; a tick and the words
    'chosen' show it is on (not only the dark fill)."""

    def __init__(self, theme: str) -> None:
        super().__init__()
        self.theme = theme
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setMinimumHeight(BUTTON_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.words = big_label(theme, "theme")
        self.words.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.words, 1)
        self.toggled.connect(self._show)
        self._show(False)

    def _show(self, chosen: bool) -> None:
        self.setProperty("chosen", chosen)
        self.words.setText(f"✔ {self.theme}" if chosen else self.theme)
        self.setAccessibleName(f"{self.theme}: chosen" if chosen else self.theme)
        restyle(self)
