"""Errors the command line can meet mid-command become plain messages, not tracebacks."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path


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
