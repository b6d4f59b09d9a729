"""Errors the command line can meet mid-command become plain messages, not tracebacks."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import Cli, CliResult, run_cli


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engagement_desk", "--data-dir", str(home), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_locked_database_is_a_plain_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run("events", "list", home=home).returncode == 0
    database = home / "engagement-desk.sqlite3"
    blocker = sqlite3.connect(database, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        result = run(
            "events",
            "add",
            "--title",
            "Locked out",
            "--kind",
            "webinar",
            "--start",
            "2026-06-01T19:00",
            "--end",
            "2026-06-01T20:00",
            home=home,
        )
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.returncode == 1
    assert "busy" in result.stderr
    assert "Traceback" not in result.stderr
    listed = run("events", "list", "--json", home=home)
    assert "Locked out" not in listed.stdout


# ---- a damaged database: every command refuses, the file untouched -------------------

PAGE = 4096


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _short_code(cli: Cli) -> str:
    listed = cli("events", "list", "--json")
    assert listed.code == 0, listed.err
    code: str = json.loads(listed.out)[0]["short_code"]
    return code


@pytest.mark.parametrize("place", ["second-page", "middle", "last-page"])
def test_every_command_refuses_a_damaged_database_and_leaves_it_untouched(
    cli: Cli, demo_dir: Path, tmp_path: Path, place: str
) -> None:
    code = _short_code(cli)
    assert cli("backup").code == 0
    database = demo_dir / "engagement-desk.sqlite3"
    pages = database.stat().st_size // PAGE
    offset = {"second-page": PAGE, "middle": PAGE * (pages // 2), "last-page": PAGE * (pages - 1)}
    with database.open("r+b") as file:  # a bad sector: the header intact
        file.seek(offset[place])
        file.write(random.Random(place).randbytes(PAGE))
    before = _sha256(database)
    backups = sorted((demo_dir / "backups").iterdir())

    commands = [
        ("events", "list"),
        ("people", "list"),
        ("register", code, "--name", "Jo Bloggs"),
        ("checkin", code, "NOT-A-REAL-CODE"),
        ("summary", code),
        ("backup",),
        ("backup", "-o", tmp_path / "copy.sqlite3"),
        ("report", "programme", "-o", tmp_path / "programme.pdf"),
    ]
    for command in commands:
        result = cli(*command)
        assert result.code == 1, (command, result.out, result.err)
        assert "Traceback" not in result.err, command
        assert result.err.startswith("engagement-desk: "), command
        assert "damaged" in result.err and "Nothing was changed" in result.err, command
        assert str(backups[0]) in result.err, command
        assert _sha256(database) == before, command
    assert sorted((demo_dir / "backups").iterdir()) == backups
    assert not (tmp_path / "copy.sqlite3").exists()
    assert not (tmp_path / "programme.pdf").exists()


def test_an_empty_database_file_is_an_alarm_not_a_fresh_start(cli: Cli, data_dir: Path) -> None:
    assert cli("events", "list").code == 0
    database = data_dir / "engagement-desk.sqlite3"
    database.write_bytes(b"")

    for command in (("events", "list"), ("register", "ABC123", "--name", "Jo")):
        result = cli(*command)
        assert result.code == 1, result.out
        assert "empty (0 bytes)" in result.err and "Traceback" not in result.err
    assert database.read_bytes() == b""


def test_a_missing_column_is_reported_as_a_schema_mismatch(cli: Cli, data_dir: Path) -> None:
    assert cli("events", "list").code == 0
    with sqlite3.connect(data_dir / "engagement-desk.sqlite3") as connection:
        connection.execute("ALTER TABLE event DROP COLUMN capacity")
    connection.close()

    result = cli("events", "list")

    assert result.code == 1
    assert "does not have the tables this version" in result.err
    assert "busy" not in result.err and "Traceback" not in result.err


# ---- silly values -------------------------------------------------------------------

ADD_WEBINAR = ("events", "add", "--title", "Webinar", "--kind", "webinar")


def _refused(result: CliResult, *words: str) -> None:
    assert result.code == 1, (result.out, result.err)
    assert result.out == ""
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err, result.err


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--capacity", "99999999999999999999"), ("Capacity must be a whole number",)),
        (("--capacity", "0"), ("Capacity must be a whole number",)),
        (("--capacity", "-5"), ("Capacity must be a whole number",)),
    ],
    ids=["huge", "zero", "negative"],
)
def test_silly_capacities_are_refused_plainly(
    cli: Cli, extra: tuple[str, ...], words: tuple[str, ...]
) -> None:
    result = cli(*ADD_WEBINAR, "--start", "2026-06-01T19:00", "--end", "2026-06-01T20:00", *extra)
    _refused(result, *words)
    assert "Webinar" not in cli("events", "list").out


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("2026-03-29T01:30", "2026-03-29T03:00", ("does not exist in the UK", "clocks go forward")),
        ("2026-10-25T01:30", "2026-10-25T03:00", ("happens twice in the UK", "+01:00")),
        ("2026-10-25T00:30", "2026-10-25T01:15", ("--end", "happens twice")),
        ("9999-12-31T10:00", "9999-12-31T11:00", ("between 1 Jan 2000 and 31 Dec 2100",)),
        ("1066-10-14T10:00", "1066-10-14T11:00", ("between 1 Jan 2000",)),
    ],
    ids=["spring-gap", "autumn-twice", "end-twice", "year-9999", "year-1066"],
)
def test_times_that_cannot_be_meant_are_refused(
    cli: Cli, start: str, end: str, words: tuple[str, ...]
) -> None:
    _refused(cli(*ADD_WEBINAR, "--start", start, "--end", end), *words)
    assert "Webinar" not in cli("events", "list").out


def test_an_ambiguous_time_with_its_offset_is_taken(cli: Cli) -> None:
    added = cli(*ADD_WEBINAR, "--start", "2026-10-25T01:30+00:00", "--end", "2026-10-25T03:00")
    assert added.code == 0, added.err
    [event] = json.loads(cli("events", "list", "--json").out)
    assert event["start"].startswith("2026-10-25T01:30:00+00:00")


def test_report_dates_out_of_range_are_refused(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        *("report", "programme", "--from", "1900-01-01", "--to", "9999-12-31"),
        *("-o", tmp_path / "report.pdf"),
    )
    _refused(result, "--from must be between")
    assert not (tmp_path / "report.pdf").exists()


def test_a_venue_name_longer_than_the_database_holds_is_refused(cli: Cli) -> None:
    result = cli(
        *("events", "add", "--title", "Drop-in", "--kind", "drop-in", "--venue", "V" * 300),
        *("--start", "2026-06-01T10:00", "--end", "2026-06-01T12:00"),
    )
    _refused(result, "venue's name to 200 characters")


def test_a_data_folder_that_is_a_file_is_a_plain_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("shopping list\n", encoding="utf-8")

    result = run_cli("events", "list", data_dir=not_a_folder)

    _refused(result, "is a file, not a folder")
    assert not_a_folder.read_text(encoding="utf-8") == "shopping list\n"


def test_control_characters_never_reach_the_database_or_the_terminal(
    cli: Cli, data_dir: Path
) -> None:
    added = cli(
        *ADD_WEBINAR[:3],
        "Bell\x07 and \x1b[2Jclear\x1b]0;retitled\x07",
        *ADD_WEBINAR[4:],
        *("--start", "2026-06-01T19:00", "--end", "2026-06-01T20:00"),
    )
    assert added.code == 0, added.err
    code = _short_code(cli)
    assert cli("register", code, "--name", "Jo\x1b[31m Bloggs\x08").code == 0
    # Text that arrived another way (an old database, another program) is shown escaped.
    with sqlite3.connect(data_dir / "engagement-desk.sqlite3") as connection:
        connection.execute("UPDATE person SET full_name = full_name || ?", ("\x1b[5m!",))
    connection.close()

    listed, people = cli("events", "list"), cli("people", "list")

    for result in (added, listed, people):
        assert "\x1b" not in result.out and "\x07" not in result.out and "\x08" not in result.out
    assert "Bell and [2Jclear]0;retitled" in listed.out
    assert "Jo[31m Bloggs\\x1b[5m!" in people.out


def test_the_command_line_writes_its_log(cli: Cli, data_dir: Path) -> None:
    assert cli("events", "list").code == 0
    assert cli("register", "NOPE42", "--name", "Jo Bloggs").code == 1

    log = (data_dir / "logs" / "engagement-desk.log").read_text(encoding="utf-8")
    assert "command events list started" in log
    assert "command register refused" in log
    assert "Jo Bloggs" not in log  # arguments (names) are not logged
