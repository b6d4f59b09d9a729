"""`people import|list`, `register`, `cancel` and `privacy export|erase`, run as a user would."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engagement_desk.bootstrap import open_desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.paths import AppPaths
from tests.conftest import FakeClock
from tests.e2e.conftest import Cli
from tests.unit.import_corpus import CORPUS, Export

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"


def add_event(cli: Cli, capacity: int = 40) -> str:
    result = cli(
        "events", "add", "--title", "Have your say", "--kind", "venue",
        "--start", "2030-03-14T10:00", "--end", "2030-03-14T12:30",
        "--venue", "Bury Town Hall", "--capacity", str(capacity), "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    code: str = json.loads(result.out)["short_code"]
    return code


def listed(cli: Cli, *event: str) -> list[dict[str, Any]]:
    result = cli("people", "list", *event, "--json")
    assert result.code == 0, result.err
    rows: list[dict[str, Any]] = json.loads(result.out)
    return rows


def event_row(cli: Cli, code: str) -> dict[str, Any]:
    result = cli("events", "list", "--json")
    assert result.code == 0, result.err
    [row] = [e for e in json.loads(result.out) if e["short_code"] == code]
    return row


def test_a_dry_run_writes_nothing_then_the_import_lists_everyone(cli: Cli, tmp_path: Path) -> None:
    event = add_event(cli, capacity=3)
    export = tmp_path / "Attendees 2030.csv"
    shutil.copyfile(DATA / "ticketing_export.csv", export)

    dry = cli("people", "import", event, export, "--dry-run")
    assert dry.code == 0, dry.err
    assert "Dry run" in dry.out
    assert "Registrations to add: 4 (3 with a place, 1 on the waiting list)" in dry.out
    assert listed(cli) == []

    done = cli("people", "import", event, export, "--json")
    assert done.code == 0, done.err
    report = json.loads(done.out)
    assert (report["imported"], report["registrations"], report["waitlisted"]) == (True, 4, 1)
    assert report["duplicates_merged"] == 1
    assert set(report["ignored_columns"]) == {"Order #", "Ticket Type"}

    rows = listed(cli, event)
    assert {r["name"] for r in rows} == {
        "Priya Patel",
        "Daniel Evans",
        "Rachel Walsh",
        "Imran Hussain",
    }
    for row in rows:
        assert row["person_id"] and row["email"].endswith("@example.org")
        assert row["event"] == event
        if row["status"] == "registered":
            assert row["ticket_code"].startswith(f"ED1-{event}-")
        else:
            assert (row["status"], row["ticket_code"]) == ("waitlisted", None)
    assert event_row(cli, event)["registered"] == 3


@pytest.mark.parametrize("export", CORPUS, ids=[e.file for e in CORPUS])
def test_real_exports_dry_run_import_and_list(cli: Cli, tmp_path: Path, export: Export) -> None:
    event = add_event(cli)
    path = tmp_path / export.file
    shutil.copyfile(DATA / export.file, path)

    dry = cli("people", "import", event, path, "--dry-run", "--json")
    assert dry.code == 0, dry.err
    planned = json.loads(dry.out)
    assert (planned["dry_run"], planned["imported"]) == (True, False)
    assert planned["registrations"] == len(export.people)
    assert planned["encoding"] == export.encoding
    assert set(export.choices) <= set(planned["choices"])
    assert planned["not_booked"] == sum(planned["not_booked_statuses"].values())
    uses = {c["column"]: c["field"] for c in planned["columns"]}
    assert {h: uses[h] for h in export.columns} == export.columns
    assert listed(cli) == []

    done = cli("people", "import", event, path)
    assert done.code == 0, done.err
    for sentence in (*export.choices, export.not_booked):
        assert sentence in done.out

    assert {r["name"]: r["email"] for r in listed(cli, event)} == export.people


def test_an_anonymous_form_without_names_is_refused_with_the_reason(
    cli: Cli, tmp_path: Path
) -> None:
    event = add_event(cli)
    path = tmp_path / "Have your say.csv"
    path.write_bytes(
        b"\xef\xbb\xbfID,Start time,Completion time,Email,Name,Postcode\r\n"
        b"1,3/3/26 9:14:02,3/3/26 9:16:40,anonymous,,BL9\r\n"
    )

    refused = cli("people", "import", event, path)

    assert refused.code == 1
    assert "No column holds people's names ('Name' is empty)" in refused.err
    assert "nothing was imported from Have your say.csv" in refused.err
    assert "Traceback" not in refused.err
    assert listed(cli) == []


def test_register_then_cancel_gives_the_place_to_the_waiting_list(cli: Cli) -> None:
    event = add_event(cli, capacity=1)

    first = cli("register", event, "--name", "Sarah Jones", "--email", " Sarah@Example.org")
    assert first.code == 0, first.err
    assert "Sarah Jones is registered for Have your say." in first.out
    second = cli("register", event, "--name", "Tom Riley", "--email", "tom@example.org")
    assert second.code == 0, second.err
    assert "is full: Tom Riley is number 1 on the waiting list" in second.out
    again = cli("register", event, "--name", "Sarah Jones", "--email", "sarah@example.org")
    assert "already registered" in again.out

    [sarah] = [r for r in listed(cli, event) if r["name"] == "Sarah Jones"]
    cancelled = cli("cancel", event, sarah["ticket_code"])

    assert cancelled.code == 0, cancelled.err
    assert "Cancelled Sarah Jones's place" in cancelled.out
    assert "The place went to Tom Riley" in cancelled.out
    statuses = {r["name"]: (r["status"], bool(r["ticket_code"])) for r in listed(cli, event)}
    assert statuses == {"Sarah Jones": ("cancelled", True), "Tom Riley": ("registered", True)}
    assert len(listed(cli)) == 2

    refused = cli("cancel", event, sarah["ticket_code"])
    assert refused.code == 1
    assert "already cancelled" in refused.err


def test_a_walk_in_is_counted_in_the_events_list(cli: Cli) -> None:
    event = add_event(cli)

    result = cli("register", event, "--name", "Priya Patel", "--walk-in", "--json")

    assert result.code == 0, result.err
    info = json.loads(result.out)
    assert (info["status"], info["checked_in"]) == ("registered", True)
    row = event_row(cli, event)
    assert (row["registered"], row["checked_in"], row["walk_ins"]) == (1, 1, 1)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.pdf", b"%PDF-1.7\n", "is a PDF"),
        ("empty.csv", b"", "is empty (0 bytes)"),
        ("headings.csv", b"Name,Email\r\n", "has column headings but no rows of people"),
    ],
)
def test_a_bad_file_exits_1_with_a_message_and_writes_nothing(
    cli: Cli, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    event = add_event(cli)
    path = tmp_path / name
    path.write_bytes(content)

    result = cli("people", "import", event, path)

    assert result.code == 1
    assert message in result.err
    assert "Traceback" not in result.err
    assert listed(cli) == []


def test_a_file_with_errors_lists_every_problem_and_imports_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    event = add_event(cli)

    result = cli("people", "import", event, DATA / "duplicates_and_errors.csv")

    assert result.code == 1
    assert "engagement-desk: Row 7, column 'Email': 'jo@' is not an email address." in result.err
    assert "Row 8, column 'Date booked': '31/02/2026' is not a date." in result.err
    assert "nothing was imported from duplicates_and_errors.csv" in result.err
    assert result.out == ""
    assert listed(cli) == []


def test_columns_are_mapped_on_the_command_line(cli: Cli, tmp_path: Path) -> None:
    event = add_event(cli)
    path = tmp_path / "list.csv"
    path.write_text("Grown-up,Contact\nAnn Lee,ann@example.org\n", encoding="utf-8")

    unmapped = cli("people", "import", event, path)
    assert unmapped.code == 1
    assert "No column holds people's names" in unmapped.err

    mapped = cli(
        "people", "import", event, path, "--map", "Grown-up=full_name", "--map", "Contact=email"
    )
    assert mapped.code == 0, mapped.err
    assert [(r["name"], r["email"]) for r in listed(cli)] == [("Ann Lee", "ann@example.org")]

    nonsense = cli("people", "import", event, path, "--map", "Grown-up")
    assert nonsense.code == 1
    assert "--map needs COLUMN=FIELD" in nonsense.err


def test_privacy_export_and_erase(cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    event = add_event(cli)
    cli("register", event, "--name", "Philippa Quarrington", "--email", "pq@example.org")
    walk_in = cli("register", event, "--name", "Philippa Quarrington", "--walk-in",
                  "--email", "PQ@example.org")  # fmt: skip
    assert walk_in.code == 0, walk_in.err
    target = tmp_path / "philippa.json"

    exported = cli("privacy", "export", "pq@example.org", "-o", target)

    assert exported.code == 0, exported.err
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["person"]["full_name"] == "Philippa Quarrington"
    assert data["registrations"][0]["check_ins"]
    assert not target.with_name(target.name + ".partial").exists()

    erased = cli("privacy", "erase", data["person"]["id"])

    assert erased.code == 0, erased.err
    assert "Erased Philippa Quarrington <pq@example.org>" in erased.out
    assert "1 registration, 1 check-in" in erased.out
    assert listed(cli) == []
    row = event_row(cli, event)
    assert (row["registered"], row["checked_in"]) == (1, 1)  # the count remains
    raw = b"".join(p.read_bytes() for p in data_dir.glob("engagement-desk.sqlite3*"))
    assert b"Quarrington" not in raw
    assert b"pq@example.org" not in raw

    again = cli("privacy", "erase", "pq@example.org")
    assert again.code == 1
    assert "No one has the email address pq@example.org" in again.err


# ---- the same on PostgreSQL, the shared office server --------------------------------------


@pytest.mark.postgres
def test_people_on_postgres(
    paths: AppPaths, clock: FakeClock, postgres_url: str, tmp_path: Path
) -> None:
    desk = open_desk(paths, postgres_url, clock=clock)
    try:
        event = desk.events.create(
            EventDraft(
                title="Have your say",
                kind="venue",
                starts_at=datetime(2026, 4, 22, 9, 0, tzinfo=UTC),
                ends_at=datetime(2026, 4, 22, 11, 0, tzinfo=UTC),
                venue=VenueDraft("Bury Town Hall"),
                capacity=3,
            )
        ).short_code
        report = desk.imports.import_file(event, DATA / "windows_1252.csv")
        assert (report.registrations, report.waitlisted) == (4, 1), report.problems
        zoe = desk.registrations.register(
            event, PersonDraft("Zoë Hughes", email="ZOE.hughes@example.org", consent_store=True)
        )
        assert zoe.already_registered
        # Case- and accent-insensitive on PostgreSQL too (its LIKE is case-sensitive).
        assert [r.name for r in desk.registrations.search(event, "SIOBHAN")] == ["Siobhán Ó Briain"]
        assert [r.name for r in desk.registrations.search(None, "zoe")] == ["Zoë Hughes"]
        [first] = [r for r in desk.registrations.list_people(event) if r.ticket_code][:1]
        result = desk.registrations.cancel(event, first.ticket_code or "")
        assert len(result.promoted) == 1
        walk_in = desk.registrations.walk_in(event, "Sam Lee", "sam@example.org")
        assert walk_in.checked_in
        erased = desk.privacy.erase_person("zoe.hughes@example.org")
        assert erased.name == "Zoë Hughes"
        assert "Zoë Hughes" not in [r.name for r in desk.registrations.list_people()]
    finally:
        desk.close()
