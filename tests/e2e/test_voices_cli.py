"""`engagement-desk summary` and `votes import`, run as real processes on demo data."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.paths import AppPaths
from engagement_desk.services.events import When
from tests.conftest import FakeClock
from tests.e2e.conftest import Cli


@pytest.fixture
def desk(demo_dir: Path) -> Iterator[Desk]:
    """The same demo database, opened in this process to compare with the command's output."""
    opened = open_desk(AppPaths.from_environment(demo_dir))
    yield opened
    opened.close()


def past_venue_event(cli: Cli) -> dict[str, Any]:
    result = cli("events", "list", "--when", "past", "--json")
    assert result.code == 0, result.err
    events: list[dict[str, Any]] = json.loads(result.out)
    return next(e for e in events if e["kind"] == "venue" and e["checked_in"] > 0)


def without_time(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "generated_at"}


def responses_in(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "engagement-desk.sqlite3") as connection:
        (count,) = connection.execute("SELECT count(*) FROM response").fetchone()
        (comments,) = connection.execute("SELECT count(*) FROM comment").fetchone()
    connection.close()
    return int(count) + int(comments)


def write(folder: Path, text: str, name: str = "forms.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ---- summary -------------------------------------------------------------------------------


def test_summary_json_is_the_summary_service_s_object(cli: Cli, desk: Desk) -> None:
    event = past_venue_event(cli)

    result = cli("summary", event["short_code"], "--json")

    assert result.code == 0, result.err
    printed = json.loads(result.out)
    expected = desk.summaries.event_summary(event["short_code"]).to_dict()
    assert without_time(printed) == without_time(json.loads(json.dumps(expected)))
    assert printed["event"]["short_code"] == event["short_code"]
    assert printed["attendance"]["checked_in"]["text"]
    assert {m["method"] for m in printed["methods"]} == {"dots", "ranking", "points"}


def test_programme_summary_json_matches_too(cli: Cli, desk: Desk) -> None:
    result = cli("summary", "--programme", "--json")

    assert result.code == 0, result.err
    printed = json.loads(result.out)
    expected = json.loads(json.dumps(desk.summaries.programme_summary().to_dict()))
    assert without_time(printed) == without_time(expected)
    assert printed["totals"]["events"] == 5  # the demo's past events

    ranged = cli("summary", "--programme", "--from", "2000-01-01", "--to", "2000-12-31", "--json")
    assert ranged.code == 0, ranged.err
    assert json.loads(ranged.out)["events"] == []


def test_summary_as_text_has_no_names(cli: Cli, demo_dir: Path) -> None:
    event = past_venue_event(cli)

    result = cli("summary", event["short_code"])

    assert result.code == 0, result.err
    assert "Attendance" in result.out and "Checked in:" in result.out
    assert "Ranking (" in result.out
    with sqlite3.connect(demo_dir / "engagement-desk.sqlite3") as connection:
        names = [row[0] for row in connection.execute("SELECT full_name FROM person")]
    connection.close()
    assert names
    assert not [name for name in names if name in result.out]


def test_summary_mistakes_are_plain_errors(cli: Cli) -> None:
    unknown = cli("summary", "NOPE42")
    assert unknown.code == 1
    assert "No event has the id or short code 'NOPE42'" in unknown.err
    assert "Traceback" not in unknown.err
    neither = cli("summary")
    assert neither.code == 1 and "Say which event to summarise" in neither.err
    bad_date = cli("summary", "--programme", "--from", "31/03/2026")
    assert bad_date.code == 1 and "like 2026-03-31" in bad_date.err


# ---- votes import ------------------------------------------------------------------------------


def test_votes_import_happy_path(cli: Cli, demo_dir: Path, desk: Desk, tmp_path: Path) -> None:
    event = past_venue_event(cli)
    before = len(desk.voices.responses(event["short_code"]))
    path = write(
        tmp_path,
        "Form no,Method,Live learn and grow up locally,Priority 2,3,Priority 4,Priority 5,"
        "Comment,Themes\n"
        "101,ranking,2,,1,,3,,\n"
        '102,dots,1,,4,,,More help before crisis point,"Social, emotional and mental health"\n'
        "103,points,20,20,20,20,20,,\n",
    )

    result = cli("votes", "import", event["short_code"], str(path))

    assert result.code == 0, result.err
    assert "1 dot votes, 1 rankings, 1 100 points" in result.out
    assert "Columns ignored: 'Form no'." in result.out
    rows = desk.voices.responses(event["short_code"])
    assert len(rows) == before + 3
    assert {r.method for r in rows if r.source == "paper"} == {"dots", "ranking", "points"}
    assert any(c.text == "More help before crisis point" for c in desk.voices.comments(event["id"]))


def test_votes_import_lists_every_problem_and_writes_nothing(
    cli: Cli, demo_dir: Path, tmp_path: Path
) -> None:
    event = past_venue_event(cli)
    before = responses_in(demo_dir)
    path = write(
        tmp_path,
        "Method,Priority 3,Earlier help and prevention,Priority 1,Better buses\n"
        "ranking,1,2,,\n"  # the same priority ranked twice
        "points,50,,40,\n"  # 90 points
        "ranking,,,1,2\n",  # numbers under 'Better buses', not a priority
    )

    result = cli("votes", "import", event["short_code"], str(path))

    assert result.code == 1
    assert result.out == ""
    problems = [line for line in result.err.splitlines() if line.startswith("engagement-desk:")]
    assert (
        "engagement-desk: Column 'Better buses': this is not one of the programme's priorities"
        in problems[0]
    )
    assert problems[1] == (
        "engagement-desk: Row 2, column 'Earlier help and prevention': Earlier help and "
        "prevention is ranked twice (columns 'Priority 3' and 'Earlier help and prevention'); "
        "give it once."
    )
    assert problems[2] == (
        "engagement-desk: Row 3: The points add up to 90; they must add up to 100."
    )
    assert "nothing was imported from forms.csv" in problems[-1]
    assert "Traceback" not in result.err
    assert responses_in(demo_dir) == before


def test_an_unknown_priority_column_alone_is_refused(
    cli: Cli, demo_dir: Path, tmp_path: Path
) -> None:
    event = past_venue_event(cli)
    before = responses_in(demo_dir)
    path = write(tmp_path, "Priority 1,Priority 6\n1,2\n")

    result = cli("votes", "import", event["short_code"], str(path), "--method", "ranking")

    assert result.code == 1
    assert "Column 'Priority 6': this is not one of the programme's priorities" in result.err
    assert responses_in(demo_dir) == before


def test_a_dry_run_writes_nothing(cli: Cli, demo_dir: Path, tmp_path: Path) -> None:
    event = past_venue_event(cli)
    before = responses_in(demo_dir)
    path = write(tmp_path, "Priority 1,Priority 2,Priority 3\n3,2,\n,,5\n")

    result = cli(
        "votes", "import", event["short_code"], str(path), "--method", "dots", "--dry-run", "--json"
    )

    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["dry_run"] is True and report["imported"] is False
    assert report["responses"] == {"dots": 2, "ranking": 0, "points": 0}
    assert report["problems"] == []
    assert responses_in(demo_dir) == before


def test_a_file_that_is_not_a_spreadsheet_is_a_plain_error(
    cli: Cli, demo_dir: Path, tmp_path: Path
) -> None:
    event = past_venue_event(cli)
    path = tmp_path / "forms.pdf"
    path.write_bytes(b"%PDF-1.4 not really")

    result = cli("votes", "import", event["short_code"], str(path))

    assert result.code == 1
    assert "is a PDF" in result.err
    assert "Traceback" not in result.err


# ---- the same summaries on PostgreSQL ----------------------------------------------------


def _scrubbed(value: Any) -> Any:
    """Without the ids and codes that differ between two databases filled alike."""
    if isinstance(value, dict):
        return {
            k: _scrubbed(v)
            for k, v in value.items()
            if k not in ("id", "event_id", "priority_id", "short_code", "generated_at")
        }
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    return value


@pytest.mark.postgres
def test_summaries_on_postgres_match_sqlite(tmp_path: Path, postgres_url: str) -> None:
    clock = FakeClock(datetime(2026, 4, 15, 9, 0, tzinfo=UTC))
    on_sqlite = open_desk(AppPaths(tmp_path / "laptop").ensure(), clock=clock)
    on_server = open_desk(AppPaths(tmp_path / "office").ensure(), postgres_url, clock=clock)
    try:
        for desk in (on_sqlite, on_server):
            desk.demo.fill(people=60)
        held = {r.title: r.short_code for r in on_sqlite.events.list_events(When.PAST)}
        server = {r.title: r.short_code for r in on_server.events.list_events(When.PAST)}
        assert held.keys() == server.keys()
        for title, code in held.items():
            here = on_sqlite.summaries.event_summary(code).to_dict()
            there = on_server.summaries.event_summary(server[title]).to_dict()
            for part in ("attendance", "profile", "profile_total", "methods", "themes"):
                assert _scrubbed(there[part]) == _scrubbed(here[part]), (title, part)
            assert sorted(q["text"] for q in there["quotes"]) == sorted(
                q["text"] for q in here["quotes"]
            )
        programme_here = _scrubbed(on_sqlite.summaries.programme_summary().to_dict())
        programme_there = _scrubbed(on_server.summaries.programme_summary().to_dict())
        assert programme_there == programme_here
    finally:
        on_sqlite.close()
        on_server.close()
