"""Emailing tickets through a real SMTP server on 127.0.0.1 (aiosmtpd): what arrives, once,
with each person's own ticket; the outbox when the server is away; the crash rule; STARTTLS."""

from __future__ import annotations

import io
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import keyring
import pypdfium2 as pdfium
import pytest
from icalendar import Calendar
from keyring.backends.fail import Keyring as NoKeyring
from PIL import Image
from sqlalchemy import select

from engagement_desk.bootstrap import Desk, ticket_pdf
from engagement_desk.core.events import EventDraft
from engagement_desk.core.messages import MessageKind, MessageStyle, Template
from engagement_desk.core.people import PersonDraft
from engagement_desk.core.qr import decode_qr
from engagement_desk.db.models import OutboxMessage, OutboxStatus, Registration
from engagement_desk.services import outbox as outbox_module
from engagement_desk.services.errors import UserError
from engagement_desk.services.mail import MailService, MailSettings, Security
from engagement_desk.services.outbox import OutboxService
from tests.conftest import FakeClock
from tests.unit.mail_server import free_port, make_certificate, smtp_server
from tests.unit.ticket_data import STARTS, TOWN_HALL

SENDER = "events@bury.example.org"


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


class MemoryPasswords:
    """A keyring that works (as on Windows or macOS), kept in memory for the test."""

    def __init__(self) -> None:
        self.kept: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.kept.get(key)

    def put(self, key: str, password: str) -> bool:
        self.kept[key] = password
        return True


def _settings(port: int, **changes: object) -> MailSettings:
    return replace(
        MailSettings(host="127.0.0.1", port=port, sender=SENDER, security=Security.NONE),
        **changes,  # type: ignore[arg-type]
    )


@pytest.fixture
def event_id(desk: Desk) -> str:
    """Three places: Aisha (large print), Tom (easy read, hears about future events), Zofia
    (no email); Grace cancelled; Wendy on the waiting list."""
    detail = desk.events.create(
        EventDraft(
            title="Have your say: SEND in Bury",
            kind="venue",
            starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=2, minutes=30),
            venue=TOWN_HALL,
            capacity=3,
            description="Tell us what would make the biggest difference.",
        )
    )

    def book(name: str, email: str | None, **extra: object) -> str:
        draft = PersonDraft(full_name=name, email=email, consent_store=True, **extra)  # type: ignore[arg-type]
        return desk.registrations.register(detail.id, draft).id

    book("Aisha Begum", "aisha@example.org", access_needs=("large print",))
    book("Tom O'Neill", "tom@example.org", access_needs=("easy read",), consent_future_contact=True)
    grace = book("Grace Adeyemi", "grace@example.org")
    desk.registrations.cancel(detail.id, grace)
    book("Zofia Kowalska", None, phone="07700 900123")
    book("Wendy Waiting", "wendy@example.org")
    return detail.id


@pytest.fixture
def server(desk: Desk) -> Iterator[tuple[int, object]]:
    with smtp_server() as (port, inbox):
        desk.mail.save_settings(_settings(port))
        yield port, inbox


def _codes(desk: Desk, event_id: str) -> dict[str, str | None]:
    with desk.db.session() as s:
        rows = s.scalars(select(Registration).where(Registration.event_id == event_id))
        return {r.person.email: r.ticket_code for r in rows if r.person and r.person.email}


def _part(message: EmailMessage, content_type: str) -> EmailMessage | None:
    for part in message.walk():
        if part.get_content_type() == content_type:
            assert isinstance(part, EmailMessage)
            return part
    return None


def _pdf_codes(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    try:
        assert len(document) == 1
        return decode_qr(document[0].render(scale=150 / 72).to_pil())
    finally:
        document.close()


def test_the_preview_says_who_gets_what_and_writes_nothing(
    desk: Desk, event_id: str, server: tuple[int, object]
) -> None:
    plan = desk.mail.plan_tickets(event_id)

    got = {a.name: a.kind for a in plan.addressees}
    assert got == {
        "Aisha Begum": MessageKind.TICKET,
        "Tom O'Neill": MessageKind.TICKET,
        "Wendy Waiting": MessageKind.WAITING_LIST,
    }
    assert {o.name: o.reason for o in plan.left_out} == {
        "Grace Adeyemi": "cancelled",
        "Zofia Kowalska": "no email address",
    }
    assert plan.preview is not None
    assert plan.preview.to == "Aisha Begum <aisha@example.org>"
    assert plan.preview.subject == "Your ticket: Have your say: SEND in Bury, Wed 22 Apr 2026"
    assert "Wed 22 Apr 2026, 10:00–12:30" in plan.preview.text
    assert "Step-free access, Hearing loop, Accessible toilet." in plan.preview.text
    assert "Use the Knowsley Street entrance." in plan.preview.text
    assert "Tell us what would make the biggest difference." in plan.preview.text
    assert any(".pdf" in a for a in plan.preview.attachments)
    assert any(".ics" in a for a in plan.preview.attachments)
    assert desk.outbox.counts().waiting == 0


def test_every_message_arrives_once_with_its_own_ticket(
    desk: Desk, event_id: str, server: tuple[int, object]
) -> None:
    _port, inbox = server
    result = desk.mail.queue_tickets(event_id)
    assert result.queued == 3
    assert desk.outbox.waiting_count() == 3

    report = desk.mail.send_outbox()

    assert (report.sent, report.waiting, report.refused) == (3, 0, 0)
    received = inbox.messages()  # type: ignore[attr-defined]
    assert Counter(str(m["To"]).split("<")[1].rstrip(">") for m in received) == Counter(
        ["aisha@example.org", "tom@example.org", "wendy@example.org"]
    )
    assert len({str(m["Message-ID"]) for m in received}) == 3
    codes = _codes(desk, event_id)
    for message in received:
        address = str(message["To"]).split("<")[1].rstrip(">")
        if address == "wendy@example.org":
            assert "waiting list" in str(message["Subject"])
            assert _part(message, "application/pdf") is None
            assert "You are number 1." in message.get_body(("plain",)).get_content()
            continue
        code = codes[address]
        assert code is not None
        pdf = _part(message, "application/pdf")
        assert pdf is not None and _pdf_codes(pdf.get_content()) == [code]
        image = _part(message, "image/png")
        assert image is not None
        cid = str(image["Content-ID"]).strip("<>")
        html = message.get_body(("html",)).get_content()
        assert f'src="cid:{cid}"' in html
        assert 'alt="QR code for your ticket' in html
        assert decode_qr(Image.open(io.BytesIO(image.get_content()))) == [code]
        ics = _part(message, "text/calendar")
        assert ics is not None
        calendar = Calendar.from_ical(ics.get_content())
        (vevent,) = calendar.walk("VEVENT")
        assert str(vevent["summary"]) == "Have your say: SEND in Bury"
        assert vevent.decoded("dtstart") == STARTS
        assert "Bury Town Hall" in str(vevent["location"])
        if address == "aisha@example.org":
            assert "font-size: 1.5rem" in html  # large print
            assert '<html lang="en-GB">' in html
        else:
            assert str(message["Subject"]) == "Your ticket for Have your say: SEND in Bury"
            assert "font-size: 1.1rem" in html
    with desk.db.session() as s:
        sent = {
            r.person.email: r.ticket_sent_at
            for r in s.scalars(select(Registration).where(Registration.event_id == event_id))
            if r.person
        }
        assert sent["aisha@example.org"] is not None and sent["tom@example.org"] is not None
        assert sent["wendy@example.org"] is None and sent[None] is None
        assert all(row.content is None for row in s.scalars(select(OutboxMessage)))


def test_sending_again_sends_nothing_new_unless_asked_for_everyone(
    desk: Desk, event_id: str, server: tuple[int, object]
) -> None:
    _port, inbox = server
    desk.mail.queue_tickets(event_id)
    desk.mail.send_outbox()

    again = desk.mail.queue_tickets(event_id)
    assert again.queued == 0
    reasons = {o.name: o.reason for o in again.plan.left_out}
    assert reasons["Aisha Begum"].startswith("ticket already sent Wed 15 Apr 2026")
    assert reasons["Wendy Waiting"] == "on the waiting list (already told)"
    assert desk.mail.send_outbox().sent == 0
    assert len(inbox.received) == 3  # type: ignore[attr-defined]

    assert desk.mail.queue_tickets(event_id, everyone=True).queued == 3


def test_queued_twice_before_sending_is_sent_once(
    desk: Desk, event_id: str, server: tuple[int, object]
) -> None:
    _port, inbox = server
    assert desk.mail.queue_tickets(event_id).queued == 3
    second = desk.mail.queue_tickets(event_id)
    assert second.queued == 0
    assert "ticket already waiting in the outbox" in {o.reason for o in second.plan.left_out}
    desk.mail.send_outbox()
    assert len(inbox.received) == 3  # type: ignore[attr-defined]


def test_with_the_server_away_messages_wait_and_go_when_it_is_back(
    desk: Desk, event_id: str
) -> None:
    port = free_port()  # nothing listens here yet
    desk.mail.save_settings(_settings(port))
    desk.mail.queue_tickets(event_id)

    report = desk.mail.send_outbox()

    assert (report.sent, report.waiting) == (0, 3)
    assert "could not be reached" in report.problem
    assert "wait in the outbox" in report.summary
    assert desk.outbox.waiting_count() == 3
    with smtp_server(port) as (_port, inbox):
        report = desk.mail.send_outbox()
        assert (report.sent, report.waiting) == (3, 0)
        assert len(inbox.received) == 3
    assert desk.outbox.waiting_count() == 0


def test_a_crash_between_sending_and_recording_sends_again_with_the_same_message_id(
    desk: Desk, event_id: str, server: tuple[int, object], clock: FakeClock
) -> None:
    """The documented rule: at least once, never lost; the one duplicate carries the same
    Message-ID (mail programs show it once). A live sender's message is never taken over."""
    _port, inbox = server
    desk.mail.queue_tickets(event_id)
    with desk.db.session() as s:
        queued = set(s.scalars(select(OutboxMessage.message_id)))

    def crash(_row_id: str) -> None:
        raise Crash

    desk.outbox.after_hand_over = crash
    with pytest.raises(Crash):
        desk.mail.send_outbox()
    assert len(inbox.received) == 1  # type: ignore[attr-defined]
    interrupted = inbox.message_ids()[0]  # type: ignore[attr-defined]
    with desk.db.session() as s:
        row = s.scalars(select(OutboxMessage).where(OutboxMessage.message_id == interrupted)).one()
        assert row.status is OutboxStatus.SENDING and row.content is not None

    # The app opens again at once: the others go, the interrupted one is left for now (it
    # may be a live sender in another window).
    restarted = MailService(
        desk.db,
        desk.events,
        desk.schedule,
        desk.tickets,
        OutboxService(desk.db, clock),
        clock,
        ticket_pdf=ticket_pdf,
    )
    assert restarted.send_outbox().sent == 2
    assert Counter(inbox.message_ids()) == Counter(queued)  # type: ignore[attr-defined]

    clock.advance(minutes=3)  # past the lease: the sender that had it is gone
    report = restarted.send_outbox()

    assert (report.sent, report.waiting) == (1, 0)
    counts = Counter(inbox.message_ids())  # type: ignore[attr-defined]
    assert set(counts) == queued  # nothing lost
    assert counts[interrupted] == 2 and sum(counts.values()) == 4  # one known duplicate
    with desk.db.session() as s:
        assert {r.status for r in s.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}


def test_starttls_with_a_test_certificate_and_a_password(
    desk: Desk, event_id: str, tmp_path: Path, clock: FakeClock
) -> None:
    certificate = make_certificate(tmp_path)
    passwords = MemoryPasswords()
    with smtp_server(
        tls_context=certificate.server_context(), login=("organiser", "s3cret pass")
    ) as (port, inbox):
        mail = MailService(
            desk.db,
            desk.events,
            desk.schedule,
            desk.tickets,
            desk.outbox,
            clock,
            ticket_pdf=ticket_pdf,
            passwords=passwords,
            ssl_context=certificate.client_context,
        )
        settings = _settings(port, security=Security.STARTTLS, user="organiser")
        assert mail.save_settings(settings, "s3cret pass") is True
        mail.queue_tickets(event_id)

        # Without trusting the certificate the connection is refused, nothing is lost.
        untrusting = MailService(
            desk.db,
            desk.events,
            desk.schedule,
            desk.tickets,
            desk.outbox,
            clock,
            ticket_pdf=ticket_pdf,
            passwords=passwords,
        )
        with pytest.raises(UserError, match="secure connection"):
            untrusting.send_outbox()
        assert desk.outbox.waiting_count() == 3

        report = mail.send_outbox()

        assert report.sent == 3
        assert len(inbox.received) == 3
        assert inbox.logins == ["organiser"]


def test_without_a_keyring_the_password_is_asked_for_and_never_stored(
    desk: Desk, event_id: str, paths: object, tmp_path: Path
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        assert desk.mail.keeps_passwords() is False
        kept = desk.mail.save_settings(_settings(2525, user="organiser"), "plain-secret-42")
        assert kept is False
        assert desk.mail.needs_password() is True
        desk.mail.queue_tickets(event_id)
        with pytest.raises(UserError, match="wants the password"):
            desk.mail.send_outbox()
    finally:
        keyring.set_keyring(previous)
    desk.close()
    for file in (tmp_path / "home").rglob("*"):
        if file.is_file():
            assert b"plain-secret-42" not in file.read_bytes(), file


def test_email_files_are_standard_eml_with_the_same_parts(
    desk: Desk, event_id: str, server: tuple[int, object], tmp_path: Path
) -> None:
    _port, inbox = server
    folder = tmp_path / "drafts"
    folder.mkdir()

    _plan, files = desk.mail.email_files(event_id, folder)

    assert len(files) == 3 and sorted(folder.iterdir()) == sorted(files)
    parsed = [BytesParser(policy=policy.default).parsebytes(f.read_bytes()) for f in files]
    assert all(m["X-Unsent"] == "1" for m in parsed)
    assert desk.outbox.waiting_count() == 0  # drafts are not queued or marked as sent
    desk.mail.queue_tickets(event_id)
    desk.mail.send_outbox()
    sent = {str(m["To"]): m for m in inbox.messages()}  # type: ignore[attr-defined]
    codes = _codes(desk, event_id)
    for draft in parsed:
        assert isinstance(draft, EmailMessage)
        twin = sent[str(draft["To"])]
        assert [p.get_content_type() for p in draft.walk()] == [
            p.get_content_type() for p in twin.walk()
        ]
        pdf = _part(draft, "application/pdf")
        if pdf is not None:
            address = str(draft["To"]).split("<")[1].rstrip(">")
            assert _pdf_codes(pdf.get_content()) == [codes[address]]


def test_promotion_from_the_waiting_list_sends_the_ticket(
    desk: Desk, event_id: str, server: tuple[int, object]
) -> None:
    _port, inbox = server
    desk.registrations.cancel(event_id, "aisha@example.org")
    assert desk.outbox.waiting_count() == 1

    desk.mail.send_outbox()

    (message,) = inbox.messages()  # type: ignore[attr-defined]
    assert str(message["To"]) == "Wendy Waiting <wendy@example.org>"
    pdf = _part(message, "application/pdf")
    assert pdf is not None
    assert _pdf_codes(pdf.get_content()) == [_codes(desk, event_id)["wendy@example.org"]]


def test_a_changed_or_cancelled_event_tells_everyone_booked(
    desk: Desk, event_id: str, server: tuple[int, object]
) -> None:
    _port, inbox = server
    other = desk.events.create(
        EventDraft(
            title="Autumn drop-in",
            kind="drop-in",
            starts_at=STARTS + timedelta(days=60),
            ends_at=STARTS + timedelta(days=60, hours=2),
            venue=TOWN_HALL,
        )
    )
    detail = desk.events.get(event_id)
    later = replace(
        detail.draft,
        starts_at=detail.draft.starts_at + timedelta(hours=1),
        ends_at=detail.draft.ends_at + timedelta(hours=1),
    )
    desk.events.update(event_id, later)
    desk.mail.send_outbox()
    changed = inbox.messages()  # type: ignore[attr-defined]
    assert sorted(str(m["To"]).split("<")[1].rstrip(">") for m in changed) == [
        "aisha@example.org",
        "tom@example.org",
        "wendy@example.org",
    ]
    aisha = next(m for m in changed if "aisha" in str(m["To"]))
    assert "New time: Wed 22 Apr 2026, 11:00–13:30" in aisha.get_body(("plain",)).get_content()
    assert _part(aisha, "text/calendar") is not None

    desk.events.update(event_id, replace(later, description="Now with a crèche."))
    assert desk.outbox.waiting_count() == 0  # nothing families need to hear about

    inbox.received.clear()  # type: ignore[attr-defined]
    desk.events.cancel(event_id, "The hall is flooded.")
    desk.mail.send_outbox()
    cancelled = {str(m["To"]): m for m in inbox.messages()}  # type: ignore[attr-defined]
    assert len(cancelled) == 3
    tom = cancelled["Tom O'Neill <tom@example.org>"].get_body(("plain",)).get_content()
    aisha_text = cancelled["Aisha Begum <aisha@example.org>"].get_body(("plain",)).get_content()
    assert "The hall is flooded." in tom and "The hall is flooded." in aisha_text
    assert other.draft.title in tom  # Tom agreed to hear about future events
    assert other.draft.title not in aisha_text  # Aisha did not


def test_reminders_go_to_people_with_a_place_once(
    desk: Desk, event_id: str, server: tuple[int, object], clock: FakeClock
) -> None:
    _port, inbox = server
    clock.now = datetime(2026, 4, 21, 9, 0, tzinfo=UTC)  # the day before
    result = desk.mail.queue_reminders(event_id)
    assert sorted(a.name for a in result.plan.addressees) == ["Aisha Begum", "Tom O'Neill"]
    desk.mail.send_outbox()
    assert all("tomorrow" in str(m["Subject"]) for m in inbox.messages())  # type: ignore[attr-defined]
    assert desk.mail.queue_reminders(event_id).queued == 0


def test_an_edited_template_is_checked_and_used(
    desk: Desk, event_id: str, server: tuple[int, object]
) -> None:
    with pytest.raises(UserError, match=r"\{venue\}, which is not a placeholder"):
        desk.mail.save_template(
            MessageKind.TICKET, MessageStyle.PLAIN, Template("Ticket", "See you at {venue}")
        )
    desk.mail.save_template(
        MessageKind.TICKET,
        MessageStyle.PLAIN,
        Template("{event}: your place", "Dear {name},\n\nSee you {when}."),
    )
    plan = desk.mail.plan_tickets(event_id)
    assert plan.preview is not None
    assert plan.preview.subject == "Have your say: SEND in Bury: your place"
    assert plan.preview.text.startswith("Dear Aisha Begum,\n\nSee you Wed 22 Apr 2026")


def test_settings_are_checked_and_nothing_is_saved_when_wrong(desk: Desk) -> None:
    with pytest.raises(UserError, match="From address"):
        desk.mail.save_settings(_settings(25, sender="not an address"))
    with pytest.raises(UserError, match="port"):
        desk.mail.save_settings(_settings(0))
    assert desk.mail.settings() is None
    with pytest.raises(UserError, match="Email is not set up"):
        desk.mail.send_outbox()


def test_two_senders_at_once_send_each_message_once(
    desk: Desk,
    event_id: str,
    server: tuple[int, object],
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another window and the command line sending together: each row is claimed once
    (one row per claim here, so the two really take turns)."""
    monkeypatch.setattr(outbox_module, "CLAIM_BATCH", 1)
    _port, inbox = server
    queued = desk.mail.queue_tickets(event_id).queued
    desk.mail.send_outbox()
    queued = desk.mail.queue_tickets(event_id, everyone=True).queued
    inbox.received.clear()  # type: ignore[attr-defined]
    senders = [
        MailService(
            desk.db,
            desk.events,
            desk.schedule,
            desk.tickets,
            OutboxService(desk.db, clock),
            clock,
            ticket_pdf=ticket_pdf,
        )
        for _ in range(2)
    ]
    reports: list[int] = []
    threads = [
        threading.Thread(target=lambda m=m: reports.append(m.send_outbox().sent)) for m in senders
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert queued == 3 and sum(reports) == 3
    counts = Counter(inbox.message_ids())  # type: ignore[attr-defined]
    assert len(counts) == 3 and set(counts.values()) == {1}


def test_forgetting_a_persons_registrations_removes_their_outbox_rows(
    desk: Desk, event_id: str, server: tuple[int, object]
) -> None:
    desk.mail.queue_tickets(event_id)
    with desk.db.session() as s:
        aisha = s.scalars(
            select(OutboxMessage.registration_id).where(
                OutboxMessage.recipient == "aisha@example.org"
            )
        ).one()
    assert aisha is not None
    with desk.db.transaction() as s:
        assert OutboxService.forget_in(s, [aisha]) == 1
    with desk.db.session() as s:
        assert "aisha@example.org" not in set(s.scalars(select(OutboxMessage.recipient)))
    assert desk.outbox.waiting_count() == 2


def test_erasing_a_person_removes_their_emails_from_the_outbox(
    desk: Desk, event_id: str, tmp_path: Path
) -> None:
    """Erased means gone: a waiting or sent email holds the address, the name and the ticket."""
    desk.mail.save_settings(_settings(free_port()))  # nobody listens: the messages wait
    assert desk.mail.queue_tickets(event_id).queued == 3
    with desk.db.session() as s:
        before = len(s.scalars(select(OutboxMessage)).all())

    desk.privacy.erase_person("aisha@example.org")

    with desk.db.session() as s:
        left = s.scalars(select(OutboxMessage)).all()
    assert len(left) == before - 1
    assert all(b"aisha" not in (m.content or b"").lower() for m in left)
    assert desk.outbox.waiting_count() == before - 1
