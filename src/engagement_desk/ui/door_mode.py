"""Door mode: the check-in result fills the screen, for a queue to read from a few metres.

The whole window takes the outcome's colour, with a huge symbol and the outcome in capital
words (never colour alone), the person's name and access needs large, and the live counts
along the bottom edge. It shows whatever the check-in banner shows, so it goes back to
"Ready" on its own too. Scans work here as anywhere on the check-in page; Escape or F11
leaves.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QFontMetricsF, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engagement_desk.ui.checkin_banner import READY_STATE, BannerState

# Sizes as multiples of the app's text size (11 pt by default: the word is then ~70 pt).
SYMBOL_SCALE = 14.0
WORD_SCALE = 6.5
HEADLINE_SCALE = 4.0
NEEDS_SCALE = 3.0
DETAIL_SCALE = 2.0
COUNT_SCALE = 2.2
COUNT_TITLES = (
    ("checked_in", "Checked in"),
    ("expected", "Expected"),
    ("still_to_arrive", "Still to arrive"),
    ("room_left", "Room left"),
)


def _label(name: str, *, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(wrap)
    label.setAccessibleName(name)
    return label


class DoorModeView(QWidget):
    """A window of its own (full screen at the door), owned by the check-in page."""

    left = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setObjectName("doorMode")
        self.setWindowTitle("Engagement Desk — door mode")
        self.setAccessibleName("Door mode")
        self.setAccessibleDescription("Check-in results, full screen. Escape or F11 leaves.")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.symbol = _label("Outcome symbol", wrap=False)
        self.word = _label("Outcome")
        self.headline = _label("Who")
        self.needs = _label("Access needs")
        self.detail = _label("Detail")
        self.event_title = _label("Event", wrap=False)
        self.event_title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.hint = QLabel("Esc or F11: leave door mode")
        self.hint.setAccessibleName("How to leave door mode")

        self.counts: dict[str, QLabel] = {}
        counts_row = QHBoxLayout()
        counts_row.setSpacing(32)
        for key, title in COUNT_TITLES:
            value = _label(title, wrap=False)
            value.setObjectName("doorCount")
            self.counts[key] = value
            counts_row.addWidget(value, 1)
        self._count_values: dict[str, str] = {key: "–" for key, _title in COUNT_TITLES}

        self.counts_bar = QWidget()
        self.counts_bar.setObjectName("doorCounts")
        self.counts_bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.counts_bar.setAccessibleName("Counts now")
        bar = QVBoxLayout(self.counts_bar)
        bar.setContentsMargins(24, 10, 24, 10)
        bar.addLayout(counts_row)

        top = QHBoxLayout()
        top.addWidget(self.event_title, 1)
        top.addWidget(self.hint)

        middle = QVBoxLayout()
        middle.addStretch(1)
        for label in (self.symbol, self.word, self.headline, self.needs, self.detail):
            middle.addWidget(label)
        middle.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self.counts_bar)
        self.state = READY_STATE
        self.show_state(READY_STATE)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # the text size was changed in Settings
            app.fontChanged.connect(self._text_size_changed)

    def _text_size_changed(self) -> None:
        self.show_state(self.state)

    # ---- what it shows -------------------------------------------------------------------

    def show_state(self, state: BannerState) -> None:
        self.state = state
        look = state.look
        self.symbol.setText(look.symbol)
        self.word.setText(look.word)
        self.headline.setText(state.who)
        self.needs.setText(state.needs)
        self.needs.setVisible(bool(state.needs))
        self.detail.setText(state.detail)
        self.detail.setVisible(bool(state.detail))
        self.setStyleSheet(
            f"#doorMode {{ background: {look.background}; }}"
            f" #doorMode QLabel {{ color: {look.foreground}; }}"
            f" #doorCounts {{ border-top: 3px solid {look.foreground}; }}"
        )
        self._size_text()
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the new sizes take effect before the next paint
        self.setAccessibleDescription(state.spoken)
        self.symbol.setAccessibleDescription(look.word)
        self.word.setAccessibleDescription(look.word)
        self.headline.setAccessibleDescription(state.who)
        self.needs.setAccessibleDescription(state.needs)
        self.detail.setAccessibleDescription(state.detail)

    def set_event_title(self, title: str) -> None:
        self.event_title.setText(title)
        self.event_title.setAccessibleDescription(title)

    def set_counts(self, values: dict[str, str]) -> None:
        self._count_values.update(values)
        for key, title in COUNT_TITLES:
            value = self._count_values.get(key, "–")
            self.counts[key].setText(f"{title}: {value}")
            self.counts[key].setAccessibleDescription(value)

    # ---- text that scales with the app's text size and still fits -------------------------

    def _size_text(self) -> None:
        base = QApplication.font().pointSizeF()
        width = max(200.0, self.width() - 80.0)
        height = max(300.0, float(self.height()))
        # A smaller screen (or a long word) shrinks the big lines until they fit.
        room = min(1.0, height / 768)
        self._fit(self.symbol, base * SYMBOL_SCALE * room, width)
        self._fit(self.word, base * WORD_SCALE * room, width, bold=True)
        self._fit(self.headline, base * HEADLINE_SCALE * room, width * 2, bold=True)
        self._fit(self.needs, base * NEEDS_SCALE * room, width * 2, bold=True, underline=True)
        self._fit(self.detail, base * DETAIL_SCALE * room, width * 3)
        small = max(base, base * 1.2 * room)
        self.event_title.setFont(self._font(small, bold=True))
        self.hint.setFont(self._font(small))
        for label in self.counts.values():
            label.setFont(self._font(max(base, base * COUNT_SCALE * room), bold=True))

    def _font(self, points: float, *, bold: bool = False, underline: bool = False) -> QFont:
        font = QFont(QApplication.font())
        font.setPointSizeF(max(1.0, points))
        font.setBold(bold)
        font.setUnderline(underline)
        return font

    def _fit(
        self,
        label: QLabel,
        points: float,
        room: float,
        *,
        bold: bool = False,
        underline: bool = False,
    ) -> None:
        """Set the label's font at ``points``, smaller if its text (wrapped into at most
        ``room`` pixels of line) would not fit, but never below the app's text size."""
        floor = QApplication.font().pointSizeF()
        font = self._font(points, bold=bold, underline=underline)
        text = label.text()
        while text and font.pointSizeF() > floor:
            longest = max(
                QFontMetricsF(font).horizontalAdvance(word) for word in text.split() or [text]
            )
            whole = QFontMetricsF(font).horizontalAdvance(text)
            if longest <= self.width() - 80 and whole <= room:
                break
            font.setPointSizeF(max(floor, font.pointSizeF() * 0.9))
        label.setFont(font)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._size_text()

    # ---- leaving -----------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F11):
            self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        self.left.emit()
