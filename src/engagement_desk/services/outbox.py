"""The outbox: every email is written to the database first and sent from there.

A laptop at a venue often has no network. Messages wait in the outbox until the mail server
can be reached; the app shows how many wait, and sends them when it next can
(``engagement-desk outbox send`` does the same from the command line).

The recovery rule, so nothing is lost and nothing is sent twice beyond one known case:

1. Before a message is handed to the mail server, its row is marked ``sending`` (with the
   time) and that is committed (a few rows per commit, see ``CLAIM_BATCH``; rows claimed
   but not handed over go back to ``waiting`` when sending stops). Its Message-ID was
   fixed when the message was written.
2. Once the server has accepted it, the row is marked ``sent`` (and the registration notes
   when its ticket or reminder went) and that is committed; the content is cleared.
3. A row found ``sending`` for longer than ``SENDING_LEASE`` belongs to a sender that
   stopped part-way (a crash, a killed process, a laptop shut mid-send): it is sent again,
   with the same Message-ID.

So a message is never lost. It is sent twice only when the sender stopped in the moment
between the server accepting it and step 2 being recorded; the second copy carries the same
Message-ID, which mail programs (Outlook, Gmail, Apple Mail, Thunderbird) use to show it
once. A message that was never accepted is simply sent. While a sender is working, its
``sending`` row is younger than the lease, so a second sender (another window, the command
line) leaves it alone; each row is claimed with a conditional update, so two senders never
take the same one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import parseaddr
from typing import Protocol

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from engagement_desk.core.clock import Clock, system_clock
from engagement_desk.db.database import Database
from engagement_desk.db.models import OutboxMessage, OutboxStatus, Registration
from engagement_desk.services.errors import UserError

log = logging.getLogger(__name__)

# Longer than the slowest hand-over of one message (the SMTP timeout is 30 s a step).
SENDING_LEASE = timedelta(minutes=2)
# Messages claimed per commit: a crash leaves at most this many to wait for the lease.
CLAIM_BATCH = 10


class MailServerUnreachable(Exception):
    """The server could not be reached (no network, server down): messages wait."""


class AddressRefused(Exception):
    """The server refused this message's address for good: the message is not retried."""


class Transport(Protocol):
    """Hands finished messages to a mail server; see ``mail.SmtpTransport``."""

    def send(self, sender: str, recipient: str, content: bytes) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class OutboxCounts:
    waiting: int  # not yet accepted by the server (including any being sent now)
    sent: int
    refused: int


@dataclass(frozen=True)
class OutboxRow:
    """One line of ``outbox list``: no message content."""

    id: str
    message_id: str
    kind: str
    recipient: str
    subject: str
    status: OutboxStatus
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class SendReport:
    sent: int
    refused: int
    waiting: int  # still in the outbox afterwards
    problem: str = ""  # why sending stopped early (server unreachable), in plain words

    @property
    def summary(self) -> str:
        parts = [f"{self.sent} sent"]
        if self.refused:
            parts.append(f"{self.refused} refused by the mail server (see 'outbox list')")
        parts.append(f"{self.waiting} waiting in the outbox")
        text = ", ".join(parts) + "."
        return f"{text} {self.problem}" if self.problem else text


def message_bytes(message: EmailMessage) -> bytes:
    """The message as sent on the wire (CRLF line ends), and as kept in the outbox."""
    return message.as_bytes(policy=SMTP)


class OutboxService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock
        # Tests set this to stop "the process" at a chosen point: called with the row id
        # after the server accepted a message and before that is recorded.
        self.after_hand_over: Callable[[str], None] | None = None

    # ---- writing -------------------------------------------------------

    def add_in(
        self,
        s: Session,
        message: EmailMessage,
        *,
        kind: str,
        event_id: str | None,
        registration_id: str | None,
    ) -> OutboxMessage:
        """Put a finished message in the outbox, inside the caller's transaction."""
        row = OutboxMessage(
            message_id=str(message["Message-ID"]),
            kind=kind,
            event_id=event_id,
            registration_id=registration_id,
            recipient=parseaddr(str(message["To"]))[1],
            subject=str(message["Subject"])[:300],
            content=message_bytes(message),
            status=OutboxStatus.WAITING,
            created_at=self._clock(),
        )
        s.add(row)
        return row

    # ---- reading -------------------------------------------------------

    def counts(self) -> OutboxCounts:
        with self._db.session() as s:
            rows = dict(
                s.execute(
                    select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
                        OutboxMessage.status
                    )
                ).all()
            )
        return OutboxCounts(
            waiting=rows.get(OutboxStatus.WAITING, 0) + rows.get(OutboxStatus.SENDING, 0),
            sent=rows.get(OutboxStatus.SENT, 0),
            refused=rows.get(OutboxStatus.REFUSED, 0),
        )

    def waiting_count(self) -> int:
        return self.counts().waiting

    def rows(self, *, include_sent: bool = False, limit: int = 1000) -> list[OutboxRow]:
        with self._db.session() as s:
            query = select(OutboxMessage).order_by(OutboxMessage.created_at, OutboxMessage.id)
            if not include_sent:
                query = query.where(OutboxMessage.status != OutboxStatus.SENT)
            return [
                OutboxRow(
                    id=r.id,
                    message_id=r.message_id,
                    kind=r.kind,
                    recipient=r.recipient,
                    subject=r.subject,
                    status=r.status,
                    attempts=r.attempts,
                    last_error=r.last_error,
                    created_at=r.created_at,
                    sent_at=r.sent_at,
                )
                for r in s.scalars(query.limit(limit))
            ]

    # ---- sending -------------------------------------------------------

    def send(
        self,
        sender: str,
        connect: Callable[[], Transport],
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> SendReport:
        """Send what waits, oldest first, over one connection made by ``connect`` (only when
        there is something to send). Stops at the first sign the server cannot be reached:
        the rest wait for next time. A wrong password is a ``UserError``; nothing is lost."""
        total = self.waiting_count()
        sent = refused = 0
        transport: Transport | None = None
        problem = ""
        claimed: list[tuple[str, str, bytes]] = []
        try:
            while not (cancelled is not None and cancelled()):
                taken = self._claim_next(claimed)
                if taken is None:
                    break
                row_id, recipient, content = taken
                try:
                    if transport is None:
                        transport = connect()
                    transport.send(sender, recipient, content)
                except MailServerUnreachable as exc:
                    self._release(row_id, str(exc))
                    problem = str(exc)
                    break
                except AddressRefused as exc:
                    self._refused(row_id, str(exc))
                    refused += 1
                    continue
                except BaseException as exc:
                    # A wrong password, a bug, Ctrl+C: the message was not accepted.
                    self._release(row_id, str(exc) or type(exc).__name__)
                    raise
                if self.after_hand_over is not None:
                    self.after_hand_over(row_id)
                self._mark_sent(row_id)
                sent += 1
                if progress is not None:
                    progress(sent + refused, max(total, sent + refused))
        finally:
            for row_id, _recipient, _content in claimed:  # claimed, never handed over
                self._release(row_id, "")
            if transport is not None:
                try:
                    transport.close()
                except Exception:  # the messages are already recorded; a failed QUIT is no loss
                    log.info("closing the mail connection failed", exc_info=True)
        return SendReport(sent=sent, refused=refused, waiting=self.waiting_count(), problem=problem)

    def _claim_next(self, claimed: list[tuple[str, str, bytes]]) -> tuple[str, str, bytes] | None:
        """The next message to hand over, claimed ('sending', committed); None if none.

        Claims are made a few at a time, one commit for the lot (each commit waits for the
        disk). A claimed message that a crash leaves unsent is sent after the lease, as any.
        """
        if not claimed:
            claimed.extend(self._claim_batch())
        return claimed.pop(0) if claimed else None

    def _claim_batch(self) -> list[tuple[str, str, bytes]]:
        now = self._clock()
        stale = now - SENDING_LEASE
        claimed: list[tuple[str, str, bytes]] = []
        with self._db.session() as s, s.begin():
            candidates = s.execute(
                select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.sending_since)
                .where(
                    or_(
                        OutboxMessage.status == OutboxStatus.WAITING,
                        (OutboxMessage.status == OutboxStatus.SENDING)
                        & (OutboxMessage.sending_since < stale),
                    )
                )
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
                .limit(CLAIM_BATCH)
            ).all()
            for row_id, status, since in candidates:
                condition = [OutboxMessage.id == row_id, OutboxMessage.status == status]
                if since is not None:
                    condition.append(OutboxMessage.sending_since == since)
                else:
                    condition.append(OutboxMessage.sending_since.is_(None))
                result = s.execute(
                    update(OutboxMessage)
                    .where(*condition)
                    .values(
                        status=OutboxStatus.SENDING,
                        sending_since=now,
                        attempts=OutboxMessage.attempts + 1,
                    )
                )
                if getattr(result, "rowcount", 0) == 1:
                    if status is OutboxStatus.SENDING:
                        log.info("outbox message %s was interrupted; sending it again", row_id)
                    recipient, content = s.execute(
                        select(OutboxMessage.recipient, OutboxMessage.content).where(
                            OutboxMessage.id == row_id
                        )
                    ).one()
                    if content is None:  # never happens for a message not yet sent
                        raise UserError("An outbox message has lost its content.")
                    claimed.append((row_id, recipient, content))
        return claimed

    def _release(self, row_id: str, error: str) -> None:
        with self._db.session() as s, s.begin():
            s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id)
                .values(status=OutboxStatus.WAITING, sending_since=None, last_error=error[:500])
            )

    def _refused(self, row_id: str, error: str) -> None:
        with self._db.session() as s, s.begin():
            s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id)
                .values(status=OutboxStatus.REFUSED, sending_since=None, last_error=error[:500])
            )

    def _mark_sent(self, row_id: str) -> None:
        now = self._clock()
        with self._db.session() as s, s.begin():
            row = s.get(OutboxMessage, row_id)
            assert row is not None
            row.status = OutboxStatus.SENT
            row.sent_at = now
            row.sending_since = None
            row.last_error = ""
            row.content = None  # personal details are not kept once delivered
            if row.registration_id is not None:
                registration = s.get(Registration, row.registration_id)
                if registration is not None:
                    if row.kind == "ticket":
                        registration.ticket_sent_at = now
                    elif row.kind == "reminder":
                        registration.reminder_sent_at = now

    def pending_for(self, s: Session, kind: str, event_id: str) -> set[str]:
        """Registrations with a message of this kind still in the outbox (not sent yet)."""
        rows = s.scalars(
            select(OutboxMessage.registration_id).where(
                OutboxMessage.kind == kind,
                OutboxMessage.event_id == event_id,
                OutboxMessage.status.in_((OutboxStatus.WAITING, OutboxStatus.SENDING)),
                OutboxMessage.registration_id.is_not(None),
            )
        )
        return {r for r in rows if r is not None}

    @staticmethod
    def forget_in(s: Session, registration_ids: list[str]) -> int:
        """Delete the outbox rows (sent or not) for these registrations, inside the caller's
        transaction: for erasing a person, whose address and messages they hold."""
        if not registration_ids:
            return 0
        rows = list(
            s.scalars(
                select(OutboxMessage).where(OutboxMessage.registration_id.in_(registration_ids))
            )
        )
        for row in rows:
            s.delete(row)
        return len(rows)
