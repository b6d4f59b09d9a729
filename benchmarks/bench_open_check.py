"""Opening the database with its integrity check, against opening it without, at 50,000 people.

Every open of a SQLite file runs SQLite's quick check (``PRAGMA quick_check``) before
anything is written, so a damaged file is refused untouched. That check reads every page,
so it grows with the file. This builds 50,000 people, each registered for one of ten
events (the search benchmark's data), then times ``Database.open`` on the same file, with
the check and with it switched off, alternating, and reports the medians and their ratio,
and the check on its own on a plain sqlite3 connection. Goal: the check adds under 250 ms.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench_search import PEOPLE, fill
from engagement_desk.bootstrap import open_desk
from engagement_desk.db import database
from engagement_desk.paths import AppPaths

SAMPLES = 9
GOAL_MS = 250.0


def open_once(url: str) -> float:
    start = time.perf_counter()
    db = database.Database.open(url)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM event").scalar()
    elapsed = time.perf_counter() - start
    db.dispose()
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = AppPaths(Path(folder)).ensure()
        desk = open_desk(paths)
        started = time.perf_counter()
        fill(desk)
        desk.close()
        path = paths.default_database_file
        url = paths.database_url()
        size_mb = path.stat().st_size / 1_000_000
        print(
            f"open-check: made {PEOPLE:,} people in {time.perf_counter() - started:.1f} s "
            f"({size_mb:.1f} MB file)"
        )
        checked = database.integrity_problem

        def unchecked(_connection: sqlite3.Connection) -> str | None:
            return None

        with_check: list[float] = []
        without_check: list[float] = []
        check_alone: list[float] = []
        open_once(url)  # warm: page cache, imports, Alembic's head read
        for _ in range(SAMPLES):
            database.integrity_problem = checked
            with_check.append(open_once(url))
            database.integrity_problem = unchecked
            without_check.append(open_once(url))
            raw = sqlite3.connect(path)
            start = time.perf_counter()
            assert checked(raw) is None
            check_alone.append(time.perf_counter() - start)
            raw.close()
        database.integrity_problem = checked

    on = statistics.median(with_check) * 1000
    off = statistics.median(without_check) * 1000
    alone = statistics.median(check_alone) * 1000
    print(f"{'open with check':22} {on:8.1f} ms median of {SAMPLES}")
    print(f"{'open without check':22} {off:8.1f} ms")
    print(f"{'quick_check alone':22} {alone:8.1f} ms")
    print(
        f"open-check: opening {PEOPLE:,} people takes {on:.0f} ms with the integrity check, "
        f"{off:.0f} ms without, ratio {on / off:.2f}x (the check adds {on - off:.0f} ms; "
        f"goal < {GOAL_MS:.0f} ms)"
    )


if __name__ == "__main__":
    main()
