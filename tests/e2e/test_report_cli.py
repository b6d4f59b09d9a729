"""`report event|programme` and `actions` run as real processes on the demo data."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from pathlib import Path

from pypdf import PdfReader

from tests.e2e.conftest import Cli


def _text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(path).pages).split())


def _sizes(path: Path) -> set[float]:
    sizes: set[float] = set()
    for page in PdfReader(path).pages:
        content = page.get_contents()
        assert content is not None
        stream = content.get_data().decode("latin-1")
        sizes |= {float(s) for s in re.findall(r"/[^\s/]+ ([\d.]+) Tf", stream)}
    return sizes


def _people(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "engagement-desk.sqlite3") as connection:
        rows = connection.execute("SELECT full_name, email FROM person").fetchall()
    connection.close()
    return [value for row in rows for value in row if value]


def _past_venue_event(cli: Cli) -> dict[str, object]:
    result = cli("events", "list", "--when", "past", "--json")
    assert result.code == 0, result.err
    return next(e for e in json.loads(result.out) if e["kind"] == "venue" and e["checked_in"])


def test_event_report_pdf_and_html(cli: Cli, demo_dir: Path, tmp_path: Path) -> None:
    event = _past_venue_event(cli)
    pdf, html = tmp_path / "event.pdf", tmp_path / "event.html"
    result = cli("report", "event", str(event["short_code"]), "-o", pdf, "--html", html)
    assert result.code == 0, result.err
    assert str(pdf) in result.out and str(html) in result.out

    summary = json.loads(cli("summary", str(event["short_code"]), "--json").out)
    text = _text(pdf)
    attendance = summary["attendance"]
    assert f"Registered {attendance['registered']['text']}" in text
    assert f"Checked in {attendance['checked_in']['text']}" in text
    assert str(event["title"]) in text
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'lang="en-GB"' in page
    for value in _people(demo_dir):
        assert value not in text and value not in page
    assert min(_sizes(pdf)) >= 11
    assert not list(tmp_path.glob(".*.partial"))


def test_large_print_programme_report_with_a_date_range(
    cli: Cli, demo_dir: Path, tmp_path: Path
) -> None:
    pdf, html = tmp_path / "programme.pdf", tmp_path / "programme.html"
    result = cli(
        "report", "programme", "-o", pdf, "--large-print", "--html", html,
        "--from", "2000-01-01", "--to", "2100-12-31",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "Wrote the programme summary" in result.out
    assert min(_sizes(pdf)) >= 16
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert reader.metadata is not None
    assert reader.metadata.title == "Programme summary: Bury SEND Transformation Programme"
    text = _text(pdf)
    assert "Priorities over time" in text and "You said, we did" in text
    for value in _people(demo_dir):
        assert value not in text
    assert "<main" in html.read_text(encoding="utf-8")


def test_plain_errors_and_nothing_written(cli: Cli, demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "never.pdf"
    unknown = cli("report", "event", "NOSUCH", "-o", target)
    assert unknown.code == 1
    assert "No event has the id or short code 'NOSUCH'" in unknown.err
    assert "Traceback" not in unknown.err

    missing = cli("report", "programme", "-o", out / "no" / "folder" / "x.pdf")
    assert missing.code == 1 and "does not exist" in missing.err

    bad_date = cli("report", "programme", "-o", target, "--from", "31/03/2026")
    assert bad_date.code == 1 and "Give --from as a date like 2026-03-31" in bad_date.err

    backwards = cli(
        "report", "programme", "-o", target, "--from", "2026-03-31", "--to", "2026-03-01"
    )
    assert backwards.code == 1 and "swap the dates" in backwards.err

    nowhere = cli("report", "programme")
    assert nowhere.code == 1 and "Say where to write the report" in nowhere.err
    assert list(out.iterdir()) == []


def test_actions_list_add_update_delete(cli: Cli, demo_dir: Path) -> None:
    listed = cli("actions", "list", "--json")
    assert listed.code == 0, listed.err
    assert len(json.loads(listed.out)) == 5  # the demo's

    added = cli(
        "actions", "add", "--you-said", "Clearer letters, please.", "--we-did", "Letters rewritten",
        "--owner", "Comms team", "--status", "in progress", "--due", "2026-09-01",
        "--theme", "Communication from the council", "--priority", "2", "--json",
    )  # fmt: skip
    assert added.code == 0, added.err
    row = json.loads(added.out)
    assert (row["status"], row["due"], row["theme"], row["priority"]) == (
        "in progress",
        "2026-09-01",
        "Communication from the council",
        "Families' voices shape services",
    )
    updated = cli("actions", "update", row["id"], "--status", "done", "--due", "none", "--json")
    assert updated.code == 0, updated.err
    assert (json.loads(updated.out)["status"], json.loads(updated.out)["due"]) == ("done", None)

    refused = cli("actions", "add", "--you-said", "x", "--theme", "Transport")
    assert refused.code == 1 and "not one of the programme's themes" in refused.err
    bad_priority = cli("actions", "add", "--you-said", "x", "--priority", "9")
    assert bad_priority.code == 1 and "not one of the programme's priorities" in bad_priority.err

    assert cli("actions", "delete", row["id"]).code == 0
    gone = cli("actions", "update", row["id"], "--status", "done")
    assert gone.code == 1 and "No action has the id" in gone.err
    assert len(json.loads(cli("actions", "list", "--json").out)) == 5
