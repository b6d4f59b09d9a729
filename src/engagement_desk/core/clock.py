"""Times: stored in UTC, shown in Europe/London."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def local_to_utc(moment: datetime) -> datetime:
    """A wall-clock time in London (naive or aware) as an aware UTC datetime."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment.astimezone(UTC)


def parse_local(text: str) -> datetime:
    """ISO 8601 from a user; without an offset it means London time. Raises ValueError."""
    cleaned = text.strip()
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1] + "+00:00"
    return local_to_utc(datetime.fromisoformat(cleaned))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def format_when(starts: datetime, ends: datetime) -> str:
    """'Tue 3 Mar 2026, 10:00–12:00' in London time (dates spelled out, never ambiguous)."""
    start, end = to_local(starts), to_local(ends)
    day = f"{start:%a} {start.day} {start:%b %Y}"
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M}"
    return f"{day} {start:%H:%M} – {end:%a} {end.day} {end:%b %Y} {end:%H:%M}"


def start_of_local_day(day: date) -> datetime:
    return local_to_utc(datetime.combine(day, time.min))
