"""The big result banner at the door: words, a symbol and a colour for each outcome.

Every check-in outcome has its own look, and so does everything else the banner says (ready,
undone, something to do first), so an undo never looks like "already in" and a stale green
never passes for the next person: a few seconds after a result the banner goes back to a
calm "Ready" on its own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engagement_desk.core.checkin import Outcome
from engagement_desk.services.checkin import CheckInResult

DEFAULT_READY_SECONDS = 5


@dataclass(frozen=True)
class Look:
    word: str  # said first, in capitals, so the outcome never depends on colour
    symbol: str
    background: str
    foreground: str


LOOKS: dict[Outcome, Look] = {
    Outcome.ADMITTED: Look("ADMITTED", "✔", "#1b5e20", "#ffffff"),
    Outcome.ADMITTED_NOT_ON_LIST: Look("ADMITTED — NOT ON LIST", "✚", "#0d47a1", "#ffffff"),
    Outcome.ALREADY_CHECKED_IN: Look("ALREADY IN", "↺", "#ffd54f", "#1a1a1a"),
    Outcome.WAITLISTED: Look("WAITING LIST", "⏸", "#ff9800", "#1a1a1a"),
    Outcome.WRONG_EVENT: Look("WRONG EVENT", "⇄", "#6a1b9a", "#ffffff"),
    Outcome.CANCELLED: Look("CANCELLED", "✖", "#b71c1c", "#ffffff"),
    Outcome.NOT_RECOGNISED: Look("NOT RECOGNISED", "?", "#37474f", "#ffffff"),
    Outcome.EVENT_CANCELLED: Look("EVENT CANCELLED", "⊘", "#b71c1c", "#ffffff"),
    Outcome.EVENT_ENDED: Look("EVENT ENDED", "◷", "#37474f", "#ffffff"),
}


class Notice(enum.Enum):
    """What the banner says when it is not showing a check-in outcome."""

    READY = "ready"  # waiting for the next person
    UNDONE = "undone"  # a check-in was taken back
    ATTENTION = "attention"  # the facilitator has something to do first


NOTICE_LOOKS: dict[Notice, Look] = {
    Notice.READY: Look("READY", "▣", "#eceff1", "#1a1a1a"),
    Notice.UNDONE: Look("UNDONE", "↶", "#bbdefb", "#0d1b2a"),
    Notice.ATTENTION: Look("ONE THING FIRST", "ℹ", "#ffffff", "#1a1a1a"),
}
IDLE = NOTICE_LOOKS[Notice.READY]
READY_HEADLINE = "Ready — scan a ticket"
READY_DETAIL = "Or type a few letters of a name in Name search."


@dataclass(frozen=True)
class BannerState:
    """Everything the banner shows, so door mode can show the same thing full screen."""

    look: Look
    headline: str
    detail: str = ""
    needs: str = ""
    outcome: Outcome | None = None
    notice: Notice | None = None
    person: str = ""  # who the result is about, when it is about someone

    @property
    def who(self) -> str:
        """The line to show large after the outcome's word: the person's name when the
        headline does not already say it ("ALREADY IN — Sarah Ashworth")."""
        if self.person and self.person not in self.headline:
            return self.person
        return self.headline

    @property
    def spoken(self) -> str:
        return ". ".join(p for p in (self.look.word, self.headline, self.detail, self.needs) if p)


READY_STATE = BannerState(IDLE, READY_HEADLINE, READY_DETAIL, notice=Notice.READY)


def state_for(result: CheckInResult) -> BannerState:
    needs = ""
    if result.outcome.admits and (result.access_needs or result.access_notes):
        parts = list(result.access_needs) + ([result.access_notes] if result.access_notes else [])
        needs = "ACCESS NEEDS: " + "; ".join(parts)
    headline = result.headline + (" (scanned again)" if result.repeated else "")
    detail = result.detail if not needs or not result.detail.startswith("Access needs") else ""
    return BannerState(
        LOOKS[result.outcome],
        headline,
        detail,
        needs,
        outcome=result.outcome,
        person=result.person_name,
    )


class CheckInBanner(QFrame):
    """Readable from two metres: a large symbol, the outcome in capitals, then the detail.
    Goes back to "Ready" ``ready_after`` seconds after anything else (0: never)."""

    state_changed = Signal(object)  # BannerState

    def __init__(
        self, parent: QWidget | None = None, *, ready_after: float = DEFAULT_READY_SECONDS
    ) -> None:
        super().__init__(parent)
        self.setObjectName("checkInBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(150)
        self.setAccessibleName("Check-in result")
        self.symbol = QLabel()
        self.symbol.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.symbol.setMinimumWidth(110)
        self.word = QLabel()
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.needs = QLabel()
        self.needs.setWordWrap(True)
        text = QVBoxLayout()
        for label in (self.word, self.headline, self.detail, self.needs):
            label.setTextFormat(Qt.TextFormat.PlainText)
            text.addWidget(label)
        layout = QHBoxLayout(self)
        layout.addWidget(self.symbol)
        layout.addLayout(text, 1)
        self.ready_timer = QTimer(self)
        self.ready_timer.setSingleShot(True)
        self.ready_timer.timeout.connect(self.show_ready)
        self.set_ready_after(ready_after)
        self.state = READY_STATE
        self._apply(READY_STATE)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # the text size was changed in Settings
            app.fontChanged.connect(self._text_size_changed)

    @property
    def outcome(self) -> Outcome | None:
        return self.state.outcome

    @property
    def notice(self) -> Notice | None:
        return self.state.notice

    def set_ready_after(self, seconds: float) -> None:
        self.ready_after = max(0.0, seconds)
        self.ready_timer.setInterval(round(self.ready_after * 1000))
        if not self.ready_after:
            self.ready_timer.stop()

    def show_result(self, result: CheckInResult) -> None:
        self.show_state(state_for(result))

    def show_message(self, outcome: Outcome, headline: str, detail: str) -> None:
        """Words of our own in an outcome's look (a walk-in admitted at the door)."""
        self.show_state(BannerState(LOOKS[outcome], headline, detail, outcome=outcome))

    def show_notice(self, notice: Notice, headline: str, detail: str = "") -> None:
        self.show_state(BannerState(NOTICE_LOOKS[notice], headline, detail, notice=notice))

    def show_ready(self) -> None:
        self.show_state(READY_STATE)

    def show_state(self, state: BannerState) -> None:
        self.state = state
        self._apply(state)
        if state.notice is Notice.READY or not self.ready_after:
            self.ready_timer.stop()
        else:
            self.ready_timer.start()
        self.state_changed.emit(state)

    def _text_size_changed(self) -> None:
        self._apply(self.state)

    def _apply(self, state: BannerState) -> None:
        look = state.look
        base = QApplication.font().pointSizeF()
        self.setStyleSheet(
            f"#checkInBanner {{ background: {look.background}; border-radius: 6px;"
            f" border: 2px solid {look.foreground}; }}"
            f" #checkInBanner QLabel {{ color: {look.foreground}; }}"
        )
        self.symbol.setText(look.symbol)
        # Large already at the default size; with large text the outcome's word and the
        # headline grow less, so the banner leaves room for the rest of the desk.
        self.symbol.setStyleSheet(f"font-size: {base * 4:.0f}pt; font-weight: bold;")
        self.word.setText(look.word)
        self.word.setStyleSheet(f"font-size: {min(base * 2.6, 44):.0f}pt; font-weight: bold;")
        self.headline.setText(state.headline)
        self.headline.setStyleSheet(f"font-size: {min(base * 1.9, 34):.0f}pt; font-weight: bold;")
        self.detail.setText(state.detail)
        self.detail.setStyleSheet(f"font-size: {base * 1.3:.0f}pt;")
        self.detail.setVisible(bool(state.detail))
        self.needs.setText(state.needs)
        self.needs.setStyleSheet(
            f"font-size: {base * 1.5:.0f}pt; font-weight: bold; text-decoration: underline;"
        )
        self.needs.setVisible(bool(state.needs))
        self.setAccessibleDescription(state.spoken)
        self.setToolTip(state.spoken)

    def spoken_text(self) -> str:
        return self.accessibleDescription()
