"""Data at scale for the summary and report benchmarks: bulk rows straight into the tables."""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from engagement_desk.bootstrap import Desk
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
