"""Sending: 1,000 ticket emails to a real SMTP server on the loopback address (aiosmtpd).

Two steps, timed apart, as ``send-tickets`` does them: writing each message into the outbox
(its own one-page ticket PDF, the QR image, the .ics, both bodies; committed) and sending
the outbox over one SMTP connection (each message marked 'sending', handed over, marked
'sent' and its registration noted, each step committed). Setting up the database is not
timed. Compared, in the same run, with smtplib alone sending the same messages over one
connection, so the ratio is "what the outbox's bookkeeping costs" on this machine.

    python benchmarks/bench_send.py                 1,000 messages
    python benchmarks/bench_send.py --messages 100  fewer, for a quick look
"""

from __future__ import annotations

import argparse
import smtplib
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from engagement_desk.bootstrap import open_desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.tickets import new_ticket_id
from engagement_desk.db.models import OutboxMessage, Person, Registration
from engagement_desk.paths import AppPaths
from engagement_desk.services.mail import MailSettings, Security

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.unit.mail_server import smtp_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000, help="how many (default 1000)")
    args = parser.parse_args(argv)
    count = args.messages

    with (
        tempfile.TemporaryDirectory(prefix="bench-send-") as folder,
        smtp_server() as (
            port,
            inbox,
        ),
    ):
        desk = open_desk(AppPaths(Path(folder) / "home"))
        try:
            starts = datetime(2030, 3, 14, 10, 0, tzinfo=UTC)
            event = desk.events.create(
                EventDraft(
                    title="Have your say: SEND in Bury",
                    kind="venue",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2, minutes=30),
                    venue=VenueDraft(
                        "Bury Town Hall", "Knowsley Street, Bury", "BL9 0SW", step_free=True
                    ),
                    capacity=count,
                )
            )
            with desk.db.transaction() as s:
                for n in range(count):
                    person = Person(
                        device_id=desk.device.id,
                        full_name=f"Parent {n}",
                        email=f"parent{n}@example.org",
                        consent_store=True,
                    )
                    s.add(person)
                    s.add(
                        Registration(
                            device_id=desk.device.id,
                            event_id=event.id,
                            person=person,
                            ticket_id=new_ticket_id(),
                        )
                    )
            desk.mail.save_settings(
                MailSettings(
                    host="127.0.0.1",
                    port=port,
                    sender="events@bury.example.org",
                    security=Security.NONE,
                )
            )

            started = time.perf_counter()
            queued = desk.mail.queue_tickets(event.id).queued
            queue_seconds = time.perf_counter() - started
            with desk.db.session() as s:
                contents = [c for c in s.scalars(select(OutboxMessage.content)) if c]
            size = sum(len(c) for c in contents) / max(len(contents), 1)

            started = time.perf_counter()
            report = desk.mail.send_outbox()
            send_seconds = time.perf_counter() - started
            assert queued == count and report.sent == count, (queued, report)
            assert len(inbox.received) == count

            inbox.received.clear()
            started = time.perf_counter()
            smtp = smtplib.SMTP("127.0.0.1", port)
            for n, content in enumerate(contents):
                smtp.sendmail("events@bury.example.org", [f"parent{n}@example.org"], content)
            smtp.quit()
            baseline_seconds = time.perf_counter() - started
        finally:
            desk.close()

    print(
        f"write {count} messages into the outbox (PDF, QR, .ics, bodies): {queue_seconds:.2f} s "
        f"({queue_seconds / count * 1000:.1f} ms a message, {size / 1000:.0f} kB each)"
    )
    print(
        f"send them from the outbox to the loopback server: {send_seconds:.2f} s "
        f"({send_seconds / count * 1000:.1f} ms a message)"
    )
    print(
        f"baseline, smtplib alone sending the same {count} messages: {baseline_seconds:.2f} s "
        f"({baseline_seconds / count * 1000:.1f} ms a message)"
    )
    total = queue_seconds + send_seconds
    print(
        f"send_{count}: {total:.1f} s, {total / count * 1000:.1f} ms a message "
        f"(sending {send_seconds / count * 1000:.1f} ms against smtplib alone "
        f"{baseline_seconds / count * 1000:.1f} ms, ratio {send_seconds / baseline_seconds:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
