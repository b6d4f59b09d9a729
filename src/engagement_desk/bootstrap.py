"""Build the desk: paths, database, this laptop's identity and the services. No Qt here."""

from __future__ import annotations

from dataclasses import dataclass

from engagement_desk.core.clock import Clock, system_clock
from engagement_desk.core.printouts import Ticket, TicketBatch
from engagement_desk.db.database import Database
from engagement_desk.paths import AppPaths
from engagement_desk.services.actions import ActionService
from engagement_desk.services.backups import BackupService
from engagement_desk.services.checkin import CheckInService
from engagement_desk.services.demo import DemoService
from engagement_desk.services.devices import DeviceIdentity, DeviceService, load_or_create_device
from engagement_desk.services.events import EventService
from engagement_desk.services.imports import ImportService
from engagement_desk.services.kiosk import KioskService
from engagement_desk.services.mail import MailService
from engagement_desk.services.outbox import OutboxService
from engagement_desk.services.packs import PackService
from engagement_desk.services.privacy import PrivacyService
from engagement_desk.services.programmes import ProgrammeService
from engagement_desk.services.registrations import RegistrationService
from engagement_desk.services.schedule import ScheduleService
from engagement_desk.services.summary import SummaryService
from engagement_desk.services.tickets import TicketService
from engagement_desk.services.voices import VoiceService
from engagement_desk.services.webinars import WebinarService


@dataclass
class Desk:
    """Everything a front end (GUI or CLI) needs, built once and passed down."""

    paths: AppPaths
    db: Database
    device: DeviceIdentity
    programmes: ProgrammeService
    events: EventService
    schedule: ScheduleService
    demo: DemoService
    devices: DeviceService
    tickets: TicketService
    registrations: RegistrationService
    privacy: PrivacyService
    imports: ImportService
    check_in: CheckInService
    webinars: WebinarService
    kiosk: KioskService
    voices: VoiceService
    summaries: SummaryService
    actions: ActionService
    backups: BackupService
    packs: PackService
    clock: Clock
    outbox: OutboxService
    mail: MailService

    def close(self) -> None:
        self.db.dispose()


def ticket_pdf(batch: TicketBatch, ticket: Ticket) -> bytes:
    """One person's ticket as a PDF, for the mail service to attach. reportlab is loaded
    when the first ticket is emailed, not when the desk opens."""
    from engagement_desk.reports.tickets import render_ticket

    return render_ticket(batch, ticket)


def open_desk(
    paths: AppPaths,
    database_url: str | None = None,
    *,
    clock: Clock = system_clock,
    read_only: bool = False,
    new_identity: bool = False,
) -> Desk:
    """Open the database (checked first) and build the services.

    ``read_only``: for commands and pages that only read. Nothing is written: not the
    database (see Database.open), not this laptop's identity; otherwise this laptop is
    noted in the database with the first change it saves, not merely for opening it.
    ``new_identity``: the user agreed that a damaged identity file that nothing can recover
    becomes a new laptop (see services/devices.py; otherwise IdentityLost is raised).
    """
    paths.ensure(for_reading=read_only)
    db = Database.open(
        paths.database_url(database_url), backups_dir=paths.backups, read_only=read_only
    )
    try:
        return _build(paths, db, clock, new_identity)
    except BaseException:
        db.dispose()
        raise


def _build(paths: AppPaths, db: Database, clock: Clock, new_identity: bool = False) -> Desk:
    device = load_or_create_device(
        paths.device_file, create=not db.read_only, db=db, start_afresh=new_identity
    )
    devices = DeviceService(db, device)
    if not db.read_only:
        devices.record_on_writes()
    programmes = ProgrammeService(db)
    if not db.read_only:
        programmes.ensure_seeded()
    events = EventService(db, device, programmes, clock)
    tickets = TicketService(db)
    registrations = RegistrationService(db, device, tickets, clock)
    privacy = PrivacyService(db, device, registrations, clock)
    backups = BackupService(db)
    backups.after_restore.append(tickets.forget_keys)
    schedule = ScheduleService(events, clock)
    outbox = OutboxService(db, clock)
    mail = MailService(db, events, schedule, tickets, outbox, clock, ticket_pdf=ticket_pdf)
    if not db.read_only:
        # Promotion from the waiting list emails the ticket; an event changed or cancelled
        # emails everyone booked (both through the outbox; nothing when email is not set up).
        registrations.after_promotion.append(mail.queue_promoted)
        events.after_change.append(mail.queue_event_change)
    return Desk(
        paths=paths,
        db=db,
        device=device,
        programmes=programmes,
        events=events,
        schedule=schedule,
        demo=DemoService(db, device, programmes, events, clock),
        devices=devices,
        tickets=tickets,
        registrations=registrations,
        privacy=privacy,
        imports=ImportService(db, device, tickets, clock),
        check_in=CheckInService(db, device, events, tickets, clock),
        webinars=WebinarService(db, device, clock),
        kiosk=KioskService(db, clock=clock, device=device),
        voices=VoiceService(db, device, clock),
        summaries=SummaryService(db, clock),
        actions=ActionService(db, device, clock, programmes=programmes),
        backups=backups,
        packs=PackService(db, device, events, tickets, clock, privacy=privacy, backups=backups),
        clock=clock,
        outbox=outbox,
        mail=mail,
    )
