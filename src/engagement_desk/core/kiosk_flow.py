"""The kiosk's journey, one parent at a time, as a state machine with no widgets and no I/O.

Screens: Welcome (scan your ticket, or skip) → the ticket's outcome → how to give your views
(when the event offers more than one way) → ranking, dots, 100 points or a comment → thank you
→ Welcome again. The staff PIN screen can be opened from anywhere and goes back to where the
parent was. The flow holds everything the current parent has chosen and forgets all of it on
``reset``; the window draws it and starts the timers ``idle_timer_runs`` and
``thanks_timer_runs`` ask for.

Which ways of giving views are offered: every method the event collects (all of them when it
has chosen none), except that ranking, dots and points need the programme's priorities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum

from engagement_desk.core.checkin import Outcome
from engagement_desk.core.scoring import POINTS_TOTAL


class Screen(StrEnum):
    WELCOME = "welcome"
    TICKET = "ticket"
    CHOOSE = "choose"
    RANKING = "ranking"
    DOTS = "dots"
    POINTS = "points"
    COMMENT = "comment"
    THANKS = "thanks"
    STAFF = "staff"


# The kiosk's ways of giving views, in the order offered, and the screen each one uses.
METHOD_SCREENS: dict[str, Screen] = {
    "ranking": Screen.RANKING,
    "dots": Screen.DOTS,
    "points": Screen.POINTS,
    "comments": Screen.COMMENT,
}
KIOSK_METHODS: tuple[str, ...] = tuple(METHOD_SCREENS)
NEEDS_PRIORITIES = frozenset({"ranking", "dots", "points"})
POINTS_STEP = 10  # a finger gives points ten at a time


class AnswerProblem(Enum):
    """Why a parent's answers were not saved; the kiosk puts each into easy-read words."""

    NOTHING_CHOSEN = "nothing chosen"
    NO_DOTS = "no dots"
    TOO_MANY_DOTS = "too many dots"
    POINTS_NOT_ALL_GIVEN = "points not all given"
    EMPTY_COMMENT = "empty comment"
    COMMENT_TOO_LONG = "comment too long"
    ALREADY_ANSWERED = "already answered"  # the linked booking has answers of this kind
    NOT_COLLECTED = "not collected"  # the facilitator changed the event meanwhile
    NOT_SAVED = "not saved"  # anything else: ask a helper


class Choice(Enum):
    """What tapping a priority on the ranking screen did."""

    ADDED = "added"
    ALREADY_CHOSEN = "already chosen"
    FULL = "full"


@dataclass(frozen=True)
class KioskOptions:
    """What the event asks for, as plain values (the window reads them from the services)."""

    methods: tuple[str, ...]  # the methods the event collects; () means none chosen: all
    priorities: tuple[str, ...]  # priority ids, in the programme's order
    ranking_top_k: int
    dots_per_person: int
    themes: tuple[str, ...] = ()

    def collects(self, method: str) -> bool:
        return not self.methods or method in self.methods

    @property
    def offered(self) -> tuple[str, ...]:
        """The ways of giving views a parent can use at the kiosk, in order."""
        return tuple(
            m
            for m in KIOSK_METHODS
            if self.collects(m) and (m not in NEEDS_PRIORITIES or self.priorities)
        )

    @property
    def ranking_limit(self) -> int:
        return max(1, min(self.ranking_top_k, len(self.priorities)))


@dataclass
class KioskFlow:
    """One kiosk's state; see the module docstring."""

    options: KioskOptions
    screen: Screen = Screen.WELCOME
    before_staff: Screen = Screen.WELCOME
    outcome: Outcome | None = None
    registration_id: str | None = None
    link_wanted: bool = False
    ranked: list[str] = field(default_factory=list)
    dots: dict[str, int] = field(default_factory=dict)
    points: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    themes: list[str] = field(default_factory=list)
    quote: bool = False
    saved: list[str] = field(default_factory=list)  # methods saved for this parent
    left: bool = False  # the PIN was accepted: the kiosk closes

    # ---- starting over ---------------------------------------------------------------

    def reset(self, options: KioskOptions | None = None) -> None:
        """Back to Welcome with nothing of the last parent kept; ``options`` are the event's
        settings as they are now."""
        if options is not None:
            self.options = options
        self.screen = Screen.WELCOME
        self.before_staff = Screen.WELCOME
        self.outcome = None
        self.registration_id = None
        self.link_wanted = False
        self.saved = []
        self._clear_answers()

    def _clear_answers(self) -> None:
        self.ranked = []
        self.dots = {}
        self.points = {}
        self.comment = ""
        self.themes = []
        self.quote = False

    @property
    def offered(self) -> tuple[str, ...]:
        return self.options.offered

    @property
    def idle_timer_runs(self) -> bool:
        """A parent may walk away from any screen but Welcome: then the kiosk resets."""
        return self.screen is not Screen.WELCOME

    @property
    def thanks_timer_runs(self) -> bool:
        return self.screen is Screen.THANKS

    # ---- the ticket ------------------------------------------------------------------

    def takes_scans(self) -> bool:
        """A scan counts on Welcome, the ticket screen (a second try) and Thank you (the next
        parent); not while someone is giving views or staff are at the PIN."""
        return self.screen in (Screen.WELCOME, Screen.TICKET, Screen.THANKS)

    def scanned(self, outcome: Outcome, registration_id: str | None) -> None:
        if self.screen is Screen.THANKS:
            self.reset()
        self.outcome = outcome
        self.registration_id = registration_id
        self.link_wanted = False
        self.screen = Screen.TICKET

    @property
    def can_link(self) -> bool:
        """Linking answers to a booking is offered only to the person whose own ticket just
        checked them in, and only when there are views to give."""
        return (
            self.outcome is Outcome.ADMITTED
            and self.registration_id is not None
            and bool(self.offered)
        )

    @property
    def linked_registration(self) -> str | None:
        """The registration the answers go with; None for anonymous answers (the default)."""
        return self.registration_id if self.can_link and self.link_wanted else None

    def skip_ticket(self) -> None:
        self.outcome = None
        self.registration_id = None
        self.link_wanted = False
        self.go_to_views()

    def finish(self) -> None:
        self.screen = Screen.THANKS

    # ---- giving views ------------------------------------------------------------------

    @property
    def still_to_give(self) -> tuple[str, ...]:
        """The ways offered that this parent has not used yet."""
        return tuple(m for m in self.offered if m not in self.saved)

    def go_to_views(self) -> None:
        """Straight to the only way left, a choice when there are several, thanks when none."""
        left = self.still_to_give
        if not left:
            self.screen = Screen.THANKS
        elif len(left) == 1:
            self.screen = METHOD_SCREENS[left[0]]
        else:
            self.screen = Screen.CHOOSE

    def show_method(self, method: str) -> None:
        if method not in self.offered:
            raise ValueError(f"the kiosk does not offer {method!r} for this event")
        self.screen = METHOD_SCREENS[method]

    def choose(self, priority_id: str) -> Choice:
        if priority_id in self.ranked:
            return Choice.ALREADY_CHOSEN
        if len(self.ranked) >= self.options.ranking_limit:
            return Choice.FULL
        self.ranked.append(priority_id)
        return Choice.ADDED

    def place_of(self, priority_id: str) -> int | None:
        return self.ranked.index(priority_id) + 1 if priority_id in self.ranked else None

    def undo_last(self) -> None:
        if self.ranked:
            self.ranked.pop()

    @property
    def dots_left(self) -> int:
        return self.options.dots_per_person - sum(self.dots.values())

    def add_dot(self, priority_id: str, step: int) -> bool:
        """One dot more (step 1) or fewer (-1); False when there is none left to give or
        take."""
        have = self.dots.get(priority_id, 0)
        if (step > 0 and self.dots_left < step) or have + step < 0:
            return False
        self.dots[priority_id] = have + step
        if not self.dots[priority_id]:
            del self.dots[priority_id]
        return True

    @property
    def points_left(self) -> int:
        return POINTS_TOTAL - sum(self.points.values())

    def add_points(self, priority_id: str, step: int) -> bool:
        """Ten points more (step 10) or fewer (-10); False when it cannot be done."""
        have = self.points.get(priority_id, 0)
        if (step > 0 and self.points_left < step) or have + step < 0:
            return False
        self.points[priority_id] = have + step
        if not self.points[priority_id]:
            del self.points[priority_id]
        return True

    def toggle_theme(self, theme: str) -> bool:
        """Tap a theme on or off; True when it is now chosen."""
        if theme in self.themes:
            self.themes.remove(theme)
            return False
        if theme not in self.options.themes:
            raise ValueError(f"{theme!r} is not one of the programme's themes")
        self.themes.append(theme)
        return True

    def problem_before_saving(self, method: str) -> AnswerProblem | None:
        """What is missing before the answers can be saved (the service checks again)."""
        if method == "ranking" and not self.ranked:
            return AnswerProblem.NOTHING_CHOSEN
        if method == "dots" and not self.dots:
            return AnswerProblem.NO_DOTS
        if method == "points" and self.points_left:
            return AnswerProblem.POINTS_NOT_ALL_GIVEN
        if method == "comments" and not self.comment.strip():
            return AnswerProblem.EMPTY_COMMENT
        return None

    def saved_answers(self, method: str) -> None:
        """The service saved them: thank the parent (who can then give another kind)."""
        if method not in self.saved:
            self.saved.append(method)
        self.screen = Screen.THANKS

    def refused(self, problem: AnswerProblem) -> None:
        """The service refused the answers. A linked booking that already has answers of
        this kind is unlinked, so a second tap saves these anonymously."""
        if problem is AnswerProblem.ALREADY_ANSWERED:
            self.link_wanted = False

    def give_more(self) -> None:
        """From Thank you, another way of giving views (a comment after a ranking)."""
        self._clear_answers()
        self.go_to_views()

    # ---- staff ----------------------------------------------------------------------------

    def open_staff(self) -> None:
        if self.screen is not Screen.STAFF:
            self.before_staff = self.screen
        self.screen = Screen.STAFF

    def cancel_staff(self) -> None:
        self.screen = self.before_staff

    def pin_accepted(self) -> None:
        self.left = True
