"""The monthly webinars: the Q&A log, and attendance from the webinar platform's export.

Questions may be anonymous (no registration). Every change to a question is audited, without
the question's words (they can name a child).

Attendance: an export from Zoom or Teams (read by ``core.attendance``) is matched to the
event's registrations by email address and those people are checked in at their first join.
People the export names but who never registered gave no consent to be kept through a
platform's report, so nothing about them is stored: each becomes an anonymous walk-in, counted
but not named. The whole file is imported or none of it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engagement_desk.core.attendance import AttendanceFile, Attendee, read_attendance
from engagement_desk.core.clock import Clock, system_clock, to_local
from engagement_desk.core.importing import MAX_BYTES, UnreadableFile
from engagement_desk.core.people import fold, vocabulary_key
from engagement_desk.core.tickets import TICKET_ID_BYTES
from engagement_desk.db.database import Database
from engagement_desk.db.models import (
    CheckIn,
    Event,
    EventStatus,
    Person,
    Question,
    QuestionStatus,
    Registration,
    RegistrationStatus,
    Theme,
)
from engagement_desk.services import audit
from engagement_desk.services.devices import DeviceIdentity
from engagement_desk.services.errors import NotFound, UserError
from engagement_desk.services.events import find_event
from engagement_desk.services.files import read_user_file
from engagement_desk.services.imports import ImportRefused

log = logging.getLogger(__name__)

MAX_QUESTION = 2000
MAX_ANSWER = 5000
ATTENDANCE_SOURCE = "webinar attendance"
CHECK_IN_METHOD = "webinar"
CHUNK = 500  # well under SQLite's limit on query parameters

STATUS_LABELS: dict[QuestionStatus, str] = {
    QuestionStatus.OPEN: "Open",
    QuestionStatus.ANSWERED_LIVE: "Answered live",
    QuestionStatus.FOLLOW_UP: "To follow up",
    QuestionStatus.ANSWERED_LATER: "Answered later",
}


def parse_question_status(text: str | QuestionStatus) -> QuestionStatus:
    """A status as a user typed it: 'answered later', 'answered-later', 'follow up'..."""
    if isinstance(text, QuestionStatus):
        return text
    key = vocabulary_key(text)
    for status in QuestionStatus:
        if key in (vocabulary_key(status.value), vocabulary_key(status.name)):
            return status
    if key in ("follow up", "followup", "to followup"):
        return QuestionStatus.FOLLOW_UP
    choices = ", ".join(f"'{s.value}'" for s in QuestionStatus)
    raise UserError(f"'{text}' is not a question status. Use one of: {choices}.")


# ---- what comes back -----------------------------------------------------------------


@dataclass(frozen=True)
class QuestionRow:
    """One question in the Q&A log."""

    id: str
    text: str
    theme: str | None
    upvotes: int
    status: QuestionStatus
    answer: str
    asked_at: datetime
    anonymous: bool
    event_id: str = ""
    registration_id: str | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "theme": self.theme,
            "upvotes": self.upvotes,
            "status": self.status.value,
            "answer": self.answer,
            "asked_at": self.asked_at.isoformat(),
            "anonymous": self.anonymous,
        }


@dataclass(frozen=True)
class AttendanceResult:
    """What an attendance import did, or would do (``dry_run``), or why it did nothing."""

    file_name: str
    kind: str
    encoding: str | None
    event_id: str
    event_code: str
    event_title: str
    dry_run: bool
    imported: bool
    date_order: str = ""
    rows_read: int = 0
    attendees: int = 0
    matched: int = 0  # registered people checked in by this import
    from_waiting_list: int = 0  # of those, people who had only a waiting-list place
    already_checked_in: int = 0
    anonymous_added: int = 0
    anonymous_already: int = 0  # counted by an earlier import of the same attendees
    stand_ins_replaced: int = 0
    duplicates_merged: int = 0
    ignored: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """A few lines in plain words."""
        if self.problems:
            count = len(self.problems)
            return (
                f"Nothing was imported from '{self.file_name}': "
                f"{count} problem{'s' if count != 1 else ''} to fix first."
            )
        lines = [
            f"{'Dry run: ' if self.dry_run else ''}'{self.file_name}' for {self.event_title} "
            f"({self.event_code}): {self.rows_read} rows, {self.attendees} attendees.",
            f"Registered people {'to check in' if self.dry_run else 'checked in'}: "
            f"{self.matched}"
            + (
                f" (including {self.from_waiting_list} from the waiting list)"
                if self.from_waiting_list
                else ""
            )
            + ".",
            f"Already checked in (left as they were): {self.already_checked_in}.",
            f"Anonymous walk-ins {'to add' if self.dry_run else 'added'}: "
            f"{self.anonymous_added} (not registered; no name or email is kept).",
        ]
        if self.anonymous_already:
            lines.append(
                f"Anonymous walk-ins already counted by an earlier import: "
                f"{self.anonymous_already}."
            )
        if self.stand_ins_replaced:
            lines.append(
                "Anonymous walk-ins from an earlier import "
                f"{'to be ' if self.dry_run else ''}replaced by the registration they match: "
                f"{self.stand_ins_replaced}."
            )
        if self.duplicates_merged:
            lines.append(f"Rejoins and repeated rows merged: {self.duplicates_merged}.")
        if self.ignored:
            lines.append(f"Rows left out: {len(self.ignored)}.")
            lines += [f"  {line}" for line in self.ignored]
        lines += list(self.notes)
        if self.dry_run:
            lines.append("Nothing was written; run without --dry-run to import.")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "kind": self.kind,
            "encoding": self.encoding,
            "event": self.event_code,
            "dry_run": self.dry_run,
            "imported": self.imported,
            "date_order": self.date_order,
            "rows_read": self.rows_read,
            "attendees": self.attendees,
            "matched": self.matched,
            "from_waiting_list": self.from_waiting_list,
            "already_checked_in": self.already_checked_in,
            "anonymous_added": self.anonymous_added,
            "anonymous_already": self.anonymous_already,
            "stand_ins_replaced": self.stand_ins_replaced,
            "duplicates_merged": self.duplicates_merged,
            "ignored": list(self.ignored),
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


@dataclass
class _Plan:
    check_in: list[tuple[Registration, Attendee]] = field(default_factory=list)
    add: list[tuple[str, Attendee]] = field(default_factory=list)  # (ticket id, attendee)
    replace: list[Registration] = field(default_factory=list)
    already_checked_in: int = 0
    anonymous_already: int = 0
    from_waiting_list: int = 0


# ---- the service -----------------------------------------------------------------------


class WebinarService:
    def __init__(self, db: Database, device: DeviceIdentity, clock: Clock = system_clock) -> None:
        self._db = db
        self._device = device
        self._clock = clock

    # ---- the Q&A log ---------------------------------------------------

    def add_question(
        self,
        event_ref: str,
        text: str,
        theme: str | None = None,
        registration_id: str | None = None,
    ) -> QuestionRow:
        """Log a question; without ``registration_id`` it is anonymous."""
        words = _question_text(text)
        with self._db.session() as s, s.begin():
            event = find_event(s, event_ref)
            if event.status is EventStatus.CANCELLED:
                raise UserError(
                    f"'{event.title}' ({event.short_code}) is cancelled, so it has no "
                    "questions to log. Reinstate the event first if it is going ahead."
                )
            theme_id = _theme_id(s, event.programme_id, theme)
            if registration_id:
                registration = s.get(Registration, registration_id)
                if registration is None or registration.event_id != event.id:
                    raise NotFound(
                        f"No registration for {event.short_code} has the id "
                        f"'{registration_id}'. Leave the person out to log the question "
                        "anonymously."
                    )
            question = Question(
                device_id=self._device.id,
                event_id=event.id,
                registration_id=registration_id or None,
                text=words,
                theme_id=theme_id,
                created_at=self._clock(),
            )
            s.add(question)
            s.flush()
            audit.record(
                s,
                self._device.id,
                "question added",
                "question",
                question.id,
                f"event {event.short_code}, "
                f"{'linked to a registration' if registration_id else 'anonymous'}",
            )
            return _row(s, question)

    def questions(self, event_ref: str) -> list[QuestionRow]:
        """The event's questions, most upvoted first, then in the order they were asked."""
        with self._db.session() as s:
            event = find_event(s, event_ref)
            found = s.scalars(
                select(Question)
                .where(Question.event_id == event.id)
                .order_by(Question.upvotes.desc(), Question.created_at, Question.id)
            )
            themes = _theme_names(s, event.programme_id)
            return [_row(s, q, themes) for q in found]

    def question(self, question_id: str) -> QuestionRow:
        with self._db.session() as s:
            return _row(s, _find_question(s, question_id))

    def upvote(self, question_id: str) -> QuestionRow:
        """One more person wants this asked. Counted in the database, so two laptops taking
        upvotes on a shared server do not lose one."""
        with self._db.session() as s, s.begin():
            question = _find_question(s, question_id)
            s.execute(
                update(Question)
                .where(Question.id == question.id)
                .values(upvotes=Question.upvotes + 1)
                .execution_options(synchronize_session=False)
            )
            s.refresh(question)
            audit.record(
                s,
                self._device.id,
                "question upvoted",
                "question",
                question.id,
                f"{question.upvotes} upvotes",
            )
            return _row(s, question)

    def set_status(
        self, question_id: str, status: QuestionStatus | str, answer: str | None = None
    ) -> QuestionRow:
        """Move a question on. ``answer=None`` keeps the answer it has; a string replaces it.

        'Answered live' may have no answer written down (everyone heard it); 'answered later'
        needs the answer, because the summary reports what was said.
        """
        new_status = parse_question_status(status)
        with self._db.session() as s, s.begin():
            question = _find_question(s, question_id)
            new_answer = question.answer if answer is None else answer.strip()
            if len(new_answer) > MAX_ANSWER:
                raise UserError(
                    f"The answer is {len(new_answer):,} characters long; the limit is "
                    f"{MAX_ANSWER:,}. Shorten it, or link to a longer document."
                )
            if new_status is QuestionStatus.ANSWERED_LATER and not new_answer:
                raise UserError(
                    "Type the answer that was given: a question 'answered later' needs its "
                    "answer, so it can go in the summary for parents."
                )
            before = question.status
            question.status = new_status
            question.answer = new_answer
            s.flush()
            audit.record(
                s,
                self._device.id,
                "question status",
                "question",
                question.id,
                f"{before.value} -> {new_status.value}"
                + (", answer changed" if answer is not None else ""),
            )
            return _row(s, question)

    def edit_question(self, question_id: str, text: str, theme: str | None) -> QuestionRow:
        """Correct a question's words or theme (``theme=None`` leaves it without one)."""
        words = _question_text(text)
        with self._db.session() as s, s.begin():
            question = _find_question(s, question_id)
            event = s.get(Event, question.event_id)
            assert event is not None  # a foreign key
            question.text = words
            question.theme_id = _theme_id(s, event.programme_id, theme)
            s.flush()
            audit.record(s, self._device.id, "question edited", "question", question.id)
            return _row(s, question)

    def delete_question(self, question_id: str) -> None:
        with self._db.session() as s, s.begin():
            question = _find_question(s, question_id)
            event = s.get(Event, question.event_id)
            s.delete(question)
            audit.record(
                s,
                self._device.id,
                "question deleted",
                "question",
                question_id,
                f"event {event.short_code if event else question.event_id}",
            )

    def themes(self, event_ref: str) -> list[str]:
        """The theme names a question for this event can have."""
        with self._db.session() as s:
            event = find_event(s, event_ref)
            return sorted(_theme_names(s, event.programme_id).values(), key=fold)

    # ---- attendance ----------------------------------------------------

    def import_attendance(
        self, event_ref: str, path: Path, *, dry_run: bool = False
    ) -> AttendanceResult:
        """Check in the registered people an attendance export names and count the rest as
        anonymous walk-ins; all or nothing. Raises ImportRefused when the file cannot be read
        at all; otherwise the result's ``problems`` say why nothing was imported, if not.

        Importing the same file again adds nothing: registrations already checked in stay as
        they are, and anonymous walk-ins are recognised by their ticket id (see
        ``stand_in_ticket_id``).
        """
        content = read_user_file(path, "attendance report", MAX_BYTES, error=ImportRefused)
        with self._db.session() as s:
            event = find_event(s, event_ref)
            if event.status is EventStatus.CANCELLED:
                raise UserError(
                    f"'{event.title}' ({event.short_code}) is cancelled, so no one attended "
                    "it. Reinstate the event first if it went ahead."
                )
            event_id = event.id
            event_day = to_local(event.starts_at).date()
        try:
            parsed = read_attendance(content, path.name, event_day=event_day)
        except UnreadableFile as exc:
            raise ImportRefused(str(exc)) from exc
        problems = [str(p) for p in parsed.problems]
        if not problems:
            problems += _wrong_day_problems(parsed, event_day)
        if problems or dry_run:
            with self._db.session() as s:
                event = _event_by_id(s, event_id)
                plan = _Plan() if problems else self._plan(s, event, parsed.attendees)
                return _result(event, parsed, plan, problems, dry_run=dry_run, imported=False)
        with self._db.session() as s, s.begin():
            event = _event_by_id(s, event_id)
            plan = self._plan(s, event, parsed.attendees)
            self._write(s, event, plan)
            audit.record(
                s,
                self._device.id,
                "attendance imported",
                "event",
                event.id,
                f"{parsed.file_name}: {len(plan.check_in)} checked in, "
                f"{len(plan.add)} anonymous walk-ins, {len(plan.replace)} stand-ins replaced",
            )
            result = _result(event, parsed, plan, [], dry_run=False, imported=True)
        log.info(
            "attendance %s into %s: %d checked in, %d anonymous",
            parsed.file_name,
            result.event_code,
            result.matched,
            result.anonymous_added,
        )
        return result

    def _plan(self, s: Session, event: Event, attendees: Sequence[Attendee]) -> _Plan:
        booked = _registrations_by_email(s, event.id, [a.email for a in attendees if a.email])
        live = _checked_in(s, [r.id for r in booked.values()])
        ticket_ids = {a.key: stand_in_ticket_id(event.id, a.key) for a in attendees}
        stand_ins = {
            r.ticket_id: r
            for r in _chunked(
                s,
                lambda ids: select(Registration).where(Registration.ticket_id.in_(ids)),
                list(ticket_ids.values()),
            )
        }
        plan = _Plan()
        for attendee in attendees:
            registration = booked.get(attendee.email) if attendee.email else None
            stand_in = stand_ins.get(ticket_ids[attendee.key])
            if registration is not None:
                if registration.id in live:
                    plan.already_checked_in += 1
                else:
                    plan.check_in.append((registration, attendee))
                    if registration.status is RegistrationStatus.WAITLISTED:
                        plan.from_waiting_list += 1
                # Counted anonymously by an earlier import, before they registered (or before
                # their email was in the file): the registration takes over.
                if stand_in is not None and stand_in.status is not RegistrationStatus.CANCELLED:
                    plan.replace.append(stand_in)
            elif stand_in is not None:
                plan.anonymous_already += 1
            else:
                plan.add.append((ticket_ids[attendee.key], attendee))
        return plan

    def _write(self, s: Session, event: Event, plan: _Plan) -> None:
        now = self._clock()
        device = self._device.id
        waitlist_changed = False
        for registration, attendee in plan.check_in:
            joined = attendee.first_joined or event.starts_at
            walked_in = registration.status is RegistrationStatus.WAITLISTED
            if walked_in:
                # They came without a place; on a webinar there is room for them.
                registration.status = RegistrationStatus.REGISTERED
                registration.waitlist_position = None
                waitlist_changed = True
            s.add(
                CheckIn(
                    device_id=device,
                    registration_id=registration.id,
                    event_id=event.id,
                    checked_in_at=joined,
                    method=CHECK_IN_METHOD,
                    walk_in=walked_in,
                )
            )
        for ticket_id, attendee in plan.add:
            joined = attendee.first_joined or event.starts_at
            registration = Registration(
                device_id=device,
                event_id=event.id,
                person_id=None,
                status=RegistrationStatus.REGISTERED,
                ticket_id=ticket_id,
                ticket_code=None,
                source=ATTENDANCE_SOURCE,
                registered_at=joined,
            )
            s.add(registration)
            s.flush()
            s.add(
                CheckIn(
                    device_id=device,
                    registration_id=registration.id,
                    event_id=event.id,
                    checked_in_at=joined,
                    method=CHECK_IN_METHOD,
                    walk_in=True,
                )
            )
        for stand_in in plan.replace:
            stand_in.status = RegistrationStatus.CANCELLED
            stand_in.cancelled_at = now
            s.execute(
                update(CheckIn)
                .where(CheckIn.registration_id == stand_in.id, CheckIn.undone_at.is_(None))
                .values(undone_at=now, undone_by_device=device)
                .execution_options(synchronize_session=False)
            )
        s.flush()
        if waitlist_changed:
            _renumber_waitlist(s, event.id)


# ---- anonymous walk-ins from a platform's export -------------------------------------------


def stand_in_ticket_id(event_id: str, attendee_key: str) -> str:
    """The ticket id of the anonymous walk-in that stands for one attendee of one event.

    Importing a file twice must not count its unregistered attendees twice, yet nothing that
    names them may be stored (they gave no consent through the platform's report). So the
    registration's ticket id, which is unique and would otherwise be random, is derived from
    the attendee: an HMAC-SHA256 of their key ('email:...' or 'name:...') keyed by the
    event's random id, cut to the 80 bits of an ordinary ticket id. The same attendee of the
    same event gets the same id on every laptop, so re-imports and merged laptops agree;
    the id cannot be turned back into a name or email. (Someone holding the database and
    guessing an address could test whether it attended, as with any keyed hash; the export
    itself, which has the names, is not kept.) No schema change was needed, and the
    registration never gets a ticket code, so the id is never printed or scanned.
    """
    digest = hmac.new(event_id.encode(), attendee_key.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:TICKET_ID_BYTES]).decode("ascii").rstrip("=")


# ---- helpers -----------------------------------------------------------------------------


def _question_text(text: str) -> str:
    words = (text or "").strip()
    if not words:
        raise UserError("Type the question first: an empty question cannot be added.")
    if len(words) > MAX_QUESTION:
        raise UserError(
            f"The question is {len(words):,} characters long; the limit is {MAX_QUESTION:,}. "
            "Shorten it, or split it into two questions."
        )
    return words


def _event_by_id(s: Session, event_id: str) -> Event:
    event = s.get(Event, event_id)
    if event is None:
        raise NotFound("That event has just been removed on another laptop.")
    return event


def _find_question(s: Session, question_id: str) -> Question:
    question = s.get(Question, (question_id or "").strip())
    if question is None:
        raise NotFound(
            f"No question has the id '{question_id}'. Run 'engagement-desk webinar questions "
            "EVENT' to see them."
        )
    return question


def _theme_names(s: Session, programme_id: str) -> dict[str, str]:
    rows = s.execute(select(Theme.id, Theme.name).where(Theme.programme_id == programme_id))
    return {theme_id: name for theme_id, name in rows}


def _theme_id(s: Session, programme_id: str, theme: str | None) -> str | None:
    if theme is None or not theme.strip():
        return None
    wanted = vocabulary_key(theme)
    names = _theme_names(s, programme_id)
    for theme_id, name in names.items():
        if vocabulary_key(name) == wanted:
            return theme_id
    known = ", ".join(f"'{n}'" for n in sorted(names.values(), key=fold)) or "none yet"
    raise UserError(f"There is no theme called '{theme.strip()}'. The themes are: {known}.")


def _row(s: Session, question: Question, themes: dict[str, str] | None = None) -> QuestionRow:
    theme: str | None = None
    if question.theme_id is not None:
        if themes is not None and question.theme_id in themes:
            theme = themes[question.theme_id]
        else:
            found = s.get(Theme, question.theme_id)
            theme = found.name if found else None
    return QuestionRow(
        id=question.id,
        text=question.text,
        theme=theme,
        upvotes=question.upvotes,
        status=question.status,
        answer=question.answer,
        asked_at=question.created_at,
        anonymous=question.registration_id is None,
        event_id=question.event_id,
        registration_id=question.registration_id,
    )


def _wrong_day_problems(parsed: AttendanceFile, event_day: date) -> list[str]:
    """A report of another month's webinar is the likeliest mistake: refuse it."""
    days = sorted(
        {to_local(a.first_joined).date() for a in parsed.attendees if a.first_joined is not None}
    )
    if not days or any(abs((day - event_day).days) <= 1 for day in days):
        return []
    return [
        f"The join times in '{parsed.file_name}' are from {_day(days[0])}, but this event is "
        f"on {_day(event_day)}. Check you chose the right file and the right event."
    ]


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _chunked(s: Session, query: Any, values: list[Any]) -> Iterable[Any]:
    for start in range(0, len(values), CHUNK):
        yield from s.scalars(query(values[start : start + CHUNK]))


def _registrations_by_email(
    s: Session, event_id: str, emails: list[str]
) -> dict[str | None, Registration]:
    """Each email's registration for the event: a place before a waiting-list place, then the
    earliest. Cancelled registrations do not count: those people did not keep their place."""
    found: dict[str | None, Registration] = {}
    for start in range(0, len(emails), CHUNK):
        rows = s.execute(
            select(Registration, Person.email)
            .join(Person, Registration.person_id == Person.id)
            .where(
                Registration.event_id == event_id,
                Registration.status != RegistrationStatus.CANCELLED,
                Person.email.in_(emails[start : start + CHUNK]),
            )
            .order_by(Registration.registered_at)
        )
        for registration, email in rows:
            current = found.get(email)
            if current is None or (
                current.status is RegistrationStatus.WAITLISTED
                and registration.status is RegistrationStatus.REGISTERED
            ):
                found[email] = registration
    return found


def _checked_in(s: Session, registration_ids: list[str]) -> set[str]:
    return set(
        _chunked(
            s,
            lambda ids: select(CheckIn.registration_id).where(
                CheckIn.registration_id.in_(ids), CheckIn.undone_at.is_(None)
            ),
            registration_ids,
        )
    )


def _renumber_waitlist(s: Session, event_id: str) -> None:
    """Waiting-list numbers 1, 2, 3... in the order people joined it."""
    waiting = s.scalars(
        select(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.waitlist_position, Registration.registered_at)
    )
    for number, registration in enumerate(waiting, start=1):
        if registration.waitlist_position != number:
            registration.waitlist_position = number
    s.flush()


def _result(
    event: Event,
    parsed: AttendanceFile,
    plan: _Plan,
    problems: list[str],
    *,
    dry_run: bool,
    imported: bool,
) -> AttendanceResult:
    return AttendanceResult(
        file_name=parsed.file_name,
        kind=parsed.kind,
        encoding=parsed.encoding,
        event_id=event.id,
        event_code=event.short_code,
        event_title=event.title,
        dry_run=dry_run,
        imported=imported,
        date_order=parsed.date_order.value,
        rows_read=parsed.rows_read,
        attendees=len(parsed.attendees),
        matched=len(plan.check_in),
        from_waiting_list=plan.from_waiting_list,
        already_checked_in=plan.already_checked_in,
        anonymous_added=len(plan.add),
        anonymous_already=plan.anonymous_already,
        stand_ins_replaced=len(plan.replace),
        duplicates_merged=parsed.duplicates_merged,
        ignored=tuple(str(i) for i in parsed.ignored),
        problems=tuple(problems),
    )
