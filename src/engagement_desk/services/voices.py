"""Capturing what parents say: dots, rankings, 100 points, a paper dot wall, themed comments.

Each form is checked by the rules in ``core.scoring`` before anything is written; bad input
raises ValidationFailed with every problem and writes nothing. Responses are anonymous
unless linked to a registration for the same event, and one person gives one response per
method at an event (delete it to replace it). Every write is audited without personal words.

Quote permission: a comment linked to a person may be quoted only if that person agreed to
be quoted (their ``consent_quote``), and it never says more than they agreed to. For an
anonymous comment it is what the facilitator recorded (sticky notes saying "happy to be
quoted"), and no by default.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engagement_desk.core.clock import Clock, system_clock
from engagement_desk.core.events import Problem
from engagement_desk.core.importing import MAX_BYTES, UnreadableFile, read_sheet
from engagement_desk.core.people import collapse_spaces, fold
from engagement_desk.core.scoring import check_dots, check_points, check_ranking
from engagement_desk.core.votes_import import VotesFile, parse_votes
from engagement_desk.db.database import Database
from engagement_desk.db.models import (
    Comment,
    Event,
    EventStatus,
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
from engagement_desk.services import audit
from engagement_desk.services.devices import DeviceIdentity
from engagement_desk.services.errors import NotFound, UserError, ValidationFailed
from engagement_desk.services.events import find_event as find_event  # summary uses it from here
from engagement_desk.services.files import read_user_file
from engagement_desk.services.programmes import PriorityInfo

log = logging.getLogger(__name__)

CAPTURE_METHODS: tuple[str, ...] = ("dots", "ranking", "points", "comments")
METHOD_WORDS = {
    "dots": "dot votes",
    "ranking": "rankings",
    "points": "100 points",
    "comments": "comments",
}
SOURCES = ("desk", "kiosk", "paper")
MAX_DOTS_PER_PERSON = 50
MAX_COMMENT = 5000
MAX_NOTE = 500


@dataclass(frozen=True)
class CaptureSettings:
    """How an event hears from people, with the programme's priorities and themes for forms.

    No methods chosen means none has been chosen yet: every method may be used.
    """

    event_id: str
    event_code: str
    event_title: str
    methods: tuple[str, ...]
    dots_per_person: int
    ranking_top_k: int
    priorities: tuple[PriorityInfo, ...]
    themes: tuple[str, ...]

    def allows(self, method: str) -> bool:
        return not self.methods or method in self.methods


@dataclass(frozen=True)
class ResponseRow:
    """One person's dots, ranking or points. ``values`` maps priority id to dots, rank (1 is
    first) or points; ``titles`` gives each priority's title in the same order."""

    id: str
    method: str
    created_at: datetime
    source: str
    registration_id: str | None
    name: str  # '' when anonymous (or the person was erased)
    values: dict[str, int]
    titles: dict[str, str]

    @property
    def linked(self) -> bool:
        return self.registration_id is not None

    @property
    def described(self) -> str:
        """'Earlier help and prevention 3, Live, learn and grow up locally 2' or, for a
        ranking, '1. Earlier help ..., 2. ...'."""
        if self.method == "ranking":
            ranked = sorted(self.values, key=lambda p: self.values[p])
            return "; ".join(f"{self.values[p]}. {self.titles[p]}" for p in ranked)
        return "; ".join(f"{self.titles[p]}: {v}" for p, v in self.values.items())


@dataclass(frozen=True)
class TallyRow:
    id: str
    priority_id: str
    priority_title: str
    dots: int
    note: str
    created_at: datetime


@dataclass(frozen=True)
class CommentRow:
    id: str
    text: str
    themes: tuple[str, ...]
    registration_id: str | None
    name: str  # '' when anonymous; for the desk only, never for a summary
    quote_permission: bool
    created_at: datetime

    @property
    def linked(self) -> bool:
        return self.registration_id is not None


@dataclass(frozen=True)
class VotesImportReport:
    """What a votes import did, or would do (``dry_run``), or why it imported nothing."""

    file_name: str
    event_code: str
    event_title: str
    dry_run: bool
    imported: bool
    rows_read: int = 0
    responses: dict[str, int] = field(default_factory=dict)  # method -> count
    comments: int = 0
    ignored_columns: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            count = len(self.problems)
            return (
                f"Nothing was imported from '{self.file_name}': "
                f"{count} problem{'s' if count != 1 else ''} to fix first."
            )
        verb = "to add" if self.dry_run else "added"
        counts = ", ".join(
            f"{self.responses.get(m, 0)} {METHOD_WORDS[m]}" for m in ("dots", "ranking", "points")
        )
        lines = [
            f"{'Dry run: ' if self.dry_run else ''}'{self.file_name}' for {self.event_title} "
            f"({self.event_code}): {self.rows_read} rows read.",
            f"Responses {verb}: {counts}. Comments {verb}: {self.comments}.",
        ]
        if self.ignored_columns:
            lines.append(
                "Columns ignored: " + ", ".join(f"'{c}'" for c in self.ignored_columns) + "."
            )
        if self.dry_run:
            lines.append("Nothing was written; run without --dry-run to import.")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "event": self.event_code,
            "dry_run": self.dry_run,
            "imported": self.imported,
            "rows_read": self.rows_read,
            "responses": {m: self.responses.get(m, 0) for m in ("dots", "ranking", "points")},
            "comments": self.comments,
            "ignored_columns": list(self.ignored_columns),
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


class VoiceService:
    def __init__(self, db: Database, device: DeviceIdentity, clock: Clock = system_clock) -> None:
        self._db = db
        self._device = device
        self._clock = clock

    # ---- capture settings ------------------------------------------------

    def capture_settings(self, event_ref: str) -> CaptureSettings:
        with self._db.session() as s:
            return _settings(s, find_event(s, event_ref))

    def set_capture(
        self,
        event_ref: str,
        methods: Sequence[str],
        dots_per_person: int,
        ranking_top_k: int,
    ) -> CaptureSettings:
        chosen: list[str] = []
        problems: list[Problem] = []
        for method in methods:
            name = method.strip().lower()
            if name not in CAPTURE_METHODS:
                problems.append(
                    Problem(
                        "methods",
                        f"'{method}' is not a way of hearing from people; use "
                        f"{', '.join(CAPTURE_METHODS)}.",
                    )
                )
            elif name not in chosen:
                chosen.append(name)
        if not 1 <= dots_per_person <= MAX_DOTS_PER_PERSON:
            problems.append(
                Problem(
                    "dots_per_person",
                    f"Give each person between 1 and {MAX_DOTS_PER_PERSON} dots.",
                )
            )
        with self._db.session() as s, s.begin():
            event = find_event(s, event_ref)
            priorities = _priorities(s, event.programme_id)
            if not 1 <= ranking_top_k <= max(len(priorities), 1):
                problems.append(
                    Problem(
                        "ranking_top_k",
                        f"People can rank between 1 and {len(priorities)} priorities.",
                    )
                )
            if problems:
                raise ValidationFailed(problems)
            # Keep the methods in one order everywhere.
            event.capture_methods = [m for m in CAPTURE_METHODS if m in chosen]
            event.dots_per_person = dots_per_person
            event.ranking_top_k = ranking_top_k
            audit.record(
                s,
                self._device.id,
                "capture settings changed",
                "event",
                event.id,
                f"methods {', '.join(event.capture_methods) or 'not chosen'}; "
                f"{dots_per_person} dots; top {ranking_top_k}",
            )
            return _settings(s, event)

    # ---- responses --------------------------------------------------------

    def record_dots(
        self,
        event_ref: str,
        allocations: Mapping[str, int],
        registration_id: str | None = None,
        source: str = "desk",
    ) -> str:
        """One person's dots (priority id -> dots); returns the response id."""
        with self._db.session() as s, s.begin():
            event = open_for_voices(s, event_ref)
            values = {p: d for p, d in allocations.items() if d != 0}
            problems = check_dots(allocations, _titles(s, event), event.dots_per_person)
            return self._add_response(
                s, event, ResponseMethod.DOTS, values, problems, registration_id, source
            )

    def record_ranking(
        self,
        event_ref: str,
        ranked: Sequence[str],
        registration_id: str | None = None,
        source: str = "desk",
    ) -> str:
        """One person's ranking, most important first (priority ids); returns the response id."""
        with self._db.session() as s, s.begin():
            event = open_for_voices(s, event_ref)
            problems = check_ranking(ranked, _titles(s, event), event.ranking_top_k)
            values = {p: place for place, p in enumerate(ranked, start=1)} if not problems else {}
            return self._add_response(
                s, event, ResponseMethod.RANKING, values, problems, registration_id, source
            )

    def record_points(
        self,
        event_ref: str,
        points: Mapping[str, int],
        registration_id: str | None = None,
        source: str = "desk",
    ) -> str:
        """One person's 100 points (priority id -> points); returns the response id."""
        with self._db.session() as s, s.begin():
            event = open_for_voices(s, event_ref)
            problems = check_points(points, _titles(s, event))
            values = {p: v for p, v in points.items() if v != 0}
            return self._add_response(
                s, event, ResponseMethod.POINTS, values, problems, registration_id, source
            )

    def responses(self, event_ref: str) -> list[ResponseRow]:
        """Every response at the event, oldest first."""
        with self._db.session() as s:
            event = find_event(s, event_ref)
            titles = _titles(s, event)
            order = {p: n for n, p in enumerate(titles)}
            query = (
                select(Response, Person.full_name)
                .outerjoin(Registration, Registration.id == Response.registration_id)
                .outerjoin(Person, Person.id == Registration.person_id)
                .where(Response.event_id == event.id)
                .options(selectinload(Response.scores))
                .order_by(Response.created_at, Response.id)
            )
            rows = []
            for response, name in s.execute(query):
                scores = sorted(
                    response.scores,
                    key=lambda sc: (
                        sc.value if response.method is ResponseMethod.RANKING else 0,
                        order.get(sc.priority_id, 99),
                    ),
                )
                values = {sc.priority_id: sc.value for sc in scores}
                rows.append(
                    ResponseRow(
                        id=response.id,
                        method=response.method.value,
                        created_at=response.created_at,
                        source=response.source,
                        registration_id=response.registration_id,
                        name=name or "",
                        values=values,
                        titles={p: titles.get(p, "(unknown priority)") for p in values},
                    )
                )
            return rows

    def delete_response(self, response_id: str) -> None:
        with self._db.session() as s, s.begin():
            response = s.get(Response, response_id)
            if response is None:
                raise NotFound(f"No response has the id '{response_id}'.")
            detail = (
                f"{response.method.value}, {'linked' if response.registration_id else 'anonymous'}"
            )
            s.delete(response)
            audit.record(s, self._device.id, "response deleted", "response", response_id, detail)

    # ---- the paper dot wall -------------------------------------------------

    def add_tally(self, event_ref: str, priority_id: str, dots: int, note: str = "") -> str:
        """Dots counted off a paper dot wall for one priority; returns the tally id."""
        with self._db.session() as s, s.begin():
            event = open_for_voices(s, event_ref)
            problems = []
            titles = _titles(s, event)
            if priority_id not in titles:
                problems.append(
                    Problem(
                        "priority", f"'{priority_id}' is not one of the programme's priorities."
                    )
                )
            if dots < 1:
                problems.append(
                    Problem("dots", "Count at least one dot; a tally of no dots adds nothing.")
                )
            note = note.strip()
            if len(note) > MAX_NOTE:
                problems.append(Problem("note", f"Keep the note under {MAX_NOTE} characters."))
            problems.extend(_method_allowed(event, "dots"))
            if problems:
                raise ValidationFailed(problems)
            tally = Tally(
                device_id=self._device.id,
                event_id=event.id,
                priority_id=priority_id,
                dots=dots,
                note=note,
                created_at=self._clock(),
            )
            s.add(tally)
            s.flush()
            audit.record(s, self._device.id, "dot tally added", "tally", tally.id, f"{dots} dots")
            return tally.id

    def tallies(self, event_ref: str) -> list[TallyRow]:
        with self._db.session() as s:
            event = find_event(s, event_ref)
            query = (
                select(Tally, Priority.title)
                .join(Priority, Priority.id == Tally.priority_id)
                .where(Tally.event_id == event.id)
                .order_by(Tally.created_at, Priority.position)
            )
            return [
                TallyRow(t.id, t.priority_id, title, t.dots, t.note, t.created_at)
                for t, title in s.execute(query)
            ]

    def delete_tally(self, tally_id: str) -> None:
        with self._db.session() as s, s.begin():
            tally = s.get(Tally, tally_id)
            if tally is None:
                raise NotFound(f"No dot tally has the id '{tally_id}'.")
            s.delete(tally)
            audit.record(s, self._device.id, "dot tally deleted", "tally", tally_id)

    # ---- comments -----------------------------------------------------------

    def add_comment(
        self,
        event_ref: str,
        text: str,
        themes: Sequence[str] = (),
        registration_id: str | None = None,
        quote_permission: bool | None = None,
    ) -> str:
        """A comment, tagged with theme names; returns the comment id."""
        with self._db.session() as s, s.begin():
            event = open_for_voices(s, event_ref)
            comment = Comment(
                device_id=self._device.id, event_id=event.id, created_at=self._clock()
            )
            problems = _method_allowed(event, "comments")
            problems += self._fill_comment(
                s, event, comment, text, themes, registration_id, quote_permission
            )
            if problems:
                raise ValidationFailed(problems)
            s.add(comment)
            s.flush()
            audit.record(
                s,
                self._device.id,
                "comment added",
                "comment",
                comment.id,
                f"event {event.short_code}, {'linked' if registration_id else 'anonymous'}",
            )
            return comment.id

    def update_comment(
        self,
        comment_id: str,
        text: str,
        themes: Sequence[str],
        quote_permission: bool | None = None,
    ) -> CommentRow:
        """Correct a comment's words, themes or quote permission (the same rules as adding)."""
        with self._db.session() as s, s.begin():
            comment = s.get(Comment, comment_id)
            if comment is None:
                raise NotFound(f"No comment has the id '{comment_id}'.")
            event = s.get_one(Event, comment.event_id)
            problems = self._fill_comment(
                s, event, comment, text, themes, comment.registration_id, quote_permission
            )
            if problems:
                raise ValidationFailed(problems)
            audit.record(s, self._device.id, "comment edited", "comment", comment.id)
            s.flush()
            return _comment_row(comment, _person_name(s, comment.registration_id))

    def delete_comment(self, comment_id: str) -> None:
        with self._db.session() as s, s.begin():
            comment = s.get(Comment, comment_id)
            if comment is None:
                raise NotFound(f"No comment has the id '{comment_id}'.")
            s.delete(comment)
            audit.record(s, self._device.id, "comment deleted", "comment", comment_id)

    def comments(self, event_ref: str) -> list[CommentRow]:
        with self._db.session() as s:
            event = find_event(s, event_ref)
            query = (
                select(Comment, Person.full_name)
                .outerjoin(Registration, Registration.id == Comment.registration_id)
                .outerjoin(Person, Person.id == Registration.person_id)
                .where(Comment.event_id == event.id)
                .options(selectinload(Comment.themes))
                .order_by(Comment.created_at, Comment.id)
            )
            return [_comment_row(c, name or "") for c, name in s.execute(query)]

    # ---- paper forms from a spreadsheet ---------------------------------------

    def import_file(
        self,
        event_ref: str,
        path: Path,
        *,
        method: str | None = None,
        dry_run: bool = False,
    ) -> VotesImportReport:
        """Paper response forms typed into a CSV or XLSX file: every row or none.

        Raises UserError when the file cannot be read at all; otherwise the report's
        ``problems`` list every problem by row and column, and then nothing was written.
        """
        content = read_user_file(path, "CSV or Excel file", MAX_BYTES)
        try:
            sheet = read_sheet(content, path.name)
        except UnreadableFile as exc:
            raise UserError(str(exc)) from exc
        with self._db.session() as s:
            event = open_for_voices(s, event_ref)
            settings = _settings(s, event)
        parsed = parse_votes(
            sheet,
            priorities=[(p.id, p.position, p.title) for p in settings.priorities],
            themes=settings.themes,
            method=method,
            dots_per_person=settings.dots_per_person,
            ranking_top_k=settings.ranking_top_k,
        )
        problems = [str(p) for p in parsed.problems]
        problems += [m.message for m in _methods_in_file_allowed(settings, parsed)]
        report = _import_report(settings, parsed, dry_run=dry_run, problems=problems)
        if problems or dry_run:
            return report
        with self._db.session() as s, s.begin():
            event = open_for_voices(s, event_ref)
            theme_ids = {fold(t.name): t for t in _themes(s, event.programme_id)}
            for row in parsed.rows:
                if row.method is not None and row.values:
                    response = Response(
                        device_id=self._device.id,
                        event_id=event.id,
                        method=ResponseMethod(row.method),
                        source="paper",
                        created_at=self._clock(),
                        scores=[
                            ResponseScore(priority_id=p, value=v) for p, v in row.values.items()
                        ],
                    )
                    s.add(response)
                if row.comment:
                    s.add(
                        Comment(
                            device_id=self._device.id,
                            event_id=event.id,
                            text=row.comment,
                            quote_permission=row.quote_permission,
                            themes=[theme_ids[fold(t)] for t in row.themes],
                            created_at=self._clock(),
                        )
                    )
            audit.record(
                s,
                self._device.id,
                "votes imported",
                "event",
                event.id,
                f"{path.name}: {sum(report.responses.values())} responses, "
                f"{report.comments} comments",
            )
        log.info("imported votes from %s into %s", path.name, settings.event_code)
        return _import_report(settings, parsed, dry_run=False, problems=[], imported=True)

    # ---- helpers --------------------------------------------------------------

    def _add_response(
        self,
        s: Session,
        event: Event,
        method: ResponseMethod,
        values: Mapping[str, int],
        problems: list[Problem],
        registration_id: str | None,
        source: str,
    ) -> str:
        problems = list(problems) + _method_allowed(event, method.value)
        if source not in SOURCES:
            problems.append(
                Problem("source", f"'{source}' is not a source; use {', '.join(SOURCES)}.")
            )
        if registration_id is not None:
            problems += _check_registration(s, event, registration_id)
            if not problems:
                earlier = s.scalar(
                    select(Response.id).where(
                        Response.event_id == event.id,
                        Response.registration_id == registration_id,
                        Response.method == method,
                    )
                )
                if earlier is not None:
                    problems.append(
                        Problem(
                            "registration",
                            f"This person has already given their {METHOD_WORDS[method.value]} "
                            "at this event. Delete that response first to replace it.",
                        )
                    )
        if problems:
            raise ValidationFailed(problems)
        response = Response(
            device_id=self._device.id,
            event_id=event.id,
            registration_id=registration_id,
            method=method,
            source=source,
            created_at=self._clock(),
            scores=[ResponseScore(priority_id=p, value=v) for p, v in values.items()],
        )
        s.add(response)
        s.flush()
        audit.record(
            s,
            self._device.id,
            "response recorded",
            "response",
            response.id,
            f"event {event.short_code}, {method.value}, {source}, "
            f"{'linked' if registration_id else 'anonymous'}",
        )
        return response.id

    def _fill_comment(
        self,
        s: Session,
        event: Event,
        comment: Comment,
        text: str,
        themes: Sequence[str],
        registration_id: str | None,
        quote_permission: bool | None,
    ) -> list[Problem]:
        problems: list[Problem] = []
        words = text.strip()
        if not collapse_spaces(words):
            problems.append(
                Problem("text", "Type what was said; an empty comment cannot be saved.")
            )
        elif len(words) > MAX_COMMENT:
            problems.append(
                Problem("text", f"Keep a comment under {MAX_COMMENT:,} characters; split it.")
            )
        known = {fold(t.name): t for t in _themes(s, event.programme_id)}
        chosen: list[Theme] = []
        for name in themes:
            if not name.strip():
                continue
            theme = known.get(fold(name))
            if theme is None:
                problems.append(
                    Problem(
                        "themes",
                        f"'{name.strip()}' is not one of the programme's themes. Choose from: "
                        + ", ".join(sorted(t.name for t in known.values()))
                        + ".",
                    )
                )
            elif theme not in chosen:
                chosen.append(theme)
        permission = bool(quote_permission)
        if registration_id is not None:
            problems += _check_registration(s, event, registration_id)
            person = _person_of(s, registration_id)
            consent = person is not None and person.consent_quote
            if quote_permission is None:
                permission = consent
            elif quote_permission and not consent:
                problems.append(
                    Problem(
                        "quote_permission",
                        "This person has not agreed to be quoted, so their comment cannot be "
                        "marked for quoting. Update their consent on the People page first, "
                        "or leave quoting off.",
                    )
                )
        if not problems:
            comment.text = words
            comment.themes = chosen
            comment.registration_id = registration_id
            comment.quote_permission = permission
        return problems


# ---- shared with the summary service -------------------------------------------------


def open_for_voices(s: Session, reference: str) -> Event:
    event = find_event(s, reference)
    if event.status is EventStatus.CANCELLED:
        raise UserError(
            f"'{event.title}' ({event.short_code}) was cancelled, so nothing can be recorded "
            "for it. Reinstate the event first if it went ahead."
        )
    return event


def _priorities(s: Session, programme_id: str) -> list[Priority]:
    return list(
        s.scalars(
            select(Priority)
            .where(Priority.programme_id == programme_id)
            .order_by(Priority.position)
        )
    )


def _themes(s: Session, programme_id: str) -> list[Theme]:
    return list(s.scalars(select(Theme).where(Theme.programme_id == programme_id)))


def _titles(s: Session, event: Event) -> dict[str, str]:
    return {p.id: p.title for p in _priorities(s, event.programme_id)}


def _settings(s: Session, event: Event) -> CaptureSettings:
    return CaptureSettings(
        event_id=event.id,
        event_code=event.short_code,
        event_title=event.title,
        methods=tuple(m for m in CAPTURE_METHODS if m in (event.capture_methods or [])),
        dots_per_person=event.dots_per_person,
        ranking_top_k=event.ranking_top_k,
        priorities=tuple(
            PriorityInfo(p.id, p.position, p.title, p.description, p.easy_read)
            for p in _priorities(s, event.programme_id)
        ),
        themes=tuple(sorted((t.name for t in _themes(s, event.programme_id)), key=fold)),
    )


def _method_allowed(event: Event, method: str) -> list[Problem]:
    chosen = event.capture_methods or []
    if not chosen or method in chosen:
        return []
    return [
        Problem(
            "method",
            f"{event.title} does not collect {METHOD_WORDS[method]}; it collects "
            + ", ".join(METHOD_WORDS[m] for m in CAPTURE_METHODS if m in chosen)
            + ". Change the event's capture settings to add it.",
        )
    ]


def _methods_in_file_allowed(settings: CaptureSettings, parsed: VotesFile) -> list[Problem]:
    used = {r.method for r in parsed.rows if r.method is not None and r.values}
    if any(r.comment for r in parsed.rows):
        used.add("comments")
    return [
        Problem(
            "method",
            f"{settings.event_title} does not collect {METHOD_WORDS[m]}, but the file has "
            "some. Change the event's capture settings to add them, or take them out.",
        )
        for m in CAPTURE_METHODS
        if m in used and not settings.allows(m)
    ]


def _check_registration(s: Session, event: Event, registration_id: str) -> list[Problem]:
    registration = s.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        return [
            Problem(
                "registration",
                f"That registration is not for {event.title}; choose someone registered for "
                "this event, or leave the response anonymous.",
            )
        ]
    if registration.status is RegistrationStatus.CANCELLED:
        return [
            Problem(
                "registration",
                "That person's place was cancelled; leave the response anonymous instead.",
            )
        ]
    return []


def _person_of(s: Session, registration_id: str) -> Person | None:
    registration = s.get(Registration, registration_id)
    if registration is None or registration.person_id is None:
        return None
    return s.get(Person, registration.person_id)


def _person_name(s: Session, registration_id: str | None) -> str:
    if registration_id is None:
        return ""
    person = _person_of(s, registration_id)
    return person.full_name if person else ""


def _comment_row(comment: Comment, name: str) -> CommentRow:
    return CommentRow(
        id=comment.id,
        text=comment.text,
        themes=tuple(sorted((t.name for t in comment.themes), key=fold)),
        registration_id=comment.registration_id,
        name=name,
        quote_permission=comment.quote_permission,
        created_at=comment.created_at,
    )


def _import_report(
    settings: CaptureSettings,
    parsed: VotesFile,
    *,
    dry_run: bool,
    problems: list[str],
    imported: bool = False,
) -> VotesImportReport:
    counts: dict[str, int] = {}
    for row in parsed.rows:
        if row.method is not None and row.values:
            counts[row.method] = counts.get(row.method, 0) + 1
    return VotesImportReport(
        file_name=parsed.file_name,
        event_code=settings.event_code,
        event_title=settings.event_title,
        dry_run=dry_run,
        imported=imported,
        rows_read=parsed.rows_read,
        responses=counts,
        comments=sum(1 for r in parsed.rows if r.comment),
        ignored_columns=parsed.ignored_columns,
        problems=tuple(problems),
        notes=parsed.notes,
    )
