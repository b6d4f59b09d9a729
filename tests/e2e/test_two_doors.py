"""Two doors, one database: every ticket is admitted exactly once, whoever scans it first.

Two `engagement-desk checkin` processes (and, in-process, two laptops' services on two
threads) are handed the same 200 codes at the same moment, on one SQLite file and on one
PostgreSQL database. The database's one-live-check-in-per-ticket rule decides the race: one
door says ADMITTED, the other ALREADY-CHECKED-IN (when, which laptop), never an error.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engagement_desk.bootstrap import open_desk
from engagement_desk.core.checkin import Outcome
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import CheckIn, Device
from engagement_desk.paths import AppPaths
from engagement_desk.services.checkin import CheckInResult, CheckInService
from engagement_desk.services.devices import DeviceIdentity

TICKETS = 200
RUNS = 3


def door_event(home: Path, url: str | None, title: str) -> tuple[str, list[str]]:
    """An event starting now with ``TICKETS`` people booked; returns its code and the codes."""
    desk = open_desk(AppPaths(home), url)
    try:
        starts = datetime.now(UTC) - timedelta(minutes=30)
        event = desk.events.create(
            EventDraft(
                title=title,
                kind="venue",
                starts_at=starts,
                ends_at=starts + timedelta(hours=3),
                venue=VenueDraft("Bury Town Hall", "Knowsley Street, Bury", "BL9 0SW"),
                capacity=None,
            )
        )
        codes = []
        for n in range(TICKETS):
            info = desk.registrations.register(
                event.short_code,
                PersonDraft(f"Parent {n}", email=f"parent{n}@example.org", consent_store=True),
            )
            assert info.ticket_code is not None
            codes.append(info.ticket_code)
        return event.short_code, codes
    finally:
        desk.close()


def live_check_ins(home: Path, url: str | None, event: str) -> Counter[str]:
    desk = open_desk(AppPaths(home), url)
    try:
        event_id = desk.events.resolve_id(event)
        with desk.db.session() as s:
            rows = s.execute(
                select(CheckIn.registration_id, func.count())
                .where(CheckIn.event_id == event_id, CheckIn.undone_at.is_(None))
                .group_by(CheckIn.registration_id)
            ).all()
        return Counter({registration: n for registration, n in rows})
    finally:
        desk.close()


def two_doors(
    home: Path, url: str | None, event: str, codes: list[str], seed: int
) -> list[dict[str, Any]]:
    """Start two checkin processes, wait until both are ready, then give both every code."""
    command = [sys.executable, "-m", "engagement_desk", "--data-dir", str(home)]
    if url is not None:
        command += ["--database", url]
    command += ["checkin", event, "--json"]
    doors = [
        subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for _ in range(2)
    ]
    try:
        for door in doors:  # a blank line is answered once the door is open
            assert door.stdin is not None and door.stdout is not None
            door.stdin.write("\n")
            door.stdin.flush()
        for door in doors:
            assert door.stdout is not None
            ready = json.loads(door.stdout.readline())
            assert ready["outcome"] == "not_recognised", ready
        # Door 1 scans in booking order; door 2 in a shuffled order, so the doors meet
        # on the same tickets at different moments as well as at the same one.
        orders = [list(codes), random.Random(seed).sample(codes, len(codes))]
        outputs: list[str] = []
        for door, order in zip(doors, orders, strict=True):
            assert door.stdin is not None
            door.stdin.write("".join(code + "\n" for code in order))
            door.stdin.flush()
        for door in doors:
            out, err = door.communicate(timeout=240)
            assert door.returncode == 0, err
            outputs.append(out)
    finally:
        for door in doors:
            if door.poll() is None:
                door.kill()
    return [json.loads(line) for out in outputs for line in out.splitlines() if line.strip()]


def assert_each_admitted_once(results: list[dict[str, Any]], live: Counter[str]) -> None:
    assert len(results) == 2 * TICKETS
    admitted = Counter(r["registration_id"] for r in results if r["admits"])
    assert len(admitted) == TICKETS, "some tickets were never admitted"
    assert set(admitted.values()) == {1}, {k: n for k, n in admitted.items() if n > 1}
    others = Counter(r["outcome"] for r in results if not r["admits"])
    assert others == Counter({"already_checked_in": TICKETS}), others
    assert len(live) == TICKETS and set(live.values()) == {1}


@pytest.mark.slow
def test_two_processes_on_one_sqlite_file_admit_each_ticket_once(tmp_path: Path) -> None:
    home = tmp_path / "desk"
    for run in range(RUNS):
        event, codes = door_event(home, None, f"Door race {run}")
        results = two_doors(home, None, event, codes, seed=run)
        assert_each_admitted_once(results, live_check_ins(home, None, event))


@pytest.mark.slow
@pytest.mark.postgres
def test_two_processes_on_one_postgres_database_admit_each_ticket_once(
    tmp_path: Path, postgres_url: str
) -> None:
    home = tmp_path / "desk"
    for run in range(RUNS):
        event, codes = door_event(home, postgres_url, f"Door race {run}")
        results = two_doors(home, postgres_url, event, codes, seed=run)
        assert_each_admitted_once(results, live_check_ins(home, postgres_url, event))


def two_threads(home: Path, url: str | None, event: str, codes: list[str]) -> list[CheckInResult]:
    """Two laptops' services in one process, on two threads, released together."""
    desk = open_desk(AppPaths(home), url)
    try:
        doors = []
        for name in ("Door 1 laptop", "Door 2 laptop"):
            identity = DeviceIdentity(id=str(uuid.uuid4()), name=name)
            with desk.db.transaction() as s:
                s.add(Device(id=identity.id, name=identity.name))
            doors.append(CheckInService(desk.db, identity, desk.events, desk.tickets))
        start = threading.Barrier(2)
        results: list[list[CheckInResult]] = [[], []]
        failures: list[BaseException] = []

        def run(n: int) -> None:
            try:
                start.wait()
                for code in codes:
                    results[n].append(doors[n].scan(event, code))
            except BaseException as exc:  # reported below, not lost in the thread
                failures.append(exc)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=240)
        assert not failures, failures
        return results[0] + results[1]
    finally:
        desk.close()


def assert_threads_admitted_once(results: list[CheckInResult], live: Counter[str]) -> None:
    admitted = Counter(r.registration_id for r in results if r.outcome.admits)
    assert len(admitted) == TICKETS and set(admitted.values()) == {1}
    losers = [r for r in results if not r.outcome.admits]
    assert {r.outcome for r in losers} == {Outcome.ALREADY_CHECKED_IN}
    # The losing door is told which laptop won.
    assert all(" on Door " in r.detail or " on this laptop" in r.detail for r in losers)
    assert len(live) == TICKETS and set(live.values()) == {1}


@pytest.mark.slow
def test_two_threads_on_one_sqlite_file_admit_each_ticket_once(tmp_path: Path) -> None:
    home = tmp_path / "desk"
    for run in range(RUNS):
        event, codes = door_event(home, None, f"Thread race {run}")
        results = two_threads(home, None, event, codes)
        assert_threads_admitted_once(results, live_check_ins(home, None, event))


@pytest.mark.slow
@pytest.mark.postgres
def test_two_threads_on_one_postgres_database_admit_each_ticket_once(
    tmp_path: Path, postgres_url: str
) -> None:
    home = tmp_path / "desk"
    for run in range(RUNS):
        event, codes = door_event(home, postgres_url, f"Thread race {run}")
        results = two_threads(home, postgres_url, event, codes)
        assert_threads_admitted_once(results, live_check_ins(home, postgres_url, event))
