"""The summary objects: the one set of numbers the CLI, the GUI's charts and the PDFs show.

Plain frozen dataclasses built by ``services.summary``; nothing here touches the database,
so reports can render them without it. Every count of people is a :class:`Cell` that has
already been through suppression; :meth:`EventSummary.to_dict` gives plain JSON-able data.

The plain-English readings ("Earlier help and prevention was ranked first most often (12 of
30 people).") are written here from the published numbers only, so a reading can never name
a person or quote a number that is hidden.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engagement_desk.core.scoring import NOT_SHOWN, Cell

METHOD_LABELS = {"dots": "Dot voting", "ranking": "Ranking", "points": "100 points"}

NOT_GIVEN = "not given"
WITHHELD = "not shown: would reveal a small number"
"""What a report prints in place of a score, mean, share or tally that is withheld."""


def to_plain(value: Any) -> Any:
    """Dataclasses, tuples and enums as dicts, lists and strings, ready for ``json.dumps``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value


# ---- parts of an event summary -----------------------------------------------------


@dataclass(frozen=True)
class EventFacts:
    id: str
    short_code: str
    title: str
    kind: str  # venue, webinar, drop-in, workshop
    kind_label: str
    status: str
    starts_at: str  # ISO 8601, UTC
    ends_at: str
    when: str  # 'Tue 3 Mar 2026, 10:00–12:00', UK time
    date: str  # ISO date, UK
    venue: str
    venue_address: str
    online: bool


@dataclass(frozen=True)
class Attendance:
    """Registered means holding a place (walk-ins included, as they register at the door);
    checked in = registered people who came; no-shows = registered people who did not."""

    registered: Cell
    checked_in: Cell
    walk_ins: Cell
    no_shows: Cell
    checked_in_percent: str | None  # of those registered
    walk_ins_percent: str | None  # of those checked in
    no_shows_percent: str | None  # of those registered


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    count: Cell
    percent: str | None


@dataclass(frozen=True)
class ProfileBreakdown:
    """Who came, by one characteristic, over the checked-in people whose details we hold."""

    dimension: str  # area, age_band, setting, ehcp_status, need_areas
    title: str
    rows: tuple[BreakdownRow, ...]
    total: Cell
    adds_up: bool  # False for areas of need: one person may have several
    withheld: bool
    note: str


@dataclass(frozen=True)
class PriorityScore:
    """One priority's score by one method.

    ``total``: dots, Borda points or points; None when withheld because, with the counts
    printed beside it, it would reveal a small number (then ``mean`` and ``place`` are None
    too). ``mean``: Borda mean (out of the number of priorities) or mean points per person;
    None for dots. ``share``: of all dots or points. ``place``: among the priorities whose
    scores are shown. ``positions``: for rankings, how many people put it 1st, 2nd, ...
    (suppressed).
    """

    priority_id: str
    position: int
    title: str
    total: int | None
    mean: float | None
    share: str | None
    place: int | None
    positions: tuple[Cell, ...]

    @property
    def withheld(self) -> bool:
        return self.total is None


@dataclass(frozen=True)
class GroupTop:
    """The top priority of the people in one group (linked responses only)."""

    group: str
    responses: Cell
    top: tuple[str, ...]  # priority titles; empty when the group is too small to say


@dataclass(frozen=True)
class GroupBreakdown:
    dimension: str
    title: str
    rows: tuple[GroupTop, ...]
    total: Cell
    note: str


@dataclass(frozen=True)
class MethodResult:
    """What people said by one method (dots, ranking or points)."""

    method: str
    label: str
    responses: Cell  # people who responded this way (paper-wall dots are not people)
    # Dots method only: counted off a paper dot wall; None when withheld (fewer than N people
    # placed dots at the desk, and the wall's count would reveal how many).
    tally_dots: int | None
    linked_responses: Cell
    shown: bool  # False when too few people responded to show scores
    scores: tuple[PriorityScore, ...]  # in the programme's order
    order: tuple[tuple[str, ...], ...]  # titles by place, highest first; ties share a place
    reading: str
    by_group: tuple[GroupBreakdown, ...]


@dataclass(frozen=True)
class ThemeCount:
    theme: str
    comments: Cell


@dataclass(frozen=True)
class Quote:
    text: str


@dataclass(frozen=True)
class QuestionItem:
    text: str
    theme: str
    upvotes: int
    status: str
    answer: str


@dataclass(frozen=True)
class ActionItem:
    you_said: str
    we_did: str
    owner: str
    status: str
    due: str | None  # ISO date
    theme: str
    priority: str


@dataclass(frozen=True)
class EventSummary:
    generated_at: str
    programme: str
    forum: str
    area: str
    threshold: int
    event: EventFacts
    attendance: Attendance
    profile: tuple[ProfileBreakdown, ...]
    profile_total: Cell  # checked-in people whose details we hold
    methods: tuple[MethodResult, ...]
    comments: Cell
    themes: tuple[ThemeCount, ...]
    quotes: tuple[Quote, ...]
    questions: tuple[QuestionItem, ...]
    actions: tuple[ActionItem, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        plain: dict[str, Any] = to_plain(self)
        plain["format"] = "engagement-desk event summary 1"
        return plain

    def method(self, name: str) -> MethodResult | None:
        return next((m for m in self.methods if m.method == name), None)


# ---- parts of a programme summary -----------------------------------------------------


@dataclass(frozen=True)
class EventAttendanceRow:
    event_id: str
    short_code: str
    title: str
    kind: str
    date: str
    when: str
    venue: str
    attendance: Attendance


@dataclass(frozen=True)
class AttendanceTotals:
    events: int
    attendance: Attendance


@dataclass(frozen=True)
class PriorityPoint:
    """Where one priority stood at one event (by the event's main method)."""

    event_id: str
    short_code: str
    date: str
    method: str
    place: int
    score: str  # 'mean 3.4 out of 5', '27% of dots', 'mean 24 points'


@dataclass(frozen=True)
class PriorityTrend:
    priority_id: str
    position: int
    title: str
    points: tuple[PriorityPoint, ...]
    first_place: int | None
    last_place: int | None
    change: str  # 'rose', 'fell', 'no change', or '' with fewer than two events of data


@dataclass(frozen=True)
class ThemeAcross:
    theme: str
    comments: Cell
    events: int  # events where it came up


@dataclass(frozen=True)
class ProgrammeSummary:
    generated_at: str
    programme: str
    forum: str
    area: str
    threshold: int
    date_from: str | None
    date_to: str | None
    events: tuple[EventAttendanceRow, ...]
    totals: AttendanceTotals
    priorities: tuple[PriorityTrend, ...]
    trend_reading: str
    themes: tuple[ThemeAcross, ...]
    actions: tuple[ActionItem, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        plain: dict[str, Any] = to_plain(self)
        plain["format"] = "engagement-desk programme summary 1"
        return plain


# ---- readings ------------------------------------------------------------------------


def join_titles(titles: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(titles)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _people(count: int) -> str:
    return f"{count:,} {'person' if count == 1 else 'people'}"


def _mean(value: float) -> str:
    return f"{value:.1f}"


def withheld_reading(method: str, threshold: int) -> str:
    doing = {"dots": "placed dots", "ranking": "ranked the priorities", "points": "shared points"}
    return (
        f"Fewer than {threshold} people {doing[method]}, so the scores are not shown "
        "(no one's answers can be picked out)."
    )


def nobody_reading(method: str) -> str:
    return {
        "dots": "No dots were placed at this event.",
        "ranking": "No one ranked the priorities at this event.",
        "points": "No one shared their 100 points at this event.",
    }[method]


def ranking_reading(
    scores: Sequence[PriorityScore], responses: Cell, order: Sequence[Sequence[str]]
) -> str:
    """From published numbers only: the highest Borda score and the most first places."""
    if scores and not order and all(s.withheld for s in scores):
        return (
            "The scores are not shown: with the counts below, they would reveal small "
            "numbers. How many people put each priority in each place is shown below."
        )
    if not scores or responses.value is None or not order:
        return ""
    n = len(scores)
    top = list(order[0])
    best = next(s for s in scores if s.title == top[0])
    mean = _mean(best.mean or 0.0)
    withheld = [s.title for s in scores if s.withheld]
    among = "Of the priorities whose scores are shown, " if withheld else ""
    if len(top) == 1:
        first = f"{among}{top[0]} had the highest overall score (mean {mean} out of {n})."
    else:
        first = (
            f"{among}{join_titles(top)} shared the highest overall score (mean {mean} out of {n})."
        )
    if withheld:
        first = first[0].upper() + first[1:]
        were = "was" if len(withheld) == 1 else "were"
        first += (
            f" The scores of {join_titles(withheld)} {were} not shown, as they would reveal a "
            "small number."
        )
    firsts = [(s, s.positions[0]) for s in scores if s.positions]
    if any(cell.text == NOT_SHOWN for _, cell in firsts):
        return first  # a count hidden as 'not shown' might be the largest: say no more
    # A 'fewer than N' count is below every shown count that is not 0.
    most = max((cell.value for _, cell in firsts if cell.value is not None), default=0)
    if most == 0:
        return first
    leaders = [s.title for s, cell in firsts if cell.value == most]
    of = f"{most:,} of {_people(responses.value)}"
    if len(leaders) == 1:
        second = f"{leaders[0]} was ranked first most often ({of})."
    else:
        second = f"{join_titles(leaders)} were each ranked first by {of}."
    return f"{first} {second}"


def dots_reading(scores: Sequence[PriorityScore], tally_dots: int | None) -> str:
    total = sum(s.total or 0 for s in scores)
    if total == 0:
        return nobody_reading("dots")
    most = max(s.total or 0 for s in scores)
    leaders = [s for s in scores if s.total == most]
    share = leaders[0].share or ""
    paper = f", including {tally_dots:,} counted off the paper dot wall" if tally_dots else ""
    if tally_dots is None:
        paper = ", including dots counted off the paper dot wall"
    if len(leaders) == 1:
        return (
            f"{leaders[0].title} received the most dots ({most:,} of {total:,} dots, "
            f"{share}{paper})."
        )
    return (
        f"{join_titles([s.title for s in leaders])} received the most dots "
        f"({most:,} each of {total:,} dots{paper})."
    )


def points_reading(scores: Sequence[PriorityScore], responses: Cell) -> str:
    if responses.value is None or not scores:
        return ""
    most = max(s.total or 0 for s in scores)
    leaders = [s for s in scores if s.total == most]
    mean = f"{round(leaders[0].mean or 0.0)}"
    if len(leaders) == 1:
        return (
            f"{leaders[0].title} received the most points: {mean} on average out of 100 "
            f"({_people(responses.value)})."
        )
    return (
        f"{join_titles([s.title for s in leaders])} received the most points: {mean} each "
        f"on average out of 100 ({_people(responses.value)})."
    )


def trend_reading(trends: Sequence[PriorityTrend]) -> str:
    rose = [t.title for t in trends if t.change == "rose"]
    fell = [t.title for t in trends if t.change == "fell"]
    if not any(t.change for t in trends):
        return "There are not yet two events with scores to compare."
    parts = []
    if rose:
        parts.append(f"{join_titles(rose)} rose")
    if fell:
        parts.append(f"{join_titles(fell)} fell")
    if not parts:
        return "The priorities stood in the same places at the first and the latest event."
    return "Between the first and the latest event with scores, " + "; ".join(parts) + "."
