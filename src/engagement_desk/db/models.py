"""The whole data model as typed SQLAlchemy models.

Rows a venue laptop creates offline (people, registrations, check-ins,
responses, tallies, comments, questions) carry UUID keys and the creating
device's id so several laptops' data merges without renumbering.
Every time is UTC (see ``UTCDateTime``).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from engagement_desk.core.people import search_text

# The domain's words are defined in core and mapped here (re-exported for older imports).
from engagement_desk.core.statuses import ActionStatus as ActionStatus
from engagement_desk.core.statuses import EventKind as EventKind
from engagement_desk.core.statuses import EventStatus as EventStatus
from engagement_desk.core.statuses import OutboxStatus as OutboxStatus
from engagement_desk.core.statuses import QuestionStatus as QuestionStatus
from engagement_desk.core.statuses import RegistrationStatus as RegistrationStatus
from engagement_desk.core.statuses import ResponseMethod as ResponseMethod
from engagement_desk.db.types import UTCDateTime, new_id, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[str]: JSON}


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


def uuid_pk() -> Mapped[str]:
    return mapped_column(String(36), primary_key=True, default=new_id)


class Programme(Base):
    __tablename__ = "programme"

    id: Mapped[str] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200))
    area: Mapped[str] = mapped_column(String(100), default="")
    forum_name: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    suppression_threshold: Mapped[int] = mapped_column(Integer, default=5)
    retention_months: Mapped[int] = mapped_column(Integer, default=12)
    # Ed25519 keys for ticket codes: the private key never leaves the office copy.
    signing_private_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    signing_public_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    priorities: Mapped[list[Priority]] = relationship(
        back_populates="programme", order_by="Priority.position", cascade="all, delete-orphan"
    )
    themes: Mapped[list[Theme]] = relationship(
        back_populates="programme", order_by="Theme.name", cascade="all, delete-orphan"
    )


class Priority(Base):
    __tablename__ = "priority"

    id: Mapped[str] = uuid_pk()
    programme_id: Mapped[str] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The priority in plain words for parents (the kiosk shows it); '' shows the title.
    easy_read: Mapped[str] = mapped_column(Text, default="", server_default="")

    programme: Mapped[Programme] = relationship(back_populates="priorities")


class Theme(Base):
    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)

    id: Mapped[str] = uuid_pk()
    programme_id: Mapped[str] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))

    programme: Mapped[Programme] = relationship(back_populates="themes")


class Venue(Base):
    __tablename__ = "venue"

    id: Mapped[str] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(16), default="")
    step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_loop: Mapped[bool] = mapped_column(Boolean, default=False)
    parking: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_room: Mapped[bool] = mapped_column(Boolean, default=False)
    accessible_toilet: Mapped[bool] = mapped_column(Boolean, default=False)
    photo_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")


class Event(Base):
    __tablename__ = "event"

    id: Mapped[str] = uuid_pk()
    programme_id: Mapped[str] = mapped_column(ForeignKey("programme.id"))
    short_code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus), default=EventStatus.SCHEDULED)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    venue_id: Mapped[str | None] = mapped_column(ForeignKey("venue.id"), nullable=True)
    online_link: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Capture settings (the voices issue fills in the behaviour).
    capture_methods: Mapped[list[str]] = mapped_column(default=list)
    dots_per_person: Mapped[int] = mapped_column(Integer, default=5)
    ranking_top_k: Mapped[int] = mapped_column(Integer, default=3)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    venue: Mapped[Venue | None] = relationship()
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="event", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )


class AgendaItem(Base):
    __tablename__ = "agenda_item"

    id: Mapped[str] = uuid_pk()
    event_id: Mapped[str] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime | None] = mapped_column(nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship(back_populates="agenda")


class Device(Base):
    __tablename__ = "device"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class Person(Base):
    __tablename__ = "person"

    id: Mapped[str] = uuid_pk()
    device_id: Mapped[str] = mapped_column(String(36))
    full_name: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True, index=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    postcode_district: Mapped[str] = mapped_column(String(8), default="")
    role: Mapped[str] = mapped_column(String(40), default="parent/carer")
    # Child details: every field optional, "prefer not to say" is a real answer,
    # and none is stored without consent_special_category.
    child_age_band: Mapped[str | None] = mapped_column(String(40), nullable=True)
    child_setting: Mapped[str | None] = mapped_column(String(60), nullable=True)
    ehcp_status: Mapped[str | None] = mapped_column(String(60), nullable=True)
    need_areas: Mapped[list[str]] = mapped_column(default=list)
    access_needs: Mapped[list[str]] = mapped_column(default=list)
    access_notes: Mapped[str] = mapped_column(Text, default="")
    consent_store: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_special_category: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_future_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_quote: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Folded name and email ('zoe' finds Zoë), kept in step by _keep_search_text; bulk inserts
    # set it themselves. Matched with LIKE on SQLite and PostgreSQL alike.
    search_text: Mapped[str] = mapped_column(String(600), default="", server_default="", index=True)
    # When each detail was last changed and on which device, so edits made on venue laptops
    # merge field by field (services/packs.py): {field: {"at": ISO time, "by": device id,
    # "was": the "at" it replaced, or null}}. Details never changed have no entry.
    field_changes: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")

    registrations: Mapped[list[Registration]] = relationship(back_populates="person")

    @validates("full_name", "email")
    def _keep_search_text(self, key: str, value: str | None) -> str | None:
        name = value if key == "full_name" else self.full_name
        email = value if key == "email" else self.email
        self.search_text = search_text(name or "", email)
        return value


class Registration(Base):
    __tablename__ = "registration"
    __table_args__ = (Index("ix_registration_event_status", "event_id", "status"),)

    id: Mapped[str] = uuid_pk()
    device_id: Mapped[str] = mapped_column(String(36))
    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), index=True)
    # Nullable so that erasing a person keeps the anonymous count.
    person_id: Mapped[str | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True, index=True
    )
    status: Mapped[RegistrationStatus] = mapped_column(
        _enum(RegistrationStatus), default=RegistrationStatus.REGISTERED
    )
    ticket_id: Mapped[str] = mapped_column(String(32), unique=True)
    ticket_code: Mapped[str | None] = mapped_column(String(300), nullable=True)
    source: Mapped[str] = mapped_column(String(40), default="manual")
    waitlist_position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # When the mail server accepted this person's ticket / reminder email (migration 0006).
    ticket_sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(nullable=True)

    event: Mapped[Event] = relationship()
    person: Mapped[Person | None] = relationship(back_populates="registrations")
    check_ins: Mapped[list[CheckIn]] = relationship(back_populates="registration")


class CheckIn(Base):
    __tablename__ = "check_in"

    id: Mapped[str] = uuid_pk()
    device_id: Mapped[str] = mapped_column(String(36))
    registration_id: Mapped[str] = mapped_column(ForeignKey("registration.id"), index=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[str] = mapped_column(String(20))  # scanner, webcam, search, walk-in, kiosk
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    undone_at: Mapped[datetime | None] = mapped_column(nullable=True)
    undone_by_device: Mapped[str | None] = mapped_column(String(36), nullable=True)

    registration: Mapped[Registration] = relationship(back_populates="check_ins")

    __table_args__ = (
        # One admission per ticket: at most one live (not undone) check-in per registration,
        # enforced by the database so two doors, two processes or two laptops on one server
        # can never both admit the same ticket. Undone check-ins are outside the index, so
        # undo then check in again works.
        Index(
            "uq_check_in_live_registration",
            "registration_id",
            unique=True,
            sqlite_where=text("undone_at IS NULL"),
            postgresql_where=text("undone_at IS NULL"),
        ),
    )


class Response(Base):
    """One person's dots, ranking or points; anonymous when registration_id is null."""

    __tablename__ = "response"

    id: Mapped[str] = uuid_pk()
    device_id: Mapped[str] = mapped_column(String(36))
    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), index=True)
    registration_id: Mapped[str | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), nullable=True, index=True
    )
    method: Mapped[ResponseMethod] = mapped_column(_enum(ResponseMethod))
    source: Mapped[str] = mapped_column(String(20), default="desk")  # desk, kiosk, paper
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration | None] = relationship()

    scores: Mapped[list[ResponseScore]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class ResponseScore(Base):
    """Dots placed, rank given (1 = first) or points given to one priority."""

    __tablename__ = "response_score"
    __table_args__ = (UniqueConstraint("response_id", "priority_id"),)

    id: Mapped[str] = uuid_pk()
    response_id: Mapped[str] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    priority_id: Mapped[str] = mapped_column(ForeignKey("priority.id"))
    value: Mapped[int] = mapped_column(Integer)

    response: Mapped[Response] = relationship(back_populates="scores")


class Tally(Base):
    """Bulk dot counts off a paper dot wall, per priority."""

    __tablename__ = "tally"

    id: Mapped[str] = uuid_pk()
    device_id: Mapped[str] = mapped_column(String(36))
    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), index=True)
    priority_id: Mapped[str] = mapped_column(ForeignKey("priority.id"))
    dots: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


comment_theme = Table(
    "comment_theme",
    Base.metadata,
    Column("comment_id", ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[str] = uuid_pk()
    device_id: Mapped[str] = mapped_column(String(36))
    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), index=True)
    registration_id: Mapped[str | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), nullable=True, index=True
    )
    text: Mapped[str] = mapped_column(Text)
    quote_permission: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=comment_theme)


class Question(Base):
    """A webinar Q&A question."""

    __tablename__ = "question"

    id: Mapped[str] = uuid_pk()
    device_id: Mapped[str] = mapped_column(String(36))
    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), index=True)
    registration_id: Mapped[str | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), nullable=True, index=True
    )
    text: Mapped[str] = mapped_column(Text)
    theme_id: Mapped[str | None] = mapped_column(ForeignKey("theme.id"), nullable=True)
    upvotes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[QuestionStatus] = mapped_column(
        _enum(QuestionStatus), default=QuestionStatus.OPEN
    )
    answer: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Action(Base):
    """ "You said, we did"."""

    __tablename__ = "action"

    id: Mapped[str] = uuid_pk()
    programme_id: Mapped[str] = mapped_column(ForeignKey("programme.id"))
    theme_id: Mapped[str | None] = mapped_column(ForeignKey("theme.id"), nullable=True)
    priority_id: Mapped[str | None] = mapped_column(ForeignKey("priority.id"), nullable=True)
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ActionStatus] = mapped_column(_enum(ActionStatus), default=ActionStatus.PLANNED)
    due_on: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[str] = uuid_pk()
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """Small key/value settings that travel with the database (kiosk PIN hash, ...)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Tombstone(Base):
    """A person erased on request (or purged by the retention rule): their id and when,
    nothing else. Packs carry tombstones to venue laptops and merges honour them, so no later
    bundle or pack can bring the person's details back."""

    __tablename__ = "tombstone"

    person_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """An email written to the database before it is sent, so a laptop without a network
    keeps it until the mail server can be reached. ``message_id`` is the email's own
    Message-ID, fixed when the message is made: a message sent again after a crash carries
    the same one, so mail programs show it once. The content (which holds personal details)
    is cleared once the server has accepted it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status", "status", "created_at"),)

    id: Mapped[str] = uuid_pk()
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), nullable=True, index=True
    )
    registration_id: Mapped[str | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), nullable=True, index=True
    )
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.WAITING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sending_since: Mapped[datetime | None] = mapped_column(nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
