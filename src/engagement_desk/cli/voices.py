"""`summary EVENT|--programme` and `votes import EVENT FILE`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import Desk
from engagement_desk.cli.common import add_command
from engagement_desk.core.scoring import Cell
from engagement_desk.core.summary import (
    Attendance,
    EventSummary,
    MethodResult,
    ProfileBreakdown,
    ProgrammeSummary,
)
from engagement_desk.services.errors import UserError


def register(commands: Any) -> None:
    summary = add_command(
        commands,
        "summary",
        "print an event's summary, or the programme's with --programme (no names; small "
        "numbers hidden)",
        _summary,
    )
    summary.add_argument("event", metavar="EVENT", nargs="?", help="event id or short code")
    summary.add_argument(
        "--programme", action="store_true", help="the whole programme instead of one event"
    )
    summary.add_argument(
        "--from", dest="date_from", metavar="DATE", help="programme: first day, e.g. 2026-01-01"
    )
    summary.add_argument(
        "--to", dest="date_to", metavar="DATE", help="programme: last day, e.g. 2026-03-31"
    )
    summary.add_argument("--json", action="store_true", help="machine-readable output")

    votes = add_command(commands, "votes", "responses typed up from paper forms")
    group = votes.add_subparsers(dest="votes_command", metavar="ACTION", required=True)
    importing = add_command(
        group,
        "import",
        "import paper response forms typed into a CSV or Excel (.xlsx) file, one row per form",
        _import,
    )
    importing.add_argument("event", metavar="EVENT", help="event id or short code")
    importing.add_argument("file", metavar="FILE", type=Path, help="the .csv or .xlsx file")
    importing.add_argument(
        "--method",
        choices=("dots", "ranking", "points"),
        help="the method of every form, when the file has no 'method' column",
    )
    importing.add_argument(
        "--dry-run", action="store_true", help="check the file and say what would happen"
    )
    importing.add_argument("--json", action="store_true", help="machine-readable output")


# ---- summary -------------------------------------------------------------------------


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise UserError(f"Give {option} as a date like 2026-03-31; got '{text}'.") from exc


def _summary(desk: Desk, args: argparse.Namespace) -> int:
    if args.programme and args.event:
        raise UserError("Give an event or --programme, not both.")
    if not args.programme and not args.event:
        raise UserError(
            "Say which event to summarise (its id or short code), or use --programme. "
            "Run 'engagement-desk events list' to see the events."
        )
    if not args.programme and (args.date_from or args.date_to):
        raise UserError("--from and --to go with --programme.")
    if args.programme:
        programme = desk.summaries.programme_summary(
            _date(args.date_from, "--from"), _date(args.date_to, "--to")
        )
        if args.json:
            _print_json(programme.to_dict())
        else:
            _print_programme(programme)
        return 0
    summary = desk.summaries.event_summary(args.event)
    if args.json:
        _print_json(summary.to_dict())
    else:
        _print_event(summary)
    return 0


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _with_percent(cell: Cell, percent: str | None) -> str:
    return f"{cell.text} ({percent})" if percent else cell.text


def _attendance_lines(a: Attendance) -> list[str]:
    return [
        f"  Registered:  {a.registered.text}",
        f"  Checked in:  {_with_percent(a.checked_in, a.checked_in_percent)}",
        f"  Walk-ins:    {_with_percent(a.walk_ins, a.walk_ins_percent)}",
        f"  No-shows:    {_with_percent(a.no_shows, a.no_shows_percent)}",
    ]


def _profile_lines(breakdown: ProfileBreakdown) -> list[str]:
    lines = [f"  {breakdown.title}:"]
    if breakdown.note:
        lines.append(f"    ({breakdown.note})")
    if breakdown.withheld:
        return lines
    for row in breakdown.rows:
        if row.count.value == 0:
            continue
        lines.append(f"    {row.label:40} {_with_percent(row.count, row.percent)}")
    return lines


def _method_lines(method: MethodResult) -> list[str]:
    lines = [f"{method.label} ({method.responses.text} responses)"]
    if method.tally_dots:
        lines[0] = lines[0][:-1] + f", plus {method.tally_dots:,} dots from the paper wall)"
    elif method.tally_dots is None:
        lines[0] = lines[0][:-1] + ", plus dots from the paper wall)"
    lines.append(f"  {method.reading}")
    for score in sorted(
        method.scores, key=lambda s: (s.place or len(method.scores) + 1, s.position)
    ):
        if score.total is None:
            places = ", ".join(c.text for c in score.positions[:3])
            detail = "score not shown: would reveal a small number"
            detail += f"; 1st/2nd/3rd: {places}" if places else ""
            lines.append(f"  -. {score.title}: {detail}")
            continue
        if method.method == "ranking":
            places = ", ".join(c.text for c in score.positions[:3])
            detail = f"Borda {score.total:,}, mean {score.mean or 0:.1f}; 1st/2nd/3rd: {places}"
        elif method.method == "points":
            detail = f"{score.total:,} points, mean {score.mean or 0:.0f}"
        else:
            detail = f"{score.total:,} dots ({score.share or '0%'})"
        lines.append(f"  {score.place}. {score.title}: {detail}")
    for group in method.by_group:
        described = [r for r in group.rows if r.top]
        if not described:
            continue
        lines.append(f"  Top priority, by {group.title}:")
        for row in described:
            lines.append(f"    {row.group} ({row.responses.text}): {'; '.join(row.top)}")
    return lines


def _print_event(summary: EventSummary) -> None:
    event = summary.event
    lines = [
        f"{event.title} ({event.short_code})",
        f"{event.kind_label}, {event.when}" + (f", {event.venue}" if event.venue else ""),
        f"{summary.programme}" + (f" with {summary.forum}" if summary.forum else ""),
        "",
        "Attendance",
        *_attendance_lines(summary.attendance),
        "",
        f"Who came (the {summary.profile_total.text} checked-in people whose details we hold)",
    ]
    for breakdown in summary.profile:
        lines.extend(_profile_lines(breakdown))
    for method in summary.methods:
        lines += ["", *_method_lines(method)]
    lines += ["", f"Comments: {summary.comments.text}"]
    for theme in summary.themes:
        lines.append(f"  {theme.theme:45} {theme.comments.text}")
    if summary.quotes:
        lines += ["", "Quotes (with permission)"]
        lines += [f'  "{q.text}"' for q in summary.quotes]
    if summary.questions:
        lines += ["", "Questions"]
        for question in summary.questions:
            lines.append(f"  [{question.status}] {question.text} ({question.upvotes} up-votes)")
            if question.answer:
                lines.append(f"    Answer: {question.answer}")
    if summary.actions:
        lines += ["", "You said, we did"]
        for action in summary.actions:
            lines.append(f"  [{action.status}] {action.you_said} -> {action.we_did or '...'}")
    lines += ["", *summary.notes]
    print("\n".join(lines))


def _print_programme(summary: ProgrammeSummary) -> None:
    span = ""
    if summary.date_from or summary.date_to:
        span = f" ({summary.date_from or 'start'} to {summary.date_to or 'now'})"
    lines = [f"{summary.programme}{span}", "", "Attendance by event"]
    header = f"  {'DATE':10}  {'CODE':6}  {'REG':>12}  {'IN':>12}  {'WALK':>12}  {'NO-SHOW':>12}"
    lines.append(header + "  TITLE")
    for row in summary.events:
        a = row.attendance
        lines.append(
            f"  {row.date:10}  {row.short_code:6}  {a.registered.text:>12}  "
            f"{a.checked_in.text:>12}  {a.walk_ins.text:>12}  {a.no_shows.text:>12}  {row.title}"
        )
    t = summary.totals.attendance
    lines.append(
        f"  {'TOTAL':10}  {summary.totals.events:<6}  {t.registered.text:>12}  "
        f"{t.checked_in.text:>12}  {t.walk_ins.text:>12}  {t.no_shows.text:>12}"
    )
    lines += ["", "Priorities over time", f"  {summary.trend_reading}"]
    for trend in summary.priorities:
        places = ", ".join(f"{p.short_code} {p.place}" for p in trend.points) or "no scores"
        change = f" ({trend.change})" if trend.change else ""
        lines.append(f"  {trend.title}{change}: {places}")
    if summary.themes:
        lines += ["", "Themes across events"]
        for theme in summary.themes:
            lines.append(
                f"  {theme.theme:45} {theme.comments.text} "
                f"(at {theme.events} event{'s' if theme.events != 1 else ''})"
            )
    if summary.actions:
        lines += ["", "You said, we did"]
        for action in summary.actions:
            lines.append(f"  [{action.status}] {action.you_said} -> {action.we_did or '...'}")
    lines += ["", *summary.notes]
    print("\n".join(lines))


# ---- votes import ---------------------------------------------------------------------


def _import(desk: Desk, args: argparse.Namespace) -> int:
    report = desk.voices.import_file(
        args.event, args.file, method=args.method, dry_run=args.dry_run
    )
    if args.json:
        _print_json(report.as_json())
    elif not report.problems:
        print(report.summary())
        for note in report.notes:
            print(f"Note: {note}")
    for problem in report.problems:
        print(f"engagement-desk: {problem}", file=sys.stderr)
    if report.problems:
        for note in report.notes:
            print(f"engagement-desk: {note}", file=sys.stderr)
        print(
            f"engagement-desk: nothing was imported from {report.file_name}; fix "
            f"{'these problems' if len(report.problems) > 1 else 'this problem'} and try again.",
            file=sys.stderr,
        )
        return 1
    return 0
