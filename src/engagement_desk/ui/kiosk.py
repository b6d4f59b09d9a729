"""Kiosk mode: a spare laptop where parents check in and give their views, one at a time.

Full screen, very large text, touch-sized buttons and easy-read words. Each step is one
screen: Welcome (scan your ticket, or skip) → what the ticket scan means → give your views
(a top-k ranking or dots, as the event allows) → thank you → back to Welcome by itself.

Privacy is the point of the design. Answers are anonymous unless the parent, after their own
ticket checked them in, ticks the box that links them to their booking. Nothing the last
parent saw or chose survives a reset: every name, outcome, choice and counter is cleared, and
a quiet kiosk resets itself after ``idle_seconds``. Only the facilitator's PIN leaves kiosk
mode; closing the window any other way (Alt+F4, the window manager) is refused.

The window calls services only: the check-in desk for tickets, the voice service for
answers, the kiosk service for the PIN.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    QPointF,
    QRectF,
    QRegularExpression,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QRegularExpressionValidator,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.checkin import Outcome
from engagement_desk.core.scanning import ScannerSettings
from engagement_desk.services.checkin import CheckInResult, CheckInService
from engagement_desk.services.errors import UserError, ValidationFailed
from engagement_desk.services.kiosk import MAX_DIGITS, KioskLocked, KioskService
from engagement_desk.services.programmes import PriorityInfo
from engagement_desk.services.voices import CaptureSettings, VoiceService
from engagement_desk.ui.checkin_banner import LOOKS
from engagement_desk.ui.kiosk_lock import StaffWindowsHidden
from engagement_desk.ui.scanner import ScannerCapture

if TYPE_CHECKING:
    from engagement_desk.bootstrap import Desk

log = logging.getLogger(__name__)

NO_PIN_MESSAGE = "Set a kiosk PIN first (Settings, or `engagement-desk kiosk set-pin`)."
KIOSK_METHODS = ("ranking", "dots")  # the ways of giving views a parent can do alone on a screen
THANKS_SECONDS = 8
LINK_WORDS = "Link my answers to my booking so the forum can see views by area and age group"
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

# The check-in service describes a booking that has no person behind it ("An anonymous
# walk-in", "Someone whose details were erased", "A ticket holder not on the list"). Those
# are descriptions, not names, so the kiosk greets such a ticket without a name.
_NOT_A_NAME = ("a ticket holder", "an anonymous", "someone whose")
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev"}

# What a parent reads after a scan: plain words, and never anyone's details. The facilitator's
# wording (another person's name, the laptop, the time) stays at the check-in desk.
_OUTCOME_WORDS: dict[Outcome, tuple[str, str]] = {
    Outcome.ADMITTED: ("You're checked in!", "Welcome."),
    Outcome.ADMITTED_NOT_ON_LIST: ("You're checked in!", "Please tell a helper your name."),
    Outcome.ALREADY_CHECKED_IN: ("This ticket has already been used.", "Please ask a helper."),
    Outcome.WAITLISTED: ("You are on the waiting list.", "Please ask a helper."),
    Outcome.WRONG_EVENT: ("This ticket is for a different event.", "Please ask a helper."),
    Outcome.CANCELLED: ("This booking was cancelled.", "Please ask a helper."),
    Outcome.NOT_RECOGNISED: (
        "We could not read this ticket.",
        "Please try again, or ask a helper.",
    ),
    Outcome.EVENT_CANCELLED: ("This event has been cancelled.", "Please ask a helper."),
    Outcome.EVENT_ENDED: ("Check-in for this event has closed.", "Please ask a helper."),
}

ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th")


def ordinal(place: int) -> str:
    """'1st' for 1; places past the table are spelled with 'th'."""
    return ORDINALS[place - 1] if 1 <= place <= len(ORDINALS) else f"{place}th"


def first_name(full_name: str) -> str:
    """The name to greet someone by on a public screen: the first name only, or '' when
    there is no real name to use."""
    cleaned = full_name.strip()
    if not cleaned or cleaned.lower().startswith(_NOT_A_NAME):
        return ""
    words = cleaned.split()
    while len(words) > 2 and words[0].rstrip(".").lower() in _TITLES:
        words.pop(0)
    if words and words[0].rstrip(".").lower() in _TITLES:
        return ""  # "Mrs Ashworth": a surname is not a first name, so greet without one
    return words[0] if words else ""


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


class _TapLabel(QLabel):
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


def _restyle(widget: QWidget) -> None:
    """Apply a changed dynamic property to the style sheet (the widget and its labels)."""
    for item in (widget, *widget.findChildren(QWidget)):
        item.style().unpolish(item)
        item.style().polish(item)
    widget.update()


def _style_sheet(body: float, title: float, small: float) -> str:
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
"""


def _label(text: str = "", role: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if role:
        label.setProperty("role", role)
    return label


def _button(
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


def _scrolling(content: QWidget, name: str) -> QScrollArea:
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


def _row(*widgets: QWidget, stretch_first: bool = True) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(24)
    if stretch_first:
        row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    return row


class PriorityButton(QPushButton):
    """A big button for one priority: its place in the parent's ranking shown as '1st'
    (in words, on a dark button with a tick), and its title wrapped to fit."""

    def __init__(self, priority: PriorityInfo, key: int) -> None:
        super().__init__()
        self.priority = priority
        self.key = key
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setMinimumHeight(BUTTON_HEIGHT + 12)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.badge = _label("", "badge", wrap=False)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = _label(priority.title)
        for label in (self.badge, self.title):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 20, 8)
        layout.setSpacing(16)
        layout.addWidget(self.badge)
        layout.addWidget(self.title, 1)
        self.set_place(None)

    def set_place(self, place: int | None) -> None:
        self.place = place
        self.setProperty("chosen", place is not None)
        self.badge.setText("" if place is None else f"✔ {ordinal(place)}")
        self.badge.setVisible(place is not None)
        title = self.priority.title
        self.setAccessibleName(title if place is None else f"{title}: your {ordinal(place)} choice")
        self.setAccessibleDescription(
            f"Press {self.key} on the keyboard to choose it." if self.key <= 9 else ""
        )
        _restyle(self)


class DotsRow(QWidget):
    """One priority's dots: a title, a minus, the dots shown as symbols and a number, a plus."""

    def __init__(self, priority: PriorityInfo, changed: Callable[[], None]) -> None:
        super().__init__()
        self.priority = priority
        self.dots = 0
        self._changed = changed
        self.title = _label(priority.title)
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.minus = _button(
            "−", f"Take a dot off {priority.title}", lambda: self.add(-1), kind="step"
        )
        self.plus = _button(
            "+", f"Give a dot to {priority.title}", lambda: self.add(1), kind="step"
        )
        for button in (self.minus, self.plus):
            button.setMinimumWidth(BUTTON_HEIGHT + 16)
        self.count = _label("", wrap=False)
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.count.setMinimumWidth(220)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.minus)
        layout.addWidget(self.count)
        layout.addWidget(self.plus)
        self.show_count()

    def add(self, step: int) -> None:
        self.dots = max(0, self.dots + step)
        self.show_count()
        self._changed()

    def clear(self) -> None:
        self.dots = 0
        self.show_count()

    def show_count(self) -> None:
        self.count.setText(("●" * self.dots + f"  {self.dots}") if self.dots else "0")
        words = f"{self.dots} dot{'' if self.dots == 1 else 's'}"
        self.count.setAccessibleName(f"{self.priority.title}: {words}")


class KioskWindow(QWidget):
    """The kiosk: see the module docstring. ``closed`` is emitted once the PIN was accepted
    and the window has closed."""

    closed = Signal()
    page_shown = Signal(str)  # the name of the screen now showing, for tests and logs

    WELCOME, TICKET, CHOOSE, RANKING, DOTS, THANKS, STAFF = (
        "welcome",
        "ticket",
        "choose",
        "ranking",
        "dots",
        "thanks",
        "staff",
    )

    def __init__(
        self,
        event_id: str,
        check_in: CheckInService,
        voices: VoiceService,
        kiosk: KioskService,
        *,
        idle_seconds: float = 90,
        full_screen: bool = True,
        thanks_seconds: float = THANKS_SECONDS,
        parent: QWidget | None = None,
        scanner_settings: ScannerSettings | None = None,
        scanner_clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)  # a window of its own even with a parent
        self.setObjectName("kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setWindowTitle("Engagement Desk kiosk")
        self.setAccessibleName("Kiosk")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.event_id = event_id
        # The app's other windows (the People list, ...) are hidden while the kiosk shows.
        self.staff_windows = StaffWindowsHidden(self)
        self._check_in = check_in
        self._voices = voices
        self._kiosk = kiosk
        self._leave_allowed = False
        self._closed_emitted = False
        self._pages: dict[str, QWidget] = {}
        self._before_staff = self.WELCOME
        self._settings: CaptureSettings = voices.capture_settings(event_id)

        # What the current parent has done; all of it is forgotten by reset().
        self._result: CheckInResult | None = None
        self._ranked: list[PriorityButton] = []
        self._views_saved = False

        body = kiosk_body_points(QApplication.font().pointSizeF(), self._screen_height())
        self.body_points = body
        self.setStyleSheet(_style_sheet(body, body * 1.5, max(14.0, body * 0.6)))

        self.event_label = _label(self._settings.event_title, "event", wrap=False)
        self.staff_button = _button(
            "Staff", "Staff: leave kiosk mode (needs the PIN)", self.open_staff, kind="staff"
        )
        top = QHBoxLayout()
        top.addWidget(self.event_label, 1)
        top.addWidget(self.staff_button)

        self.stack = QStackedWidget()
        for name, build in (
            (self.WELCOME, self._build_welcome),
            (self.TICKET, self._build_ticket),
            (self.CHOOSE, self._build_choose),
            (self.RANKING, self._build_ranking),
            (self.DOTS, self._build_dots),
            (self.THANKS, self._build_thanks),
            (self.STAFF, self._build_staff),
        ):
            page = QWidget()
            page.setObjectName(f"kiosk-{name}")
            page.setAccessibleName(name.capitalize())
            build(page)
            self._pages[name] = page
            self.stack.addWidget(page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 8, 40, 12)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        QShortcut(QKeySequence("Ctrl+Shift+Q"), self, self.open_staff)

        self.scanner = ScannerCapture(self, settings=scanner_settings, clock=scanner_clock)
        self.scanner.scanned.connect(self.scan)

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.idle_timer.setInterval(int(idle_seconds * 1000))
        self.idle_timer.timeout.connect(self.reset)
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(int(thanks_seconds * 1000))
        self.thanks_timer.timeout.connect(self.reset)
        self.lockout_timer = QTimer(self)
        self.lockout_timer.setInterval(1000)
        self.lockout_timer.timeout.connect(self._show_lockout)

        if full_screen:
            # Set before show(), so however the window is shown it fills the screen.
            self.setWindowState(Qt.WindowState.WindowFullScreen)
        self.reset()

    def _screen_height(self) -> int:
        screen = self.screen() or QApplication.primaryScreen()
        return screen.availableGeometry().height() if screen is not None else 0

    # ---- starting ------------------------------------------------------------------

    @classmethod
    def can_start(cls, kiosk: KioskService) -> str | None:
        """None when kiosk mode can start; otherwise what the facilitator must do first."""
        return None if kiosk.has_pin() else NO_PIN_MESSAGE

    # ---- building the screens ----------------------------------------------------------

    def _page_layout(self, page: QWidget, title: str) -> tuple[QVBoxLayout, QLabel]:
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(12)
        heading = _label(title, "title")
        heading.setAccessibleName(title)
        layout.addWidget(heading)
        return layout, heading

    def _build_welcome(self, page: QWidget) -> None:
        layout, _ = self._page_layout(page, "Welcome!")
        self.welcome_text = _label("Scan your ticket here.")
        self.welcome_hint = _label("Hold the code on your ticket under the scanner.")
        self.skip_text = _label("No ticket? You can still tell us what matters to you.")
        self.skip_button = _button(
            "Skip – I don't have a ticket",
            "Skip: I don't have a ticket",
            self.skip_ticket,
            kind="action",
        )
        layout.addWidget(self.welcome_text)
        layout.addWidget(self.welcome_hint)
        layout.addStretch(1)
        layout.addWidget(self.skip_text)
        layout.addLayout(_row(self.skip_button))

    def _build_ticket(self, page: QWidget) -> None:
        layout, _ = self._page_layout(page, "Your ticket")
        self.outcome_frame = QFrame()
        self.outcome_frame.setObjectName("kioskOutcome")
        self.outcome_symbol = _label("", "symbol", wrap=False)
        self.outcome_symbol.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.outcome_symbol.setMinimumWidth(140)
        self.outcome_headline = _label("", "title")
        self.outcome_detail = _label("")
        words = QVBoxLayout()
        words.addWidget(self.outcome_headline)
        words.addWidget(self.outcome_detail)
        banner = QHBoxLayout(self.outcome_frame)
        banner.setContentsMargins(24, 16, 24, 16)
        banner.addWidget(self.outcome_symbol)
        banner.addLayout(words, 1)
        # A checkbox's own text does not wrap, so its words sit in a label beside it that
        # toggles it too (a big target for a finger).
        self.link_box = BigCheckBox()
        self.link_box.setAccessibleName(LINK_WORDS)
        self.link_words = _TapLabel(LINK_WORDS)
        self.link_words.tapped.connect(self.link_box.toggle)
        self.link_note = _label("")
        link_row = QHBoxLayout()
        link_row.setSpacing(20)
        link_row.addWidget(self.link_box, 0, Qt.AlignmentFlag.AlignTop)
        link_row.addWidget(self.link_words, 1)
        self.link_panel = QWidget()
        panel = QVBoxLayout(self.link_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.addLayout(link_row)
        panel.addWidget(self.link_note)
        self.link_box.toggled.connect(self._show_link_note)
        self.views_button = _button(
            "Give my views", "Give my views", self.go_to_views, kind="action"
        )
        self.ticket_done_button = _button("Finish", "Finish", self.finish)
        layout.addWidget(self.outcome_frame)
        layout.addWidget(self.link_panel)
        layout.addStretch(1)
        layout.addLayout(_row(self.ticket_done_button, self.views_button))

    def _build_choose(self, page: QWidget) -> None:
        layout, _ = self._page_layout(page, "How would you like to tell us?")
        self.choose_privacy = _label("")
        self.choose_ranking = _button("", "", lambda: self.show_views("ranking"), kind="action")
        self.choose_dots = _button("", "", lambda: self.show_views("dots"), kind="action")
        self.choose_back = _button("Start again", "Start again", self.reset)
        layout.addWidget(self.choose_privacy)
        for button in (self.choose_ranking, self.choose_dots):
            layout.addWidget(button)
        layout.addStretch(1)
        layout.addLayout(_row(self.choose_back))

    def _build_ranking(self, page: QWidget) -> None:
        layout, self.ranking_title = self._page_layout(page, "Which matter most to you?")
        self.ranking_text = _label("")
        self.ranking_privacy = _label("")
        grid_holder = QWidget()
        self.ranking_grid = QGridLayout(grid_holder)
        self.ranking_grid.setContentsMargins(0, 0, 0, 0)
        self.ranking_grid.setSpacing(12)
        self.priority_buttons: list[PriorityButton] = []
        self.ranking_status = _label("")
        self.ranking_problem = _label("", "problem")
        self.undo_button = _button("Undo last", "Undo last choice", self.undo_last)
        self.ranking_again = _button("Start again", "Start again", self.reset)
        self.ranking_save = _button(
            "Save my answers", "Save my answers", self.save_ranking, kind="action"
        )
        layout.addWidget(self.ranking_text)
        layout.addWidget(_scrolling(grid_holder, "ranking-priorities"), 1)
        layout.addWidget(self.ranking_status)
        layout.addWidget(self.ranking_problem)
        layout.addWidget(self.ranking_privacy)
        buttons = QHBoxLayout()
        buttons.setSpacing(24)
        buttons.addWidget(self.ranking_again)
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.ranking_save)
        layout.addLayout(buttons)

    def _build_dots(self, page: QWidget) -> None:
        layout, _ = self._page_layout(page, "Which matter most to you?")
        self.dots_text = _label("")
        rows_holder = QWidget()
        self.dots_rows_layout = QVBoxLayout(rows_holder)
        self.dots_rows_layout.setContentsMargins(0, 0, 0, 0)
        self.dots_rows_layout.setSpacing(6)
        self.dots_rows: list[DotsRow] = []
        self.dots_left = _label("")
        self.dots_problem = _label("", "problem")
        self.dots_privacy = _label("")
        self.dots_again = _button("Start again", "Start again", self.reset)
        self.dots_save = _button(
            "Save my answers", "Save my answers", self.save_dots, kind="action"
        )
        layout.addWidget(self.dots_text)
        layout.addWidget(_scrolling(rows_holder, "dots-priorities"), 1)
        layout.addWidget(self.dots_problem)
        layout.addWidget(self.dots_privacy)
        buttons = QHBoxLayout()
        buttons.setSpacing(24)
        buttons.addWidget(self.dots_again)
        buttons.addStretch(1)
        buttons.addWidget(self.dots_left)
        buttons.addSpacing(24)
        buttons.addWidget(self.dots_save)
        layout.addLayout(buttons)

    def _build_thanks(self, page: QWidget) -> None:
        layout, self.thanks_title = self._page_layout(page, "Thank you!")
        self.thanks_title.setText("✔  Thank you!")
        self.thanks_text = _label("")
        self.thanks_next = _label("This screen will start again in a few seconds.")
        self.thanks_button = _button("Done", "Done: start again for the next person", self.reset)
        layout.addWidget(self.thanks_text)
        layout.addWidget(self.thanks_next)
        layout.addStretch(1)
        layout.addLayout(_row(self.thanks_button))

    def _build_staff(self, page: QWidget) -> None:
        layout, _ = self._page_layout(page, "Staff only")
        text = _label("Type the PIN to leave kiosk mode.")
        self.pin_field = QLineEdit()
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_field.setMaxLength(MAX_DIGITS)
        self.pin_field.setValidator(
            QRegularExpressionValidator(QRegularExpression(f"[0-9]{{0,{MAX_DIGITS}}}"))
        )
        self.pin_field.setAccessibleName("Kiosk PIN")
        self.pin_field.setFixedWidth(420)
        self.pin_field.returnPressed.connect(self.submit_typed_pin)
        self.pin_message = _label("", "problem")
        pad = QGridLayout()
        pad.setSpacing(12)
        self.pin_keys: dict[str, QPushButton] = {}
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "Delete", "0"]
        for index, key in enumerate(keys):
            if key == "Delete":
                button = _button(
                    "⌫ Delete", "Delete the last digit", self.pin_field.backspace, kind="step"
                )
            else:
                button = _button(key, key, partial(self.pin_field.insert, key), kind="step")
            button.setFixedWidth(210)
            self.pin_keys[key] = button
            pad.addWidget(button, index // 3, index % 3)
        self.pin_cancel = _button("Cancel", "Cancel: back to the kiosk", self.cancel_staff)
        self.pin_ok = _button(
            "Leave kiosk mode", "Leave kiosk mode", self.submit_typed_pin, kind="action"
        )
        left_side = QWidget()
        left_side.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        left = QVBoxLayout(left_side)
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(16)
        left.addWidget(text)
        left.addWidget(self.pin_field, 0, Qt.AlignmentFlag.AlignLeft)
        left.addWidget(self.pin_message)
        left.addStretch(1)
        pad.setRowStretch(4, 1)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(48)
        body.addWidget(left_side, 1)
        body.addLayout(pad, 0)
        layout.addLayout(body, 1)
        layout.addLayout(_row(self.pin_cancel, self.pin_ok))

    # ---- moving between screens ------------------------------------------------------

    @property
    def current_page(self) -> str:
        widget = self.stack.currentWidget()
        return next(name for name, page in self._pages.items() if page is widget)

    def _show(self, name: str) -> None:
        self.stack.setCurrentWidget(self._pages[name])
        if name == self.WELCOME:
            self.idle_timer.stop()
        else:
            self.idle_timer.start()
        if name == self.THANKS:
            self.thanks_timer.start()
        else:
            self.thanks_timer.stop()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        if name == self.STAFF:
            self.pin_field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.page_shown.emit(name)

    def reset(self) -> None:
        """Back to Welcome with nothing of the last parent left anywhere on screen."""
        self._result = None
        self._views_saved = False
        self._ranked = []
        self.outcome_symbol.clear()
        self.outcome_headline.clear()
        self.outcome_detail.clear()
        self.outcome_frame.setStyleSheet("")
        self.outcome_frame.setAccessibleName("")
        self.outcome_frame.setAccessibleDescription("")
        self.link_box.setChecked(False)
        self.link_panel.hide()
        self.thanks_text.clear()
        self._show_link_note(False)
        for words in (
            self.choose_privacy,
            self.ranking_privacy,
            self.dots_privacy,
            self.ranking_status,
        ):
            words.clear()
        self.pin_field.clear()
        self.pin_message.clear()
        self.pin_message.hide()
        self.lockout_timer.stop()
        self._settings = self._fresh_settings()
        self.event_label.setText(self._settings.event_title)
        self._fill_priorities()
        for button in self.priority_buttons:
            button.set_place(None)
        for row in self.dots_rows:
            row.clear()
        for problem in (self.ranking_problem, self.dots_problem):
            problem.clear()
            problem.hide()
        self._update_ranking()
        self._update_dots()
        methods = self.methods
        self.skip_button.setVisible(bool(methods))
        self.skip_text.setVisible(bool(methods))
        self._show(self.WELCOME)

    def _fresh_settings(self) -> CaptureSettings:
        """The event's settings as they are now (the facilitator may have changed them);
        the last ones if they cannot be read."""
        try:
            return self._voices.capture_settings(self.event_id)
        except UserError:
            log.warning("kiosk could not re-read the capture settings", exc_info=True)
            return self._settings

    @property
    def methods(self) -> tuple[str, ...]:
        """The ways of giving views the event allows that a parent can do at the kiosk."""
        if not self._settings.priorities:
            return ()
        return tuple(m for m in KIOSK_METHODS if self._settings.allows(m))

    def _fill_priorities(self) -> None:
        wanted = [(p.id, p.title) for p in self._settings.priorities]
        if wanted == [(b.priority.id, b.priority.title) for b in self.priority_buttons]:
            return
        for widget in [*self.priority_buttons, *self.dots_rows]:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        self.priority_buttons = []
        self.dots_rows = []
        count = len(self._settings.priorities)
        columns = 2 if count > 3 else 1
        for index, priority in enumerate(self._settings.priorities):
            button = PriorityButton(priority, index + 1)
            button.clicked.connect(lambda _=False, b=button: self.choose(b))
            # Across, then down: the reading order, the Tab order and the keys agree.
            self.ranking_grid.addWidget(button, index // columns, index % columns)
            self.priority_buttons.append(button)
            row = DotsRow(priority, self._update_dots)
            self.dots_rows_layout.addWidget(row)
            self.dots_rows.append(row)
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        """Tab goes through each screen as it reads: top to bottom, left to right, with
        the Staff button last."""
        chain: list[QWidget] = [
            self.skip_button,
            self.link_box,
            self.ticket_done_button,
            self.views_button,
            self.choose_ranking,
            self.choose_dots,
            self.choose_back,
            *self.priority_buttons,
            self.ranking_again,
            self.undo_button,
            self.ranking_save,
        ]
        for row in self.dots_rows:
            chain += [row.minus, row.plus]
        chain += [self.dots_again, self.dots_save, self.thanks_button, self.pin_field]
        chain += [self.pin_keys[k] for k in "1234567890"]
        chain += [self.pin_keys["Delete"], self.pin_cancel, self.pin_ok, self.staff_button]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    # ---- the ticket ------------------------------------------------------------------

    def scan(self, code: str) -> CheckInResult | None:
        """A code from the USB scanner. Taken on Welcome, on the ticket screen (a second try)
        and on Thank you (the next parent); ignored while someone is giving views or the
        facilitator is at the PIN."""
        page = self.current_page
        if page not in (self.WELCOME, self.TICKET, self.THANKS):
            return None
        if page == self.THANKS:
            self.reset()
        try:
            result = self._check_in.scan(self.event_id, code, "kiosk")
        except UserError:
            log.warning("kiosk scan failed", exc_info=True)
            result = CheckInResult(Outcome.NOT_RECOGNISED, "", "")
        self.show_ticket(result)
        return result

    def show_ticket(self, result: CheckInResult) -> None:
        self._result = result
        self.link_box.setChecked(False)
        look = LOOKS[result.outcome]
        headline, detail = _OUTCOME_WORDS[result.outcome]
        if result.outcome is Outcome.ADMITTED:
            name = first_name(result.person_name)
            headline = f"You're checked in, {name}!" if name else "You're checked in!"
        if result.outcome.admits and not self.methods:
            detail = f"{detail} Enjoy the event."
        elif result.outcome.admits:
            detail = f"{detail} Would you like to tell us what matters to you?"
        elif self.methods:
            detail = f"{detail} You can still give your views."
        self.outcome_symbol.setText(look.symbol)
        self.outcome_headline.setText(headline)
        self.outcome_detail.setText(detail)
        self.outcome_frame.setStyleSheet(
            f"#kioskOutcome {{ background: {look.background}; border: 4px solid {INK};"
            f" border-radius: 12px; }} #kioskOutcome QLabel {{ color: {look.foreground}; }}"
        )
        self.outcome_frame.setAccessibleName("Ticket result")
        self.outcome_frame.setAccessibleDescription(f"{headline} {detail}")
        self.link_panel.setVisible(self._can_link())
        self._show_link_note(False)
        self.views_button.setVisible(bool(self.methods))
        self.ticket_done_button.setText("Finish" if self.methods else "Done")
        self._show(self.TICKET)

    def _can_link(self) -> bool:
        """Linking is offered only to the person whose own ticket just checked them in."""
        result = self._result
        return (
            result is not None
            and result.outcome is Outcome.ADMITTED
            and result.registration_id is not None
            and bool(self.methods)
        )

    def _show_link_note(self, linked: bool) -> None:
        self.link_note.setText(
            "Your answers will be linked to your booking."
            if linked
            else "If you leave this box empty, your answers are anonymous."
        )

    @property
    def linked_registration(self) -> str | None:
        """The registration the answers will be linked to; None for anonymous answers."""
        if self._can_link() and self.link_box.isChecked():
            assert self._result is not None
            return self._result.registration_id
        return None

    def skip_ticket(self) -> None:
        self._result = None
        self.go_to_views()

    def finish(self) -> None:
        self._show_thanks()

    # ---- giving views ----------------------------------------------------------------

    def _privacy_words(self) -> str:
        if self.linked_registration is not None:
            return "Your answers will be linked to your booking."
        return "Your answers are anonymous. We do not ask your name."

    def go_to_views(self) -> None:
        methods = self.methods
        if not methods:
            self._show_thanks()
        elif len(methods) == 1:
            self.show_views(methods[0])
        else:
            top = self._settings.ranking_top_k
            dots = self._settings.dots_per_person
            self.choose_ranking.setText(f"Choose my top {top}, in order")
            self.choose_ranking.setAccessibleName(f"Choose my top {top}, in order")
            self.choose_dots.setText(f"Share out my {dots} dots")
            self.choose_dots.setAccessibleName(f"Share out my {dots} dots")
            self.choose_privacy.setText(self._privacy_words())
            self._show(self.CHOOSE)

    def show_views(self, method: str) -> None:
        if method == "ranking":
            self.ranking_privacy.setText(self._privacy_words())
            self._update_ranking()
            self._show(self.RANKING)
        else:
            self.dots_privacy.setText(self._privacy_words())
            self._update_dots()
            self._show(self.DOTS)

    @property
    def ranking_limit(self) -> int:
        return max(1, min(self._settings.ranking_top_k, len(self.priority_buttons)))

    def choose(self, button: PriorityButton) -> None:
        self._clear_problem(self.ranking_problem)
        if button.place is not None:
            self.ranking_status.setText(
                f"You chose this as your {ordinal(button.place)}. Tap “Undo last” to change."
            )
            return
        if len(self._ranked) >= self.ranking_limit:
            self.ranking_status.setText(
                f"You have chosen {self.ranking_limit}. Tap “Undo last” to change, "
                "or “Save my answers”."
            )
            return
        self._ranked.append(button)
        button.set_place(len(self._ranked))
        self._update_ranking()

    def choose_number(self, number: int) -> None:
        """Number key n chooses the nth priority on the ranking screen."""
        if 1 <= number <= len(self.priority_buttons):
            self.choose(self.priority_buttons[number - 1])

    def undo_last(self) -> None:
        self._clear_problem(self.ranking_problem)
        if self._ranked:
            self._ranked.pop().set_place(None)
        self._update_ranking()

    def _update_ranking(self) -> None:
        top = self.ranking_limit
        if top == 1:
            self.ranking_title.setText("Which matters most to you?")
            self.ranking_text.setText("Tap the one that matters most.")
        else:
            self.ranking_title.setText("Which matter most to you?")
            self.ranking_text.setText(f"Tap your top {top}. Tap the most important first.")
        chosen = len(self._ranked)
        if chosen == 0:
            self.ranking_status.setText("")
        elif chosen < top:
            self.ranking_status.setText(f"You have chosen {chosen} of {top}.")
        else:
            self.ranking_status.setText(f"You have chosen {top}. Tap “Save my answers”.")
        self.undo_button.setEnabled(chosen > 0)

    @property
    def dots_allowed(self) -> int:
        return self._settings.dots_per_person

    @property
    def dots_placed(self) -> int:
        return sum(row.dots for row in self.dots_rows)

    def _update_dots(self) -> None:
        allowed = self.dots_allowed
        left = allowed - self.dots_placed
        self.dots_text.setText(
            f"You have {allowed} dot{'' if allowed == 1 else 's'}. Tap + to give a dot. "
            "Give more than one if it matters a lot."
        )
        self.dots_left.setText(f"Dots left: {left}" + ("  " + "○" * left if left else " ✔"))
        self.dots_left.setAccessibleName(f"Dots left: {left}")
        for row in self.dots_rows:
            row.plus.setEnabled(left > 0)
            row.minus.setEnabled(row.dots > 0)
        if self.dots_placed:
            self._clear_problem(self.dots_problem)

    def save_ranking(self) -> None:
        ranked = [b.priority.id for b in self._ranked]
        self._save("ranking", self.ranking_problem, self._voices.record_ranking, ranked)

    def save_dots(self) -> None:
        allocations = {row.priority.id: row.dots for row in self.dots_rows if row.dots}
        self._save("dots", self.dots_problem, self._voices.record_dots, allocations)

    def _save(
        self,
        method: str,
        problem_label: QLabel,
        record: Callable[..., str],
        answers: object,
    ) -> None:
        linked = self.linked_registration
        try:
            record(self.event_id, answers, registration_id=linked, source="kiosk")
        except ValidationFailed as refused:
            if linked is not None and any(p.field == "registration" for p in refused.problems):
                # Their booking has answers already: say so, and let them save anonymously.
                self.link_box.setChecked(False)
                for privacy in (self.ranking_privacy, self.dots_privacy):
                    privacy.setText(self._privacy_words())
                self._show_problem(
                    problem_label,
                    "Your booking already has answers like these. "
                    "Tap “Save my answers” again to save these without your booking.",
                )
            else:
                self._show_problem(problem_label, self._easy_words(method, refused))
            return
        except UserError:
            log.warning("kiosk could not save %s", method, exc_info=True)
            self._show_problem(
                problem_label, "Sorry, your answers could not be saved. Please ask a helper."
            )
            return
        self._views_saved = True
        self._show_thanks()

    def _easy_words(self, method: str, refused: ValidationFailed) -> str:
        """The service's reasons in easy-read words for a parent (its own words are for
        facilitators, and go to the log)."""
        if method == "ranking" and not self._ranked:
            return "Please tap at least one to choose it."
        if method == "dots" and not self.dots_placed:
            return "Please give at least one dot. Tap + to give a dot."
        if method == "dots" and self.dots_placed > self.dots_allowed:
            return f"You can give {self.dots_allowed} dots. Tap − to take some off."
        log.warning("kiosk answers refused: %s", refused)
        return "Sorry, your answers could not be saved. Please ask a helper."

    def _show_problem(self, label: QLabel, words: str) -> None:
        label.setText(f"⚠ {words}")
        label.setAccessibleName(words)
        label.show()

    def _clear_problem(self, label: QLabel) -> None:
        label.clear()
        label.setAccessibleName("")
        label.hide()

    def _show_thanks(self) -> None:
        result = self._result
        if self._views_saved:
            self.thanks_text.setText("Your views have been saved.")
        elif result is not None and result.outcome.admits:
            self.thanks_text.setText("Enjoy the event.")
        else:
            self.thanks_text.setText("If you need anything, please ask a helper.")
        self._show(self.THANKS)

    # ---- leaving kiosk mode ----------------------------------------------------------

    def open_staff(self) -> None:
        if self.current_page != self.STAFF:
            self._before_staff = self.current_page
        self.pin_field.clear()
        self._show(self.STAFF)
        self._show_lockout()

    def cancel_staff(self) -> None:
        self.pin_field.clear()
        self.pin_message.hide()
        self.lockout_timer.stop()
        self._show(self._before_staff)

    def submit_typed_pin(self) -> None:
        self.submit_pin(self.pin_field.text())

    def submit_pin(self, pin: str) -> bool:
        """Check the facilitator's PIN; close the kiosk only for the right one."""
        self.pin_field.clear()
        try:
            right = self._kiosk.check_pin(pin)
        except KioskLocked as locked:
            self._show_pin_message(str(locked))
            self.lockout_timer.start()
            return False
        except UserError as problem:
            self._show_pin_message(str(problem))
            return False
        if not right:
            left = self._kiosk.tries_left
            self._show_pin_message(
                f"That PIN is not right. {left} more tr{'y' if left == 1 else 'ies'} "
                "before a short lockout."
            )
            return False
        self._leave_allowed = True
        log.info("kiosk mode left with the facilitator's PIN")
        self.close()
        return True

    def _show_pin_message(self, words: str) -> None:
        self.pin_message.setText(f"⚠ {words}")
        self.pin_message.setAccessibleName(words)
        self.pin_message.show()
        self.pin_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_lockout(self) -> None:
        seconds = self._kiosk.locked_for()
        if seconds:
            self._show_pin_message(
                f"Too many wrong PINs. Wait {seconds} second{'s' if seconds != 1 else ''} "
                "and try again."
            )
        elif self.lockout_timer.isActive():
            self.lockout_timer.stop()
            self.pin_message.hide()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._leave_allowed:
            event.ignore()  # Alt+F4 or the window manager: only the PIN leaves kiosk mode
            self.open_staff()
            return
        self.scanner.stop()
        self._stop_watching()
        self.idle_timer.stop()
        self.thanks_timer.stop()
        self.lockout_timer.stop()
        self.staff_windows.release()
        event.accept()
        if not self._closed_emitted:
            self._closed_emitted = True
            self.closed.emit()

    # ---- watching for a person at the screen -------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._leave_allowed:
            self.staff_windows.engage()
            self.scanner.start()
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.scanner.stop()
        self._stop_watching()

    def _stop_watching(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    _ACTIVITY = (
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.Wheel,
    )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in self._ACTIVITY
            and self.idle_timer.isActive()
            and isinstance(watched, QWidget)
            and watched.window() is self
        ):
            self.idle_timer.start()  # someone is still here
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        page = self.current_page
        focused = self.focusWidget()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if isinstance(focused, QAbstractButton) and focused.window() is self:
                focused.click()  # Enter presses the focused button, as Space does
                return
            if page == self.STAFF:
                self.submit_typed_pin()
                return
        if page == self.RANKING and len(event.text()) == 1 and event.text() in "123456789":
            self.choose_number(int(event.text()))
            return
        if page == self.STAFF:
            if event.text().isdigit() and event.text().isascii():
                self.pin_field.insert(event.text())
                return
            if key == Qt.Key.Key_Backspace:
                self.pin_field.backspace()
                return
            if key == Qt.Key.Key_Escape:
                self.cancel_staff()
                return
        super().keyPressEvent(event)

    # ---- for tests and the facilitator ---------------------------------------------------

    def visible_texts(self) -> list[str]:
        """Every word in the window a person could read or hear: label and button texts
        and accessible names and descriptions."""
        texts: list[str] = []
        for widget in self.findChildren(QWidget):
            if isinstance(widget, QLabel | QAbstractButton):
                texts.append(widget.text())
            texts.extend((widget.accessibleName(), widget.accessibleDescription()))
        return [t for t in texts if t]


class SetPinDialog(QDialog):
    """Set the kiosk PIN, or change it (the current PIN is asked for once one is set)."""

    def __init__(self, kiosk: KioskService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk = kiosk
        changing = kiosk.has_pin()
        self.setWindowTitle("Change the kiosk PIN" if changing else "Set the kiosk PIN")
        self.setAccessibleName(self.windowTitle())
        intro = QLabel(
            "The PIN is needed to leave kiosk mode. Use 4 to 8 digits that parents cannot "
            "guess. Only a scrambled form of it is kept."
        )
        intro.setWordWrap(True)
        self.current = self._pin_field("Current kiosk PIN")
        self.pin = self._pin_field("New kiosk PIN")
        self.repeat = self._pin_field("Type the new PIN again")
        form = QFormLayout()
        if changing:
            form.addRow(self._buddy("&Current PIN:", self.current), self.current)
        else:
            self.current.hide()
        form.addRow(self._buddy("&New PIN:", self.pin), self.pin)
        form.addRow(self._buddy("New PIN &again:", self.repeat), self.repeat)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet("font-weight: bold;")
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Save PIN")
        ok.setAccessibleName("Save the kiosk PIN")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    @staticmethod
    def _pin_field(accessible: str) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setMaxLength(MAX_DIGITS)
        field.setValidator(
            QRegularExpressionValidator(QRegularExpression(f"[0-9]{{0,{MAX_DIGITS}}}"))
        )
        field.setAccessibleName(accessible)
        return field

    @staticmethod
    def _buddy(text: str, field: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(field)
        return label

    def save(self) -> None:
        pin, repeat = self.pin.text(), self.repeat.text()
        if pin != repeat:
            self._refuse("The two new PINs are not the same. Type the new PIN twice.")
            return
        current = self.current.text() if self.current.isVisibleTo(self) else None
        try:
            self._kiosk.set_pin(pin, current or None)
        except UserError as problem:
            self._refuse(str(problem))
            return
        self.accept()

    def _refuse(self, words: str) -> None:
        self.problem.setText(f"⚠ {words}")
        self.problem.setAccessibleName(words)
        self.problem.show()
        for field in (self.current, self.pin, self.repeat):
            field.clear()
        (self.current if self.current.isVisibleTo(self) else self.pin).setFocus()


def open_kiosk(
    desk: Desk, event_id: str, scanner_settings: ScannerSettings | None = None
) -> KioskWindow:
    """Kiosk mode for an event, full screen; a UserError says why it cannot start."""
    problem = KioskWindow.can_start(desk.kiosk)
    if problem is not None:
        raise UserError(problem)
    window = KioskWindow(
        event_id, desk.check_in, desk.voices, desk.kiosk, scanner_settings=scanner_settings
    )
    window.closed.connect(window.deleteLater)
    return window
