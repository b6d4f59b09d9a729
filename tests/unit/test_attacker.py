"""The attacker: try to work every hidden number back out from what the reports print.

For each summary this collects every number a report prints (read from the same summary object
the PDF and the HTML draw), writes down every true relation between them as integer
constraints, and asks an integer programming solver (HiGHS, through ``scipy.optimize.milp``)
for the smallest and the largest value each hidden count can take. A hidden count is safe
when the two differ: the printed figures leave at least two possibilities.

What the attacker knows (all of it true of every event, and most of it printed):

- a shown count is exact; "fewer than N" is 1 to N-1; "not shown" is N or more (the
  suppression rule says so);
- attendance: registered = checked in + no-shows, walk-ins are among those checked in, the
  people described are among those checked in; a percentage bounds its two numbers;
- who came: each breakdown's rows add up to its total (areas of need: each row is at most the
  total, and together they cover it);
- rankings: a priority's score is 5 x its first places + 4 x its seconds + ... (with n
  priorities, a first place is worth n); every ranking has a first place, so the first places
  add up to the rankings; a ranking with a 3rd place has a 2nd, so the places' totals never
  rise; nobody ranks more than the event's top-k; a priority is ranked by at most everyone; a
  mean bounds score / rankings; places order the scores; a reading's "ranked first most often
  (m of ...)" bounds every first-place count by m;
- dots: the dots placed at the desk are all dots minus the paper wall's, and each person
  placed between 1 and the event's dots each; points: everyone shares exactly 100;
- comments: each theme's count is at most the comments, and so is the number of quotes;
- the programme: each column of the attendance table adds up to its total, each theme's total
  is the sum over events, and every event's own summary is public too, with all its
  relations; a trend's "mean 3.4 out of 5" or "27% of dots" bounds that event's score.
"""

from __future__ import annotations

import io
import math
import random
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from sqlalchemy import select

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.scoring import Cell, count_cell
from engagement_desk.core.summary import (
    EventSummary,
    MethodResult,
    PriorityScore,
    ProgrammeSummary,
)
from engagement_desk.core.suppression import SMALL, protect_ranking
from engagement_desk.db.models import (
    CheckIn,
    Comment,
    Event,
    Person,
    Priority,
    Programme,
    Registration,
    RegistrationStatus,
    Response,
    ResponseMethod,
    ResponseScore,
    Tally,
    Theme,
)
from engagement_desk.paths import AppPaths
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event

NOW = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
LAST_WEEK = NOW - timedelta(days=7)

BIG = 100_000  # no count of people at an event comes near this
QUOTE_LIMIT = 15  # the event report prints at most this many quotes


# ---- the solver ---------------------------------------------------------------------------


@dataclass
class Attacker:
    threshold: int
    lower: dict[str, int] = field(default_factory=dict)
    upper: dict[str, int] = field(default_factory=dict)
    hidden: dict[str, str] = field(default_factory=dict)  # name -> label as printed
    # Counts not printed at all (a ranking's withheld table of places): one may be 0 or
    # anything, but a single possible value from 1 to N-1 gives a small number away.
    unprinted: set[str] = field(default_factory=set)
    equal: list[tuple[dict[str, int], int]] = field(default_factory=list)
    at_most: list[tuple[dict[str, int], int]] = field(default_factory=list)

    def var(self, name: str, low: int = 0, high: int = BIG) -> str:
        if name in self.lower:
            self.lower[name] = max(self.lower[name], low)
            self.upper[name] = min(self.upper[name], high)
        else:
            self.lower[name], self.upper[name] = low, high
        return name

    def cell(self, name: str, cell: Cell) -> str:
        """A published count, with the range its label gives."""
        if not cell.suppressed:
            assert cell.value is not None
            return self.var(name, cell.value, cell.value)
        assert cell.value is None, f"{name}: a hidden cell carries its number"
        self.hidden[name] = cell.text
        if cell.text.startswith("fewer than"):
            return self.var(name, 1, self.threshold - 1)
        assert cell.text == "not shown", cell.text
        return self.var(name, self.threshold, BIG)

    def eq(self, terms: Mapping[str, int], rhs: int = 0) -> None:
        self.equal.append((dict(terms), rhs))

    def le(self, terms: Mapping[str, int], rhs: int = 0) -> None:
        self.at_most.append((dict(terms), rhs))

    def ge(self, terms: Mapping[str, int], rhs: int = 0) -> None:
        self.le({k: -c for k, c in terms.items()}, -rhs)

    def ratio(
        self,
        part: str,
        whole: str,
        value: float,
        decimals: int,
        scale: int = 1,
        slack: float = 0.0,
    ) -> None:
        """``scale * part / whole`` rounds to ``value`` (to ``decimals`` places); ``slack``
        widens the interval for a number rounded twice (a mean kept to 2 places, printed to
        1)."""
        half = 0.5 / 10**decimals + slack
        low = math.floor((value - half) * 10_000)
        high = math.ceil((value + half) * 10_000)
        # low / 10,000 <= scale * part / whole <= high / 10,000
        self.ge({part: 10_000 * scale, whole: -low})
        self.le({part: 10_000 * scale, whole: -high})

    def share(self, part: str, parts: Sequence[str], percent: int) -> None:
        """``part`` is ``percent``% (rounded) of the sum of ``parts`` (which include it)."""
        for sign, edge in ((-1, 2 * percent - 1), (1, 2 * percent + 1)):
            terms = {name: -edge for name in parts}
            terms[part] = terms.get(part, 0) + 200
            # sign -1: 200 part - (2p - 1) sum >= 0; sign 1: 200 part - (2p + 1) sum <= 0
            if sign == -1:
                self.ge(terms)
            else:
                self.le(terms)

    def percent(self, part: str, whole: str, text: str | None) -> None:
        if text:
            self.ratio(part, whole, float(text.rstrip("%")), 0, scale=100)

    # ---- solving

    def _matrices(self) -> tuple[list[str], list[LinearConstraint]]:
        names = list(self.lower)
        index = {n: i for i, n in enumerate(names)}
        constraints = []
        for rows, kind in ((self.equal, "eq"), (self.at_most, "le")):
            if not rows:
                continue
            a = np.zeros((len(rows), len(names)))
            b = np.zeros(len(rows))
            for r, (terms, rhs) in enumerate(rows):
                for name, coefficient in terms.items():
                    a[r, index[name]] += coefficient
                b[r] = rhs
            low = b if kind == "eq" else np.full(len(rows), -np.inf)
            constraints.append(LinearConstraint(a, low, b))
        return names, constraints

    def ranges(self) -> dict[str, tuple[int, int]]:
        """Each hidden count's smallest and largest possible value under everything printed."""
        names, constraints = self._matrices()
        bounds = Bounds(
            np.array([self.lower[n] for n in names], dtype=float),
            np.array([self.upper[n] for n in names], dtype=float),
        )
        integrality = np.ones(len(names))
        found: dict[str, tuple[int, int]] = {}
        watched = [*self.hidden, *(n for n in self.unprinted if self.upper[n] > 0)]
        for name in watched:
            ends = []
            for sign in (1, -1):
                c = np.zeros(len(names))
                c[names.index(name)] = sign
                result = milp(c, constraints=constraints, bounds=bounds, integrality=integrality)
                assert result.success, f"the printed figures contradict each other: {result}"
                ends.append(round(result.x[names.index(name)]))
            found[name] = (ends[0], ends[1])
        return found

    def pinned(self) -> dict[str, tuple[int, int]]:
        """Hidden counts the attacker worked out: a single possible value (for a count not
        printed at all, a single value from 1 to N-1)."""
        return {
            name: r
            for name, r in self.ranges().items()
            if r[0] == r[1] and (name in self.hidden or 0 < r[0] < self.threshold)
        }


# ---- what an event summary prints ----------------------------------------------------------


@dataclass(frozen=True)
class EventRules:
    """What an attacker knows about how the event asked (said at the event, and in the
    report's methods note)."""

    priorities: int
    dots_each: int
    top_k: int


def _sum(names: Iterable[str]) -> dict[str, int]:
    terms: dict[str, int] = {}
    for name in names:
        terms[name] = terms.get(name, 0) + 1
    return terms


def add_event(att: Attacker, summary: EventSummary, rules: EventRules, prefix: str = "") -> None:
    p = prefix
    a = summary.attendance
    registered = att.cell(f"{p}registered", a.registered)
    checked_in = att.cell(f"{p}checked_in", a.checked_in)
    walk_ins = att.cell(f"{p}walk_ins", a.walk_ins)
    no_shows = att.cell(f"{p}no_shows", a.no_shows)
    att.eq({registered: -1, checked_in: 1, no_shows: 1})
    att.le({walk_ins: 1, checked_in: -1})
    att.percent(checked_in, registered, a.checked_in_percent)
    att.percent(walk_ins, checked_in, a.walk_ins_percent)
    att.percent(no_shows, registered, a.no_shows_percent)

    described = att.cell(f"{p}described", summary.profile_total)
    att.le({described: 1, checked_in: -1})
    for breakdown in summary.profile:
        if breakdown.withheld:
            continue
        total = att.cell(f"{p}described", breakdown.total)
        rows = [
            att.cell(f"{p}profile:{breakdown.dimension}:{row.label}", row.count)
            for row in breakdown.rows
        ]
        _breakdown(att, rows, total, breakdown.adds_up)
        for row, name in zip(breakdown.rows, rows, strict=True):
            att.percent(name, total, row.percent)

    for method in summary.methods:
        _method(att, method, rules, f"{p}{method.method}:")

    comments = att.cell(f"{p}comments", summary.comments)
    for theme in summary.themes:
        att.le({att.cell(f"{p}theme:{theme.theme}", theme.comments): 1, comments: -1})
    att.ge({comments: 1}, min(len(summary.quotes), QUOTE_LIMIT))


def _breakdown(att: Attacker, rows: Sequence[str], total: str, adds_up: bool) -> None:
    if not rows:
        return
    if adds_up:
        att.eq({**_sum(rows), total: -1})
    else:
        for row in rows:
            att.le({row: 1, total: -1})
        att.ge({**_sum(rows), total: -1})


def _method(att: Attacker, method: MethodResult, rules: EventRules, p: str) -> None:
    responses = att.cell(f"{p}responses", method.responses)
    linked = att.cell(f"{p}linked", method.linked_responses)
    att.le({linked: 1, responses: -1})
    for group in method.by_group:
        total = att.cell(f"{p}linked", group.total)
        rows = [att.cell(f"{p}group:{group.dimension}:{r.group}", r.responses) for r in group.rows]
        _breakdown(att, rows, total, group.dimension != "need_areas")
    if not method.shown:
        return
    n = rules.priorities
    score = {s.priority_id: att.var(f"{p}score:{s.priority_id}") for s in method.scores}
    for s in method.scores:
        if s.total is not None:
            att.var(score[s.priority_id], s.total, s.total)
    # Places order the scores that have one.
    placed = [s for s in method.scores if s.place is not None]
    for x in placed:
        for y in placed:
            assert x.place is not None and y.place is not None
            if x.place < y.place:
                att.ge({score[x.priority_id]: 1, score[y.priority_id]: -1}, 1)
            elif x.place == y.place and x.priority_id < y.priority_id:
                att.eq({score[x.priority_id]: 1, score[y.priority_id]: -1})
    if method.method == "ranking":
        places = [[f"{p}place:{s.priority_id}:{k + 1}" for k in range(n)] for s in method.scores]
        for s, row in zip(method.scores, places, strict=True):
            assert len(s.positions) in (0, n)  # none when the whole table is withheld
            for name, cell in zip(row, s.positions or (None,) * n, strict=True):
                if cell is not None:
                    att.cell(name, cell)
                else:
                    att.unprinted.add(name)
            for name in row:
                att.var(name)
                att.le({name: 1, responses: -1})
            att.eq({**{name: n - k for k, name in enumerate(row)}, score[s.priority_id]: -1})
            att.le({**_sum(row), responses: -1})
            if s.mean is not None:
                att.ratio(score[s.priority_id], responses, s.mean, 2)
        columns = [[row[k] for row in places] for k in range(n)]
        att.eq({**_sum(columns[0]), responses: -1})
        for k in range(1, n):
            att.le({**_sum(columns[k]), **{name: -1 for name in columns[k - 1]}})
            if k >= rules.top_k:
                for name in columns[k]:
                    att.var(name, 0, 0)
        att.le({**_sum(name for column in columns for name in column), responses: -rules.top_k})
        found = re.search(r"ranked first (?:most often \(|by )([\d,]+)", method.reading)
        if found:
            most = int(found.group(1).replace(",", ""))
            for name in columns[0]:
                att.var(name, 0, most)
    elif method.method == "dots":
        desk = att.var(f"{p}desk_dots")
        wall = att.var(f"{p}wall_dots")
        if method.tally_dots is not None:
            att.var(wall, method.tally_dots, method.tally_dots)
        else:
            att.var(wall, 1, BIG)  # withheld, but said to be there
        att.eq({**_sum(score.values()), desk: -1, wall: -1})
        att.le({responses: 1, desk: -1})
        att.le({desk: 1, responses: -rules.dots_each})
        _shares(att, method, score)
    else:
        att.eq({**_sum(score.values()), responses: -100})
        for s in method.scores:
            if s.mean is not None:
                att.ratio(score[s.priority_id], responses, s.mean, 2)
        _shares(att, method, score)


def _shares(att: Attacker, method: MethodResult, score: Mapping[str, str]) -> None:
    for s in method.scores:
        if s.share:
            att.share(score[s.priority_id], list(score.values()), int(s.share.rstrip("%")))


# ---- what a programme summary prints --------------------------------------------------------


def add_programme(
    att: Attacker,
    summary: ProgrammeSummary,
    events: Mapping[str, EventSummary],
    rules: Mapping[str, EventRules],
) -> None:
    for row in summary.events:
        prefix = f"{row.event_id}/"
        add_event(att, events[row.event_id], rules[row.event_id], prefix)
        a = row.attendance
        for name in ("registered", "checked_in", "walk_ins", "no_shows"):
            att.cell(f"{prefix}{name}", getattr(a, name))
    totals = summary.totals.attendance
    names = {}
    for name in ("registered", "checked_in", "walk_ins", "no_shows"):
        names[name] = att.cell(f"total:{name}", getattr(totals, name))
        att.eq({**_sum(f"{r.event_id}/{name}" for r in summary.events), names[name]: -1})
    att.eq({names["registered"]: -1, names["checked_in"]: 1, names["no_shows"]: 1})
    att.percent(names["checked_in"], names["registered"], totals.checked_in_percent)
    att.percent(names["walk_ins"], names["checked_in"], totals.walk_ins_percent)
    att.percent(names["no_shows"], names["registered"], totals.no_shows_percent)

    for theme in summary.themes:
        parts = []
        for row in summary.events:
            listed = {t.theme for t in events[row.event_id].themes}
            name = f"{row.event_id}/theme:{theme.theme}"
            if theme.theme in listed:
                parts.append(name)
        att.eq({**_sum(parts), att.cell(f"total:theme:{theme.theme}", theme.comments): -1})

    for trend in summary.priorities:
        for point in trend.points:
            event = events[point.event_id]
            method = event.method(point.method)
            assert method is not None
            prefix = f"{point.event_id}/{point.method}:"
            score = f"{prefix}score:{trend.priority_id}"
            responses = f"{prefix}responses"
            found = re.fullmatch(r"mean ([\d.]+) out of \d+", point.score)
            if found:
                att.ratio(score, responses, float(found.group(1)), 1, slack=0.005)
            found = re.fullmatch(r"mean ([\d.]+) points", point.score)
            if found:
                att.ratio(score, responses, float(found.group(1)), 0, slack=0.005)
            found = re.fullmatch(r"(\d+)% of dots", point.score)
            if found:
                everything = [f"{prefix}score:{s.priority_id}" for s in method.scores]
                att.share(score, everything, int(found.group(1)))


# ---- building events ------------------------------------------------------------------------


def rules_of(desk: Desk, event_id: str) -> EventRules:
    settings = desk.voices.capture_settings(event_id)
    return EventRules(len(settings.priorities), settings.dots_per_person, settings.ranking_top_k)


def attack_event(desk: Desk, event_id: str) -> tuple[Attacker, EventSummary]:
    summary = desk.summaries.event_summary(event_id)
    att = Attacker(summary.threshold)
    add_event(att, summary, rules_of(desk, event_id))
    return att, summary


def attack_programme(desk: Desk) -> tuple[Attacker, ProgrammeSummary]:
    summary = desk.summaries.programme_summary()
    events = {row.event_id: desk.summaries.event_summary(row.event_id) for row in summary.events}
    rules = {row.event_id: rules_of(desk, row.event_id) for row in summary.events}
    att = Attacker(summary.threshold)
    add_programme(att, summary, events, rules)
    return att, summary


def assert_safe(att: Attacker) -> None:
    found = att.ranges()
    ranges = {k: r for k, r in found.items() if k in att.hidden}
    if att.threshold <= 2:
        # "fewer than 2" says 1 by itself; only the "not shown" counts can be protected.
        ranges = {k: r for k, r in ranges.items() if att.hidden[k] == "not shown"}
    pinned = {name: r for name, r in ranges.items() if r[0] == r[1]}
    assert not pinned, f"hidden counts worked out: {pinned}"
    unprinted = {k: r for k, r in found.items() if k not in att.hidden}
    small = {k: r for k, r in unprinted.items() if r[0] == r[1] and 0 < r[0] < att.threshold}
    assert not small, f"counts in a withheld table worked out: {small}"
    for name, (low, high) in ranges.items():
        if att.hidden[name].startswith("fewer than"):
            assert 1 <= low < high <= att.threshold - 1, name
        else:
            assert att.threshold <= low < high, name


# ---- the demo ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterable[Desk]:
    home = tmp_path_factory.mktemp("demo")
    desk = open_desk(
        AppPaths(home / "home").ensure(), clock=FakeClock(datetime(2026, 4, 15, 9, 0, tzinfo=UTC))
    )
    desk.demo.fill(people=60)
    yield desk
    desk.close()


def test_the_demo_events_hide_nothing_that_can_be_worked_out(demo_desk: Desk) -> None:
    held = demo_desk.summaries.programme_summary().events
    assert held, "the demo has past events"
    for row in held:
        att, _ = attack_event(demo_desk, row.event_id)
        assert att.hidden, "the demo has small numbers to hide"
        assert_safe(att)


def test_the_demo_programme_hides_nothing_that_can_be_worked_out(demo_desk: Desk) -> None:
    att, _ = attack_programme(demo_desk)
    assert_safe(att)


def test_every_demo_event_that_collected_rankings_shows_its_ranking_scores(
    demo_desk: Desk,
) -> None:
    """The scores are the finding: place counts give way first, so every demo event with
    rankings shows a score for every priority, and the attacker still pins nothing."""
    checked = 0
    for row in demo_desk.summaries.programme_summary().events:
        method = demo_desk.summaries.event_summary(row.event_id).method("ranking")
        if method is None or method.responses.value == 0:
            continue
        checked += 1
        missing = [s.title for s in method.scores if s.total is None]
        assert method.shown and not missing, (
            f"{row.title}: the ranking scores of {missing} are withheld; the attacker must "
            "show that even with every place count hidden they would pin a small number"
        )
    assert checked >= 5, "the demo has five events with rankings"


# ---- random events ---------------------------------------------------------------------------


def fill_event(desk: Desk, rng: random.Random, title: str, days_ago: int) -> str:
    """A small held event with random people, responses by every method, a paper wall and
    comments, written straight to the database."""
    event = desk.events.create(
        venue_event(title, starts_at=NOW - timedelta(days=days_ago), capacity=None)
    )
    with desk.db.transaction() as s:
        row = s.get_one(Event, event.id)
        row.capture_methods = ["dots", "ranking", "points"]
        row.dots_per_person = rng.randint(1, 5)
        row.ranking_top_k = rng.randint(1, 5)
        priorities = list(s.scalars(select(Priority).order_by(Priority.position)))
        themes = list(s.scalars(select(Theme)))
        registrations = []
        for n in range(rng.randint(0, 16)):
            walk_in = rng.random() < 0.2
            person = Person(
                device_id=desk.device.id,
                full_name=f"Parent {title} {n}",
                postcode_district=rng.choice(["BL9", "BL8", "M26", ""]),
                child_age_band=rng.choice(["5-10", "11-16", None]),
                need_areas=rng.sample(["autism", "ADHD", "learning"], rng.randint(0, 2)),
                consent_store=True,
                consent_special_category=rng.random() < 0.7,
                consent_quote=rng.random() < 0.5,
            )
            registration = Registration(
                device_id=desk.device.id,
                event_id=event.id,
                person=person,
                status=RegistrationStatus.REGISTERED,
                ticket_id=secrets.token_hex(8),
                source="walk-in" if walk_in else "online form",
            )
            s.add_all([person, registration])
            s.flush()
            if walk_in or rng.random() < 0.75:
                s.add(
                    CheckIn(
                        device_id=desk.device.id,
                        registration_id=registration.id,
                        event_id=event.id,
                        method="walk-in" if walk_in else "scanner",
                        walk_in=walk_in,
                        checked_in_at=row.starts_at,
                    )
                )
                registrations.append(registration.id)

        def response(method: ResponseMethod, values: dict[str, int]) -> None:
            linked = rng.choice([None, *registrations]) if registrations else None
            s.add(
                Response(
                    device_id=desk.device.id,
                    event_id=event.id,
                    registration_id=linked,
                    method=method,
                    scores=[ResponseScore(priority_id=p, value=v) for p, v in values.items()],
                )
            )

        ids = [p.id for p in priorities]
        weights = [rng.random() + 0.1 for _ in ids]  # this event leans somewhere
        for _ in range(rng.choice([0, rng.randint(1, 6), rng.randint(5, 30)])):
            k = rng.randint(1, row.ranking_top_k)
            pool, order = list(ids), []
            while len(order) < k:
                pick = rng.choices(pool, [weights[ids.index(p)] for p in pool])[0]
                pool.remove(pick)
                order.append(pick)
            response(ResponseMethod.RANKING, {p: place for place, p in enumerate(order, 1)})
        for _ in range(rng.choice([0, rng.randint(1, 6), rng.randint(5, 20)])):
            dots: dict[str, int] = {}
            for _ in range(rng.randint(1, row.dots_per_person)):
                pick = rng.choices(ids, weights)[0]
                dots[pick] = dots.get(pick, 0) + 1
            response(ResponseMethod.DOTS, dots)
        for _ in range(rng.choice([0, rng.randint(1, 6), rng.randint(5, 15)])):
            points: dict[str, int] = {}
            for _ in range(10):
                pick = rng.choices(ids, weights)[0]
                points[pick] = points.get(pick, 0) + 10
            response(ResponseMethod.POINTS, points)
        if rng.random() < 0.5:
            for p in rng.sample(ids, rng.randint(1, len(ids))):
                s.add(
                    Tally(
                        device_id=desk.device.id,
                        event_id=event.id,
                        priority_id=p,
                        dots=rng.randint(1, 12),
                    )
                )
        for n in range(rng.randint(0, 9)):
            s.add(
                Comment(
                    device_id=desk.device.id,
                    event_id=event.id,
                    text=f"Comment {n} about the day",
                    quote_permission=rng.random() < 0.6,
                    themes=rng.sample(themes, rng.randint(0, 2)),
                )
            )
    return event.id


def fresh_desk(tmp: Path, threshold: int) -> Desk:
    desk = open_desk(AppPaths(tmp / "home").ensure(), clock=FakeClock(NOW))
    desk.programmes.ensure_seeded()
    set_threshold(desk, threshold)
    return desk


@pytest.fixture(scope="module")
def random_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterable[Desk]:
    """One database for every random event: each example adds its own event."""
    desk = fresh_desk(tmp_path_factory.mktemp("random"), 5)
    yield desk
    desk.close()


def set_threshold(desk: Desk, threshold: int) -> None:
    with desk.db.transaction() as s:
        for programme in s.scalars(select(Programme)):
            programme.suppression_threshold = threshold


@hypothesis_settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), threshold=st.sampled_from([5, 5, 3, 10]))
def test_random_events_hide_nothing_that_can_be_worked_out(
    random_desk: Desk, seed: int, threshold: int
) -> None:
    set_threshold(random_desk, threshold)
    event_id = fill_event(random_desk, random.Random(seed), f"Random event {seed}", 7)
    att, _ = attack_event(random_desk, event_id)
    assert_safe(att)


@pytest.mark.slow
@hypothesis_settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_programmes_hide_nothing_that_can_be_worked_out(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    rng = random.Random(seed)
    desk = fresh_desk(tmp_path_factory.mktemp("programme"), 5)
    try:
        for n in range(rng.randint(2, 4)):
            fill_event(desk, rng, f"Event {n}", 7 + 7 * n)
        att, _ = attack_programme(desk)
        assert_safe(att)
    finally:
        desk.close()


# ---- the attacker has teeth --------------------------------------------------------------------


def _ranking_method(rows: Sequence[tuple[int, Sequence[Cell]]], rankings: int) -> MethodResult:
    scores = tuple(
        PriorityScore(
            priority_id=f"p{i}",
            position=i + 1,
            title=f"Priority {i + 1}",
            total=total,
            mean=round(total / rankings, 2),
            share=None,
            place=1 + sum(1 for other, _ in rows if other > total),
            positions=tuple(cells),
        )
        for i, (total, cells) in enumerate(rows)
    )
    return MethodResult(
        method="ranking",
        label="Ranking",
        responses=Cell.shown(rankings),
        tally_dots=0,
        linked_responses=Cell.shown(0),
        shown=True,
        scores=scores,
        order=(),
        reading="",
        by_group=(),
    )


def test_the_attacker_works_out_the_first_places_in_the_finding() -> None:
    """The issue's example: a score of 71 with 5 second places and 7 third places gives
    (71 - 5 x 4 - 7 x 3) / 5 = 6 first places, whatever the table calls them."""
    hidden, shown = Cell.not_shown(), Cell.shown
    method = _ranking_method(
        [
            (71, (hidden, shown(5), shown(7), shown(0), shown(0))),
            (117, (shown(14), shown(8), hidden, shown(0), shown(0))),
            (85, (shown(8), shown(6), shown(7), shown(0), shown(0))),
        ],
        rankings=28,
    )
    att = Attacker(threshold=5)
    _method(att, method, EventRules(priorities=5, dots_each=5, top_k=3), "")
    assert att.pinned()["place:p0:1"] == (6, 6)


def test_the_attacker_breaks_the_old_rule_on_the_demo(demo_desk: Desk) -> None:
    """The old rule hid each small place count on its own ("fewer than 5") and printed
    every score: rebuild that output from the demo's own numbers and the attacker pins
    hidden counts in it."""
    broken = 0
    for row in demo_desk.summaries.programme_summary().events:
        summary = demo_desk.summaries.event_summary(row.event_id)
        method = summary.method("ranking")
        if method is None or not method.shown:
            continue
        truth = _true_positions(demo_desk, row.event_id)
        assert method.responses.value is not None
        rows = [
            (
                sum((5 - k) * c for k, c in enumerate(truth[s.priority_id])),
                tuple(count_cell(c, 5) for c in truth[s.priority_id]),
            )
            for s in method.scores
        ]
        old = _ranking_method(rows, method.responses.value)
        att = Attacker(threshold=5)
        _method(att, old, rules_of(demo_desk, row.event_id), "")
        broken += len(att.pinned())
    assert broken > 0


def test_the_attacker_works_out_a_count_from_a_score_when_the_table_is_withheld() -> None:
    """With no place counts printed at all, a score of 3 where people ranked their top 3 of
    5 can only be one third place: a withheld table does not protect that row by itself."""
    # The truth: (0, 0, 1), (10, 5, 5), (10, 5, 4), (0, 10, 10) and (0, 0, 0) of 20.
    method = _ranking_method([(3, ()), (85, ()), (82, ()), (70, ()), (0, ())], rankings=20)
    att = Attacker(threshold=5)
    _method(att, method, EventRules(priorities=5, dots_each=3, top_k=3), "")
    pinned = att.pinned()
    assert pinned["place:p0:3"] == (1, 1)
    assert set(pinned) <= att.unprinted


def test_place_counts_give_way_before_scores() -> None:
    """The order of protection, on the issue's example: the scores stay; the place counts
    that would let the score give a small count away are hidden; and a score is withheld
    only when even a table with no counts at all would give one away."""
    positions = [[6, 5, 7, 0, 0], [14, 8, 3, 0, 0], [8, 6, 7, 0, 0]]
    guard = protect_ranking(positions, 28, 5, 3)
    assert not guard.withheld_scores and not guard.table_withheld
    assert guard.hidden[(1, 2)] == SMALL
    assert len(guard.hidden) > 1  # a count beside the 3 is hidden too, not the score

    # Ten rankings: Earlier help 6 firsts and 4 seconds (46), Local 2 firsts and 6 seconds
    # (34), Invest 2 firsts (10). No complementary count keeps the 4 hidden beside a score of
    # 46, but with no place counts shown, 46 = 5 x 2 + 4 x 9 too: the scores stay.
    positions = [[2, 6, 0, 0, 0], [0, 0, 0, 0, 0], [6, 4, 0, 0, 0], [0] * 5, [2, 0, 0, 0, 0]]
    guard = protect_ranking(positions, 10, 5, 5)
    assert guard.table_withheld and not guard.withheld_scores and not guard.withheld_all

    # A score of 3 is one third place whatever the table says: every score is withheld and
    # the place counts are shown, protected as counts that add up.
    positions = [[0, 0, 1, 0, 0], [5, 0, 0, 0, 0], [0, 5, 0, 0, 0], [0, 0, 4, 0, 0], [0] * 5]
    guard = protect_ranking(positions, 5, 5, 3)
    assert guard.withheld_scores == frozenset(range(5)) and not guard.table_withheld


@st.composite
def ranking_tables(draw: st.DrawFn) -> tuple[list[list[int]], int, int, int]:
    """Random rankings of 5 priorities: how many put each in each place, the number of
    rankings, the threshold and the places each person gave."""
    top_k = draw(st.integers(1, 5))
    threshold = draw(st.sampled_from([3, 5, 5, 10]))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    rankings = draw(st.integers(1, 40))
    weights = [rng.random() + 0.1 for _ in range(5)]
    positions = [[0] * 5 for _ in range(5)]
    for _ in range(rankings):
        pool: list[int] = list(range(5))
        for place in range(rng.randint(1, top_k)):
            pick = rng.choices(pool, [weights[p] for p in pool])[0]
            pool.remove(pick)
            positions[pick][place] += 1
    return positions, rankings, threshold, top_k


@hypothesis_settings(max_examples=60, deadline=None)
@given(table=ranking_tables())
def test_random_ranking_tables_hide_nothing_that_can_be_worked_out(
    table: tuple[list[list[int]], int, int, int],
) -> None:
    """protect_ranking on its own, on many more tables than whole events allow: the scores
    (unless withheld) and the place counts as labelled, attacked."""
    positions, rankings, threshold, top_k = table
    guard = protect_ranking(positions, rankings, threshold, top_k)
    totals = [sum((5 - k) * c for k, c in enumerate(row)) for row in positions]

    def cell(p: int, k: int) -> Cell:
        label = guard.hidden.get((p, k))
        if label == SMALL:
            return Cell.fewer_than(threshold)
        return Cell.not_shown() if label else Cell.shown(positions[p][k])

    scores = tuple(
        PriorityScore(
            priority_id=f"p{p}",
            position=p + 1,
            title=f"Priority {p + 1}",
            total=None if guard.withheld_scores else total,
            mean=None if guard.withheld_scores else round(total / rankings, 2),
            share=None,
            place=None if guard.withheld_scores else 1 + sum(1 for t in totals if t > total),
            positions=() if guard.table_withheld else tuple(cell(p, k) for k in range(5)),
        )
        for p, total in enumerate(totals)
    )
    method = MethodResult(
        method="ranking",
        label="Ranking",
        responses=Cell.shown(rankings),
        tally_dots=0,
        linked_responses=Cell.shown(0),
        shown=True,
        scores=scores,
        order=(),
        reading="",
        by_group=(),
    )
    rules = EventRules(priorities=5, dots_each=1, top_k=top_k)
    att = Attacker(threshold=threshold)
    _method(att, method, rules, "")
    assert_safe(att)
    if guard.withheld_scores:
        # Scores give way only when even a table with no counts at all would give one away:
        # print the scores without the table and the attacker works out a small count.
        bare = [(total, ()) for total in totals]
        att = Attacker(threshold=threshold)
        _method(att, _ranking_method(bare, rankings), rules, "")
        assert att.pinned(), f"scores withheld that a withheld table would have protected: {table}"


def _true_positions(desk: Desk, event_id: str) -> dict[str, list[int]]:
    with desk.db.session() as s:
        ids = list(s.scalars(select(Priority.id).order_by(Priority.position)))
        counts = {p: [0] * len(ids) for p in ids}
        query = (
            select(ResponseScore.priority_id, ResponseScore.value)
            .join(Response, Response.id == ResponseScore.response_id)
            .where(Response.event_id == event_id, Response.method == ResponseMethod.RANKING)
        )
        for priority_id, place in s.execute(query):
            counts[priority_id][place - 1] += 1
    return counts


def test_the_attacker_works_out_the_dot_voters_from_the_wall() -> None:
    """The issue's other finding: all dots minus the paper wall's, divided by dots each,
    gives the number of people who placed dots, even when it reads "fewer than 5"."""
    scores = tuple(
        PriorityScore(f"p{i}", i + 1, f"Priority {i + 1}", total, None, None, i + 1, ())
        for i, total in enumerate((20, 14, 9))
    )
    method = MethodResult(
        method="dots",
        label="Dot voting",
        responses=Cell.fewer_than(5),
        tally_dots=31,
        linked_responses=Cell.shown(0),
        shown=True,
        scores=scores,
        order=(),
        reading="",
        by_group=(),
    )
    att = Attacker(threshold=5)
    _method(att, method, EventRules(priorities=3, dots_each=3, top_k=3), "")
    # 43 - 31 = 12 dots at the desk, at most 3 each: at least 4 people, and fewer than 5.
    assert att.pinned() == {"responses": (4, 4)}


# ---- nothing drawn that the attacker did not read ----------------------------------------------


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def test_every_number_in_the_pdf_priorities_section_is_one_the_attacker_read(
    demo_desk: Desk,
) -> None:
    """Read the rendered PDF's text: each number printed about the priorities must be one
    the attacker took from the summary object (so nothing is drawn that it did not see)."""
    from pypdf import PdfReader

    from engagement_desk.reports.event_report import render_event_report

    held = demo_desk.summaries.programme_summary().events
    row = next(r for r in held if r.title.startswith("Have your say"))
    summary = demo_desk.summaries.event_summary(row.event_id)
    pdf = render_event_report(summary)
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(" ".join((p.extract_text() or "") for p in pages).split())
    part = text[text.index("Priorities What people said") : text.index("Themes from comments")]
    part = re.sub(r"Page \d+ of \d+", " ", part)
    part = re.sub(r"Generated \d+ \w+ \d{4} at \d\d:\d\d", " ", part)
    read: set[str] = set()
    n = rules_of(demo_desk, row.event_id).priorities
    for method in summary.methods:
        cells = [method.responses, method.linked_responses]
        cells += [r.responses for g in method.by_group for r in g.rows]
        cells += [g.total for g in method.by_group]
        cells += [c for s in method.scores for c in s.positions]
        read |= {str(c.value) for c in cells if c.value is not None}
        read |= {str(method.tally_dots or 0)}
        for s in method.scores:
            if s.total is not None:
                read.add(str(s.total))
            if s.mean is not None:
                read |= {f"{s.mean:.1f}", str(round(s.mean))}
            if s.share:
                read.add(s.share.rstrip("%"))
        read |= _numbers(method.reading)
        # Labels, not figures: age bands ('11-16') and postcode districts ('M45').
        read |= {x for g in method.by_group for r in g.rows for x in _numbers(r.group)}
    # Words of the method, not figures: place names (1st ...), 'out of 5', '100 points',
    # 'fewer than 5' and the weights of a first place in the chart's description.
    vocabulary = {str(k) for k in range(1, n + 1)} | {"100", str(summary.threshold)}
    unread = _numbers(part) - read - vocabulary
    assert not unread, f"numbers drawn in the PDF but not read by the attacker: {unread}"
