"""`webinar ...` and `kiosk set-pin` through the real command line, as staff would script them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import Cli, CliResult

DATA = Path(__file__).resolve().parent.parent / "data" / "attendance"


def assert_user_error(result: CliResult, message: str) -> None:
    """Exit 1, the message on stderr, nothing on stdout and no traceback."""
    assert result.code == 1, (result.out, result.err)
    assert message in result.err
    assert result.err.startswith("engagement-desk: ")
    assert "Traceback" not in result.err
    assert result.out == ""


def run_with_stdin(data_dir: Path, stdin: str, *args: str) -> CliResult:
    """The command with text piped to its standard input (as `... < pin.txt` would)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ENGAGEMENT_DESK_") and key != "PYTHONWARNINGS"
    }
    environment.update(
        QT_QPA_PLATFORM="offscreen", PYTHONWARNINGS="error", PYTHONIOENCODING="utf-8"
    )
    completed = subprocess.run(
        [sys.executable, "-m", "engagement_desk", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=120,
        check=False,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def webinar(cli: Cli) -> str:
    """The March webinar the sample attendance files come from, with Sarah registered."""
    added = cli(
        "events",
        "add",
        "--title",
        "SEND webinar Q&A, March",
        "--kind",
        "webinar",
        "--start",
        "2026-03-04T19:00",
        "--end",
        "2026-03-04T20:00",
        "--link",
        "https://zoom.example.org/j/81234567890",
        "--json",
    )
    assert added.code == 0, added.err
    code = str(json.loads(added.out)["short_code"])
    booked = cli("register", code, "--name", "Sarah Jones", "--email", "sarah.jones@example.org")
    assert booked.code == 0, booked.err
    return code


def counts(cli: Cli, code: str) -> tuple[int, int, int]:
    listed = cli("events", "list", "--json")
    assert listed.code == 0, listed.err
    event = next(e for e in json.loads(listed.out) if e["short_code"] == code)
    return event["registered"], event["checked_in"], event["walk_ins"]


def test_questions_asked_upvoted_answered_and_listed(cli: Cli, webinar: str) -> None:
    asked = cli(
        "webinar",
        "ask",
        webinar,
        "How long should an EHCP assessment take?",
        "--theme",
        "ehcp assessment process",
        "--json",
    )
    assert asked.code == 0, asked.err
    first = json.loads(asked.out)
    assert first["theme"] == "EHCP assessment process"
    assert first["anonymous"] is True

    second = cli("webinar", "ask", webinar, "Will there be more speech therapists?")
    assert second.code == 0, second.err
    assert second.out.startswith("Question logged.")
    second_id = second.out.rsplit("id: ", 1)[1].strip()

    upvoted = cli("webinar", "upvote", second_id)
    assert upvoted.code == 0, upvoted.err
    assert "Upvoted: 1 upvote now." in upvoted.out

    refused = cli("webinar", "answer", second_id, "--status", "answered later")
    assert_user_error(refused, "needs its answer")

    answered = cli(
        "webinar",
        "answer",
        second_id,
        "--status",
        "answered-later",
        "--answer",
        "Four more from September.",
        "--json",
    )
    assert answered.code == 0, answered.err
    assert json.loads(answered.out)["status"] == "answered later"

    listed = cli("webinar", "questions", webinar, "--json")
    assert listed.code == 0, listed.err
    questions = json.loads(listed.out)
    assert [q["id"] for q in questions] == [second_id, first["id"]]  # most upvoted first
    assert set(questions[0]) == {
        "id",
        "text",
        "theme",
        "upvotes",
        "status",
        "answer",
        "asked_at",
        "anonymous",
    }
    assert questions[0]["answer"] == "Four more from September."

    table = cli("webinar", "questions", webinar)
    assert table.code == 0
    assert table.out.startswith("2 questions, most upvoted first:")
    assert "Answer: Four more from September." in table.out


def test_bad_questions_are_plain_errors_with_nothing_written(cli: Cli, webinar: str) -> None:
    assert_user_error(cli("webinar", "ask", webinar, "   "), "empty question")
    assert_user_error(
        cli("webinar", "ask", webinar, "Respite?", "--theme", "Respite"),
        "no theme called 'Respite'",
    )
    assert_user_error(cli("webinar", "ask", "NOPE99", "Hello?"), "No event has the id")
    assert_user_error(
        cli("webinar", "answer", "no-such-id", "--status", "open"), "No question has the id"
    )
    asked = cli("webinar", "ask", webinar, "A real question", "--json")
    question_id = json.loads(asked.out)["id"]
    assert_user_error(
        cli("webinar", "answer", question_id, "--status", "done"), "is not a question status"
    )

    listed = cli("webinar", "questions", webinar, "--json")
    assert [q["text"] for q in json.loads(listed.out)] == ["A real question"]


def test_attendance_dry_run_then_import_then_again(cli: Cli, webinar: str) -> None:
    assert counts(cli, webinar) == (1, 0, 0)

    dry = cli("webinar", "attendance", webinar, DATA / "zoom_participants.csv", "--dry-run")
    assert dry.code == 0, dry.err
    assert dry.out.startswith("Dry run: 'zoom_participants.csv'")
    assert "Registered people to check in: 1." in dry.out
    assert counts(cli, webinar) == (1, 0, 0)

    imported = cli("webinar", "attendance", webinar, DATA / "zoom_participants.csv", "--json")
    assert imported.code == 0, imported.err
    report = json.loads(imported.out)
    assert report["imported"] is True
    assert (report["matched"], report["anonymous_added"], report["duplicates_merged"]) == (1, 5, 2)
    assert report["ignored"] == ["Row 5: the meeting's host, not an attendee."]
    # Sarah checked in; five unregistered attendees counted as walk-ins, without their names.
    assert counts(cli, webinar) == (6, 6, 5)
    people = cli("people", "list", webinar, "--json")
    assert people.code == 0, people.err
    assert "Priya" not in people.out and "dad.bus" not in people.out

    again = cli("webinar", "attendance", webinar, DATA / "zoom_participants.csv", "--json")
    assert again.code == 0, again.err
    repeat = json.loads(again.out)
    assert (repeat["matched"], repeat["already_checked_in"]) == (0, 1)
    assert (repeat["anonymous_added"], repeat["anonymous_already"]) == (0, 5)
    assert counts(cli, webinar) == (6, 6, 5)


def test_a_teams_report_in_utf16(cli: Cli, webinar: str) -> None:
    result = cli("webinar", "attendance", webinar, DATA / "teams_attendance.csv")

    assert result.code == 0, result.err
    assert "Registered people checked in: 1." in result.out
    assert "Anonymous walk-ins added: 2" in result.out
    assert "Row 11: the organizer, not an attendee." in result.out
    assert counts(cli, webinar) == (3, 3, 2)


def test_a_broken_attendance_file_lists_every_problem_and_imports_nothing(
    cli: Cli, webinar: str
) -> None:
    result = cli("webinar", "attendance", webinar, DATA / "broken_times.csv")

    assert result.code == 1
    assert result.out == ""
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert lines[0] == (
        "engagement-desk: Row 3, column 'Join time': 'yesterday evening' is not a date and "
        "time (like 04/03/2026 19:02 or 2026-03-04 19:02:11)."
    )
    assert len(lines) == 6
    assert lines[-1] == (
        "engagement-desk: nothing was imported from broken_times.csv; fix these problems and "
        "try again."
    )
    assert counts(cli, webinar) == (1, 0, 0)

    as_json = cli("webinar", "attendance", webinar, DATA / "no_name_or_email.csv", "--json")
    assert as_json.code == 1
    assert json.loads(as_json.out)["imported"] is False
    assert "no column of names or email addresses" in as_json.err


def test_an_unreadable_attendance_file(cli: Cli, webinar: str, tmp_path: Path) -> None:
    assert_user_error(
        cli("webinar", "attendance", webinar, tmp_path / "missing.csv"), "There is no file"
    )
    pdf = tmp_path / "attendance.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    assert_user_error(cli("webinar", "attendance", webinar, pdf), "a PDF")


def test_kiosk_pin_from_standard_input(cli: Cli, data_dir: Path) -> None:
    first = run_with_stdin(data_dir, "482913\n", "kiosk", "set-pin")
    assert first.code == 0, first.err
    assert first.out.strip() == "Kiosk PIN set."

    without_current = run_with_stdin(data_dir, "135790\n", "kiosk", "set-pin")
    assert_user_error(without_current, "add --current")

    wrong = run_with_stdin(data_dir, "135790\n000000\n", "kiosk", "set-pin", "--current")
    assert_user_error(wrong, "current kiosk PIN is not right")

    changed = run_with_stdin(data_dir, "135790\n482913\n", "kiosk", "set-pin", "--current")
    assert changed.code == 0, changed.err
    assert changed.out.strip() == "Kiosk PIN changed."

    too_short = run_with_stdin(data_dir, "12\n135790\n", "kiosk", "set-pin", "--current")
    assert_user_error(too_short, "4 to 8 digits")
    assert_user_error(run_with_stdin(data_dir, "", "kiosk", "set-pin"), "standard input")

    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert files
    for path in files:
        content = path.read_bytes()
        assert b"482913" not in content and b"135790" not in content, path


def test_the_pin_is_never_an_argument(cli: Cli) -> None:
    result = cli("kiosk", "set-pin", "1234")

    assert result.code == 2  # argparse: unrecognised argument
    assert "unrecognized arguments: 1234" in result.err
