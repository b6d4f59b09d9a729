"""The programme: its priorities and comment themes, seeded for a new database.

Each priority has a short title (the forum's words), a description (the council's aim) and an
easy-read sentence for parents: the kiosk shows the easy-read words, and staff can change them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from engagement_desk.core.events import Problem
from engagement_desk.core.people import collapse_spaces
from engagement_desk.db.database import Database
from engagement_desk.db.models import Priority, Programme, Theme
from engagement_desk.services.errors import NotFound, ValidationFailed

SEED_NAME = "Bury SEND Transformation Programme"
SEED_AREA = "Bury"
SEED_FORUM = "Bury2gether"

SEED_PRIORITIES: tuple[tuple[str, str], ...] = (
    (
        "Live, learn and grow up locally",
        "Early years settings, schools and colleges support children to achieve their full "
        "potential locally.",
    ),
    (
        "Families' voices shape services",
        "Children, young people and families are heard and co-produce how services work.",
    ),
    (
        "Earlier help and prevention",
        "Meet needs at the earliest opportunity, with less reliance on high-cost interventions.",
    ),
    (
        "Communities prevent escalation",
        "Communities are empowered to act before statutory services are needed.",
    ),
    (
        "Invest where need is greatest",
        "Local provision for autism and speech, language and communication needs; social, "
        "emotional and mental health; staying in mainstream education.",
    ),
)

# The same aims in plain, friendly words a parent can take in at a glance (by position).
SEED_EASY_READ: tuple[str, ...] = (
    "Children do well at nursery, school and college close to home.",
    "Families are listened to and help decide how services work.",
    "Help comes early, before problems get bigger.",
    "Local groups and neighbours help before things get hard.",
    "More local help for autism, speech and mental health, and in mainstream school.",
)
EASY_READ_LENGTH = 160  # a sentence or two: it has to fit a kiosk button at large text

SEED_THEMES: tuple[str, ...] = (
    "EHCP assessment process",
    "SEND pathways",
    "Autism",
    "Speech, language and communication",
    "Social, emotional and mental health",
    "Mainstream inclusion",
    "Early years",
    "Preparation for adulthood / independence",
    "Health services",
    "Communication from the council",
    "Co-production",
)


@dataclass(frozen=True)
class PriorityInfo:
    id: str
    position: int
    title: str
    description: str
    easy_read: str = ""

    @property
    def plain_words(self) -> str:
        """What a parent reads: the easy-read words, or the title when there are none."""
        return self.easy_read or self.title


@dataclass(frozen=True)
class ProgrammeInfo:
    id: str
    name: str
    area: str
    forum_name: str
    suppression_threshold: int
    retention_months: int
    priorities: tuple[PriorityInfo, ...]
    themes: tuple[str, ...]


class ProgrammeService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def ensure_seeded(self) -> str:
        """A new database gets the programme with its five priorities and the themes."""
        with self._db.session() as s, s.begin():
            existing = s.scalars(select(Programme.id).limit(1)).first()
            if existing is not None:
                return existing
            programme = Programme(name=SEED_NAME, area=SEED_AREA, forum_name=SEED_FORUM)
            programme.priorities = [
                Priority(position=n, title=title, description=text, easy_read=easy)
                for n, ((title, text), easy) in enumerate(
                    zip(SEED_PRIORITIES, SEED_EASY_READ, strict=True), start=1
                )
            ]
            programme.themes = [Theme(name=name) for name in SEED_THEMES]
            s.add(programme)
            s.flush()
            return programme.id

    def current(self) -> ProgrammeInfo:
        programme_id = self.ensure_seeded()
        with self._db.session() as s:
            programme = s.get_one(Programme, programme_id)
            return ProgrammeInfo(
                id=programme.id,
                name=programme.name,
                area=programme.area,
                forum_name=programme.forum_name,
                suppression_threshold=programme.suppression_threshold,
                retention_months=programme.retention_months,
                priorities=tuple(
                    PriorityInfo(p.id, p.position, p.title, p.description, p.easy_read)
                    for p in programme.priorities
                ),
                themes=tuple(t.name for t in programme.themes),
            )

    def set_easy_read(self, priority_id: str, words: str) -> PriorityInfo:
        """Change the plain words parents read for one priority; see set_easy_reads."""
        [changed] = self.set_easy_reads({priority_id: words})
        return changed

    def set_easy_reads(self, words_by_id: Mapping[str, str]) -> tuple[PriorityInfo, ...]:
        """Change the plain words parents read for priorities (id -> words); '' goes back to
        the title. Control characters and runs of spaces are cleaned out. All or nothing:
        words too long to fit a kiosk button are refused, naming the priority, and nothing
        is changed."""
        cleaned = {
            priority_id: collapse_spaces(words.replace("\n", " ").replace("\t", " "))
            for priority_id, words in words_by_id.items()
        }
        with self._db.session() as s, s.begin():
            priorities = []
            problems: list[Problem] = []
            for priority_id, words in cleaned.items():
                priority = s.get(Priority, priority_id)
                if priority is None:
                    raise NotFound(f"No priority has the id '{priority_id}'.")
                if len(words) > EASY_READ_LENGTH:
                    problems.append(
                        Problem(
                            "easy_read",
                            f"Keep the easy-read words for '{priority.title}' to "
                            f"{EASY_READ_LENGTH} characters or fewer (these have {len(words)}); "
                            "parents read them on one button.",
                        )
                    )
                priorities.append((priority, words))
            if problems:
                raise ValidationFailed(problems)
            for priority, words in priorities:
                priority.easy_read = words
            return tuple(
                PriorityInfo(p.id, p.position, p.title, p.description, p.easy_read)
                for p, _ in priorities
            )
