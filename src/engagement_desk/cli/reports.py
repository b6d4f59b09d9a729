"""`report event EVENT -o FILE.pdf` and `report programme -o FILE.pdf`, with --large-print,
--html FILE for the accessible web version and --xlsx FILE for the report's tables as an
Excel workbook. Nothing is written unless every file is."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from engagement_desk.bootstrap import Desk
from engagement_desk.cli.common import add_command, output_path
from engagement_desk.core.validation import date_problem
from engagement_desk.services.errors import UserError
from engagement_desk.services.files import save_files


def register(commands: Any) -> None:
    report = add_command(
        commands, "report", "make the PDF (and HTML) summary of an event or the programme"
    )
    group = report.add_subparsers(dest="report_command", metavar="KIND", required=True)

    event = add_command(group, "event", "an event's summary for the Parent Carer Forum", _event)
    event.add_argument("event", metavar="EVENT", help="event id or short code")
    _output_options(event)

    programme = add_command(
        group, "programme", "the programme's summary across events, for a committee", _programme
    )
    programme.add_argument("--from", dest="date_from", metavar="DATE", help="first day, UK")
    programme.add_argument("--to", dest="date_to", metavar="DATE", help="last day, UK")
    _output_options(programme)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, metavar="FILE.pdf", help="the PDF to write")
    parser.add_argument(
        "--large-print", action="store_true", help="body text at 16 pt, larger headings"
    )
    parser.add_argument(
        "--html", type=Path, metavar="FILE", help="also write the accessible HTML version"
    )
    parser.add_argument(
        "--xlsx",
        type=Path,
        metavar="FILE",
        help="also write the report's tables, as printed, to an Excel workbook",
    )


def _targets(args: argparse.Namespace) -> tuple[Path | None, Path | None, Path | None]:
    if args.output is None and args.html is None and args.xlsx is None:
        raise UserError(
            "Say where to write the report: -o FILE.pdf, --html FILE, --xlsx FILE, or more "
            "than one."
        )
    pdf = output_path(args.output) if args.output is not None else None
    html = output_path(args.html) if args.html is not None else None
    xlsx = output_path(args.xlsx) if args.xlsx is not None else None
    chosen = [p.resolve() for p in (pdf, html, xlsx) if p is not None]
    if len(set(chosen)) < len(chosen):
        raise UserError("The PDF, the HTML file and the workbook need different names.")
    return pdf, html, xlsx


def _event(desk: Desk, args: argparse.Namespace) -> int:
    pdf, html, xlsx = _targets(args)
    summary = desk.summaries.event_summary(args.event)
    files: list[tuple[Path, bytes]] = []
    if pdf is not None:
        from engagement_desk.reports.event_report import render_event_report

        files.append((pdf, render_event_report(summary, large_print=args.large_print)))
    if html is not None:
        from engagement_desk.reports.html import event_report_html

        files.append((html, event_report_html(summary).encode("utf-8")))
    if xlsx is not None:
        from engagement_desk.reports.tables_xlsx import event_tables_xlsx

        files.append((xlsx, event_tables_xlsx(summary)))
    save_files(files)
    what = f"the summary of {summary.event.title} ({summary.event.short_code})"
    print(f"Wrote {what} to {' and '.join(str(path) for path, _ in files)}")
    return 0


def _programme(desk: Desk, args: argparse.Namespace) -> int:
    pdf, html, xlsx = _targets(args)
    summary = desk.summaries.programme_summary(
        _date(args.date_from, "--from"), _date(args.date_to, "--to")
    )
    files: list[tuple[Path, bytes]] = []
    if pdf is not None:
        from engagement_desk.reports.programme_report import render_programme_report

        files.append((pdf, render_programme_report(summary, large_print=args.large_print)))
    if html is not None:
        from engagement_desk.reports.html import programme_report_html

        files.append((html, programme_report_html(summary).encode("utf-8")))
    if xlsx is not None:
        from engagement_desk.reports.tables_xlsx import programme_tables_xlsx

        files.append((xlsx, programme_tables_xlsx(summary)))
    save_files(files)
    events = summary.totals.events
    print(
        f"Wrote the programme summary ({events} event{'' if events == 1 else 's'}) to "
        f"{' and '.join(str(path) for path, _ in files)}"
    )
    return 0


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as exc:
        raise UserError(f"Give {option} as a date like 2026-03-31; got '{text}'.") from exc
    problem = date_problem(day, option)
    if problem is not None:
        raise UserError(problem)
    return day
