"""Importing registrations from a CSV or XLSX file, all or nothing, in one transaction.

A file with any problem imports nothing and the report lists every problem by row and column.
A dry run reports what would happen and writes nothing. The GUI runs ``import_file`` in a
worker, passing ``progress`` and ``should_cancel``; cancelling rolls everything back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from engagement_desk.core.clock import Clock, system_clock
from engagement_desk.core.importing import (
    MAX_BYTES,
    ColumnUse,
    ImportCancelled,
    NotBooked,
    ParsedFile,
    Progress,
    Sheet,
    ShouldCancel,
    UnreadableFile,
    cell_text,
    count_not_booked,
    not_booked_sentence,
    parse_file,
    plan_columns,
    read_sheet,
    sample_rows,
)
from engagement_desk.core.people import PersonDraft, fill_blanks, fold
from engagement_desk.core.tickets import mint_ticket, new_ticket_id
from engagement_desk.db.database import Database
from engagement_desk.db.models import Event, Person, Registration, RegistrationStatus
from engagement_desk.db.types import new_id
from engagement_desk.services import audit
from engagement_desk.services.devices import DeviceIdentity
from engagement_desk.services.errors import UserError
from engagement_desk.services.files import read_user_file
from engagement_desk.services.registrations import open_event, person_values
from engagement_desk.services.tickets import TicketService

log = logging.getLogger(__name__)

SOURCE = "import"
CHUNK = 500  # well under SQLite's limit on query parameters


class ImportRefused(UserError):
    """The file cannot be imported at all (not CSV or XLSX, empty, too big, cancelled)."""


@dataclass(frozen=True)
class ImportPreview:
    """What is in a file before importing it, for the mapping dialog."""

    file_name: str
    kind: str
    encoding: str | None
    header_row: int
    columns: tuple[ColumnUse, ...]
    sample: tuple[tuple[int, tuple[str, ...]], ...]
    rows: int
    problems: tuple[str, ...]
    choices: tuple[str, ...] = ()  # which column gives the name, email, status, and why
    not_booked: str = ""  # '3 rows not booked: their status says Refunded (2) or ...'
    mapping: tuple[tuple[str, str], ...] = ()  # the user's choices this preview was made with
    sheet: Sheet | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class ImportReport:
    """What an import did, or would do (``dry_run``), or why it imported nothing."""

    file_name: str
    kind: str
    encoding: str | None
    event_id: str
    event_code: str
    event_title: str
    dry_run: bool
    imported: bool
    columns: tuple[ColumnUse, ...]
    rows_read: int = 0
    empty_rows: int = 0
    new_people: int = 0
    existing_people: int = 0
    registrations: int = 0
    waitlisted: int = 0
    already_registered: int = 0
    duplicates_merged: int = 0
    skipped_no_consent: int = 0
    not_booked: int = 0
    not_booked_statuses: tuple[tuple[str, int], ...] = ()
    not_booked_sentence: str = ""
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    choices: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def ignored_columns(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.ignored)

    def summary(self) -> str:
        """One paragraph in plain words."""
        if self.problems:
            count = len(self.problems)
            return (
                f"Nothing was imported from '{self.file_name}': "
                f"{count} problem{'s' if count != 1 else ''} to fix first."
            )
        verb = "would" if self.dry_run else "did"
        places = self.registrations - self.waitlisted
        lines = [
            f"{'Dry run: ' if self.dry_run else ''}'{self.file_name}' for "
            f"{self.event_title} ({self.event_code}): {self.rows_read} rows read.",
            f"Registrations {'to add' if self.dry_run else 'added'}: {self.registrations} "
            f"({places} with a place, {self.waitlisted} on the waiting list).",
            f"People: {self.new_people} new, {self.existing_people} already known.",
        ]
        if self.already_registered:
            lines.append(
                f"Already registered for this event (left as they were): {self.already_registered}."
            )
        if self.duplicates_merged:
            lines.append(f"Duplicate rows merged: {self.duplicates_merged}.")
        if self.skipped_no_consent:
            lines.append(f"Left out (no consent to keep their details): {self.skipped_no_consent}.")
        if self.not_booked_sentence:
            lines.append(self.not_booked_sentence)
        lines.extend(self.choices)
        ignored = [c.header for c in self.columns if c.ignored and not c.set_aside]
        if ignored:
            lines.append("Columns ignored: " + ", ".join(f"'{c}'" for c in ignored) + ".")
        if self.dry_run:
            lines.append(f"Nothing was written; run without --dry-run and it {verb} import.")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "kind": self.kind,
            "encoding": self.encoding,
            "event": self.event_code,
            "dry_run": self.dry_run,
            "imported": self.imported,
            "rows_read": self.rows_read,
            "empty_rows": self.empty_rows,
            "new_people": self.new_people,
            "existing_people": self.existing_people,
            "registrations": self.registrations,
            "waitlisted": self.waitlisted,
            "already_registered": self.already_registered,
            "duplicates_merged": self.duplicates_merged,
            "skipped_no_consent": self.skipped_no_consent,
            "not_booked": self.not_booked,
            "not_booked_statuses": dict(self.not_booked_statuses),
            "columns": [
                {
                    "column": c.header,
                    "field": c.field.value if c.field else None,
                    "how": c.how,
                    "reason": c.reason or None,
                }
                for c in self.columns
            ],
            "ignored_columns": list(self.ignored_columns),
            "choices": list(self.choices),
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


@dataclass
class _Plan:
    """Who in the file is new, who is known, and what each registration will be."""

    new_people: list[dict[str, Any]]
    filled_in: list[dict[str, Any]]
    registrations: list[dict[str, Any]]
    existing_people: int
    already_registered: int
    waitlisted: int
    not_booked_but_registered: int = 0


class ImportService:
    def __init__(
        self,
        db: Database,
        device: DeviceIdentity,
        tickets: TicketService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._device = device
        self._tickets = tickets
        self._clock = clock

    def preview(self, path: Path, mapping: Mapping[str, str] | None = None) -> ImportPreview:
        """Headings, how each will be used and why, and the first rows, for the user to map
        columns."""
        return self._preview(self._read(path), mapping)

    def replan(self, preview: ImportPreview, mapping: Mapping[str, str]) -> ImportPreview:
        """The same file's preview again after the user changed what a column is used for,
        without reading the file again."""
        if preview.sheet is None:
            raise ImportRefused("The file's preview is no longer available; open it again.")
        return self._preview(preview.sheet, mapping)

    @staticmethod
    def _preview(sheet: Sheet, mapping: Mapping[str, str] | None) -> ImportPreview:
        plan = plan_columns(sheet.headers, mapping, sheet.rows)
        return ImportPreview(
            file_name=sheet.file_name,
            kind=sheet.kind,
            encoding=sheet.encoding,
            header_row=sheet.header_row,
            columns=plan.columns,
            sample=tuple(sample_rows(sheet)),
            rows=sum(1 for _, cells in sheet.rows if any(cell_text(c) for c in cells)),
            problems=tuple(str(p) for p in plan.problems),
            choices=plan.choices,
            not_booked=not_booked_sentence(count_not_booked(sheet, plan.columns)),
            mapping=tuple((mapping or {}).items()),
            sheet=sheet,
        )

    def import_file(
        self,
        event_ref: str,
        path: Path,
        *,
        mapping: Mapping[str, str] | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
        should_cancel: ShouldCancel | None = None,
    ) -> ImportReport:
        """Import every row or none. Raises ImportRefused when the file cannot be read at all;
        otherwise the report's ``problems`` say why nothing was imported, if it was not."""
        sheet = self._read(path)
        steps = len(sheet.rows) * (1 if dry_run else 2)
        try:
            parsed = parse_file(
                sheet,
                mapping,
                progress=progress,
                should_cancel=should_cancel,
                total_steps=steps,
            )
        except ImportCancelled as exc:
            raise ImportRefused("Import cancelled: nothing was imported.") from exc
        if dry_run or parsed.problems:
            with self._db.session() as s:
                event = open_event(s, event_ref)
                plan = self._plan(s, event, parsed, mint=None)
                report = self._report(event, parsed, plan, dry_run=dry_run, imported=False)
            if progress is not None:
                progress(steps, steps)
            return report
        try:
            with self._db.session() as s, s.begin():
                event = open_event(s, event_ref)
                keys = self._tickets.keys_in(s, event.programme_id)
                private_key = keys.private_key

                def mint(ticket_id: str) -> str | None:
                    if private_key is None:
                        return None  # a checking-only laptop: the office mints when printing
                    return mint_ticket(private_key, event.short_code, ticket_id)

                plan = self._plan(s, event, parsed, mint=mint)
                self._write(s, plan, len(sheet.rows), steps, progress, should_cancel)
                audit.record(
                    s,
                    self._device.id,
                    "people imported",
                    "event",
                    event.id,
                    f"{sheet.file_name}: {len(plan.registrations)} registrations "
                    f"({plan.waitlisted} waitlisted), {len(plan.new_people)} new people",
                )
                report = self._report(event, parsed, plan, dry_run=False, imported=True)
        except ImportCancelled as exc:
            raise ImportRefused("Import cancelled: nothing was imported.") from exc
        if progress is not None:
            progress(steps, steps)
        log.info(
            "imported %s into %s: %d registrations",
            sheet.file_name,
            report.event_code,
            report.registrations,
        )
        return report

    # ---- steps ---------------------------------------------------------

    @staticmethod
    def _read(path: Path) -> Sheet:
        content = read_user_file(path, "CSV or Excel file", MAX_BYTES, error=ImportRefused)
        try:
            return read_sheet(content, path.name)
        except UnreadableFile as exc:
            raise ImportRefused(str(exc)) from exc

    def _plan(
        self,
        s: Session,
        event: Event,
        parsed: ParsedFile,
        *,
        mint: Callable[[str], str | None] | None,
    ) -> _Plan:
        rows = parsed.rows
        known = _known_people(s, [r.person for r in rows])
        booked = _booked(s, event.id, {p.id for p in known.values()})
        registered = (
            s.scalar(
                select(func.count(Registration.id)).where(
                    Registration.event_id == event.id,
                    Registration.status == RegistrationStatus.REGISTERED,
                )
            )
            or 0
        )
        last_waiting = (
            s.scalar(
                select(func.max(Registration.waitlist_position)).where(
                    Registration.event_id == event.id,
                    Registration.status == RegistrationStatus.WAITLISTED,
                )
            )
            or 0
        )
        now = self._clock()
        plan = _Plan([], [], [], 0, 0, 0)
        for row in rows:
            person = known.get(_key(row.person))
            if person is not None:
                plan.existing_people += 1
                if person.id in booked:
                    plan.already_registered += 1
                    continue
                booked.add(person.id)
                person_id = person.id
                filled = fill_blanks(_stored_draft(person), row.person)
                if mint is not None and filled != _stored_draft(person):
                    plan.filled_in.append(
                        {
                            "id": person.id,
                            "phone": filled.phone,
                            "postcode_district": filled.postcode,
                            "access_needs": list(filled.access_needs),
                            "access_notes": filled.access_notes,
                        }
                    )
            else:
                person_id = new_id()
                values = person_values(row.person)
                values.update(
                    id=person_id, device_id=self._device.id, created_at=now, updated_at=now
                )
                plan.new_people.append(values)
            ticket_id = new_ticket_id()
            has_place = event.capacity is None or registered < event.capacity
            if has_place:
                registered += 1
            else:
                last_waiting += 1
                plan.waitlisted += 1
            plan.registrations.append(
                {
                    "id": new_id(),
                    "device_id": self._device.id,
                    "event_id": event.id,
                    "person_id": person_id,
                    "status": (
                        RegistrationStatus.REGISTERED
                        if has_place
                        else RegistrationStatus.WAITLISTED
                    ),
                    "ticket_id": ticket_id,
                    "ticket_code": mint(ticket_id) if mint is not None and has_place else None,
                    "source": SOURCE,
                    "waitlist_position": None if has_place else last_waiting,
                    "registered_at": row.registered_at or now,
                    "cancelled_at": None,
                }
            )
        plan.not_booked_but_registered = _still_registered(s, event.id, parsed.not_booked)
        return plan

    @staticmethod
    def _write(
        s: Session,
        plan: _Plan,
        rows: int,
        steps: int,
        progress: Progress | None,
        should_cancel: ShouldCancel | None,
    ) -> None:
        # Core inserts on the tables: every value is already complete, so the ORM's
        # per-row bookkeeping would only slow a 10,000-row import down.
        people, registrations = (
            Person.metadata.tables["person"],
            Registration.metadata.tables["registration"],
        )
        work = [(people, batch) for batch in _chunks(plan.new_people)]
        work += [(registrations, batch) for batch in _chunks(plan.registrations)]
        done_items = 0
        total_items = max(len(plan.new_people) + len(plan.registrations), 1)
        for model, batch in work:
            if should_cancel is not None and should_cancel():
                raise ImportCancelled
            s.execute(insert(model), batch)
            done_items += len(batch)
            if progress is not None:
                progress(rows + (steps - rows) * done_items // total_items, steps)
        for batch in _chunks(plan.filled_in):
            s.execute(update(Person), batch)

    def _report(
        self, event: Event, parsed: ParsedFile, plan: _Plan, *, dry_run: bool, imported: bool
    ) -> ImportReport:
        sheet = parsed.sheet
        notes = parsed.notes
        if plan.not_booked_but_registered:
            count = plan.not_booked_but_registered
            notes += (
                f"{count} of the rows not booked {'is' if count == 1 else 'are'} already "
                "registered for this event from an earlier import or booking; that place was "
                "left as it was. Cancel it on the People page if they are not coming.",
            )
        statuses: dict[str, tuple[str, int]] = {}  # 'Refunded' and 'refunded' are one status
        for row in parsed.not_booked:
            shown, seen = statuses.get(fold(row.status), (row.status, 0))
            statuses[fold(row.status)] = (shown, seen + 1)
        return ImportReport(
            file_name=sheet.file_name,
            kind=sheet.kind,
            encoding=sheet.encoding,
            event_id=event.id,
            event_code=event.short_code,
            event_title=event.title,
            dry_run=dry_run,
            imported=imported,
            columns=parsed.columns,
            rows_read=parsed.rows_read,
            empty_rows=parsed.empty_rows,
            new_people=len(plan.new_people),
            existing_people=plan.existing_people,
            registrations=len(plan.registrations),
            waitlisted=plan.waitlisted,
            already_registered=plan.already_registered,
            duplicates_merged=parsed.duplicates_merged,
            skipped_no_consent=len(parsed.skipped_no_consent),
            not_booked=len(parsed.not_booked),
            not_booked_statuses=tuple(statuses.values()),
            not_booked_sentence=parsed.not_booked_sentence,
            problems=tuple(str(p) for p in parsed.problems),
            notes=notes,
            choices=parsed.choices,
        )


def _chunks(items: Sequence[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _key(draft: PersonDraft) -> tuple[str, ...]:
    """As the registration service matches people: by email, else by name and phone."""
    if draft.email:
        return ("email", draft.email)
    if draft.phone:
        return ("phone", fold(draft.full_name), draft.phone)
    return ("nobody", new_id())  # a name alone never matches someone already known


def _known_people(s: Session, drafts: Sequence[PersonDraft]) -> dict[tuple[str, ...], Person]:
    known: dict[tuple[str, ...], Person] = {}
    emails = sorted({d.email for d in drafts if d.email})
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        for person in s.scalars(
            select(Person).where(Person.email.in_(chunk)).order_by(Person.created_at.desc())
        ):
            known[("email", person.email or "")] = person  # the oldest wins, as in register()
    phones = sorted({d.phone for d in drafts if d.phone and not d.email})
    for start in range(0, len(phones), CHUNK):
        chunk = phones[start : start + CHUNK]
        for person in s.scalars(
            select(Person).where(Person.phone.in_(chunk), Person.email.is_(None))
        ):
            known.setdefault(("phone", fold(person.full_name), person.phone or ""), person)
    return known


def _booked(s: Session, event_id: str, person_ids: set[str]) -> set[str]:
    booked: set[str] = set()
    ids = sorted(person_ids)
    for start in range(0, len(ids), CHUNK):
        for person_id in s.scalars(
            select(Registration.person_id).where(
                Registration.event_id == event_id,
                Registration.status != RegistrationStatus.CANCELLED,
                Registration.person_id.in_(ids[start : start + CHUNK]),
            )
        ):
            if person_id is not None:
                booked.add(person_id)
    return booked


def _still_registered(s: Session, event_id: str, rows: Sequence[NotBooked]) -> int:
    """How many of the people the file says have no place hold one here already (matched by
    email): the organiser is told, since a refund on the site does not cancel it here."""
    emails = sorted({r.email for r in rows if r.email})
    found = 0
    for start in range(0, len(emails), CHUNK):
        found += (
            s.scalar(
                select(func.count(Registration.id))
                .join(Person, Person.id == Registration.person_id)
                .where(
                    Registration.event_id == event_id,
                    Registration.status != RegistrationStatus.CANCELLED,
                    Person.email.in_(emails[start : start + CHUNK]),
                )
            )
            or 0
        )
    return found


def _stored_draft(person: Person) -> PersonDraft:
    return PersonDraft(
        full_name=person.full_name,
        email=person.email,
        phone=person.phone,
        postcode=person.postcode_district,
        access_needs=tuple(person.access_needs or ()),
        access_notes=person.access_notes,
    )
