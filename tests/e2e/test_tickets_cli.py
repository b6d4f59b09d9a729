"""`engagement-desk tickets EVENT -o FILE.pdf`, run as a real process on demo data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from engagement_desk.core.qr import decode_qr
from engagement_desk.core.tickets import read_ticket


def _run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGEMENT_DESK_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [sys.executable, "-m", "engagement_desk", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo")
    result = _run(data_dir, "demo", "--people", "40")
    assert result.returncode == 0, result.stderr
    return data_dir


def _event_with_registrations(data_dir: Path) -> dict[str, Any]:
    result = _run(data_dir, "events", "list", "--json")
    assert result.returncode == 0, result.stderr
    events = [
        e for e in json.loads(result.stdout) if e["registered"] > 0 and e["status"] == "scheduled"
    ]
    assert events
    return min(events, key=lambda e: e["registered"])


def _people(data_dir: Path, event_code: str) -> list[tuple[str, str | None]]:
    """(name, ticket code) of each registered person, read straight from the database."""
    import sqlite3

    with sqlite3.connect(data_dir / "engagement-desk.sqlite3") as connection:
        rows = connection.execute(
            "SELECT person.full_name, registration.ticket_code FROM registration "
            "JOIN person ON person.id = registration.person_id "
            "JOIN event ON event.id = registration.event_id "
            "WHERE event.short_code = ? AND registration.status = 'registered'",
            (event_code,),
        ).fetchall()
    connection.close()
    return [(name, code) for name, code in rows]


def _public_key(data_dir: Path) -> bytes:
    import sqlite3

    with sqlite3.connect(data_dir / "engagement-desk.sqlite3") as connection:
        (key,) = connection.execute("SELECT signing_public_key FROM programme").fetchone()
    connection.close()
    assert isinstance(key, bytes)
    return key


def test_tickets_for_a_demo_event(demo_dir: Path, tmp_path: Path) -> None:
    event = _event_with_registrations(demo_dir)
    target = tmp_path / "t.pdf"

    result = _run(demo_dir, "tickets", event["short_code"], "-o", str(target))

    assert result.returncode == 0, result.stderr
    count = event["registered"]
    assert f"Wrote {count} ticket" in result.stdout
    assert not list(tmp_path.glob(".*.partial"))
    reader = PdfReader(target)
    assert len(reader.pages) == count
    people = _people(demo_dir, event["short_code"])
    codes = {code for _, code in people}
    assert None not in codes  # every registration now has its ticket code stored
    names = {name for name, _ in people}
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        assert event["title"] in text
        assert any(name in text for name in names)
    # The first and last pages' QR codes scan back to stored, validly signed codes.
    public_key = _public_key(demo_dir)
    document = pdfium.PdfDocument(target)
    try:
        for index in (0, len(document) - 1):
            decoded = decode_qr(document[index].render(scale=2).to_pil())
            assert len(decoded) == 1
            assert decoded[0] in codes
            reading = read_ticket(public_key, decoded[0])
            assert reading.ok
            assert reading.event_code == event["short_code"]
    finally:
        document.close()


def test_printing_again_keeps_the_same_codes(demo_dir: Path, tmp_path: Path) -> None:
    event = _event_with_registrations(demo_dir)
    assert _run(demo_dir, "tickets", event["id"], "-o", str(tmp_path / "a.pdf")).returncode == 0
    before = sorted(str(code) for _, code in _people(demo_dir, event["short_code"]))
    assert _run(demo_dir, "tickets", event["id"], "-o", str(tmp_path / "b.pdf")).returncode == 0
    assert sorted(str(code) for _, code in _people(demo_dir, event["short_code"])) == before


def test_unknown_event_exits_1_with_a_plain_message(demo_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "t.pdf"
    result = _run(demo_dir, "tickets", "NOPE99", "-o", str(target))
    assert result.returncode == 1
    assert "No event has the id or short code 'NOPE99'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()


def test_missing_folder_exits_1_and_writes_nothing(demo_dir: Path, tmp_path: Path) -> None:
    event = _event_with_registrations(demo_dir)
    target = tmp_path / "no such folder" / "t.pdf"
    result = _run(demo_dir, "tickets", event["short_code"], "-o", str(target))
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert not target.parent.exists()


def test_event_with_nobody_registered_exits_1(tmp_path: Path) -> None:
    data_dir = tmp_path / "home"
    added = _run(
        data_dir,
        "events",
        "add",
        "--title",
        "Quiet drop-in",
        "--kind",
        "drop-in",
        "--start",
        "2030-05-01T10:00",
        "--end",
        "2030-05-01T12:00",
        "--venue",
        "Tottington Library",
        "--json",
    )
    assert added.returncode == 0, added.stderr
    code = json.loads(added.stdout)["short_code"]
    target = tmp_path / "t.pdf"
    result = _run(data_dir, "tickets", code, "-o", str(target))
    assert result.returncode == 1
    assert "No one is registered" in result.stderr
    assert not target.exists()
