""" "You said, we did": what parents told us, and what the council will do or did about it.

Each action may be filed against one of the programme's comment themes or priorities, has an
owner, a status (planned, in progress, done) and an optional due date. The reports show them
through the summary service, which reads the same rows.

A due date is a calendar day, but the column holds a time: the day is stored at 12:00 UTC,
which falls on that same day in London in summer and winter alike, so reading it back as
either the UTC or the London date gives the day that was entered.

Every change is audited (added, edited, deleted) with the status, not the words.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engagement_desk.core.clock import Clock, system_clock
from engagement_desk.core.events import Problem
from engagement_desk.db.database import Database
from engagement_desk.db.models import Action, ActionStatus, Priority, Theme
from engagement_desk.services import audit
from engagement_desk.services.devices import DeviceIdentity
from engagement_desk.services.errors import NotFound, ValidationFailed
from engagement_desk.services.programmes import ProgrammeService

MAX_TEXT = 4000
MAX_OWNER = 200
DUE_TIME = time(12, 0, tzinfo=UTC)
STATUS_WORDS = ", ".join(s.value for s in ActionStatus)


class _Unchanged(enum.Enum):
    UNCHANGED = "unchanged"


UNCHANGED: Final = _Unchanged.UNCHANGED
"""For :meth:`ActionService.update`: leave this field as it is."""


@dataclass(frozen=True)
class ActionRow:
    """One "You said, we did" action, as the app and the CLI show it."""

    id: str
    you_said: str
    we_did: str
    owner: str
    status: ActionStatus
    due: date | None
    theme_id: str | None
    theme: str | None  # the theme's name
    priority_id: str | None
    priority: str | None  # the priority's title
    created_at: datetime
    updated_at: datetime


def parse_status(text: str | ActionStatus) -> ActionStatus | None:
    """'planned', 'In progress', 'in-progress', 'done' ...; None when it is none of them."""
    if isinstance(text, ActionStatus):
        return text
    cleaned = " ".join(text.replace("-", " ").replace("_", " ").split()).lower()
    try:
        return ActionStatus(cleaned)
    except ValueError:
        return None


class ActionService:
    def __init__(
        self,
        db: Database,
        device: DeviceIdentity,
        clock: Clock = system_clock,
        *,
        programmes: ProgrammeService | None = None,
    ) -> None:
        self._db = db
        self._device = device
        self._clock = clock
        self._programmes = programmes or ProgrammeService(db)

    # ---- reading -------------------------------------------------------

    def actions(self) -> list[ActionRow]:
        """Every action of the programme, oldest first."""
        programme_id = self._programmes.ensure_seeded()
        with self._db.session() as s:
            query = (
                select(Action, Theme.name, Priority.title)
                .outerjoin(Theme, Theme.id == Action.theme_id)
                .outerjoin(Priority, Priority.id == Action.priority_id)
                .where(Action.programme_id == programme_id)
                .order_by(Action.created_at, Action.id)
            )
            return [_row(action, theme, priority) for action, theme, priority in s.execute(query)]

    def get(self, action_id: str) -> ActionRow:
        with self._db.session() as s:
            return self._row_of(s, self._find(s, action_id))

    # ---- writing -------------------------------------------------------

    def add(
        self,
        you_said: str,
        we_did: str = "",
        owner: str = "",
        status: str | ActionStatus = ActionStatus.PLANNED,
        due: date | None = None,
        theme: str | None = None,
        priority_id: str | None = None,
    ) -> ActionRow:
        """Record an action; ``theme`` is a theme's name (any case), ``priority_id`` an id."""
        programme_id = self._programmes.ensure_seeded()
        with self._db.session() as s, s.begin():
            problems: list[Problem] = []
            fields = _Fields(
                you_said=_check_you_said(you_said, problems),
                we_did=_check_text("we_did", "What we did", we_did, problems),
                owner=_check_owner(owner, problems),
                status=_check_status(status, problems),
                theme_id=_theme_id(s, programme_id, theme, problems),
                priority_id=_priority_id(s, programme_id, priority_id, problems),
            )
            if problems:
                raise ValidationFailed(problems)
            now = self._clock()
            action = Action(
                programme_id=programme_id,
                you_said=fields.you_said,
                we_did=fields.we_did,
                owner=fields.owner,
                status=fields.status,
                due_on=_due_on(due),
                theme_id=fields.theme_id,
                priority_id=fields.priority_id,
                created_at=now,
                updated_at=now,
            )
            s.add(action)
            s.flush()
            audit.record(
                s, self._device.id, "action added", "action", action.id, action.status.value
            )
            return self._row_of(s, action)

    def update(
        self,
        action_id: str,
        *,
        you_said: str | _Unchanged = UNCHANGED,
        we_did: str | _Unchanged = UNCHANGED,
        owner: str | _Unchanged = UNCHANGED,
        status: str | ActionStatus | _Unchanged = UNCHANGED,
        due: date | _Unchanged | None = UNCHANGED,
        theme: str | _Unchanged | None = UNCHANGED,
        priority_id: str | _Unchanged | None = UNCHANGED,
    ) -> ActionRow:
        """Change the fields given; None clears the due date, theme or priority."""
        with self._db.session() as s, s.begin():
            action = self._find(s, action_id)
            programme_id = action.programme_id
            problems: list[Problem] = []
            if you_said is not UNCHANGED:
                action.you_said = _check_you_said(you_said, problems)
            if we_did is not UNCHANGED:
                action.we_did = _check_text("we_did", "What we did", we_did, problems)
            if owner is not UNCHANGED:
                action.owner = _check_owner(owner, problems)
            if status is not UNCHANGED:
                action.status = _check_status(status, problems)
            if due is not UNCHANGED:
                action.due_on = _due_on(due)
            if theme is not UNCHANGED:
                action.theme_id = _theme_id(s, programme_id, theme, problems)
            if priority_id is not UNCHANGED:
                action.priority_id = _priority_id(s, programme_id, priority_id, problems)
            if problems:
                raise ValidationFailed(problems)
            action.updated_at = self._clock()
            s.flush()
            audit.record(
                s, self._device.id, "action edited", "action", action.id, action.status.value
            )
            return self._row_of(s, action)

    def delete(self, action_id: str) -> None:
        with self._db.session() as s, s.begin():
            action = self._find(s, action_id)
            s.delete(action)
            audit.record(s, self._device.id, "action deleted", "action", action.id)

    # ---- helpers -------------------------------------------------------

    @staticmethod
    def _find(s: Session, action_id: str) -> Action:
        action = s.get(Action, action_id.strip())
        if action is None:
            raise NotFound(
                f"No action has the id '{action_id.strip()}'. "
                "Run 'engagement-desk actions list' to see them."
            )
        return action

    @staticmethod
    def _row_of(s: Session, action: Action) -> ActionRow:
        theme = s.get(Theme, action.theme_id) if action.theme_id else None
        priority = s.get(Priority, action.priority_id) if action.priority_id else None
        return _row(action, theme.name if theme else None, priority.title if priority else None)


@dataclass(frozen=True)
class _Fields:
    you_said: str
    we_did: str
    owner: str
    status: ActionStatus
    theme_id: str | None
    priority_id: str | None


def _row(action: Action, theme: str | None, priority: str | None) -> ActionRow:
    return ActionRow(
        id=action.id,
        you_said=action.you_said,
        we_did=action.we_did,
        owner=action.owner,
        status=action.status,
        due=action.due_on.date() if action.due_on else None,
        theme_id=action.theme_id,
        theme=theme,
        priority_id=action.priority_id,
        priority=priority,
        created_at=action.created_at,
        updated_at=action.updated_at,
    )


def _due_on(due: date | None) -> datetime | None:
    return None if due is None else datetime.combine(due, DUE_TIME)


def _check_you_said(text: str, problems: list[Problem]) -> str:
    cleaned = _check_text("you_said", "What parents said", text, problems)
    if not cleaned:
        problems.append(
            Problem("you_said", "Write what parents said (the 'You said' part); it is required.")
        )
    return cleaned


def _check_text(field: str, label: str, text: str, problems: list[Problem]) -> str:
    cleaned = text.strip()
    if len(cleaned) > MAX_TEXT:
        problems.append(
            Problem(field, f"{label} is {len(cleaned):,} characters; keep it under {MAX_TEXT:,}.")
        )
    return cleaned


def _check_owner(owner: str, problems: list[Problem]) -> str:
    cleaned = " ".join(owner.split())
    if len(cleaned) > MAX_OWNER:
        problems.append(
            Problem("owner", f"The owner is {len(cleaned)} characters; keep it under {MAX_OWNER}.")
        )
    return cleaned


def _check_status(status: str | ActionStatus, problems: list[Problem]) -> ActionStatus:
    parsed = parse_status(status)
    if parsed is None:
        problems.append(
            Problem("status", f"'{status}' is not a status; use one of: {STATUS_WORDS}.")
        )
        return ActionStatus.PLANNED
    return parsed


def _theme_id(
    s: Session, programme_id: str, name: str | None, problems: list[Problem]
) -> str | None:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        return None
    theme_id = s.scalar(
        select(Theme.id).where(
            Theme.programme_id == programme_id, func.lower(Theme.name) == cleaned.lower()
        )
    )
    if theme_id is None:
        known = s.scalars(
            select(Theme.name).where(Theme.programme_id == programme_id).order_by(Theme.name)
        )
        problems.append(
            Problem(
                "theme",
                f"'{cleaned}' is not one of the programme's themes. The themes are: "
                f"{'; '.join(known)}.",
            )
        )
    return theme_id


def _priority_id(
    s: Session, programme_id: str, priority_id: str | None, problems: list[Problem]
) -> str | None:
    cleaned = (priority_id or "").strip()
    if not cleaned:
        return None
    found = s.scalar(
        select(Priority.id).where(Priority.programme_id == programme_id, Priority.id == cleaned)
    )
    if found is None:
        problems.append(
            Problem("priority", f"'{cleaned}' is not one of the programme's priorities.")
        )
    return found
