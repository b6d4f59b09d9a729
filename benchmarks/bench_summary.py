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
from engagement_desk.core.people import AGE_BANDS, EHCP_STATUSES, NEED_AREAS, SETTINGS
from engagement_desk.db.models import (
    Action,
    CheckIn,
    Comment,
    Person,
    Priority,
    Programme,
    Question,
    Registration,
    Response,
    ResponseScore,
    Tally,
    Theme,
    comment_theme,
)
from engagement_desk.paths import AppPaths

GOAL_SECONDS = 3.0
NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
DISTRICTS = ("BL0", "BL8", "BL9", "M25", "M26", "M45", "OL10", "M24")
WORDS = ["help", "school", "wait", "letter", "support", "needs", "early", "home", "bus", "team"]


def _id() -> str:
    return str(uuid.uuid4())


def _rows(s: Any, table: Any, rows: list[dict[str, Any]], chunk: int = 5_000) -> None:
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
    desk: Desk,
    event_id: str,
    rng: random.Random,
    *,
    people: int,
    responses: int,
    comments: int,
    questions: int = 0,
) -> None:
    """People, registrations, check-ins, responses, tallies and comments, in bulk."""
    device = desk.device.id
    with desk.db.transaction() as s:
        priorities = list(s.scalars(select(Priority.id).order_by(Priority.position)))
        themes = list(s.scalars(select(Theme.id)))
        starts = NOW - timedelta(days=30)
        persons, registrations, check_ins = [], [], []
        came: list[str] = []
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
                    "ehcp_status": rng.choice(EHCP_STATUSES) if special else None,
                    "need_areas": rng.sample(NEED_AREAS, k=rng.randint(1, 2)) if special else [],
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
        _rows(s, Person.__table__, persons)
        _rows(s, Registration.__table__, registrations)
        _rows(s, CheckIn.__table__, check_ins)

        response_rows, score_rows = [], []
        for _ in range(responses):
            response_id = _id()
            roll = rng.random()
            method = "ranking" if roll < 0.5 else "dots" if roll < 0.8 else "points"
            linked = came and rng.random() < 0.4
            response_rows.append(
                {
                    "id": response_id,
                    "device_id": device,
                    "event_id": event_id,
                    "registration_id": rng.choice(came) if linked else None,
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
            score_rows.extend(
                {"id": _id(), "response_id": response_id, "priority_id": p, "value": v}
                for p, v in given.items()
            )
        _rows(s, Response.__table__, response_rows)
        _rows(s, ResponseScore.__table__, score_rows)
        _rows(
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
            linked = came and rng.random() < 0.3
            comment_rows.append(
                {
                    "id": comment_id,
                    "device_id": device,
                    "event_id": event_id,
                    "registration_id": rng.choice(came) if linked else None,
                    "text": " ".join(rng.choices(WORDS, k=rng.randint(6, 30))).capitalize() + ".",
                    "quote_permission": rng.random() < 0.5,
                    "created_at": starts,
                }
            )
            tags.extend(
                {"comment_id": comment_id, "theme_id": t}
                for t in rng.sample(themes, rng.randint(1, 2))
            )
        _rows(s, Comment.__table__, comment_rows)
        _rows(s, comment_theme, tags)
        _rows(
            s,
            Question.__table__,
            [
                {
                    "id": _id(),
                    "device_id": device,
                    "event_id": event_id,
                    "text": f"Question {n} about the local offer?",
                    "upvotes": rng.randint(0, 20),
                    "status": "open",
                    "answer": "",
                    "created_at": starts,
                }
                for n in range(questions)
            ],
        )


def add_actions(desk: Desk, count: int) -> None:
    with desk.db.transaction() as s:
        programme_id = s.scalars(select(Programme.id)).one()
        s.add_all(
            Action(programme_id=programme_id, you_said=f"Said {n}", we_did=f"Did {n}")
            for n in range(count)
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
