"""The programme: its priorities and comment themes, seeded for a new database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engagement_desk.db.database import Database
from engagement_desk.db.models import Priority, Programme, Theme

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
                Priority(position=n, title=title, description=text)
                for n, (title, text) in enumerate(SEED_PRIORITIES, start=1)
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
                    PriorityInfo(p.id, p.position, p.title, p.description)
                    for p in programme.priorities
                ),
                themes=tuple(t.name for t in programme.themes),
            )
