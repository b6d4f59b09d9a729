"""Plain rules for values people type: sane ranges, and characters safe to store and show.

The limits here are the database's own (db/models.py column lengths), checked before the
database sees a value, so SQLite (which would store anything) and PostgreSQL (which would
refuse with an error) behave the same.
"""

from __future__ import annotations

import re
from datetime import date, datetime

# Event capacity: a room, a hall or a webinar; beyond this is a typing slip.
MAX_CAPACITY = 100_000

# Dates a programme of events can sensibly fall in; outside them date arithmetic overflows
# (year 9999 + a day) or a typing slip (0226 for 2026) would be taken at face value.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)

# Column lengths in db/models.py, by what the user calls the field.
TITLE_LENGTH = 200
VENUE_NAME_LENGTH = 200
POSTCODE_LENGTH = 16
LINK_LENGTH = 500
AGENDA_TITLE_LENGTH = 200

# C0 and C1 control characters (not tab or newline), DEL, and the invisible direction and
# zero-width marks that can make text on a terminal or in a list read differently. The
# zero-width non-joiner and joiner (U+200C, U+200D) stay: they are part of how Persian and
# Urdu names are spelt, and of emoji sequences.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_WITH_LINES = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def remove_control_characters(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` without control characters: they are never part of a name or a title.

    Tabs become spaces; newlines stay when ``keep_newlines`` (descriptions, notes) and
    become spaces otherwise; carriage returns go (a Windows line end keeps its newline).
    """
    text = text.replace("\t", " ").replace("\r\n", "\n")
    if not keep_newlines:
        text = text.replace("\n", " ")
    return _CONTROL.sub("", text)


def printable(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with any control character shown as a visible escape (``\\x1b``).

    For a terminal: an escape sequence in a name must be seen, never obeyed.
    """
    pattern = _CONTROL if keep_newlines else _CONTROL_WITH_LINES
    return pattern.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def capacity_problem(capacity: int | None) -> str | None:
    """None for no limit or a sane capacity; otherwise what to type instead."""
    if capacity is None or 1 <= capacity <= MAX_CAPACITY:
        return None
    return (
        f"Capacity must be a whole number from 1 to {MAX_CAPACITY:,}; leave it empty for no limit."
    )


def date_problem(day: date | datetime, what: str) -> str | None:
    """None for a date a programme can sensibly hold; otherwise a plain refusal."""
    plain = day.date() if isinstance(day, datetime) else day
    if EARLIEST_DATE <= plain <= LATEST_DATE:
        return None
    return (
        f"{what} must be between {_day(EARLIEST_DATE)} and {_day(LATEST_DATE)}; "
        f"{plain.isoformat()} is outside that."
    )


def length_problem(text: str, limit: int, what: str) -> str | None:
    if len(text.strip()) <= limit:
        return None
    return f"Keep {what} to {limit} characters or fewer (it has {len(text.strip())})."


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
