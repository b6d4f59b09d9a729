"""Email: the mail server settings, writing each family's messages, and sending them by SMTP.

Every message goes into the outbox first (see ``services/outbox.py``) and is sent from
there, so a laptop without a network keeps its messages until it has one.

A ticket message holds a plain-text and an accessible HTML body, the person's own one-page
ticket PDF (drawn by the ``ticket_pdf`` function the desk hands in: services do not draw),
the QR code as an image inside the HTML (Content-ID), and the event as an .ics calendar
entry (the same one ``events ics`` writes). Waiting-list people get a message that
says so instead, and their ticket when they are given a place.

Who gets what:
- tickets, reminders: people with a place and an email address, once each (again only
  when asked for everyone); a person already sent one, or with one waiting in the outbox,
  is skipped and said so;
- waiting list: people waiting, once;
- a change or cancellation of the event: everyone booked or waiting, with an email address;
- upcoming events are mentioned (in a cancellation) only to people who agreed to hear
  about future events (``consent_future_contact``).

The mail server password is kept in the operating system's keyring. Where there is none
(a bare Linux machine) it is asked for when sending and never written down.
"""

from __future__ import annotations

import enum
import json
import logging
import smtplib
import socket
import ssl
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engagement_desk.core.clock import Clock, format_when, system_clock, to_local
from engagement_desk.core.messages import (
    MessageKind,
    MessageStyle,
    Template,
    default_template,
    fill,
    first_name,
    lines_of,
    style_for,
    template_problems,
    wants_large_print,
)
from engagement_desk.core.people import is_email, normalise_email
from engagement_desk.db.database import Database
from engagement_desk.db.models import (
    EventKind,
    EventStatus,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationStatus,
    Setting,
)
from engagement_desk.services.errors import UserError
from engagement_desk.services.events import EventDetail, EventService, When
from engagement_desk.services.outbox import (
    AddressRefused,
    MailServerUnreachable,
    OutboxService,
    SendReport,
    Transport,
    message_bytes,
)
from engagement_desk.services.schedule import ScheduleService
from engagement_desk.services.tickets import Ticket, TicketBatch, TicketService

# One person's ticket as PDF bytes (reports.tickets.render_ticket, handed in by the desk).
TicketPdf = Callable[[TicketBatch, Ticket], bytes]

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

SERVER_SETTING = "mail.server"
STYLE_SETTING = "mail.style"
TEMPLATE_SETTING = "mail.template.{kind}.{style}"
KEYRING_SERVICE = "Engagement Desk mail server"
SMTP_TIMEOUT = 30.0
DEFAULT_CONTACT = "Reply to this email and we will get back to you."
NOT_SET_UP = (
    "Email is not set up yet. Enter the mail server in Settings > Email "
    "(or run 'engagement-desk mail settings --host H --port P --from ADDRESS')."
)

WHAT_TO_EXPECT = {
    EventKind.VENUE: (
        "A friendly session where parents and carers tell us what matters to them about SEND "
        "services. There are short talks, time for questions, and ways to give your views, "
        "anonymously if you prefer. Come for as much of it as suits you."
    ),
    EventKind.WEBINAR: (
        "A short talk online, then time for your questions. You can keep your camera off "
        "and ask in the chat."
    ),
    EventKind.DROP_IN: (
        "Come along at any time during the session to talk to us. There is no need to stay "
        "for all of it."
    ),
    EventKind.WORKSHOP: "A small group working together on one topic, with time to talk.",
}


class Security(enum.StrEnum):
    STARTTLS = "starttls"  # port 587: plain connection made secure before logging in
    SSL = "ssl"  # port 465: secure from the start
    NONE = "none"  # only for a relay inside the council's own network


SECURITY_CHOICES = (Security.STARTTLS, Security.SSL, Security.NONE)


@dataclass(frozen=True)
class MailSettings:
    """The council's mail server. No password here: that is in the keyring."""

    host: str
    port: int
    sender: str  # the From address
    security: Security = Security.STARTTLS
    user: str = ""
    sender_name: str = "Engagement Desk"
    contact: str = DEFAULT_CONTACT  # fills {contact}: who to ask, how
    style: MessageStyle = MessageStyle.PLAIN  # the default style; easy read by access need

    @property
    def password_key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"

    def problems(self) -> list[str]:
        found = []
        host = self.host.strip()
        if not host or any(c.isspace() for c in host) or "/" in host:
            found.append("Enter the mail server's name, e.g. smtp.council.gov.uk.")
        if not 1 <= self.port <= 65535:
            found.append("The port is a number from 1 to 65535 (usually 587, or 465 for SSL).")
        if not is_email(self.sender.strip()):
            found.append("The From address must be an email address, e.g. events@council.gov.uk.")
        if len(self.contact) > 500:
            found.append("Keep 'who to contact' under 500 characters.")
        return found


class PasswordStore(Protocol):
    def get(self, key: str) -> str | None: ...

    def put(self, key: str, password: str) -> bool: ...


class KeyringPasswords:
    """The operating system's keyring (Windows Credential Manager, macOS Keychain, Secret
    Service). ``put`` says False where there is none: the password is then asked for when
    sending and never stored."""

    def get(self, key: str) -> str | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(KEYRING_SERVICE, key)
        except KeyringError:
            return None

    def put(self, key: str, password: str) -> bool:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(KEYRING_SERVICE, key, password)
        except KeyringError:
            return False
        return True


class SmtpTransport:
    """One SMTP connection, used for many messages."""

    def __init__(
        self,
        settings: MailSettings,
        password: str | None,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = SMTP_TIMEOUT,
    ) -> None:
        context = ssl_context or ssl.create_default_context()
        where = f"{settings.host}:{settings.port}"
        try:
            smtp: smtplib.SMTP
            if settings.security == Security.SSL:
                smtp = smtplib.SMTP_SSL(
                    settings.host, settings.port, timeout=timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
            self._smtp = smtp
            if settings.security == Security.STARTTLS:
                smtp.ehlo()
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise UserError(
                f"The mail server {where} did not accept the user name and password. "
                "Check them in Email settings; the messages are still in the outbox."
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise UserError(
                f"The mail server {where} does not offer STARTTLS. Choose SSL or check the "
                "port in Email settings; the messages are still in the outbox."
            ) from exc
        except ssl.SSLError as exc:
            raise UserError(
                f"A secure connection to {where} could not be made ({exc.reason or exc}). "
                "Check the security setting and port; the messages are still in the outbox."
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise MailServerUnreachable(
                f"The mail server {where} could not be reached ({_why(exc)}); "
                "the messages wait in the outbox and go when it can be reached."
            ) from exc

    def send(self, sender: str, recipient: str, content: bytes) -> None:
        try:
            self._smtp.sendmail(sender, [recipient], content)
        except smtplib.SMTPRecipientsRefused as exc:
            raise AddressRefused(f"The mail server refused the address: {_why(exc)}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise AddressRefused(f"The mail server refused the message: {_why(exc)}") from exc
            raise MailServerUnreachable(
                f"The mail server asked to try later ({_why(exc)}); the messages wait."
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise MailServerUnreachable(
                f"The connection to the mail server was lost ({_why(exc)}); the messages wait."
            ) from exc

    def close(self) -> None:
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()


def _why(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [
            f"{code} {text.decode(errors='replace')}" for code, text in exc.recipients.values()
        ]
        return "; ".join(codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "no answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return str(exc) or type(exc).__name__


# ---- what a send will do ----------------------------------------------------------------


@dataclass(frozen=True)
class Addressee:
    registration_id: str
    name: str
    email: str
    kind: MessageKind
    style: MessageStyle
    large_print: bool


@dataclass(frozen=True)
class LeftOut:
    registration_id: str
    name: str
    reason: str


@dataclass(frozen=True)
class Preview:
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[str, ...]


@dataclass(frozen=True)
class SendPlan:
    """Who will get a message and who will not (and why), before anything is written."""

    event_id: str
    event_code: str
    event_title: str
    kind: MessageKind
    addressees: tuple[Addressee, ...]
    left_out: tuple[LeftOut, ...]
    preview: Preview | None

    def as_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "event_code": self.event_code,
            "kind": self.kind.value,
            "to_send": [
                {"registration_id": a.registration_id, "email": a.email, "message": a.kind.value}
                for a in self.addressees
            ],
            "not_sent": [
                {"registration_id": o.registration_id, "reason": o.reason} for o in self.left_out
            ],
        }


@dataclass(frozen=True)
class QueueResult:
    plan: SendPlan
    queued: int


@dataclass
class _Person:
    registration_id: str
    status: RegistrationStatus
    waitlist_position: int | None
    name: str
    email: str | None
    access_needs: tuple[str, ...]
    future_contact: bool
    ticket_sent_at: datetime | None
    reminder_sent_at: datetime | None


@dataclass
class _EventParts:
    """What every message about one event shares, made once per batch."""

    detail: EventDetail
    batch: TicketBatch | None
    tickets: dict[str, Ticket] = field(default_factory=dict)
    ics: bytes = b""
    other_events: str = ""
    changes: str = ""
    people: dict[str, _Person] = field(default_factory=dict)
    settings: MailSettings | None = None
    templates: dict[tuple[MessageKind, MessageStyle], Template] = field(default_factory=dict)


class MailService:
    def __init__(
        self,
        db: Database,
        events: EventService,
        schedule: ScheduleService,
        tickets: TicketService,
        outbox: OutboxService,
        clock: Clock = system_clock,
        *,
        ticket_pdf: TicketPdf,
        passwords: PasswordStore | None = None,
        ssl_context: Callable[[], ssl.SSLContext] | None = None,
    ) -> None:
        self._db = db
        self._ticket_pdf = ticket_pdf
        self._events = events
        self._schedule = schedule
        self._tickets = tickets
        self._outbox = outbox
        self._clock = clock
        self._passwords: PasswordStore = passwords or KeyringPasswords()
        self._ssl_context = ssl_context

    # ---- settings ------------------------------------------------------

    def settings(self) -> MailSettings | None:
        with self._db.session() as s:
            row = s.get(Setting, SERVER_SETTING)
            if row is None:
                return None
            data = json.loads(row.value)
            style = s.get(Setting, STYLE_SETTING)
        return MailSettings(
            host=data["host"],
            port=int(data["port"]),
            sender=data["sender"],
            security=Security(data.get("security", Security.STARTTLS)),
            user=data.get("user", ""),
            sender_name=data.get("sender_name", "Engagement Desk"),
            contact=data.get("contact", DEFAULT_CONTACT),
            style=MessageStyle(style.value) if style is not None else MessageStyle.PLAIN,
        )

    def save_settings(self, settings: MailSettings, password: str | None = None) -> bool:
        """Check and keep the settings; the password (if given) goes to the keyring.
        Returns whether a password is kept (False where this computer has no keyring)."""
        settings = replace(
            settings,
            host=settings.host.strip(),
            sender=settings.sender.strip(),
            user=settings.user.strip(),
            contact=settings.contact.strip() or DEFAULT_CONTACT,
        )
        problems = settings.problems()
        if problems:
            raise UserError(" ".join(problems) + " Nothing was saved.")
        value = json.dumps(
            {
                "host": settings.host,
                "port": settings.port,
                "sender": settings.sender,
                "security": settings.security,
                "user": settings.user,
                "sender_name": settings.sender_name,
                "contact": settings.contact,
            }
        )
        kept = False
        if password:
            kept = self._passwords.put(settings.password_key, password)
        with self._db.session() as s, s.begin():
            _put_setting(s, SERVER_SETTING, value)
            _put_setting(s, STYLE_SETTING, settings.style.value)
        return kept

    def needs_password(self) -> bool:
        """True when the server wants a password and none is kept on this computer."""
        settings = self.settings()
        if settings is None or not settings.user:
            return False
        return self._passwords.get(settings.password_key) is None

    def keeps_passwords(self) -> bool:
        """Whether this computer has a keyring to keep the password in."""
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring

        return not isinstance(keyring.get_keyring(), NoKeyring)

    # ---- templates -----------------------------------------------------

    def template(self, kind: MessageKind, style: MessageStyle) -> Template:
        key = TEMPLATE_SETTING.format(kind=kind.value, style=style.value)
        with self._db.session() as s:
            row = s.get(Setting, key)
        if row is None:
            return default_template(kind, style)
        data = json.loads(row.value)
        return Template(subject=data["subject"], body=data["body"])

    def save_template(self, kind: MessageKind, style: MessageStyle, template: Template) -> None:
        problems = template_problems(template)
        if problems:
            raise UserError(" ".join(problems) + " The template was not saved.")
        key = TEMPLATE_SETTING.format(kind=kind.value, style=style.value)
        with self._db.session() as s, s.begin():
            _put_setting(s, key, json.dumps({"subject": template.subject, "body": template.body}))

    def reset_template(self, kind: MessageKind, style: MessageStyle) -> Template:
        key = TEMPLATE_SETTING.format(kind=kind.value, style=style.value)
        with self._db.session() as s, s.begin():
            row = s.get(Setting, key)
            if row is not None:
                s.delete(row)
        return default_template(kind, style)

    # ---- tickets -------------------------------------------------------

    def plan_tickets(self, event_ref: str, *, everyone: bool = False) -> SendPlan:
        """Who would get a ticket (or a waiting-list message), who would not and why, and the
        first message in full. Nothing is written (codes not yet made are made)."""
        return self._plan(event_ref, MessageKind.TICKET, everyone=everyone, with_preview=True)[0]

    def queue_tickets(self, event_ref: str, *, everyone: bool = False) -> QueueResult:
        """Write each ticket (or waiting-list) message into the outbox."""
        plan, parts = self._plan(event_ref, MessageKind.TICKET, everyone=everyone)
        return QueueResult(plan, self._queue(plan, parts))

    def plan_reminders(self, event_ref: str, *, everyone: bool = False) -> SendPlan:
        return self._plan(event_ref, MessageKind.REMINDER, everyone=everyone, with_preview=True)[0]

    def queue_reminders(self, event_ref: str, *, everyone: bool = False) -> QueueResult:
        plan, parts = self._plan(event_ref, MessageKind.REMINDER, everyone=everyone)
        return QueueResult(plan, self._queue(plan, parts))

    def email_files(
        self, event_ref: str, folder: Path, *, everyone: bool = False
    ) -> tuple[SendPlan, list[Path]]:
        """One standard .eml file per person instead of sending (for councils that must send
        from Outlook: the files open there as drafts). Not recorded as sent."""
        from engagement_desk.services.files import save_files

        if not folder.is_dir():
            raise UserError(f"The folder {folder} does not exist; choose another place to save.")
        plan, parts = self._plan(event_ref, MessageKind.TICKET, everyone=everyone)
        files: list[tuple[Path, bytes]] = []
        for n, addressee in enumerate(plan.addressees, start=1):
            message = self._message(addressee, parts)
            # Outlook opens a message with this header as a draft, ready to send.
            message["X-Unsent"] = "1"
            ticket = parts.tickets.get(addressee.registration_id)
            label = ticket.reference if ticket else addressee.registration_id[:8]
            kind = "ticket" if addressee.kind is MessageKind.TICKET else "waiting-list"
            files.append((folder / f"{n:04d}-{kind}-{label}.eml", message_bytes(message)))
        save_files(files)
        return plan, [path for path, _ in files]

    def queue_promoted(self, registration_ids: Sequence[str]) -> int:
        """Tickets for people just given a place from the waiting list (the registration
        service calls this after the change is saved)."""
        if not registration_ids or self.settings() is None:
            return 0
        queued = 0
        with self._db.session() as s:
            events = set(
                s.scalars(
                    select(Registration.event_id).where(Registration.id.in_(registration_ids))
                )
            )
        for event_id in events:
            plan, parts = self._plan(
                event_id, MessageKind.TICKET, everyone=False, only=set(registration_ids)
            )
            queued += self._queue(plan, parts)
        return queued

    def queue_event_change(self, before: EventDetail, after: EventDetail) -> int:
        """A message to everyone booked or waiting when an event is cancelled, or its time,
        place or link changes. Nothing for other edits, or when email is not set up."""
        if self.settings() is None or after.draft.ends_at < self._clock():
            return 0
        if after.status is EventStatus.CANCELLED and before.status is not EventStatus.CANCELLED:
            kind = MessageKind.CANCELLED
            changes: list[str] = []
        else:
            if after.status is EventStatus.CANCELLED:
                return 0
            changes = _what_changed(before, after)
            if not changes:
                return 0
            kind = MessageKind.CHANGED
        plan, parts = self._plan(after.id, kind, everyone=True, changes=changes)
        return self._queue(plan, parts)

    # ---- sending -------------------------------------------------------

    def send_outbox(
        self,
        password: str | None = None,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> SendReport:
        """Send what waits in the outbox. ``password`` when none is kept in the keyring."""
        settings = self._settings_or_refuse()
        if self._outbox.waiting_count() == 0:
            return SendReport(sent=0, refused=0, waiting=0)
        secret = self._password(settings, password)
        return self._outbox.send(
            settings.sender,
            lambda: self.connect(settings, secret),
            progress=progress,
            cancelled=cancelled,
        )

    def connect(self, settings: MailSettings, password: str | None) -> Transport:
        context = self._ssl_context() if self._ssl_context is not None else None
        return SmtpTransport(settings, password, ssl_context=context)

    def send_test(
        self, to: str, password: str | None = None, settings: MailSettings | None = None
    ) -> str:
        """Send a short test message straight away (not through the outbox); say what
        happened in plain words. Unreachable or refused servers are UserErrors."""
        settings = settings or self._settings_or_refuse()
        problems = settings.problems()
        if problems:
            raise UserError(" ".join(problems))
        address = normalise_email(to)
        if address is None or not is_email(address):
            raise UserError(f"'{to}' is not an email address.")
        secret = self._password(settings, password)
        message = EmailMessage()
        message["From"] = formataddr((settings.sender_name, settings.sender))
        message["To"] = address
        message["Subject"] = "Engagement Desk: test message"
        message["Date"] = format_datetime(self._clock())
        message["Message-ID"] = make_msgid(domain=_domain(settings.sender))
        message.set_content(
            "This is a test message from Engagement Desk. If you can read it, the email "
            f"settings work: {settings.host}, port {settings.port}, {settings.security}.\n"
        )
        try:
            transport = self.connect(settings, secret)
            try:
                transport.send(settings.sender, address, message_bytes(message))
            finally:
                transport.close()
        except (MailServerUnreachable, AddressRefused) as exc:
            raise UserError(
                str(exc).replace("the messages wait in the outbox and go", "try")
            ) from exc
        return f"A test message was sent to {address}."

    # ---- inside ------------------------------------------------------------

    def _settings_or_refuse(self) -> MailSettings:
        settings = self.settings()
        if settings is None:
            raise UserError(NOT_SET_UP)
        return settings

    def _password(self, settings: MailSettings, given: str | None) -> str | None:
        if not settings.user:
            return None
        if given:
            return given
        kept = self._passwords.get(settings.password_key)
        if kept is None:
            raise UserError(
                f"The mail server wants the password for {settings.user}, and this computer "
                "has none kept. Enter it when asked (or give --password-file)."
            )
        return kept

    def _plan(
        self,
        event_ref: str,
        kind: MessageKind,
        *,
        everyone: bool,
        with_preview: bool = False,
        only: set[str] | None = None,
        changes: Sequence[str] = (),
    ) -> tuple[SendPlan, _EventParts]:
        settings = self._settings_or_refuse()
        detail = self._events.get(event_ref)
        if kind in (MessageKind.TICKET, MessageKind.REMINDER):
            if detail.status is EventStatus.CANCELLED:
                raise UserError(
                    f"'{detail.draft.title}' ({detail.short_code}) is cancelled, so there is "
                    "nothing to send."
                )
            if detail.draft.ends_at < self._clock():
                raise UserError(
                    f"'{detail.draft.title}' ({detail.short_code}) is over, so there is "
                    "nothing to send."
                )
        with self._db.session() as s:
            people = _people(s, detail.id)
            pending = {
                k: self._outbox.pending_for(s, k.value, detail.id)
                for k in (MessageKind.TICKET, MessageKind.REMINDER)
            }
            told_waiting = _already_told(s, detail.id, MessageKind.WAITING_LIST)
        if only is not None:
            people = [p for p in people if p.registration_id in only]
        addressees: list[Addressee] = []
        left_out: list[LeftOut] = []
        for person in people:
            message_kind, reason = _decide(
                kind, person, everyone=everyone, pending=pending, told_waiting=told_waiting
            )
            if message_kind is None:
                left_out.append(LeftOut(person.registration_id, person.name, reason))
                continue
            assert person.email is not None
            addressees.append(
                Addressee(
                    registration_id=person.registration_id,
                    name=person.name,
                    email=person.email,
                    kind=message_kind,
                    style=style_for(person.access_needs, settings.style),
                    large_print=wants_large_print(person.access_needs),
                )
            )
        parts = self._parts(detail, addressees, kind, changes, people)
        preview = None
        if with_preview and addressees:
            message = self._message(addressees[0], parts)
            preview = _preview(message)
        plan = SendPlan(
            event_id=detail.id,
            event_code=detail.short_code,
            event_title=detail.draft.title,
            kind=kind,
            addressees=tuple(addressees),
            left_out=tuple(left_out),
            preview=preview,
        )
        return plan, parts

    def _parts(
        self,
        detail: EventDetail,
        addressees: Sequence[Addressee],
        kind: MessageKind,
        changes: Sequence[str],
        people: Sequence[_Person],
    ) -> _EventParts:
        with_tickets = [
            a.registration_id
            for a in addressees
            if a.kind in (MessageKind.TICKET, MessageKind.REMINDER, MessageKind.CHANGED)
        ]
        batch = None
        if with_tickets and detail.status is not EventStatus.CANCELLED:
            batch = self._tickets.ticket_sheet(detail.id, with_tickets)
        parts = _EventParts(detail=detail, batch=batch)
        if batch is not None:
            parts.tickets = {t.registration_id: t for t in batch.tickets}
        if kind is not MessageKind.WAITING_LIST:
            parts.ics = self._schedule.ics_bytes([detail.id])
        if kind is MessageKind.CANCELLED:
            upcoming = [
                row
                for row in self._events.list_events(When.UPCOMING, include_cancelled=False)
                if row.id != detail.id
            ][:5]
            parts.other_events = lines_of(
                [
                    f"{row.title}: {format_when(row.starts_at, row.ends_at)}"
                    + (f", {row.venue_name}" if row.venue_name else ", online")
                    for row in upcoming
                ]
            )
        parts.changes = lines_of(changes)
        parts.people = {p.registration_id: p for p in people}
        # Read once per batch, not once per message.
        parts.settings = self._settings_or_refuse()
        for a in addressees:
            if (a.kind, a.style) not in parts.templates:
                parts.templates[(a.kind, a.style)] = self.template(a.kind, a.style)
        return parts

    def _message(self, addressee: Addressee, parts: _EventParts) -> EmailMessage:
        settings = parts.settings or self._settings_or_refuse()
        detail = parts.detail
        person = parts.people[addressee.registration_id]
        ticket = parts.tickets.get(addressee.registration_id)
        values = _values(detail, settings)
        values.update(
            first_name=first_name(addressee.name),
            name=addressee.name,
            reference=ticket.reference if ticket else "",
            waiting_position=str(person.waitlist_position or ""),
            changes=parts.changes,
            other_events=parts.other_events if person.future_contact else "",
        )
        template = parts.templates.get((addressee.kind, addressee.style)) or self.template(
            addressee.kind, addressee.style
        )
        filled = fill(template, values, large_print=addressee.large_print)
        message = EmailMessage()
        message["From"] = formataddr((settings.sender_name, settings.sender))
        message["To"] = formataddr((addressee.name, addressee.email))
        message["Subject"] = filled.subject
        message["Date"] = format_datetime(self._clock())
        message["Message-ID"] = make_msgid(domain=_domain(settings.sender))
        message["Content-Language"] = "en-GB"
        message.set_content(filled.text)
        if ticket is not None:
            cid = make_msgid(domain=_domain(settings.sender))
            alt = f"QR code for your ticket, reference {ticket.reference}"
            message.add_alternative(filled.html(qr_cid=cid[1:-1], qr_alt=alt), subtype="html")
            html_part = message.get_body(preferencelist=("html",))
            assert isinstance(html_part, EmailMessage)
            html_part.add_related(
                qr_png(ticket.code), "image", "png", cid=cid, filename="ticket-qr.png"
            )
        else:
            message.add_alternative(filled.html(), subtype="html")
        if (
            ticket is not None
            and parts.batch is not None
            and addressee.kind is not MessageKind.CHANGED
        ):
            message.add_attachment(
                self._ticket_pdf(parts.batch, ticket),
                "application",
                "pdf",
                filename=f"ticket-{detail.short_code}-{ticket.reference}.pdf",
            )
        if parts.ics and addressee.kind is not MessageKind.WAITING_LIST:
            message.add_attachment(
                parts.ics,
                "text",
                "calendar",
                filename=f"{detail.short_code}.ics",
                params={"method": "PUBLISH"},
            )
        return message

    def _queue(self, plan: SendPlan, parts: _EventParts) -> int:
        if not plan.addressees:
            return 0
        messages = [(a, self._message(a, parts)) for a in plan.addressees]
        with self._db.session() as s, s.begin():
            for addressee, message in messages:
                self._outbox.add_in(
                    s,
                    message,
                    kind=addressee.kind.value,
                    event_id=plan.event_id,
                    registration_id=addressee.registration_id,
                )
        return len(messages)


# ---- helpers ---------------------------------------------------------------------------


def _put_setting(s: Session, key: str, value: str) -> None:
    row = s.get(Setting, key)
    if row is None:
        s.add(Setting(key=key, value=value))
    else:
        row.value = value


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "engagement-desk.invalid"


def _people(s: Session, event_id: str) -> list[_Person]:
    rows = s.scalars(
        select(Registration)
        .options(joinedload(Registration.person))
        .where(Registration.event_id == event_id, Registration.person_id.is_not(None))
    )
    people = []
    for r in rows:
        person = r.person
        if person is None:
            continue
        people.append(
            _Person(
                registration_id=r.id,
                status=r.status,
                waitlist_position=r.waitlist_position,
                name=person.full_name,
                email=person.email,
                access_needs=tuple(person.access_needs or ()),
                future_contact=person.consent_future_contact,
                ticket_sent_at=r.ticket_sent_at,
                reminder_sent_at=r.reminder_sent_at,
            )
        )
    people.sort(key=lambda p: (p.name.casefold(), p.registration_id))
    return people


def _already_told(s: Session, event_id: str, kind: MessageKind) -> set[str]:
    rows = s.scalars(
        select(OutboxMessage.registration_id).where(
            OutboxMessage.event_id == event_id,
            OutboxMessage.kind == kind.value,
            OutboxMessage.status != OutboxStatus.REFUSED,
        )
    )
    return {r for r in rows if r is not None}


def _decide(
    kind: MessageKind,
    person: _Person,
    *,
    everyone: bool,
    pending: dict[MessageKind, set[str]],
    told_waiting: set[str],
) -> tuple[MessageKind | None, str]:
    """Which message this person gets (None: none) and, if none, why, in plain words."""
    if person.status is RegistrationStatus.CANCELLED:
        return None, "cancelled"
    if not person.email:
        return None, "no email address"
    waiting = person.status is RegistrationStatus.WAITLISTED
    if kind in (MessageKind.CHANGED, MessageKind.CANCELLED):
        return kind, ""
    if kind is MessageKind.REMINDER:
        if waiting:
            return None, "on the waiting list"
        if person.registration_id in pending[MessageKind.REMINDER]:
            return None, "reminder already waiting in the outbox"
        if person.reminder_sent_at is not None and not everyone:
            return None, f"reminder already sent {_day(person.reminder_sent_at)}"
        return kind, ""
    if waiting:
        if person.registration_id in told_waiting and not everyone:
            return None, "on the waiting list (already told)"
        return MessageKind.WAITING_LIST, ""
    if person.registration_id in pending[MessageKind.TICKET]:
        return None, "ticket already waiting in the outbox"
    if person.ticket_sent_at is not None and not everyone:
        return None, f"ticket already sent {_day(person.ticket_sent_at)}"
    return MessageKind.TICKET, ""


def _day(moment: datetime) -> str:
    local = to_local(moment)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def _values(detail: EventDetail, settings: MailSettings) -> dict[str, str]:
    draft = detail.draft
    venue = detail.venue
    kind = EventKind(draft.kind)
    if venue is not None:
        where = ", ".join(p for p in (venue.name, venue.address, venue.postcode) if p)
        access = ", ".join(venue.access) + "." if venue.access else "Please ask us about access."
        directions = []
        if venue.notes:
            directions.append(" ".join(venue.notes.split()))
        if venue.postcode:
            query = urllib.parse.quote(f"{venue.postcode}, UK")
            directions.append(
                f"Postcode for maps and sat-navs: {venue.postcode}. "
                f"Map: https://www.openstreetmap.org/search?query={query}"
            )
        directions_text = "\n".join(directions)
    else:
        link = draft.online_link or "we will email you the link before the event"
        where = f"Online. Join at {link}"
        access = ""
        directions_text = "Use the link above on a phone, tablet or computer."
    expect = [WHAT_TO_EXPECT[kind]]
    if draft.description:
        expect.append(" ".join(draft.description.split()))
    agenda = [
        f"{to_local(a.starts_at):%H:%M} {a.title}" if a.starts_at else a.title for a in draft.agenda
    ]
    what_to_expect = "\n\n".join(expect)
    if agenda:
        what_to_expect += "\n\n" + lines_of(agenda)
    return {
        "event": draft.title,
        "date": _date(draft.starts_at),
        "when": format_when(draft.starts_at, draft.ends_at),
        "where": where,
        "access": access,
        "directions": directions_text,
        "what_to_expect": what_to_expect,
        "contact": settings.contact,
        "event_code": detail.short_code,
        "reason": detail.cancel_reason,
    }


def _what_changed(before: EventDetail, after: EventDetail) -> list[str]:
    old, new = before.draft, after.draft
    changes = []
    if old.title != new.title:
        changes.append(f"The event is now called {new.title}.")
    if (old.starts_at, old.ends_at) != (new.starts_at, new.ends_at):
        changes.append(f"New time: {format_when(new.starts_at, new.ends_at)} (UK time).")
    old_place = before.venue.as_draft() if before.venue else None
    new_place = after.venue.as_draft() if after.venue else None
    if (
        old_place
        and new_place
        and (old_place.name, old_place.address, old_place.postcode)
        != (new_place.name, new_place.address, new_place.postcode)
    ) or ((old_place is None) != (new_place is None)):
        if new_place is None:
            changes.append("The event is now online.")
        else:
            place = ", ".join(
                p for p in (new_place.name, new_place.address, new_place.postcode) if p
            )
            changes.append(f"New place: {place}.")
    elif before.venue and after.venue and before.venue.access != after.venue.access:
        changes.append("Access at the venue: " + (", ".join(after.venue.access) or "changed") + ".")
    if old.online_link != new.online_link and new.online_link:
        changes.append(f"New link to join: {new.online_link}")
    return changes


def qr_png(payload: str, *, box: int = 8, border: int = 4) -> bytes:
    """The ticket's QR code as a PNG for the email's HTML (the same symbol as the PDF)."""
    import io

    from PIL import Image, ImageDraw

    from engagement_desk.core.qr_matrix import qr_matrix

    matrix = qr_matrix(payload)
    side = (matrix.size + 2 * border) * box
    image: Image.Image = Image.new("1", (side, side), 1)
    draw = ImageDraw.Draw(image)
    for row, column, length in matrix.dark_runs():
        x, y = (border + column) * box, (border + row) * box
        draw.rectangle((x, y, x + length * box - 1, y + box - 1), fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG")  # one bit a pixel: small without the slow optimiser
    return out.getvalue()


def _preview(message: EmailMessage) -> Preview:
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    attachments = tuple(
        f"{part.get_filename()} ({part.get_content_type()})"
        for part in message.walk()
        if part.get_filename()
    )
    return Preview(
        to=str(message["To"]),
        subject=str(message["Subject"]),
        text=text_part.get_content() if text_part is not None else "",
        html=html_part.get_content() if html_part is not None else "",
        attachments=attachments,
    )


def _date(moment: datetime) -> str:
    """'Wed 22 Apr 2026' in London (no platform-specific strftime flags)."""
    local = to_local(moment)
    return f"{local:%a} {local.day} {local:%b %Y}"
