"""Event and programme summaries: the one set of numbers every front end and report shows.

The CLI prints them (``summary``), the Voices page charts them and the PDF reports render
them; nothing downstream counts anything again. Counts are made in the database (GROUP BY)
and only the few rows they give come back, so an event with thousands of people summarises
in well under a second.

Privacy, all in one place (rules in ``core.scoring``):

- no names or contact details at all; the only words from people are quotes they agreed to;
- counts of people go through suppression: "fewer than N" for 1..N-1, with secondary
  suppression wherever a total or another published number could give one away. The
  programme's table keeps every event's numbers exactly as the event's own summary shows
  them, and hides a total instead when needed, so putting the reports side by side reveals
  nothing more either;
- scores are shown only when at least N people answered that way (a paper dot wall counts as
  many), and a group's top priority only for groups of at least N people;
- a quote needs permission (for a linked comment, the person's consent to be quoted as it
  stands now), is never an erased person's comment, and is left out if it contains the name
  or email address of anyone registered for the event.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Text, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from engagement_desk.core.clock import (
    Clock,
    format_when,
    start_of_local_day,
    system_clock,
    to_local,
)
from engagement_desk.core.people import (
    AGE_BANDS,
    EHCP_STATUSES,
    NEED_AREAS,
    PREFER_NOT_TO_SAY,
    SETTINGS,
    fold,
)
from engagement_desk.core.scoring import (
    NOT_SHOWN,
    Breakdown,
    Cell,
    Unprotectable,
    borda_from_positions,
    count_cell,
    ordered,
    percent_text,
    places,
    protect,
    suppress_breakdown,
)
from engagement_desk.core.summary import (
    METHOD_LABELS,
    NOT_GIVEN,
    ActionItem,
    Attendance,
    AttendanceTotals,
    BreakdownRow,
    EventAttendanceRow,
    EventFacts,
    EventSummary,
    GroupBreakdown,
    GroupTop,
    MethodResult,
    PriorityPoint,
    PriorityScore,
    PriorityTrend,
    ProfileBreakdown,
    ProgrammeSummary,
    QuestionItem,
    Quote,
    ThemeAcross,
    ThemeCount,
    dots_reading,
    nobody_reading,
    points_reading,
    ranking_reading,
    trend_reading,
    withheld_reading,
)
from engagement_desk.core.suppression import NOT_SHOWN as HIDDEN_TO_PROTECT
from engagement_desk.core.suppression import (
    SMALL,
    Constraint,
    IntegerSystem,
    at_most,
    equal,
    protect_overlapping,
    protect_ranking,
)
from engagement_desk.db.database import Database
from engagement_desk.db.models import (
    Action,
    ActionStatus,
    CheckIn,
    Comment,
    Event,
    EventKind,
    EventStatus,
    Person,
    Priority,
    Programme,
    Question,
    Registration,
    RegistrationStatus,
    Response,
    ResponseMethod,
    ResponseScore,
    Tally,
    Theme,
    Venue,
    comment_theme,
)
from engagement_desk.services.errors import UserError
from engagement_desk.services.registrations import ERASED_TEXT
from engagement_desk.services.voices import find_event

__all__ = [
    "EventSummary",
    "ProgrammeSummary",
    "SummaryService",
]

SCORED_METHODS = ("dots", "ranking", "points")
# For priorities over time, an event's standing is read from its first method with scores.
TREND_METHODS = ("ranking", "points", "dots")

DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("area", "Area (postcode district)"),
    ("age_band", "Child's age band"),
    ("setting", "Child's setting"),
    ("ehcp_status", "EHCP status"),
    ("need_areas", "Areas of need"),
)
_VOCABULARY: dict[str, tuple[str, ...]] = {
    "age_band": AGE_BANDS,
    "setting": SETTINGS,
    "ehcp_status": EHCP_STATUSES,
    "need_areas": NEED_AREAS,
}
_ACTION_ORDER = {ActionStatus.IN_PROGRESS: 0, ActionStatus.PLANNED: 1, ActionStatus.DONE: 2}
_EMAIL = re.compile(r"[^\s@<>(),;:\"\[\]]+@[^\s@<>(),;:\"\[\]]+")
_WORD = re.compile(r"[0-9a-z']+")


@dataclass(frozen=True)
class _Counts:
    registered: int = 0
    checked_in: int = 0
    walk_ins: int = 0

    @property
    def no_shows(self) -> int:
        return self.registered - self.checked_in


# One group's size and its priorities' scores: dots, points, or Borda points for rankings.
_Group = tuple[int, dict[str, int]]


@dataclass
class _Linked:
    """Responses by one method linked to a person whose details we hold, grouped by each
    characteristic (counted in the database)."""

    total: int = 0
    groups: dict[str, dict[str, _Group]] = field(default_factory=dict)  # dimension -> label


@dataclass
class _MethodData:
    """Raw counts for one method at one event, before suppression."""

    responses: int = 0
    sums: dict[str, int] | None = None  # dots or points per priority
    positions: dict[str, dict[int, int]] | None = None  # ranking: place counts per priority
    tally_dots: int = 0
    top_k: int = 0  # ranking: the most places one person may rank (0: every priority)


class SummaryService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock

    # ---- one event ------------------------------------------------------------

    def event_summary(self, event_ref: str) -> EventSummary:
        with self._db.session() as s:
            event = find_event(s, event_ref)
            programme = s.get_one(Programme, event.programme_id)
            threshold = max(programme.suppression_threshold, 1)
            priorities = _priorities(s, programme.id)
            venue = s.get(Venue, event.venue_id) if event.venue_id else None

            counts = _attendance(s, [event.id]).get(event.id, _Counts())
            attendance = attendance_cells(counts, threshold)
            people, described = _profile_counts(s, event.id)
            profile, profile_total = _profile_breakdowns(
                people, described, threshold, (counts.checked_in, attendance.checked_in)
            )

            data = _method_data(s, [event.id]).get(event.id, {})
            wanted = [m for m in SCORED_METHODS if m in (event.capture_methods or []) or m in data]
            linked = _linked_groups(s, event.id, len(priorities)) if data else {}
            methods = tuple(
                _method_result(
                    method,
                    data.get(method, _MethodData()),
                    priorities,
                    threshold,
                    linked.get(method),
                )
                for method in wanted
            )

            theme_counts = _theme_counts(s, [event.id]).get(event.id, {})
            comments = s.scalar(select(func.count(Comment.id)).where(Comment.event_id == event.id))
            summary = EventSummary(
                generated_at=self._clock().isoformat(),
                programme=programme.name,
                forum=programme.forum_name,
                area=programme.area,
                threshold=threshold,
                event=_facts(event, venue),
                attendance=attendance,
                profile=profile,
                profile_total=profile_total,
                methods=methods,
                comments=count_cell(comments or 0, threshold),
                themes=_theme_rows(theme_counts, threshold),
                quotes=_quotes_to_print(_quotes(s, event.id), comments or 0, threshold),
                questions=_questions(s, event.id),
                actions=_actions(s, programme.id),
                notes=_notes(threshold),
            )
        return summary

    # ---- the programme ----------------------------------------------------------

    def programme_summary(
        self, date_from: date | None = None, date_to: date | None = None
    ) -> ProgrammeSummary:
        """Events held (not cancelled, already started) with a start in the date range
        (UK dates, both ends included)."""
        if date_from and date_to and date_to < date_from:
            raise UserError(
                f"The date range ends ({date_to:%d %b %Y}) before it starts "
                f"({date_from:%d %b %Y}); swap the dates."
            )
        with self._db.session() as s:
            programme = s.scalars(select(Programme).order_by(Programme.created_at)).first()
            if programme is None:
                raise UserError("There is no programme yet; add an event first.")
            threshold = max(programme.suppression_threshold, 1)
            priorities = _priorities(s, programme.id)
            query = (
                select(Event, Venue.name)
                .outerjoin(Venue, Venue.id == Event.venue_id)
                .where(
                    Event.programme_id == programme.id,
                    Event.status == EventStatus.SCHEDULED,
                    Event.starts_at <= self._clock(),
                )
                .order_by(Event.starts_at, Event.title, Event.id)
            )
            if date_from is not None:
                query = query.where(Event.starts_at >= start_of_local_day(date_from))
            if date_to is not None:
                query = query.where(Event.starts_at < start_of_local_day(date_to + timedelta(1)))
            events = [(e, venue or "") for e, venue in s.execute(query)]
            ids = [e.id for e, _ in events]

            counts = _attendance(s, ids)
            rows = []
            published: dict[tuple[str, str], Cell] = {}
            for event, venue_name in events:
                cells = attendance_cells(counts.get(event.id, _Counts()), threshold)
                rows.append(
                    EventAttendanceRow(
                        event_id=event.id,
                        short_code=event.short_code,
                        title=event.title,
                        kind=event.kind.value,
                        date=to_local(event.starts_at).date().isoformat(),
                        when=format_when(event.starts_at, event.ends_at),
                        venue=venue_name,
                        attendance=cells,
                    )
                )
                for name in _ATTENDANCE_FIELDS:
                    published[(event.id, name)] = getattr(cells, name)
            totals = _attendance_totals(ids, counts, published, threshold)

            data = _method_data(s, ids)
            trends = _trends(events, data, priorities, threshold)
            themes = _themes_across(s, ids, threshold)
            return ProgrammeSummary(
                generated_at=self._clock().isoformat(),
                programme=programme.name,
                forum=programme.forum_name,
                area=programme.area,
                threshold=threshold,
                date_from=date_from.isoformat() if date_from else None,
                date_to=date_to.isoformat() if date_to else None,
                events=tuple(rows),
                totals=AttendanceTotals(events=len(events), attendance=totals),
                priorities=trends,
                trend_reading=trend_reading(trends),
                themes=themes,
                actions=_actions(s, programme.id),
                notes=_notes(threshold),
            )


# ---- attendance ---------------------------------------------------------------------

_ATTENDANCE_FIELDS = ("registered", "checked_in", "walk_ins", "no_shows")
# Secondary suppression hides 'registered' before 'checked in': how many came is the
# number people look for first.
_HIDE_FIRST = {"no_shows": 0, "walk_ins": 0, "registered": 1, "checked_in": 2}


def _attendance(s: Session, event_ids: Sequence[str]) -> dict[str, _Counts]:
    """Registered places, the registered people who came, and walk-ins among them."""
    if not event_ids:
        return {}
    live = (
        select(
            CheckIn.registration_id.label("registration_id"),
            func.max(case((CheckIn.walk_in.is_(True), 1), else_=0)).label("walk_in"),
        )
        .where(CheckIn.event_id.in_(event_ids), CheckIn.undone_at.is_(None))
        .group_by(CheckIn.registration_id)
        .subquery()
    )
    query = (
        select(
            Registration.event_id,
            func.count(Registration.id),
            func.count(live.c.registration_id),
            func.coalesce(func.sum(live.c.walk_in), 0),
        )
        .outerjoin(live, live.c.registration_id == Registration.id)
        .where(
            Registration.event_id.in_(event_ids),
            Registration.status == RegistrationStatus.REGISTERED,
        )
        .group_by(Registration.event_id)
    )
    return {
        event_id: _Counts(int(registered), int(came), int(walk_ins))
        for event_id, registered, came, walk_ins in s.execute(query)
    }


def attendance_cells(counts: _Counts, threshold: int) -> Attendance:
    """Attendance as it may be published: registered = checked in + no-shows is a sum a
    reader can use, so it is protected as one."""
    values = {
        "registered": counts.registered,
        "checked_in": counts.checked_in,
        "walk_ins": counts.walk_ins,
        "no_shows": counts.no_shows,
    }
    relation = [("registered", -1), ("checked_in", 1), ("no_shows", 1)]
    try:
        cells = protect(values, [relation], threshold, hide_first=_HIDE_FIRST)
    except Unprotectable:
        cells = {k: count_cell(v, threshold) for k, v in values.items()}
        cells["registered"] = cells["checked_in"] = cells["no_shows"] = Cell.not_shown()
    return _attendance_of(cells)


def _attendance_of(cells: Mapping[str, Cell]) -> Attendance:
    return Attendance(
        registered=cells["registered"],
        checked_in=cells["checked_in"],
        walk_ins=cells["walk_ins"],
        no_shows=cells["no_shows"],
        checked_in_percent=percent_text(cells["checked_in"], cells["registered"]),
        walk_ins_percent=percent_text(cells["walk_ins"], cells["checked_in"]),
        no_shows_percent=percent_text(cells["no_shows"], cells["registered"]),
    )


def _attendance_totals(
    ids: Sequence[str],
    counts: Mapping[str, _Counts],
    published: Mapping[tuple[str, str], Cell],
    threshold: int,
) -> Attendance:
    """The totals row: each column adds up the events' numbers, which are already public in
    the event summaries, so only totals may be hidden to protect them."""
    values: dict[tuple[str, str], int] = {}
    for event_id in ids:
        c = counts.get(event_id, _Counts())
        values.update(
            {
                (event_id, "registered"): c.registered,
                (event_id, "checked_in"): c.checked_in,
                (event_id, "walk_ins"): c.walk_ins,
                (event_id, "no_shows"): c.no_shows,
            }
        )
    for name in _ATTENDANCE_FIELDS:
        values[("total", name)] = sum(values[(e, name)] for e in ids)
    relations: list[list[tuple[tuple[str, str], int]]] = [
        [*(((e, name), 1) for e in ids), (("total", name), -1)] for name in _ATTENDANCE_FIELDS
    ]
    relations.append(
        [(("total", "registered"), -1), (("total", "checked_in"), 1), (("total", "no_shows"), 1)]
    )
    rank = {("total", name): _HIDE_FIRST[name] for name in _ATTENDANCE_FIELDS}
    try:
        cells = protect(values, relations, threshold, hide_first=rank, published=published)
    except Unprotectable:
        cells = {k: Cell.not_shown() for k in values}
    totals = {name: cells[("total", name)] for name in _ATTENDANCE_FIELDS}
    # Sums checked one at a time can miss what rows and columns give away together: check
    # the whole table exactly, and hide every total if anything can still be worked out.
    if _attendance_pinned(ids, values, published, totals, threshold):
        totals = {
            name: Cell.fewer_than(threshold)
            if is_small_total(values[("total", name)], threshold)
            else Cell.not_shown()
            for name in _ATTENDANCE_FIELDS
        }
    return _attendance_of(totals)


def _attendance_pinned(
    ids: Sequence[str],
    values: Mapping[tuple[str, str], int],
    published: Mapping[tuple[str, str], Cell],
    totals: Mapping[str, Cell],
    threshold: int,
) -> bool:
    cells = {**published, **{("total", name): cell for name, cell in totals.items()}}
    ranges: dict[tuple[str, str], tuple[int, int]] = {}
    for key, cell in cells.items():
        if cell.value is not None:
            ranges[key] = (cell.value, cell.value)
        elif cell.text == NOT_SHOWN:
            ranges[key] = (threshold, max(threshold, values[key], sum(values.values())))
        else:
            ranges[key] = (1, max(threshold - 1, 1))
    rows = [*ids, "total"]
    constraints: list[Constraint[tuple[str, str]]] = []
    for row in rows:
        constraints.append(
            equal([((row, "registered"), -1), ((row, "checked_in"), 1), ((row, "no_shows"), 1)], 0)
        )
        constraints.append(at_most([((row, "walk_ins"), 1), ((row, "checked_in"), -1)], 0))
    for name in _ATTENDANCE_FIELDS:
        constraints.append(equal([*(((e, name), 1) for e in ids), (("total", name), -1)], 0))
    hidden = [k for k, cell in cells.items() if cell.suppressed]
    return bool(IntegerSystem(ranges, constraints).pinned(hidden, values))


# ---- who came --------------------------------------------------------------------------


def _live_check_ins(event_id: str) -> Any:
    return (
        select(CheckIn.registration_id)
        .where(CheckIn.event_id == event_id, CheckIn.undone_at.is_(None))
        .distinct()
        .subquery()
    )


def _label(dimension: str) -> Any:
    """The group a person falls in, worked out by the database: their postcode district, or a
    child's detail, which counts only with consent to keep it; otherwise 'not given'."""
    if dimension == "area":
        district = func.upper(func.trim(func.coalesce(Person.postcode_district, "")))
        return case((district == "", literal(NOT_GIVEN)), else_=district)
    column = {
        "age_band": Person.child_age_band,
        "setting": Person.child_setting,
        "ehcp_status": Person.ehcp_status,
    }[dimension]
    given = and_(Person.consent_special_category.is_(True), func.coalesce(column, "") != "")
    return case((given, column), else_=literal(NOT_GIVEN))


_SINGLE = ("area", "age_band", "setting", "ehcp_status")
# Areas of need are a list per person: grouped by the list as text, then spread out here.
_NEEDS = (cast(Person.need_areas, Text), Person.consent_special_category)


def _need_groups(needs_text: str | None, special: bool | None) -> tuple[str, ...]:
    needs: Any = None
    if special and needs_text:
        try:
            needs = json.loads(needs_text)
        except ValueError:
            needs = None
    found = tuple(dict.fromkeys(str(n) for n in needs)) if isinstance(needs, list) else ()
    return found or (NOT_GIVEN,)


def _profile_counts(s: Session, event_id: str) -> tuple[dict[str, Counter[str]], int]:
    """The checked-in people whose details we hold (not anonymous walk-ins or the erased),
    counted by each characteristic; and how many they are."""
    live = _live_check_ins(event_id)

    def counted(*columns: Any) -> Any:
        return (
            select(*columns, func.count(Person.id))
            .select_from(Person)
            .join(Registration, Registration.person_id == Person.id)
            .join(live, live.c.registration_id == Registration.id)
            .where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.REGISTERED,
            )
            .group_by(*columns)
        )

    # One pass: people with the same groups in every characteristic counted together.
    labels = [_label(d) for d in _SINGLE]
    counts: dict[str, Counter[str]] = {d: Counter() for d, _ in DIMENSIONS}
    for *singles, needs_text, special, count in s.execute(counted(*labels, *_NEEDS)):
        for dimension, label in zip(_SINGLE, singles, strict=True):
            counts[dimension][str(label)] += int(count)
        for group in _need_groups(needs_text, special):
            counts["need_areas"][group] += int(count)
    return counts, sum(counts["area"].values())


def _labels(dimension: str, present: Iterable[str]) -> list[str]:
    """Rows in a stable order: the vocabulary's order (every choice, even at 0), anything
    else alphabetically, then 'prefer not to say', then 'not given'."""
    vocabulary = [v for v in _VOCABULARY.get(dimension, ()) if v != PREFER_NOT_TO_SAY]
    extras = sorted(
        {p for p in present if p not in vocabulary and p not in (PREFER_NOT_TO_SAY, NOT_GIVEN)},
        key=fold,
    )
    tail = [PREFER_NOT_TO_SAY] if dimension in _VOCABULARY else []
    return [*vocabulary, *extras, *tail, NOT_GIVEN]


def _profile_breakdowns(
    counts: Mapping[str, Counter[str]],
    total: int,
    threshold: int,
    checked_in: tuple[int, Cell],
) -> tuple[tuple[ProfileBreakdown, ...], Cell]:
    """``checked_in`` is the attendance's number and how it is published: when everyone who
    came is described, the breakdowns' total is that same number, shown or hidden alike."""
    additive = [d for d, _ in DIMENSIONS if d != "need_areas"]

    def build(published: Cell | None) -> dict[str, Breakdown]:
        result = {}
        for dimension, _ in DIMENSIONS:
            rows = {
                label: counts[dimension][label] for label in _labels(dimension, counts[dimension])
            }
            if dimension in additive:
                result[dimension] = _additive(rows, total, threshold, published)
            else:
                shown_total = published or count_cell(total, threshold)
                result[dimension] = _overlapping(rows, total, shown_total, threshold)
        return result

    known = checked_in[1] if checked_in[0] == total else None
    breakdowns = build(known)
    if is_small_total(total, threshold):
        # Fewer than N people described: every row would be 'fewer than N', and how many rows
        # have someone in them bounds the hidden total from below, so no row is shown.
        total_cell = known or count_cell(total, threshold)
        breakdowns = {
            d: Breakdown(dict.fromkeys(b.cells, Cell.not_shown()), total_cell, withheld=True)
            for d, b in breakdowns.items()
        }
    # One total for all of them: if any needs it hidden, it is hidden everywhere.
    if known is None and any(
        breakdowns[d].total.suppressed and not is_small_total(total, threshold) for d in additive
    ):
        breakdowns = build(Cell.not_shown())
    total_cell = breakdowns[additive[0]].total
    result = []
    for dimension, title in DIMENSIONS:
        b = breakdowns[dimension]
        adds_up = dimension in additive
        note = ""
        if not adds_up:
            note = "A child may have more than one area of need, so the rows add up to more."
        if b.withheld:
            note = "Too few people to show this breakdown without anyone being recognisable."
        result.append(
            ProfileBreakdown(
                dimension=dimension,
                title=title,
                rows=tuple(
                    BreakdownRow(label, cell, percent_text(cell, total_cell))
                    for label, cell in b.cells.items()
                ),
                total=total_cell,
                adds_up=adds_up,
                withheld=b.withheld,
                note=note,
            )
        )
    return tuple(result), total_cell


def _overlapping(rows: Mapping[str, int], total: int, published: Cell, threshold: int) -> Breakdown:
    """Areas of need: a person may be in several rows, or in 'not given' alone; see
    :func:`~engagement_desk.core.suppression.protect_overlapping`."""
    if published.value is not None:
        total_range = (published.value, published.value)
    elif published.text == NOT_SHOWN:
        total_range = (threshold, max(total, threshold))
    else:
        total_range = (1, max(threshold - 1, 1))
    labels = protect_overlapping(rows, NOT_GIVEN, total, total_range, threshold)
    if labels is None:
        return Breakdown(dict.fromkeys(rows, Cell.not_shown()), published, withheld=True)
    cells = {}
    for key, count in rows.items():
        label = labels.get(key)
        if label == SMALL:
            cells[key] = Cell.fewer_than(threshold)
        elif label == HIDDEN_TO_PROTECT:
            cells[key] = Cell.not_shown()
        else:
            cells[key] = Cell.shown(count)
    return Breakdown(cells, published)


def is_small_total(total: int, threshold: int) -> bool:
    return 0 < total < threshold


def _additive(
    rows: Mapping[str, int], total: int, threshold: int, published: Cell | None = None
) -> Breakdown:
    """A breakdown whose rows add up to ``total``. ``published``: the total as it is shown
    elsewhere (kept as it is there), or None when this breakdown may decide."""
    if published is None:
        return suppress_breakdown(rows, threshold)
    key = "\0total"
    values = {**rows, key: total}
    relation = [*((k, 1) for k in rows), (key, -1)]
    try:
        cells = protect(values, [relation], threshold, published={key: published})
    except Unprotectable:
        return Breakdown(dict.fromkeys(rows, Cell.not_shown()), published, withheld=True)
    return Breakdown({k: cells[k] for k in rows}, cells[key])


# ---- priorities --------------------------------------------------------------------------


def _priorities(s: Session, programme_id: str) -> list[Priority]:
    return list(
        s.scalars(
            select(Priority)
            .where(Priority.programme_id == programme_id)
            .order_by(Priority.position)
        )
    )


def _method_data(s: Session, event_ids: Sequence[str]) -> dict[str, dict[str, _MethodData]]:
    """Per event and method: responses, and dots/points per priority or ranking places."""
    if not event_ids:
        return {}
    data: dict[str, dict[str, _MethodData]] = defaultdict(dict)

    def slot(event_id: str, method: str) -> _MethodData:
        return data[event_id].setdefault(method, _MethodData())

    counted = (
        select(Response.event_id, Response.method, func.count(Response.id))
        .where(Response.event_id.in_(event_ids))
        .group_by(Response.event_id, Response.method)
    )
    for event_id, method, count in s.execute(counted):
        slot(event_id, ResponseMethod(method).value).responses = int(count)
    for event_id, top_k in s.execute(
        select(Event.id, Event.ranking_top_k).where(Event.id.in_(event_ids))
    ):
        if "ranking" in data.get(event_id, {}):
            data[event_id]["ranking"].top_k = int(top_k or 0)
    # One pass over the scores for every method (each pass costs a lookup per score):
    # how many gave each value to each priority. Dots and points add up value x count.
    values = (
        select(
            Response.event_id,
            Response.method,
            ResponseScore.priority_id,
            ResponseScore.value,
            func.count(ResponseScore.id),
        )
        .join(Response, Response.id == ResponseScore.response_id)
        .where(Response.event_id.in_(event_ids))
        .group_by(
            Response.event_id, Response.method, ResponseScore.priority_id, ResponseScore.value
        )
    )
    for event_id, method, priority_id, value, count in s.execute(values):
        name = _method_name(method)
        target = slot(event_id, name)
        if name == "ranking":
            target.positions = target.positions or {}
            target.positions.setdefault(priority_id, {})[int(value)] = int(count)
        else:
            target.sums = target.sums or {}
            target.sums[priority_id] = target.sums.get(priority_id, 0) + int(value) * int(count)
    tallies = (
        select(Tally.event_id, Tally.priority_id, func.sum(Tally.dots))
        .where(Tally.event_id.in_(event_ids))
        .group_by(Tally.event_id, Tally.priority_id)
    )
    for event_id, priority_id, dots in s.execute(tallies):
        target = slot(event_id, "dots")
        target.sums = target.sums or {}
        target.sums[priority_id] = target.sums.get(priority_id, 0) + int(dots or 0)
        target.tally_dots += int(dots or 0)
    return dict(data)


def _shown(method: str, data: _MethodData, threshold: int) -> bool:
    """Scores are shown once at least ``threshold`` people answered; dots counted off a
    paper wall come from a crowd, so they are shown whatever the count, as long as there are
    enough dots that the number of people at the desk stays hidden (see :func:`_wall_dots`)."""
    if method == "dots" and data.tally_dots > 0:
        return not _desk_is_small(data, threshold) or sum((data.sums or {}).values()) >= 3
    return data.responses >= threshold and data.responses > 0


def _desk_is_small(data: _MethodData, threshold: int) -> bool:
    return 0 < data.responses < threshold


def _wall_dots(data: _MethodData, threshold: int) -> int | None:
    """The paper wall's dots as published. When 1 to N-1 people placed dots at the desk, the
    wall's count is withheld: all dots minus the wall's are the desk's dots, and those
    divided by the dots each person has would give the number of people away. With the wall
    withheld, the desk's dots can be anything from 1 to all dots but one, which leaves at
    least two possible numbers of people once there are 3 dots or more."""
    if data.tally_dots and _desk_is_small(data, threshold):
        return None
    return data.tally_dots


def _scores(
    method: str, data: _MethodData, priorities: Sequence[Priority], threshold: int, responses: Cell
) -> tuple[list[PriorityScore], list[tuple[str, ...]]]:
    ids = [p.id for p in priorities]
    by_id = {p.id: p for p in priorities}
    if method == "ranking":
        valid = {
            pid: {place: c for place, c in counts.items() if 1 <= place <= len(ids)}
            for pid, counts in (data.positions or {}).items()
            if pid in by_id
        }
        borda = borda_from_positions(valid, ids, data.responses)
        guard = protect_ranking(
            [list(borda[pid].positions) for pid in ids],
            data.responses,
            threshold,
            data.top_k or len(ids),
        )
        # The place counts give way before any score does (protect_ranking); a score is
        # withheld only when even no place counts at all would not keep them hidden, and
        # then no score is shown: a withheld one might be the highest.
        shown = [] if guard.withheld_scores else ids
        groups = ordered({pid: borda[pid] for pid in shown})
        placed = places(groups)

        def cell(row: int, place: int, count: int) -> Cell:
            label = guard.hidden.get((row, place))
            if label == SMALL:
                return Cell.fewer_than(threshold)
            if label == HIDDEN_TO_PROTECT:
                return Cell.not_shown()
            return Cell.shown(count)

        scores = [
            PriorityScore(
                priority_id=pid,
                position=by_id[pid].position,
                title=by_id[pid].title,
                total=borda[pid].total if pid in placed else None,
                mean=round(borda[pid].mean, 2) if pid in placed else None,
                share=None,
                place=placed.get(pid),
                positions=()
                if guard.table_withheld
                else tuple(cell(i, k, c) for k, c in enumerate(borda[pid].positions)),
            )
            for i, pid in enumerate(ids)
        ]
        return scores, groups
    sums = {pid: (data.sums or {}).get(pid, 0) for pid in ids}
    grand = sum(sums.values())
    groups = ordered(sums)
    placed = places(groups)
    scores = [
        PriorityScore(
            priority_id=pid,
            position=by_id[pid].position,
            title=by_id[pid].title,
            total=sums[pid],
            mean=round(sums[pid] / data.responses, 2)
            if method == "points" and data.responses
            else None,
            share=f"{round(100 * sums[pid] / grand)}%" if grand else None,
            place=placed[pid],
            positions=(),
        )
        for pid in ids
    ]
    return scores, groups


def _method_result(
    method: str,
    data: _MethodData,
    priorities: Sequence[Priority],
    threshold: int,
    linked: _Linked | None,
) -> MethodResult:
    responses = count_cell(data.responses, threshold)
    shown = _shown(method, data, threshold)
    titles = {p.id: p.title for p in priorities}
    linked_cell = count_cell(linked.total if linked else 0, threshold)
    if not shown:
        nobody = data.responses == 0 and data.tally_dots == 0
        return MethodResult(
            method=method,
            label=METHOD_LABELS[method],
            responses=responses,
            tally_dots=_wall_dots(data, threshold),
            linked_responses=linked_cell,
            shown=False,
            scores=(),
            order=(),
            reading=nobody_reading(method) if nobody else withheld_reading(method, threshold),
            by_group=(),
        )
    scores, groups = _scores(method, data, priorities, threshold, responses)
    if method == "ranking":
        reading = _with_table_note(
            ranking_reading(scores, responses, [[titles[p] for p in g] for g in groups]), scores
        )
    elif method == "dots":
        reading = dots_reading(scores, _wall_dots(data, threshold))
    else:
        reading = points_reading(scores, responses)
    return MethodResult(
        method=method,
        label=METHOD_LABELS[method],
        responses=responses,
        tally_dots=_wall_dots(data, threshold),
        linked_responses=linked_cell,
        shown=True,
        scores=tuple(scores),
        order=tuple(tuple(titles[p] for p in g) for g in groups),
        reading=reading,
        by_group=_by_group(method, linked, priorities, threshold, linked_cell)
        if linked and linked.total
        else (),
    )


def _with_table_note(reading: str, scores: Sequence[PriorityScore]) -> str:
    """Say why the table of places is missing when suppression withheld it."""
    if not scores or any(s.positions for s in scores):
        return reading
    if all(s.total is None for s in scores):
        return (
            "Neither the scores nor how many people put each priority in each place are "
            "shown: with the number of rankings, they would reveal small numbers."
        )
    note = (
        "How many people put each priority in each place is not shown: with the scores, "
        "it would reveal small numbers."
    )
    return f"{reading} {note}" if reading else note


def _method_name(method: ResponseMethod | str) -> str:
    return method.value if isinstance(method, ResponseMethod) else ResponseMethod(method).value


def _linked_groups(s: Session, event_id: str, priorities: int) -> dict[str, _Linked]:
    """Per method, the responses linked to a person whose details we hold, counted and
    scored by each group of each characteristic. Two passes (the responses with their
    people's groups, worked out by the database, then their scores), added up here."""
    people = (
        select(
            Response.id,
            Response.method,
            *(_label(d) for d in _SINGLE),
            *_NEEDS,
        )
        .join(Registration, Registration.id == Response.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .where(Response.event_id == event_id)
    )
    needs_cache: dict[tuple[str | None, bool | None], tuple[str, ...]] = {}
    groups_of: dict[str, tuple[str, tuple[tuple[str, ...], ...]]] = {}
    for response_id, method, *singles, needs_text, special in s.execute(people):
        key = (needs_text, special)
        if key not in needs_cache:
            needs_cache[key] = _need_groups(needs_text, special)
        labels = (*((str(label),) for label in singles), needs_cache[key])
        groups_of[response_id] = (_method_name(method), labels)
    if not groups_of:
        return {}
    dimensions = (*_SINGLE, "need_areas")
    sizes: dict[tuple[str, str, str], int] = Counter()
    for method, labels in groups_of.values():
        for dimension, in_groups in zip(dimensions, labels, strict=True):
            for label in in_groups:
                sizes[(method, dimension, label)] += 1
    scores = (
        select(ResponseScore.response_id, ResponseScore.priority_id, ResponseScore.value)
        .join(Response, Response.id == ResponseScore.response_id)
        .where(Response.event_id == event_id, Response.registration_id.is_not(None))
    )
    totals: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    for response_id, priority_id, value in s.execute(scores):
        found = groups_of.get(response_id)
        if found is None:
            continue  # linked to an erased person or an anonymous walk-in
        method, labels = found
        points = priorities + 1 - int(value) if method == "ranking" else int(value)
        for dimension, in_groups in zip(dimensions, labels, strict=True):
            for label in in_groups:
                group = totals[(method, dimension, label)]
                group[priority_id] = group.get(priority_id, 0) + points
    result: dict[str, _Linked] = {}
    for (method, dimension, label), size in sizes.items():
        linked = result.setdefault(method, _Linked())
        linked.groups.setdefault(dimension, {})[label] = (
            size,
            totals.get((method, dimension, label), {}),
        )
    for method, linked in result.items():
        linked.total = sum(1 for m, _ in groups_of.values() if m == method)
    return result


def _by_group(
    method: str,
    linked: _Linked,
    priorities: Sequence[Priority],
    threshold: int,
    linked_cell: Cell,
) -> tuple[GroupBreakdown, ...]:
    """Each group's top priority, for groups of at least ``threshold`` people. The groups
    add up to the linked responses, already shown as ``linked_cell``."""
    if is_small_total(linked.total, threshold):
        return ()  # every group is too small to describe, and their rows would bound the total
    ids = [p.id for p in priorities]
    titles = {p.id: p.title for p in priorities}
    result = []
    for dimension, title in DIMENSIONS:
        groups = linked.groups.get(dimension, {})
        labels = [g for g in _labels(dimension, groups) if groups.get(g, (0, {}))[0] > 0]
        counts = {g: groups[g][0] for g in labels}
        if dimension == "need_areas":
            needs = _overlapping(counts, linked.total, linked_cell, threshold)
            if needs.withheld:
                continue
            cells, total = needs.cells, linked_cell
        else:
            breakdown = _additive(counts, linked.total, threshold, linked_cell)
            if breakdown.withheld:
                continue  # too few people to show these groups at all
            cells, total = breakdown.cells, breakdown.total
        rows = []
        for label in labels:
            top: tuple[str, ...] = ()
            if counts[label] >= threshold:
                scores = {pid: groups[label][1].get(pid, 0) for pid in ids}
                top = tuple(titles[p] for p in ordered(scores)[0])
            rows.append(GroupTop(group=label, responses=cells[label], top=top))
        note = (
            f"Top priority of the people in each group who gave their "
            f"{METHOD_LABELS[method].lower()} with their name; groups of fewer than "
            f"{threshold} are not described."
        )
        result.append(GroupBreakdown(dimension, title, tuple(rows), total, note))
    return tuple(result)


# ---- priorities over time -------------------------------------------------------------


def _trends(
    events: Sequence[tuple[Event, str]],
    data: Mapping[str, Mapping[str, _MethodData]],
    priorities: Sequence[Priority],
    threshold: int,
) -> tuple[PriorityTrend, ...]:
    n = len(priorities)
    points: dict[str, list[PriorityPoint]] = {p.id: [] for p in priorities}
    for event, _ in events:
        methods = data.get(event.id, {})
        for method in TREND_METHODS:
            found = methods.get(method)
            if found is None or not _shown(method, found, threshold):
                continue
            responses = count_cell(found.responses, threshold)
            scores, _ = _scores(method, found, priorities, threshold, responses)
            for score in scores:
                if score.place is None:
                    continue  # withheld: it would reveal a small number
                if method == "ranking":
                    text = f"mean {score.mean or 0:.1f} out of {n}"
                elif method == "points":
                    text = f"mean {score.mean or 0:.0f} points"
                else:
                    text = f"{score.share or '0%'} of dots"
                points[score.priority_id].append(
                    PriorityPoint(
                        event_id=event.id,
                        short_code=event.short_code,
                        date=to_local(event.starts_at).date().isoformat(),
                        method=method,
                        place=score.place,
                        score=text,
                    )
                )
            break
    trends = []
    for priority in priorities:
        series = points[priority.id]
        first = series[0].place if series else None
        last = series[-1].place if series else None
        change = ""
        if len(series) >= 2 and first is not None and last is not None:
            change = "rose" if last < first else "fell" if last > first else "no change"
        trends.append(
            PriorityTrend(
                priority_id=priority.id,
                position=priority.position,
                title=priority.title,
                points=tuple(series),
                first_place=first,
                last_place=last,
                change=change,
            )
        )
    return tuple(trends)


# ---- comments, quotes, questions and actions ------------------------------------------


def _theme_counts(s: Session, event_ids: Sequence[str]) -> dict[str, dict[str, int]]:
    if not event_ids:
        return {}
    query = (
        select(Comment.event_id, Theme.name, func.count(Comment.id))
        .join(comment_theme, comment_theme.c.comment_id == Comment.id)
        .join(Theme, Theme.id == comment_theme.c.theme_id)
        .where(Comment.event_id.in_(event_ids))
        .group_by(Comment.event_id, Theme.name)
    )
    result: dict[str, dict[str, int]] = defaultdict(dict)
    for event_id, theme, count in s.execute(query):
        result[event_id][theme] = int(count)
    return dict(result)


def _theme_rows(counts: Mapping[str, int], threshold: int) -> tuple[ThemeCount, ...]:
    """Themes raised, most first; hidden counts after the shown ones, by name (their order
    among themselves would say something about them)."""
    cells = {theme: count_cell(c, threshold) for theme, c in counts.items() if c > 0}
    ranked = sorted(
        cells,
        key=lambda t: (cells[t].suppressed, -(cells[t].value or 0), fold(t)),
    )
    return tuple(ThemeCount(theme, cells[theme]) for theme in ranked)


def _themes_across(s: Session, event_ids: Sequence[str], threshold: int) -> tuple[ThemeAcross, ...]:
    per_event = _theme_counts(s, event_ids)
    themes = sorted({t for counts in per_event.values() for t in counts}, key=fold)
    rows = []
    for theme in themes:
        values: dict[str, int] = {e: per_event.get(e, {}).get(theme, 0) for e in event_ids}
        published = {e: count_cell(v, threshold) for e, v in values.items()}
        key = "\0total"
        values[key] = sum(values.values())
        try:
            cells = protect(
                values,
                [[*((e, 1) for e in event_ids), (key, -1)]],
                threshold,
                published=published,
            )
            total = cells[key]
        except Unprotectable:
            total = Cell.not_shown()
        events = sum(1 for e in event_ids if per_event.get(e, {}).get(theme, 0) > 0)
        rows.append(ThemeAcross(theme, total, events))
    rows.sort(key=lambda r: (r.comments.suppressed, -(r.comments.value or 0), fold(r.theme)))
    return tuple(rows)


def _quotes_to_print(quotes: tuple[Quote, ...], comments: int, threshold: int) -> tuple[Quote, ...]:
    """When the number of comments is hidden ("fewer than N"), N-1 quotes would show that
    there were exactly N-1 comments; one fewer quote keeps it hidden."""
    if 0 < comments < threshold and len(quotes) >= threshold - 1:
        return quotes[: max(threshold - 2, 0)]
    return quotes


def _quotes(s: Session, event_id: str) -> tuple[Quote, ...]:
    query = (
        select(Comment.text, Comment.registration_id, Person.consent_quote)
        .outerjoin(Registration, Registration.id == Comment.registration_id)
        .outerjoin(Person, Person.id == Registration.person_id)
        .where(
            Comment.event_id == event_id,
            Comment.quote_permission.is_(True),
            Comment.text != ERASED_TEXT,
        )
        .order_by(Comment.created_at, Comment.id)
    )
    candidates = [
        text
        for text, registration_id, consent in s.execute(query)
        if registration_id is None or consent is True
    ]
    if not candidates:
        return ()
    names: set[tuple[str, ...]] = set()
    emails: set[str] = set()
    longest = 1
    registered = (
        select(Person.full_name, Person.email)
        .join(Registration, Registration.person_id == Person.id)
        .where(Registration.event_id == event_id)
    )
    for full_name, email in s.execute(registered):
        words = tuple(_WORD.findall(fold(full_name or "")))
        if words:
            names.add(words)
            longest = max(longest, len(words))
        if email:
            emails.add(email.lower())
    quotes = []
    for text in candidates:
        if _mentions(text, names, emails, longest):
            continue
        quotes.append(Quote(text))
    return tuple(quotes)


def _mentions(text: str, names: set[tuple[str, ...]], emails: set[str], longest: int) -> bool:
    """Whether a quote contains anyone's full name (as whole words) or email address."""
    if any(found.lower().strip(".") in emails for found in _EMAIL.findall(text)):
        return True
    words = _WORD.findall(fold(text))
    for size in range(1, longest + 1):
        for start in range(len(words) - size + 1):
            if tuple(words[start : start + size]) in names:
                return True
    return False


def _questions(s: Session, event_id: str) -> tuple[QuestionItem, ...]:
    query = (
        select(Question, Theme.name)
        .outerjoin(Theme, Theme.id == Question.theme_id)
        .where(Question.event_id == event_id, Question.text != ERASED_TEXT)
        .order_by(Question.upvotes.desc(), Question.created_at, Question.id)
    )
    return tuple(
        QuestionItem(
            text=q.text,
            theme=theme or "",
            upvotes=q.upvotes,
            status=q.status.value,
            answer=q.answer,
        )
        for q, theme in s.execute(query)
    )


def _actions(s: Session, programme_id: str) -> tuple[ActionItem, ...]:
    query = (
        select(Action, Theme.name, Priority.title)
        .outerjoin(Theme, Theme.id == Action.theme_id)
        .outerjoin(Priority, Priority.id == Action.priority_id)
        .where(Action.programme_id == programme_id)
    )
    rows = list(s.execute(query))
    rows.sort(
        key=lambda r: (
            _ACTION_ORDER.get(r[0].status, 9),
            r[0].due_on is None,
            r[0].due_on.isoformat() if r[0].due_on else "",
            r[0].created_at.isoformat(),
        )
    )
    return tuple(
        ActionItem(
            you_said=action.you_said,
            we_did=action.we_did,
            owner=action.owner,
            status=action.status.value,
            # Due dates are held at midday UTC, which is the same day in London.
            due=action.due_on.date().isoformat() if action.due_on else None,
            theme=theme or "",
            priority=priority or "",
        )
        for action, theme, priority in rows
    )


# ---- the event itself ------------------------------------------------------------------


def _facts(event: Event, venue: Venue | None) -> EventFacts:
    return EventFacts(
        id=event.id,
        short_code=event.short_code,
        title=event.title,
        kind=event.kind.value,
        kind_label=EventKind(event.kind).label,
        status=event.status.value,
        starts_at=event.starts_at.isoformat(),
        ends_at=event.ends_at.isoformat(),
        when=format_when(event.starts_at, event.ends_at),
        date=to_local(event.starts_at).date().isoformat(),
        venue=venue.name if venue else "",
        venue_address=", ".join(p for p in (venue.address, venue.postcode) if p) if venue else "",
        online=event.kind is EventKind.WEBINAR or bool(event.online_link),
    )


def _notes(threshold: int) -> tuple[str, ...]:
    if threshold <= 1:
        return ("No names are shown. Quotes appear only where the person agreed.",)
    return (
        "No names are shown. Quotes appear only where the person agreed to be quoted.",
        f"Numbers from 1 to {threshold - 1} are shown as 'fewer than {threshold}'. Some "
        f"other numbers are 'not shown' ({threshold} or more), and a ranking's table of "
        "places (before any score), a score or a count of paper-wall dots may be withheld, so "
        "that no small number can be worked out from the figures printed (totals, scores, "
        "means or shares).",
        f"Scores are shown when at least {threshold} people answered; a group's top "
        f"priority when the group has at least {threshold} people.",
    )
