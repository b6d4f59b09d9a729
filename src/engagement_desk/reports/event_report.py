"""The event summary report for the Parent Carer Forum, from an :class:`EventSummary` alone.

Never queries the database and never works a number out: every count, percentage, score and
reading printed here is a string or number the summary already holds (counts are suppressed
``Cell`` objects, printed by their ``text``). ``event_report`` writes the content once;
``render_event_report`` draws it as a PDF and ``reports.html.event_report_html`` as a web
page.

Reportlab cannot write a tagged PDF, so a screen reader meets the PDF's text without its
structure; the PDF has bookmarks for every heading, its language and metadata set, and the
same content is published as accessible HTML for screen readers and the Local Offer website.
"""

from __future__ import annotations

from engagement_desk.core.summary import (
    NOT_GIVEN,
    WITHHELD,
    EventSummary,
    GroupBreakdown,
    MethodResult,
    PriorityScore,
    ProfileBreakdown,
    QuestionItem,
    join_titles,
)
from engagement_desk.reports.content import (
    Bar,
    BarChart,
    Block,
    Column,
    Entry,
    Heading,
    Quote,
    Report,
    Table,
    Text,
    TitlePage,
    action_blocks,
    generated_text,
    notes_blocks,
    ordinal,
    percent_or_not_given,
    prepared_for,
    suppression_notice,
)

# A report is read, not searched: past this many, quotes are a selection (the first ones,
# in the summary's order) rather than pages of them. The count is not printed: it is a
# count of comments that the summary does not publish.
QUOTE_LIMIT = 15

QUESTION_GROUPS = (
    ("answered live", "Answered during the webinar"),
    ("answered later", "Answered afterwards"),
    ("to follow up", "To follow up"),
    ("open", "Not yet answered"),
)


def render_event_report(summary: EventSummary, *, large_print: bool = False) -> bytes:
    """A4 PDF bytes. ``large_print``: body text at 16 pt or more, larger headings and charts.

    The PDF is not tagged (reportlab cannot tag); offer the HTML version to screen readers.
    """
    from engagement_desk.reports.document import render_pdf

    return render_pdf(event_report(summary), large_print=large_print)


def event_report(summary: EventSummary) -> Report:
    """What the event report says, in order."""
    event = summary.event
    blocks: list[Block] = [_title_page(summary)]
    blocks += _attendance(summary)
    blocks += _who_came(summary)
    blocks += _priorities(summary)
    blocks += _themes(summary)
    blocks += _quotes(summary)
    if summary.questions or event.kind == "webinar":
        blocks += _questions(summary.questions)
    blocks += action_blocks(summary.actions)
    blocks += notes_blocks(summary.threshold, summary.notes)
    return Report(
        title=f"Event summary: {event.title}",
        subject=(
            f"What parents and carers said at {event.title}, {event.when}: attendance, who "
            f"came, priorities, themes, questions and actions. {summary.programme}."
        ),
        programme=summary.programme,
        generated=generated_text(summary.generated_at),
        blocks=tuple(blocks),
    )


def _title_page(summary: EventSummary) -> TitlePage:
    event = summary.event
    where = ", ".join(part for part in (event.venue, event.venue_address) if part)
    if event.online:
        where = f"{where}, and online" if where else "Online"
    facts = [
        ("When", f"{event.when} (UK time)"),
        ("Where", where or NOT_GIVEN),
        ("Kind of event", event.kind_label),
        ("Programme", summary.programme),
    ]
    if summary.forum:
        facts.append(("Parent Carer Forum", summary.forum))
    facts.append(("Event code", event.short_code))
    if event.status == "cancelled":
        facts.append(("Status", "This event was cancelled."))
    return TitlePage(
        kicker="Engagement event summary",
        title=event.title,
        facts=tuple(facts),
        prepared_for=prepared_for(summary.forum),
        generated=generated_text(summary.generated_at),
        notice=suppression_notice(summary.threshold),
    )


def _attendance(summary: EventSummary) -> list[Block]:
    a = summary.attendance
    rows = (
        ("Registered", a.registered.text, ""),
        (
            "Checked in",
            a.checked_in.text,
            percent_or_not_given(a.checked_in_percent, "those registered"),
        ),
        (
            "Walk-ins",
            a.walk_ins.text,
            percent_or_not_given(a.walk_ins_percent, "those checked in"),
        ),
        (
            "No-shows",
            a.no_shows.text,
            percent_or_not_given(a.no_shows_percent, "those registered"),
        ),
    )
    return [
        Heading("Attendance", 2),
        Table(
            f"Attendance at {summary.event.title}",
            (
                Column("Attendance", weight=0.34),
                Column("People", numeric=True, weight=0.22),
                Column("Percentage", weight=0.44),
            ),
            rows,
            note="Registered counts everyone who held a place, including walk-ins, who "
            "register at the door. Checked in counts registered people who came; no-shows are "
            "registered people who did not.",
        ),
    ]


def _who_came(summary: EventSummary) -> list[Block]:
    blocks: list[Block] = [Heading("Who came", 2)]
    if summary.attendance.checked_in.value == 0:
        blocks.append(Text("No one checked in, so there is nothing to show about who came."))
        return blocks
    blocks.append(
        Text(
            f"Details held for {summary.profile_total.text} of the "
            f"{summary.attendance.checked_in.text} people who checked in. Every question about "
            "a family was optional."
        )
    )
    if not summary.profile or summary.profile_total.value == 0:
        blocks.append(Text("No details are held about the people who came."))
        return blocks
    for breakdown in summary.profile:
        blocks += _profile_table(breakdown)
    return blocks


def _profile_table(breakdown: ProfileBreakdown) -> list[Block]:
    blocks: list[Block] = [Heading(breakdown.title, 3)]
    if breakdown.withheld:
        # Every row would read "not shown": say so once instead.
        blocks.append(
            Text(
                breakdown.note
                or "Not shown: the groups are too small to show without giving someone away."
            )
        )
        return blocks
    rows = tuple((row.label, row.count.text, row.percent or NOT_GIVEN) for row in breakdown.rows)
    total_label = "Total" if breakdown.adds_up else "People who answered"
    if rows:
        blocks.append(
            Table(
                f"Who came: {_lower_first(breakdown.title)}",
                (
                    Column(breakdown.title, weight=0.5),
                    Column("People", numeric=True, weight=0.25),
                    Column("Share", numeric=True, weight=0.25),
                ),
                rows,
                total=(total_label, breakdown.total.text, ""),
                note=breakdown.note,
            )
        )
    else:
        blocks.append(Text("No one answered this question."))
        if breakdown.note:
            blocks.append(Text(breakdown.note, "note"))
    return blocks


def _priorities(summary: EventSummary) -> list[Block]:
    blocks: list[Block] = [Heading("Priorities", 2)]
    if not summary.methods:
        blocks.append(Text("No priorities were captured at this event."))
        return blocks
    blocks.append(
        Text(
            "What people said about the programme's priorities, by each way they were asked. "
            "Each bar is labelled with the priority, its place and its score."
        )
    )
    for method in summary.methods:
        blocks += _method(method)
    return blocks


def _method(method: MethodResult) -> list[Block]:
    blocks: list[Block] = [Heading(method.label, 3)]
    who = {
        "dots": "People who placed dots",
        "ranking": "People who ranked the priorities",
        "points": "People who shared 100 points",
    }.get(method.method, "People who responded")
    blocks.append(Text(f"{who}: {method.responses.text}."))
    if method.method == "dots" and method.tally_dots:
        blocks.append(Text(f"Dots counted off the paper dot wall: {method.tally_dots:,}."))
    elif method.method == "dots" and method.tally_dots is None:
        blocks.append(Text(f"Dots counted off the paper dot wall: {WITHHELD}."))
    if method.shown and any(not s.withheld for s in method.scores):
        blocks.append(_chart(method))
    withheld = [s.title for s in method.scores if s.withheld]
    if method.shown and withheld and len(withheld) < len(method.scores):
        blocks.append(Text(f"Score of {join_titles(withheld)}: {WITHHELD}."))
    if method.reading:
        blocks.append(Text(method.reading, "reading"))
    if method.shown and method.method == "ranking":
        table = _positions_table(method.scores)
        if table is not None:
            blocks.append(table)
    blocks += _groups(method)
    return blocks


def _chart(method: MethodResult) -> BarChart:
    count = len(method.scores)
    bars = tuple(
        Bar(
            place=ordinal(score.place or 0),
            label=score.title,
            value=float(score.total or 0),
            text=_score_text(method.method, score, count),
        )
        for score in method.scores
        if score.place is not None and score.total is not None
    )
    described = {
        "dots": ("dots", "Each bar's length is the number of dots the priority received.", "Dots"),
        "ranking": (
            "score",
            f"Each bar's length is the priority's ranking score: a first place gives {count} "
            "points, a second place one fewer, and so on. The mean is per person who ranked.",
            "Score",
        ),
        "points": (
            "points",
            "Each bar's length is the total of the points people gave the priority out of "
            "their 100.",
            "Points",
        ),
    }
    what, description, heading = described.get(
        method.method, ("score", "Each bar is one priority.", "Score")
    )
    return BarChart(f"{method.label}: {what} per priority", description, heading, bars)


def _score_text(method: str, score: PriorityScore, priorities: int) -> str:
    if score.total is None:
        return WITHHELD
    if method == "dots":
        text = f"{score.total:,} dots"
        return f"{text} ({score.share})" if score.share else text
    if method == "ranking":
        mean = "" if score.mean is None else f", mean {score.mean:.1f} out of {priorities}"
        return f"score {score.total:,}{mean}"
    mean = "" if score.mean is None else f", mean {round(score.mean)}"
    share = f" ({score.share})" if score.share else ""
    return f"{score.total:,} points{share}{mean}"


def _positions_table(scores: tuple[PriorityScore, ...]) -> Table | None:
    """How many people put each priority in each place; places nobody used are left out."""
    width = max((len(s.positions) for s in scores), default=0)
    used = [
        index
        for index in range(width)
        if any(index < len(s.positions) and s.positions[index].text != "0" for s in scores)
    ]
    if not used:
        return None
    columns = (
        Column("Priority", weight=0.4),
        *(Column(f"Ranked {ordinal(i + 1)}", numeric=True, weight=0.6 / len(used)) for i in used),
    )
    rows = tuple(
        (s.title, *(s.positions[i].text if i < len(s.positions) else "0" for i in used))
        for s in scores
    )
    return Table("How many people put each priority in each place", columns, rows)


def _groups(method: MethodResult) -> list[Block]:
    """A table for each grouping with a group large enough to describe; the groupings where
    none is, in one sentence (a page of "too few to say" tells a reader nothing)."""
    groupings = [g for g in method.by_group if g.rows]
    if not groupings:
        return []
    blocks: list[Block] = [Heading(f"{method.label}: top priority by group", 4)]
    described = [g for g in groupings if any(row.top for row in g.rows)]
    for group in described:
        blocks.append(_group_table(method, group))
    too_small = [_lower_first(g.title) for g in groupings if g not in described]
    if too_small:
        blocks.append(
            Text(
                "Too few people in each group to say which priority the group put first, by "
                f"{join_titles(too_small)}."
            )
        )
    notes = dict.fromkeys(g.note for g in groupings if g.note)
    blocks += [Text(note, "note") for note in notes]
    return blocks


def _lower_first(title: str) -> str:
    """'Child's age band' -> 'child's age band'; 'EHCP status' stays as it is."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def _group_table(method: MethodResult, group: GroupBreakdown) -> Table:
    rows = tuple(
        (
            row.group,
            row.responses.text,
            "\n".join(row.top) if row.top else "Too few responses to say",
        )
        for row in group.rows
    )
    return Table(
        f"Top priority by {_lower_first(group.title)} ({method.label.lower()})",
        (
            Column(group.title, weight=0.32),
            Column("Responses", numeric=True, weight=0.2),
            Column("Top priority", weight=0.48),
        ),
        rows,
        total=("Total", group.total.text, ""),
    )


def _themes(summary: EventSummary) -> list[Block]:
    blocks: list[Block] = [
        Heading("Themes from comments", 2),
        Text(f"Comments recorded: {summary.comments.text}."),
    ]
    if summary.themes:
        blocks.append(
            Table(
                "Comments by theme",
                (Column("Theme", weight=0.7), Column("Comments", numeric=True, weight=0.3)),
                tuple((t.theme, t.comments.text) for t in summary.themes),
                note="One comment may touch on several themes.",
            )
        )
    else:
        blocks.append(Text("No comments were filed under a theme."))
    return blocks


def _quotes(summary: EventSummary) -> list[Block]:
    blocks: list[Block] = [Heading("In their words", 2)]
    if not summary.quotes:
        blocks.append(Text("No comments were shared with permission to quote them."))
        return blocks
    chosen = summary.quotes[:QUOTE_LIMIT]
    selection = " A selection of them is shown here." if len(chosen) < len(summary.quotes) else ""
    blocks.append(
        Text(
            f"Comments shared with permission to quote them. No names are given.{selection}",
            "note",
        )
    )
    blocks += [Quote(q.text) for q in chosen]
    return blocks


def _questions(questions: tuple[QuestionItem, ...]) -> list[Block]:
    blocks: list[Block] = [Heading("Webinar questions and answers", 2)]
    if not questions:
        blocks.append(Text("No questions were recorded at this webinar."))
        return blocks
    known = {status for status, _ in QUESTION_GROUPS}
    groups = [*QUESTION_GROUPS]
    for question in questions:
        if question.status not in known:
            known.add(question.status)
            groups.append((question.status, question.status.capitalize()))
    for status, heading in groups:
        items = [q for q in questions if q.status == status]
        if not items:
            continue
        blocks.append(Heading(heading, 3))
        for q in items:
            details = []
            if q.theme:
                details.append(("Theme", q.theme))
            details.append(("Upvotes", f"{q.upvotes:,}"))
            if q.answer:
                details.append(("Answer", q.answer))
            elif status == "to follow up":
                details.append(("Answer", "To follow up after the webinar."))
            else:
                details.append(("Answer", "Not answered yet."))
            blocks.append(Entry(q.text, tuple(details)))
    return blocks
