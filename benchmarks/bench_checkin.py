"""Check-in: the decision and durable write for one scanned code, at an event with 20,000
registrations.

Timed as the desk does it: ``CheckInService.scan()`` reads the code (Ed25519 signature
included), finds the registration, checks for an earlier check-in, writes the check-in and
commits it (WAL, synchronous=FULL) before returning. Each sample is one distinct, valid
code, so every sample is an admission that writes a row.

Compared, in the same run, with raw ``sqlite3`` on a copy of the same file with the same
pragmas (journal_mode=WAL, synchronous=FULL, foreign_keys=ON) doing per code: SELECT the
registration by ticket id, SELECT any live check-in, INSERT the check-in, COMMIT. The two
alternate code by code, after a few unmeasured warm-up scans each, so disk and CPU noise
falls on both alike. The baseline does not verify signatures; the cost of verifying one
(``read_ticket``) is measured and printed on its own. Goal from issue 4: within 3x.

The fsync of each commit usually dominates both, so the same comparison is repeated with
synchronous=OFF on both (not durable, printed for information only): that shows the
service's own cost, which is what a very fast disk would reveal.

    python benchmarks/bench_checkin.py                     20,000 registrations, 300 scans
    python benchmarks/bench_checkin.py --scans 100         fewer samples, for a quick look
    python benchmarks/bench_checkin.py --profile           also: cProfile of the service scans
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import search_text
from engagement_desk.core.tickets import mint_ticket, new_ticket_id, read_ticket
from engagement_desk.db.models import Event, Person, Registration, RegistrationStatus
from engagement_desk.paths import AppPaths

GOAL_RATIO = 3.0
WARM_UP = 5
FIRST_NAMES = ["Aisha", "Tom", "Zofia", "Grace", "Callum", "Priya", "Dylan", "Mei", "Owen", "Ruth"]
SURNAMES = ["Begum", "O'Neill", "Kowalska", "Adeyemi", "Byrne", "Shah", "Hughes", "Chen", "Lee"]


def make_event(home: Path, registrations: int, scanned: int) -> tuple[str, list[str]]:
    """A venue event with ``registrations`` people booked; signed codes for ``scanned`` of
    them (the ones the benchmark scans), in a fresh database made by ``open_desk``."""
    desk = open_desk(AppPaths(home))
    try:
        starts = datetime(2030, 3, 14, 10, 0, tzinfo=UTC)
        event = desk.events.create(
            EventDraft(
                title="Have your say: SEND in Bury",
                kind="venue",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2, minutes=30),
                venue=VenueDraft("Bury Town Hall", "Knowsley Street, Bury", "BL9 0SW"),
                capacity=None,
            )
        )
        with desk.db.session() as s:
            programme_id = s.scalar(select(Event.programme_id).where(Event.id == event.id))
        assert programme_id is not None
        private_key = desk.tickets.keys(programme_id).private_key
        assert private_key is not None
        now = datetime.now(UTC)
        people, bookings, codes = [], [], []
        for n in range(registrations):
            name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {SURNAMES[n % len(SURNAMES)]} {n}"
            email = f"parent{n}@example.org"
            person_id, ticket_id = str(uuid.uuid4()), new_ticket_id()
            code = mint_ticket(private_key, event.short_code, ticket_id) if n < scanned else None
            if code is not None:
                codes.append(code)
            people.append(
                {
                    "id": person_id,
                    "device_id": desk.device.id,
                    "full_name": name,
                    "email": email,
                    "search_text": search_text(name, email),
                    "consent_store": True,
                    "access_needs": ["quiet space"] if n % 17 == 0 else [],
                    "created_at": now,
                    "updated_at": now,
                }
            )
            bookings.append(
                {
                    "id": str(uuid.uuid4()),
                    "device_id": desk.device.id,
                    "event_id": event.id,
                    "person_id": person_id,
                    "status": RegistrationStatus.REGISTERED,
                    "ticket_id": ticket_id,
                    "ticket_code": code,
                    "source": "online form",
                    "registered_at": now,
                }
            )
        with desk.db.transaction() as s:
            s.execute(insert(Person), people)
            s.execute(insert(Registration), bookings)
        return event.id, codes
    finally:
        desk.close()


def checkpointed_copy(source: Path, target: Path) -> None:
    """Fold the write-ahead log into the file, then copy it: the same data in both."""
    with sqlite3.connect(source) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    shutil.copyfile(source, target)


class RawDesk:
    """The same lookups, insert and commit with nothing but sqlite3."""

    def __init__(self, path: Path, event_id: str, device_id: str) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            self.connection.execute(f"PRAGMA {pragma}")
        self.event_id = event_id
        self.device_id = device_id

    def scan(self, code: str) -> str | None:
        ticket_id = code.split("-")[2]
        db = self.connection
        db.execute("BEGIN")
        try:
            row = db.execute(
                "SELECT id, event_id, status FROM registration WHERE ticket_id = ?", (ticket_id,)
            ).fetchone()
            if row is None or row[1] != self.event_id or row[2] != "registered":
                db.execute("COMMIT")
                return None
            existing = db.execute(
                "SELECT id FROM check_in WHERE registration_id = ? AND undone_at IS NULL "
                "ORDER BY checked_in_at LIMIT 1",
                (row[0],),
            ).fetchone()
            if existing is not None:
                db.execute("COMMIT")
                return None
            check_in_id = str(uuid.uuid4())
            db.execute(
                "INSERT INTO check_in (id, device_id, registration_id, event_id, checked_in_at, "
                "method, walk_in) VALUES (?, ?, ?, ?, ?, ?, 0)",
                (
                    check_in_id,
                    self.device_id,
                    row[0],
                    self.event_id,
                    datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" "),
                    "scanner",
                ),
            )
            db.execute("COMMIT")
            return check_in_id
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.connection.close()


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def compare(
    desk: Desk,
    raw: RawDesk,
    event_id: str,
    mine: list[str],
    theirs: list[str],
    profiler: cProfile.Profile | None = None,
) -> tuple[list[float], list[float]]:
    """Seconds per scan for the service and for raw sqlite3, alternating code by code."""
    service: list[float] = []
    baseline: list[float] = []
    for code, other in zip(mine, theirs, strict=True):
        if profiler is not None:
            profiler.enable()
        started = time.perf_counter()
        result = desk.check_in.scan(event_id, code)
        service.append(time.perf_counter() - started)
        if profiler is not None:
            profiler.disable()
        assert result.outcome.admits and not result.repeated, result
        started = time.perf_counter()
        written = raw.scan(other)
        baseline.append(time.perf_counter() - started)
        assert written is not None
    return service, baseline


def _without_fsync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=20_000)
    parser.add_argument("--scans", type=int, default=300, help="distinct codes (default 300)")
    parser.add_argument("--profile", action="store_true", help="also profile the service")
    args = parser.parse_args(argv)
    scans = args.scans
    batch = scans + WARM_UP

    with tempfile.TemporaryDirectory(prefix="bench-checkin-") as folder:
        home = Path(folder) / "home"
        started = time.perf_counter()
        event_id, codes = make_event(home, args.registrations, 4 * batch)
        setup_seconds = time.perf_counter() - started
        paths = AppPaths(home)
        mine, theirs = codes[:batch], codes[batch : 2 * batch]
        mine_cpu, theirs_cpu = codes[2 * batch : 3 * batch], codes[3 * batch :]
        checkpointed_copy(paths.default_database_file, Path(folder) / "raw.sqlite3")

        desk: Desk = open_desk(paths)
        raw = RawDesk(Path(folder) / "raw.sqlite3", event_id, desk.device.id)
        try:
            with desk.db.session() as s:
                programme_id = s.scalar(select(Event.programme_id).where(Event.id == event_id))
            public_key = desk.tickets.keys(programme_id or "").public_key
            compare(desk, raw, event_id, mine[:WARM_UP], theirs[:WARM_UP])  # warm-up
            profiler = cProfile.Profile() if args.profile else None
            service, baseline = compare(
                desk, raw, event_id, mine[WARM_UP:], theirs[WARM_UP:], profiler
            )
            verify = [timed(lambda c=code: read_ticket(public_key, c)) for code in codes]
            lookup = [timed(lambda c=code: desk.tickets.verify(c)) for code in codes[:scans]]

            # The same again with fsync taken out of both: what is left is the cost of the
            # code itself, which is what a very fast disk would show.
            desk.db.engine.dispose()
            sa_event.listen(desk.db.engine, "connect", _without_fsync)
            raw.connection.execute("PRAGMA synchronous=OFF")
            compare(desk, raw, event_id, mine_cpu[:WARM_UP], theirs_cpu[:WARM_UP])
            service_cpu, baseline_cpu = compare(
                desk, raw, event_id, mine_cpu[WARM_UP:], theirs_cpu[WARM_UP:]
            )
        finally:
            raw.close()
            desk.close()

    service_ms, raw_ms = median_ms(service), median_ms(baseline)
    verify_ms, lookup_ms = median_ms(verify), median_ms(lookup)
    ratio = service_ms / raw_ms
    print(f"set-up: {args.registrations:,} registrations inserted in {setup_seconds:.1f} s")
    print(
        f"service scan(): median {service_ms:.2f} ms, p90 "
        f"{statistics.quantiles(service, n=10)[-1] * 1000:.2f} ms"
    )
    print(
        f"raw sqlite3 lookup + insert + commit: median {raw_ms:.2f} ms, p90 "
        f"{statistics.quantiles(baseline, n=10)[-1] * 1000:.2f} ms"
    )
    print(
        f"signature check (not in the baseline): read_ticket {verify_ms:.3f} ms, "
        f"TicketService.verify (cached key + read_ticket) {lookup_ms:.3f} ms"
    )
    print(f"ratio without the signature check: {(service_ms - lookup_ms) / raw_ms:.1f}x")
    cpu_service, cpu_raw = median_ms(service_cpu), median_ms(baseline_cpu)
    print(
        f"without fsync (synchronous=OFF on both, not durable; the code's own cost): "
        f"service {cpu_service:.2f} ms, raw sqlite3 {cpu_raw:.2f} ms"
    )
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    verdict = "within" if ratio <= GOAL_RATIO else "OVER"
    print(f"goal: within {GOAL_RATIO:.0f}x of raw sqlite3; {verdict} the goal")
    print(
        f"checkin_decision: service {service_ms:.1f} ms, raw sqlite3 {raw_ms:.1f} ms "
        f"(median of {scans}), ratio {ratio:.1f}x (goal <= {GOAL_RATIO:.0f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
