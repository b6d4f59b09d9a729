"""Check-in outcomes, their words, and the rule that a repeated scan counts once. No I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from engagement_desk.core.clock import to_local

DEDUPE_SECONDS = 3.0
MAX_SCAN_LENGTH = 400


class Outcome(enum.StrEnum):
    ADMITTED = "admitted"
    ADMITTED_NOT_ON_LIST = "admitted, not on this laptop's list"
    ALREADY_CHECKED_IN = "already checked in"
    WRONG_EVENT = "wrong event"
    CANCELLED = "cancelled"
    WAITLISTED = "waitlisted"
    NOT_RECOGNISED = "not recognised"
    EVENT_CANCELLED = "event cancelled"
    EVENT_ENDED = "event ended"

    @property
    def admits(self) -> bool:
        return self in (Outcome.ADMITTED, Outcome.ADMITTED_NOT_ON_LIST)


def clean_scan(text: str) -> str:
    """What a scanner or a person typed, without the Enter and spaces, bounded in length."""
    return text.strip()[: MAX_SCAN_LENGTH + 1]


def when_text(moment: datetime) -> str:
    local = to_local(moment)
    return f"{local:%H:%M} on {local:%a} {local.day} {local:%b}"


@dataclass
class RepeatFilter:
    """The same code scanned again within a few seconds counts once (a scanner double-read,
    or a parent holding the phone under the webcam)."""

    seconds: float = DEDUPE_SECONDS
    _last_code: str = ""
    _last_at: datetime | None = None

    def is_repeat(self, code: str, at: datetime) -> bool:
        key = code.strip().upper()
        repeat = (
            key == self._last_code
            and self._last_at is not None
            and at - self._last_at <= timedelta(seconds=self.seconds)
        )
        self._last_code, self._last_at = key, at
        return repeat
