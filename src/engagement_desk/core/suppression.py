"""Checking that hidden counts stay hidden, and protecting the ranking table with that check.

Pure: no I/O. The rule for single counts and simple sums lives in :mod:`core.scoring`
(:func:`~engagement_desk.core.scoring.protect`); this module adds an exact check for tables
whose numbers are tied by weighted sums, where reasoning about one sum at a time is not
enough.

The method
----------
A report prints numbers; a reader can combine them. So every table is checked the way an
attacker would: write down every true relation between the printed figures as integer
constraints (a ranking score is 5 x first places + 4 x seconds + ...; first places add up to
the number of rankings; a ranking with a 3rd place has a 2nd, so the places' totals never
rise; no one ranks more than the event's top k), give each hidden count the range its label
promises ("fewer than N" is 1 to N-1, "not shown" is N or more), and search for any other
assignment of the hidden counts that fits everything printed. A hidden count is *pinned* when
no such assignment changes it. :class:`IntegerSystem` does that search exactly (bound
propagation and branching over small integer ranges). Another assignment that fits usually
lies close to the real counts, so the search tries values nearest them first and, for the
ranking table, lets one row change before two and two before all; a search that runs past its
limit counts as pinned, so slowness only ever hides more.

For the "how many people put each priority in each place" table, the scores are the finding
and the place counts are detail, so :func:`protect_ranking` lets the place counts give way
first. Starting from primary suppression, while any hidden count is pinned:

1. it hides another count in the pinned count's row (the smallest shown count that is not 0,
   as "not shown"), since the row's score ties them together;
2. when the row has nothing left to hide, a count in the pinned count's column;
3. when nothing is left to hide, the whole table of places is withheld and the scores are
   shown, provided no count from 1 to N-1 can be worked out from the scores alone (each
   count is then anything from 0 up, and places beyond the event's top k are 0);
4. only if even that fails is a score withheld, and then every score is (a withheld score
   might be the highest, so a chart of the rest would put the wrong priority first); the
   table is shown instead, protected as counts that add up (steps 1 and 2 without scores),
   and the reading says why the scores are missing;
5. if that fails too (or a search would take too long, which is treated as pinned), neither
   the table nor the scores are shown; only the number of rankings is.

A zero is never hidden by itself (a hidden label promises 1 or more), so a priority's row is
protected by hiding its counts that are not 0, and otherwise by withholding the whole table.

The attacker test (``tests/unit/test_attacker.py``) checks the published summaries against an
independent integer programming solver, on random events and on the demo data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

SEARCH_LIMIT = 20_000  # branches per question before the answer counts as "pinned"
NEAR_LIMIT = 500  # branches for a search that lets only a few counts change


class TooHard(Exception):
    """The search ran past its limit; treat the count as pinned and hide more."""


@dataclass(frozen=True)
class Constraint(Generic[K]):
    """``low <= sum(coefficient * x) <= high`` over integers."""

    terms: tuple[tuple[K, int], ...]
    low: float
    high: float


def equal(terms: Mapping[K, int] | Sequence[tuple[K, int]], value: int) -> Constraint[K]:
    items = tuple(terms.items()) if isinstance(terms, Mapping) else tuple(terms)
    return Constraint(items, value, value)


def at_most(terms: Mapping[K, int] | Sequence[tuple[K, int]], value: int) -> Constraint[K]:
    items = tuple(terms.items()) if isinstance(terms, Mapping) else tuple(terms)
    return Constraint(items, -math.inf, value)


class IntegerSystem(Generic[K]):
    """Integer variables with ranges and linear constraints; finds which hidden ones are
    pinned. ``truth`` is one assignment that satisfies everything (the real counts)."""

    def __init__(
        self,
        ranges: Mapping[K, tuple[int, int]],
        constraints: Sequence[Constraint[K]],
        limit: int = SEARCH_LIMIT,
    ) -> None:
        self.ranges = dict(ranges)
        self.constraints = [c for c in constraints if c.terms]
        self.limit = limit
        self._budget = 0
        self._truth: Mapping[K, int] = {}

    def pinned(
        self,
        hidden: Sequence[K],
        truth: Mapping[K, int],
        *,
        near: Callable[[K], Sequence[Collection[K]]] | None = None,
        first_only: bool = False,
    ) -> list[K]:
        """The hidden variables that no other assignment can change, in the given order.

        ``near(key)``: groups of variables to let change first, the others kept at their
        real values; a small search there usually finds another assignment at once, and the
        search over everything runs only when none does. ``first_only``: stop at the first
        pinned variable (enough to know that something must give).
        """
        self._truth = truth
        found = []
        for key in hidden:
            if not self._can_differ(key, truth[key], near(key) if near else ()):
                found.append(key)
                if first_only:
                    break
        return found

    def _can_differ(self, key: K, value: int, groups: Sequence[Collection[K]] = ()) -> bool:
        low, high = self.ranges[key]
        sides = [p for p in ((low, value - 1), (value + 1, high)) if p[0] <= p[1]]
        for part in sides:
            for group in groups:
                bounds = {
                    k: list(r) if k in group else [self._truth[k]] * 2
                    for k, r in self.ranges.items()
                }
                bounds[key] = list(part)
                self._budget = NEAR_LIMIT
                try:
                    if self._search(bounds):
                        return True
                except TooHard:
                    continue
        for part in sides:
            bounds = {k: list(r) for k, r in self.ranges.items()}
            bounds[key] = list(part)
            self._budget = self.limit
            try:
                if self._search(bounds):
                    return True
            except TooHard:
                return False
        return False

    def _search(self, bounds: dict[K, list[int]]) -> bool:
        self._budget -= 1
        if self._budget < 0:
            raise TooHard
        if not _propagate(bounds, self.constraints):
            return False
        free = [k for k, (lo, hi) in bounds.items() if lo < hi]
        if not free:
            return True
        key = min(free, key=lambda k: bounds[k][1] - bounds[k][0])
        for part in self._parts(key, *bounds[key]):
            trial = {k: list(r) for k, r in bounds.items()}
            trial[key] = list(part)
            if self._search(trial):
                return True
        return False

    def _parts(self, key: K, lo: int, hi: int) -> list[tuple[int, int]]:
        """How to split a range to branch on, values nearest the real count first: another
        assignment that fits usually differs from the real one in a few counts, so searching
        near it finds one in a few steps where searching from 0 up can take thousands."""
        near = self._truth.get(key, lo)
        if hi - lo < 8:
            return [(v, v) for v in sorted(range(lo, hi + 1), key=lambda v: (abs(v - near), v))]
        if lo < near < hi:
            return [(near, near), (lo, near - 1), (near + 1, hi)]
        middle = (lo + hi) // 2
        parts = [(lo, middle), (middle + 1, hi)]
        return parts if near <= middle else parts[::-1]


def _propagate(bounds: dict[K, list[int]], constraints: Sequence[Constraint[K]]) -> bool:
    """Narrow every range to what each constraint allows, until nothing changes; False when
    some range becomes empty (no assignment fits)."""
    changed = True
    while changed:
        changed = False
        for c in constraints:
            least = sum(a * bounds[k][0] if a > 0 else a * bounds[k][1] for k, a in c.terms)
            most = sum(a * bounds[k][1] if a > 0 else a * bounds[k][0] for k, a in c.terms)
            if least > c.high or most < c.low:
                return False
            for k, a in c.terms:
                lo, hi = bounds[k]
                own_least = a * lo if a > 0 else a * hi
                own_most = a * hi if a > 0 else a * lo
                top = c.high - (least - own_least)  # a * x <= top
                bottom = c.low - (most - own_most)  # a * x >= bottom
                new_lo, new_hi = lo, hi
                if a > 0:
                    if top < math.inf:
                        new_hi = min(hi, math.floor(top / a))
                    if bottom > -math.inf:
                        new_lo = max(lo, math.ceil(bottom / a))
                else:
                    if top < math.inf:
                        new_lo = max(lo, math.ceil(top / a))
                    if bottom > -math.inf:
                        new_hi = min(hi, math.floor(bottom / a))
                if new_lo > new_hi:
                    return False
                if (new_lo, new_hi) != (lo, hi):
                    bounds[k] = [int(new_lo), int(new_hi)]
                    least += (a * new_lo if a > 0 else a * new_hi) - own_least
                    most += (a * new_hi if a > 0 else a * new_lo) - own_most
                    changed = True
    return True


# ---- the ranking table --------------------------------------------------------------------

SMALL = "small"  # shown as "fewer than N"
NOT_SHOWN = "not shown"  # hidden to protect a small count: N or more

Place = tuple[int, int]  # (row, place index)


@dataclass(frozen=True)
class RankingProtection:
    """Which place counts are hidden (and how), and whether the scores can be shown.

    ``hidden``: (row, place index) -> SMALL or NOT_SHOWN.
    ``table_withheld``: no place count is shown at all (the scores may still be).
    ``withheld_scores``: the priorities whose scores cannot be shown (all of them or none).
    ``withheld_all``: neither the place counts nor the scores can be shown.
    """

    hidden: dict[Place, str]
    withheld_scores: frozenset[int]
    table_withheld: bool = False
    withheld_all: bool = False


def protect_ranking(
    positions: Sequence[Sequence[int]], rankings: int, threshold: int, top_k: int
) -> RankingProtection:
    """Suppression for a ranking's place counts and scores (see the module notes): the place
    counts give way first, the scores only when even no place counts at all would not do.

    ``positions[p][k]``: how many of the ``rankings`` put priority ``p`` in place ``k + 1``.
    A first place is worth ``len(positions[p])`` points, the next one fewer, and so on.
    """
    primary: dict[Place, str] = {}
    if threshold > 1:
        for p, row in enumerate(positions):
            for k, count in enumerate(row):
                if 0 < count < threshold:
                    primary[(p, k)] = SMALL
    if not primary:
        return RankingProtection({}, frozenset())
    table = _RankingTable(positions, rankings, threshold, top_k)
    hidden = table.protect_cells(primary, scores=True)
    if hidden is not None:
        return RankingProtection(hidden, frozenset())
    if not table.pinned({}, scores=True, table_withheld=True, first_only=True):
        return RankingProtection({}, frozenset(), table_withheld=True)
    everyone = frozenset(range(len(positions)))
    hidden = table.protect_cells(primary, scores=False)
    if hidden is not None:
        return RankingProtection(hidden, everyone)
    return RankingProtection({}, everyone, table_withheld=True, withheld_all=True)


class _RankingTable:
    """The place counts of one ranking and every relation a reader knows between them."""

    def __init__(
        self, positions: Sequence[Sequence[int]], rankings: int, threshold: int, top_k: int
    ) -> None:
        self.positions = positions
        self.rankings = rankings
        self.threshold = threshold
        self.top_k = top_k
        self.n = max((len(row) for row in positions), default=0)
        self.cells = [(p, k) for p, row in enumerate(positions) for k in range(len(row))]

    def count(self, cell: Place) -> int:
        return self.positions[cell[0]][cell[1]]

    def protect_cells(
        self, primary: Mapping[Place, str], *, scores: bool
    ) -> dict[Place, str] | None:
        """Complementary suppression inside the table: while a hidden count is pinned, hide
        the smallest shown count (not 0) in its row, else in its column. None when nothing
        is left to hide and a count is still pinned (or the search gave up)."""
        hidden = dict(primary)
        for _ in range(len(self.cells) + 1):
            pinned = self.pinned(hidden, scores=scores)
            if not pinned:
                return hidden
            step = self._next_cell(hidden, pinned)
            if step is None:
                return None
            hidden[step] = NOT_SHOWN
        return None

    def _next_cell(self, hidden: Mapping[Place, str], pinned: Sequence[Place]) -> Place | None:
        def smallest(cells: list[Place]) -> Place | None:
            shown = [c for c in cells if c not in hidden and self.count(c) > 0]
            return min(shown, key=lambda c: (self.count(c), c)) if shown else None

        for p, _ in pinned:
            found = smallest([(p, j) for j in range(len(self.positions[p]))])
            if found:
                return found
        for _, k in pinned:
            found = smallest([c for c in self.cells if c[1] == k])
            if found:
                return found
        return None

    def pinned(
        self,
        hidden: Mapping[Place, str],
        *,
        scores: bool,
        table_withheld: bool = False,
        first_only: bool = False,
    ) -> list[Place]:
        """The hidden counts that the printed figures leave only one value for. With the
        table withheld, a reader knows no count; then a count of 1 to N-1 must not follow
        from the scores (any value, 0 included, may stand beside it)."""
        ranges: dict[Place, tuple[int, int]] = {}
        truth = {c: self.count(c) for c in self.cells}
        for cell in self.cells:
            count = truth[cell]
            label = hidden.get(cell)
            if table_withheld:
                beyond = cell[1] >= self.top_k and count == 0
                ranges[cell] = (0, 0) if beyond else (0, self.rankings)
            elif label == SMALL:
                ranges[cell] = (1, self.threshold - 1)
            elif label == NOT_SHOWN:
                ranges[cell] = (self.threshold, max(self.threshold, self.rankings))
            else:
                ranges[cell] = (count, count)
        if table_withheld:
            watched = [c for c in self.cells if 0 < truth[c] < self.threshold]
        else:
            watched = list(hidden)
        n = self.n
        constraints: list[Constraint[Place]] = []
        for p, row in enumerate(self.positions):
            cells = [(p, k) for k in range(len(row))]
            if scores:
                score = sum((n - k) * c for k, c in enumerate(row))
                constraints.append(equal([(c, n - c[1]) for c in cells], score))
            constraints.append(at_most([(c, 1) for c in cells], self.rankings))
        columns = [[c for c in self.cells if c[1] == k] for k in range(n)]
        if columns:
            constraints.append(equal([(c, 1) for c in columns[0]], self.rankings))
        for k in range(1, n):
            constraints.append(
                at_most([*((c, 1) for c in columns[k]), *((c, -1) for c in columns[k - 1])], 0)
            )
        constraints.append(at_most([(c, 1) for c in self.cells], self.top_k * self.rankings))
        rows = [[c for c in self.cells if c[0] == p] for p in range(len(self.positions))]

        def near(cell: Place) -> list[set[Place]]:
            own = set(rows[cell[0]])
            return [own, *(own | set(other) for other in rows if other[0][0] != cell[0])]

        system = IntegerSystem(ranges, constraints)
        return system.pinned(watched, truth, near=near, first_only=first_only)


# ---- a breakdown where one person may be in several rows -------------------------------------


def protect_overlapping(
    rows: Mapping[K, int],
    none_key: K,
    total: int,
    total_range: tuple[int, int],
    threshold: int,
) -> dict[K, str] | None:
    """Suppression for a breakdown such as areas of need: each person is in one or more of
    the rows, or only in ``none_key`` ("not given"). So the rows other than ``none_key`` each
    count at most ``total - rows[none_key]`` people and together at least that many, which
    can pin a hidden row (a single small row beside "not given" is the total minus it).

    ``total_range``: what the published total says (exact, or its hidden label's range).
    Returns each hidden row's label (SMALL or NOT_SHOWN), hiding "not given" first and then
    the smallest shown rows until nothing is pinned; None when the rows cannot be shown.
    """
    hidden: dict[K, str] = {k: SMALL for k, c in rows.items() if 0 < c < threshold}
    if not hidden or threshold <= 1:
        return hidden
    total_key = object()
    big = max(total, threshold)
    for _ in range(len(rows) + 1):
        ranges: dict[object, tuple[int, int]] = {total_key: total_range, none_key: (0, 0)}
        for key, count in rows.items():
            label = hidden.get(key)
            if label == SMALL:
                ranges[key] = (1, threshold - 1)
            elif label == NOT_SHOWN:
                ranges[key] = (threshold, big)
            else:
                ranges[key] = (count, count)
        some = [k for k in rows if k != none_key]
        constraints: list[Constraint[object]] = [
            at_most([(k, 1), (none_key, 1), (total_key, -1)], 0) for k in some
        ]
        if some:
            constraints.append(
                at_most([*((k, -1) for k in some), (none_key, -1), (total_key, 1)], 0)
            )
        constraints.append(at_most([(none_key, 1), (total_key, -1)], 0))
        truth: dict[object, int] = {none_key: 0, total_key: total}
        truth.update(dict(rows.items()))
        if not IntegerSystem(ranges, constraints).pinned(list(hidden), truth):
            return hidden
        shown = [k for k, c in rows.items() if k not in hidden and c > 0]
        if not shown:
            return None
        pick = none_key if none_key in shown else min(shown, key=lambda k: rows[k])
        hidden[pick] = NOT_SHOWN
    return None
