"""`engagement-desk checkin EVENT [CODE ...]` as a real process: every outcome, codes from
stdin, JSON lines, and a check-in that was acknowledged surviving SIGKILL.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import queue
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import CliResult, run_cli

DATABASE = "engagement-desk.sqlite3"
PEOPLE = 50
LABELS = {
    "ADMITTED",
    "ADMITTED-NOT-ON-LIST",
    "ALREADY-CHECKED-IN",
    "WRONG-EVENT",
    "CANCELLED",
    "WAITLISTED",
    "NOT-RECOGNISED",
    "EVENT-CANCELLED",
    "EVENT-ENDED",
}
JSON_FIELDS = {
    "outcome",
    "admits",
    "headline",
    "detail",
    "person_name",
    "access_needs",
    "access_notes",
    "registration_id",
    "check_in_id",
    "repeated",
}


@dataclass(frozen=True)
class Door:
    """A data folder with one event at the door and its people, as `people list` shows them."""

    folder: Path
    event: str  # short code
    other_event: str
    people: dict[str, dict[str, Any]]  # by name

    def code(self, name: str) -> str:
        code = self.people[name]["ticket_code"]
        assert isinstance(code, str), f"{name} has no ticket code"
        return code


def cli(folder: Path, *args: str) -> CliResult:
    return run_cli(*args, data_dir=folder)


def ok(result: CliResult) -> str:
    assert result.code == 0, (result.out, result.err)
    return result.out


def people_by_name(folder: Path, event: str) -> dict[str, dict[str, Any]]:
    rows = json.loads(ok(cli(folder, "people", "list", event, "--json")))
    return {row["name"]: row for row in rows}


@pytest.fixture(scope="module")
def door_template(tmp_path_factory: pytest.TempPathFactory) -> Door:
    """Built once through the command line: 50 imported people and a few with a story."""
    root = tmp_path_factory.mktemp("door")
    folder = root / "desk"

    def add_event(title: str, start: str, end: str, capacity: str) -> str:
        out = ok(
            cli(
                folder,
                *("events", "add", "--title", title, "--kind", "venue"),
                *("--start", start, "--end", end, "--venue", "Bury Town Hall"),
                *("--capacity", capacity, "--json"),
            )
        )
        code: str = json.loads(out)["short_code"]
        return code

    event = add_event("Have your say: SEND in Bury", "2030-03-14T10:00", "2030-03-14T12:30", "54")
    other = add_event("Autism drop-in", "2030-05-06T18:30", "2030-05-06T20:00", "20")
    sheet = root / "people.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Email", "Access needs"])
        for n in range(PEOPLE):
            writer.writerow([f"Parent{n:02d} Example", f"parent{n}@example.org", ""])
    ok(cli(folder, "people", "import", event, str(sheet)))

    def book(code: str, name: str, *extra: str) -> None:
        email = name.lower().replace(" ", ".") + "@example.org"
        ok(cli(folder, "register", code, "--name", name, "--email", email, *extra))

    book(event, "Sarah Ashworth", "--access-need", "quiet space")  # 51
    book(event, "Tom Byrne")  # 52
    book(event, "Carl Cancelled")  # 53
    ok(cli(folder, "cancel", event, "carl.cancelled@example.org"))  # 52
    book(event, "Fiona Full")  # 53
    book(event, "Gary Full")  # 54: full
    book(event, "Wendy Waiting")  # waiting list
    book(other, "Sam Patel")
    people = people_by_name(folder, event) | people_by_name(folder, other)
    assert people["Wendy Waiting"]["status"] == "waitlisted"
    assert people["Carl Cancelled"]["status"] == "cancelled"
    return Door(folder, event, other, people)


@pytest.fixture
def door(door_template: Door, tmp_path: Path) -> Door:
    """This test's own copy of the door's data folder."""
    folder = tmp_path / "desk"
    shutil.copytree(door_template.folder, folder)
    return Door(folder, door_template.event, door_template.other_event, door_template.people)


def check_ins(folder: Path) -> list[tuple[str, str, str]]:
    """(check-in id, registration id, method) of every live check-in, straight from the file."""
    with sqlite3.connect(folder / DATABASE) as connection:
        rows = connection.execute(
            "SELECT id, registration_id, method FROM check_in WHERE undone_at IS NULL"
        ).fetchall()
    connection.close()
    return [(a, b, c) for a, b, c in rows]


def one_character_changed(code: str) -> str:
    position = len(code) - 30
    return code[:position] + ("B" if code[position] != "B" else "C") + code[position + 1 :]


def labels(out: str) -> list[str]:
    return [line.split("  ", 1)[0] for line in out.splitlines()]


# ---- every outcome -------------------------------------------------------------


def test_every_outcome_from_arguments(door: Door) -> None:
    sarah = door.code("Sarah Ashworth")
    before = len(check_ins(door.folder))
    scanned = {
        "admitted": sarah,
        "repeat scan": sarah,
        "typed reference": door.people["Tom Byrne"]["ticket_reference"].lower(),
        "wrong event": door.code("Sam Patel"),
        "cancelled": door.code("Carl Cancelled"),
        "waitlisted": door.people["Wendy Waiting"]["ticket_reference"],
        "random text": "hello, is this the right room?",
        "another system": "https://tickets.example.com/e/8812?seat=14",
        "one character changed": one_character_changed(door.code("Parent01 Example")),
        "truncated": door.code("Parent02 Example")[:-15],
        "blank": "",
        "5,000 characters": "Z" * 5000,
    }

    result = cli(door.folder, "checkin", door.event, *scanned.values())

    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    lines = result.out.splitlines()
    assert len(lines) == len(scanned)
    said = dict(zip(scanned, lines, strict=True))
    assert said["admitted"] == "ADMITTED  Welcome, Sarah Ashworth — Access needs: quiet space"
    assert said["repeat scan"].startswith("ADMITTED  Welcome, Sarah Ashworth")
    assert said["repeat scan"].endswith("(repeat scan, counted once)")
    assert said["typed reference"] == "ADMITTED  Welcome, Tom Byrne — Checked in."
    assert said["wrong event"] == (
        "WRONG-EVENT  Ticket for a different event — This ticket is for “Autism drop-in”, "
        "Mon 6 May 2030, 18:30–20:00."
    )
    assert said["cancelled"].startswith("CANCELLED  Cancelled ticket — Carl Cancelled's place")
    assert said["waitlisted"].startswith("WAITLISTED  On the waiting list — Wendy Waiting")
    for refused in (
        "random text",
        "another system",
        "one character changed",
        "truncated",
        "blank",
        "5,000 characters",
    ):
        assert said[refused].startswith("NOT-RECOGNISED  "), said[refused]
        assert len(said[refused]) < 300
    assert "web address" in said["another system"]
    assert "Nothing was scanned" in said["blank"]
    # Two people admitted, once each; nothing else written.
    after = check_ins(door.folder)
    assert len(after) == before + 2
    admitted = {registration for _, registration, _ in after}
    assert door.people["Sarah Ashworth"]["registration_id"] in admitted
    assert door.people["Tom Byrne"]["registration_id"] in admitted

    # A later session on the same laptop: already in, with when and where.
    again = cli(door.folder, "checkin", door.event, sarah)
    assert again.code == 0
    assert again.out.startswith("ALREADY-CHECKED-IN  Already checked in — Sarah Ashworth was ")
    assert again.out.rstrip().endswith("on this laptop.")
    assert len(check_ins(door.folder)) == before + 2


def test_a_ticket_made_after_this_laptops_copy_is_admitted_and_flagged(
    door: Door, tmp_path: Path
) -> None:
    venue_laptop = tmp_path / "venue-laptop"
    shutil.copytree(door.folder, venue_laptop)  # the copy taken to the venue
    # Back at the office, someone books for the drop-in after the copy was made.
    event = door.other_event
    ok(cli(door.folder, "register", event, "--name", "Late Lucy", "--email", "lucy@example.org"))
    code = people_by_name(door.folder, event)["Late Lucy"]["ticket_code"]

    result = cli(venue_laptop, "checkin", event, "--json", code)

    assert result.code == 0, result.err
    [line] = result.out.splitlines()
    outcome = json.loads(line)
    assert outcome["outcome"] == "admitted_not_on_list"
    assert outcome["admits"] is True
    assert "not on this laptop's list" in outcome["headline"]
    assert outcome["check_in_id"] in {c for c, _, _ in check_ins(venue_laptop)}


def test_codes_from_stdin_one_line_each_including_blank_lines(door: Door) -> None:
    codes = [
        door.code("Parent03 Example"),
        "",
        f"  {door.code('Parent04 Example').lower()}\r",  # caps lock and a stray CR
        "   ",
        "not a ticket",
    ]
    completed = subprocess.run(
        [*command(door.folder), "checkin", door.event, "--method", "webcam"],
        input="\n".join(codes) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment(),
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert labels(completed.stdout) == [
        "ADMITTED",
        "NOT-RECOGNISED",
        "ADMITTED",
        "NOT-RECOGNISED",
        "NOT-RECOGNISED",
    ]
    assert {method for _, _, method in check_ins(door.folder)} == {"webcam"}


def test_json_lines_parse_and_carry_the_outcome(door: Door) -> None:
    sarah = door.code("Sarah Ashworth")
    completed = subprocess.run(
        [*command(door.folder), "checkin", door.event, "--json"],
        input=f"{sarah}\n{sarah}\n{door.code('Carl Cancelled')}\nnonsense\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment(),
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    objects = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [set(o) for o in objects] == [JSON_FIELDS] * 4
    first, repeat, cancelled, nonsense = objects
    assert first["outcome"] == "admitted" and first["admits"] is True
    assert first["person_name"] == "Sarah Ashworth"
    assert first["access_needs"] == ["quiet space"]
    assert first["registration_id"] == door.people["Sarah Ashworth"]["registration_id"]
    assert first["check_in_id"] in {c for c, _, _ in check_ins(door.folder)}
    assert first["repeated"] is False
    assert repeat["repeated"] is True and repeat["check_in_id"] == first["check_in_id"]
    assert cancelled["outcome"] == "cancelled" and cancelled["admits"] is False
    assert cancelled["check_in_id"] is None
    assert nonsense["outcome"] == "not_recognised"
    assert nonsense["registration_id"] is None


def test_an_unknown_event_is_a_user_error_and_reads_nothing(door: Door) -> None:
    result = cli(door.folder, "checkin", "NOPE99", door.code("Sarah Ashworth"))
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith("engagement-desk: No event has the id or short code 'NOPE99'")
    assert "Traceback" not in result.err
    assert check_ins(door.folder) == []


def test_a_cancelled_event_admits_no_one_at_the_door(door: Door) -> None:
    """`events cancel` then `checkin`: every code is refused with EVENT-CANCELLED (a fresh
    process each time, and one left running across the cancellation)."""
    running = subprocess.Popen(
        [*command(door.folder), "checkin", door.event],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert running.stdin is not None and running.stdout is not None
        running.stdin.write(door.code("Tom Byrne") + "\n")
        running.stdin.flush()
        assert running.stdout.readline().startswith("ADMITTED  Welcome, Tom Byrne")
        ok(cli(door.folder, "events", "cancel", door.event, "--reason", "the venue flooded"))
        running.stdin.write(door.code("Fiona Full") + "\n")
        running.stdin.flush()
        line = running.stdout.readline()
        assert line.startswith("EVENT-CANCELLED  This event is cancelled — "), line
        assert "the venue flooded" in line
    finally:
        _, err = running.communicate(timeout=60)
    assert running.returncode == 0, err

    fresh = cli(door.folder, "checkin", door.event, door.code("Sarah Ashworth"))
    assert fresh.code == 0, fresh.err
    assert labels(fresh.out) == ["EVENT-CANCELLED"]
    tom = door.people["Tom Byrne"]["registration_id"]
    assert [row[1] for row in check_ins(door.folder)] == [tom]  # only from before


def test_help_says_what_a_blank_line_does() -> None:
    result = run_cli("checkin", "--help", data_dir=None)
    assert result.code == 0
    assert "blank line" in result.out
    assert "NOT-RECOGNISED" in result.out


# ---- acknowledged means on disk, even after SIGKILL --------------------------------


def command(folder: Path) -> list[str]:
    return [sys.executable, "-m", "engagement_desk", "--data-dir", str(folder)]


def environment() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ENGAGEMENT_DESK_") and key != "PYTHONWARNINGS"
    }
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONWARNINGS="error", PYTHONIOENCODING="utf-8")
    return env


@pytest.fixture
def desk_at_the_door(door: Door) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [*command(door.folder), "checkin", door.event, "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        bufsize=1,
        env=environment(),
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                with contextlib.suppress(BrokenPipeError):
                    stream.close()


def reader(stream: Any) -> queue.Queue[str | None]:
    """Lines from ``stream`` as they come; None at the end. Never blocks the test."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in iter(stream.readline, ""):
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def test_every_acknowledged_check_in_survives_sigkill(
    door: Door, desk_at_the_door: subprocess.Popen[str]
) -> None:
    process = desk_at_the_door
    assert process.stdin is not None and process.stdout is not None
    codes = [door.code(f"Parent{n:02d} Example") for n in range(PEOPLE)]
    acknowledged = 20
    outcomes = reader(process.stdout)
    acknowledged_ids: list[str] = []

    # One code at a time, as a scanner sends them: each answered before the next.
    for code in codes[:acknowledged]:
        process.stdin.write(code + "\n")
        process.stdin.flush()
        line = outcomes.get(timeout=60)
        assert line is not None, process.stderr.read() if process.stderr else ""
        outcome = json.loads(line)
        assert outcome["outcome"] == "admitted", outcome
        acknowledged_ids.append(outcome["check_in_id"])

    # A burst queued in the pipe; once the desk is working through it, the power cord is
    # pulled, most likely in the middle of deciding or saving the next check-in.
    process.stdin.write("".join(code + "\n" for code in codes[acknowledged:]))
    process.stdin.flush()
    line = outcomes.get(timeout=60)
    assert line is not None
    acknowledged_ids.append(json.loads(line)["check_in_id"])
    process.kill()
    process.wait(timeout=30)
    assert process.returncode != 0  # killed, not finished
    # Anything printed before the kill was acknowledged too, and must also be on disk.
    while (line := outcomes.get(timeout=30)) is not None:
        if line.strip():
            late = json.loads(line)
            assert late["outcome"] == "admitted"
            acknowledged_ids.append(late["check_in_id"])

    with sqlite3.connect(door.folder / DATABASE) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {
            row[0]: row[1] for row in connection.execute("SELECT id, registration_id FROM check_in")
        }
        registration_ids = {
            row[0]
            for row in connection.execute(
                "SELECT registration_id FROM check_in GROUP BY registration_id"
            )
        }
    connection.close()
    assert len(acknowledged_ids) >= acknowledged
    missing = [i for i in acknowledged_ids if i not in stored]
    assert not missing, f"{len(missing)} acknowledged check-ins were lost"
    # Nothing half-written: every stored check-in is one of the codes sent, once each.
    sent = {door.people[f"Parent{n:02d} Example"]["registration_id"] for n in range(PEOPLE)}
    assert registration_ids <= sent
    assert len(stored) == len(registration_ids)
    # And the app still opens the file and counts them.
    events = json.loads(ok(cli(door.folder, "events", "list", "--json")))
    [at_the_door] = [e for e in events if e["short_code"] == door.event]
    assert at_the_door["checked_in"] == len(stored)


# ---- the paper fallback ------------------------------------------------------------


def test_signin_sheet_writes_a_pdf_of_the_people_expected(door: Door, tmp_path: Path) -> None:
    target = tmp_path / "sheet.pdf"

    result = cli(door.folder, "signin-sheet", door.event, "-o", str(target))

    assert result.code == 0, result.err
    assert f"to {target}" in result.out
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(target).pages
    )
    assert "Ashworth, Sarah" in text and "quiet space" in text
    assert "Example, Parent00" in text
    assert "Waiting" not in text and "Cancelled" not in text
    missing_folder = cli(door.folder, "signin-sheet", door.event, "-o", str(tmp_path / "no/x.pdf"))
    assert missing_folder.code == 1 and "does not exist" in missing_folder.err


# ---- the shared server -------------------------------------------------------------


@pytest.mark.postgres
def test_checkin_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    """A venue hub on PostgreSQL: the same outcomes, and the check-in is stored."""
    folder = tmp_path / "desk"
    env = {"ENGAGEMENT_DESK_DATABASE": postgres_url}

    def pg(*args: str) -> CliResult:
        return run_cli(*args, data_dir=folder, env=env)

    added = ok(
        pg(
            *("events", "add", "--title", "Hub event", "--kind", "venue", "--venue", "Hub"),
            *("--start", "2030-03-14T10:00", "--end", "2030-03-14T12:00", "--json"),
        )
    )
    event = json.loads(added)["short_code"]
    ok(pg("register", event, "--name", "Sarah Ashworth", "--email", "sarah@example.org"))
    [sarah] = json.loads(ok(pg("people", "list", event, "--json")))

    first = pg("checkin", event, sarah["ticket_code"], sarah["ticket_reference"], "nonsense")
    again = pg("checkin", event, "--json", sarah["ticket_code"])

    assert labels(ok(first)) == ["ADMITTED", "ALREADY-CHECKED-IN", "NOT-RECOGNISED"]
    assert json.loads(ok(again))["outcome"] == "already_checked_in"
    [listed] = [
        e for e in json.loads(ok(pg("events", "list", "--json"))) if e["short_code"] == event
    ]
    assert listed["checked_in"] == 1
