"""The programme summary report, across the events in a date range, from a
:class:`ProgrammeSummary` alone: suitable to attach to a committee report.

Never queries the database and never works a number out: attendance per event and in total,
where each priority stood at each event and whether it rose or fell, themes across events and
the "You said, we did" actions are all printed as the summary holds them.

Reportlab cannot write a tagged PDF; the PDF has bookmarks, metadata and its language set, and
``reports.html.programme_report_html`` gives the same content as accessible HTML.
"""

from __future__ import annotations

from engagement_desk.core.summary import (
    METHOD_LABELS,
    NOT_GIVEN,
    Attendance,
    PriorityTrend,
    ProgrammeSummary,
)
from engagement_desk.reports.content import (
    Block,
    Column,
    Heading,
    Report,
    Table,
    Text,
    TitlePage,
    action_blocks,
    generated_text,
    long_date,
    notes_blocks,
    ordinal,
    prepared_for,
    suppression_notice,
)

CHANGE_WORDS = {"rose": "Rose", "fell": "Fell", "no change": "No change", "": "Not enough data"}


def render_programme_report(summary: ProgrammeSummary, *, large_print: bool = False) -> bytes:
    """A4 PDF bytes. ``large_print``: body text at 16 pt or more, larger headings.

    The PDF is not tagged (reportlab cannot tag); offer the HTML version to screen readers.
    """
    from engagement_desk.reports.document import render_pdf

    return render_pdf(programme_report(summary), large_print=large_print)


def period(summary: ProgrammeSummary) -> str:
    if summary.date_from and summary.date_to:
        return f"{long_date(summary.date_from)} to {long_date(summary.date_to)}"
    if summary.date_from:
        return f"From {long_date(summary.date_from)}"
    if summary.date_to:
        return f"Up to {long_date(summary.date_to)}"
    return "All events"


def programme_report(summary: ProgrammeSummary) -> Report:
    """What the programme report says, in order."""
    blocks: list[Block] = [_title_page(summary)]
    blocks += _attendance(summary)
    blocks += _priorities(summary)
    blocks += _themes(summary)
    blocks += action_blocks(summary.actions)
    blocks += notes_blocks(summary.threshold, summary.notes)
    return Report(
        title=f"Programme summary: {summary.programme}",
        subject=(
            f"What parents and carers said across the {summary.programme} events "
            f"({period(summary)}): attendance, priorities over time, themes and "
            "actions."
        ),
        programme=summary.programme,
        generated=generated_text(summary.generated_at),
        blocks=tuple(blocks),
    )


def _title_page(summary: ProgrammeSummary) -> TitlePage:
    facts = [("Period", period(summary)), ("Events", f"{summary.totals.events:,}")]
    if summary.area:
        facts.append(("Area", summary.area))
    if summary.forum:
        facts.append(("Parent Carer Forum", summary.forum))
    return TitlePage(
        kicker="Programme summary",
        title=summary.programme,
        facts=tuple(facts),
        prepared_for=prepared_for(summary.forum),
        generated=generated_text(summary.generated_at),
        notice=suppression_notice(summary.threshold),
    )


def _with_percent(count: str, percent: str | None) -> str:
    return f"{count}\n({percent})" if percent else count


def _attendance_cells(a: Attendance) -> tuple[str, str, str, str]:
    return (
        a.registered.text,
        _with_percent(a.checked_in.text, a.checked_in_percent),
        _with_percent(a.walk_ins.text, a.walk_ins_percent),
        _with_percent(a.no_shows.text, a.no_shows_percent),
    )


def _attendance(summary: ProgrammeSummary) -> list[Block]:
    blocks: list[Block] = [Heading("Attendance", 2)]
    if not summary.events:
        blocks.append(Text("There were no events in this period."))
        return blocks
    rows = tuple(
        (f"{row.title}\n{long_date(row.date)}", *_attendance_cells(row.attendance))
        for row in summary.events
    )
    events = summary.totals.events
    blocks.append(
        Table(
            "Attendance at each event",
            (
                Column("Event", weight=0.36),
                Column("Registered", numeric=True, weight=0.16),
                Column("Checked in", numeric=True, weight=0.16),
                Column("Walk-ins", numeric=True, weight=0.16),
                Column("No-shows", numeric=True, weight=0.16),
            ),
            rows,
            total=(
                f"All {events:,} event{'' if events == 1 else 's'}",
                *_attendance_cells(summary.totals.attendance),
            ),
            note="Percentages: checked in and no-shows are of those registered; walk-ins are "
            "of those checked in. Registered includes walk-ins, who register at the door.",
        )
    )
    return blocks


def _place(place: int | None) -> str:
    return ordinal(place) if place is not None else NOT_GIVEN


def _priorities(summary: ProgrammeSummary) -> list[Block]:
    blocks: list[Block] = [Heading("Priorities over time", 2)]
    if summary.trend_reading:
        blocks.append(Text(summary.trend_reading, "reading"))
    if not summary.priorities:
        blocks.append(Text("The programme has no priorities to compare."))
        return blocks
    blocks.append(
        Table(
            "Where each priority stood at the first and the latest event with scores",
            (
                Column("Priority", weight=0.43),
                Column("First event", numeric=True, weight=0.19),
                Column("Latest event", numeric=True, weight=0.19),
                Column("Change", weight=0.19),
            ),
            tuple(
                (
                    trend.title,
                    _place(trend.first_place),
                    _place(trend.last_place),
                    CHANGE_WORDS.get(trend.change, trend.change.capitalize()),
                )
                for trend in summary.priorities
            ),
            note="Places are from each event's main way of asking (ranking, dots or 100 "
            "points); 1st is the priority people put highest. Priorities with equal scores "
            "share a place.",
        )
    )
    titles = {row.event_id: row.title for row in summary.events}
    for trend in summary.priorities:
        blocks += _trend(trend, titles)
    return blocks


def _trend(trend: PriorityTrend, titles: dict[str, str]) -> list[Block]:
    blocks: list[Block] = [Heading(trend.title, 3)]
    if not trend.points:
        blocks.append(Text("No event in this period has scores for this priority."))
        return blocks
    change = CHANGE_WORDS.get(trend.change, trend.change.capitalize())
    blocks.append(
        Table(
            f"{trend.title}: place at each event",
            (
                Column("Event", weight=0.36),
                Column("Asked by", weight=0.18),
                Column("Place", numeric=True, weight=0.13),
                Column("Score", weight=0.33),
            ),
            tuple(
                (
                    f"{titles.get(point.event_id, point.short_code)}\n{long_date(point.date)}",
                    METHOD_LABELS.get(point.method, point.method),
                    ordinal(point.place),
                    point.score,
                )
                for point in trend.points
            ),
            note=f"Change from the first to the latest event: {change.lower()}.",
        )
    )
    return blocks


def _themes(summary: ProgrammeSummary) -> list[Block]:
    blocks: list[Block] = [Heading("Themes across events", 2)]
    if not summary.themes:
        blocks.append(Text("No comments were filed under a theme in this period."))
        return blocks
    blocks.append(
        Table(
            "Comments by theme across events",
            (
                Column("Theme", weight=0.56),
                Column("Comments", numeric=True, weight=0.22),
                Column("Events", numeric=True, weight=0.22),
            ),
            tuple((t.theme, t.comments.text, f"{t.events:,}") for t in summary.themes),
            note="Events: at how many events the theme came up. One comment may touch on "
            "several themes.",
        )
    )
    return blocks
