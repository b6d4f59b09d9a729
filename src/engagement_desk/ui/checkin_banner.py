"""The big result banner at the door: words, a symbol and a colour for each outcome."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engagement_desk.core.checkin import Outcome
from engagement_desk.services.checkin import CheckInResult


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
IDLE = Look("READY", "▣", "#eceff1", "#1a1a1a")


class CheckInBanner(QFrame):
    """Readable from two metres: a large symbol, the outcome in capitals, then the detail."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkInBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(150)
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
        self.outcome: Outcome | None = None
        self._apply(IDLE, "Ready to check people in", "Scan a ticket, or search for a name.", "")

    def show_result(self, result: CheckInResult) -> None:
        self.outcome = result.outcome
        look = LOOKS[result.outcome]
        needs = ""
        if result.outcome.admits and (result.access_needs or result.access_notes):
            parts = list(result.access_needs) + (
                [result.access_notes] if result.access_notes else []
            )
            needs = "ACCESS NEEDS: " + "; ".join(parts)
        headline = result.headline + (" (scanned again)" if result.repeated else "")
        detail = result.detail if not needs or not result.detail.startswith("Access needs") else ""
        self._apply(look, headline, detail, needs)

    def show_message(self, outcome: Outcome, headline: str, detail: str) -> None:
        self.outcome = outcome
        self._apply(LOOKS[outcome], headline, detail, "")

    def _apply(self, look: Look, headline: str, detail: str, needs: str) -> None:
        base = self.font().pointSizeF()
        self.setStyleSheet(
            f"#checkInBanner {{ background: {look.background}; border-radius: 6px; }}"
            f" #checkInBanner QLabel {{ color: {look.foreground}; }}"
        )
        self.symbol.setText(look.symbol)
        self.symbol.setStyleSheet(f"font-size: {base * 5:.0f}pt; font-weight: bold;")
        self.word.setText(look.word)
        self.word.setStyleSheet(f"font-size: {base * 2.6:.0f}pt; font-weight: bold;")
        self.headline.setText(headline)
        self.headline.setStyleSheet(f"font-size: {base * 1.9:.0f}pt; font-weight: bold;")
        self.detail.setText(detail)
        self.detail.setStyleSheet(f"font-size: {base * 1.3:.0f}pt;")
        self.detail.setVisible(bool(detail))
        self.needs.setText(needs)
        self.needs.setStyleSheet(
            f"font-size: {base * 1.5:.0f}pt; font-weight: bold; text-decoration: underline;"
        )
        self.needs.setVisible(bool(needs))
        spoken = ". ".join(part for part in (look.word, headline, detail, needs) if part)
        self.setAccessibleName("Check-in result")
        self.setAccessibleDescription(spoken)
        self.setToolTip(spoken)

    def spoken_text(self) -> str:
        return self.accessibleDescription()
