"""Scoring what parents said, and keeping small numbers from giving anyone away.

Pure: no I/O. Options (the programme's priorities) are named by id; a mapping of id to
title may be given wherever messages name them.

Scoring
-------
- **Borda count** for rankings: with ``n`` priorities, a priority ranked first gets ``n``
  points, second ``n - 1``, and so on; a priority a person did not rank gets 0 from them.
  A person who ranks only their top 3 of 5 hands out 5 + 4 + 3 = 12 points. The mean is over
  every ranking (unranked counts as 0), so it reads "out of n".
- **Dots**: the dots people placed, plus the dots counted off a paper dot wall.
- **100 points**: each person shares exactly 100 points; totals and the mean per person.

Ties: :func:`ordered` puts priorities into places by score, highest first. Priorities with
equal scores share a place (the next place is skipped, as in a league table: 1, 1, 3) and
within a place keep the programme's order. Nothing else breaks a tie: two priorities with
the same Borda total are equally preferred by the people who ranked them.

Suppression
-----------
A count of people from 1 to ``threshold - 1`` is shown as "fewer than N" (0 is shown as 0,
since nobody can be picked out of nobody). That is *primary* suppression.

When the cells of a breakdown add up to a total that is shown, a single hidden cell could be
worked out as the total minus the shown cells. *Secondary* suppression then hides more cells
("not shown"): the smallest shown non-zero cell first (ties in the given order), and more,
until no hidden number can be pinned down from the total, the shown cells and what the
labels say ("fewer than N" means 1 to N-1; "not shown" means N or more, because only cells
that were not small are hidden that way). In the rare table where even that is not enough
(1 and 5 hidden with a total of 6 can only be 1 + 5), the total is hidden too. The same rule
works for any table whose numbers are tied by sums (:func:`protect`), such as attendance
(registered = checked in + no-shows): each sum is protected in turn until none gives a hidden
number away.

A breakdown whose rows do not add up to anything shown (areas of need, where a person may
have several) needs only primary suppression. Percentages are shown only when both the count
and the number it is a share of are shown (:func:`percent_text`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from engagement_desk.core.events import Problem

K = TypeVar("K", bound=Hashable)

Options = Mapping[str, str] | Sequence[str]
"""Priority ids in the programme's order, or a mapping of id to title (for messages)."""

POINTS_TOTAL = 100
NOT_SHOWN = "not shown"


def _titles(options: Options) -> dict[str, str]:
    if isinstance(options, Mapping):
        return dict(options)
    return {option: option for option in options}


def _ids(options: Options) -> list[str]:
    return list(options.keys()) if isinstance(options, Mapping) else list(options)


# ---- Borda count -----------------------------------------------------------------


@dataclass(frozen=True)
class BordaScore:
    """One priority's Borda score over all rankings.

    ``positions[0]`` is how many people ranked it first, ``positions[1]`` second, and so on
    (one entry per priority).
    """

    total: int
    mean: float
    positions: tuple[int, ...]

    @property
    def ranked_by(self) -> int:
        return sum(self.positions)


def borda(rankings: Iterable[Sequence[str]], options: Options) -> dict[str, BordaScore]:
    """Borda scores for every option, in the options' order.

    Each ranking lists option ids, most preferred first; it must be valid (see
    :func:`check_ranking`): an unknown or repeated option raises ValueError.
    """
    ids = _ids(options)
    known = set(ids)
    places: dict[str, Counter[int]] = {option: Counter() for option in ids}
    count = 0
    for ranking in rankings:
        count += 1
        if len(set(ranking)) != len(ranking) or not known.issuperset(ranking):
            raise ValueError(f"not a valid ranking of the options: {list(ranking)!r}")
        for place, option in enumerate(ranking, start=1):
            places[option][place] += 1
    return borda_from_positions(places, ids, count)


def borda_from_positions(
    places: Mapping[str, Mapping[int, int]], options: Options, rankings: int
) -> dict[str, BordaScore]:
    """Borda scores from how many people put each option in each place (1 = first).

    This is what a database can count with one GROUP BY; ``rankings`` is how many rankings
    there were (the mean is over all of them). Places beyond the number of options are
    refused.
    """
    ids = _ids(options)
    n = len(ids)
    scores: dict[str, BordaScore] = {}
    for option in ids:
        counts = places.get(option, {})
        positions = [0] * n
        for place, how_many in counts.items():
            if not 1 <= place <= n:
                raise ValueError(f"place {place} is outside 1..{n}")
            positions[place - 1] += how_many
        total = sum((n - index) * c for index, c in enumerate(positions))
        scores[option] = BordaScore(
            total=total,
            mean=total / rankings if rankings else 0.0,
            positions=tuple(positions),
        )
    return scores


def borda_points_handed_out(ranked: int, options: int) -> int:
    """What one ranking of ``ranked`` places hands out among ``options``: n + (n-1) + ..."""
    return sum(options - index for index in range(ranked))


def ordered(scores: Mapping[str, BordaScore | int | float]) -> list[tuple[str, ...]]:
    """Options grouped into places, highest score first; equal scores share a place.

    Within a place the options keep the order of ``scores`` (the programme's order).
    """
    value = {key: _score_value(score) for key, score in scores.items()}
    groups: dict[float, list[str]] = {}
    for key in scores:
        groups.setdefault(value[key], []).append(key)
    return [tuple(groups[v]) for v in sorted(groups, reverse=True)]


def places(groups: Sequence[Sequence[str]]) -> dict[str, int]:
    """The place of each option from :func:`ordered`'s groups: 1, 1, 3 for a tie at the top."""
    result: dict[str, int] = {}
    place = 1
    for group in groups:
        for option in group:
            result[option] = place
        place += len(group)
    return result


def _score_value(score: BordaScore | int | float) -> float:
    return float(score.total if isinstance(score, BordaScore) else score)


# ---- dots and points ---------------------------------------------------------------


def dot_totals(
    allocations: Iterable[Mapping[str, int]],
    tallies: Iterable[tuple[str, int]] = (),
    options: Options = (),
) -> dict[str, int]:
    """Dots per option: each person's dots plus the paper dot wall's (option, dots) counts.

    Every option in ``options`` appears, with 0 if it got no dots.
    """
    totals: dict[str, int] = dict.fromkeys(_ids(options), 0)
    for allocation in allocations:
        for option, dots in allocation.items():
            totals[option] = totals.get(option, 0) + dots
    for option, dots in tallies:
        totals[option] = totals.get(option, 0) + dots
    return totals


@dataclass(frozen=True)
class PointsScore:
    total: int
    mean: float  # per person who shared their points, counting 0 where they gave none


def points_totals(
    responses: Iterable[Mapping[str, int]], options: Options
) -> dict[str, PointsScore]:
    """Total and mean points per option over everyone who shared their 100 points."""
    ids = _ids(options)
    totals: dict[str, int] = dict.fromkeys(ids, 0)
    count = 0
    for response in responses:
        count += 1
        for option, points in response.items():
            totals[option] = totals.get(option, 0) + points
    return points_from_totals(totals, count)


def points_from_totals(totals: Mapping[str, int], responses: int) -> dict[str, PointsScore]:
    return {
        option: PointsScore(total, total / responses if responses else 0.0)
        for option, total in totals.items()
    }


# ---- checking what was entered -------------------------------------------------------


def check_ranking(ranked: Sequence[str], options: Options, top_k: int) -> list[Problem]:
    """Everything wrong with one person's ranking (most preferred first)."""
    titles = _titles(options)
    problems: list[Problem] = []
    if not ranked:
        problems.append(Problem("ranking", "Rank at least one priority."))
    for option in ranked:
        if option not in titles:
            problems.append(
                Problem("ranking", f"'{option}' is not one of the programme's priorities.")
            )
    for option, times in Counter(ranked).items():
        if times > 1 and option in titles:
            problems.append(
                Problem(
                    "ranking",
                    f"{titles[option]} is ranked {_times(times)}; give each priority one "
                    "place at most.",
                )
            )
    if top_k >= 1 and len(ranked) > top_k:
        problems.append(
            Problem(
                "ranking",
                f"This ranking has {len(ranked)} places; people rank their top {top_k} "
                f"priorit{'y' if top_k == 1 else 'ies'} at this event.",
            )
        )
    return problems


def check_points(points: Mapping[str, int], options: Options) -> list[Problem]:
    """Everything wrong with one person's 100 points."""
    titles = _titles(options)
    problems: list[Problem] = []
    for option, given in points.items():
        if option not in titles:
            problems.append(
                Problem("points", f"'{option}' is not one of the programme's priorities.")
            )
        elif given < 0:
            problems.append(
                Problem(
                    "points", f"{titles[option]} has {given} points; points cannot be negative."
                )
            )
    total = sum(points.values())
    if total != POINTS_TOTAL:
        problems.append(
            Problem(
                "points",
                f"The points add up to {total}; they must add up to {POINTS_TOTAL}.",
            )
        )
    return problems


def check_dots(dots: Mapping[str, int], options: Options, allowed: int) -> list[Problem]:
    """Everything wrong with one person's dots (``allowed`` is the event's dots per person)."""
    titles = _titles(options)
    problems: list[Problem] = []
    for option, placed in dots.items():
        if option not in titles:
            problems.append(
                Problem("dots", f"'{option}' is not one of the programme's priorities.")
            )
        elif placed < 0:
            problems.append(
                Problem("dots", f"{titles[option]} has {placed} dots; dots cannot be negative.")
            )
    total = sum(d for d in dots.values() if d > 0)
    if total > allowed:
        problems.append(
            Problem(
                "dots",
                f"That is {total} dots; each person has {allowed} "
                f"dot{'' if allowed == 1 else 's'} at this event.",
            )
        )
    elif total == 0 and not problems:
        problems.append(Problem("dots", "Place at least one dot."))
    return problems


def _times(count: int) -> str:
    return {2: "twice", 3: "three times"}.get(count, f"{count} times")


# ---- suppression -----------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A count as it may be published: the number, or a phrase standing in for it.

    ``value`` is None whenever the number is hidden, so a hidden number cannot slip into
    a report by accident.
    """

    value: int | None
    text: str
    suppressed: bool

    @staticmethod
    def shown(value: int) -> Cell:
        return Cell(value, f"{value:,}", False)

    @staticmethod
    def fewer_than(threshold: int) -> Cell:
        return Cell(None, f"fewer than {threshold}", True)

    @staticmethod
    def not_shown() -> Cell:
        return Cell(None, NOT_SHOWN, True)

    def to_dict(self) -> dict[str, object]:
        return {"value": self.value, "text": self.text, "suppressed": self.suppressed}


def is_small(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def count_cell(count: int, threshold: int) -> Cell:
    """A count on its own (primary suppression only)."""
    return Cell.fewer_than(threshold) if is_small(count, threshold) else Cell.shown(count)


def percent_text(part: Cell, whole: Cell) -> str | None:
    """'45%' when both numbers are shown and the whole is not zero; otherwise None."""
    if part.value is None or whole.value is None or whole.value == 0:
        return None
    return f"{round(100 * part.value / whole.value)}%"


Relation = Sequence[tuple[K, int]]
"""Cells tied by a sum: the coefficients (+1 or -1) times the values add up to 0."""


class Unprotectable(Exception):
    """No choice of extra hidden cells keeps every small number from being pinned down."""


def protect(
    values: Mapping[K, int],
    relations: Sequence[Relation[K]],
    threshold: int,
    *,
    hide_first: Mapping[K, int] | None = None,
    published: Mapping[K, Cell] | None = None,
) -> dict[K, Cell]:
    """Primary and secondary suppression for numbers tied by sums (see the module notes).

    ``relations`` list the sums a reader could use: ``[(total, -1), (a, 1), (b, 1)]`` says
    a + b = total. ``hide_first`` ranks cells for secondary suppression (lower is hidden
    first; the default 0 for all); within a rank the smaller number goes first, then the
    order of ``values``. ``published`` gives cells as another document already shows them
    (an event's own summary, for the programme's table): they keep that form, and a shown
    one is never hidden here, since hiding it would protect nothing. Raises
    :class:`Unprotectable` when even hiding every non-zero cell of a sum leaves a number
    pinned (only in tiny tables).
    """
    for relation in relations:
        for _, coefficient in relation:
            if coefficient not in (1, -1):
                raise ValueError("relations use coefficients +1 and -1")
    hidden: dict[K, tuple[float, float]] = {}
    if threshold > 1:
        for key, count in values.items():
            if is_small(count, threshold):
                hidden[key] = (1, threshold - 1)
    fixed: set[K] = set()
    for key, cell in (published or {}).items():
        if not cell.suppressed:
            fixed.add(key)
        elif key not in hidden:
            hidden[key] = (threshold, math.inf)
    rank = hide_first or {}
    order = {key: index for index, key in enumerate(values)}
    changed = bool(hidden)
    while changed:
        changed = False
        for relation in relations:
            while _pinned(relation, values, hidden):
                candidates = [
                    k for k, _ in relation if k not in hidden and k not in fixed and values[k] > 0
                ]
                if not candidates:
                    raise Unprotectable
                pick = min(candidates, key=lambda k: (rank.get(k, 0), values[k], order[k]))
                hidden[pick] = (threshold, math.inf)
                changed = True
    cells: dict[K, Cell] = {}
    for key, count in values.items():
        if key not in hidden:
            cells[key] = Cell.shown(count)
        elif hidden[key][1] < math.inf:
            cells[key] = Cell.fewer_than(threshold)
        else:
            cells[key] = Cell.not_shown()
    return cells


def _pinned(
    relation: Relation[K], values: Mapping[K, int], hidden: Mapping[K, tuple[float, float]]
) -> bool:
    """Whether this sum, with the shown numbers and the hidden cells' ranges, leaves any
    hidden cell with only one possible value that its label did not already give away."""
    keys = [k for k, _ in relation if k in hidden]
    if not keys:
        return False
    known = sum(c * values[k] for k, c in relation if k not in hidden)
    terms: dict[K, tuple[float, float]] = {}
    for key, coefficient in relation:
        if key in hidden:
            low, high = hidden[key]
            terms[key] = (low, high) if coefficient == 1 else (-high, -low)
    coefficients = dict(relation)
    for key in keys:
        low, high = hidden[key]
        if low == high:
            continue  # the label says it all (a threshold of 2); nothing more to protect
        rest_low = sum(terms[k][0] for k in keys if k != key)
        rest_high = sum(terms[k][1] for k in keys if k != key)
        # coefficient * x = -(known + rest)
        bound_a, bound_b = -(known + rest_high), -(known + rest_low)
        if coefficients[key] == -1:
            bound_a, bound_b = -bound_b, -bound_a
        lowest, highest = max(low, bound_a), min(high, bound_b)
        if lowest == highest:
            return True
    return False


@dataclass(frozen=True)
class Breakdown:
    """A breakdown's rows and its total, as they may be published.

    ``withheld`` is set when the rows cannot be shown at all without giving someone away
    (every row then reads "not shown").
    """

    cells: dict[str, Cell]
    total: Cell
    withheld: bool = False

    def percent(self, key: str) -> str | None:
        return percent_text(self.cells[key], self.total)


def suppress_breakdown(
    counts: Mapping[str, int], threshold: int, *, additive: bool = True
) -> Breakdown:
    """Rows of a breakdown and its total, suppressed for publishing.

    ``additive``: the rows add up to the total (each person in exactly one row), so
    secondary suppression applies. Otherwise (a person may be in several rows) only small
    rows are hidden and the total is the caller's to give.
    """
    total = sum(counts.values())
    if not additive:
        return Breakdown(
            {key: count_cell(count, threshold) for key, count in counts.items()},
            count_cell(total, threshold),
        )
    total_key = object()
    values: dict[object, int] = dict(counts.items())
    values[total_key] = total
    relation: list[tuple[object, int]] = [(key, 1) for key in counts] + [(total_key, -1)]
    try:
        cells = protect(values, [relation], threshold)
    except Unprotectable:
        return Breakdown(
            dict.fromkeys(counts, Cell.not_shown()), count_cell(total, threshold), withheld=True
        )
    return Breakdown({key: cells[key] for key in counts}, cells[total_key])


def suppress_small_counts(
    cells: Mapping[str, int], threshold: int, *, total_shown: bool = True
) -> dict[str, Cell]:
    """Each count as it may be published (see the module notes).

    With ``total_shown`` the counts are taken to add up to a total shown alongside them, so
    secondary suppression applies; show that total with :func:`suppress_breakdown`'s
    ``total``, which is hidden too in the rare table that needs it.
    """
    return suppress_breakdown(cells, threshold, additive=total_shown).cells
