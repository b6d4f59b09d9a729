"""Check-in through the `checkin` command's stream: one durable check-in, code in → line out.

The door's command (`engagement-desk checkin EVENT`, codes on standard input) is started once
on an event of 20,000 registrations and handed one code at a time; each sample is the time
from writing the code to reading its outcome line, which the command prints only after the
check-in is committed (WAL, synchronous=FULL). Every code is distinct and valid, so every
sample writes a row.

Baseline, in the same run and on the same disk: a tiny Python process reading codes from a
pipe the same way and doing with nothing but ``sqlite3`` (same pragmas, a copy of the same
file) what any door must: look the registration up by ticket id, look for a live check-in,
insert the check-in, commit, print a line. The two alternate code by code so disk and CPU
noise falls on both alike. The baseline does not check signatures (printed separately by
bench_checkin.py). Goal from the door issue: within 3x.

    python benchmarks/bench_checkin_stream.py                 300 scans
    python benchmarks/bench_checkin_stream.py --scans 100     a quicker look
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engagement_desk.bootstrap import open_desk
from engagement_desk.paths import AppPaths

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_checkin import checkpointed_copy, make_event

GOAL_RATIO = 3.0
WARM_UP = 5

# The baseline door: the same pipe protocol, raw sqlite3, the same pragmas.
RAW_DOOR = r"""
import sqlite3, sys, uuid
from datetime import UTC, datetime
path, event_id, device_id = sys.argv[1:4]
db = sqlite3.connect(path, isolation_level=None)
for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
    db.execute(f"PRAGMA {pragma}")
for line in sys.stdin:
    ticket_id = line.strip().split("-")[2]
    db.execute("BEGIN")
    row = db.execute(
        "SELECT id, event_id, status FROM registration WHERE ticket_id = ?", (ticket_id,)
    ).fetchone()
    live = db.execute(
        "SELECT id FROM check_in WHERE registration_id = ? AND undone_at IS NULL LIMIT 1",
        (row[0],),
    ).fetchone()
    if row[1] == event_id and row[2] == "registered" and live is None:
        db.execute(
            "INSERT INTO check_in (id, device_id, registration_id, event_id, checked_in_at, "
            "method, walk_in) VALUES (?, ?, ?, ?, ?, 'scanner', 0)",
            (str(uuid.uuid4()), device_id, row[0], event_id,
             datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")),
        )
        db.execute("COMMIT")
        print("ADMITTED", flush=True)
    else:
        db.execute("COMMIT")
        print("REFUSED", flush=True)
"""


class Door:
    def __init__(self, command: list[str]) -> None:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
            env=env,
        )

    def scan(self, code: str) -> tuple[float, str]:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        started = time.perf_counter()
        stdin.write(code + "\n")
        stdin.flush()
        line = stdout.readline()
        return time.perf_counter() - started, line

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=20_000)
    parser.add_argument("--scans", type=int, default=300)
    args = parser.parse_args(argv)
    batch = args.scans + WARM_UP
    with tempfile.TemporaryDirectory(prefix="bench-stream-") as folder:
        home = Path(folder) / "home"
        event_id, codes = make_event(home, args.registrations, 2 * batch)
        paths = AppPaths(home)
        raw_file = Path(folder) / "raw.sqlite3"
        checkpointed_copy(paths.default_database_file, raw_file)
        desk = open_desk(paths)
        device_id = desk.device.id
        desk.close()
        ours = Door(
            [sys.executable, "-m", "engagement_desk", "--data-dir", str(home), "checkin", event_id]
        )
        raw = Door([sys.executable, "-c", RAW_DOOR, str(raw_file), event_id, device_id])
        service: list[float] = []
        baseline: list[float] = []
        try:
            for n, (mine, theirs) in enumerate(zip(codes[:batch], codes[batch:], strict=True)):
                took, line = ours.scan(mine)
                assert line.startswith("ADMITTED  "), line
                raw_took, raw_line = raw.scan(theirs)
                assert raw_line.startswith("ADMITTED"), raw_line
                if n >= WARM_UP:
                    service.append(took)
                    baseline.append(raw_took)
        finally:
            ours.close()
            raw.close()
    ours_ms = statistics.median(service) * 1000
    raw_ms = statistics.median(baseline) * 1000
    ratio = ours_ms / raw_ms
    print(
        f"checkin command, code in → line out: median {ours_ms:.2f} ms, p90 "
        f"{statistics.quantiles(service, n=10)[-1] * 1000:.2f} ms"
    )
    print(
        f"raw sqlite3 door (lookup + insert + commit): median {raw_ms:.2f} ms, p90 "
        f"{statistics.quantiles(baseline, n=10)[-1] * 1000:.2f} ms"
    )
    verdict = "within" if ratio <= GOAL_RATIO else "OVER"
    print(f"goal: within {GOAL_RATIO:.0f}x of raw sqlite3; {verdict} the goal")
    print(
        f"checkin_stream: command {ours_ms:.1f} ms, raw sqlite3 {raw_ms:.1f} ms "
        f"(median of {args.scans}), ratio {ratio:.1f}x (goal <= {GOAL_RATIO:.0f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
