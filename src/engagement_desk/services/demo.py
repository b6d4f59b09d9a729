"""Fictional but realistic demo data for the Bury programme: every screen has something to show."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from engagement_desk.core.clock import Clock, local_to_utc, system_clock, to_local
from engagement_desk.core.events import AgendaDraft, EventDraft, VenueDraft
from engagement_desk.core.tickets import new_ticket_id
from engagement_desk.db.database import Database
from engagement_desk.db.models import (
    Action,
    ActionStatus,
    CheckIn,
    Comment,
    Event,
    EventKind,
    Person,
    Priority,
    Registration,
    RegistrationStatus,
    Response,
    ResponseMethod,
    ResponseScore,
    Tally,
    Theme,
)
from engagement_desk.db.types import new_id
from engagement_desk.services.devices import DeviceIdentity
from engagement_desk.services.errors import UserError
from engagement_desk.services.events import EventService
from engagement_desk.services.programmes import ProgrammeService

VENUES = (
    VenueDraft(
        "Bury Town Hall",
        "Knowsley Street, Bury",
        "BL9 0SW",
        step_free=True,
        hearing_loop=True,
        parking=True,
        accessible_toilet=True,
        notes="Use the Knowsley Street entrance; lift to the first floor.",
    ),
    VenueDraft(
        "Radcliffe Library",
        "Stand Lane, Radcliffe",
        "M26 1WR",
        step_free=True,
        hearing_loop=True,
        quiet_room=True,
        accessible_toilet=True,
    ),
    VenueDraft(
        "Ramsbottom Civic Hall",
        "Market Place, Ramsbottom",
        "BL0 9HT",
        step_free=True,
        parking=True,
        notes="Small car park behind the hall; on-street parking nearby.",
    ),
    VenueDraft(
        "Prestwich Community Hub",
        "Fairfax Road, Prestwich",
        "M25 1AB",
        step_free=True,
        quiet_room=True,
        accessible_toilet=True,
        hearing_loop=True,
    ),
    VenueDraft(
        "Whitefield Family Centre",
        "Bury New Road, Whitefield",
        "M45 7TA",
        step_free=False,
        parking=True,
        quiet_room=True,
        notes="Three steps at the main door; ramp at the side entrance on request.",
    ),
)

FIRST_NAMES = (
    "Aisha",
    "Amelia",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Faisal",
    "Grace",
    "Hannah",
    "Imran",
    "Jack",
    "Jade",
    "Kirsty",
    "Liam",
    "Lucy",
    "Mohammed",
    "Natalie",
    "Olivia",
    "Priya",
    "Rachel",
    "Sam",
    "Sarah",
    "Tom",
    "Usman",
    "Victoria",
    "Wendy",
    "Yasmin",
    "Zoe",
    "Gemma",
    "Paul",
)
SURNAMES = (
    "Ahmed",
    "Barnes",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kaur",
    "Lees",
    "Molloy",
    "Nolan",
    "O'Brien",
    "Patel",
    "Quinn",
    "Riley",
    "Shah",
    "Taylor",
    "Walsh",
    "Wright",
    "Hussain",
    "Ashworth",
    "Kershaw",
    "Holt",
    "Brierley",
)
DISTRICTS = ("BL0", "BL8", "BL9", "M25", "M26", "M45", "BL9", "BL8")
AGE_BANDS = ("0-4", "5-10", "11-16", "17-19", "20-25", "prefer not to say")
SETTINGS = (
    "early years",
    "mainstream primary",
    "mainstream secondary",
    "special school",
    "college",
    "not in education",
    "prefer not to say",
)
EHCP = ("has an EHCP", "being assessed", "no EHCP", "prefer not to say")
NEEDS = (
    "autism",
    "speech, language and communication",
    "social, emotional and mental health",
    "learning",
    "physical or sensory",
    "ADHD",
)
ACCESS = (
    "BSL interpreter",
    "wheelchair access",
    "hearing loop",
    "large print",
    "quiet space",
    "carer or PA attending",
    "dietary",
)

COMMENTS = (
    (
        "It took eleven months to get the EHCP finalised and nobody told us where it was up to.",
        ("EHCP assessment process", "Communication from the council"),
    ),
    (
        "Our son's school has been brilliant since the speech therapist came in, "
        "but the wait was too long.",
        ("Speech, language and communication", "Health services"),
    ),
    (
        "We want him to go to college in Bury, not travel an hour each way.",
        ("Preparation for adulthood / independence",),
    ),
    (
        "Parents should be in the room when services are designed, not told afterwards.",
        ("Co-production",),
    ),
    (
        "Help before crisis point. We only got support after she stopped going to school.",
        ("Social, emotional and mental health", "Mainstream inclusion"),
    ),
    (
        "The autism pathway letter was confusing; we didn't know what came next.",
        ("Autism", "SEND pathways", "Communication from the council"),
    ),
    ("Nursery staff noticed early and that made all the difference.", ("Early years",)),
    (
        "More training for mainstream teachers on sensory needs, please.",
        ("Mainstream inclusion", "Autism"),
    ),
)


# How each kind of demo event hears from people.
CAPTURE: dict[EventKind, tuple[str, ...]] = {
    EventKind.VENUE: ("dots", "ranking", "points", "comments"),
    EventKind.WEBINAR: ("ranking", "comments"),
    EventKind.DROP_IN: ("dots", "comments"),
    EventKind.WORKSHOP: ("ranking", "points", "comments"),
}


# "You said, we did": (you said, we did, owner, status, due in days from today, theme, priority)
DEMO_ACTIONS: tuple[tuple[str, str, str, ActionStatus, int | None, str, str], ...] = (
    (
        "Nobody tells us where our child's EHCP assessment is up to.",
        "Every family now has a named caseworker and an update at least every four weeks.",
        "SEND Assessment Team",
        ActionStatus.DONE,
        -20,
        "EHCP assessment process",
        "",
    ),
    (
        "The wait for speech and language therapy is too long.",
        "Speech and language therapists are joining school clusters, starting with Radcliffe "
        "and Ramsbottom.",
        "Children's Community Health",
        ActionStatus.IN_PROGRESS,
        60,
        "Speech, language and communication",
        "Invest where need is greatest",
    ),
    (
        "We want our young people to go to college in Bury, not travel an hour each way.",
        "Working with Bury College on a local supported internship and a travel-training offer.",
        "Preparing for Adulthood lead",
        ActionStatus.IN_PROGRESS,
        120,
        "Preparation for adulthood / independence",
        "Live, learn and grow up locally",
    ),
    (
        "Parents should be in the room when services are designed, not told afterwards.",
        "Bury2gether will co-chair the new SEND pathways working group.",
        "Bury2gether and the SEND Improvement Board",
        ActionStatus.PLANNED,
        45,
        "Co-production",
        "Families' voices shape services",
    ),
    (
        "Letters about the autism pathway are confusing.",
        "",
        "Neurodevelopmental pathway team",
        ActionStatus.PLANNED,
        None,
        "Communication from the council",
        "",
    ),
)


@dataclass(frozen=True)
class DemoResult:
    events: int
    people: int
    registrations: int
    check_ins: int
    responses: int
    comments: int


class DemoService:
    def __init__(
        self,
        db: Database,
        device: DeviceIdentity,
        programmes: ProgrammeService,
        events: EventService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._device = device
        self._programmes = programmes
        self._events = events
        self._clock = clock

    def fill(self, people: int = 120, *, seed: int = 2026) -> DemoResult:
        if people < 0 or people > 100_000:
            raise UserError("Choose between 0 and 100,000 demo people.")
        with self._db.session() as s:
            if s.scalar(select(func.count(Event.id))):
                raise UserError(
                    "This database already has events; the demo only fills an empty database. "
                    "Use --data-dir or --database to choose a new one."
                )
        rng = random.Random(seed)
        # Dots, points and the paper wall draw from their own stream, so adding them left
        # the rest of the demo as it was for the same seed.
        extra = random.Random(seed + 1)
        programme_id = self._programmes.ensure_seeded()
        event_ids = self._create_events()
        now = self._clock()
        with self._db.session() as s, s.begin():
            priorities = list(s.scalars(select(Priority).order_by(Priority.position)))
            themes = {t.name: t for t in s.scalars(select(Theme))}
            persons = [self._person(rng, n) for n in range(people)]
            s.add_all(persons)
            s.flush()
            # A fixed order, so the same seed gives the same demo every time.
            events = list(
                s.scalars(select(Event).where(Event.id.in_(event_ids)).order_by(Event.starts_at))
            )
            counts = {"registrations": 0, "check_ins": 0, "responses": 0, "comments": 0}
            for event in events:
                if not persons:
                    break
                capacity = event.capacity or 60
                chosen = rng.sample(
                    persons, k=min(len(persons), rng.randint(capacity // 2, capacity))
                )
                past = event.ends_at < now
                event.capture_methods = list(CAPTURE[event.kind])
                by_hand = past and event.kind is EventKind.VENUE
                for person in chosen:
                    registration = Registration(
                        id=new_id(),
                        device_id=self._device.id,
                        event=event,
                        person=person,
                        status=RegistrationStatus.REGISTERED,
                        ticket_id=new_ticket_id(),
                        source=rng.choice(("online form", "online form", "phone", "email")),
                        # Booked some days ahead, but never later than today.
                        registered_at=min(
                            event.starts_at - timedelta(days=rng.randint(3, 40)), now
                        ),
                    )
                    s.add(registration)
                    counts["registrations"] += 1
                    if past and rng.random() < 0.78:
                        s.add(self._check_in(rng, event, registration, walk_in=False))
                        counts["check_ins"] += 1
                        if rng.random() < 0.7:
                            s.add(self._ranking(rng, event, registration, priorities))
                            counts["responses"] += 1
                        if by_hand and extra.random() < 0.45:
                            s.add(self._scored(extra, event, registration, priorities, "dots"))
                            counts["responses"] += 1
                        if by_hand and extra.random() < 0.3:
                            s.add(self._scored(extra, event, registration, priorities, "points"))
                            counts["responses"] += 1
                if by_hand:
                    s.add_all(self._dot_wall(extra, event, priorities))
                if past:
                    for _ in range(rng.randint(2, 6)):
                        walker = self._person(rng, rng.randint(10_000, 99_999))
                        s.add(walker)
                        registration = Registration(
                            id=new_id(),
                            device_id=self._device.id,
                            event=event,
                            person=walker,
                            ticket_id=new_ticket_id(),
                            source="walk-in",
                            registered_at=event.starts_at + timedelta(minutes=rng.randint(0, 40)),
                        )
                        s.add(registration)
                        s.add(self._check_in(rng, event, registration, walk_in=True))
                        counts["registrations"] += 1
                        counts["check_ins"] += 1
                    for text, theme_names in rng.sample(COMMENTS, k=rng.randint(4, len(COMMENTS))):
                        s.add(
                            Comment(
                                device_id=self._device.id,
                                event_id=event.id,
                                text=text,
                                quote_permission=rng.random() < 0.6,
                                themes=[themes[name] for name in theme_names],
                                created_at=event.starts_at
                                + timedelta(minutes=rng.randint(20, 100)),
                            )
                        )
                        counts["comments"] += 1
            s.add_all(self._actions(programme_id, themes, priorities, now))
        return DemoResult(events=len(event_ids), people=people, **counts)

    @staticmethod
    def _actions(
        programme_id: str, themes: dict[str, Theme], priorities: list[Priority], now: datetime
    ) -> list[Action]:
        """A few "You said, we did" actions, as the SEND team would record them."""
        today = to_local(now).date()

        def due(days: int) -> datetime:
            # Held at midday UTC: the same calendar day in London (see services.actions).
            return datetime.combine(today + timedelta(days=days), time(12, tzinfo=UTC))

        by_title = {p.title: p for p in priorities}
        actions = []
        for you_said, we_did, owner, status, days, theme, priority in DEMO_ACTIONS:
            actions.append(
                Action(
                    programme_id=programme_id,
                    you_said=you_said,
                    we_did=we_did,
                    owner=owner,
                    status=status,
                    due_on=due(days) if days is not None else None,
                    theme_id=themes[theme].id if theme in themes else None,
                    priority_id=by_title[priority].id if priority in by_title else None,
                    created_at=now - timedelta(days=30),
                    updated_at=now - timedelta(days=3),
                )
            )
        return actions

    def _create_events(self) -> list[str]:
        today = to_local(self._clock()).date()
        ids: list[str] = []

        def at(days: int, hour: int, minute: int = 0) -> datetime:
            return local_to_utc(datetime.combine(today + timedelta(days=days), time(hour, minute)))

        venue_events = (
            (-56, "Have your say: SEND in Bury", VENUES[0], 80),
            (-35, "Radcliffe parents' priorities morning", VENUES[1], 40),
            (-14, "Ramsbottom coffee and conversation", VENUES[2], 30),
            (9, "Prestwich SEND engagement event", VENUES[3], 50),
            (23, "Whitefield family voices afternoon", VENUES[4], 35),
            (37, "Have your say: preparing for adulthood", VENUES[0], 80),
        )
        for offset, title, venue, capacity in venue_events:
            start = at(offset, 10)
            ids.append(
                self._events.create(
                    EventDraft(
                        title=title,
                        kind="venue",
                        starts_at=start,
                        ends_at=at(offset, 12, 30),
                        venue=venue,
                        capacity=capacity,
                        description="An informal session with Bury2gether and the council's SEND "
                        "team. Tell us what matters most to your family. Children welcome.",
                        agenda=[
                            AgendaDraft("Welcome and introductions", start),
                            AgendaDraft(
                                "The five priorities explained", start + timedelta(minutes=15)
                            ),
                            AgendaDraft(
                                "Dot voting and conversations", start + timedelta(minutes=40)
                            ),
                            AgendaDraft("What happens next", start + timedelta(minutes=130)),
                        ],
                    )
                ).id
            )
        topics = ("EHCPs", "Transitions", "Autism pathway", "Early help")
        for topic, offset in zip(topics, (-42, -14, 14, 42), strict=True):
            ids.append(
                self._events.create(
                    EventDraft(
                        title=f"Monthly SEND webinar Q&A ({topic})",
                        kind="webinar",
                        starts_at=at(offset + 2, 19),
                        ends_at=at(offset + 2, 20),
                        online_link="https://meet.example.org/bury-send-webinar",
                        description="Ask the SEND team your questions live. Captions are on.",
                    )
                ).id
            )
        ids.append(
            self._events.create(
                EventDraft(
                    title="SEND information drop-in",
                    kind="drop-in",
                    starts_at=at(5, 13),
                    ends_at=at(5, 15),
                    venue=VENUES[1],
                    capacity=None,
                    description="Pop in any time; no need to book.",
                )
            ).id
        )
        ids.append(
            self._events.create(
                EventDraft(
                    title="Co-production workshop: the Local Offer website",
                    kind="workshop",
                    starts_at=at(30, 18),
                    ends_at=at(30, 20),
                    venue=VENUES[3],
                    capacity=20,
                )
            ).id
        )
        return ids

    def _person(self, rng: random.Random, n: int) -> Person:
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        special = rng.random() < 0.75
        return Person(
            device_id=self._device.id,
            full_name=f"{first} {last}",
            email=f"{first}.{last}{n}@example.org".lower().replace("'", ""),
            postcode_district=rng.choice(DISTRICTS),
            role=rng.choices(("parent/carer", "young person", "professional"), (85, 8, 7))[0],
            child_age_band=rng.choice(AGE_BANDS) if special else None,
            child_setting=rng.choice(SETTINGS) if special else None,
            ehcp_status=rng.choice(EHCP) if special else None,
            need_areas=rng.sample(NEEDS, k=rng.randint(1, 2)) if special else [],
            access_needs=rng.sample(ACCESS, k=1) if rng.random() < 0.2 else [],
            consent_store=True,
            consent_special_category=special,
            consent_future_contact=rng.random() < 0.6,
            consent_quote=rng.random() < 0.5,
        )

    def _check_in(
        self, rng: random.Random, event: Event, registration: Registration, *, walk_in: bool
    ) -> CheckIn:
        return CheckIn(
            device_id=self._device.id,
            registration=registration,
            event_id=event.id,
            checked_in_at=event.starts_at + timedelta(minutes=rng.randint(-15, 45)),
            method="walk-in" if walk_in else rng.choice(("scanner", "scanner", "webcam", "search")),
            walk_in=walk_in,
        )

    def _ranking(
        self,
        rng: random.Random,
        event: Event,
        registration: Registration,
        priorities: list[Priority],
    ) -> Response:
        weights = [5, 3, 6, 2, 5][: len(priorities)]
        order: list[Priority] = []
        pool = list(zip(priorities, weights, strict=True))
        while pool and len(order) < 3:
            choice = rng.choices(range(len(pool)), [w for _, w in pool])[0]
            order.append(pool.pop(choice)[0])
        return Response(
            device_id=self._device.id,
            event_id=event.id,
            registration=None if rng.random() < 0.3 else registration,
            method=ResponseMethod.RANKING,
            scores=[ResponseScore(priority_id=p.id, value=rank) for rank, p in enumerate(order, 1)],
        )

    def _scored(
        self,
        rng: random.Random,
        event: Event,
        registration: Registration,
        priorities: list[Priority],
        method: str,
    ) -> Response:
        """One person's dots (all of them placed) or 100 points, leaning the same way as the
        rankings do."""
        weights = [5, 3, 6, 2, 5][: len(priorities)]
        budget, step = (event.dots_per_person, 1) if method == "dots" else (100, 10)
        given: dict[str, int] = {}
        for _ in range(budget // step):
            chosen = rng.choices(priorities, weights)[0]
            given[chosen.id] = given.get(chosen.id, 0) + step
        return Response(
            device_id=self._device.id,
            event_id=event.id,
            registration=None if rng.random() < 0.3 else registration,
            method=ResponseMethod(method),
            source="desk",
            created_at=event.starts_at + timedelta(minutes=rng.randint(30, 120)),
            scores=[ResponseScore(priority_id=p, value=v) for p, v in given.items()],
        )

    def _dot_wall(
        self, rng: random.Random, event: Event, priorities: list[Priority]
    ) -> list[Tally]:
        """Dots counted off the paper wall at the end of the session."""
        return [
            Tally(
                device_id=self._device.id,
                event_id=event.id,
                priority_id=priority.id,
                dots=rng.randint(4, 30),
                note="Counted off the paper dot wall",
                created_at=event.ends_at,
            )
            for priority in priorities
        ]
