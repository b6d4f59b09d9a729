"""`checkin EVENT [CODE ...]` at the door, and `signin-sheet EVENT -o FILE.pdf` for when a
laptop fails.

Each code's outcome is printed (and flushed) as soon as it is decided, and a check-in is
committed to disk before its line is printed: a line on the screen, or read by another
program from a pipe, is a check-in that survives a crash or a power cut.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from engagement_desk.bootstrap import Desk
from engagement_desk.cli.common import add_command, output_path, plural
from engagement_desk.core.checkin import Outcome
from engagement_desk.services.checkin import CheckInResult
from engagement_desk.services.errors import UserError
from engagement_desk.services.files import save_file

# One word per outcome at the start of each plain line, for people and for `grep`/`awk`.
LABELS: dict[Outcome, str] = {
    Outcome.ADMITTED: "ADMITTED",
    Outcome.ADMITTED_NOT_ON_LIST: "ADMITTED-NOT-ON-LIST",
    Outcome.ALREADY_CHECKED_IN: "ALREADY-CHECKED-IN",
    Outcome.WRONG_EVENT: "WRONG-EVENT",
    Outcome.CANCELLED: "CANCELLED",
    Outcome.WAITLISTED: "WAITLISTED",
    Outcome.NOT_RECOGNISED: "NOT-RECOGNISED",
    Outcome.EVENT_CANCELLED: "EVENT-CANCELLED",
    Outcome.EVENT_ENDED: "EVENT-ENDED",
}

CHECKIN_HELP = """\
Codes come from the arguments or, when there are none, from standard input one per line
(a USB scanner in a terminal, or a pipe). Each code gets one line out, printed the moment
it is decided and only after any check-in is saved to disk:

  ADMITTED  Welcome, Sarah Ashworth — Access needs: quiet space

The first word is one of: ADMITTED, ADMITTED-NOT-ON-LIST, ALREADY-CHECKED-IN,
WRONG-EVENT, CANCELLED, WAITLISTED, NOT-RECOGNISED, EVENT-CANCELLED (the event itself
is cancelled: no one is admitted), EVENT-ENDED (the door closed 6 hours after the event's
end). A code may be the QR text or the printed ticket reference typed by hand. Every line
of input gets a line of output, so a blank line says "NOT-RECOGNISED  Nothing was
scanned." The same code again within 3 seconds counts once (marked "repeat scan").

With --json each line is one JSON object: outcome (admitted, admitted_not_on_list,
already_checked_in, wrong_event, cancelled, waitlisted, not_recognised, event_cancelled,
event_ended), admits, headline,
detail, person_name, access_needs, access_notes, registration_id, check_in_id, repeated.

Exit status 0 when every code was decided, even if some were refused (each refusal is an
outcome line); 1 for an unknown event, with nothing written."""


def register(commands: Any) -> None:
    checkin = add_command(
        commands,
        "checkin",
        "check people in at the door: one outcome line per code, flushed at once",
        _checkin,
        intermixed=True,  # options may sit among the codes
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=CHECKIN_HELP,
    )
    checkin.add_argument("event", metavar="EVENT", help="event id or short code")
    checkin.add_argument(
        "codes",
        nargs="*",
        metavar="CODE",
        help="ticket codes or typed ticket references (default: read standard input)",
    )
    checkin.add_argument(
        "--method",
        default="scanner",
        help="how the codes were read, kept with each check-in (default: scanner)",
    )
    checkin.add_argument("--json", action="store_true", help="one JSON object per line")

    sheet = add_command(
        commands,
        "signin-sheet",
        "make a printable paper sign-in sheet for an event (names, tick boxes, access needs)",
        _signin_sheet,
    )
    sheet.add_argument("event", metavar="EVENT", help="event id or short code")
    sheet.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    sheet.add_argument(
        "--blank-rows",
        type=int,
        default=None,
        metavar="N",
        help="empty rows at the end for walk-ins (default: fill the last page, at least 8)",
    )


# ---- checkin ---------------------------------------------------------------------


def _checkin(desk: Desk, args: argparse.Namespace) -> int:
    # An unknown event is a user error before anything is read or written.
    event = desk.events.get(args.event)
    method = args.method.strip()[:20] or "scanner"
    if not args.codes and sys.stdin is None:
        raise UserError("Give the codes after the event, or send them in one per line.")
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper):
        # A name the terminal cannot show must not stop the desk after saving a check-in.
        out.reconfigure(errors="replace")
    interactive = not args.codes and sys.stdin.isatty()
    if interactive:
        print(
            f"Checking in to {event.draft.title} ({event.short_code}). Scan or type one code "
            "per line; Ctrl-D (Ctrl-Z then Enter on Windows) to finish.",
            file=sys.stderr,
            flush=True,
        )
    codes = args.codes if args.codes else _lines(sys.stdin)
    tally: Counter[Outcome] = Counter()
    try:
        for code in codes:
            result = desk.check_in.scan(event.id, code, method=method)
            tally[result.outcome] += 1
            _say(result, as_json=args.json, out=out)
    except KeyboardInterrupt:
        # Every line already printed is saved; stopping here loses nothing.
        print(file=sys.stderr)
    except BrokenPipeError:
        # Whatever was reading the outcomes has gone (`| head`, a closed window): stop
        # quietly. Python would otherwise complain again when it flushes at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        return 0
    if interactive or sys.stderr.isatty():
        print(_summary(tally), file=sys.stderr)
    return 0


def _lines(stream: TextIO) -> Iterator[str]:
    """Lines as they arrive (never the whole input at once), undecodable bytes replaced."""
    if isinstance(stream, io.TextIOWrapper):
        # A scanner set to the wrong code page must not end the session with a traceback.
        stream.reconfigure(errors="replace")
    while True:
        line = stream.readline()
        if not line:
            return
        yield line


def _say(result: CheckInResult, *, as_json: bool, out: TextIO) -> None:
    line = json.dumps(result_json(result), ensure_ascii=False) if as_json else plain_line(result)
    out.write(line + "\n")
    out.flush()


def plain_line(result: CheckInResult) -> str:
    """``ADMITTED  Welcome, Sarah Ashworth — Access needs: quiet space``"""
    words = result.headline.rstrip(".")
    if result.detail and result.detail != result.headline:
        words += f" — {result.detail}"
    if result.repeated:
        words += " (repeat scan, counted once)"
    # One outcome is one line, whatever the words hold.
    return f"{LABELS[result.outcome]}  {' '.join(words.split())}"


def result_json(result: CheckInResult) -> dict[str, Any]:
    return {
        "outcome": result.outcome.name.lower(),
        "admits": result.outcome.admits,
        "headline": result.headline,
        "detail": result.detail,
        "person_name": result.person_name,
        "access_needs": list(result.access_needs),
        "access_notes": result.access_notes,
        "registration_id": result.registration_id,
        "check_in_id": result.check_in_id,
        "repeated": result.repeated,
    }


def _summary(tally: Counter[Outcome]) -> str:
    total = sum(tally.values())
    if not total:
        return "No codes were scanned."
    admitted = sum(n for outcome, n in tally.items() if outcome.admits)
    parts = [f"{n} {outcome.value}" for outcome, n in tally.items() if n and not outcome.admits]
    refused = f" ({', '.join(parts)})" if parts else ""
    return f"{plural(total, 'code')}: {admitted} admitted, {total - admitted} not{refused}."


# ---- signin-sheet ----------------------------------------------------------------


def _signin_sheet(desk: Desk, args: argparse.Namespace) -> int:
    from engagement_desk.reports.signin_sheet import render_sign_in_sheet
    from engagement_desk.services.signin import SignInService

    target = output_path(args.output)
    if args.blank_rows is not None and not 0 <= args.blank_rows <= 500:
        raise UserError("Give --blank-rows between 0 and 500.")
    sheet = SignInService(desk.db, desk.events, desk.clock).sign_in_sheet(args.event)
    data = render_sign_in_sheet(sheet, blank_rows=args.blank_rows)
    save_file(target, data)
    print(
        f"Wrote a sign-in sheet with {plural(len(sheet.people), 'name')} for {sheet.title} "
        f"({sheet.event_code}) to {target}"
    )
    return 0
