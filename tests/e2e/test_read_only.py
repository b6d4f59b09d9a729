"""A read-only database file or folder can still be listed and reported; writing says why.

Making something truly read-only: a normal account loses write permission with chmod.
Root ignores permissions, so as root the file or folder is made immutable (chattr +i),
which stops root too; where the filesystem cannot do that the test is skipped, saying so.
Each test first proves the thing really cannot be written.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.conftest import Cli


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        if chattr is None:
            pytest.skip("running as root without chattr: nothing here can stop root writing")
        made = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"this filesystem cannot make {path} immutable: {made.stderr.strip()}")
        try:
            yield
        finally:
            subprocess.run([chattr, "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)


def _cannot_write(path: Path) -> None:
    """Prove the protection is real before trusting the test."""
    target = path if path.is_file() else path / "probe.txt"
    with pytest.raises(OSError), target.open("ab") as file:
        file.write(b"x")


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_database_is_listed_and_reported_but_not_written(
    cli: Cli, demo_dir: Path, tmp_path: Path, what: str
) -> None:
    database = demo_dir / "engagement-desk.sqlite3"
    listed = cli("events", "list", "--json")
    assert listed.code == 0, listed.err
    code = listed.out.split('"short_code": "')[1].split('"')[0]
    before = _sha256(database)
    names = sorted(p.name for p in demo_dir.iterdir())
    protected = database if what == "file" else demo_dir

    with read_only(protected):
        _cannot_write(protected)
        events = cli("events", "list")
        people = cli("people", "list", code)
        summary = cli("summary", code)
        report = cli("report", "event", code, "-o", tmp_path / "event.pdf")
        programme = cli("summary", "--programme", "--json")
        register = cli("register", code, "--name", "Jo Bloggs")
        add = cli(
            *("events", "add", "--title", "Later", "--kind", "webinar"),
            *("--start", "2026-06-01T19:00", "--end", "2026-06-01T20:00"),
        )
        after = _sha256(database)

    for result in (events, people, summary, report, programme):
        assert result.code == 0, result.err
        assert "Traceback" not in result.err
    assert code in events.out
    assert "registrations" in people.out
    assert (tmp_path / "event.pdf").read_bytes().startswith(b"%PDF")
    for result in (register, add):
        assert result.code == 1, result.out
        assert "This database is read-only" in result.err
        assert "Traceback" not in result.err and "busy" not in result.err
    assert after == before
    if what == "folder":
        assert sorted(p.name for p in demo_dir.iterdir()) == names
    assert "Jo Bloggs" not in cli("people", "list", code).out
