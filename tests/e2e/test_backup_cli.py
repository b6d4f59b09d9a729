"""`backup` and `restore` through the real command line."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from tests.e2e.conftest import Cli


def _names(cli: Cli) -> str:
    result = cli("people", "list")
    assert result.code == 0, result.err
    return result.out


def test_backup_and_restore_round_trip(cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    added = cli(
        "events",
        "add",
        "--title",
        "Have your say",
        "--kind",
        "drop-in",
        "--start",
        "2030-05-01T10:00",
        "--end",
        "2030-05-01T12:00",
        "--venue",
        "Bury Library",
    )
    assert added.code == 0, added.err
    event = cli("events", "list", "--json")
    code = event.out.split('"short_code": "')[1].split('"')[0]
    assert cli("register", code, "--name", "Jo Bloggs").code == 0

    default = cli("backup")
    assert default.code == 0, default.err
    assert "backups" in default.out
    assert len(list((data_dir / "backups").glob("*-manual.sqlite3"))) == 1

    copy = tmp_path / "saved.sqlite3"
    saved = cli("backup", "-o", copy)
    assert saved.code == 0, saved.err
    assert cli("register", code, "--name", "Sam Lee").code == 0
    assert "Sam Lee" in _names(cli)

    restored = cli("restore", copy)

    assert restored.code == 0, restored.err
    assert "Restored the database" in restored.out
    names = _names(cli)
    assert "Jo Bloggs" in names and "Sam Lee" not in names


def test_restore_refuses_a_file_that_is_not_a_database(
    cli: Cli, data_dir: Path, tmp_path: Path
) -> None:
    assert cli("events", "list").code == 0
    backups = data_dir / "backups"
    before = sorted(backups.iterdir())
    bogus = tmp_path / "holiday.jpg"
    bogus.write_bytes(b"\xff\xd8\xff\xe0 not a database")

    result = cli("restore", bogus)

    assert result.code == 1
    assert result.err.startswith("engagement-desk: ")
    assert "not an SQLite database file" in result.err
    assert "Traceback" not in result.err
    assert result.out == ""
    # Opening the desk notes when this laptop was last seen, so compare what a user can see
    # (the unit tests compare the file's bytes): no backup was taken, nothing was staged.
    assert sorted(backups.iterdir()) == before
    assert not list(data_dir.glob(".*restoring*"))


def test_restore_rescues_a_database_that_cannot_be_opened(
    cli: Cli, data_dir: Path, tmp_path: Path
) -> None:
    assert cli("register", "--help").code == 0
    added = cli(
        *("events", "add", "--title", "Drop-in", "--kind", "drop-in"),
        *("--start", "2030-05-01T10:00", "--end", "2030-05-01T12:00", "--venue", "Bury Library"),
    )
    assert added.code == 0, added.err
    saved = tmp_path / "saved.sqlite3"
    assert cli("backup", "-o", saved).code == 0
    database = data_dir / "engagement-desk.sqlite3"
    database.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)  # a disk fault
    for journal in ("-wal", "-shm"):
        (data_dir / f"engagement-desk.sqlite3{journal}").unlink(missing_ok=True)
    broken = cli("events", "list")
    assert broken.code == 1 and "cannot be opened" in broken.err

    restored = cli("restore", saved)

    assert restored.code == 0, restored.err
    assert "Drop-in" in cli("events", "list").out
    kept = list((data_dir / "backups").glob("*before-restore-unreadable*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"SQLite format 3\x00\xff")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_restore_that_fails_half_way_leaves_the_live_database_identical(
    cli: Cli, demo_dir: Path, tmp_path: Path
) -> None:
    stale = tmp_path / "stale.sqlite3"
    assert cli("backup", "-o", stale).code == 0
    # Its stamp says the first schema but its tables are today's: it cannot be migrated.
    with sqlite3.connect(stale) as connection:
        first = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        connection.execute("UPDATE alembic_version SET version_num = '0001_initial'")
    connection.close()
    assert first != "0001_initial"
    database = demo_dir / "engagement-desk.sqlite3"
    before = _sha256(database)
    backups = sorted((demo_dir / "backups").iterdir())

    result = cli("restore", stale)

    assert result.code == 1, result.out
    assert "could not be brought up to date" in result.err
    assert "Nothing was changed" in result.err and "Traceback" not in result.err
    assert _sha256(database) == before
    assert sorted((demo_dir / "backups").iterdir()) == backups
    assert not list(demo_dir.glob(".*restoring*"))
    assert cli("events", "list").code == 0


def test_backup_checks_its_copy_before_calling_it_good(cli: Cli, demo_dir: Path) -> None:
    result = cli("backup")

    assert result.code == 0, result.err
    assert "checked" in result.out
    [copy] = (demo_dir / "backups").glob("*-manual.sqlite3")
    with sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
