"""A damaged database is refused untouched, with the way out; errors are sorted by cause.

The databases here are real: filled by the demo service, then damaged the way a disk
damages a file (4 KB of random bytes over a page, the header intact), or made to fail
for real (a query-only connection, a lock held by another connection, a page limit).
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.database import (
    Cause,
    Database,
    DatabaseDamaged,
    cause_of,
    explain_database_error,
)
from engagement_desk.db.models import Device
from engagement_desk.paths import AppPaths
from tests.conftest import FakeClock

PAGE = 4096


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def database_file(paths: AppPaths) -> Path:
    return paths.default_database_file


@pytest.fixture
def filled(paths: AppPaths, clock: FakeClock) -> Iterator[AppPaths]:
    """A data folder with a demo database (and one backup of it), closed."""
    desk = open_desk(paths, clock=clock)
    try:
        desk.demo.fill(people=150)
        desk.backups.backup()
    finally:
        desk.close()
    yield paths


def scribble(path: Path, offset: int, seed: int) -> None:
    """A bad sector: 4 KB of random bytes at ``offset``; the 100-byte header untouched."""
    assert offset >= 100
    with path.open("r+b") as file:
        file.seek(offset)
        file.write(random.Random(seed).randbytes(PAGE))


def offsets(path: Path) -> list[int]:
    pages = path.stat().st_size // PAGE
    return [PAGE, PAGE * (pages // 3), PAGE * (pages // 2) + 1000, PAGE * (pages - 1)]


@pytest.mark.parametrize("place", [0, 1, 2, 3], ids=["page-2", "a-third", "unaligned", "last"])
@pytest.mark.parametrize("read_only", [False, True], ids=["writing", "reading"])
def test_a_damaged_page_is_refused_untouched_with_the_backups_listed(
    filled: AppPaths, clock: FakeClock, place: int, read_only: bool
) -> None:
    path = database_file(filled)
    scribble(path, offsets(path)[place], seed=place)
    before, names = sha256(path), sorted(p.name for p in path.parent.iterdir())
    [backup] = list(filled.backups.iterdir())

    with pytest.raises(DatabaseDamaged) as refused:
        open_desk(filled, clock=clock, read_only=read_only)

    message = str(refused.value)
    assert "damaged" in message and "Nothing was changed" in message
    assert str(backup) in message and "(UK time)" in message
    assert "engagement-desk restore" in message
    assert sha256(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == names  # no -wal or -shm left


def test_backup_of_a_database_damaged_since_it_was_opened_is_refused(
    filled: AppPaths, clock: FakeClock, tmp_path: Path
) -> None:
    desk = open_desk(filled, clock=clock)
    try:
        desk.db.dispose()
        path = database_file(filled)
        scribble(path, offsets(path)[3], seed=7)
        before = sha256(path)
        backups_before = set(filled.backups.iterdir())

        with pytest.raises(DatabaseDamaged, match="no backup was made"):
            desk.backups.backup(tmp_path / "copy.sqlite3")

        assert not (tmp_path / "copy.sqlite3").exists()
        assert set(filled.backups.iterdir()) == backups_before
        assert sha256(path) == before
    finally:
        desk.close()


def test_a_file_that_is_not_sqlite_is_an_alarm_with_the_way_out(filled: AppPaths) -> None:
    path = database_file(filled)
    path.write_bytes(b"PK\x03\x04 a zip file copied over the database" * 100)
    for journal in ("-wal", "-shm"):
        path.with_name(path.name + journal).unlink(missing_ok=True)
    before = sha256(path)

    with pytest.raises(DatabaseDamaged, match="not an SQLite database file") as refused:
        Database.open(filled.database_url(), backups_dir=filled.backups)

    assert "engagement-desk restore" in str(refused.value)
    assert sha256(path) == before


# ---- reading writes nothing ----------------------------------------------------------


def test_reading_writes_nothing_and_this_laptop_is_noted_when_it_writes(
    filled: AppPaths, clock: FakeClock
) -> None:
    path = database_file(filled)
    before = sha256(path)
    for read_only in (True, False):
        desk = open_desk(filled, clock=clock, read_only=read_only)
        try:
            assert desk.events.list_events()
            desk.summaries.programme_summary(None, None)
        finally:
            desk.close()
        assert sha256(path) == before, f"read_only={read_only}"

    clock.advance(days=3)
    desk = open_desk(filled, clock=clock)
    try:
        event = desk.events.list_events()[0]
        desk.registrations.register(event.id, PersonDraft("Jo Bloggs", consent_store=True))
        with desk.db.session() as s:
            row = s.get(Device, desk.device.id)
            assert row is not None and row.name == desk.device.name
    finally:
        desk.close()
    assert sha256(path) != before


def test_a_read_only_desk_refuses_to_write_with_a_plain_reason(
    filled: AppPaths, clock: FakeClock
) -> None:
    desk = open_desk(filled, clock=clock, read_only=True)
    try:
        event = desk.events.list_events()[0]
        with pytest.raises(OperationalError) as refused:
            desk.registrations.register(event.id, PersonDraft("Jo Bloggs", consent_store=True))
        assert cause_of(refused.value) is Cause.READ_ONLY
        assert "This database is read-only" in desk.db.explain(refused.value)
    finally:
        desk.close()


# ---- errors sorted by their real cause -------------------------------------------------


def _explained(error: BaseException, path: Path) -> str:
    return explain_database_error(error, location=str(path), backups_dir=path.parent)


def test_a_lock_held_by_another_program_is_busy_not_read_only(desk: Desk) -> None:
    path = desk.db.sqlite_path
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    impatient = sqlite3.connect(path, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as caught:
            impatient.execute("INSERT INTO setting (key, value) VALUES ('a', 'b')")
    finally:
        other.execute("ROLLBACK")
        other.close()
        impatient.close()
    assert cause_of(caught.value) is Cause.LOCKED
    assert "busy" in _explained(caught.value, path)


def test_a_full_disk_is_reported_as_full(tmp_path: Path) -> None:
    path = tmp_path / "small.sqlite3"
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE TABLE note (body TEXT)")
        connection.execute("PRAGMA max_page_count = 3")  # SQLite's own "disk is full"
        with pytest.raises(sqlite3.OperationalError) as caught:
            connection.execute("INSERT INTO note VALUES (?)", ("x" * 50_000,))
    finally:
        connection.close()
    assert cause_of(caught.value) is Cause.FULL
    message = _explained(caught.value, path)
    assert "full" in message and "busy" not in message


def test_a_missing_column_is_a_schema_mismatch_not_busy(desk: Desk) -> None:
    with desk.db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE event DROP COLUMN capacity"))
    with pytest.raises(OperationalError) as caught:
        desk.events.list_events()
    assert cause_of(caught.value) is Cause.SCHEMA
    message = desk.db.explain(caught.value)
    assert "does not have the tables this version" in message
    assert "busy" not in message and "capacity" in message


def test_a_page_damaged_after_the_check_is_reported_as_damaged(
    filled: AppPaths, clock: FakeClock
) -> None:
    path = database_file(filled)
    with sqlite3.connect(path) as raw:
        tables = [name for (name,) in raw.execute("SELECT name FROM sqlite_master")]
    raw.close()
    desk = open_desk(filled, clock=clock, read_only=True)
    try:
        desk.db.dispose()
        for place in range(4):
            scribble(path, offsets(path)[place], seed=place)
        raw = sqlite3.connect(path)
        try:
            with pytest.raises(sqlite3.DatabaseError) as caught:
                for table in tables:
                    raw.execute(f'SELECT * FROM "{table}"').fetchall()
        finally:
            raw.close()
        assert cause_of(caught.value) is Cause.DAMAGED
        message = desk.db.explain(caught.value, writing=False)
        assert "damaged" in message and "engagement-desk restore" in message
    finally:
        desk.close()


@pytest.mark.parametrize(
    ("sqlstate", "cause"),
    [
        ("25006", Cause.READ_ONLY),
        ("55P03", Cause.LOCKED),
        ("53100", Cause.FULL),
        ("42703", Cause.SCHEMA),
        ("22001", Cause.TOO_LONG),
        ("08006", Cause.UNREACHABLE),
    ],
)
def test_postgresql_errors_are_sorted_by_their_sqlstate(sqlstate: str, cause: Cause) -> None:
    class ServerError(Exception):
        def __init__(self) -> None:
            super().__init__("server said no")
            self.sqlstate = sqlstate

    assert cause_of(ServerError()) is cause
