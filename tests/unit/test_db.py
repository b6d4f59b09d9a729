"""The database file: seeding, pragmas, migrations, refusing what we must not touch, backups."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.db.database import (
    MIGRATIONS,
    Database,
    DatabaseDamaged,
    DatabaseProblem,
    SchemaTooNew,
)
from engagement_desk.db.models import AuditEntry, Base, Event
from engagement_desk.db.types import UTCDateTime
from engagement_desk.paths import AppPaths
from engagement_desk.services.programmes import SEED_PRIORITIES, SEED_THEMES
from tests.unit.conftest import venue_event

DESIGN_PRIORITIES = [
    "Live, learn and grow up locally",
    "Families' voices shape services",
    "Earlier help and prevention",
    "Communities prevent escalation",
    "Invest where need is greatest",
]


def shipped_head() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# ---- a new database ------------------------------------------------------


def test_new_database_has_the_five_priorities_and_eleven_themes(desk: Desk) -> None:
    programme = desk.programmes.current()

    assert [p.title for p in programme.priorities] == DESIGN_PRIORITIES
    assert [p.position for p in programme.priorities] == [1, 2, 3, 4, 5]
    assert all(p.description for p in programme.priorities)
    assert len(programme.themes) == 11
    assert set(programme.themes) == set(SEED_THEMES)
    assert "EHCP assessment process" in programme.themes
    assert "Co-production" in programme.themes
    assert programme.forum_name == "Bury2gether"
    assert programme.suppression_threshold == 5
    assert programme.retention_months == 12


def test_seeding_happens_once(desk: Desk, paths: AppPaths) -> None:
    first = desk.programmes.ensure_seeded()
    assert desk.programmes.ensure_seeded() == first
    desk.close()

    reopened = open_desk(paths)
    try:
        programme = reopened.programmes.current()
        assert programme.id == first
        assert len(programme.priorities) == len(SEED_PRIORITIES)
        with reopened.db.session() as s:
            assert s.scalar(text("SELECT count(*) FROM programme")) == 1
            assert s.scalar(text("SELECT count(*) FROM priority")) == 5
            assert s.scalar(text("SELECT count(*) FROM theme")) == 11
    finally:
        reopened.close()


def test_sqlite_pragmas_are_in_force_on_every_connection(desk: Desk) -> None:
    # Hold two connections at once so the pool has to open a second one.
    with desk.db.engine.connect() as first, desk.db.engine.connect() as second:
        for connection in (first, second):
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    with desk.db.session() as s:
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_foreign_keys_are_enforced(desk: Desk) -> None:
    from engagement_desk.db.models import Registration

    with pytest.raises(StatementError, match="FOREIGN KEY"), desk.db.transaction() as s:
        s.add(Registration(device_id=desk.device.id, event_id="no-such-event", ticket_id="t1"))
        s.flush()


def test_shipped_migration_produces_exactly_the_models_schema(tmp_path: Path) -> None:
    db = Database.open(sqlite_url(tmp_path / "fresh.sqlite3"))
    try:
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
        assert db.schema_revision() == shipped_head()
    finally:
        db.dispose()


def test_opening_an_up_to_date_database_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    Database.open(sqlite_url(path)).dispose()
    before = fingerprint(path)

    Database.open(sqlite_url(path)).dispose()

    assert fingerprint(path) == before
    assert files_in(tmp_path) == {"desk.sqlite3"}  # no backup: there was nothing to migrate


def test_an_older_database_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path, backups = tmp_path / "desk.sqlite3", tmp_path / "backups"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    first = ScriptDirectory.from_config(config).get_base()
    assert first is not None
    old = Database(sqlite_url(path))
    with old.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, first)
        connection.execute(
            text("INSERT INTO setting (key, value) VALUES ('kiosk', 'kept across upgrades')")
        )
    old.dispose()

    db = Database.open(sqlite_url(path), backups_dir=backups)
    try:
        assert db.schema_revision() == shipped_head()
        with db.session() as s:
            assert s.scalar(text("SELECT value FROM setting")) == "kept across upgrades"
    finally:
        db.dispose()
    if first == shipped_head():
        return  # only one migration shipped: nothing to upgrade, nothing to back up
    [backup] = backups.iterdir()
    assert backup.name.endswith(f"-before-migrating-from-{first}.sqlite3")
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (first,)
        assert connection.execute("SELECT value FROM setting").fetchone() == (
            "kept across upgrades",
        )
    connection.close()


# ---- databases we must refuse, leaving them as they were ------------------


def test_a_newer_schema_is_refused_and_the_file_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "from-the-future.sqlite3"
    db = Database.open(sqlite_url(path))
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.dispose()
    before, names = fingerprint(path), files_in(tmp_path)

    with pytest.raises(SchemaTooNew, match="newer version of Engagement Desk"):
        Database.open(sqlite_url(path))

    assert fingerprint(path) == before
    assert files_in(tmp_path) == names


def test_a_newer_schema_in_rollback_journal_mode_is_not_switched_to_wal(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('9999_future')")
        connection.execute("CREATE TABLE event (id TEXT PRIMARY KEY)")
    connection.close()
    before = fingerprint(path)

    with pytest.raises(SchemaTooNew):
        Database.open(sqlite_url(path))

    assert fingerprint(path) == before
    assert files_in(tmp_path) == {"newer.sqlite3"}


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(os.urandom(4096), id="random-bytes"),
        pytest.param(b"Name,Email\nAisha Ahmed,aisha@example.org\n" * 20, id="csv-text"),
        pytest.param(b"SQLite format 3\x00" + b"\x00" * 84 + b"garbage" * 100, id="bad-header"),
    ],
)
def test_a_file_that_is_not_a_database_is_refused_plainly(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "attendees.sqlite3"
    path.write_bytes(content)

    with pytest.raises(DatabaseProblem) as caught:
        Database.open(sqlite_url(path))

    message = str(caught.value)
    assert str(path) in message
    assert "cannot be opened" in message
    assert "Nothing was changed" in message
    assert "Traceback" not in message
    assert path.read_bytes() == content
    assert files_in(tmp_path) == {"attendees.sqlite3"}


def test_an_empty_file_is_an_alarm_not_a_fresh_start(tmp_path: Path) -> None:
    path, backups = tmp_path / "empty.sqlite3", tmp_path / "backups"
    backups.mkdir()
    kept = backups / "empty-20260401T090000000000Z-manual.sqlite3"
    kept.write_bytes(b"SQLite format 3\x00")
    os.utime(kept, (datetime(2026, 4, 1, 9, 0, tzinfo=UTC).timestamp(),) * 2)
    path.touch()

    with pytest.raises(DatabaseDamaged) as caught:
        Database.open(sqlite_url(path), backups_dir=backups)

    message = str(caught.value)
    assert "empty (0 bytes)" in message and "Nothing was changed" in message
    assert "2026-04-01 10:00 (UK time)" in message and str(kept) in message
    assert path.read_bytes() == b""
    assert files_in(tmp_path) == {"empty.sqlite3", "backups"}


def test_a_folder_where_the_database_should_be_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    path.mkdir()

    with pytest.raises(DatabaseProblem, match="is a folder"):
        Database.open(sqlite_url(path))


def test_another_programs_sqlite_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "photos.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE album (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO album (name) VALUES ('Summer fair')")
    connection.close()
    before = fingerprint(path)

    with pytest.raises(DatabaseProblem, match="not Engagement Desk's") as caught:
        Database.open(sqlite_url(path))

    assert not isinstance(caught.value, SchemaTooNew)
    assert fingerprint(path) == before
    assert files_in(tmp_path) == {"photos.db"}  # not even a -wal or -shm left behind
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert connection.execute("SELECT name FROM album").fetchall() == [("Summer fair",)]
    connection.close()


def test_an_address_without_a_driver_is_a_plain_database_problem() -> None:
    with pytest.raises(DatabaseProblem, match="driver is missing"):
        Database("nosuchdatabase://office-server/desk")


def test_an_address_that_is_not_a_url_is_a_plain_database_problem() -> None:
    with pytest.raises(DatabaseProblem, match="not a database address"):
        Database("C:/not a url at all")


# ---- backups and times -----------------------------------------------------


def test_backup_is_a_readable_copy_with_the_same_rows(desk: Desk, tmp_path: Path) -> None:
    first = desk.events.create(venue_event("Radcliffe parents' priorities morning"))
    second = desk.events.create(venue_event("Prestwich SEND engagement event"))

    copy = desk.db.backup(tmp_path / "copy.sqlite3")

    assert copy == tmp_path / "copy.sqlite3"
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        query = "SELECT id, short_code, title FROM event ORDER BY title"
        rows = connection.execute(query).fetchall()
        priorities = connection.execute("SELECT count(*) FROM priority").fetchone()
    connection.close()
    assert rows == sorted(
        [
            (second.id, second.short_code, "Prestwich SEND engagement event"),
            (first.id, first.short_code, "Radcliffe parents' priorities morning"),
        ],
        key=lambda r: r[2],
    )
    assert priorities == (5,)


def test_backup_without_a_target_goes_to_the_backups_folder(desk: Desk, paths: AppPaths) -> None:
    copy = desk.db.backup(reason="manual")

    assert copy is not None
    assert copy.parent == paths.backups
    assert copy.name.endswith("-manual.sqlite3")
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT count(*) FROM theme").fetchone() == (11,)
    connection.close()


def test_utc_column_refuses_naive_datetimes(desk: Desk) -> None:
    with pytest.raises(StatementError, match="naive datetime"), desk.db.transaction() as s:
        s.add(
            AuditEntry(
                at=datetime(2026, 4, 15, 10, 0),
                device_id=desk.device.id,
                action="test",
                entity="event",
                entity_id="x",
            )
        )
        s.flush()
    with desk.db.session() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "test")) is None


def test_utc_column_hands_back_aware_utc(desk: Desk) -> None:
    bst = timezone(timedelta(hours=1))
    created = desk.events.create(
        venue_event(starts_at=datetime(2026, 6, 3, 10, 0, tzinfo=bst), hours=2)
    )

    with desk.db.session() as s:
        event = s.get_one(Event, created.id)
        assert event.starts_at == datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
        assert event.starts_at.utcoffset() == timedelta(0)
        assert event.created_at.tzinfo is not None
        stored = s.execute(text("SELECT starts_at FROM event")).scalar()
    assert str(stored).startswith("2026-06-03 09:00:00")


def test_utc_type_on_its_own(desk: Desk) -> None:
    column, dialect = UTCDateTime(), desk.db.engine.dialect
    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(datetime(2026, 1, 1), dialect)
    bst = timezone(timedelta(hours=1))
    assert column.process_bind_param(datetime(2026, 6, 1, 10, tzinfo=bst), dialect) == datetime(
        2026, 6, 1, 9
    )
    back = column.process_result_value(datetime(2026, 1, 1, 12), dialect)
    assert back == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert back is not None and back.tzinfo is UTC
