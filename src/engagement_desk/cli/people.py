"""`people import|list`, `register`, `cancel` and `privacy export|erase`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import Desk
from engagement_desk.cli.common import add_command, output_path, plural
from engagement_desk.core.people import DEFAULT_ROLE, PersonDraft
from engagement_desk.core.tickets import ticket_reference
from engagement_desk.services.errors import UserError
from engagement_desk.services.files import save_file
from engagement_desk.services.imports import ImportReport
from engagement_desk.services.registrations import PersonRow, RegistrationInfo


def register(commands: Any) -> None:
    people = add_command(commands, "people", "import and list the people registered for events")
    group = people.add_subparsers(dest="people_command", metavar="ACTION", required=True)

    importing = add_command(
        group, "import", "import registrations from a CSV or Excel (.xlsx) file", _import
    )
    importing.add_argument("event", metavar="EVENT", help="event id or short code")
    importing.add_argument("file", metavar="FILE", type=Path, help="the .csv or .xlsx file")
    importing.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="use a column for a field, e.g. --map 'Parent name=full_name', or "
        "--map 'Notes=ignore'; fields: full_name, first_name, last_name, email, phone, "
        "postcode, role, child_age_band, child_setting, ehcp_status, need_areas, "
        "access_needs, access_notes, consent_store, consent_special_category, "
        "consent_future_contact, consent_quote, registered_at, status (attending, cancelled, "
        "refunded...), ignore",
    )
    importing.add_argument(
        "--dry-run", action="store_true", help="show what would happen; write nothing"
    )
    importing.add_argument("--json", action="store_true", help="machine-readable output")

    listing = add_command(
        group, "list", "list registrations: person id, name, email, status, ticket code", _list
    )
    listing.add_argument("event", metavar="EVENT", nargs="?", help="one event (default: all)")
    listing.add_argument("--json", action="store_true", help="machine-readable output")

    booking = add_command(
        commands,
        "register",
        "register someone for an event (--walk-in also checks them in)",
        _register,
    )
    booking.add_argument("event", metavar="EVENT", help="event id or short code")
    booking.add_argument("--name", required=True)
    booking.add_argument("--email")
    booking.add_argument("--phone")
    booking.add_argument("--postcode", default="", help="postcode or district, e.g. BL9")
    booking.add_argument(
        "--role", default=DEFAULT_ROLE, help="parent/carer, young person or professional"
    )
    booking.add_argument(
        "--access-need",
        action="append",
        default=[],
        dest="access_needs",
        metavar="NEED",
        help="e.g. 'wheelchair access', 'hearing loop' (repeat for more)",
    )
    booking.add_argument(
        "--walk-in", action="store_true", help="they are here now: register and check them in"
    )
    booking.add_argument("--json", action="store_true", help="machine-readable output")

    cancelling = add_command(
        commands,
        "cancel",
        "cancel a registration and offer the place to the waiting list",
        _cancel,
    )
    cancelling.add_argument("event", metavar="EVENT", help="event id or short code")
    cancelling.add_argument(
        "code",
        metavar="CODE",
        help="ticket code, printed ticket reference, registration id or the person's email",
    )

    privacy = add_command(commands, "privacy", "requests about one person's data")
    requests = privacy.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    export = add_command(
        requests, "export", "write everything held about a person as JSON", _export
    )
    export.add_argument("person", metavar="PERSON", help="person id or email address")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    erase = add_command(
        requests, "erase", "erase a person's details from the database (counts remain)", _erase
    )
    erase.add_argument("person", metavar="PERSON", help="person id or email address")
    add_command(
        requests,
        "purge",
        "remove the personal details of everyone whose last event ended longer ago than the "
        "programme's retention period (default 12 months); anonymous counts remain",
        _purge,
    )


# ---- people import -----------------------------------------------------------------


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, equals, field = pair.rpartition("=")
        if not equals or not column.strip():
            raise UserError(
                f"--map needs COLUMN=FIELD, like --map 'Parent name=full_name'; got '{pair}'."
            )
        mapping[column.strip()] = field.strip()
    return mapping


def _import(desk: Desk, args: argparse.Namespace) -> int:
    report = desk.imports.import_file(
        args.event, args.file, mapping=_mapping(args.map), dry_run=args.dry_run
    )
    if args.json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        _print_report(report)
    if report.problems:
        # Which columns were taken for what, so a refusal can be fixed with --map.
        for choice in report.choices:
            print(f"engagement-desk: {choice}", file=sys.stderr)
    for problem in report.problems:
        print(f"engagement-desk: {problem}", file=sys.stderr)
    if report.problems:
        print(
            f"engagement-desk: nothing was imported from {report.file_name}; fix "
            f"{'these problems' if len(report.problems) > 1 else 'this problem'} and try again.",
            file=sys.stderr,
        )
        return 1
    return 0


def _print_report(report: ImportReport) -> None:
    if report.problems:
        return
    print(report.summary())
    for note in report.notes:
        print(f"Note: {note}")


# ---- people list -------------------------------------------------------------------


def _row_json(row: PersonRow) -> dict[str, Any]:
    return {
        "event": row.event_code,
        "registration_id": row.registration_id,
        "person_id": row.person_id,
        "name": row.name,
        "email": row.email,
        "status": row.status.value,
        "checked_in": row.checked_in,
        "waitlist_position": row.waitlist_position,
        "ticket_code": row.ticket_code,
        "ticket_reference": ticket_reference(row.ticket_id),
    }


def _list(desk: Desk, args: argparse.Namespace) -> int:
    rows = desk.registrations.list_people(args.event)
    if args.json:
        print(json.dumps([_row_json(r) for r in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No one is registered." if args.event is None else "No one is registered for it.")
        return 0
    print(f"{'EVENT':6}  {'STATUS':16}  {'TICKET':19}  NAME <EMAIL>  PERSON ID")
    for row in rows:
        email = f" <{row.email}>" if row.email else ""
        print(
            f"{row.event_code:6}  {row.status_label:16}  {ticket_reference(row.ticket_id):19}  "
            f"{row.name}{email}  {row.person_id}"
        )
    print(plural(len(rows), "registration"))
    return 0


# ---- register and cancel --------------------------------------------------------------


def _info_json(info: RegistrationInfo) -> dict[str, Any]:
    return {
        "registration_id": info.id,
        "person_id": info.person_id,
        "event": info.event_code,
        "name": info.name,
        "email": info.email,
        "status": info.status.value,
        "checked_in": info.checked_in,
        "waitlist_position": info.waitlist_position,
        "ticket_code": info.ticket_code,
        "ticket_reference": info.reference,
        "already_registered": info.already_registered,
    }


def _register(desk: Desk, args: argparse.Namespace) -> int:
    if args.walk_in:
        info = desk.registrations.walk_in(
            args.event,
            args.name,
            args.email,
            postcode=args.postcode,
            role=args.role,
            access_needs=args.access_needs,
        )
        if args.phone:
            print("engagement-desk: --phone is not kept for a walk-in.", file=sys.stderr)
    else:
        # Registering someone by hand means they gave their details to book a place.
        info = desk.registrations.register(
            args.event,
            PersonDraft(
                full_name=args.name,
                email=args.email,
                phone=args.phone,
                postcode=args.postcode,
                role=args.role,
                access_needs=tuple(args.access_needs),
                consent_store=True,
            ),
        )
    if args.json:
        print(json.dumps(_info_json(info), indent=2, ensure_ascii=False))
        return 0
    print(info.message)
    if info.ticket_code:
        print(f"Ticket reference: {info.reference}")
        print(f"Ticket code: {info.ticket_code}")
    print(f"Person id: {info.person_id}")
    return 0


def _cancel(desk: Desk, args: argparse.Namespace) -> int:
    result = desk.registrations.cancel(args.event, args.code)
    cancelled = result.cancelled
    print(
        f"Cancelled {cancelled.name or 'the anonymous registration'}'s place at "
        f"{cancelled.event_title} ({cancelled.event_code}); ticket {cancelled.reference} "
        "no longer admits anyone."
    )
    for promoted in result.promoted:
        print(
            f"The place went to {promoted.name}, next on the waiting list: now registered, "
            f"ticket {promoted.reference}."
        )
        if promoted.ticket_code:
            print(f"Ticket code: {promoted.ticket_code}")
    if not result.promoted and result.waiting:
        print(
            f"The event is still full, so no one was taken off the waiting list "
            f"({plural(result.waiting, 'person')} waiting)."
        )
    return 0


# ---- privacy ---------------------------------------------------------------------------


def _export(desk: Desk, args: argparse.Namespace) -> int:
    target = output_path(args.output)
    data = desk.privacy.export_person(args.person)
    save_file(target, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    person = data["person"]
    print(
        f"Wrote everything held about {person['full_name']} ({person['id']}) to {target}: "
        f"{plural(len(data['registrations']), 'registration')}, "
        f"{plural(len(data['comments']), 'comment')}, "
        f"{plural(len(data['questions']), 'question')}, "
        f"{plural(len(data['responses']), 'response')}."
    )
    return 0


def _purge(desk: Desk, _args: argparse.Namespace) -> int:
    result = desk.privacy.purge_expired()
    print(
        f"Removed the personal details of {result.people} "
        f"{'person' if result.people == 1 else 'people'} whose last event "
        f"ended before {result.cutoff:%d %B %Y} ({result.months} months ago). "
        "Their registrations, check-ins, votes and comments still count, without them."
    )
    if result.note:
        print(result.note)
    return 0


def _erase(desk: Desk, args: argparse.Namespace) -> int:
    result = desk.privacy.erase_person(args.person)
    email = f" <{result.email}>" if result.email else ""
    print(f"Erased {result.name}{email} (person id {result.person_id}).")
    print(
        f"Kept without their details, so counts do not change: "
        f"{plural(result.registrations_kept, 'registration')}, "
        f"{plural(result.check_ins_kept, 'check-in')}, "
        f"{plural(result.responses_unlinked, 'response')}."
    )
    if result.upcoming_cancelled:
        print(
            f"Cancelled {plural(result.upcoming_cancelled, 'place')} at events still to come "
            "(offered to the waiting list)."
        )
    if result.comments_removed or result.questions_removed:
        print(
            f"Words removed: {plural(result.comments_removed, 'comment')}, "
            f"{plural(result.questions_removed, 'question')} (their themes still count)."
        )
    print(result.note, file=sys.stdout if result.file_scrubbed else sys.stderr)
    return 0
