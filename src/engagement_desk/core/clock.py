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


class LocalTimeProblem(ValueError):
    """A London wall-clock time that does not exist, or happens twice, at a clock change."""


def wall_clock_problem(moment: datetime) -> str | None:
    """None for an ordinary London wall-clock time (naive); otherwise why it cannot be used.

    When the clocks go forward (last Sunday in March, 01:00 GMT) an hour of wall-clock time
    is skipped; when they go back (last Sunday in October, 02:00 BST) an hour happens twice.
    A time in either hour is refused rather than guessed.
    """
    if moment.tzinfo is not None:
        return None
    first = moment.replace(tzinfo=LONDON, fold=0)
    second = moment.replace(tzinfo=LONDON, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    shown = f"{moment:%H:%M} on {moment:%a} {moment.day} {moment:%b %Y}"
    if first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != moment:
        return (
            f"{shown} does not exist in the UK: the clocks go forward an hour that night, "
            "from 01:00 straight to 02:00. Choose a time before 01:00 or from 02:00."
        )
    return (
        f"{shown} happens twice in the UK: the clocks go back an hour that night, from 02:00 "
        f"to 01:00. Choose another time, or say which one with an offset: "
        f"{moment:%Y-%m-%dT%H:%M}+01:00 (the first, summer time) or "
        f"{moment:%Y-%m-%dT%H:%M}+00:00 (the second)."
    )


def parse_local(text: str) -> datetime:
    """ISO 8601 from a user; without an offset it means London time. Raises ValueError.

    A London time that does not exist or is ambiguous at a clock change raises
    LocalTimeProblem (a ValueError) with the words to show.
    """
    cleaned = text.strip()
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1] + "+00:00"
    moment = datetime.fromisoformat(cleaned)
    problem = wall_clock_problem(moment)
    if problem is not None:
        raise LocalTimeProblem(problem)
    return local_to_utc(moment)


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
