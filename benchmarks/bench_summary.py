"""Summaries: one big event, and the programme over 50 events, at 1x, 2x and 4x data.

1x event: 5,000 attendees (4,500 checked in, with the details a registration form gives),
20,000 responses (rankings, dots and 100 points; two in five linked to an attendee, so
the group breakdowns have work to do), a paper dot wall, 2,000 themed comments (half may be
quoted, so the name check runs on them), 20 webinar-style questions and 10 actions.

1x programme: 50 past events, each with 100 attendees, 400 responses and 40 comments.

2x and 4x multiply the people, responses and comments (the programme keeps 50 events and
grows each one). Each database is built once with bulk inserts (not timed); each summary is
timed as the CLI and the reports call it (``SummaryService``), median of several runs.
Goal from issue 6: each under 3 s (at 1x), and time growing no faster than the data. CPU
time is printed beside the wall clock: on a busy machine the wall clock also counts waiting
for a processor, and CPU time shows the growth more steadily.

    python benchmarks/bench_summary.py            1x, 2x and 4x
    python benchmarks/bench_summary.py --scales 1 quick look
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from engagement_desk.bootstrap import open_desk
from engagement_desk.paths import AppPaths
from scale_data import (
    GOAL_SECONDS,
    NOW,
    _event,
    add_actions,
    fill_event,
)


@dataclass(frozen=True)
class Timing:
    wall: float  # median seconds by the clock on the wall
    cpu: float  # median seconds of this process's CPU time (on a busy machine, the wall
    # clock also counts waiting for a processor)


def median_seconds(run: Callable[[], object], repeats: int) -> Timing:
    run()  # warm caches and the connection pool, as a second click would
    wall, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    timing = Timing(statistics.median(wall), statistics.median(cpu))
    print(
        f"    median {timing.wall:.3f} s wall, {timing.cpu:.3f} s CPU ({repeats} runs)", flush=True
    )
    return timing


def event_case(folder: Path, scale: int, repeats: int) -> Timing:
    rng = random.Random(scale)
    desk = open_desk(AppPaths(folder / f"event-{scale}"), clock=lambda: NOW)
    try:
        event_id = _event(desk, "Have your say", NOW - timedelta(days=30))
        built = time.perf_counter()
        fill_event(
            desk,
            event_id,
            rng,
            people=5_000 * scale,
            responses=20_000 * scale,
            comments=2_000 * scale,
            questions=20,
        )
        add_actions(desk, 10)
        print(
            f"  event {scale}x: built {5_000 * scale:,} people, {20_000 * scale:,} responses, "
            f"{2_000 * scale:,} comments in {time.perf_counter() - built:.1f} s",
            flush=True,
        )
        return median_seconds(lambda: desk.summaries.event_summary(event_id), repeats)
    finally:
        desk.close()


def programme_case(folder: Path, scale: int, repeats: int) -> Timing:
    rng = random.Random(100 + scale)
    desk = open_desk(AppPaths(folder / f"programme-{scale}"), clock=lambda: NOW)
    try:
        built = time.perf_counter()
        for n in range(50):
            event_id = _event(desk, f"Event {n}", NOW - timedelta(days=400 - 7 * n))
            fill_event(
                desk,
                event_id,
                rng,
                people=100 * scale,
                responses=400 * scale,
                comments=40 * scale,
            )
        add_actions(desk, 30)
        print(
            f"  programme {scale}x: built 50 events of {100 * scale:,} people, "
            f"{400 * scale:,} responses, {40 * scale:,} comments in "
            f"{time.perf_counter() - built:.1f} s",
            flush=True,
        )
        return median_seconds(lambda: desk.summaries.programme_summary(), repeats)
    finally:
        desk.close()


def table(name: str, scales: list[int], timings: list[Timing]) -> str:
    base = timings[0]
    cells = [
        f"{scale}x {t.wall:.3f} s wall / {t.cpu:.3f} s CPU "
        f"(x{t.wall / base.wall:.2f} / x{t.cpu / base.cpu:.2f} for x{scale / scales[0]:g} data)"
        for scale, t in zip(scales, timings, strict=True)
    ]
    return f"{name:9}  " + "   ".join(cells)


def verdict(name: str, what: str, scales: list[int], timings: list[Timing]) -> str:
    first, last = timings[0], timings[-1]
    data = scales[-1] / scales[0]
    goal = "met" if first.wall < GOAL_SECONDS else "MISSED"
    growth = last.cpu / first.cpu if first.cpu else 0.0
    pace = "in step with the data" if growth <= data * 1.15 else "FASTER than the data"
    return (
        f"{name}: {first.wall:.2f} s ({first.cpu:.2f} s CPU) for {what} "
        f"(goal < {GOAL_SECONDS:g} s: {goal}); x{data:g} data took x{last.wall / first.wall:.2f} "
        f"the time (x{growth:.2f} CPU), {pace}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-summary-") as tmp:
        folder = Path(tmp)
        events = [event_case(folder, scale, args.repeats) for scale in args.scales]
        programmes = [programme_case(folder, scale, args.repeats) for scale in args.scales]
    print()
    print(table("event", args.scales, events))
    print(table("programme", args.scales, programmes))
    print()
    print(
        verdict(
            "event summary",
            "5,000 attendees, 20,000 votes and 2,000 comments",
            args.scales,
            events,
        )
    )
    print(verdict("programme summary", "50 events", args.scales, programmes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
