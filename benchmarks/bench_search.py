"""Search as you type over 50,000 people, through the registration service.

50,000 people, each registered for one of ten events. For names typed a letter at a time
("s", "sa", "sar", "sara", ...), times RegistrationService.search across all events (the
People page's widest list: the first 200 matches, in name order), and the same statement
run as raw SQL on a plain sqlite3 connection to the same file in the same run. Reports the
median per keystroke of each and their ratio. Goal: under 30 ms median, within 2x of raw SQL.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import insert

from engagement_desk.bootstrap import open_desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import fold, search_text
from engagement_desk.core.tickets import new_ticket_id
from engagement_desk.db.models import Person, Registration
from engagement_desk.db.types import new_id
from engagement_desk.paths import AppPaths
from engagement_desk.services.demo import FIRST_NAMES, SURNAMES
from engagement_desk.services.registrations import SEARCH_LIMIT

PEOPLE = 50_000
EVENTS = 10
ROUNDS = 15
TYPED = ("sarah", "hughes", "kaur", "o'brien", "zoe", "jack.w")
EXTRA_FIRST = ("Zoë", "Siobhán", "Seán", "Chloë", "Renée", "Ayşe")


def fill(desk: object) -> None:
    rng = random.Random(2026)
    now = datetime.now(UTC)
    event_ids = [
        desk.events.create(  # type: ignore[attr-defined]
            EventDraft(
                title=f"Event {n}",
                kind="venue",
                starts_at=now + timedelta(days=n + 1),
                ends_at=now + timedelta(days=n + 1, hours=2),
                venue=VenueDraft("Bury Town Hall"),
            )
        ).id
        for n in range(EVENTS)
    ]
    people, registrations = [], []
    for n in range(PEOPLE):
        first = rng.choice(FIRST_NAMES + EXTRA_FIRST)
        last = rng.choice(SURNAMES)
        name = f"{first} {last}"
        email = f"{first}.{last}{n}@example.org".lower().replace("'", "")
        person_id = new_id()
        people.append(
            {
                "id": person_id,
                "device_id": desk.device.id,  # type: ignore[attr-defined]
                "full_name": name,
                "email": email,
                "postcode_district": "BL9",
                "role": "parent/carer",
                "need_areas": [],
                "access_needs": [],
                "access_notes": "",
                "consent_store": True,
                "consent_special_category": False,
                "consent_future_contact": False,
                "consent_quote": False,
                "created_at": now,
                "updated_at": now,
                "search_text": search_text(name, email),
            }
        )
        registrations.append(
            {
                "id": new_id(),
                "device_id": desk.device.id,  # type: ignore[attr-defined]
                "event_id": event_ids[n % EVENTS],
                "person_id": person_id,
                "ticket_id": new_ticket_id(),
                "ticket_code": None,
                "source": "benchmark",
                "registered_at": now,
            }
        )
    with desk.db.session() as s, s.begin():  # type: ignore[attr-defined]
        s.execute(insert(Person), people)
        s.execute(insert(Registration), registrations)


def keystrokes() -> list[str]:
    return [word[:n] for word in TYPED for n in range(1, len(word) + 1)]


ROWS = (
    "SELECT r.id, r.person_id, r.event_id, e.short_code, p.full_name, p.email, r.status, "
    "EXISTS (SELECT 1 FROM check_in c WHERE c.registration_id = r.id AND c.undone_at IS NULL), "
    "r.ticket_id, r.ticket_code, r.waitlist_position, p.access_needs, e.starts_at "
    "FROM registration r JOIN person p ON p.id = r.person_id JOIN event e ON e.id = r.event_id"
)


def raw_search(connection: sqlite3.Connection, text: str) -> list[tuple[object, ...]]:
    """The service's search written by hand on a plain sqlite3 connection: the same
    statements and the same batches, without SQLAlchemy, sessions or result objects."""
    found: dict[object, tuple[object, ...]] = {}
    prefix = "".join(c for c in text.strip().upper() if c not in " -")
    if 4 <= len(prefix) <= 16 and prefix.isascii() and prefix.isalnum():
        for row in connection.execute(
            f"{ROWS} WHERE r.ticket_id >= ? AND r.ticket_id < ? ORDER BY r.ticket_id LIMIT ?",
            (prefix, prefix + "~", SEARCH_LIMIT),
        ):
            found.setdefault(row[0], row)
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    people = connection.execute(
        "SELECT id FROM person WHERE search_text LIKE ? ESCAPE '\\' ORDER BY search_text",
        (f"%{escaped}%",),
    )
    size = SEARCH_LIMIT
    while len(found) < SEARCH_LIMIT and (batch := [r[0] for r in people.fetchmany(size)]):
        place = {person_id: n for n, person_id in enumerate(batch)}
        marks = ",".join("?" * len(batch))
        rows = connection.execute(f"{ROWS} WHERE r.person_id IN ({marks})", batch).fetchall()
        rows.sort(key=lambda r: (place[r[1]], r[12], r[0]))
        for row in rows:
            found.setdefault(row[0], row)
        size = min(size * 4, 2000)
    people.close()
    return list(found.values())[:SEARCH_LIMIT]


def one_statement(connection: sqlite3.Connection, text: str) -> float:
    """For comparison: the obvious single join with LIKE, ORDER BY and LIMIT."""
    start = time.perf_counter()
    connection.execute(
        f"{ROWS} WHERE p.search_text LIKE ? ORDER BY p.search_text LIMIT ?",
        (f"%{fold(text)}%", SEARCH_LIMIT),
    ).fetchall()
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        desk = open_desk(AppPaths(Path(folder)).ensure())
        started = time.perf_counter()
        fill(desk)
        print(f"search: made {PEOPLE:,} people in {time.perf_counter() - started:.1f} s")
        path = desk.db.sqlite_path
        assert path is not None
        raw = sqlite3.connect(path)
        queries = keystrokes()
        # Warm both paths (statement caches, pages in memory).
        for query in queries:
            desk.registrations.search(None, query)
            raw_search(raw, query)

        service: dict[str, list[float]] = {q: [] for q in queries}
        baseline: dict[str, list[float]] = {q: [] for q in queries}
        found: dict[str, int] = {}
        for _ in range(ROUNDS):
            for query in queries:
                start = time.perf_counter()
                rows = desk.registrations.search(None, query)
                service[query].append(time.perf_counter() - start)
                start = time.perf_counter()
                raw_rows = raw_search(raw, query)
                baseline[query].append(time.perf_counter() - start)
                assert len(rows) == len(raw_rows), query
                found[query] = len(rows)
        naive = statistics.median(one_statement(raw, q) for q in queries for _ in range(3))
        raw.close()
        desk.close()

    print(f"{'typed':10} {'found':>6} {'service ms':>11} {'raw SQL ms':>11}")
    for query in queries:
        print(
            f"{query:10} {found[query]:>6} {statistics.median(service[query]) * 1000:>11.1f} "
            f"{statistics.median(baseline[query]) * 1000:>11.1f}"
        )
    print(f"(one SQL statement joining, filtering and sorting instead: {naive * 1000:.1f} ms)")
    all_service = [t for times in service.values() for t in times]
    all_raw = [t for times in baseline.values() for t in times]
    service_ms = statistics.median(all_service) * 1000
    raw_ms = statistics.median(all_raw) * 1000
    worst = max(statistics.median(times) for times in service.values()) * 1000
    print(
        f"search: {service_ms:.1f} ms median per keystroke over {PEOPLE:,} people "
        f"(slowest keystroke {worst:.1f} ms), raw SQL {raw_ms:.1f} ms, "
        f"ratio {service_ms / raw_ms:.2f}x (goal < 30 ms and <= 2x)"
    )


if __name__ == "__main__":
    main()
