"""Reports end to end: the summary and its PDF, for one big event and for the programme over
50 events, at 1x, 2x and 4x data.

1x event: 5,000 attendees (nine in ten checked in, with the details a registration form
gives), 20,000 votes (rankings, dots and 100 points; two in five linked to an attendee, so the
group breakdowns have work to do), a paper dot wall, 2,000 themed comments (half may be
quoted) and 10 actions.
1x programme: 50 past events, each with 100 attendees, 400 votes and 40 comments.

2x and 4x multiply the people, votes and comments (the programme keeps 50 events and grows
each one). Each database is built once with bulk inserts (not timed). Timed as the CLI's
``report`` does it: ``SummaryService`` builds the summary, then ``render_event_report`` /
``render_programme_report`` draws the PDF; the HTML version is timed alongside. Medians of
several runs. Goal from issue 6: summary and PDF each under 3 s, time growing no faster than
the data. (``bench_summary.py`` times the summary alone.)

    python benchmarks/bench_reports.py              1x, 2x and 4x
    python benchmarks/bench_reports.py --scales 1   a quick look
    python benchmarks/bench_reports.py --profile    also: cProfile of one 1x event report
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import open_desk
from engagement_desk.paths import AppPaths
from engagement_desk.reports.event_report import render_event_report
from engagement_desk.reports.html import event_report_html, programme_report_html
from engagement_desk.reports.programme_report import render_programme_report
from scale_data import (
    GOAL_SECONDS,
    NOW,
    _event,
    add_actions,
    fill_event,
)


@dataclass(frozen=True)
class Timing:
    summary: float
    pdf: float
    html: float
    pages: int

    @property
    def report(self) -> float:
        """Summary and PDF: what a user waits for after pressing Save."""
        return self.summary + self.pdf


def median(run: Callable[[], object], repeats: int) -> tuple[float, object]:
    result = run()  # warm caches and the connection pool, as a second click would
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def timed(
    build: Callable[[], Any],
    pdf: Callable[[Any], bytes],
    html: Callable[[Any], str],
    repeats: int,
) -> Timing:
    summary_seconds, summary = median(build, repeats)
    pdf_seconds, data = median(lambda: pdf(summary), repeats)
    html_seconds, _ = median(lambda: html(summary), repeats)
    assert isinstance(data, bytes)
    return Timing(summary_seconds, pdf_seconds, html_seconds, data.count(b"/Type /Page\n"))


def event_case(folder: Path, scale: int, repeats: int, profile: bool) -> Timing:
    desk = open_desk(AppPaths(folder / f"event-{scale}"), clock=lambda: NOW)
    try:
        event_id = _event(desk, "Have your say", NOW - timedelta(days=30))
        started = time.perf_counter()
        fill_event(
            desk,
            event_id,
            random.Random(scale),
            people=5_000 * scale,
            responses=20_000 * scale,
            comments=2_000 * scale,
        )
        add_actions(desk, 10)
        print(
            f"  event {scale}x: built {5_000 * scale:,} people, {20_000 * scale:,} votes and "
            f"{2_000 * scale:,} comments in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        if profile:
            _profile(lambda: render_event_report(desk.summaries.event_summary(event_id)))
        return timed(
            lambda: desk.summaries.event_summary(event_id),
            render_event_report,
            event_report_html,
            repeats,
        )
    finally:
        desk.close()


def programme_case(folder: Path, scale: int, repeats: int) -> Timing:
    desk = open_desk(AppPaths(folder / f"programme-{scale}"), clock=lambda: NOW)
    try:
        started = time.perf_counter()
        rng = random.Random(100 + scale)
        for n in range(50):
            event_id = _event(desk, f"Engagement event {n + 1}", NOW - timedelta(days=400 - 7 * n))
            fill_event(
                desk, event_id, rng, people=100 * scale, responses=400 * scale, comments=40 * scale
            )
        add_actions(desk, 30)
        print(
            f"  programme {scale}x: built 50 events of {100 * scale:,} people, "
            f"{400 * scale:,} votes and {40 * scale:,} comments in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        return timed(
            desk.summaries.programme_summary,
            render_programme_report,
            programme_report_html,
            repeats,
        )
    finally:
        desk.close()


def _profile(run: Callable[[], object]) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(run)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue())


def table(name: str, scales: list[int], timings: list[Timing]) -> list[str]:
    base = timings[0]
    lines = [f"{name}:"]
    for scale, t in zip(scales, timings, strict=True):
        lines.append(
            f"  {scale}x  summary {t.summary:6.3f} s  PDF {t.pdf:6.3f} s ({t.pages} pages)  "
            f"summary+PDF {t.report:6.3f} s (x{t.report / base.report:.2f} for "
            f"x{scale / scales[0]:g} data)  HTML {t.html:6.3f} s"
        )
    return lines


def verdict(name: str, what: str, scales: list[int], timings: list[Timing]) -> str:
    worst = max(t.report for t in timings)
    growth = timings[-1].report / timings[0].report if timings[0].report else 0.0
    data = scales[-1] / scales[0]
    within = "within" if worst < GOAL_SECONDS else "OVER"
    pace = "no faster than" if growth <= data * 1.1 else "FASTER than"
    return (
        f"{name}: summary+PDF {timings[0].report:.2f} s for {what} at {scales[0]}x, "
        f"{worst:.2f} s at worst ({within} the {GOAL_SECONDS:g} s goal); time grew "
        f"x{growth:.2f} for x{data:g} data ({pace} the data)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        folder = Path(tmp)
        events = [
            event_case(folder, scale, args.repeats, args.profile and n == 0)
            for n, scale in enumerate(args.scales)
        ]
        programmes = [programme_case(folder, scale, args.repeats) for scale in args.scales]
    print()
    for line in table("event report", args.scales, events):
        print(line)
    for line in table("programme report", args.scales, programmes):
        print(line)
    print()
    print(
        verdict(
            "event report",
            "5,000 attendees, 20,000 votes, 2,000 comments",
            args.scales,
            events,
        )
    )
    print(verdict("programme report", "50 events", args.scales, programmes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
