"""`webinar questions|ask|upvote|answer|attendance` and `kiosk set-pin`."""

from __future__ import annotations

import argparse
import json
import sys
from getpass import getpass
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import Desk
from engagement_desk.cli.common import add_command, plural
from engagement_desk.core.clock import to_local
from engagement_desk.core.statuses import QuestionStatus
from engagement_desk.services.errors import UserError
from engagement_desk.services.webinars import QuestionRow

STATUSES = ", ".join(f"'{s.value}'" for s in QuestionStatus)


def register(commands: Any) -> None:
    webinar = add_command(commands, "webinar", "the webinar Q&A log and attendance")
    group = webinar.add_subparsers(dest="webinar_command", metavar="ACTION", required=True)

    listing = add_command(
        group, "questions", "list an event's questions, most upvoted first", _questions
    )
    listing.add_argument("event", metavar="EVENT", help="event id or short code")
    listing.add_argument("--json", action="store_true", help="machine-readable output")

    ask = add_command(group, "ask", "log a question (anonymous unless --registration)", _ask)
    ask.add_argument("event", metavar="EVENT", help="event id or short code")
    ask.add_argument("text", metavar="TEXT", help="the question, in quotes")
    ask.add_argument("--theme", help="one of the programme's comment themes")
    ask.add_argument("--registration", metavar="ID", help="the asker's registration id")
    ask.add_argument("--json", action="store_true", help="machine-readable output")

    upvote = add_command(group, "upvote", "one more person wants a question asked", _upvote)
    upvote.add_argument("question", metavar="QUESTION_ID")
    upvote.add_argument("--json", action="store_true", help="machine-readable output")

    answer = add_command(group, "answer", "set a question's status and answer", _answer)
    answer.add_argument("question", metavar="QUESTION_ID")
    answer.add_argument("--status", required=True, help=f"one of {STATUSES}")
    answer.add_argument(
        "--answer",
        metavar="TEXT",
        help="the answer given (needed for 'answered later'; left as it was when omitted)",
    )
    answer.add_argument("--json", action="store_true", help="machine-readable output")

    attendance = add_command(
        group,
        "attendance",
        "check in registered people from a Zoom or Teams attendance report; others are "
        "counted as anonymous walk-ins",
        _attendance,
    )
    attendance.add_argument("event", metavar="EVENT", help="event id or short code")
    attendance.add_argument("file", metavar="FILE", type=Path, help="the attendance .csv")
    attendance.add_argument(
        "--dry-run", action="store_true", help="show what would happen; write nothing"
    )
    attendance.add_argument("--json", action="store_true", help="machine-readable output")

    kiosk = add_command(commands, "kiosk", "the kiosk laptop's facilitator PIN")
    kiosk_group = kiosk.add_subparsers(dest="kiosk_command", metavar="ACTION", required=True)
    set_pin = add_command(
        kiosk_group,
        "set-pin",
        "set the PIN that leaves kiosk mode: the new PIN on the first line of standard input "
        "(prompted for at a terminal), so it stays out of the shell history",
        _set_pin,
    )
    set_pin.add_argument(
        "--current",
        action="store_true",
        help="changing a PIN: the current PIN is on the second line of standard input",
    )


# ---- the Q&A log -------------------------------------------------------------------------


def _question_lines(row: QuestionRow) -> list[str]:
    asked = to_local(row.asked_at)
    details = [
        plural(row.upvotes, "upvote"),
        row.status_label,
        row.theme or "no theme",
        "anonymous" if row.anonymous else "from a registered attendee",
        f"asked {asked:%H:%M} {asked.day} {asked:%b}",
    ]
    lines = [f"[{' · '.join(details)}]", f"  {row.text}"]
    if row.answer:
        lines.append(f"  Answer: {row.answer}")
    lines.append(f"  id: {row.id}")
    return lines


def _print_question(row: QuestionRow, args: argparse.Namespace, done: str) -> int:
    if args.json:
        print(json.dumps(row.as_json(), indent=2, ensure_ascii=False))
    else:
        print(done)
        print("\n".join(_question_lines(row)))
    return 0


def _questions(desk: Desk, args: argparse.Namespace) -> int:
    rows = desk.webinars.questions(args.event)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No questions logged for this event yet.")
        return 0
    print(f"{plural(len(rows), 'question')}, most upvoted first:")
    for row in rows:
        print()
        print("\n".join(_question_lines(row)))
    return 0


def _ask(desk: Desk, args: argparse.Namespace) -> int:
    row = desk.webinars.add_question(args.event, args.text, args.theme, args.registration)
    return _print_question(row, args, "Question logged.")


def _upvote(desk: Desk, args: argparse.Namespace) -> int:
    row = desk.webinars.upvote(args.question)
    return _print_question(row, args, f"Upvoted: {plural(row.upvotes, 'upvote')} now.")


def _answer(desk: Desk, args: argparse.Namespace) -> int:
    row = desk.webinars.set_status(args.question, args.status, args.answer)
    return _print_question(row, args, f"Question marked '{row.status.value}'.")


def _attendance(desk: Desk, args: argparse.Namespace) -> int:
    result = desk.webinars.import_attendance(args.event, args.file, dry_run=args.dry_run)
    if args.json:
        print(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
    elif result.ok:
        print(result.summary())
    for problem in result.problems:
        print(f"engagement-desk: {problem}", file=sys.stderr)
    if result.problems:
        print(
            f"engagement-desk: nothing was imported from {result.file_name}; fix "
            f"{'these problems' if len(result.problems) > 1 else 'this problem'} and try again.",
            file=sys.stderr,
        )
        return 1
    return 0


# ---- the kiosk PIN -------------------------------------------------------------------------


def _set_pin(desk: Desk, args: argparse.Namespace) -> int:
    had_pin = desk.kiosk.has_pin()
    if sys.stdin.isatty():
        current = getpass("Current kiosk PIN: ") if had_pin else None
        pin = getpass("New kiosk PIN (4 to 8 digits): ")
        if getpass("The new PIN again: ") != pin:
            raise UserError("The two new PINs are different; the PIN was not changed.")
    else:
        lines = sys.stdin.read(1000).splitlines()
        pin = lines[0].strip() if lines else ""
        current = lines[1].strip() if args.current and len(lines) > 1 else None
        if not pin:
            raise UserError(
                "Give the new PIN on standard input, e.g. from a file: "
                "engagement-desk kiosk set-pin < pin.txt"
            )
        if had_pin and not args.current:
            raise UserError(
                "A kiosk PIN is already set. To change it, add --current and give the current "
                "PIN on the second line of standard input."
            )
        if args.current and had_pin and not current:
            raise UserError("--current needs the current PIN on the second line of standard input.")
    desk.kiosk.set_pin(pin, current)
    print("Kiosk PIN changed." if had_pin else "Kiosk PIN set.")
    return 0
