"""The kiosk's journey without a window: which screens follow which, which ways of giving views
are offered, when the timers run, what is forgotten between parents, the PIN and its lockout,
and answers saved (or refused with a typed reason) through the real services."""

from __future__ import annotations

import pytest

from engagement_desk.bootstrap import Desk
from engagement_desk.core.checkin import Outcome
from engagement_desk.core.kiosk_flow import (
    AnswerProblem,
    Choice,
    KioskFlow,
    KioskOptions,
    Screen,
)
from engagement_desk.core.people import PersonDraft
from engagement_desk.services.errors import UserError
from engagement_desk.services.kiosk import KioskAnswers, KioskLocked
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event

IDS = ("p1", "p2", "p3", "p4", "p5")
THEMES = ("Autism", "Early years")


def options(*methods: str, priorities: tuple[str, ...] = IDS, top: int = 3) -> KioskOptions:
    return KioskOptions(methods, priorities, ranking_top_k=top, dots_per_person=5, themes=THEMES)


# ---- which ways are offered ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("methods", "priorities", "offered"),
    [
        (("ranking",), IDS, ("ranking",)),
        (("comments",), IDS, ("comments",)),
        (("dots", "comments"), IDS, ("dots", "comments")),
        (("points",), IDS, ("points",)),
        ((), IDS, ("ranking", "dots", "points", "comments")),  # none chosen: every way
        (("ranking", "dots", "comments"), (), ("comments",)),  # no priorities to rank
        (("ranking",), (), ()),
    ],
)
def test_every_method_the_event_collects_is_offered(
    methods: tuple[str, ...], priorities: tuple[str, ...], offered: tuple[str, ...]
) -> None:
    assert options(*methods, priorities=priorities).offered == offered


def test_one_way_goes_straight_to_it_several_ask_first_none_says_thanks() -> None:
    flow = KioskFlow(options("comments"))
    flow.skip_ticket()
    assert flow.screen is Screen.COMMENT
    flow = KioskFlow(options("ranking", "comments"))
    flow.skip_ticket()
    assert flow.screen is Screen.CHOOSE
    flow.show_method("comments")
    assert flow.screen is Screen.COMMENT
    with pytest.raises(ValueError, match="does not offer"):
        flow.show_method("dots")
    flow = KioskFlow(options("ranking", priorities=()))
    flow.skip_ticket()
    assert flow.screen is Screen.THANKS


# ---- the ticket and linking ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "registration", "can_link"),
    [
        (Outcome.ADMITTED, "r1", True),
        (Outcome.ADMITTED, None, False),
        (Outcome.ADMITTED_NOT_ON_LIST, "r1", False),
        (Outcome.ALREADY_CHECKED_IN, "r1", False),
        (Outcome.NOT_RECOGNISED, None, False),
    ],
)
def test_only_your_own_admitted_ticket_can_link_answers(
    outcome: Outcome, registration: str | None, can_link: bool
) -> None:
    flow = KioskFlow(options("ranking"))
    flow.scanned(outcome, registration)
    assert flow.screen is Screen.TICKET
    assert flow.can_link is can_link
    flow.link_wanted = True
    assert flow.linked_registration == (registration if can_link else None)


def test_answers_are_anonymous_unless_the_parent_ticks_the_box() -> None:
    flow = KioskFlow(options("ranking"))
    flow.scanned(Outcome.ADMITTED, "r1")
    assert flow.linked_registration is None
    flow.link_wanted = True
    assert flow.linked_registration == "r1"
    flow.refused(AnswerProblem.ALREADY_ANSWERED)  # their booking has answers: unlinked
    assert flow.linked_registration is None


def test_scans_count_only_where_a_parent_can_scan() -> None:
    flow = KioskFlow(options("ranking"))
    assert flow.takes_scans()
    flow.skip_ticket()
    assert flow.screen is Screen.RANKING and not flow.takes_scans()
    flow.open_staff()
    assert not flow.takes_scans()
    flow.cancel_staff()
    flow.choose("p1")
    flow.saved_answers("ranking")
    assert flow.screen is Screen.THANKS and flow.takes_scans()
    flow.scanned(Outcome.ADMITTED, "r2")  # the next parent, straight from Thank you
    assert flow.screen is Screen.TICKET and flow.ranked == [] and flow.saved == []


# ---- choosing ----------------------------------------------------------------------------------


def test_ranking_takes_the_top_k_in_order_and_undo_takes_the_last() -> None:
    flow = KioskFlow(options("ranking", top=2))
    assert flow.choose("p3") is Choice.ADDED
    assert flow.choose("p3") is Choice.ALREADY_CHOSEN
    assert flow.choose("p1") is Choice.ADDED
    assert flow.choose("p5") is Choice.FULL
    assert [flow.place_of(p) for p in IDS] == [2, None, 1, None, None]
    flow.undo_last()
    assert flow.ranked == ["p3"]
    assert KioskFlow(options("ranking", priorities=("p1", "p2"), top=3)).options.ranking_limit == 2


def test_dots_and_points_never_go_below_nothing_or_above_what_there_is() -> None:
    flow = KioskFlow(options("dots", "points"))
    assert not flow.add_dot("p1", -1)
    for _ in range(5):
        assert flow.add_dot("p2", 1)
    assert flow.dots_left == 0 and not flow.add_dot("p1", 1)
    assert flow.add_dot("p2", -1) and flow.dots == {"p2": 4}
    for _ in range(10):
        assert flow.add_points("p4", 10)
    assert flow.points_left == 0 and not flow.add_points("p1", 10)
    assert flow.add_points("p4", -10) and flow.points == {"p4": 90}
    assert flow.problem_before_saving("points") is AnswerProblem.POINTS_NOT_ALL_GIVEN


def test_themes_are_tapped_on_and_off() -> None:
    flow = KioskFlow(options("comments"))
    assert flow.toggle_theme("Autism") is True
    assert flow.toggle_theme("Early years") is True
    assert flow.toggle_theme("Autism") is False
    assert flow.themes == ["Early years"]
    with pytest.raises(ValueError, match="not one of the programme's themes"):
        flow.toggle_theme("Made up")


@pytest.mark.parametrize(
    ("method", "problem"),
    [
        ("ranking", AnswerProblem.NOTHING_CHOSEN),
        ("dots", AnswerProblem.NO_DOTS),
        ("points", AnswerProblem.POINTS_NOT_ALL_GIVEN),
        ("comments", AnswerProblem.EMPTY_COMMENT),
    ],
)
def test_nothing_given_is_a_typed_problem(method: str, problem: AnswerProblem) -> None:
    flow = KioskFlow(options())
    flow.comment = "   "
    assert flow.problem_before_saving(method) is problem


# ---- timers and forgetting ----------------------------------------------------------------------


def test_the_idle_timer_runs_off_welcome_and_the_thanks_timer_on_thank_you() -> None:
    flow = KioskFlow(options("ranking"))
    assert not flow.idle_timer_runs and not flow.thanks_timer_runs
    flow.skip_ticket()
    assert flow.idle_timer_runs and not flow.thanks_timer_runs
    flow.finish()
    assert flow.idle_timer_runs and flow.thanks_timer_runs
    flow.reset()
    assert not flow.idle_timer_runs and not flow.thanks_timer_runs


def test_reset_forgets_everything_of_the_last_parent_and_takes_new_settings() -> None:
    flow = KioskFlow(options("ranking", "dots", "comments"))
    flow.scanned(Outcome.ADMITTED, "r1")
    flow.link_wanted = True
    flow.choose("p1")
    flow.add_dot("p2", 1)
    flow.comment = "The wait for an assessment was long."
    flow.toggle_theme("Autism")
    flow.quote = True
    flow.saved_answers("ranking")
    flow.reset(options("dots"))
    assert flow == KioskFlow(options("dots"))


def test_after_one_way_the_parent_can_give_another() -> None:
    flow = KioskFlow(options("ranking", "comments"))
    flow.skip_ticket()
    flow.show_method("ranking")
    flow.choose("p2")
    flow.saved_answers("ranking")
    assert flow.still_to_give == ("comments",)
    flow.give_more()
    assert flow.screen is Screen.COMMENT and flow.ranked == []
    flow.comment = "More speech therapy in school."
    flow.saved_answers("comments")
    assert flow.still_to_give == ()


# ---- the staff PIN ---------------------------------------------------------------------------


def test_staff_screen_goes_back_to_where_the_parent_was() -> None:
    flow = KioskFlow(options("dots"))
    flow.skip_ticket()
    flow.open_staff()
    flow.open_staff()  # twice: still goes back to the dots, not to the PIN screen
    assert flow.screen is Screen.STAFF
    flow.cancel_staff()
    assert flow.screen is Screen.DOTS


def test_pin_lockout_keeps_the_flow_at_the_pin_until_the_right_pin_after_the_wait(
    desk: Desk, clock: FakeClock
) -> None:
    desk.kiosk.set_pin("2468")
    flow = KioskFlow(options("ranking"))
    flow.open_staff()
    for _ in range(4):
        assert desk.kiosk.check_pin("0000") is False
    with pytest.raises(KioskLocked):
        desk.kiosk.check_pin("0000")
    with pytest.raises(KioskLocked):
        desk.kiosk.check_pin("2468")  # even the right one waits
    assert flow.screen is Screen.STAFF and not flow.left
    clock.advance(seconds=31)
    assert desk.kiosk.check_pin("2468")
    flow.pin_accepted()
    assert flow.left


# ---- saving through the services ----------------------------------------------------------------


def test_answers_are_saved_as_the_desk_saves_them_or_refused_with_a_typed_problem(
    desk: Desk,
) -> None:
    event_id = desk.events.create(venue_event()).id
    desk.voices.set_capture(event_id, ["ranking", "dots", "points", "comments"], 3, 3)
    settings = desk.voices.capture_settings(event_id)
    ids = tuple(p.id for p in settings.priorities)
    booked = desk.registrations.register(
        event_id, PersonDraft(full_name="Sarah Ashworth", email="s@example.org", consent_store=True)
    )
    answers = KioskAnswers(desk.voices)
    flow = KioskFlow(KioskOptions((), ids, 3, 3, settings.themes))

    assert answers.save(event_id, flow, "ranking") is AnswerProblem.NOTHING_CHOSEN
    flow.scanned(Outcome.ADMITTED, booked.id)
    flow.link_wanted = True
    flow.choose(ids[1])
    assert answers.save(event_id, flow, "ranking") is None
    assert answers.save(event_id, flow, "ranking") is AnswerProblem.ALREADY_ANSWERED

    flow.dots = {ids[0]: 4}  # more than the event's 3
    assert answers.save(event_id, flow, "dots") is AnswerProblem.TOO_MANY_DOTS
    for _ in range(10):
        flow.add_points(ids[2], 10)
    assert answers.save(event_id, flow, "points") is None

    flow.link_wanted = False
    flow.comment = "  The EHCP took a year.  "
    flow.toggle_theme("EHCP assessment process")
    flow.quote = True
    assert answers.save(event_id, flow, "comments") is None
    [comment] = desk.voices.comments(event_id)
    assert comment.text == "The EHCP took a year."
    assert comment.themes == ("EHCP assessment process",)
    assert comment.registration_id is None and comment.quote_permission

    rows = desk.voices.responses(event_id)
    assert sorted((r.method, r.source, r.registration_id) for r in rows) == [
        ("points", "kiosk", booked.id),
        ("ranking", "kiosk", booked.id),
    ]
    desk.voices.set_capture(event_id, ["dots"], 3, 3)  # the facilitator changed it meanwhile
    assert answers.save(event_id, flow, "comments") is AnswerProblem.NOT_COLLECTED
    assert len(desk.voices.comments(event_id)) == 1


def test_a_linked_comment_follows_the_persons_own_quoting_consent(desk: Desk) -> None:
    event_id = desk.events.create(venue_event()).id
    desk.voices.set_capture(event_id, ["comments"], 3, 3)
    booked = desk.registrations.register(
        event_id, PersonDraft(full_name="Ben Clarke", email="b@example.org", consent_store=True)
    )
    flow = KioskFlow(KioskOptions(("comments",), (), 3, 3, ()))
    flow.scanned(Outcome.ADMITTED, booked.id)
    flow.link_wanted = True
    flow.comment = "Transport to school is hard."
    flow.quote = True  # Ben never agreed to be quoted: the comment is not marked for quoting
    assert KioskAnswers(desk.voices).save(event_id, flow, "comments") is None
    [comment] = desk.voices.comments(event_id)
    assert comment.registration_id == booked.id and not comment.quote_permission


def test_an_event_that_cannot_be_found_is_not_saved(desk: Desk) -> None:
    flow = KioskFlow(KioskOptions(("comments",), (), 3, 3, ()))
    flow.comment = "Words"
    assert KioskAnswers(desk.voices).save("no-such-event", flow, "comments") is (
        AnswerProblem.NOT_SAVED
    )
    with pytest.raises(UserError):
        desk.voices.capture_settings("no-such-event")
