"""Email: `mail settings|test`, `send-tickets`, `send-reminders` and `outbox send|list`.

Messages go into the outbox first, then are sent from it; when the mail server cannot be
reached they wait there (exit 0: they are safe) and `outbox send` sends them later.
The mail server password is never an argument: it is kept in the keyring, read from
--password-file, or asked for on the terminal.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import Desk
from engagement_desk.cli.common import add_command, plural
from engagement_desk.core.clock import to_local
from engagement_desk.core.messages import MessageStyle
from engagement_desk.services.errors import UserError
from engagement_desk.services.mail import MailSettings, Security, SendPlan
from engagement_desk.services.outbox import SendReport


def register(commands: Any) -> None:
    mail = add_command(commands, "mail", "email settings: the council's mail server")
    mail_commands = mail.add_subparsers(dest="mail_command", metavar="COMMAND", required=True)
    settings = add_command(
        mail_commands,
        "settings",
        "set the mail server (the password goes to the keyring, or is asked for when sending)",
        _settings,
    )
    settings.add_argument("--host", required=True, metavar="H")
    settings.add_argument("--port", required=True, type=int, metavar="P")
    settings.add_argument("--from", dest="sender", required=True, metavar="ADDRESS")
    security = settings.add_mutually_exclusive_group()
    security.add_argument(
        "--starttls",
        dest="security",
        action="store_const",
        const=Security.STARTTLS,
        help="make the connection secure before logging in (the default; port 587)",
    )
    security.add_argument(
        "--ssl",
        dest="security",
        action="store_const",
        const=Security.SSL,
        help="secure from the start (port 465)",
    )
    security.add_argument(
        "--no-tls",
        dest="security",
        action="store_const",
        const=Security.NONE,
        help="no encryption: only for a relay inside the council's own network",
    )
    settings.add_argument("--user", default="", metavar="U", help="user name, if it needs one")
    settings.add_argument("--name", default="Engagement Desk", help="the sender's name")
    settings.add_argument(
        "--contact", default="", help="who to contact, as families should read it"
    )
    settings.add_argument(
        "--easy-read", action="store_true", help="send easy-read messages to everyone"
    )
    _password_option(settings)
    test = add_command(mail_commands, "test", "send a test message now", _test)
    test.add_argument("to", metavar="ADDRESS")
    _password_option(test)

    tickets = add_command(
        commands,
        "send-tickets",
        "email each booked person their ticket (waiting-list people are told they are "
        "waiting); only to those not sent one yet",
        _send_tickets,
    )
    tickets.add_argument("event", metavar="EVENT", help="event id or short code")
    _sending_options(tickets)
    tickets.add_argument(
        "--eml-dir",
        type=Path,
        metavar="DIR",
        help="write one .eml file per person into DIR instead of sending (Outlook drafts)",
    )

    reminders = add_command(
        commands,
        "send-reminders",
        "email a reminder to everyone with a place (meant for the day before)",
        _send_reminders,
    )
    reminders.add_argument("event", metavar="EVENT", help="event id or short code")
    _sending_options(reminders)

    outbox = add_command(commands, "outbox", "messages waiting to be sent")
    outbox_commands = outbox.add_subparsers(dest="outbox_command", metavar="COMMAND", required=True)
    send = add_command(outbox_commands, "send", "send what waits in the outbox", _outbox_send)
    _password_option(send)
    send.add_argument("--json", action="store_true", help="machine-readable output")
    listing = add_command(
        outbox_commands, "list", "what waits, and what the server refused", _outbox_list
    )
    listing.add_argument("--all", action="store_true", help="sent messages too")
    listing.add_argument("--json", action="store_true", help="machine-readable output")


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-file",
        type=Path,
        metavar="F",
        help="a file holding the mail server password (otherwise the keyring, or asked for)",
    )


def _sending_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--all", action="store_true", help="send again to everyone, not only those not yet sent"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say who would get one; send and write nothing"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    _password_option(parser)


def _password(desk: Desk, args: argparse.Namespace) -> str | None:
    """The password when the keyring has none: from --password-file or the terminal."""
    path: Path | None = getattr(args, "password_file", None)
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UserError(f"There is no password file at {path}.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"Could not read the password file {path}: {exc}.") from exc
        return text.removesuffix("\n").removesuffix("\r")
    if desk.mail.needs_password() and sys.stdin.isatty():
        return getpass.getpass("Mail server password: ")
    return None


def _settings(desk: Desk, args: argparse.Namespace) -> int:
    settings = MailSettings(
        host=args.host,
        port=args.port,
        sender=args.sender,
        security=Security(args.security or Security.STARTTLS),
        user=args.user,
        sender_name=args.name,
        contact=args.contact,
        style=MessageStyle.EASY_READ if args.easy_read else MessageStyle.PLAIN,
    )
    problems = settings.problems()
    if problems:
        raise UserError(" ".join(problems) + " Nothing was saved.")
    password = None
    if settings.user:
        if args.password_file is not None:
            password = _password(desk, args)
        elif sys.stdin.isatty() and desk.mail.keeps_passwords():
            password = getpass.getpass(f"Password for {settings.user} (kept in the keyring): ")
    kept = desk.mail.save_settings(settings, password)
    print(
        f"Email settings saved: {settings.host}, port {settings.port}, "
        f"{settings.security.value}, from {settings.sender}."
    )
    if settings.user and not kept:
        print(
            "This computer has no keyring to keep the password in: it will be asked for "
            "when sending (or give --password-file). It is never written down."
        )
    return 0


def _test(desk: Desk, args: argparse.Namespace) -> int:
    print(desk.mail.send_test(args.to, _password(desk, args)))
    return 0


def _send_tickets(desk: Desk, args: argparse.Namespace) -> int:
    if args.eml_dir is not None:
        if args.dry_run:
            raise UserError("Choose --dry-run or --eml-dir, not both.")
        plan, files = desk.mail.email_files(args.event, args.eml_dir, everyone=args.all)
        if args.json:
            print(json.dumps({**plan.as_json(), "files": [str(f) for f in files]}, indent=2))
        else:
            _print_left_out(plan)
            print(
                f"Wrote {plural(len(files), 'email file')} for {plan.event_title} "
                f"({plan.event_code}) to {args.eml_dir}. They are drafts: open them in "
                "Outlook to send. Nothing was sent or marked as sent."
            )
        return 0
    if args.dry_run:
        return _dry_run(desk.mail.plan_tickets(args.event, everyone=args.all), args.json)
    result = desk.mail.queue_tickets(args.event, everyone=args.all)
    return _send_queued(desk, args, result.plan, result.queued)


def _send_reminders(desk: Desk, args: argparse.Namespace) -> int:
    if args.dry_run:
        return _dry_run(desk.mail.plan_reminders(args.event, everyone=args.all), args.json)
    result = desk.mail.queue_reminders(args.event, everyone=args.all)
    return _send_queued(desk, args, result.plan, result.queued)


def _dry_run(plan: SendPlan, as_json: bool) -> int:
    if as_json:
        print(json.dumps({**plan.as_json(), "dry_run": True}, indent=2))
        return 0
    for addressee in plan.addressees:
        print(f"would send: {addressee.kind.label} to {addressee.email}")
    _print_left_out(plan)
    print(
        f"Dry run: {plural(len(plan.addressees), 'message')} for {plan.event_title} "
        f"({plan.event_code}); nothing was sent or written."
    )
    return 0


def _print_left_out(plan: SendPlan) -> None:
    for left in plan.left_out:
        print(f"not sent: registration {left.registration_id[:8]}: {left.reason}")


def _send_queued(desk: Desk, args: argparse.Namespace, plan: SendPlan, queued: int) -> int:
    # Queued and committed first: whatever happens to the connection, they are kept.
    report = desk.mail.send_outbox(_password(desk, args)) if queued else None
    if args.json:
        data = plan.as_json()
        data["queued"] = queued
        data.update(_report_json(report))
        print(json.dumps(data, indent=2))
        return 0
    _print_left_out(plan)
    print(
        f"{plural(queued, 'message')} for {plan.event_title} ({plan.event_code}) "
        "added to the outbox."
    )
    if report is not None:
        print(report.summary)
    return 0


def _report_json(report: SendReport | None) -> dict[str, Any]:
    if report is None:
        return {"sent": 0, "refused": 0, "waiting": 0, "problem": ""}
    return {
        "sent": report.sent,
        "refused": report.refused,
        "waiting": report.waiting,
        "problem": report.problem,
    }


def _outbox_send(desk: Desk, args: argparse.Namespace) -> int:
    report = desk.mail.send_outbox(_password(desk, args))
    if args.json:
        print(json.dumps(_report_json(report), indent=2))
    else:
        print(report.summary)
    return 0


def _outbox_list(desk: Desk, args: argparse.Namespace) -> int:
    rows = desk.outbox.rows(include_sent=args.all)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "message_id": r.message_id,
                        "kind": r.kind,
                        "to": r.recipient,
                        "subject": r.subject,
                        "status": r.status.value,
                        "attempts": r.attempts,
                        "last_error": r.last_error,
                        "created_at": r.created_at.isoformat(),
                        "sent_at": r.sent_at.isoformat() if r.sent_at else None,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return 0
    for r in rows:
        when = f"{to_local(r.created_at):%Y-%m-%d %H:%M}"
        note = f" ({r.last_error})" if r.last_error else ""
        print(f"{when}  {r.status.value:8}  {r.kind:12}  {r.recipient}  {r.subject}{note}")
    counts = desk.outbox.counts()
    print(
        f"{counts.waiting} waiting, {counts.refused} refused by the mail server, "
        f"{counts.sent} sent."
    )
    return 0
