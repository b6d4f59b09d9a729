"""Shared fixtures: a fresh data folder and database per test, a clock the test controls."""

from __future__ import annotations

import os

# Qt must never try to open a real screen in tests; set before anything imports Qt.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_QUICK_BACKEND", "software")

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.paths import AppPaths


class FakeClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    # A Wednesday in spring, inside British Summer Time, so UTC and London differ.
    return FakeClock(datetime(2026, 4, 15, 9, 0, tzinfo=UTC))


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    monkeypatch.delenv("ENGAGEMENT_DESK_DATABASE", raising=False)
    monkeypatch.delenv("ENGAGEMENT_DESK_HOME", raising=False)
    return AppPaths(tmp_path / "home").ensure()


@pytest.fixture
def desk(paths: AppPaths, clock: FakeClock) -> Iterator[Desk]:
    opened = open_desk(paths, clock=clock)
    yield opened
    opened.close()
