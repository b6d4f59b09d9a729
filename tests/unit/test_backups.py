"""Backups and restores: a round trip; every kind of unusable file refused, nothing changed."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from engagement_desk.bootstrap import Desk
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.database import MIGRATIONS, Database, DatabaseDamaged
from engagement_desk.db.models import Person
from engagement_desk.services.backups import BackupService
from engagement_desk.services.errors import UserError
from tests.unit.conftest import venue_event


def people_named(desk: Desk) -> set[str]:
    with desk.db.session() as s:
        return {p.full_name for p in s.query(Person)}


def live_bytes(desk: Desk) -> bytes:
    path = desk.db.sqlite_path
    assert path is not None
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def register(desk: Desk, event_id: str, name: str) -> None:
    desk.registrations.register(event_id, PersonDraft(name, consent_store=True))


def test_backup_then_restore_brings_back_what_was_there(desk: Desk, tmp_path: Path) -> None:
    event = desk.events.create(venue_event())
    register(desk, event.id, "Jo Bloggs")
    copy = desk.backups.backup(tmp_path / "before.sqlite3")
    register(desk, event.id, "Sam Lee")
    assert people_named(desk) == {"Jo Bloggs", "Sam Lee"}

    result = desk.backups.restore(copy.path)

    assert people_named(desk) == {"Jo Bloggs"}
    assert result.previous_backup is not None and result.previous_backup.exists()
    assert result.schema_revision is not None
    # The copy taken just before the restore still holds what was replaced.
    with sqlite3.connect(result.previous_backup) as old:
        names = {name for (name,) in old.execute("SELECT full_name FROM person")}
    old.close()
    assert names == {"Jo Bloggs", "Sam Lee"}


def test_backup_by_default_goes_into_the_backups_folder(desk: Desk) -> None:
    result = desk.backups.backup()

    assert result.path.parent == desk.paths.backups
    assert result.path.name.endswith("-manual.sqlite3")
    with sqlite3.connect(result.path) as copy:
        assert copy.execute("PRAGMA quick_check").fetchone() == ("ok",)
    copy.close()


def test_backup_refuses_to_write_over_the_database_itself(desk: Desk) -> None:
    assert desk.db.sqlite_path is not None
    with pytest.raises(UserError, match="the database itself"):
        desk.backups.backup(desk.db.sqlite_path)


def _text_file(folder: Path) -> Path:
    path = folder / "notes.sqlite3"
    path.write_text("these are not the droids\n", encoding="utf-8")
    return path


def _foreign_sqlite(folder: Path) -> Path:
    path = folder / "other-app.sqlite3"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    other.close()
    return path


def _newer(desk: Desk, folder: Path) -> Path:
    path = desk.backups.backup(folder / "newer.sqlite3").path
    with sqlite3.connect(path) as newer:
        newer.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    newer.close()
    return path


def _damaged(desk: Desk, folder: Path) -> Path:
    path = desk.backups.backup(folder / "damaged.sqlite3").path
    data = bytearray(path.read_bytes())
    # Keep the header, scribble over the schema and the first pages.
    data[100:6000] = b"\xff" * (6000 - 100)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda desk, folder: _text_file(folder), "not an SQLite database file"),
        (lambda desk, folder: _foreign_sqlite(folder), "not an Engagement Desk database"),
        (_newer, "newer version of Engagement Desk"),
        (_damaged, "damaged"),
        (lambda desk, folder: folder / "missing.sqlite3", "There is no file"),
    ],
    ids=["text", "foreign", "newer", "damaged", "missing"],
)
def test_restore_refuses_unusable_files_and_changes_nothing(
    desk: Desk, tmp_path: Path, make: object, message: str
) -> None:
    event = desk.events.create(venue_event())
    register(desk, event.id, "Jo Bloggs")
    assert callable(make)
    bad = make(desk, tmp_path)
    before = live_bytes(desk)
    backups_before = set(desk.paths.backups.iterdir())
    bad_before = bad.read_bytes() if bad.exists() else None

    with pytest.raises(UserError, match=message) as refused:
        desk.backups.restore(bad)

    assert "Nothing was changed" in str(refused.value)
    assert live_bytes(desk) == before
    assert set(desk.paths.backups.iterdir()) == backups_before
    assert (bad.read_bytes() if bad.exists() else None) == bad_before
    assert people_named(desk) == {"Jo Bloggs"}
    assert not list(desk.paths.home.glob(".*restoring*"))


def test_postgresql_is_pointed_at_its_own_tools(tmp_path: Path) -> None:
    server = Database("postgresql+psycopg://desk@127.0.0.1:1/engagement")  # never connected
    try:
        with pytest.raises(UserError, match="pg_dump"):
            BackupService(server).backup()
        with pytest.raises(UserError, match="pg_restore"):
            BackupService(server).restore(tmp_path / "backup.sqlite3")
    finally:
        server.dispose()


def test_restore_refuses_while_another_program_has_the_database_open(
    desk: Desk, tmp_path: Path
) -> None:
    event = desk.events.create(venue_event())
    register(desk, event.id, "Jo Bloggs")
    saved = desk.backups.backup(tmp_path / "saved.sqlite3").path
    register(desk, event.id, "Sam Lee")
    assert desk.db.sqlite_path is not None
    other = sqlite3.connect(desk.db.sqlite_path)
    try:
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM person").fetchone()
        with pytest.raises(UserError, match="in use by another program"):
            desk.backups.restore(saved)
    finally:
        other.close()

    assert people_named(desk) == {"Jo Bloggs", "Sam Lee"}


def _first_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    base = ScriptDirectory.from_config(config).get_base()
    assert base is not None
    return base


def test_a_backup_that_cannot_be_migrated_leaves_the_live_database_byte_identical(
    desk: Desk, tmp_path: Path
) -> None:
    # The stamp says the first schema, but the tables are today's: migrating it fails.
    event = desk.events.create(venue_event())
    register(desk, event.id, "Jo Bloggs")
    stale = desk.backups.backup(tmp_path / "stale-stamp.sqlite3").path
    with sqlite3.connect(stale) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (_first_revision(),))
    connection.close()
    register(desk, event.id, "Sam Lee")
    desk.db.dispose()
    before = live_bytes(desk)
    backups_before = set(desk.paths.backups.iterdir())

    with pytest.raises(UserError, match="could not be brought up to date") as refused:
        desk.backups.restore(stale)

    assert "Nothing was changed" in str(refused.value)
    assert live_bytes(desk) == before
    assert set(desk.paths.backups.iterdir()) == backups_before
    assert not list(desk.paths.home.glob(".*restoring*"))
    assert people_named(desk) == {"Jo Bloggs", "Sam Lee"}


def test_an_older_backup_is_migrated_before_it_replaces_the_live_database(
    desk: Desk, tmp_path: Path
) -> None:
    from alembic import command
    from alembic.config import Config

    old = tmp_path / "old.sqlite3"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    first = Database(f"sqlite:///{old.as_posix()}")
    with first.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, _first_revision())
    first.dispose()

    result = desk.backups.restore(old)

    assert result.schema_revision == desk.db.schema_revision()
    assert desk.db.integrity_problem() is None
    live = desk.db.sqlite_path
    assert live is not None
    with sqlite3.connect(live) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] in ("delete", "wal")
    connection.close()


def _scribble(path: Path, page: int) -> None:
    with path.open("r+b") as file:
        file.seek((page - 1) * 4096)
        file.write(random.Random(page).randbytes(4096))


def test_backup_refuses_a_database_damaged_while_open(desk: Desk, tmp_path: Path) -> None:
    event = desk.events.create(venue_event())
    for number in range(200):
        register(desk, event.id, f"Person {number}")
    live = desk.db.sqlite_path
    assert live is not None
    desk.db.dispose()
    pages = live.stat().st_size // 4096
    _scribble(live, pages - 1)
    target = tmp_path / "copy.sqlite3"

    with pytest.raises(DatabaseDamaged, match="damaged") as refused:
        desk.backups.backup(target)
    with pytest.raises(DatabaseDamaged):
        desk.backups.backup()

    assert "no backup was made" in str(refused.value)
    assert not target.exists()
    assert not list(tmp_path.glob(".copy*"))
    assert [p for p in desk.paths.backups.iterdir() if "manual" in p.name] == []
