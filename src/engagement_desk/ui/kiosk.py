"""Kiosk mode: a spare laptop where parents check in and give their views, one at a time.

Full screen, very large text, touch-sized buttons and easy-read words. Each step is one
screen: Welcome (scan your ticket, or skip) → what the ticket scan means → give your views
(every way the event asks for: a top-k ranking, dots, 100 points, a comment with themes to
tap; each priority in the programme's easy-read words) → thank you → back to Welcome by
itself. The journey is ``core.kiosk_flow.KioskFlow``; this window draws it.

Privacy is the point of the design. Answers are anonymous unless the parent, after their own
ticket checked them in, ticks the box that links them to their booking. Nothing the last
parent saw or chose survives a reset: every name, outcome, choice and counter is cleared, and
a quiet kiosk resets itself after ``idle_seconds``. Only the facilitator's PIN leaves kiosk
mode; closing the window any other way (Alt+F4, the window manager) is refused.

While the kiosk shows, every other window of the app is hidden (``kiosk_lock``): Alt+Tab
finds nothing with names on it.

The window calls services only: the check-in desk for tickets, the kiosk's answers service
(the voice service underneath) for answers, the kiosk service for the PIN.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QRegularExpressionValidator,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.checkin import Outcome
from engagement_desk.core.kiosk_flow import (
    KIOSK_METHODS,
    POINTS_STEP,
    AnswerProblem,
    Choice,
    KioskFlow,
    KioskOptions,
    Screen,
)
from engagement_desk.core.scanning import ScannerSettings
from engagement_desk.core.scoring import POINTS_TOTAL
from engagement_desk.services.checkin import CheckInResult, CheckInService
from engagement_desk.services.errors import UserError
from engagement_desk.services.kiosk import MAX_DIGITS, KioskAnswers, KioskLocked, KioskService
from engagement_desk.services.voices import CaptureSettings, VoiceService
from engagement_desk.ui.checkin_banner import LOOKS
from engagement_desk.ui.kiosk_comment import CommentScreen
from engagement_desk.ui.kiosk_lock import StaffWindowsHidden
from engagement_desk.ui.kiosk_widgets import (
    INK,
    BigCheckBox,
    CountRow,
    PriorityButton,
    TapLabel,
    big_button,
    big_label,
    button_row,
    kiosk_body_points,
    ordinal,
    scrolling,
    style_sheet,
)
from engagement_desk.ui.scanner import ScannerCapture

if TYPE_CHECKING:
    from engagement_desk.bootstrap import Desk

log = logging.getLogger(__name__)

NO_PIN_MESSAGE = "Set a kiosk PIN first (Settings, or `engagement-desk kiosk set-pin`)."
THANKS_SECONDS = 8
LINK_WORDS = "Link my answers to my booking so the forum can see views by area and age group"

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


# The ways of giving views, as the "How would you like to tell us?" screen offers them.
_METHOD_WORDS = {
    "ranking": "Choose my top ones, in order",
    "dots": "Share out my dots",
    "points": f"Share out {POINTS_TOTAL} points",
    "comments": "Tell you in my own words",
}


def _options(settings: CaptureSettings) -> KioskOptions:
    return KioskOptions(
        methods=settings.methods,
        priorities=tuple(p.id for p in settings.priorities),
        ranking_top_k=settings.ranking_top_k,
        dots_per_person=settings.dots_per_person,
        themes=settings.themes,
    )


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


class KioskWindow(QWidget):
    """The kiosk: see the module docstring. The journey itself (which screen, what the parent
    chose) lives in ``flow``; this window draws it. ``closed`` is emitted once the PIN was
    accepted and the window has closed."""

    closed = Signal()
    page_shown = Signal(str)  # the name of the screen now showing, for tests and logs

    WELCOME, TICKET, CHOOSE, RANKING, DOTS, POINTS, COMMENT, THANKS, STAFF = (
        Screen.WELCOME,
        Screen.TICKET,
        Screen.CHOOSE,
        Screen.RANKING,
        Screen.DOTS,
        Screen.POINTS,
        Screen.COMMENT,
        Screen.THANKS,
        Screen.STAFF,
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
        self._answers = KioskAnswers(voices)
        self._kiosk = kiosk
        self._leave_allowed = False
        self._closed_emitted = False
        self._pages: dict[Screen, QWidget] = {}
        self._settings: CaptureSettings = voices.capture_settings(event_id)
        self.flow = KioskFlow(_options(self._settings))
        self._result: CheckInResult | None = None  # the last scan, for its words

        body = kiosk_body_points(QApplication.font().pointSizeF(), self._screen_height())
        self.body_points = body
        self.setStyleSheet(style_sheet(body, body * 1.5, max(14.0, body * 0.6)))

        self.event_label = big_label(self._settings.event_title, "event", wrap=False)
        self.staff_button = big_button(
            "Staff", "Staff: leave kiosk mode (needs the PIN)", self.open_staff, kind="staff"
        )
        top = QHBoxLayout()
        top.addWidget(self.event_label, 1)
        top.addWidget(self.staff_button)

        self.comment_screen = CommentScreen(
            lambda: self._save("comments"), self.reset, self._toggle_theme
        )
        self.stack = QStackedWidget()
        for name, build in (
            (self.WELCOME, self._build_welcome),
            (self.TICKET, self._build_ticket),
            (self.CHOOSE, self._build_choose),
            (self.RANKING, self._build_ranking),
            (self.DOTS, self._build_dots),
            (self.POINTS, self._build_points),
            (self.COMMENT, None),
            (self.THANKS, self._build_thanks),
            (self.STAFF, self._build_staff),
        ):
            page = self.comment_screen if build is None else QWidget()
            page.setObjectName(f"kiosk-{name}")
            page.setAccessibleName(name.capitalize())
            if build is not None:
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
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        heading = big_label(title, "title")
        heading.setAccessibleName(title)
        layout.addWidget(heading)
        return layout, heading

    def _build_welcome(self, page: QWidget) -> None:
        layout, _ = self._page_layout(page, "Welcome!")
        self.welcome_text = big_label("Scan your ticket here.")
        self.welcome_hint = big_label("Hold the code on your ticket under the scanner.")
        self.skip_text = big_label("No ticket? You can still tell us what matters to you.")
        self.skip_button = big_button(
            "Skip – I don't have a ticket",
            "Skip: I don't have a ticket",
            self.skip_ticket,
            kind="action",
        )
        layout.addWidget(self.welcome_text)
        layout.addWidget(self.welcome_hint)
        layout.addStretch(1)
        layout.addWidget(self.skip_text)
        layout.addLayout(button_row(self.skip_button))

    def _build_ticket(self, page: QWidget) -> None:
        layout, _ = self._page_layout(page, "Your ticket")
        self.outcome_frame = QFrame()
        self.outcome_frame.setObjectName("kioskOutcome")
        self.outcome_symbol = big_label("", "symbol", wrap=False)
        self.outcome_symbol.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.outcome_symbol.setMinimumWidth(140)
        self.outcome_headline = big_label("", "title")
        self.outcome_detail = big_label("")
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
        self.link_words = TapLabel(LINK_WORDS)
        self.link_words.tapped.connect(self.link_box.toggle)
        self.link_note = big_label("")
        link_row = QHBoxLayout()
        link_row.setSpacing(20)
        link_row.addWidget(self.link_box, 0, Qt.AlignmentFlag.AlignTop)
        link_row.addWidget(self.link_words, 1)
        self.link_panel = QWidget()
        panel = QVBoxLayout(self.link_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.addLayout(link_row)
        panel.addWidget(self.link_note)
        self.link_box.toggled.connect(self._link_toggled)
        self.views_button = big_button(
            "Give my views", "Give my views", self.go_to_views, kind="action"
        )
        self.ticket_done_button = big_button("Finish", "Finish", self.finish)
        layout.addWidget(self.outcome_frame)
        layout.addWidget(self.link_panel)
        layout.addStretch(1)
        layout.addLayout(button_row(self.ticket_done_button, self.views_button))

    def _build_choose(self, page: QWidget) -> None:
        layout, _ = self._page_layout(page, "How would you like to tell us?")
        self.choose_privacy = big_label("")
        self.choose_buttons: dict[str, QPushButton] = {}
        for method in KIOSK_METHODS:
            words = _METHOD_WORDS[method]
            button = big_button(words, words, partial(self.show_views, method), kind="action")
            self.choose_buttons[method] = button
        self.choose_ranking = self.choose_buttons["ranking"]
        self.choose_dots = self.choose_buttons["dots"]
        self.choose_points = self.choose_buttons["points"]
        self.choose_comment = self.choose_buttons["comments"]
        self.choose_back = big_button("Start again", "Start again", self.reset)
        layout.addWidget(self.choose_privacy)
        for button in self.choose_buttons.values():
            layout.addWidget(button)
        layout.addStretch(1)
        layout.addLayout(button_row(self.choose_back))

    def _build_ranking(self, page: QWidget) -> None:
        layout, self.ranking_title = self._page_layout(page, "Which matter most to you?")
        self.ranking_text = big_label("")
        self.ranking_privacy = big_label("")
        grid_holder = QWidget()
        self.ranking_grid = QGridLayout(grid_holder)
        self.ranking_grid.setContentsMargins(0, 0, 0, 0)
        self.ranking_grid.setSpacing(6)
        self.priority_buttons: list[PriorityButton] = []
        self.ranking_status = big_label("")
        self.ranking_problem = big_label("", "problem")
        self.undo_button = big_button("Undo last", "Undo last choice", self.undo_last)
        self.ranking_again = big_button("Start again", "Start again", self.reset)
        self.ranking_save = big_button(
            "Save my answers", "Save my answers", self.save_ranking, kind="action"
        )
        layout.addWidget(self.ranking_text)
        layout.addWidget(scrolling(grid_holder, "ranking-priorities"), 1)
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

    def _build_counts(
        self, page: QWidget, name: str, save: Callable[[], None]
    ) -> tuple[QLabel, QVBoxLayout, QLabel, QLabel, QLabel, QPushButton, QPushButton]:
        """The dots and the points screens: a line of instructions, a row per priority,
        what is left, and the buttons."""
        layout, _ = self._page_layout(page, "Which matter most to you?")
        text = big_label("")
        rows_holder = QWidget()
        rows = QVBoxLayout(rows_holder)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(6)
        left = big_label("")
        problem = big_label("", "problem")
        privacy = big_label("")
        again = big_button("Start again", "Start again", self.reset)
        save_button = big_button("Save my answers", "Save my answers", save, kind="action")
        layout.addWidget(text)
        layout.addWidget(scrolling(rows_holder, f"{name}-priorities"), 1)
        layout.addWidget(problem)
        layout.addWidget(privacy)
        buttons = QHBoxLayout()
        buttons.setSpacing(24)
        buttons.addWidget(again)
        buttons.addStretch(1)
        buttons.addWidget(left)
        buttons.addSpacing(24)
        buttons.addWidget(save_button)
        layout.addLayout(buttons)
        return text, rows, left, problem, privacy, again, save_button

    def _build_dots(self, page: QWidget) -> None:
        (
            self.dots_text,
            self.dots_rows_layout,
            self.dots_left,
            self.dots_problem,
            self.dots_privacy,
            self.dots_again,
            self.dots_save,
        ) = self._build_counts(page, "dots", self.save_dots)
        self.dots_rows: list[CountRow] = []

    def _build_points(self, page: QWidget) -> None:
        (
            self.points_text,
            self.points_rows_layout,
            self.points_left,
            self.points_problem,
            self.points_privacy,
            self.points_again,
            self.points_save,
        ) = self._build_counts(page, "points", self.save_points)
        self.points_rows: list[CountRow] = []

    def _build_thanks(self, page: QWidget) -> None:
        layout, self.thanks_title = self._page_layout(page, "Thank you!")
        self.thanks_title.setText("✔  Thank you!")
        self.thanks_text = big_label("")
        self.thanks_next = big_label("This screen will start again in a few seconds.")
        self.thanks_more = big_button(
            "Tell you something else", "Tell you something else", self.give_more, kind="action"
        )
        self.thanks_button = big_button("Done", "Done: start again for the next person", self.reset)
        layout.addWidget(self.thanks_text)
        layout.addWidget(self.thanks_next)
        layout.addStretch(1)
        layout.addLayout(button_row(self.thanks_more, self.thanks_button))

    def _build_staff(self, page: QWidget) -> None:
        layout, _ = self._page_layout(page, "Staff only")
        text = big_label("Type the PIN to leave kiosk mode.")
        self.pin_field = QLineEdit()
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_field.setMaxLength(MAX_DIGITS)
        self.pin_field.setValidator(
            QRegularExpressionValidator(QRegularExpression(f"[0-9]{{0,{MAX_DIGITS}}}"))
        )
        self.pin_field.setAccessibleName("Kiosk PIN")
        self.pin_field.setFixedWidth(420)
        self.pin_field.returnPressed.connect(self.submit_typed_pin)
        self.pin_message = big_label("", "problem")
        pad = QGridLayout()
        pad.setSpacing(12)
        self.pin_keys: dict[str, QPushButton] = {}
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "Delete", "0"]
        for index, key in enumerate(keys):
            if key == "Delete":
                button = big_button(
                    "⌫ Delete", "Delete the last digit", self.pin_field.backspace, kind="step"
                )
            else:
                button = big_button(key, key, partial(self.pin_field.insert, key), kind="step")
            button.setFixedWidth(210)
            self.pin_keys[key] = button
            pad.addWidget(button, index // 3, index % 3)
        self.pin_cancel = big_button("Cancel", "Cancel: back to the kiosk", self.cancel_staff)
        self.pin_ok = big_button(
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
        layout.addLayout(button_row(self.pin_cancel, self.pin_ok))

    # ---- moving between screens ------------------------------------------------------

    @property
    def current_page(self) -> str:
        return str(self.flow.screen)

    def _show(self) -> None:
        """Show the flow's screen and run the timers it asks for."""
        name = self.flow.screen
        self.stack.setCurrentWidget(self._pages[name])
        if self.flow.idle_timer_runs:
            self.idle_timer.start()
        else:
            self.idle_timer.stop()
        if self.flow.thanks_timer_runs:
            self.thanks_timer.start()
        else:
            self.thanks_timer.stop()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        if name == self.STAFF:
            self.pin_field.setFocus(Qt.FocusReason.OtherFocusReason)
        elif name == self.COMMENT:
            self.comment_screen.text.setFocus(Qt.FocusReason.OtherFocusReason)
        self.page_shown.emit(str(name))

    def reset(self) -> None:
        """Back to Welcome with nothing of the last parent left anywhere on screen."""
        self._settings = self._fresh_settings()
        self.flow.reset(_options(self._settings))
        self._result = None
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
            self.points_privacy,
            self.ranking_status,
        ):
            words.clear()
        self.pin_field.clear()
        self.pin_message.clear()
        self.pin_message.hide()
        self.lockout_timer.stop()
        self.event_label.setText(self._settings.event_title)
        self._fill_priorities()
        self.comment_screen.set_themes(self._settings.themes)
        self.comment_screen.clear()
        for problem in (self.ranking_problem, self.dots_problem, self.points_problem):
            problem.clear()
            problem.hide()
        self._update_ranking()
        self._update_dots()
        self._update_points()
        methods = self.methods
        self.skip_button.setVisible(bool(methods))
        self.skip_text.setVisible(bool(methods))
        self._set_tab_order()
        self._show()

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
        """The ways of giving views the event asks for that the kiosk offers."""
        return self.flow.offered

    def _fill_priorities(self) -> None:
        priorities = self._settings.priorities
        if list(priorities) == [b.priority for b in self.priority_buttons]:
            return
        for widget in [*self.priority_buttons, *self.dots_rows, *self.points_rows]:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        self.priority_buttons = []
        self.dots_rows = []
        self.points_rows = []
        columns = 2 if len(priorities) > 3 else 1
        for index, priority in enumerate(priorities):
            button = PriorityButton(priority, index + 1)
            button.clicked.connect(lambda _=False, b=button: self.choose(b))
            # Across, then down: the reading order, the Tab order and the keys agree.
            self.ranking_grid.addWidget(button, index // columns, index % columns)
            self.priority_buttons.append(button)
            row = CountRow(priority, self._step_dots)
            self.dots_rows_layout.addWidget(row)
            self.dots_rows.append(row)
            points = CountRow(priority, self._step_points, unit="point", per_tap=POINTS_STEP)
            self.points_rows_layout.addWidget(points)
            self.points_rows.append(points)

    def _set_tab_order(self) -> None:
        """Tab goes through each screen as it reads: top to bottom, left to right, with
        the Staff button last."""
        chain: list[QWidget] = [
            self.skip_button,
            self.link_box,
            self.ticket_done_button,
            self.views_button,
            *self.choose_buttons.values(),
            self.choose_back,
            *self.priority_buttons,
            self.ranking_again,
            self.undo_button,
            self.ranking_save,
        ]
        for row in self.dots_rows:
            chain += [row.minus, row.plus]
        chain += [self.dots_again, self.dots_save]
        for row in self.points_rows:
            chain += [row.minus, row.plus]
        chain += [self.points_again, self.points_save]
        chain += self.comment_screen.tab_chain()
        chain += [self.thanks_more, self.thanks_button, self.pin_field]
        chain += [self.pin_keys[k] for k in "1234567890"]
        chain += [self.pin_keys["Delete"], self.pin_cancel, self.pin_ok, self.staff_button]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    # ---- the ticket ------------------------------------------------------------------

    def scan(self, code: str) -> CheckInResult | None:
        """A code from the USB scanner. Taken on Welcome, on the ticket screen (a second try)
        and on Thank you (the next parent); ignored while someone is giving views or the
        facilitator is at the PIN."""
        if not self.flow.takes_scans():
            return None
        if self.flow.screen == self.THANKS:
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
        self.flow.scanned(result.outcome, result.registration_id)
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
        self.link_panel.setVisible(self.flow.can_link)
        self._show_link_note(False)
        self.views_button.setVisible(bool(self.methods))
        self.ticket_done_button.setText("Finish" if self.methods else "Done")
        self._show()

    def _link_toggled(self, linked: bool) -> None:
        self.flow.link_wanted = linked
        self._show_link_note(linked)

    def _show_link_note(self, linked: bool) -> None:
        self.link_note.setText(
            "Your answers will be linked to your booking."
            if linked
            else "If you leave this box empty, your answers are anonymous."
        )

    @property
    def linked_registration(self) -> str | None:
        """The registration the answers will be linked to; None for anonymous answers."""
        return self.flow.linked_registration

    def skip_ticket(self) -> None:
        self._result = None
        self.flow.skip_ticket()
        self._prepare_views()

    def finish(self) -> None:
        self.flow.finish()
        self._show_thanks()

    # ---- giving views ----------------------------------------------------------------

    def _privacy_words(self) -> str:
        if self.linked_registration is not None:
            return "Your answers will be linked to your booking."
        return "Your answers are anonymous. We do not ask your name."

    def go_to_views(self) -> None:
        self.flow.go_to_views()
        self._prepare_views()

    def give_more(self) -> None:
        """From Thank you: another way of giving views (a comment after a ranking)."""
        self.comment_screen.clear()
        for problem in (self.ranking_problem, self.dots_problem, self.points_problem):
            problem.hide()
        self.flow.give_more()
        self._update_ranking()
        self._update_dots()
        self._update_points()
        self._prepare_views()

    def _prepare_views(self) -> None:
        """Fill in the screen the flow moved to, then show it."""
        screen = self.flow.screen
        if screen == self.THANKS:
            self._show_thanks()
            return
        if screen == self.CHOOSE:
            words = dict(_METHOD_WORDS)
            words["ranking"] = f"Choose my top {self.flow.options.ranking_limit}, in order"
            words["dots"] = f"Share out my {self._settings.dots_per_person} dots"
            left = self.flow.still_to_give
            for method, button in self.choose_buttons.items():
                button.setText(words[method])
                button.setAccessibleName(words[method])
                button.setVisible(method in left)
            self.choose_privacy.setText(self._privacy_words())
        for privacy in (
            self.ranking_privacy,
            self.dots_privacy,
            self.points_privacy,
            self.comment_screen.privacy,
        ):
            privacy.setText(self._privacy_words())
        self._update_ranking()
        self._update_dots()
        self._update_points()
        self._show()

    def show_views(self, method: str) -> None:
        self.flow.show_method(method)
        self._prepare_views()

    @property
    def ranking_limit(self) -> int:
        return self.flow.options.ranking_limit

    def choose(self, button: PriorityButton) -> None:
        self._clear_problem(self.ranking_problem)
        choice = self.flow.choose(button.priority.id)
        if choice is Choice.ALREADY_CHOSEN and button.place is not None:
            self.ranking_status.setText(
                f"You chose this as your {ordinal(button.place)}. Tap “Undo last” to change."
            )
            return
        if choice is Choice.FULL:
            self.ranking_status.setText(
                f"You have chosen {self.ranking_limit}. Tap “Undo last” to change, "
                "or “Save my answers”."
            )
            return
        self._update_ranking()

    def choose_number(self, number: int) -> None:
        """Number key n chooses the nth priority on the ranking screen."""
        if 1 <= number <= len(self.priority_buttons):
            self.choose(self.priority_buttons[number - 1])

    def undo_last(self) -> None:
        self._clear_problem(self.ranking_problem)
        self.flow.undo_last()
        self._update_ranking()

    def _update_ranking(self) -> None:
        for button in self.priority_buttons:
            place = self.flow.place_of(button.priority.id)
            if place != button.place:
                button.set_place(place)
        top = self.ranking_limit
        if top == 1:
            self.ranking_title.setText("Which matters most to you?")
            self.ranking_text.setText("Tap the one that matters most.")
        else:
            self.ranking_title.setText("Which matter most to you?")
            self.ranking_text.setText(f"Tap your top {top}. Tap the most important first.")
        chosen = len(self.flow.ranked)
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
        return sum(self.flow.dots.values())

    def _step_dots(self, row: CountRow, taps: int) -> None:
        step = 1 if taps > 0 else -1
        for _ in range(abs(taps)):
            if not self.flow.add_dot(row.priority.id, step):
                break
        self._update_dots()

    def _step_points(self, row: CountRow, taps: int) -> None:
        step = POINTS_STEP if taps > 0 else -POINTS_STEP
        for _ in range(abs(taps)):
            if not self.flow.add_points(row.priority.id, step):
                break
        self._update_points()

    def _update_dots(self) -> None:
        allowed = self.dots_allowed
        left = self.flow.dots_left
        self.dots_text.setText(
            f"You have {allowed} dot{'' if allowed == 1 else 's'}. Tap + to give a dot. "
            "Give more than one if it matters a lot."
        )
        self.dots_left.setText(f"Dots left: {left}" + ("  " + "○" * left if left else " ✔"))
        self.dots_left.setAccessibleName(f"Dots left: {left}")
        for row in self.dots_rows:
            row.show_count(self.flow.dots.get(row.priority.id, 0))
            row.plus.setEnabled(left > 0)
            row.minus.setEnabled(row.dots > 0)
        if self.flow.dots:
            self._clear_problem(self.dots_problem)

    def _update_points(self) -> None:
        left = self.flow.points_left
        self.points_text.setText(
            f"Share out {POINTS_TOTAL} points. Each tap on + gives {POINTS_STEP}. "
            "Give more to what matters most."
        )
        self.points_left.setText(f"Points left: {left}" + ("" if left else " ✔"))
        self.points_left.setAccessibleName(f"Points left: {left}")
        for row in self.points_rows:
            row.show_count(self.flow.points.get(row.priority.id, 0))
            row.plus.setEnabled(left > 0)
            row.minus.setEnabled(row.dots > 0)
        if not left:
            self._clear_problem(self.points_problem)

    def _toggle_theme(self, theme: str) -> bool:
        return self.flow.toggle_theme(theme)

    def save_ranking(self) -> None:
        self._save("ranking")

    def save_dots(self) -> None:
        self._save("dots")

    def save_points(self) -> None:
        self._save("points")

    def save_comment(self) -> None:
        self._save("comments")

    def _problem_label(self, method: str) -> QLabel:
        return {
            "ranking": self.ranking_problem,
            "dots": self.dots_problem,
            "points": self.points_problem,
            "comments": self.comment_screen.problem,
        }[method]

    def _save(self, method: str) -> None:
        if method == "comments":
            self.flow.comment = self.comment_screen.text.toPlainText()
            self.flow.quote = self.comment_screen.quote_box.isChecked()
        problem = self._answers.save(self.event_id, self.flow, method)
        if problem is None:
            self.flow.saved_answers(method)
            self._show_thanks()
            return
        self.flow.refused(problem)
        if problem is AnswerProblem.ALREADY_ANSWERED:
            # Their booking has answers already: say so, and let them save anonymously.
            self.link_box.setChecked(False)
            for privacy in (
                self.ranking_privacy,
                self.dots_privacy,
                self.points_privacy,
                self.comment_screen.privacy,
            ):
                privacy.setText(self._privacy_words())
        self._show_problem(self._problem_label(method), self._easy_words(problem))

    def _easy_words(self, problem: AnswerProblem) -> str:
        """Why the answers were not saved, in easy-read words for a parent."""
        words = {
            AnswerProblem.NOTHING_CHOSEN: "Please tap at least one to choose it.",
            AnswerProblem.NO_DOTS: "Please give at least one dot. Tap + to give a dot.",
            AnswerProblem.TOO_MANY_DOTS: (
                f"You can give {self.dots_allowed} dots. Tap − to take some off."
            ),
            AnswerProblem.POINTS_NOT_ALL_GIVEN: (
                f"Please share out all {POINTS_TOTAL} points. "
                f"You have {self.flow.points_left} left."
            ),
            AnswerProblem.EMPTY_COMMENT: "Please type what you would like to tell us.",
            AnswerProblem.COMMENT_TOO_LONG: "That is a lot of words! Please make it shorter.",
            AnswerProblem.ALREADY_ANSWERED: (
                "Your booking already has answers like these. "
                "Tap “Save my answers” again to save these without your booking."
            ),
        }
        return words.get(problem, "Sorry, your answers could not be saved. Please ask a helper.")

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
        if self.flow.saved:
            self.thanks_text.setText("Your views have been saved.")
        elif result is not None and result.outcome.admits:
            self.thanks_text.setText("Enjoy the event.")
        else:
            self.thanks_text.setText("If you need anything, please ask a helper.")
        more = self.flow.still_to_give if self.flow.saved else ()
        if more == ("comments",):
            words = "Add a comment in my own words"
        else:
            words = "Tell you something else"
        self.thanks_more.setText(words)
        self.thanks_more.setAccessibleName(words)
        self.thanks_more.setVisible(bool(more))
        self._show()

    # ---- leaving kiosk mode ----------------------------------------------------------

    def open_staff(self) -> None:
        self.flow.open_staff()
        self.pin_field.clear()
        self._show()
        self._show_lockout()

    def cancel_staff(self) -> None:
        self.pin_field.clear()
        self.pin_message.hide()
        self.lockout_timer.stop()
        self.flow.cancel_staff()
        self._show()

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
        self.flow.pin_accepted()
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
