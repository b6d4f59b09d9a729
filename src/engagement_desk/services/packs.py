"""Event packs (office → venue laptop) and device bundles (venue laptop → office).

An event pack holds what a venue laptop needs to run one event's door and nothing more:
the programme with its priorities and themes and only the PUBLIC ticket key (so the laptop
can check tickets but never make them), the event with its venue and agenda, its
registrations and, for each person, only what the door shows: name, role, access needs and
notes, and consents. No email, phone, postcode or child details ever go into a pack.

A device bundle holds what one laptop captured (rows whose ``device_id`` is this laptop's):
people, registrations, check-ins, responses with their scores, tallies, comments with their
themes, and questions. Merging adds the rows the office does not have, by their UUIDs, so
merging the same bundle twice adds nothing. Each bundle merges in one transaction: a bundle
that does not fit changes nothing.

Both are JSON with a format version, sealed with a passphrase (core/packing.py).

Erasure sticks: both carry tombstones (an erased person's id and when, nothing else). A
venue laptop importing a pack erases the people its tombstones name; the office merging a
bundle takes its tombstones too, and rows about an erased person arriving later are kept
without the person (their registrations, votes, comments and questions; the words of their
comments and questions replaced) while the person's own row is dropped, never restoring
their details. The merge result counts both, so the report can say so.

A bundle carries every row this laptop created, under any id it has had: its id now and
the ids that wrote entries in its own audit log (a laptop whose identity file was lost and
replaced still sends the morning's check-ins). Merging is by UUID, so sending rows the
office already has adds nothing.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import enum
import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Enum, LargeBinary, Text, cast, exists, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engagement_desk.core.clock import Clock, system_clock, to_local
from engagement_desk.core.packing import MIN_PASSPHRASE, PackKind, PackProblem, open_sealed, seal
from engagement_desk.core.people import apply_consents, search_text
from engagement_desk.db.database import MIGRATIONS, Database, shipped_head_revision
from engagement_desk.db.models import (
    Action,
    AgendaItem,
    AuditEntry,
    Base,
    CheckIn,
    Comment,
    Device,
    Event,
    Person,
    Priority,
    Programme,
    Question,
    Registration,
    RegistrationStatus,
    Response,
    ResponseScore,
    Tally,
    Theme,
    Venue,
    comment_theme,
)
from engagement_desk.db.types import UTCDateTime
from engagement_desk.services import audit
from engagement_desk.services.backups import BackupService
from engagement_desk.services.devices import DeviceIdentity, own_device_ids
from engagement_desk.services.errors import UserError
from engagement_desk.services.events import EventService
from engagement_desk.services.privacy import PrivacyService, tombstones_in
from engagement_desk.services.registrations import ERASED_TEXT, draft_of, person_values
from engagement_desk.services.tickets import TicketService

# The layout of the JSON. Format 2 names every field explicitly (RowFields below) and carries
# the database revision it was made at; format 1 files (raw columns, no revision) are still
# read, with the fields added since filled in with their defaults.
PACK_FORMAT = 2
BUNDLE_FORMAT = 2
# Ids per IN (...) query: big enough to be few statements, well inside SQLite's and
# PostgreSQL's limits on bound parameters.
CHUNK = 5_000
NOTHING_IMPORTED = "Nothing was imported."
NOTHING_MERGED = "Nothing was merged."
# SQLite's page cache while merging, in KiB (negative: a size, not a count of pages); taken
# only as pages are used, and handed back after.
MERGE_CACHE_KIB = -262_144
DETAIL_CONFLICT = "detail changed on both sides"


@dataclass(frozen=True)
class RowFields:
    """What a pack or bundle says about one kind of row, field by field.

    ``fields`` were in the first format and every file has them. ``added`` came later, each
    with the value a file made before it is read with. A column added to the database
    travels only once it is named here: tests/unit/test_pack_versions.py checks that every
    column is either named or deliberately kept at home.
    """

    table: Any
    fields: tuple[str, ...]
    added: Mapping[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return self.fields + tuple(self.added)

    def encoded(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {name: _encode(values[name]) for name in self.names}

    def encoded_rows(self, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [self.encoded(r) for r in rows]

    def decoded(self, values: Any) -> dict[str, Any]:
        """A row from JSON: each named field back in its Python type; a field added after
        the file was made gets its default; anything else means the file is not ours."""
        if not isinstance(values, dict):
            raise ValueError("a row is not an object")
        unknown = set(values) - set(self.names)
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}")
        missing = [name for name in self.fields if name not in values]
        if missing:
            raise ValueError(f"missing fields {missing}")
        row = {name: _decode(self.table.c[name].type, values[name]) for name in self.fields}
        for name, default in self.added.items():
            value = values.get(name, default)
            row[name] = _decode(self.table.c[name].type, copy.deepcopy(value))
        for key in self.table.primary_key.columns:
            if row.get(key.name) is None:
                raise ValueError("a row without its id")
        return row

    def decoded_rows(self, rows: Any) -> list[dict[str, Any]]:
        if not isinstance(rows, list):
            raise ValueError("rows are not a list")
        return [self.decoded(r) for r in rows]


# Fields that came after the first format, with the value an older file is read with.
_REGISTRATION_ADDED = {"ticket_sent_at": None, "reminder_sent_at": None}  # migration 0006
_PERSON_ADDED: dict[str, Any] = {"field_changes": {}}  # migration 0008

# What an event pack carries. The programme as a venue laptop gets it: never the private
# half of the ticket key. A person: all the door needs to know (contact and child details
# stay in the office).
PACK_ROWS: dict[str, RowFields] = {
    "programme": RowFields(
        Programme.__table__,
        (
            "id",
            "name",
            "area",
            "forum_name",
            "description",
            "suppression_threshold",
            "retention_months",
            "signing_public_key",
            "created_at",
        ),
    ),
    "priorities": RowFields(
        Priority.__table__,
        ("id", "programme_id", "position", "title", "description"),
        {"easy_read": ""},  # migration 0007
    ),
    "themes": RowFields(Theme.__table__, ("id", "programme_id", "name")),
    "venue": RowFields(
        Venue.__table__,
        (
            "id",
            "name",
            "address",
            "postcode",
            "step_free",
            "hearing_loop",
            "parking",
            "quiet_room",
            "accessible_toilet",
            "photo_path",
            "notes",
        ),
    ),
    "event": RowFields(
        Event.__table__,
        (
            "id",
            "programme_id",
            "short_code",
            "title",
            "kind",
            "status",
            "starts_at",
            "ends_at",
            "venue_id",
            "online_link",
            "capacity",
            "description",
            "capture_methods",
            "dots_per_person",
            "ranking_top_k",
            "cancel_reason",
            "created_at",
            "updated_at",
        ),
    ),
    "agenda": RowFields(
        AgendaItem.__table__, ("id", "event_id", "position", "starts_at", "title", "notes")
    ),
    "people": RowFields(
        Person.__table__,
        (
            "id",
            "device_id",
            "full_name",
            "role",
            "access_needs",
            "access_notes",
            "consent_store",
            "consent_special_category",
            "consent_future_contact",
            "consent_quote",
            "created_at",
            "updated_at",
        ),
        _PERSON_ADDED,
    ),
    "registrations": RowFields(
        Registration.__table__,
        (
            "id",
            "device_id",
            "event_id",
            "person_id",
            "status",
            "ticket_id",
            "ticket_code",
            "source",
            "waitlist_position",
            "registered_at",
            "cancelled_at",
        ),
        _REGISTRATION_ADDED,
    ),
    "device": RowFields(Device.__table__, ("id", "name", "first_seen", "last_seen")),
}
# Kept for readers of the door's fields (the preview, tests).
PROGRAMME_FIELDS = PACK_ROWS["programme"].names
DOOR_PERSON_FIELDS = PACK_ROWS["people"].fields

# A person's details that are edited and so merge field by field (services/registrations.py
# notes when each changed), with their words for the merge report. The rest (ids, times, the
# search text) are not details.
DETAIL_WORDS = {
    "full_name": "name",
    "email": "email address",
    "phone": "phone number",
    "postcode_district": "postcode district",
    "role": "role",
    "child_age_band": "child's age band",
    "child_setting": "child's setting",
    "ehcp_status": "EHCP status",
    "need_areas": "need areas",
    "access_needs": "access needs",
    "access_notes": "access notes",
    "consent_store": "consent to keep their details",
    "consent_special_category": "consent to keep their child's details",
    "consent_future_contact": "consent to be contacted again",
    "consent_quote": "consent to be quoted",
}
PERSON_DETAILS = tuple(DETAIL_WORDS)

# What a bundle carries, in the order rows must go in (parents before children).
BUNDLE_KINDS: tuple[tuple[str, Any], ...] = (
    ("people", Person.__table__),
    ("registrations", Registration.__table__),
    ("check_ins", CheckIn.__table__),
    ("responses", Response.__table__),
    ("response_scores", ResponseScore.__table__),
    ("tallies", Tally.__table__),
    ("comments", Comment.__table__),
    ("comment_themes", comment_theme),
    ("questions", Question.__table__),
)
# The same, field by field (a bundle's person is the whole row: the laptop may have made them).
BUNDLE_ROWS: dict[str, RowFields] = {
    "people": RowFields(
        Person.__table__,
        ("id", "device_id", *PERSON_DETAILS, "created_at", "updated_at"),
        _PERSON_ADDED,
    ),
    "registrations": PACK_ROWS["registrations"],
    "check_ins": RowFields(
        CheckIn.__table__,
        (
            "id",
            "device_id",
            "registration_id",
            "event_id",
            "checked_in_at",
            "method",
            "walk_in",
            "undone_at",
            "undone_by_device",
        ),
    ),
    "responses": RowFields(
        Response.__table__,
        ("id", "device_id", "event_id", "registration_id", "method", "source", "created_at"),
    ),
    "response_scores": RowFields(
        ResponseScore.__table__, ("id", "response_id", "priority_id", "value")
    ),
    "tallies": RowFields(
        Tally.__table__,
        ("id", "device_id", "event_id", "priority_id", "dots", "note", "created_at"),
    ),
    "comments": RowFields(
        Comment.__table__,
        (
            "id",
            "device_id",
            "event_id",
            "registration_id",
            "text",
            "quote_permission",
            "created_at",
        ),
    ),
    "comment_themes": RowFields(comment_theme, ("comment_id", "theme_id")),
    "questions": RowFields(
        Question.__table__,
        (
            "id",
            "device_id",
            "event_id",
            "registration_id",
            "text",
            "theme_id",
            "upvotes",
            "status",
            "answer",
            "created_at",
        ),
    ),
}
KIND_WORDS = {
    "people": ("person", "people"),
    "registrations": ("registration", "registrations"),
    "check_ins": ("check-in", "check-ins"),
    "responses": ("response", "responses"),
    "response_scores": ("response score", "response scores"),
    "tallies": ("tally", "tallies"),
    "comments": ("comment", "comments"),
    "comment_themes": ("comment theme", "comment themes"),
    "questions": ("question", "questions"),
}


@dataclass(frozen=True)
class PackExport:
    data: bytes  # the sealed file
    event_code: str
    event_title: str
    registrations: int
    people: int


@dataclass(frozen=True)
class PackImport:
    event_code: str
    event_title: str
    programme_name: str
    registrations: int
    people: int
    made_by: str
    erased: int = 0  # people here that the pack's tombstones named, erased on this laptop
    # Details changed on this laptop and at the office since the last pack: the later kept.
    conflicts: tuple[DetailConflict, ...] = ()


@dataclass(frozen=True)
class PackContents:
    """What an opened event pack holds, to show before importing it (no names)."""

    event_code: str
    event_title: str
    starts_at: datetime
    ends_at: datetime
    venue_name: str
    programme_name: str
    registrations: int
    people: int
    tombstones: int
    made_by: str
    made_at: str


@dataclass(frozen=True)
class OpenedPack:
    """A decrypted, checked event pack, ready to import."""

    contents: PackContents
    programme: dict[str, Any]
    event: dict[str, Any]
    venue: dict[str, Any] | None
    priorities: list[dict[str, Any]]
    themes: list[dict[str, Any]]
    agenda: list[dict[str, Any]]
    people: list[dict[str, Any]]
    registrations: list[dict[str, Any]]
    device: dict[str, Any] | None
    tombstones: dict[str, datetime]
    made_by_id: str = ""


@dataclass(frozen=True)
class BundleExport:
    data: bytes
    device_name: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Bundle:
    """An opened, checked device bundle, ready to merge."""

    device_id: str
    device_name: str
    made_at: str
    rows: dict[str, list[dict[str, Any]]]
    tombstones: dict[str, datetime] = field(default_factory=dict)
    # The person behind each registration the rows point at, as the laptop knew it, so rows
    # about someone erased at the office are recognised even when their registration came
    # from the office's pack.
    registration_people: dict[str, str] = field(default_factory=dict)
    # Every id the laptop has had (a laptop whose identity was replaced keeps its old ones):
    # changes noted under any of them were made on that laptop.
    device_ids: frozenset[str] = frozenset()

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(rows) for kind, rows in self.rows.items()}


@dataclass(frozen=True)
class SamePersonTwice:
    event_code: str
    person_id: str
    registrations: tuple[str, ...]


@dataclass(frozen=True)
class DetailConflict:
    """One of a person's details changed on both sides since they last agreed: the later
    change was kept. Names of devices, never of the person."""

    person_id: str
    detail: str  # a PERSON_DETAILS name
    kept_from: str
    kept_at: datetime
    other_from: str
    other_at: datetime

    def sentence(self) -> str:
        return (
            f"Person {self.person_id}, {DETAIL_WORDS.get(self.detail, self.detail)}: changed "
            f"on {self.other_from} ({_when_shown(self.other_at)}) and on {self.kept_from} "
            f"({_when_shown(self.kept_at)}) since they last agreed; the later change, from "
            f"{self.kept_from}, was kept. Check it with the person if it matters."
        )


@dataclass(frozen=True)
class DetailsMerged:
    """What merging one person's details decided (see merge_details)."""

    values: dict[str, Any]  # details to take from the other side
    changes: dict[str, Any]  # the person's change record afterwards
    # (detail, this side's change, the other side's change) changed on both since they agreed
    conflicts: list[tuple[str, dict[str, Any], dict[str, Any]]]


@dataclass
class MergeResult:
    device_name: str
    added: dict[str, int] = field(default_factory=dict)
    already_here: dict[str, int] = field(default_factory=dict)
    undo_updated: int = 0
    # One ticket admitted on two laptops: the later check-ins, set aside as undone.
    second_admissions: int = 0
    linked_to_office_tickets: int = 0  # door registrations for tickets the office already had
    unlinked_people: int = 0  # registrations whose person was erased here meanwhile
    same_person_twice: list[SamePersonTwice] = field(default_factory=list)
    # New people whose email someone here already has: both kept, for staff to look at.
    same_email: list[str] = field(default_factory=list)
    # Erasure: people here erased because the bundle's tombstones named them; people in the
    # bundle who were erased here (their row dropped, never restored); rows about an erased
    # person kept without them (registrations, votes, comments, questions).
    erased_here: int = 0
    erased_not_restored: int = 0
    kept_without_erased: int = 0
    # People here whose details were changed on the laptop (access needs noted at the door, a
    # corrected name, a consent withdrawn) and brought in, detail by detail, the later
    # change winning; and every detail changed on both sides since they last agreed.
    details_updated: int = 0
    conflicts: list[DetailConflict] = field(default_factory=list)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())


class PackService:
    def __init__(
        self,
        db: Database,
        device: DeviceIdentity,
        events: EventService,
        tickets: TicketService,
        clock: Clock = system_clock,
        *,
        privacy: PrivacyService,
        backups: BackupService | None = None,
    ) -> None:
        self._db = db
        self._device = device
        self._events = events
        self._tickets = tickets
        self._clock = clock
        self._privacy = privacy
        self._backups = backups

    # ---- event packs ---------------------------------------------------

    def export_pack(self, event_ref: str, passphrase: str) -> PackExport:
        """Seal what a venue laptop needs for one event."""
        event_id = self._events.resolve_id(event_ref)
        rows = PACK_ROWS
        with self._db.session() as s, s.begin():
            event = s.get_one(Event, event_id)
            # The public key must travel, so make the keys now if tickets never were.
            self._tickets.keys_in(s, event.programme_id)
            programme = _row(s, Programme.__table__, Programme.id == event.programme_id)[0]
            registrations = _row(s, Registration.__table__, Registration.event_id == event.id)
            person_ids = sorted({r["person_id"] for r in registrations if r["person_id"]})
            people = _row(s, Person.__table__, Person.id.in_(person_ids)) if person_ids else []
            device = s.get(Device, self._device.id)
            payload = {
                "format": PACK_FORMAT,
                "schema": shipped_head_revision(),
                "kind": "event pack",
                "made_at": self._clock().isoformat(),
                "made_by": {"id": self._device.id, "name": self._device.name},
                "device": rows["device"].encoded(_as_dict(device)) if device else None,
                "programme": rows["programme"].encoded(programme),
                "priorities": rows["priorities"].encoded_rows(
                    _row(s, Priority.__table__, Priority.programme_id == event.programme_id)
                ),
                "themes": rows["themes"].encoded_rows(
                    _row(s, Theme.__table__, Theme.programme_id == event.programme_id)
                ),
                "venue": rows["venue"].encoded(
                    _row(s, Venue.__table__, Venue.id == event.venue_id)[0]
                )
                if event.venue_id
                else None,
                "event": rows["event"].encoded(_row(s, Event.__table__, Event.id == event.id)[0]),
                "agenda": rows["agenda"].encoded_rows(
                    _row(s, AgendaItem.__table__, AgendaItem.event_id == event.id)
                ),
                "people": [
                    rows["people"].encoded({**p, "field_changes": _door_changes(p)}) for p in people
                ],
                "registrations": rows["registrations"].encoded_rows(registrations),
                "tombstones": _encoded_tombstones(tombstones_in(s)),
            }
            audit.record(
                s,
                self._device.id,
                "event pack made",
                "event",
                event.id,
                f"{len(registrations)} registrations, {len(people)} people",
            )
            code, title = event.short_code, event.title
        data = _seal(PackKind.EVENT_PACK, payload, passphrase)
        return PackExport(data, code, title, len(registrations), len(people))

    def open_pack(self, data: bytes, passphrase: str) -> OpenedPack:
        """Decrypt and read an event pack to see what it holds; changes nothing."""
        payload = _open(PackKind.EVENT_PACK, data, passphrase, "event pack", PACK_FORMAT)
        rows = PACK_ROWS
        try:
            programme = rows["programme"].decoded(payload["programme"])
            event = rows["event"].decoded(payload["event"])
            venue = rows["venue"].decoded(payload["venue"]) if payload["venue"] else None
            priorities = rows["priorities"].decoded_rows(payload["priorities"])
            themes = rows["themes"].decoded_rows(payload["themes"])
            agenda = rows["agenda"].decoded_rows(payload["agenda"])
            people = rows["people"].decoded_rows(payload["people"])
            for person in people:
                person["field_changes"] = _checked_changes(person["field_changes"])
            registrations = rows["registrations"].decoded_rows(payload["registrations"])
            device = rows["device"].decoded(payload["device"]) if payload["device"] else None
            tombstones = _decoded_tombstones(payload.get("tombstones", []))
            made_by = str(payload["made_by"]["name"])
            made_by_id = str(payload["made_by"]["id"])
            contents = PackContents(
                event_code=event["short_code"],
                event_title=event["title"],
                starts_at=event["starts_at"],
                ends_at=event["ends_at"],
                venue_name=venue["name"] if venue else "",
                programme_name=programme["name"],
                registrations=len(registrations),
                people=len(people),
                tombstones=len(tombstones),
                made_by=made_by,
                made_at=str(payload.get("made_at", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UserError(_unreadable("event pack", NOTHING_IMPORTED)) from exc
        return OpenedPack(
            contents,
            programme,
            event,
            venue,
            priorities,
            themes,
            agenda,
            people,
            registrations,
            device,
            tombstones,
            made_by_id,
        )

    def import_pack(self, data: bytes, passphrase: str) -> PackImport:
        """Create or update the pack's rows by id. Refuses a pack from another programme."""
        return self.take_pack(self.open_pack(data, passphrase))

    def take_pack(self, pack: OpenedPack) -> PackImport:
        """Import an opened pack (backed up first): its rows by id, and its tombstones
        honoured (anyone erased at the office is erased here too)."""
        self._back_up("before-pack-import")
        people = [p for p in pack.people if p["id"] not in pack.tombstones]
        registrations = [dict(r) for r in pack.registrations]
        for registration in registrations:
            if registration["person_id"] in pack.tombstones:
                registration["person_id"] = None
        event, programme, device = pack.event, pack.programme, pack.device
        made_by = pack.contents.made_by
        try:
            with self._db.session() as s, s.begin():
                erased = self._privacy.honour_tombstones(s, pack.tombstones)
                self._take_programme(s, programme)
                _upsert(s, Priority.__table__, pack.priorities)
                _upsert(s, Theme.__table__, pack.themes)
                if device is not None and device["id"] != self._device.id:
                    _insert_missing(s, Device.__table__, [device])
                if pack.venue is not None:
                    _upsert(s, Venue.__table__, [pack.venue])
                _upsert(s, Event.__table__, [event])
                _upsert(s, AgendaItem.__table__, pack.agenda)
                # People this laptop has: detail by detail, so what was changed here since
                # the last pack and not at the office stays; the rest are added.
                new_people, _, conflicts = self._merge_people(
                    s, people, {pack.made_by_id}, made_by, from_pack=True
                )
                for person in new_people:
                    person["search_text"] = search_text(person["full_name"], None)
                _insert_missing(s, Person.__table__, new_people)
                _upsert(s, Registration.__table__, registrations)
                audit.record(
                    s,
                    self._device.id,
                    "event pack imported",
                    "event",
                    event["id"],
                    f"made by {made_by}: {len(registrations)} registrations"
                    + (f"; {erased} people erased as at the office" if erased else ""),
                )
        except IntegrityError as exc:
            raise UserError(
                "This event pack does not fit this laptop's database: it clashes with an event, "
                "venue or ticket already here that has another id. Use a fresh data folder for "
                f"the venue laptop. {NOTHING_IMPORTED}"
            ) from exc
        # The programme (and so the ticket key) may have just arrived or been replaced.
        self._tickets.forget_keys()
        if erased:
            self._privacy.scrub_file()
        return PackImport(
            event_code=event["short_code"],
            event_title=event["title"],
            programme_name=programme["name"],
            registrations=len(registrations),
            people=len(people),
            made_by=made_by,
            erased=erased,
            conflicts=tuple(conflicts),
        )

    def _back_up(self, reason: str) -> None:
        """An automatic backup before a change from outside; one that fails stops it."""
        if self._backups is None:
            return
        try:
            self._backups.automatic(reason)
        except UserError as exc:
            raise UserError(
                f"{exc} To be safe nothing was changed: free some space or fix the backups "
                "folder and try again."
            ) from exc

    def _take_programme(self, s: Session, programme: dict[str, Any]) -> None:
        for other in s.scalars(select(Programme).where(Programme.id != programme["id"])):
            in_use = s.scalar(
                select(
                    exists().where(Event.programme_id == other.id)
                    | exists().where(Action.programme_id == other.id)
                )
            )
            if in_use:
                raise UserError(
                    f"This laptop's database already belongs to another programme "
                    f"('{other.name}', with its own events), so it cannot take an event pack "
                    "from this one. Use a fresh data folder for the venue laptop. "
                    + NOTHING_IMPORTED
                )
            # A freshly seeded programme with nothing in it: the pack's one replaces it.
            s.delete(other)
        s.flush()
        here = s.get(Programme, programme["id"])
        public = programme.get("signing_public_key")
        if here is None:
            s.execute(insert(Programme), [programme])
            return
        if here.signing_public_key is not None and public != here.signing_public_key:
            raise UserError(
                "This event pack's ticket key does not match the one this database already "
                f"has for the programme, so its tickets could not be checked. {NOTHING_IMPORTED}"
            )
        changes = {k: v for k, v in programme.items() if k not in ("id", "signing_public_key")}
        if here.signing_public_key is None:
            changes["signing_public_key"] = public  # the private key stays as it is here
        s.execute(update(Programme).where(Programme.id == here.id).values(**changes))

    # ---- device bundles ------------------------------------------------

    def export_bundle(self, passphrase: str) -> BundleExport:
        """Seal everything this laptop captured, under any id it has had (see module)."""
        me = self._device.id
        with self._db.session() as s:
            ids = sorted(own_device_ids(s, me))
            rows: dict[str, list[dict[str, Any]]] = {}
            rows["people"] = _row(s, Person.__table__, Person.device_id.in_(ids))
            # People made elsewhere whose details were changed here (at the door) go too.
            made_here = {p["id"] for p in rows["people"]}
            rows["people"] += [
                p
                for p in _row(s, Person.__table__, cast(Person.field_changes, Text) != "{}")
                if p["id"] not in made_here and _changed_by(p["field_changes"], ids)
            ]
            rows["registrations"] = _row(s, Registration.__table__, Registration.device_id.in_(ids))
            rows["check_ins"] = _row(
                s,
                CheckIn.__table__,
                or_(CheckIn.device_id.in_(ids), CheckIn.undone_by_device.in_(ids)),
            )
            rows["responses"] = _row(s, Response.__table__, Response.device_id.in_(ids))
            mine = select(Response.id).where(Response.device_id.in_(ids))
            rows["response_scores"] = _row(
                s, ResponseScore.__table__, ResponseScore.response_id.in_(mine)
            )
            rows["tallies"] = _row(s, Tally.__table__, Tally.device_id.in_(ids))
            rows["comments"] = _row(s, Comment.__table__, Comment.device_id.in_(ids))
            my_comments = select(Comment.id).where(Comment.device_id.in_(ids))
            rows["comment_themes"] = _row(
                s, comment_theme, comment_theme.c.comment_id.in_(my_comments)
            )
            rows["questions"] = _row(s, Question.__table__, Question.device_id.in_(ids))
            referenced = {
                r["registration_id"]
                for kind in ("check_ins", "responses", "comments", "questions")
                for r in rows[kind]
                if r.get("registration_id")
            }
            registration_people = {
                r["id"]: r["person_id"] for r in rows["registrations"] if r["person_id"]
            }
            registration_people.update(_people_of(s, referenced - set(registration_people)))
            tombstones = tombstones_in(s)
            device = s.get(Device, me)
        payload = {
            "format": BUNDLE_FORMAT,
            "schema": shipped_head_revision(),
            "kind": "device bundle",
            "made_at": self._clock().isoformat(),
            "device": {
                "id": me,
                "name": self._device.name,
                "first_seen": device.first_seen.isoformat() if device else None,
                "ids": ids,
            },
            "rows": {kind: BUNDLE_ROWS[kind].encoded_rows(rows[kind]) for kind in rows},
            "tombstones": _encoded_tombstones(tombstones),
            "registration_people": registration_people,
        }
        data = _seal(PackKind.DEVICE_BUNDLE, payload, passphrase)
        return BundleExport(data, self._device.name, {k: len(v) for k, v in rows.items()})

    def open_bundle(self, data: bytes, passphrase: str) -> Bundle:
        """Decrypt and read a bundle, and check it fits this database; changes nothing."""
        payload = _open(PackKind.DEVICE_BUNDLE, data, passphrase, "device bundle", BUNDLE_FORMAT)
        try:
            device = payload["device"]
            raw_rows = payload["rows"]
            unknown = set(raw_rows) - set(BUNDLE_ROWS)
            if unknown:
                raise ValueError(f"unknown kinds {sorted(unknown)}")
            rows = {
                kind: fields.decoded_rows(raw_rows.get(kind, []))
                for kind, fields in BUNDLE_ROWS.items()
            }
            for person in rows["people"]:
                person["field_changes"] = _checked_changes(person["field_changes"])
            device_ids = device.get("ids", [device["id"]])
            if not isinstance(device_ids, list) or not all(isinstance(i, str) for i in device_ids):
                raise ValueError("the device's ids are not a list of ids")
            links = payload.get("registration_people", {})
            if not isinstance(links, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in links.items()
            ):
                raise ValueError("registration_people is not a map of ids")
            bundle = Bundle(
                str(device["id"]),
                str(device["name"]),
                str(payload["made_at"]),
                rows,
                _decoded_tombstones(payload.get("tombstones", [])),
                links,
                frozenset(device_ids) | {str(device["id"])},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UserError(_unreadable("device bundle", NOTHING_MERGED)) from exc
        with self._db.session() as s:
            self._check_fits(s, bundle)
        return bundle

    def preview_merge(self, bundles: Sequence[Bundle]) -> list[MergeResult]:
        """What merging these bundles in this order would do, each after the ones before;
        worked out in one transaction that is then rolled back, so nothing changes."""
        results: list[MergeResult] = []
        with self._db.session() as s:
            s.begin()
            try:
                for bundle in bundles:
                    result = MergeResult(device_name=bundle.device_name)
                    self._check_fits(s, bundle)
                    self._merge(s, bundle, result)
                    s.flush()
                    results.append(result)
            except IntegrityError as exc:
                raise UserError(
                    f"The bundle from {bundle.device_name} does not fit this database "
                    f"({exc.orig}). {NOTHING_MERGED}"
                ) from exc
            finally:
                s.rollback()
        return results

    def merge_bundles(
        self,
        bundles: Sequence[Bundle],
        progress: Callable[[int, int], None] | None = None,
    ) -> list[MergeResult]:
        """Back up, then merge each bundle in its own transaction. A bundle that does not fit
        stops the rest; the message says which were merged before it."""
        self._back_up("before-merge")
        results: list[MergeResult] = []
        for number, bundle in enumerate(bundles):
            if progress is not None:
                progress(number, len(bundles))
            try:
                results.append(self.merge_bundle(bundle))
            except UserError as exc:
                done = ", ".join(r.device_name for r in results) or "none"
                raise UserError(f"{exc} (Bundles merged before this one: {done}.)") from exc
        if progress is not None:
            progress(len(bundles), len(bundles))
        return results

    def merge_bundle(self, bundle: Bundle) -> MergeResult:
        """Add what the office does not have; one transaction, so a failure changes nothing."""
        result = MergeResult(device_name=bundle.device_name)
        try:
            with self._db.session() as s, s.begin(), _roomy_cache(s):
                self._check_fits(s, bundle)
                self._merge(s, bundle, result)
                audit.record(
                    s,
                    self._device.id,
                    "device bundle merged",
                    "device",
                    bundle.device_id,
                    f"{bundle.device_name}: {result.total_added} rows added",
                )
        except IntegrityError as exc:
            raise UserError(
                f"The bundle from {bundle.device_name} does not fit this database ({exc.orig}). "
                + NOTHING_MERGED
            ) from exc
        if result.erased_here:
            self._privacy.scrub_file()
        return result

    def _check_fits(self, s: Session, bundle: Bundle) -> None:
        rows = bundle.rows
        events = {
            r["event_id"]
            for kind in (
                "registrations",
                "check_ins",
                "responses",
                "tallies",
                "comments",
                "questions",
            )
            for r in rows[kind]
        }
        priorities = {r["priority_id"] for r in rows["response_scores"] + rows["tallies"]}
        themes = {r["theme_id"] for r in rows["comment_themes"] + rows["questions"]}
        themes.discard(None)
        missing = (
            _missing(s, Event.id, events)
            | _missing(s, Priority.id, priorities)
            | _missing(s, Theme.id, themes)
        )
        if missing:
            raise UserError(
                f"The bundle from {bundle.device_name} has records for events or priorities this "
                "database does not have: that laptop was not given its event pack from this "
                f"database. {NOTHING_MERGED}"
            )

    def _merge(self, s: Session, bundle: Bundle, result: MergeResult) -> None:
        rows = bundle.rows
        device = s.get(Device, bundle.device_id)
        if device is None:
            s.add(Device(id=bundle.device_id, name=bundle.device_name[:100]))
        else:
            device.name = bundle.device_name[:100]
        result.erased_here = self._privacy.honour_tombstones(s, bundle.tombstones)
        self._leave_out_erased(s, bundle, result)
        new, result.details_updated, result.conflicts = self._merge_people(
            s,
            rows["people"],
            set(bundle.device_ids) | {bundle.device_id},
            bundle.device_name,
            from_pack=False,
        )
        for person in new:
            person["search_text"] = search_text(person["full_name"], person.get("email"))
        new_people = self._add(s, result, "people", new)
        result.already_here["people"] += len(rows["people"]) - len(new)
        result.same_email = _same_email(s, new_people)
        people_here = _present(s, Person.id, {r["person_id"] for r in rows["registrations"]})
        # The same ticket registered at the door of a laptop and at the office: one place.
        same_ticket = dict(
            s.execute(
                select(Registration.ticket_id, Registration.id).where(
                    Registration.ticket_id.in_([r["ticket_id"] for r in rows["registrations"]])
                )
            ).all()
        )
        alias: dict[str, str] = {}
        fresh: list[dict[str, Any]] = []
        existing_ids = _present(s, Registration.id, {r["id"] for r in rows["registrations"]})
        for registration in rows["registrations"]:
            office_id = same_ticket.get(registration["ticket_id"])
            if registration["id"] not in existing_ids and office_id is not None:
                alias[registration["id"]] = office_id
                result.linked_to_office_tickets += 1
                continue
            if registration["person_id"] and registration["person_id"] not in people_here:
                registration["person_id"] = None
                result.unlinked_people += 1
            fresh.append(registration)
        added = self._add(s, result, "registrations", fresh)
        result.already_here["registrations"] = result.already_here.get("registrations", 0) + len(
            alias
        )
        registrations_here = _present(
            s,
            Registration.id,
            {
                r.get("registration_id")
                for kind in ("check_ins", "responses", "comments", "questions")
                for r in rows[kind]
            },
        )

        def relink(items: Iterable[dict[str, Any]], required: bool = False) -> None:
            for item in items:
                ref = item.get("registration_id")
                if ref in alias:
                    item["registration_id"] = alias[ref]
                elif ref is not None and ref not in registrations_here and not required:
                    item["registration_id"] = None

        relink(rows["check_ins"], required=True)
        for kind in ("responses", "comments", "questions"):
            relink(rows[kind])
        self._merge_check_ins(s, result, rows["check_ins"])
        for kind in ("responses", "response_scores", "tallies", "comments"):
            self._add(s, result, kind, rows[kind])
        self._add_links(s, result, rows["comment_themes"])
        self._add(s, result, "questions", rows["questions"])
        result.same_person_twice = _same_person_twice(s, added)

    def _merge_people(
        self,
        s: Session,
        people: list[dict[str, Any]],
        sender_ids: set[str],
        sender_name: str,
        *,
        from_pack: bool,
    ) -> tuple[list[dict[str, Any]], int, list[DetailConflict]]:
        """People arriving from elsewhere: those not here yet (returned, to be added), and
        those here, whose details are merged one by one (see merge_details), then stored as
        their consents allow. Returns the new ones, how many here changed, the conflicts."""
        here_ids = _present(s, Person.id, {p["id"] for p in people})
        new = [p for p in people if p["id"] not in here_ids]
        # A bundle's person who was only looked at on the laptop has nothing to bring; a
        # pack's may carry details the office changed before change times were kept.
        known = [p for p in people if p["id"] in here_ids and (from_pack or p["field_changes"])]
        updated = 0
        conflicts: list[DetailConflict] = []
        names: dict[str, str] = {}

        def name_of(device_id: str) -> str:
            if device_id in sender_ids:
                return sender_name
            if device_id == self._device.id:
                return self._device.name
            if device_id not in names:
                names[device_id] = s.scalar(select(Device.name).where(Device.id == device_id)) or (
                    "another laptop"
                )
            return names[device_id]

        for start in range(0, len(known), 500):
            batch = known[start : start + 500]
            here = {
                person.id: person
                for person in s.scalars(
                    select(Person).where(Person.id.in_([p["id"] for p in batch]))
                )
            }
            for theirs in batch:
                person = here[theirs["id"]]
                details = [d for d in PERSON_DETAILS if d in theirs]
                merged = merge_details(
                    {d: getattr(person, d) for d in details},
                    person.field_changes or {},
                    {d: theirs[d] for d in details},
                    theirs["field_changes"],
                    sender_ids,
                    take_unrecorded=from_pack,
                )
                for detail, ours, other in merged.conflicts:
                    kept, lost = (other, ours) if merged.changes[detail] == other else (ours, other)
                    if not self._first_time(s, person.id, detail, kept, lost):
                        continue  # listed when these two changes first met
                    conflicts.append(
                        DetailConflict(
                            person.id,
                            detail,
                            name_of(kept["by"]),
                            _moment(kept["at"]),
                            name_of(lost["by"]),
                            _moment(lost["at"]),
                        )
                    )
                if not merged.values and merged.changes == (person.field_changes or {}):
                    continue
                for detail, value in merged.values.items():
                    setattr(person, detail, value)
                # What may be kept follows the consents as they now stand (a consent
                # withdrawn on one side drops the child details changed on the other).
                for key, value in person_values(apply_consents(draft_of(person))).items():
                    if key != "search_text" and getattr(person, key) != value:
                        setattr(person, key, value)
                person.field_changes = merged.changes
                updated += 1
        return new, updated, conflicts

    def _first_time(
        self,
        s: Session,
        person_id: str,
        detail: str,
        kept: Mapping[str, Any],
        lost: Mapping[str, Any],
    ) -> bool:
        """Note a conflict in the audit log (ids, a detail's name and times, no values);
        False when it was noted before (the same bundle merged again)."""
        changes = sorted((str(c["at"]), str(c["by"])) for c in (kept, lost))
        note = f"{detail}: " + " and ".join(f"{by} at {at}" for at, by in changes)
        seen = s.scalar(
            select(
                exists().where(
                    AuditEntry.action == DETAIL_CONFLICT,
                    AuditEntry.entity_id == person_id,
                    AuditEntry.detail == note,
                )
            )
        )
        if seen:
            return False
        audit.record(s, self._device.id, DETAIL_CONFLICT, "person", person_id, note)
        return True

    @staticmethod
    def _leave_out_erased(s: Session, bundle: Bundle, result: MergeResult) -> None:
        """Rows about people erased here: the person's own row is dropped; their
        registrations, votes, comments and questions are kept without them (the words of
        comments and questions replaced), so the counts stand and nothing about them
        comes back."""
        rows = bundle.rows
        linked = {
            r["id"]: r["person_id"] for r in rows["registrations"] if r["person_id"] is not None
        }
        people_of = {**bundle.registration_people, **linked}
        gone = tombstones_in(s, {p["id"] for p in rows["people"]} | set(people_of.values()))
        if not gone:
            return
        kept = [p for p in rows["people"] if p["id"] not in gone]
        result.erased_not_restored += len(rows["people"]) - len(kept)
        rows["people"] = kept
        theirs = {registration for registration, person in people_of.items() if person in gone}
        for registration in rows["registrations"]:
            if registration["person_id"] in gone:
                registration["person_id"] = None
                result.kept_without_erased += 1
        for kind in ("responses", "comments", "questions"):
            for item in rows[kind]:
                if item.get("registration_id") in theirs:
                    item["registration_id"] = None
                    if kind != "responses":
                        item["text"] = ERASED_TEXT
                    if kind == "comments":
                        item["quote_permission"] = False
                    result.kept_without_erased += 1

    def _merge_check_ins(
        self, s: Session, result: MergeResult, check_ins: list[dict[str, Any]]
    ) -> None:
        here = {
            row.id: row
            for row in s.execute(
                select(CheckIn.id, CheckIn.undone_at).where(
                    CheckIn.id.in_([c["id"] for c in check_ins])
                )
            )
        }
        for check_in in check_ins:
            known = here.get(check_in["id"])
            if known is not None and known.undone_at is None and check_in["undone_at"]:
                s.execute(
                    update(CheckIn)
                    .where(CheckIn.id == check_in["id"])
                    .values(
                        undone_at=check_in["undone_at"],
                        undone_by_device=check_in["undone_by_device"],
                    )
                )
                result.undo_updated += 1
        self._one_admission_per_ticket(s, result, check_ins, set(here))
        self._add(s, result, "check_ins", check_ins)

    def _one_admission_per_ticket(
        self,
        s: Session,
        result: MergeResult,
        check_ins: list[dict[str, Any]],
        already_here: set[str],
    ) -> None:
        """Two laptops admitted one ticket while apart: the earliest check-in stays live and
        the others are set aside as undone at their own moment, by the laptop that made
        them (so merging in any order gives the same data), each with an audit entry."""
        arriving = [c for c in check_ins if c["undone_at"] is None and c["id"] not in already_here]
        if not arriving:
            return
        live: dict[str, list[tuple[datetime, str, dict[str, Any] | None, str]]] = {}
        for c in arriving:
            live.setdefault(c["registration_id"], []).append(
                (c["checked_in_at"], c["id"], c, c["device_id"])
            )
        wanted = list(live)
        for start in range(0, len(wanted), CHUNK):
            for row in s.execute(
                select(
                    CheckIn.registration_id, CheckIn.checked_in_at, CheckIn.id, CheckIn.device_id
                ).where(
                    CheckIn.registration_id.in_(wanted[start : start + CHUNK]),
                    CheckIn.undone_at.is_(None),
                )
            ):
                live[row.registration_id].append((row.checked_in_at, row.id, None, row.device_id))
        # Audit entries written together at the end: one statement, not a flush per entry.
        entries: list[AuditEntry] = []
        for registration_id, admissions in live.items():
            admissions.sort(key=lambda a: (a[0], a[1]))
            kept = admissions[0][1]
            for at, check_in_id, arriving_row, device_id in admissions[1:]:
                if arriving_row is not None:
                    arriving_row["undone_at"] = at
                    arriving_row["undone_by_device"] = device_id
                else:
                    s.execute(
                        update(CheckIn)
                        .where(CheckIn.id == check_in_id)
                        .values(undone_at=at, undone_by_device=device_id)
                    )
                entries.append(
                    AuditEntry(
                        device_id=self._device.id,
                        action="second admission set aside",
                        entity="check_in",
                        entity_id=check_in_id,
                        detail=f"registration {registration_id} was also admitted earlier ({kept})",
                    )
                )
                result.second_admissions += 1
        s.add_all(entries)

    def _add(
        self, s: Session, result: MergeResult, kind: str, items: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        table = dict(BUNDLE_KINDS)[kind]
        added = _insert_missing(s, table, items)
        result.added[kind] = result.added.get(kind, 0) + len(added)
        result.already_here[kind] = result.already_here.get(kind, 0) + len(items) - len(added)
        return added

    def _add_links(self, s: Session, result: MergeResult, links: list[dict[str, Any]]) -> None:
        here = {
            (c, t)
            for c, t in s.execute(
                select(comment_theme.c.comment_id, comment_theme.c.theme_id).where(
                    comment_theme.c.comment_id.in_({link["comment_id"] for link in links})
                )
            )
        }
        new = [link for link in links if (link["comment_id"], link["theme_id"]) not in here]
        if new:
            s.execute(insert(comment_theme), new)
        result.added["comment_themes"] = len(new)
        result.already_here["comment_themes"] = len(links) - len(new)


# Passphrases people pick first; a pack sealed with one of these is barely sealed.
_GUESSABLE = frozenset(
    {"password", "password1", "passphrase", "12345678", "123456789", "qwertyuiop", "letmein1"}
)


def passphrase_hint(text: str) -> tuple[bool, str]:
    """Whether a typed passphrase can seal a file, and a plain hint about its strength."""
    if len(text) < MIN_PASSPHRASE:
        return False, (
            f"Too short: use at least {MIN_PASSPHRASE} characters. A few unrelated words "
            "are easy to type and hard to guess."
        )
    words = len(text.split())
    if text.casefold() in _GUESSABLE or len(set(text.casefold())) < 5:
        return True, "Weak: easy to guess. Add two or three unrelated words."
    if len(text) >= 20 and words >= 3:
        return True, "Strong: long and made of several words."
    if len(text) >= 14:
        return True, "Good. A few more words would make it stronger."
    return True, "Fair: it works, but three or four unrelated words would be safer."


def describe_merge(result: MergeResult) -> list[str]:
    """What merging one bundle did (or would do), in plain sentences, without names."""
    lines = [f"From {result.device_name}: added {describe_counts(result.added)}."]
    if result.total_added == 0 and not result.details_updated:
        lines.append("Nothing new: this bundle was merged before.")
    if result.details_updated:
        lines.append(
            f"Details of {_plural(result.details_updated, 'person', 'people')} here changed on "
            "that laptop (such as access needs, names or consents) were brought in; where a "
            "detail was changed on both, the later change was kept."
        )
    if result.conflicts:
        lines.append(
            f"{_plural(len(result.conflicts), 'detail')} had been changed both here and on "
            "that laptop since they last agreed:"
        )
        lines.extend(f"  {conflict.sentence()}" for conflict in result.conflicts)
    if result.undo_updated:
        lines.append(f"{_plural(result.undo_updated, 'check-in')} marked as undone.")
    if result.second_admissions:
        lines.append(
            f"{_plural(result.second_admissions, 'ticket')} had also been admitted on another "
            "laptop: the earliest check-in counts, the later ones were set aside as undone "
            "(see the audit log)."
        )
    if result.linked_to_office_tickets:
        lines.append(
            f"{_plural(result.linked_to_office_tickets, 'ticket')} scanned at the door matched "
            "bookings made here after the pack; their check-ins are on those."
        )
    if result.erased_here:
        lines.append(
            f"{_plural(result.erased_here, 'person', 'people')} erased on that laptop "
            "were erased here too."
        )
    if result.erased_not_restored:
        lines.append(
            f"{_plural(result.erased_not_restored, 'person', 'people')} in the bundle had been "
            "erased here: their details were not brought back."
        )
    if result.kept_without_erased:
        lines.append(
            f"{_plural(result.kept_without_erased, 'record')} about people erased here "
            "(bookings, votes, comments, questions) kept without them, for the counts."
        )
    if result.unlinked_people:
        lines.append(
            f"{_plural(result.unlinked_people, 'registration')} kept without a person: "
            "their details were erased here."
        )
    for twice in result.same_person_twice:
        lines.append(
            f"Person {twice.person_id} has {len(twice.registrations)} registrations for "
            f"{twice.event_code} (made on different laptops); both were kept."
        )
    for person_id in result.same_email:
        lines.append(
            f"Person {person_id} has an email address someone here already has: both were "
            "kept; check whether they are the same person."
        )
    return lines


def merge_report(results: Sequence[tuple[str, MergeResult]], when: datetime) -> str:
    """A plain-text report of a merge, to keep: each file and what it did."""
    lines = [f"Bundles merged {to_local(when):%A %d %B %Y at %H:%M} (UK time)", ""]
    for name, result in results:
        lines.append(name)
        lines.extend(f"  {line}" for line in describe_merge(result))
        lines.append("")
    return "\n".join(lines)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def describe_counts(counts: Mapping[str, int]) -> str:
    """'3 people, 5 check-ins' for the kinds with any rows, in bundle order."""
    parts = [
        f"{counts[kind]} {KIND_WORDS[kind][0 if counts[kind] == 1 else 1]}"
        for kind, _ in BUNDLE_KINDS
        if counts.get(kind)
    ]
    return ", ".join(parts) if parts else "nothing"


# ---- rows as JSON -------------------------------------------------------------


def _people_of(s: Session, registration_ids: Iterable[str]) -> dict[str, str]:
    wanted = list(registration_ids)
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        for registration_id, person_id in s.execute(
            select(Registration.id, Registration.person_id).where(
                Registration.id.in_(wanted[start : start + 500]),
                Registration.person_id.is_not(None),
            )
        ):
            if person_id is not None:
                found[registration_id] = person_id
    return found


def _encoded_tombstones(tombstones: Mapping[str, datetime]) -> list[dict[str, str]]:
    return [
        {"person_id": person_id, "erased_at": erased_at.isoformat()}
        for person_id, erased_at in sorted(tombstones.items())
    ]


def _decoded_tombstones(items: Any) -> dict[str, datetime]:
    if not isinstance(items, list):
        raise ValueError("tombstones are not a list")
    found: dict[str, datetime] = {}
    for item in items:
        if not isinstance(item, dict) or set(item) != {"person_id", "erased_at"}:
            raise ValueError("a tombstone is not an id and a time")
        moment = datetime.fromisoformat(str(item["erased_at"]))
        if moment.tzinfo is None:
            raise ValueError("a time without a time zone")
        found[str(item["person_id"])] = moment
    return found


def _row(s: Session, table: Any, condition: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in s.execute(select(table).where(condition))]


def _as_dict(obj: Base) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _decode(column_type: Any, value: Any) -> Any:
    """A value from JSON back in the Python type of its column."""
    if value is None:
        return None
    if isinstance(column_type, UTCDateTime):
        return _moment(value)
    if isinstance(column_type, LargeBinary):
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise ValueError("bad base64") from exc
    if isinstance(column_type, Enum) and column_type.enum_class is not None:
        return column_type.enum_class(value)
    return value


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError("a time without a time zone")
    return moment


def _when_shown(moment: datetime) -> str:
    return f"{to_local(moment):%d %b at %H:%M}"


@functools.cache
def shipped_revisions() -> frozenset[str]:
    """Every database revision this version of Engagement Desk ships: a file stamped with
    any other was made by a newer version."""
    found: set[str] = set()
    for version_file in (MIGRATIONS / "versions").glob("*.py"):
        found.update(_REVISION.findall(version_file.read_text(encoding="utf-8")))
    return frozenset(found)


_REVISION = re.compile(r"^revision(?:\s*:\s*str)?\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)


# ---- people's details, change by change -------------------------------------------


def merge_details(
    here: Mapping[str, Any],
    here_changes: Mapping[str, Any],
    there: Mapping[str, Any],
    there_changes: Mapping[str, Any],
    sender_ids: set[str],
    *,
    take_unrecorded: bool = False,
) -> DetailsMerged:
    """One person's details as two copies have them, merged detail by detail.

    Each change record entry says when the detail was changed, on which device ("by"), and
    the time of the change that device had last seen from elsewhere ("was"). The later change
    wins (ties by device id, so merging in any order ends the same). A conflict is a detail
    the sender changed while this side had a different change the sender never saw, to a
    different value. A detail neither side ever changed is as it was made; with
    ``take_unrecorded`` (an event pack: the office's copy is the truth) its value is taken.
    """
    values: dict[str, Any] = {}
    changes = dict(here_changes)
    conflicts: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for name, value in there.items():
        theirs, ours = there_changes.get(name), here_changes.get(name)
        if theirs is None:
            if take_unrecorded and ours is None and value != here[name]:
                values[name] = value
            continue
        if ours is not None and _order(ours) == _order(theirs):
            continue  # the same change on both sides
        if (
            theirs["by"] in sender_ids
            and ours is not None
            and ours["by"] not in sender_ids
            and _order(ours)[0] != _seen(theirs)
            and value != here[name]
        ):
            conflicts.append((name, ours, theirs))
        if _order(theirs) > _order(ours):
            changes[name] = theirs
            if value != here[name]:
                values[name] = value
    return DetailsMerged(values, changes, conflicts)


_NEVER = datetime.min.replace(tzinfo=UTC)


def _order(entry: Mapping[str, Any] | None) -> tuple[datetime, str]:
    if entry is None:
        return _NEVER, ""
    return _moment(entry["at"]), str(entry["by"])


def _seen(entry: Mapping[str, Any]) -> datetime:
    was = entry.get("was")
    return _NEVER if was is None else _moment(was)


def _checked_changes(changes: Any) -> dict[str, Any]:
    """A change record from a file: known details, each with a time, a device and the time
    it replaced (or null)."""
    if not isinstance(changes, dict):
        raise ValueError("a change record is not an object")
    for name, entry in changes.items():
        if name not in PERSON_DETAILS or not isinstance(entry, dict):
            raise ValueError("a change record names something that is not a detail")
        if set(entry) != {"at", "by", "was"} or not isinstance(entry["by"], str):
            raise ValueError("a change is not a time, a device and the time it replaced")
        _moment(entry["at"])
        _seen(entry)
    return changes


def _changed_by(changes: Any, device_ids: Iterable[str]) -> bool:
    ids = set(device_ids)
    return isinstance(changes, dict) and any(
        isinstance(entry, dict) and entry.get("by") in ids for entry in changes.values()
    )


def _door_changes(person: Mapping[str, Any]) -> dict[str, Any]:
    """The change record of the details a pack carries (the door's), no others."""
    door = set(DOOR_PERSON_FIELDS)
    return {k: v for k, v in (person.get("field_changes") or {}).items() if k in door}


def _seal(kind: PackKind, payload: dict[str, Any], passphrase: str) -> bytes:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    try:
        return seal(kind, text.encode("utf-8"), passphrase)
    except PackProblem as exc:
        raise UserError(f"{exc} Nothing was written.") from exc


def _open(kind: PackKind, data: bytes, passphrase: str, name: str, version: int) -> Any:
    nothing = NOTHING_IMPORTED if kind is PackKind.EVENT_PACK else NOTHING_MERGED
    try:
        raw = open_sealed(kind, data, passphrase)
    except PackProblem as exc:
        message = str(exc)
        if kind is PackKind.DEVICE_BUNDLE:
            message = message.replace(NOTHING_IMPORTED, NOTHING_MERGED)
        raise UserError(message) from exc
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UserError(_unreadable(name, nothing)) from exc
    if not isinstance(payload, dict):
        raise UserError(_unreadable(name, nothing))
    found = payload.get("format")
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        raise UserError(_unreadable(name, nothing))
    schema = payload.get("schema")
    if found > version or (schema is not None and schema not in shipped_revisions()):
        made_at = f"format {found}" + (f", database {schema}" if schema else "")
        raise UserError(
            f"This {name} was made by a newer version of Engagement Desk ({made_at}; this "
            f"one reads up to format {version}). Update this laptop's Engagement Desk and try "
            f"again. {nothing}"
        )
    return payload


def _unreadable(name: str, nothing: str) -> str:
    return f"This {name} opened but its contents are not what Engagement Desk expects. {nothing}"


# ---- writing rows ---------------------------------------------------------------


def _present(s: Session, column: Any, ids: Iterable[Any]) -> set[str]:
    wanted = [i for i in set(ids) if i is not None]
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        found.update(s.scalars(select(column).where(column.in_(wanted[start : start + CHUNK]))))
    return found


def _missing(s: Session, column: Any, ids: set[Any]) -> set[str]:
    ids.discard(None)
    return ids - _present(s, column, ids)


def _insert_missing(s: Session, table: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    (key,) = table.primary_key.columns
    here = _present(s, key, {item[key.name] for item in items})
    new: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        if item[key.name] not in here and item[key.name] not in seen:
            seen.add(item[key.name])
            new.append(item)
    # One statement per shape of row: executemany needs every row to have the same keys.
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for item in new:
        shapes.setdefault(tuple(sorted(item)), []).append(item)
    # Plain Core inserts on the session's connection: the ORM's bulk layer adds nothing here.
    connection = s.connection()
    for group in shapes.values():
        connection.execute(insert(table), group)
    return new


def _upsert(s: Session, table: Any, items: list[dict[str, Any]]) -> None:
    """Insert rows this database lacks; update the given columns of those it has."""
    (key,) = table.primary_key.columns
    here = _present(s, key, {item[key.name] for item in items})
    _insert_missing(s, table, [i for i in items if i[key.name] not in here])
    for item in items:
        if item[key.name] in here:
            changes = {k: v for k, v in item.items() if k != key.name}
            s.execute(update(table).where(key == item[key.name]).values(**changes))


@contextlib.contextmanager
def _roomy_cache(s: Session) -> Iterator[None]:
    """A larger SQLite page cache while a bundle merges. Tens of thousands of rows go into
    indexes keyed by random ids, each checked against an office's registrations; with
    SQLite's default 2 MB cache those pages were read again and again, and merging took
    more than twice as long when the data doubled. The cache goes back to its size after."""
    connection = s.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size={MERGE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


def _same_email(s: Session, people: list[dict[str, Any]]) -> list[str]:
    """Ids of newly added people whose email address someone already here has."""
    emails = {p["email"]: p["id"] for p in people if p.get("email")}
    if not emails:
        return []
    new_ids = {p["id"] for p in people}
    shared = {
        email
        for email, person_id in s.execute(
            select(Person.email, Person.id).where(Person.email.in_(list(emails)))
        )
        if person_id not in new_ids
    }
    return sorted(emails[email] for email in shared)


def _same_person_twice(s: Session, added: list[dict[str, Any]]) -> list[SamePersonTwice]:
    """People who now hold two live registrations for one event (booked on two laptops)."""
    found: list[SamePersonTwice] = []
    pairs = {(r["event_id"], r["person_id"]) for r in added if r["person_id"]}
    for event_id, person_id in sorted(pairs):
        ids = tuple(
            s.scalars(
                select(Registration.id)
                .where(
                    Registration.event_id == event_id,
                    Registration.person_id == person_id,
                    Registration.status != RegistrationStatus.CANCELLED,
                )
                .order_by(Registration.registered_at)
            )
        )
        if len(ids) > 1:
            code = s.scalar(select(Event.short_code).where(Event.id == event_id)) or ""
            found.append(SamePersonTwice(code, person_id, ids))
    return found


__all__ = [
    "Bundle",
    "BundleExport",
    "MergeResult",
    "OpenedPack",
    "PackContents",
    "PackExport",
    "PackImport",
    "PackService",
    "describe_counts",
    "describe_merge",
    "merge_report",
    "passphrase_hint",
]
