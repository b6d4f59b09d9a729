"""Privacy requests: export one person's data, erase one person, the retention purge.

An erasure (and a retention purge) leaves a tombstone: the person's id and the time,
nothing else. Event packs carry tombstones to venue laptops, which erase the person too;
device bundles carry them back; and merging a bundle honours them, so rows about an erased
person that arrive later are kept without the person (or, for the person's own row,
dropped) and never bring their details back (see services/packs.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engagement_desk.core.clock import Clock, system_clock
from engagement_desk.core.tickets import ticket_reference
from engagement_desk.db.database import Database
from engagement_desk.db.models import (
    AuditEntry,
    CheckIn,
    Comment,
    Event,
    Person,
    Priority,
    Programme,
    Question,
    Registration,
    Response,
    ResponseScore,
    Tombstone,
)
from engagement_desk.services import audit
from engagement_desk.services.devices import DeviceIdentity
from engagement_desk.services.outbox import OutboxService
from engagement_desk.services.registrations import (
    ERASED_TEXT,
    RegistrationService,
    draft_of,
    find_person,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeResult:
    people: int
    months: int
    cutoff: datetime
    note: str


@dataclass(frozen=True)
class ErasureResult:
    """What erasing a person did. Name and email are only for telling the user who it was."""

    person_id: str
    name: str
    email: str | None
    registrations_kept: int
    check_ins_kept: int
    responses_unlinked: int
    comments_removed: int
    questions_removed: int
    file_scrubbed: bool
    note: str
    upcoming_cancelled: int = 0  # places at events still to come, given up


class PrivacyService:
    def __init__(
        self,
        db: Database,
        device: DeviceIdentity,
        registrations: RegistrationService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._device = device
        self._registrations = registrations
        self._clock = clock

    def export_person(self, person_ref: str) -> dict[str, Any]:
        """Everything held about one person (a subject access request), ready for JSON."""
        with self._db.session() as s, s.begin():
            person = find_person(s, person_ref)
            registrations = list(
                s.scalars(
                    select(Registration)
                    .where(Registration.person_id == person.id)
                    .order_by(Registration.registered_at)
                )
            )
            ids = [r.id for r in registrations]
            events = {r.event_id: r.event for r in registrations}
            check_ins = _grouped(
                s.scalars(
                    select(CheckIn)
                    .where(CheckIn.registration_id.in_(ids))
                    .order_by(CheckIn.checked_in_at)
                ),
                lambda c: c.registration_id,
            )
            responses = list(
                s.scalars(
                    select(Response)
                    .where(Response.registration_id.in_(ids))
                    .order_by(Response.created_at)
                )
            )
            comments = list(
                s.scalars(
                    select(Comment)
                    .where(Comment.registration_id.in_(ids))
                    .order_by(Comment.created_at)
                )
            )
            questions = list(
                s.scalars(
                    select(Question)
                    .where(Question.registration_id.in_(ids))
                    .order_by(Question.created_at)
                )
            )
            priorities = _priority_titles(s, [sc for r in responses for sc in r.scores])
            audit.record(s, self._device.id, "person data exported", "person", person.id)

            def event_json(event_id: str) -> dict[str, Any]:
                event = events[event_id]
                return {
                    "id": event.id,
                    "short_code": event.short_code,
                    "title": event.title,
                    "starts_at": event.starts_at.isoformat(),
                }

            draft = draft_of(person)
            return {
                "format": "engagement-desk person export 1",
                "exported_at": self._clock().isoformat(),
                "person": {
                    "id": person.id,
                    "full_name": person.full_name,
                    "email": person.email,
                    "phone": person.phone,
                    "postcode_district": person.postcode_district,
                    "role": person.role,
                    "child_age_band": person.child_age_band,
                    "child_setting": person.child_setting,
                    "ehcp_status": person.ehcp_status,
                    "need_areas": list(draft.need_areas),
                    "access_needs": list(draft.access_needs),
                    "access_notes": person.access_notes,
                    "consents": {
                        "store_details": person.consent_store,
                        "store_child_send_details": person.consent_special_category,
                        "future_contact": person.consent_future_contact,
                        "quote_anonymously": person.consent_quote,
                    },
                    "created_at": person.created_at.isoformat(),
                    "updated_at": person.updated_at.isoformat(),
                },
                "registrations": [
                    {
                        "id": r.id,
                        "event": event_json(r.event_id),
                        "status": r.status.value,
                        "source": r.source,
                        "ticket_reference": ticket_reference(r.ticket_id),
                        "ticket_code": r.ticket_code,
                        "waitlist_position": r.waitlist_position,
                        "registered_at": r.registered_at.isoformat(),
                        "cancelled_at": r.cancelled_at.isoformat() if r.cancelled_at else None,
                        "check_ins": [
                            {
                                "checked_in_at": c.checked_in_at.isoformat(),
                                "method": c.method,
                                "walk_in": c.walk_in,
                                "undone_at": c.undone_at.isoformat() if c.undone_at else None,
                            }
                            for c in check_ins.get(r.id, [])
                        ],
                    }
                    for r in registrations
                ],
                "responses": [
                    {
                        "event": event_json(r.event_id),
                        "method": r.method.value,
                        "created_at": r.created_at.isoformat(),
                        "scores": [
                            {"priority": priorities.get(sc.priority_id, ""), "value": sc.value}
                            for sc in r.scores
                        ],
                    }
                    for r in responses
                ],
                "comments": [
                    {
                        "event": event_json(c.event_id),
                        "text": c.text,
                        "themes": sorted(t.name for t in c.themes),
                        "quote_permission": c.quote_permission,
                        "created_at": c.created_at.isoformat(),
                    }
                    for c in comments
                ],
                "questions": [
                    {
                        "event": event_json(q.event_id),
                        "text": q.text,
                        "status": q.status.value,
                        "answer": q.answer,
                        "upvotes": q.upvotes,
                        "created_at": q.created_at.isoformat(),
                    }
                    for q in questions
                ],
            }

    def erase_person(self, person_ref: str) -> ErasureResult:
        """Erase a person on request: their details go from the database file itself.

        Their registrations and check-ins stay without them, so attendance counts do not
        change; their votes stay, unlinked; the words of their comments and questions are
        replaced (themes and counts remain). A place at an event still to come is cancelled
        (no one could claim a nameless booking) and offered to the waiting list. On SQLite
        the file is then checkpointed and vacuumed so the deleted bytes are not left in free
        pages or the write-ahead log.
        """
        with self._db.session() as s, s.begin():
            person = find_person(s, person_ref)
            person_id, name, email = person.id, person.full_name, person.email
            counts = self._erase_in(s, person, keep_words=False)
            ids, upcoming, check_ins, responses, comments, questions = counts
        scrubbed, note = self.scrub_file()
        log.info("erased person %s (%d registrations kept)", person_id, len(ids))
        return ErasureResult(
            person_id=person_id,
            name=name,
            email=email,
            registrations_kept=len(ids),
            check_ins_kept=check_ins or 0,
            responses_unlinked=responses,
            comments_removed=comments,
            questions_removed=questions,
            file_scrubbed=scrubbed,
            note=note,
            upcoming_cancelled=upcoming,
        )

    def _erase_in(
        self, s: Session, person: Person, *, keep_words: bool
    ) -> tuple[list[str], int, int | None, int, int, int]:
        """Remove one person inside the caller's transaction; counts stay.

        ``keep_words`` keeps the words of their comments and questions (the retention
        purge: the event's record stays, without the person); an erasure request replaces
        them too.
        """
        person_id = person.id
        ids = list(s.scalars(select(Registration.id).where(Registration.person_id == person_id)))
        upcoming = self._registrations.give_up_upcoming(s, person_id)
        linked = Registration.id.in_(ids)
        check_ins = s.scalar(select(func.count(CheckIn.id)).where(CheckIn.registration_id.in_(ids)))
        responses = _changed(
            s,
            update(Response).where(Response.registration_id.in_(ids)).values(registration_id=None),
        )
        comment_values: dict[str, object] = {"registration_id": None}
        question_values: dict[str, object] = {"registration_id": None}
        if not keep_words:
            comment_values.update(text=ERASED_TEXT, quote_permission=False)
            question_values.update(text=ERASED_TEXT)
        comments = _changed(
            s, update(Comment).where(Comment.registration_id.in_(ids)).values(**comment_values)
        )
        questions = _changed(
            s, update(Question).where(Question.registration_id.in_(ids)).values(**question_values)
        )
        s.execute(update(Registration).where(linked).values(person_id=None))
        # Emails waiting in (or sent from) the outbox hold their address and words.
        OutboxService.forget_in(s, ids)
        # Audit details could quote them; the entries stay, their words do not.
        s.execute(
            update(AuditEntry).where(AuditEntry.entity_id.in_([person_id, *ids])).values(detail="")
        )
        s.expire_all()
        s.execute(delete(Person).where(Person.id == person_id))
        _leave_tombstone(s, person_id, self._clock())
        audit.record(
            s,
            self._device.id,
            "person erased" if not keep_words else "person purged after retention period",
            "person",
            person_id,
            f"{len(ids)} registrations kept without personal details",
        )
        return ids, upcoming, check_ins, responses, comments, questions

    def purge_expired(self) -> PurgeResult:
        """Retention: remove people whose last event ended more than the programme's
        retention period ago (default 12 months), keeping anonymous counts and their words."""
        now = self._clock()
        with self._db.session() as s, s.begin():
            months = s.scalar(select(Programme.retention_months).limit(1)) or 12
            cutoff = now - timedelta(days=round(months * 30.44))
            last_event = (
                select(Registration.person_id, func.max(Event.ends_at).label("last"))
                .join(Event, Event.id == Registration.event_id)
                .where(Registration.person_id.is_not(None))
                .group_by(Registration.person_id)
                .subquery()
            )
            stale = list(
                s.scalars(
                    select(Person)
                    .join(last_event, last_event.c.person_id == Person.id)
                    .where(last_event.c.last < cutoff)
                )
            )
            # People with no registration at all are kept only while they are new.
            lonely = list(
                s.scalars(
                    select(Person).where(
                        ~select(Registration.id)
                        .where(Registration.person_id == Person.id)
                        .exists(),
                        Person.created_at < cutoff,
                    )
                )
            )
            for person in stale + lonely:
                self._erase_in(s, person, keep_words=True)
            purged = len(stale) + len(lonely)
        _scrubbed, note = self.scrub_file() if purged else (True, "")
        log.info("retention purge removed %d people (cut-off %s)", purged, cutoff.date())
        return PurgeResult(people=purged, months=months, cutoff=cutoff, note=note)

    # ---- tombstones ------------------------------------------------------

    def tombstones(self) -> dict[str, datetime]:
        """Every erased person's id and when they were erased."""
        with self._db.session() as s:
            return tombstones_in(s)

    def honour_tombstones(self, s: Session, tombstones: Mapping[str, datetime]) -> int:
        """Inside the caller's transaction: keep these tombstones and erase anyone here they
        name (a pack or bundle from a laptop where they were erased). How many were erased.

        A tombstone does not say whether it was a request or the retention purge, so the
        words of their comments and questions go too: the careful reading.
        """
        if not tombstones:
            return 0
        for person_id, erased_at in tombstones.items():
            _leave_tombstone(s, person_id, erased_at)
        here = _chunked_ids(s, Person.id, tombstones)
        for person_id in sorted(here):
            person = s.get_one(Person, person_id)
            self._erase_in(s, person, keep_words=False)
        if here:
            log.warning("erased %d people named by tombstones from another laptop", len(here))
        return len(here)

    def scrub_file(self) -> tuple[bool, str]:
        """Checkpoint and vacuum a SQLite file so deleted rows leave no bytes behind."""
        if not self._db.is_sqlite:
            return True, (
                "On a database server, deleted rows are cleared by its own routine vacuuming."
            )
        backups = (
            " Backups made before now still hold their details until they are deleted."
            if self._db.sqlite_path is not None
            else ""
        )
        try:
            with self._db.engine.connect() as raw:
                connection = raw.execution_options(isolation_level="AUTOCOMMIT")
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                connection.exec_driver_sql("VACUUM")
                busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
        except OperationalError as exc:
            log.warning("could not vacuum after erasing: %s", exc)
            return False, (
                "Their details are deleted, but the database file could not be compacted "
                "because another window or program is using it. Close the others and erase "
                "again (it is safe to repeat) to clear the old bytes from the file." + backups
            )
        if busy is not None and busy[0]:
            return False, (
                "Their details are deleted, but another window or program was reading the "
                "database, so some old bytes may remain in its log file until it closes." + backups
            )
        return True, "Their details are gone from the database file." + backups


# ---- helpers -----------------------------------------------------------------


def tombstones_in(s: Session, ids: Iterable[str] | None = None) -> dict[str, datetime]:
    """Tombstones here (all, or those for ``ids``): person id -> when erased."""
    if ids is None:
        return {
            person_id: erased_at
            for person_id, erased_at in s.execute(select(Tombstone.person_id, Tombstone.erased_at))
        }
    wanted = [i for i in set(ids) if i]
    found: dict[str, datetime] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = s.execute(
            select(Tombstone.person_id, Tombstone.erased_at).where(Tombstone.person_id.in_(chunk))
        )
        found.update({person_id: erased_at for person_id, erased_at in rows})
    return found


def _leave_tombstone(s: Session, person_id: str, erased_at: datetime) -> None:
    """Record an erasure; an earlier tombstone for the same person stands."""
    if s.get(Tombstone, person_id) is None:
        s.execute(insert(Tombstone).values(person_id=person_id, erased_at=erased_at))


def _chunked_ids(s: Session, column: Any, ids: Iterable[str]) -> set[str]:
    wanted = list(set(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(s.scalars(select(column).where(column.in_(wanted[start : start + 500]))))
    return found


def _changed(s: Session, statement: Any) -> int:
    """Run an UPDATE; how many rows it changed."""
    result = s.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def _grouped(items: Iterable[CheckIn], key: Any) -> dict[str, list[CheckIn]]:
    groups: dict[str, list[CheckIn]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def _priority_titles(s: Session, scores: list[ResponseScore]) -> dict[str, str]:
    ids = {sc.priority_id for sc in scores}
    if not ids:
        return {}
    rows = s.execute(select(Priority.id, Priority.title).where(Priority.id.in_(ids)))
    return {priority_id: title for priority_id, title in rows}


__all__ = ["ErasureResult", "PrivacyService", "PurgeResult", "tombstones_in"]
