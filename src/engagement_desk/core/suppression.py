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
propagation and branching over small integer ranges).

For the "how many people put each priority in each place" table, :func:`protect_ranking`
starts from primary suppression and, while any hidden count is pinned, hides more:

1. another count in the pinned count's row (the smallest shown count that is not 0, as
   "not shown"), since the row's score ties them together;
2. when the row has nothing left to hide, that priority's score, mean and place are
   withheld ("not shown: would reveal a small number");
3. then counts in the pinned count's column;
4. if even that fails (or the search would take too long, which is treated as pinned), the
   whole table and every score are withheld and only the number of rankings is shown.

The attacker test (``tests/unit/test_attacker.py``) checks the published summaries against an
independent integer programming solver, on random events and on the demo data.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

SEARCH_LIMIT = 20_000  # branches per question before the answer counts as "pinned"


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

    def pinned(self, hidden: Sequence[K], truth: Mapping[K, int]) -> list[K]:
        """The hidden variables that no other assignment can change, in the given order."""
        found = []
        for key in hidden:
            if not self._can_differ(key, truth[key]):
                found.append(key)
        return found

    def _can_differ(self, key: K, value: int) -> bool:
        low, high = self.ranges[key]
        for part in ((low, value - 1), (value + 1, high)):
            if part[0] > part[1]:
                continue
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
        lo, hi = bounds[key]
        if hi - lo < 8:
            parts = [(v, v) for v in range(lo, hi + 1)]
        else:
            middle = (lo + hi) // 2
            parts = [(lo, middle), (middle + 1, hi)]
        for part in parts:
            trial = {k: list(r) for k, r in bounds.items()}
            trial[key] = list(part)
            if self._search(trial):
                return True
        return False


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


@dataclass(frozen=True)
class RankingProtection:
    """Which place counts are hidden (and how), and which priorities' scores are withheld.

    ``withheld_all``: nothing of the table or the scores can be shown.
    """

    hidden: dict[tuple[int, int], str]  # (row, place index) -> SMALL or NOT_SHOWN
    withheld_scores: frozenset[int]
    withheld_all: bool = False


def protect_ranking(
    positions: Sequence[Sequence[int]], rankings: int, threshold: int, top_k: int
) -> RankingProtection:
    """Suppression for a ranking's place counts and scores (see the module notes).

    ``positions[p][k]``: how many of the ``rankings`` put priority ``p`` in place ``k + 1``.
    A first place is worth ``len(positions[p])`` points, the next one fewer, and so on.
    """
    rows = len(positions)
    places = max((len(row) for row in positions), default=0)
    hidden: dict[tuple[int, int], str] = {}
    if threshold > 1:
        for p, row in enumerate(positions):
            for k, count in enumerate(row):
                if 0 < count < threshold:
                    hidden[(p, k)] = SMALL
    withheld: set[int] = set()
    if not hidden:
        return RankingProtection({}, frozenset())
    for _ in range(rows * places * 2 + rows + 1):
        pinned = _pinned_places(positions, rankings, threshold, top_k, hidden, withheld)
        if not pinned:
            return RankingProtection(hidden, frozenset(withheld))
        step = _next_step(positions, hidden, withheld, pinned)
        if step is None:
            break
        if isinstance(step, int):
            withheld.add(step)
        else:
            hidden[step] = NOT_SHOWN
    return RankingProtection(hidden, frozenset(range(rows)), withheld_all=True)


def _next_step(
    positions: Sequence[Sequence[int]],
    hidden: Mapping[tuple[int, int], str],
    withheld: set[int],
    pinned: Sequence[tuple[int, int]],
) -> tuple[int, int] | int | None:
    """What to hide next: a count in a pinned count's row, else that row's score, else a
    count in a pinned count's column (a row or a place index); None when nothing is left."""

    def shown(cells: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return [c for c in cells if c not in hidden and positions[c[0]][c[1]] > 0]

    def smallest(cells: list[tuple[int, int]]) -> tuple[int, int]:
        return min(cells, key=lambda c: (positions[c[0]][c[1]], c))

    for p, _ in pinned:
        in_row = shown([(p, j) for j in range(len(positions[p]))])
        if in_row:
            return smallest(in_row)
    for p, _ in pinned:
        if p not in withheld:
            return p
    for _, k in pinned:
        in_column = shown([(q, k) for q in range(len(positions)) if k < len(positions[q])])
        if in_column:
            return smallest(in_column)
    return None


def _pinned_places(
    positions: Sequence[Sequence[int]],
    rankings: int,
    threshold: int,
    top_k: int,
    hidden: Mapping[tuple[int, int], str],
    withheld: set[int],
) -> list[tuple[int, int]]:
    n = max((len(row) for row in positions), default=0)
    ranges: dict[tuple[int, int], tuple[int, int]] = {}
    truth: dict[tuple[int, int], int] = {}
    for p, row in enumerate(positions):
        for k, count in enumerate(row):
            truth[(p, k)] = count
            label = hidden.get((p, k))
            if label == SMALL:
                ranges[(p, k)] = (1, threshold - 1)
            elif label == NOT_SHOWN:
                ranges[(p, k)] = (threshold, max(threshold, rankings))
            else:
                ranges[(p, k)] = (count, count)
    constraints: list[Constraint[tuple[int, int]]] = []
    for p, row in enumerate(positions):
        cells = [(p, k) for k in range(len(row))]
        if p not in withheld:
            score = sum((n - k) * c for k, c in enumerate(row))
            constraints.append(equal([(c, n - c[1]) for c in cells], score))
        constraints.append(at_most([(c, 1) for c in cells], rankings))
    columns = [[(p, k) for p in range(len(positions)) if k < len(positions[p])] for k in range(n)]
    if columns:
        constraints.append(equal([(c, 1) for c in columns[0]], rankings))
    for k in range(1, n):
        constraints.append(
            at_most([*((c, 1) for c in columns[k]), *((c, -1) for c in columns[k - 1])], 0)
        )
    constraints.append(at_most([(c, 1) for column in columns for c in column], top_k * rankings))
    system = IntegerSystem(ranges, constraints)
    return system.pinned(list(hidden), truth)


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
