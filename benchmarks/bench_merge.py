"""Merging laptops' bundles: two bundles of 10,000 check-ins each into an office database of
50,000 people, at 1x, 2x and 4x.

1x: the office has 50,000 people, each booked on one of five events, and two venue laptops
each send a sealed bundle of 10,000 check-ins on the office's tickets (200 of them the same
tickets on both laptops, so the one-admission rule has work), 100 walk-ins (a person, a
registration and a check-in each) and 100 comments. 2x and 4x multiply the people and the
check-ins. The database is built with bulk inserts (not timed); each bundle is sealed with
the real passphrase code (not timed).

Timed as the Laptops page does it: opening both bundles (decrypt, read, check they fit)
and then ``merge_bundles`` (an automatic, checked backup first, then each bundle in its own
transaction). The backup is timed on its own too. Goal from issue 12: under 5 s at 1x, and
time growing no faster than the data.

    python benchmarks/bench_merge.py             1x, 2x and 4x
    python benchmarks/bench_merge.py --scales 1  quick look
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.packing import PackKind, seal
from engagement_desk.paths import AppPaths

GOAL_SECONDS = 5.0
PEOPLE = 50_000
CHECK_INS = 10_000
SHARED = 200
WALK_INS = 100
PASSPHRASE = "benchmark bundle passphrase"
NOW = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)


def _id() -> str:
    return str(uuid.uuid4())


def build_office(home: Path, people: int) -> tuple[Desk, list[str], list[tuple[str, str]]]:
    """The office desk, its event ids and (registration id, event id) for every booking."""
    desk = open_desk(AppPaths(home).ensure(), clock=lambda: NOW)
    events = [
        desk.events.create(
            EventDraft(
                title=f"Have your say {n}",
                kind="venue",
                starts_at=NOW + timedelta(days=n),
                ends_at=NOW + timedelta(days=n, hours=3),
                venue=VenueDraft("Bury Town Hall"),
            )
        ).id
        for n in range(1, 6)
    ]
    path = desk.db.sqlite_path
    assert path is not None
    office_device = desk.device.id
    bookings: list[tuple[str, str]] = []
    person_rows = []
    registration_rows = []
    for n in range(people):
        person_id, registration_id = _id(), _id()
        event_id = events[n % len(events)]
        name = f"Person {n:06d}"
        person_rows.append(
            (
                person_id,
                office_device,
                name,
                f"p{n}@example.org",
                f"person {n:06d} p{n}@example.org",
            )
        )
        registration_rows.append(
            (registration_id, office_device, event_id, person_id, f"T{n:015d}", NOW.isoformat())
        )
        bookings.append((registration_id, event_id))
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO person (id, device_id, full_name, email, search_text, postcode_district,"
            " role, need_areas, access_needs, access_notes, consent_store,"
            " consent_special_category, consent_future_contact, consent_quote, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, '', 'parent/carer', '[]', '[]', '', 1, 0, 0, 0,"
            f" '{NOW.isoformat()}', '{NOW.isoformat()}')",
            person_rows,
        )
        connection.executemany(
            "INSERT INTO registration (id, device_id, event_id, person_id, ticket_id, status,"
            " source, registered_at) VALUES (?, ?, ?, ?, ?, 'registered', 'manual', ?)",
            registration_rows,
        )
    connection.close()
    return desk, events, bookings


def sealed_bundle(
    name: str, taken: list[tuple[str, str]], events: list[str], theme_id: str, start: datetime
) -> bytes:
    device = _id()
    check_ins: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    registrations: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for n, (registration_id, event_id) in enumerate(taken):
        check_ins.append(_check_in(device, registration_id, event_id, start + timedelta(seconds=n)))
    for n in range(WALK_INS):
        person_id, registration_id, event_id = _id(), _id(), events[n % len(events)]
        people.append(
            {
                "id": person_id,
                "device_id": device,
                "full_name": f"{name} walk-in {n}",
                "email": f"{name}-{n}@example.org".replace(" ", ""),
                "phone": None,
                "postcode_district": "",
                "role": "parent/carer",
                "child_age_band": None,
                "child_setting": None,
                "ehcp_status": None,
                "need_areas": [],
                "access_needs": [],
                "access_notes": "",
                "consent_store": True,
                "consent_special_category": False,
                "consent_future_contact": False,
                "consent_quote": False,
                "created_at": start.isoformat(),
                "updated_at": start.isoformat(),
            }
        )
        registrations.append(
            {
                "id": registration_id,
                "device_id": device,
                "event_id": event_id,
                "person_id": person_id,
                "status": "registered",
                "ticket_id": uuid.uuid4().hex[:16].upper(),
                "ticket_code": None,
                "source": "walk-in",
                "waitlist_position": None,
                "registered_at": start.isoformat(),
                "cancelled_at": None,
            }
        )
        check_ins.append(_check_in(device, registration_id, event_id, start, walk_in=True))
        comment_id = _id()
        comments.append(
            {
                "id": comment_id,
                "device_id": device,
                "event_id": event_id,
                "registration_id": None,
                "text": f"Comment {n} from {name}",
                "quote_permission": False,
                "created_at": start.isoformat(),
            }
        )
        links.append({"comment_id": comment_id, "theme_id": theme_id})
    payload = {
        "format": 1,
        "kind": "device bundle",
        "made_at": start.isoformat(),
        "device": {"id": device, "name": name, "first_seen": start.isoformat()},
        "rows": {
            "people": people,
            "registrations": registrations,
            "check_ins": check_ins,
            "comments": comments,
            "comment_themes": links,
        },
        "tombstones": [],
        "registration_people": {},
    }
    return seal(PackKind.DEVICE_BUNDLE, json.dumps(payload).encode("utf-8"), PASSPHRASE)


def _check_in(
    device: str, registration_id: str, event_id: str, at: datetime, *, walk_in: bool = False
) -> dict[str, Any]:
    return {
        "id": _id(),
        "device_id": device,
        "registration_id": registration_id,
        "event_id": event_id,
        "checked_in_at": at.isoformat(),
        "method": "walk-in" if walk_in else "scanner",
        "walk_in": walk_in,
        "undone_at": None,
        "undone_by_device": None,
    }


def run(scale: int) -> tuple[float, float, float]:
    """Seconds to open both bundles, to merge them (backup included), and the backup alone."""
    with tempfile.TemporaryDirectory() as folder:
        office, events, bookings = build_office(Path(folder) / "office", PEOPLE * scale)
        try:
            theme_id = office.programmes.current().themes[0]
            from sqlalchemy import select

            from engagement_desk.db.models import Theme

            with office.db.session() as s:
                theme_id = s.scalars(select(Theme.id).where(Theme.name == theme_id)).one()
            count = CHECK_INS * scale
            first = bookings[:count]
            second = bookings[count - SHARED : 2 * count - SHARED]
            files = [
                sealed_bundle("Front door laptop", first, events, theme_id, NOW),
                sealed_bundle("Side door laptop", second, events, theme_id, NOW),
            ]
            started = time.perf_counter()
            opened = [office.packs.open_bundle(data, PASSPHRASE) for data in files]
            opening = time.perf_counter() - started
            started = time.perf_counter()
            results = office.packs.merge_bundles(opened)
            merging = time.perf_counter() - started
            started = time.perf_counter()
            office.backups.automatic("before-merge")
            backup = time.perf_counter() - started
            added = sum(r.added.get("check_ins", 0) for r in results)
            set_aside = sum(r.second_admissions for r in results)
            assert added == 2 * (count + WALK_INS), added
            assert set_aside == SHARED, set_aside
        finally:
            office.close()
    return opening, merging, backup


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    totals: dict[int, float] = {}
    for scale in args.scales:
        opening, merging, backup = run(scale)
        totals[scale] = opening + merging
        print(
            f"{scale}x: {PEOPLE * scale:,} people, 2 x {CHECK_INS * scale:,} check-ins: "
            f"open {opening:.2f} s + merge {merging:.2f} s (of which the backup about "
            f"{backup:.2f} s) = {totals[scale]:.2f} s",
            flush=True,
        )
    base = totals.get(1)
    if base:
        for scale in args.scales:
            if scale != 1:
                print(f"  {scale}x / 1x: {totals[scale] / base:.2f} (data grew {scale}x)")
    first = args.scales[0]
    ratios = ", ".join(f"{s}x {totals[s] / totals[first]:.2f}" for s in args.scales if s != first)
    print(
        f"merge: {totals[first]:.2f} s for two bundles of {CHECK_INS * first:,} check-ins into "
        f"{PEOPLE * first:,} people (goal < {GOAL_SECONDS:.0f} s); growth {ratios or 'n/a'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
