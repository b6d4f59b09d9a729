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
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.db.models import (
    Action,
    CheckIn,
    Comment,
    Person,
    Priority,
    Programme,
    Registration,
    Response,
    ResponseScore,
    Tally,
    Theme,
    comment_theme,
)
from engagement_desk.paths import AppPaths
from engagement_desk.reports.event_report import render_event_report
from engagement_desk.reports.html import event_report_html, programme_report_html
from engagement_desk.reports.programme_report import render_programme_report

GOAL_SECONDS = 3.0
NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
DISTRICTS = ("BL0", "BL8", "BL9", "M25", "M26", "M45", "OL10", "M24")
AGE_BANDS = ("0-4", "5-10", "11-16", "17-19", "20-25", "prefer not to say")
SETTINGS = ("early years", "mainstream primary", "mainstream secondary", "special school")
EHCP = ("has an EHCP", "being assessed", "no EHCP", "prefer not to say")
NEEDS = ("autism", "speech, language and communication", "learning", "physical or sensory")
WORDS = ["help", "school", "wait", "letter", "support", "needs", "early", "home", "bus", "team"]


def _id() -> str:
    return str(uuid.uuid4())


def _insert(s: Any, table: Any, rows: list[dict[str, Any]], chunk: int = 5_000) -> None:
    for start in range(0, len(rows), chunk):
        s.execute(insert(table), rows[start : start + chunk])


def _event(desk: Desk, title: str, starts: datetime) -> str:
    detail = desk.events.create(
        EventDraft(
            title=title,
            kind="venue",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            venue=VenueDraft("Bury Town Hall", "Knowsley Street, Bury", "BL9 0SW"),
        )
    )
    desk.voices.set_capture(detail.id, ["dots", "ranking", "points", "comments"], 5, 3)
    return detail.id


def fill_event(
    desk: Desk, event_id: str, rng: random.Random, *, people: int, votes: int, comments: int
) -> None:
    """People, registrations, check-ins, votes, a dot wall and comments, in bulk."""
    device = desk.device.id
    starts = NOW - timedelta(days=30)
    with desk.db.transaction() as s:
        priorities = list(s.scalars(select(Priority.id).order_by(Priority.position)))
        themes = list(s.scalars(select(Theme.id)))
        persons, registrations, check_ins, came = [], [], [], []
        for n in range(people):
            person_id, registration_id = _id(), _id()
            special = rng.random() < 0.7
            name = f"Parent {event_id[:6]} {n}"
            persons.append(
                {
                    "id": person_id,
                    "device_id": device,
                    "full_name": name,
                    "email": f"parent.{event_id[:8]}.{n}@example.org",
                    "postcode_district": rng.choice(DISTRICTS),
                    "child_age_band": rng.choice(AGE_BANDS) if special else None,
                    "child_setting": rng.choice(SETTINGS) if special else None,
                    "ehcp_status": rng.choice(EHCP) if special else None,
                    "need_areas": rng.sample(NEEDS, k=rng.randint(1, 2)) if special else [],
                    "access_needs": [],
                    "consent_store": True,
                    "consent_special_category": special,
                    "consent_quote": rng.random() < 0.5,
                    "search_text": name.lower(),
                }
            )
            registrations.append(
                {
                    "id": registration_id,
                    "device_id": device,
                    "event_id": event_id,
                    "person_id": person_id,
                    "status": "registered",
                    "ticket_id": secrets.token_hex(10),
                    "source": "online form",
                }
            )
            if rng.random() < 0.9:
                came.append(registration_id)
                check_ins.append(
                    {
                        "id": _id(),
                        "device_id": device,
                        "registration_id": registration_id,
                        "event_id": event_id,
                        "checked_in_at": starts,
                        "method": "scanner",
                        "walk_in": rng.random() < 0.05,
                    }
                )
        _insert(s, Person.__table__, persons)
        _insert(s, Registration.__table__, registrations)
        _insert(s, CheckIn.__table__, check_ins)

        responses, scores = [], []
        for _ in range(votes):
            response_id = _id()
            roll = rng.random()
            method = "ranking" if roll < 0.5 else "dots" if roll < 0.8 else "points"
            responses.append(
                {
                    "id": response_id,
                    "device_id": device,
                    "event_id": event_id,
                    "registration_id": rng.choice(came) if came and rng.random() < 0.4 else None,
                    "method": method,
                    "source": "desk",
                    "created_at": starts,
                }
            )
            if method == "ranking":
                given = {p: place for place, p in enumerate(rng.sample(priorities, 3), 1)}
            elif method == "dots":
                given = {}
                for _ in range(5):
                    choice = rng.choice(priorities)
                    given[choice] = given.get(choice, 0) + 1
            else:
                a, b = sorted(rng.sample(range(1, 100), 2))
                chosen = rng.sample(priorities, 3)
                given = {chosen[0]: a, chosen[1]: b - a, chosen[2]: 100 - b}
            scores += [
                {"id": _id(), "response_id": response_id, "priority_id": p, "value": v}
                for p, v in given.items()
            ]
        _insert(s, Response.__table__, responses)
        _insert(s, ResponseScore.__table__, scores)
        _insert(
            s,
            Tally.__table__,
            [
                {
                    "id": _id(),
                    "device_id": device,
                    "event_id": event_id,
                    "priority_id": p,
                    "dots": rng.randint(10, 200),
                    "note": "paper wall",
                    "created_at": starts,
                }
                for p in priorities
            ],
        )
        comment_rows, tags = [], []
        for _ in range(comments):
            comment_id = _id()
            comment_rows.append(
                {
                    "id": comment_id,
                    "device_id": device,
                    "event_id": event_id,
                    "registration_id": rng.choice(came) if came and rng.random() < 0.3 else None,
                    "text": " ".join(rng.choices(WORDS, k=rng.randint(6, 30))).capitalize() + ".",
                    "quote_permission": rng.random() < 0.5,
                    "created_at": starts,
                }
            )
            tags += [
                {"comment_id": comment_id, "theme_id": t}
                for t in rng.sample(themes, rng.randint(1, 2))
            ]
        _insert(s, Comment.__table__, comment_rows)
        _insert(s, comment_theme, tags)


def add_actions(desk: Desk, count: int) -> None:
    with desk.db.transaction() as s:
        programme_id = s.scalars(select(Programme.id)).one()
        s.add_all(
            Action(
                programme_id=programme_id,
                you_said=f"Parents said thing {n}, about waiting and letters.",
                we_did=f"We did thing {n}.",
                owner="SEND team",
            )
            for n in range(count)
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
            votes=20_000 * scale,
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
                desk, event_id, rng, people=100 * scale, votes=400 * scale, comments=40 * scale
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
