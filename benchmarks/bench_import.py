"""Importing 10,000 registrations from a CSV file, through the import service.

A forms-style export of 10,000 people (timestamp, first name, surname, email with stray
spaces and capitals, phone, postcode, access needs, consents) into an event with room for
9,000, so 1,000 go on the waiting list. Each sample is a fresh database. Timed: the whole
ImportService.import_file (read, decode, check every row, match people, mint and sign 9,000
ticket codes, insert, commit). Baseline in the same run: the same 10,000 people and
registrations, already made into rows, inserted with raw sqlite3 executemany in one
transaction into a fresh database with the same schema. Goal: under 3 s.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.importing import parse_file, read_sheet
from engagement_desk.core.people import search_text
from engagement_desk.core.tickets import mint_ticket, new_keys, new_ticket_id
from engagement_desk.db.types import new_id
from engagement_desk.paths import AppPaths
from engagement_desk.services.demo import FIRST_NAMES, SURNAMES

ROWS = 10_000
CAPACITY = 9_000
SAMPLES = 3
ACCESS = ("", "", "", "", "Wheelchair user", "BSL interpreter", "Quiet space, large print")


def export_csv() -> bytes:
    rng = random.Random(7)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Timestamp",
            "First Name",
            "Surname",
            "Email address",
            "Mobile",
            "Postcode",
            "Do you have any access needs?",
            "Do you agree to us storing your details?",
            "Happy to be contacted about future events?",
        ]
    )
    start = datetime(2026, 3, 1, 9, 0)
    for n in range(ROWS):
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        email = f" {first}.{last}{n}@Example.org ".replace("'", "")
        when = start + timedelta(minutes=7 * n)
        writer.writerow(
            [
                f"{when:%d/%m/%Y %H:%M:%S}",
                first,
                last,
                email,
                f"07700 9{n % 100000:05d}",
                rng.choice(("BL9 0SW", "M26", "bl8 1aa", "M45 7TA")),
                rng.choice(ACCESS),
                "Yes",
                rng.choice(("Yes", "No")),
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def new_desk(folder: Path) -> tuple[Desk, str]:
    desk = open_desk(AppPaths(folder).ensure())
    now = datetime.now(UTC)
    event = desk.events.create(
        EventDraft(
            title="Have your say",
            kind="venue",
            starts_at=now + timedelta(days=30),
            ends_at=now + timedelta(days=30, hours=2),
            venue=VenueDraft("Bury Town Hall"),
            capacity=CAPACITY,
        )
    )
    return desk, event.id


def time_service(content: bytes) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as folder:
        desk, event_id = new_desk(Path(folder))
        path = Path(folder) / "export.csv"
        path.write_bytes(content)
        start = time.perf_counter()
        dry = desk.imports.import_file(event_id, path, dry_run=True)
        dry_seconds = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        report = desk.imports.import_file(event_id, path)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert report.imported and report.registrations == ROWS, report.problems
        assert report.waitlisted == ROWS - CAPACITY and dry.registrations == ROWS
        desk.close()
    return seconds, dry_seconds, cpu


def baseline_rows(content: bytes) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The rows the import writes, made before timing (so only the inserts are timed)."""
    parsed = parse_file(read_sheet(content, "export.csv"))
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    keys = new_keys()
    assert keys.private_key is not None
    people, registrations = [], []
    for n, row in enumerate(parsed.rows):
        p = row.person
        person_id = new_id()
        people.append(
            (
                person_id, "device", p.full_name, p.email, p.phone, p.postcode, p.role, None,
                None, None, "[]", json.dumps(list(p.access_needs)), p.access_notes, 1, 0,
                int(p.consent_future_contact), 0, now, now, search_text(p.full_name, p.email),
            )
        )  # fmt: skip
        ticket = new_ticket_id()
        placed = n < CAPACITY
        registrations.append(
            (
                new_id(), "device", "EVENT", person_id,
                "registered" if placed else "waitlisted", ticket,
                mint_ticket(keys.private_key, "ABC346", ticket) if placed else None,
                "import", None if placed else n - CAPACITY + 1, now, None,
            )
        )  # fmt: skip
    return people, registrations


def time_raw(people: list[tuple[object, ...]], registrations: list[tuple[object, ...]]) -> float:
    with tempfile.TemporaryDirectory() as folder:
        desk, event_id = new_desk(Path(folder))
        path = desk.db.sqlite_path
        desk.close()
        assert path is not None
        registrations = [(*r[:2], event_id, *r[3:]) for r in registrations]
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA synchronous=FULL")
        start = time.perf_counter()
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO person (id, device_id, full_name, email, phone, postcode_district, "
            "role, child_age_band, child_setting, ehcp_status, need_areas, access_needs, "
            "access_notes, consent_store, consent_special_category, consent_future_contact, "
            "consent_quote, created_at, updated_at, search_text) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            people,
        )
        connection.executemany(
            "INSERT INTO registration (id, device_id, event_id, person_id, status, ticket_id, "
            "ticket_code, source, waitlist_position, registered_at, cancelled_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            registrations,
        )
        connection.execute("COMMIT")
        seconds = time.perf_counter() - start
        connection.close()
    return seconds


def main() -> None:
    content = export_csv()
    print(f"import: a {len(content) / 1e6:.1f} MB CSV of {ROWS:,} rows")
    people, registrations = baseline_rows(content)
    service, dry, cpu, raw = [], [], [], []
    for sample in range(SAMPLES):
        seconds, dry_seconds, cpu_seconds = time_service(content)
        raw_seconds = time_raw(people, registrations)
        service.append(seconds)
        dry.append(dry_seconds)
        cpu.append(cpu_seconds)
        raw.append(raw_seconds)
        print(
            f"  sample {sample + 1}: import {seconds:.2f} s ({cpu_seconds:.2f} s of CPU; dry run "
            f"{dry_seconds:.2f} s), raw executemany {raw_seconds:.2f} s"
        )
    service_s, raw_s = statistics.median(service), statistics.median(raw)
    print(
        f"import: {ROWS:,} rows in {service_s:.2f} s median of {SAMPLES} "
        f"({statistics.median(cpu):.2f} s CPU; dry run {statistics.median(dry):.2f} s), raw "
        f"sqlite3 executemany of the same rows {raw_s:.2f} s, ratio {service_s / raw_s:.1f}x "
        "(goal < 3 s)"
    )


if __name__ == "__main__":
    main()
