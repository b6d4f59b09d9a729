"""The real `engagement-desk` command in a subprocess, as staff would script it."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from icalendar import Calendar
from pypdf import PdfReader

from engagement_desk import __version__
from tests.e2e.conftest import Cli, CliResult, run_cli

EVENT_FIELDS = {
    "id",
    "short_code",
    "title",
    "kind",
    "status",
    "start",
    "end",
    "venue",
    "capacity",
    "registered",
    "waitlisted",
    "checked_in",
    "walk_ins",
}


def listed(cli: Cli, *extra: str) -> list[dict[str, object]]:
    result = cli("events", "list", "--json", *extra)
    assert result.code == 0, result.err
    events: list[dict[str, object]] = json.loads(result.out)
    return events


def assert_user_error(result: CliResult, message: str) -> None:
    """Exit 1, the message on stderr, nothing on stdout and no traceback."""
    assert result.code == 1, (result.out, result.err)
    assert message in result.err
    assert result.err.startswith("engagement-desk: ")
    assert "Traceback" not in result.err
    assert result.out == ""


def test_version() -> None:
    result = run_cli("--version", data_dir=None)

    assert result.code == 0
    assert result.out.strip() == f"Engagement Desk {__version__}"


def test_demo_fills_a_new_database_once(
    demo_template: tuple[Path, CliResult], demo_dir: Path, cli: Cli
) -> None:
    _, result = demo_template
    assert result.out.startswith("Demo data added to ")
    assert "12 events, 120 people" in result.out

    again = cli("demo", "--people", "5")

    assert_user_error(again, "already has events")


def test_events_list_json_after_demo(demo_dir: Path, cli: Cli) -> None:
    events = listed(cli)

    assert len(events) == 12
    assert all(set(e) == EVENT_FIELDS for e in events)
    starts = [datetime.fromisoformat(str(e["start"])) for e in events]
    assert starts == sorted(starts)
    assert all(s.utcoffset() is not None and s.utcoffset().total_seconds() == 0 for s in starts)
    assert {e["kind"] for e in events} == {"venue", "webinar", "drop-in", "workshop"}
    for event in events:
        assert isinstance(event["walk_ins"], int) and isinstance(event["checked_in"], int)
        assert 0 <= event["walk_ins"] <= event["checked_in"]
    attended = [e for e in events if e["checked_in"]]
    assert attended, "the demo's past events have people checked in"
    # Walk-ins are counted among those checked in, and were registered on the door.
    assert any(e["walk_ins"] for e in attended)
    assert all(e["venue"] is None for e in events if e["kind"] == "webinar")

    upcoming = listed(cli, "--when", "upcoming")
    assert 0 < len(upcoming) < 12
    assert all(e["checked_in"] == 0 for e in upcoming)

    table = cli("events", "list")
    assert table.code == 0
    assert "CODE" in table.out
    assert all(str(e["short_code"]) in table.out for e in events)


def test_events_add_then_listed(demo_dir: Path, cli: Cli) -> None:
    result = cli(
        "events",
        "add",
        "--title",
        "Autumn term family voices",
        "--kind",
        "workshop",
        "--start",
        "2026-10-07T18:00",
        "--end",
        "2026-10-07T20:00",
        "--venue",
        "  radcliffe   LIBRARY",
        "--capacity",
        "25",
        "--json",
    )

    assert result.code == 0, result.err
    added = json.loads(result.out)
    assert added["title"] == "Autumn term family voices"
    assert added["start"] == "2026-10-07T17:00:00+00:00"  # typed in UK summer time
    assert added["venue"] == "Radcliffe Library"
    assert (added["capacity"], added["registered"]) == (25, 0)
    events = listed(cli)
    assert len(events) == 13
    assert added["id"] in {e["id"] for e in events}

    # The existing venue kept its address and access details (only the name was typed).
    ics = demo_dir / "added.ics"
    assert cli("events", "ics", str(added["short_code"]).lower(), "-o", ics).code == 0
    [item] = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert "Stand Lane, Radcliffe" in str(item["location"])
    assert "Step-free access" in str(item["description"])


def test_events_add_refused_writes_nothing(demo_dir: Path, cli: Cli) -> None:
    backwards = cli(
        "events",
        "add",
        "--title",
        "Backwards",
        "--kind",
        "venue",
        "--start",
        "2026-10-07T18:00",
        "--end",
        "2026-10-07T17:00",
        "--venue",
        "Bury Town Hall",
    )
    assert_user_error(backwards, "The event must end after it starts.")

    no_venue = cli(
        "events",
        "add",
        "--title",
        "Nowhere",
        "--kind",
        "venue",
        "--start",
        "next tuesday",
        "--end",
        "2026-10-07T17:00",
    )
    assert_user_error(no_venue, "Give --start and --end as ISO dates and times")

    assert len(listed(cli)) == 12


def test_events_ics_parses_back(demo_dir: Path, cli: Cli) -> None:
    target = demo_dir / "events.ics"

    result = cli("events", "ics", "-o", target)

    assert result.code == 0, result.err
    upcoming = {e["id"]: e for e in listed(cli, "--when", "upcoming")}
    assert result.out.strip() == f"Wrote {len(upcoming)} events to {target}"
    items = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert len(items) == len(upcoming)
    for item in items:
        event = upcoming[str(item["uid"]).removesuffix("@engagement-desk")]
        assert item.decoded("dtstart") == datetime.fromisoformat(str(event["start"]))
        assert item.decoded("dtend") == datetime.fromisoformat(str(event["end"]))
        assert f"Event code: {event['short_code']}" in str(item["description"])


def test_events_listing_pdf_reads_back(demo_dir: Path, cli: Cli) -> None:
    target = demo_dir / "listing.pdf"

    result = cli("events", "listing", "-o", target)

    assert result.code == 0, result.err
    reader = PdfReader(target)
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for event in listed(cli, "--when", "upcoming"):
        assert str(event["title"]) in text
    assert "Step-free access" in text
    assert reader.metadata is not None and reader.metadata.author == "Engagement Desk"


def test_unknown_event_and_missing_folder_are_plain_errors(demo_dir: Path, cli: Cli) -> None:
    unknown = cli("events", "ics", "zzzzzz", "-o", demo_dir / "x.ics")
    assert_user_error(unknown, "No event has the id or short code 'zzzzzz'.")
    assert not (demo_dir / "x.ics").exists()

    cancelled = cli("events", "cancel", "no-such-event")
    assert_user_error(cancelled, "No event has the id or short code 'no-such-event'.")

    nowhere = cli("events", "listing", "-o", demo_dir / "missing" / "listing.pdf")
    assert_user_error(nowhere, "does not exist")


def test_database_option_and_environment_are_honoured(tmp_path: Path, cli: Cli) -> None:
    office = tmp_path / "office.sqlite3"
    shared = tmp_path / "shared.sqlite3"
    webinar = (
        "events",
        "add",
        "--kind",
        "webinar",
        "--start",
        "2026-11-04T19:00",
        "--end",
        "2026-11-04T20:00",
        "--title",
    )

    by_option = cli("--database", f"sqlite:///{office}", *webinar, "By option")
    by_env = cli(
        *webinar, "By environment", env={"ENGAGEMENT_DESK_DATABASE": f"sqlite:///{shared}"}
    )
    # The option wins over the environment.
    both = cli(
        *webinar,
        "Option wins",
        "--database",
        f"sqlite:///{office}",
        env={"ENGAGEMENT_DESK_DATABASE": f"sqlite:///{shared}"},
    )

    assert (by_option.code, by_env.code, both.code) == (0, 0, 0), (by_option.err, by_env.err)

    def titles(path: Path) -> list[str]:
        with sqlite3.connect(path) as connection:
            rows = connection.execute("SELECT title FROM event ORDER BY title").fetchall()
        connection.close()
        return [title for (title,) in rows]

    assert titles(office) == ["By option", "Option wins"]
    assert titles(shared) == ["By environment"]
    assert not (tmp_path / "desk" / "engagement-desk.sqlite3").exists()


def test_damaged_database_is_a_plain_error(data_dir: Path, cli: Cli) -> None:
    data_dir.mkdir()
    damaged = data_dir / "engagement-desk.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    before = hashlib.sha256(damaged.read_bytes()).hexdigest()

    result = cli("events", "list")

    assert_user_error(result, "cannot be opened")
    assert str(damaged) in result.err
    assert hashlib.sha256(damaged.read_bytes()).hexdigest() == before


def test_self_test_passes(cli: Cli) -> None:
    result = cli("self-test")

    assert result.code == 0, result.err
    assert "Self-test passed" in result.out


def test_unreachable_database_server_is_a_plain_error(cli: Cli, data_dir: Path) -> None:
    # Port 1 on this machine: nothing listens there, so the connection is refused at once.
    server = "postgresql+psycopg://staff@127.0.0.1:1/engagement"
    result = cli("--database", server, "events", "list")

    assert_user_error(result, "cannot be opened")
    assert "127.0.0.1" in result.err
    assert not (data_dir / "engagement-desk.sqlite3").exists()
