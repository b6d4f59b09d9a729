"""Rules for an event's details: what makes a valid event, and short codes."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from engagement_desk.core.clock import LONDON
from engagement_desk.core.validation import (
    AGENDA_TITLE_LENGTH,
    LINK_LENGTH,
    POSTCODE_LENGTH,
    TITLE_LENGTH,
    VENUE_NAME_LENGTH,
    capacity_problem,
    date_problem,
    length_problem,
)

# No 0/O, 1/I/L, 5/S or 2/Z: short codes are read aloud and typed by hand.
SHORT_CODE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
SHORT_CODE_LENGTH = 6


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def looks_like_short_code(text: str) -> bool:
    cleaned = text.strip().upper()
    return len(cleaned) == SHORT_CODE_LENGTH and all(c in SHORT_CODE_ALPHABET for c in cleaned)


@dataclass(frozen=True)
class AgendaDraft:
    title: str
    starts_at: datetime | None = None
    notes: str = ""


@dataclass(frozen=True)
class VenueDraft:
    name: str
    address: str = ""
    postcode: str = ""
    step_free: bool = False
    hearing_loop: bool = False
    parking: bool = False
    quiet_room: bool = False
    accessible_toilet: bool = False
    notes: str = ""

    def access_summary(self) -> list[str]:
        return venue_access_summary(self)


@dataclass(frozen=True)
class EventDraft:
    """What a user typed for an event, before it is saved. Times are aware UTC."""

    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    venue: VenueDraft | None = None
    online_link: str = ""
    capacity: int | None = None
    description: str = ""
    agenda: list[AgendaDraft] = field(default_factory=list)


KINDS = ("venue", "webinar", "drop-in", "workshop")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a draft: which field, and what to do about it."""

    field: str
    message: str


def validate_event(draft: EventDraft) -> list[Problem]:
    problems: list[Problem] = []
    if not draft.title.strip():
        problems.append(Problem("title", "Give the event a title."))
    elif len(draft.title.strip()) > TITLE_LENGTH:
        problems.append(Problem("title", f"Keep the title to {TITLE_LENGTH} characters or fewer."))
    if draft.kind not in KINDS:
        problems.append(
            Problem(
                "kind", f"'{draft.kind}' is not a kind of event; use one of {', '.join(KINDS)}."
            )
        )
    if draft.starts_at.tzinfo is None or draft.ends_at.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    for name, moment, what in (
        ("starts_at", draft.starts_at, "The start"),
        ("ends_at", draft.ends_at, "The end"),
    ):
        out_of_range = date_problem(moment, what)
        if out_of_range is not None:
            problems.append(Problem(name, out_of_range))
    if draft.ends_at <= draft.starts_at:
        problems.append(Problem("ends_at", "The event must end after it starts."))
    capacity = capacity_problem(draft.capacity)
    if capacity is not None:
        problems.append(Problem("capacity", capacity))
    if draft.venue is not None:
        for name, text, limit, what in (
            ("venue", draft.venue.name, VENUE_NAME_LENGTH, "the venue's name"),
            ("postcode", draft.venue.postcode, POSTCODE_LENGTH, "the postcode"),
        ):
            too_long = length_problem(text, limit, what)
            if too_long is not None:
                problems.append(Problem(name, too_long))
    needs_venue = draft.kind != "webinar"
    if needs_venue and (draft.venue is None or not draft.venue.name.strip()):
        problems.append(
            Problem("venue", "A venue event needs a venue: choose one or type its name.")
        )
    # Any event may have a link (a hybrid drop-in too); it goes into calendars as a URL.
    link = draft.online_link.strip()
    if len(link) > LINK_LENGTH:
        problems.append(
            Problem("online_link", f"Keep the online link to {LINK_LENGTH} characters or fewer.")
        )
    elif link and not link.lower().startswith(("https://", "http://")):
        problems.append(
            Problem(
                "online_link",
                "The online link should start with https:// (copy it from the invitation).",
            )
        )
    for number, item in enumerate(draft.agenda, start=1):
        if not item.title.strip():
            problems.append(Problem("agenda", f"Agenda item {number} needs a title."))
        elif len(item.title.strip()) > AGENDA_TITLE_LENGTH:
            problems.append(
                Problem(
                    "agenda",
                    f"Keep agenda item {number}'s title to {AGENDA_TITLE_LENGTH} characters "
                    "or fewer.",
                )
            )
        elif (
            item.starts_at is not None
            and draft.starts_at < draft.ends_at
            and not (draft.starts_at <= item.starts_at <= draft.ends_at)
        ):
            problems.append(
                Problem(
                    "agenda", f"Agenda item {number} ('{item.title}') is outside the event's times."
                )
            )
    return problems


def parse_agenda(text: str, day: date) -> tuple[list[AgendaDraft], list[Problem]]:
    """Agenda lines as typed: "10:15 The five priorities explained" or just a title.

    Times are London wall-clock times on ``day``.
    """
    items: list[AgendaDraft] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _AGENDA_LINE.match(line)
        if match is None:
            items.append(AgendaDraft(title=line))
            continue
        hour, minute, title = int(match["hour"]), int(match["minute"]), match["title"].strip()
        if hour > 23 or minute > 59:
            problems.append(
                Problem(
                    "agenda",
                    f"Agenda line {number}: {match['hour']}:{match['minute']} "
                    "is not a time of day (use 24-hour times like 14:30).",
                )
            )
            continue
        starts = datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)
        items.append(AgendaDraft(title=title, starts_at=starts))
    return items, problems


def format_agenda(items: list[AgendaDraft]) -> str:
    """The inverse of parse_agenda, for editing."""
    lines = []
    for item in items:
        if item.starts_at is None:
            lines.append(item.title)
        else:
            lines.append(f"{item.starts_at.astimezone(LONDON):%H:%M} {item.title}")
    return "\n".join(lines)


_AGENDA_LINE = re.compile(r"^(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s+(?P<title>.+)$")


def venue_access_summary(venue: object) -> list[str]:
    """Plain words for a venue's accessibility, for listings, tickets and the .ics file."""
    words = []
    for attribute, label in (
        ("step_free", "Step-free access"),
        ("hearing_loop", "Hearing loop"),
        ("accessible_toilet", "Accessible toilet"),
        ("quiet_room", "Quiet room"),
        ("parking", "Parking"),
    ):
        if getattr(venue, attribute, False):
            words.append(label)
    return words
