"""Times: stored in UTC, shown and typed in UK time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engagement_desk.core.clock import (
    format_when,
    local_to_utc,
    parse_local,
    start_of_local_day,
    system_clock,
    to_local,
    week_start,
)


def test_system_clock_is_aware_utc() -> None:
    assert system_clock().utcoffset() is not None
    assert system_clock().tzinfo is UTC


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-04-22T10:00", datetime(2026, 4, 22, 9, 0, tzinfo=UTC)),  # BST: UTC+1
        ("2026-01-14T10:00", datetime(2026, 1, 14, 10, 0, tzinfo=UTC)),  # GMT
        ("2026-04-22 10:00", datetime(2026, 4, 22, 9, 0, tzinfo=UTC)),
        ("2026-04-22T10:00Z", datetime(2026, 4, 22, 10, 0, tzinfo=UTC)),
        ("2026-04-22T10:00+02:00", datetime(2026, 4, 22, 8, 0, tzinfo=UTC)),
        ("  2026-04-22T10:00  ", datetime(2026, 4, 22, 9, 0, tzinfo=UTC)),
    ],
)
def test_typed_times_are_uk_time_unless_they_say_otherwise(typed: str, expected: datetime) -> None:
    parsed = parse_local(typed)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("typed", ["next Tuesday", "", "22/04/2026 10:00"])
def test_nonsense_times_raise_value_error(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_local(typed)


def test_round_trip_between_uk_and_utc() -> None:
    moment = datetime(2026, 7, 1, 18, 30, tzinfo=UTC)
    assert to_local(moment).hour == 19
    assert local_to_utc(to_local(moment)) == moment
    assert local_to_utc(datetime(2026, 7, 1, 19, 30)) == moment


def test_weeks_start_on_monday() -> None:
    assert week_start(date(2026, 4, 15)) == date(2026, 4, 13)
    assert week_start(date(2026, 4, 13)) == date(2026, 4, 13)
    assert week_start(date(2026, 4, 19)) == date(2026, 4, 13)
    assert week_start(date(2026, 1, 1)) == date(2025, 12, 29)


def test_start_of_a_uk_day() -> None:
    assert start_of_local_day(date(2026, 4, 15)) == datetime(2026, 4, 14, 23, 0, tzinfo=UTC)
    assert start_of_local_day(date(2026, 1, 15)) == datetime(2026, 1, 15, 0, 0, tzinfo=UTC)


def test_when_is_spelled_out_in_uk_time() -> None:
    start = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    assert format_when(start, datetime(2026, 3, 3, 12, 0, tzinfo=UTC)) == (
        "Tue 3 Mar 2026, 10:00–12:00"
    )
    summer = datetime(2026, 6, 3, 17, 0, tzinfo=UTC)
    assert format_when(summer, datetime(2026, 6, 3, 19, 0, tzinfo=UTC)) == (
        "Wed 3 Jun 2026, 18:00–20:00"
    )
    assert format_when(start, datetime(2026, 3, 4, 16, 0, tzinfo=UTC)) == (
        "Tue 3 Mar 2026 10:00 – Wed 4 Mar 2026 16:00"
    )
