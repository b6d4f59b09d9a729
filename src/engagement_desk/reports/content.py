"""What a report says, as plain blocks that both the PDF and the HTML renderer draw.

The event and programme reports are written once, as a :class:`Report` of headings,
paragraphs, tables, bar charts and quotes built from a summary object; ``reports.document``
draws it as a PDF and ``reports.html`` as a web page. So the two formats cannot drift apart,
and neither of them does any arithmetic: every number is a string taken from the summary.

Nothing here imports reportlab or touches the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from engagement_desk.core.clock import to_local
from engagement_desk.core.summary import NOT_GIVEN, ActionItem


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 is the report's title; sections are 2, their parts 3 and 4


@dataclass(frozen=True)
class Text:
    text: str
    kind: str = "body"  # body; reading (a plain-English finding, emphasised); note (smaller print)


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    name: str
    numeric: bool = False
    weight: float = 1.0  # share of the width, relative to the other columns


@dataclass(frozen=True)
class Table:
    """A table whose first column names each row. A cell's "\\n" is a line break."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None
    note: str = ""  # printed under the table, and kept with it


@dataclass(frozen=True)
class Bar:
    place: str  # '1st', '=2nd'
    label: str  # the priority's title
    value: float  # the bar's length, on the chart's own scale
    text: str  # the number(s) written beside the bar


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str  # what the bars measure, for people who cannot see them
    value_heading: str  # the heading of the numbers' column when the chart is read as a table
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Quote:
    text: str


@dataclass(frozen=True)
class Entry:
    """One item with labelled details, such as a webinar question and its answer."""

    text: str
    details: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TitlePage:
    kicker: str  # 'Engagement event summary'
    title: str
    facts: tuple[tuple[str, str], ...]  # (label, value)
    prepared_for: str
    generated: str
    notice: str  # how small numbers are shown


Block = Heading | Text | Bullets | Table | BarChart | Quote | Entry | TitlePage


@dataclass(frozen=True)
class Report:
    title: str  # the document's title (PDF metadata, HTML <title>)
    subject: str
    programme: str
    generated: str  # 'Generated 15 April 2026'
    blocks: tuple[Block, ...]
    author: str = "Engagement Desk"
    language: str = "en-GB"


# ---- wording shared by both reports ----------------------------------------------------


def ordinal(place: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    teens = 10 <= place % 100 <= 20
    suffix = "th" if teens else {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")
    return f"{place}{suffix}"


def long_date(iso: str | None) -> str:
    """'Tue 3 Mar 2026' from an ISO date (or date and time, shown in UK time)."""
    if not iso:
        return NOT_GIVEN
    try:
        if "T" in iso or " " in iso.strip():
            moment = datetime.fromisoformat(iso)
            day = to_local(moment).date() if moment.tzinfo else moment.date()
        else:
            day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day:%a} {day.day} {day:%b %Y}"


def generated_text(iso: str) -> str:
    """'Generated 15 April 2026 at 10:05' (UK time) from the summary's ISO timestamp."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return f"Generated {iso}"
    local = to_local(moment) if moment.tzinfo else moment
    return f"Generated {local.day} {local:%B %Y} at {local:%H:%M}"


def suppression_notice(threshold: int) -> str:
    return (
        f"This summary names no one. Where 1 to {threshold - 1} people gave an answer, the "
        f"count is shown as “fewer than {threshold}”, and a few other counts may read “not "
        "shown” so that a hidden number cannot be worked out from a total. A percentage is "
        f"given only when both of its numbers are shown; otherwise it reads “{NOT_GIVEN}”."
    )


def prepared_for(forum: str) -> str:
    return f"Prepared for {forum}" if forum else "Prepared for the programme team"


def percent_or_not_given(percent: str | None, of: str) -> str:
    return f"{percent} of {of}" if percent else NOT_GIVEN


ACTION_COLUMNS = (
    Column("You said", weight=0.38),
    Column("We did", weight=0.38),
    Column("Status", weight=0.24),
)


def action_blocks(actions: Sequence[ActionItem]) -> list[Block]:
    blocks: list[Block] = [
        Heading("You said, we did", 2),
        Text(
            "What parents and carers told us, and what the council and its partners will do "
            "or have done about it."
        ),
    ]
    if not actions:
        blocks.append(Text("No actions have been recorded yet."))
        return blocks
    rows = []
    for action in actions:
        said = action.you_said
        filed = [f"Theme: {action.theme}" if action.theme else "", action.priority]
        if action.priority:
            filed[1] = f"Priority: {action.priority}"
        said = "\n".join([said, *[f for f in filed if f]])
        did = action.we_did or "Not yet recorded."
        if action.owner:
            did += f"\nOwner: {action.owner}"
        status = action.status.capitalize() if action.status else NOT_GIVEN
        if action.due:
            status += f"\nDue {long_date(action.due)}"
        rows.append((said, did, status))
    blocks.append(Table('"You said, we did" actions', ACTION_COLUMNS, tuple(rows)))
    return blocks


PERCENT_NOTE = (
    "A percentage is given only when both of its numbers are shown; otherwise it reads "
    f"“{NOT_GIVEN}”."
)


def notes_blocks(threshold: int, notes: Sequence[str]) -> list[Block]:
    """The summary's own notes on how numbers are shown (or the standard wording)."""
    items = (*notes, PERCENT_NOTE) if notes else (suppression_notice(threshold),)
    return [Heading("About these numbers", 2), Bullets(items)]
