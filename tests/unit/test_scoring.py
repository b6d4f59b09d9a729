"""Scoring and suppression: worked examples a facilitator could check by hand, and properties."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagement_desk.core.scoring import (
    NOT_SHOWN,
    BordaScore,
    Cell,
    borda,
    borda_from_positions,
    borda_points_handed_out,
    check_dots,
    check_points,
    check_ranking,
    count_cell,
    dot_totals,
    ordered,
    percent_text,
    places,
    points_totals,
    protect,
    suppress_breakdown,
    suppress_small_counts,
)

PRIORITIES = {
    "local": "Live, learn and grow up locally",
    "voices": "Families' voices shape services",
    "early": "Earlier help and prevention",
    "communities": "Communities prevent escalation",
    "invest": "Invest where need is greatest",
}
IDS = list(PRIORITIES)

# ---- Borda --------------------------------------------------------------------------


def test_borda_worked_example_with_unranked_priorities() -> None:
    # Five priorities: first gets 5, second 4, third 3; unranked 0.
    rankings = [
        ["early", "local", "invest"],  # early 5, local 4, invest 3
        ["early", "voices"],  # early 5, voices 4
        ["local", "early", "voices"],  # local 5, early 4, voices 3
        ["invest"],  # invest 5
    ]
    scores = borda(rankings, IDS)

    assert scores["early"] == BordaScore(total=14, mean=3.5, positions=(2, 1, 0, 0, 0))
    assert scores["local"] == BordaScore(total=9, mean=2.25, positions=(1, 1, 0, 0, 0))
    assert scores["invest"] == BordaScore(total=8, mean=2.0, positions=(1, 0, 1, 0, 0))
    assert scores["voices"] == BordaScore(total=7, mean=1.75, positions=(0, 1, 1, 0, 0))
    # Never ranked: 0 points, and still listed.
    assert scores["communities"] == BordaScore(total=0, mean=0.0, positions=(0, 0, 0, 0, 0))
    assert list(scores) == IDS
    assert scores["early"].ranked_by == 3


def test_equal_totals_share_a_place_and_keep_the_programme_order() -> None:
    rankings = [["voices", "local"], ["local", "voices"], ["early"]]
    scores = borda(rankings, IDS)
    # local 4+5 = 9, voices 5+4 = 9, early 5, the others 0.
    groups = ordered(scores)

    assert groups == [("local", "voices"), ("early",), ("communities", "invest")]
    assert places(groups) == {"local": 1, "voices": 1, "early": 3, "communities": 4, "invest": 4}


def test_ordered_works_on_plain_totals_too() -> None:
    assert ordered({"a": 3, "b": 7, "c": 3}) == [("b",), ("a", "c")]
    assert places([("b",), ("a", "c")]) == {"b": 1, "a": 2, "c": 2}


def test_no_rankings_gives_zero_and_no_division_by_zero() -> None:
    scores = borda([], IDS)
    assert all(s == BordaScore(0, 0.0, (0, 0, 0, 0, 0)) for s in scores.values())
    assert ordered(scores) == [tuple(IDS)]


def test_invalid_rankings_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        borda([["early", "early"]], IDS)
    with pytest.raises(ValueError):
        borda([["nonsense"]], IDS)
    with pytest.raises(ValueError):
        borda_from_positions({"early": {6: 1}}, IDS, 1)


def test_borda_from_counted_positions_matches_borda_from_rankings() -> None:
    rankings = [["early", "local"], ["local"], ["invest", "early", "voices"]]
    counted = {"early": {1: 1, 2: 1}, "local": {1: 1, 2: 1}, "invest": {1: 1}, "voices": {3: 1}}
    assert borda_from_positions(counted, IDS, 3) == borda(rankings, IDS)


rankings_strategy = st.lists(
    st.integers(min_value=1, max_value=5).flatmap(
        lambda k: st.permutations(IDS).map(lambda order: order[:k])
    ),
    max_size=40,
)


@given(rankings=rankings_strategy)
def test_borda_totals_are_the_sum_of_what_each_response_contributes(
    rankings: list[list[str]],
) -> None:
    n = len(IDS)
    scores = borda(rankings, IDS)

    for option in IDS:
        contributions = sum(n - ranking.index(option) for ranking in rankings if option in ranking)
        assert scores[option].total == contributions
        assert scores[option].ranked_by == sum(option in r for r in rankings)
        if rankings:
            assert scores[option].mean == pytest.approx(contributions / len(rankings))
    handed_out = sum(borda_points_handed_out(len(r), n) for r in rankings)
    assert sum(s.total for s in scores.values()) == handed_out
    assert handed_out == sum(sum(range(n, n - len(r), -1)) for r in rankings)
    # Every ranking has exactly one first place.
    assert sum(s.positions[0] for s in scores.values()) == len(rankings)


# ---- dots and points --------------------------------------------------------------


def test_dot_totals_add_people_and_the_paper_wall() -> None:
    people = [{"early": 3, "local": 2}, {"early": 1, "invest": 4}, {"voices": 5}]
    wall = [("early", 20), ("communities", 7), ("early", 3)]

    totals = dot_totals(people, wall, IDS)

    assert totals == {"local": 2, "voices": 5, "early": 27, "communities": 7, "invest": 4}
    assert dot_totals([], [], IDS) == dict.fromkeys(IDS, 0)


def test_points_totals_and_means_count_zero_for_priorities_not_given() -> None:
    responses = [
        {"early": 50, "local": 50},
        {"early": 100},
        {"voices": 40, "invest": 30, "early": 30},
    ]
    scores = points_totals(responses, IDS)

    assert scores["early"].total == 180
    assert scores["early"].mean == pytest.approx(60.0)
    assert scores["local"].total == 50
    assert scores["local"].mean == pytest.approx(50 / 3)
    assert scores["communities"].total == 0 and scores["communities"].mean == 0.0
    assert sum(s.total for s in scores.values()) == 300


# ---- checks ---------------------------------------------------------------------------


def messages(problems: list) -> list[str]:  # type: ignore[type-arg]
    return [p.message for p in problems]


def test_a_good_ranking_has_no_problems() -> None:
    assert check_ranking(["early", "local", "invest"], PRIORITIES, 3) == []
    assert check_ranking(["early"], PRIORITIES, 3) == []


def test_a_priority_ranked_twice_is_named() -> None:
    found = messages(check_ranking(["early", "local", "early"], PRIORITIES, 3))
    assert found == [
        "Earlier help and prevention is ranked twice; give each priority one place at most."
    ]


def test_too_many_places_unknown_and_empty_rankings() -> None:
    assert messages(check_ranking(["early", "local", "invest", "voices"], PRIORITIES, 3)) == [
        "This ranking has 4 places; people rank their top 3 priorities at this event."
    ]
    assert messages(check_ranking(["early", "parking"], PRIORITIES, 3)) == [
        "'parking' is not one of the programme's priorities."
    ]
    assert messages(check_ranking([], PRIORITIES, 3)) == ["Rank at least one priority."]


def test_points_must_add_up_to_exactly_100() -> None:
    assert check_points({"early": 60, "local": 40}, PRIORITIES) == []
    assert messages(check_points({"early": 50, "local": 40}, PRIORITIES)) == [
        "The points add up to 90; they must add up to 100."
    ]
    assert messages(check_points({"early": 110}, PRIORITIES)) == [
        "The points add up to 110; they must add up to 100."
    ]


def test_negative_points_and_unknown_priorities_are_refused() -> None:
    found = messages(check_points({"early": 120, "local": -20}, PRIORITIES))
    assert found == ["Live, learn and grow up locally has -20 points; points cannot be negative."]
    assert "'roads' is not one of the programme's priorities." in messages(
        check_points({"roads": 100}, PRIORITIES)
    )


def test_dots_within_the_allowance() -> None:
    assert check_dots({"early": 3, "local": 2}, PRIORITIES, 5) == []
    assert check_dots({"early": 1}, PRIORITIES, 5) == []
    assert messages(check_dots({"early": 4, "local": 3}, PRIORITIES, 5)) == [
        "That is 7 dots; each person has 5 dots at this event."
    ]
    assert messages(check_dots({"early": -1, "local": 3}, PRIORITIES, 5)) == [
        "Earlier help and prevention has -1 dots; dots cannot be negative."
    ]
    assert messages(check_dots({}, PRIORITIES, 5)) == ["Place at least one dot."]
    assert messages(check_dots({"early": 0}, PRIORITIES, 5)) == ["Place at least one dot."]


def test_checks_accept_plain_id_lists() -> None:
    assert messages(check_ranking(["a", "a"], ["a", "b"], 2)) == [
        "a is ranked twice; give each priority one place at most."
    ]


# ---- suppression --------------------------------------------------------------------


def texts(cells: Mapping[str, Cell]) -> dict[str, str]:
    return {k: c.text for k, c in cells.items()}


def test_small_counts_read_fewer_than_the_threshold_and_zero_stays_zero() -> None:
    assert count_cell(0, 5) == Cell(0, "0", False)
    assert count_cell(1, 5) == Cell(None, "fewer than 5", True)
    assert count_cell(4, 5) == Cell(None, "fewer than 5", True)
    assert count_cell(5, 5) == Cell(5, "5", False)
    assert count_cell(9, 10).text == "fewer than 10"
    assert count_cell(1234, 5).text == "1,234"


def test_one_small_cell_among_large_ones_hides_the_next_smallest_too() -> None:
    # Without the second hidden cell, 60 - 20 - 30 - 8 would give the 2 away.
    result = suppress_breakdown({"BL9": 20, "BL8": 30, "M26": 2, "M45": 8}, 5)

    assert texts(result.cells) == {
        "BL9": "20",
        "BL8": "30",
        "M26": "fewer than 5",
        "M45": NOT_SHOWN,
    }
    assert result.total == Cell(60, "60", False)
    assert result.cells["M45"].value is None
    assert result.percent("BL9") == "33%"
    assert result.percent("M26") is None and result.percent("M45") is None


def test_two_small_cells_need_no_extra_hiding() -> None:
    cells = suppress_small_counts({"a": 3, "b": 2, "c": 40, "d": 15}, 5)
    assert texts(cells) == {"a": "fewer than 5", "b": "fewer than 5", "c": "40", "d": "15"}


def test_all_small_cells_with_a_shown_total() -> None:
    result = suppress_breakdown({"a": 2, "b": 3, "c": 4}, 5)
    assert texts(result.cells) == {"a": "fewer than 5", "b": "fewer than 5", "c": "fewer than 5"}
    assert result.total.text == "9"


def test_zeros_are_shown_and_never_chosen_to_hide_a_small_cell() -> None:
    result = suppress_breakdown({"a": 0, "b": 3, "c": 0, "d": 12, "e": 30}, 5)
    assert texts(result.cells) == {
        "a": "0",
        "b": "fewer than 5",
        "c": "0",
        "d": NOT_SHOWN,
        "e": "30",
    }
    everyone_zero = suppress_breakdown({"a": 0, "b": 0}, 5)
    assert texts(everyone_zero.cells) == {"a": "0", "b": "0"}
    assert everyone_zero.total.text == "0"


def test_a_small_total_is_fewer_than_the_threshold_too() -> None:
    result = suppress_breakdown({"a": 2, "b": 1, "c": 0}, 5)
    assert texts(result.cells) == {"a": "fewer than 5", "b": "fewer than 5", "c": "0"}
    assert result.total.text == "fewer than 5"


def test_when_the_labels_would_pin_a_number_the_total_is_hidden_too() -> None:
    # 'fewer than 5' + '5 or more' = 6 can only be 1 + 5.
    result = suppress_breakdown({"a": 1, "b": 5}, 5)
    assert texts(result.cells) == {"a": "fewer than 5", "b": NOT_SHOWN}
    assert result.total.text == NOT_SHOWN


def test_a_table_that_cannot_be_protected_is_withheld() -> None:
    # Four people in four rows: 'fewer than 5' in total, so each row can only be 1.
    result = suppress_breakdown({"a": 1, "b": 1, "c": 1, "d": 1, "e": 0}, 5)
    assert result.withheld
    assert all(c.text == NOT_SHOWN and c.value is None for c in result.cells.values())
    assert result.total.text == "fewer than 5"


def test_rows_that_do_not_add_up_need_only_primary_suppression() -> None:
    cells = suppress_small_counts({"autism": 30, "ADHD": 2, "learning": 9}, 5, total_shown=False)
    assert texts(cells) == {"autism": "30", "ADHD": "fewer than 5", "learning": "9"}


def test_threshold_ten() -> None:
    result = suppress_breakdown({"a": 9, "b": 10, "c": 50}, 10)
    assert texts(result.cells) == {"a": "fewer than 10", "b": NOT_SHOWN, "c": "50"}


def test_percentages_only_between_shown_numbers() -> None:
    assert percent_text(Cell.shown(3), Cell.shown(12)) == "25%"
    assert percent_text(Cell.fewer_than(5), Cell.shown(12)) is None
    assert percent_text(Cell.shown(30), Cell.not_shown()) is None
    assert percent_text(Cell.shown(0), Cell.shown(0)) is None


def test_protect_with_a_difference_and_a_preference() -> None:
    # registered = checked in + no-shows; a small no-show count hides 'registered' first.
    values = {"registered": 40, "checked_in": 37, "no_shows": 3}
    relation = [("registered", -1), ("checked_in", 1), ("no_shows", 1)]
    cells = protect(values, [relation], 5, hide_first={"registered": 1, "checked_in": 2})
    assert texts(cells) == {
        "registered": NOT_SHOWN,
        "checked_in": "37",
        "no_shows": "fewer than 5",
    }


def test_protect_keeps_cells_published_elsewhere() -> None:
    # Column of checked-in counts over three events, with the programme total.
    values = {"e1": 3, "e2": 40, "e3": 25, "total": 68}
    relation = [("e1", 1), ("e2", 1), ("e3", 1), ("total", -1)]
    published = {"e1": Cell.fewer_than(5), "e2": Cell.shown(40), "e3": Cell.shown(25)}
    cells = protect(values, [relation], 5, published=published)
    # e2 and e3 are already public in their event summaries: only the total can be hidden.
    assert texts(cells) == {"e1": "fewer than 5", "e2": "40", "e3": "25", "total": NOT_SHOWN}


def _consistent_values(label: Cell, threshold: int, top: int) -> range:
    """What a reader knows of a number from its label alone."""
    if label.value is not None:
        return range(label.value, label.value + 1)
    if label.text.startswith("fewer than"):
        return range(1, threshold)
    return range(threshold, top + 1)


counts_strategy = st.dictionaries(
    st.sampled_from("abcdef"), st.integers(min_value=0, max_value=14), min_size=1, max_size=5
)


@settings(max_examples=300, deadline=None)
@given(counts=counts_strategy, threshold=st.integers(min_value=3, max_value=6))
def test_no_hidden_number_can_be_worked_out_from_the_total(
    counts: dict[str, int], threshold: int
) -> None:
    result = suppress_breakdown(counts, threshold)
    cells, total = result.cells, result.total
    hidden = [k for k, c in cells.items() if c.suppressed]

    # Small numbers are never shown, and what is shown is true.
    for key, cell in cells.items():
        if 0 < counts[key] < threshold:
            assert cell.suppressed and cell.value is None
        if not cell.suppressed:
            assert cell.value == counts[key]
    if total.value is None or not hidden:
        return
    # The simple attack: total minus the shown cells.
    remainder = total.value - sum(c.value or 0 for c in cells.values())
    if len(hidden) == 1:
        raise AssertionError(f"{hidden[0]} = {remainder} can be worked out")
    # The thorough attack: every way the hidden cells could add up to the remainder, given
    # their labels; each hidden cell must still have at least two possible values.
    ranges = {k: _consistent_values(cells[k], threshold, remainder) for k in hidden}
    possible: dict[str, set[int]] = {k: set() for k in hidden}
    for combination in itertools.product(*(ranges[k] for k in hidden)):
        if sum(combination) == remainder:
            for key, value in zip(hidden, combination, strict=True):
                possible[key].add(value)
    for key in hidden:
        assert counts[key] in possible[key]
        assert len(possible[key]) >= 2, f"{key} can only be {possible[key]}"
