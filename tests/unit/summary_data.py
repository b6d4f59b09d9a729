"""Hand-made summary objects, so the reports can be tested without a database.

Numbers are chosen to be distinctive (47, 1,203 ...) so a test can find each one in a PDF.
"""

from __future__ import annotations

from dataclasses import replace

from engagement_desk.core.scoring import Cell
from engagement_desk.core.summary import (
    ActionItem,
    Attendance,
    AttendanceTotals,
    BreakdownRow,
    EventAttendanceRow,
    EventFacts,
    EventSummary,
    GroupBreakdown,
    GroupTop,
    MethodResult,
    PriorityPoint,
    PriorityScore,
    PriorityTrend,
    ProfileBreakdown,
    ProgrammeSummary,
    QuestionItem,
    Quote,
    ThemeAcross,
    ThemeCount,
)

PRIORITIES = (
    "Live, learn and grow up locally",
    "Families' voices shape services",
    "Earlier help and prevention",
    "Communities prevent escalation",
    "Invest where need is greatest",
)

SHOWN = Cell.shown
FEWER = Cell.fewer_than(5)
HIDDEN = Cell.not_shown()


def attendance(registered: int = 58, checked_in: int = 47, walk_ins: int = 6) -> Attendance:
    no_shows = registered - checked_in
    return Attendance(
        registered=SHOWN(registered),
        checked_in=SHOWN(checked_in),
        walk_ins=SHOWN(walk_ins),
        no_shows=SHOWN(no_shows),
        checked_in_percent=f"{round(100 * checked_in / registered)}%",
        walk_ins_percent=f"{round(100 * walk_ins / checked_in)}%",
        no_shows_percent=f"{round(100 * no_shows / registered)}%",
    )


def facts(**changes: object) -> EventFacts:
    base = EventFacts(
        id="event-1",
        short_code="HX7K3M",
        title="Have your say: SEND in Bury",
        kind="venue",
        kind_label="Venue engagement event",
        status="scheduled",
        starts_at="2026-03-03T10:00:00+00:00",
        ends_at="2026-03-03T12:30:00+00:00",
        when="Tue 3 Mar 2026, 10:00–12:30",
        date="2026-03-03",
        venue="Bury Town Hall",
        venue_address="Knowsley Street, Bury, BL9 0SW",
        online=False,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def ranking() -> MethodResult:
    totals = (118, 96, 131, 41, 109)
    means = (3.1, 2.5, 3.4, 1.1, 2.9)
    places = (2, 4, 1, 5, 3)
    firsts = (SHOWN(9), SHOWN(6), SHOWN(14), FEWER, SHOWN(7))
    scores = tuple(
        PriorityScore(
            priority_id=f"p{n}",
            position=n,
            title=title,
            total=totals[n - 1],
            mean=means[n - 1],
            share=None,
            place=places[n - 1],
            positions=(firsts[n - 1], SHOWN(8), SHOWN(7), SHOWN(0), SHOWN(0)),
        )
        for n, title in enumerate(PRIORITIES, start=1)
    )
    return MethodResult(
        method="ranking",
        label="Ranking",
        responses=SHOWN(38),
        tally_dots=0,
        linked_responses=SHOWN(29),
        shown=True,
        scores=scores,
        order=tuple((PRIORITIES[i],) for i in (2, 0, 4, 1, 3)),
        reading="Earlier help and prevention had the highest overall score (mean 3.4 out of 5). "
        "Earlier help and prevention was ranked first most often (14 of 38 people).",
        by_group=(
            GroupBreakdown(
                dimension="area",
                title="Area",
                rows=(
                    GroupTop("BL9", SHOWN(12), ("Earlier help and prevention",)),
                    GroupTop("M26", FEWER, ()),
                    GroupTop("BL8", SHOWN(10), ("Live, learn and grow up locally",)),
                ),
                total=SHOWN(29),
                note="Only people whose response is linked to their registration.",
            ),
        ),
    )


def dots() -> MethodResult:
    totals = (61, 44, 87, 12, 73)
    places = (3, 4, 1, 5, 2)
    scores = tuple(
        PriorityScore(
            priority_id=f"p{n}",
            position=n,
            title=title,
            total=totals[n - 1],
            mean=None,
            share=f"{round(100 * totals[n - 1] / 277)}%",
            place=places[n - 1],
            positions=(),
        )
        for n, title in enumerate(PRIORITIES, start=1)
    )
    return MethodResult(
        method="dots",
        label="Dot voting",
        responses=SHOWN(41),
        tally_dots=32,
        linked_responses=SHOWN(20),
        shown=True,
        scores=scores,
        order=tuple((PRIORITIES[i],) for i in (2, 4, 0, 1, 3)),
        reading="Earlier help and prevention received the most dots (87 of 277 dots, 31%, "
        "including 32 counted off the paper dot wall).",
        by_group=(),
    )


def withheld_points() -> MethodResult:
    return MethodResult(
        method="points",
        label="100 points",
        responses=FEWER,
        tally_dots=0,
        linked_responses=FEWER,
        shown=False,
        scores=(),
        order=(),
        reading="Fewer than 5 people shared points, so the scores are not shown (no one's "
        "answers can be picked out).",
        by_group=(),
    )


def profile() -> tuple[ProfileBreakdown, ...]:
    area = ProfileBreakdown(
        dimension="area",
        title="Area",
        rows=(
            BreakdownRow("BL9", SHOWN(17), "41%"),
            BreakdownRow("BL8", SHOWN(11), "27%"),
            BreakdownRow("M26", FEWER, None),
            BreakdownRow("M45", HIDDEN, None),
            BreakdownRow("prefer not to say", SHOWN(0), "0%"),
        ),
        total=SHOWN(41),
        adds_up=True,
        withheld=False,
        note="",
    )
    needs = ProfileBreakdown(
        dimension="need_areas",
        title="Areas of need",
        rows=(
            BreakdownRow("autism", SHOWN(19), None),
            BreakdownRow("speech, language and communication", SHOWN(13), None),
            BreakdownRow("physical or sensory", FEWER, None),
        ),
        total=SHOWN(33),
        adds_up=False,
        withheld=False,
        note="One child may have several areas of need, so these do not add up to the total.",
    )
    return (area, needs)


ACTIONS = (
    ActionItem(
        you_said="It takes too long to hear back about an EHCP assessment.",
        we_did="Families now get a named caseworker and an update every four weeks.",
        owner="SEND Assessment Team",
        status="in progress",
        due="2026-06-30",
        theme="EHCP assessment process",
        priority="",
    ),
    ActionItem(
        you_said="We want to be in the room when services are designed.",
        we_did="",
        owner="",
        status="planned",
        due=None,
        theme="",
        priority="Families' voices shape services",
    ),
)


def event_summary(**changes: object) -> EventSummary:
    base = EventSummary(
        generated_at="2026-04-15T09:00:00+00:00",
        programme="Bury SEND Transformation Programme",
        forum="Bury2gether",
        area="Bury",
        threshold=5,
        event=facts(),
        attendance=attendance(),
        profile=profile(),
        profile_total=SHOWN(41),
        methods=(ranking(), dots(), withheld_points()),
        comments=SHOWN(23),
        themes=(
            ThemeCount("EHCP assessment process", SHOWN(9)),
            ThemeCount("Autism", SHOWN(6)),
            ThemeCount("Early years", FEWER),
        ),
        quotes=(
            Quote("Nursery staff noticed early and that made all the difference."),
            Quote("Parents should be in the room when services are designed."),
        ),
        questions=(),
        actions=ACTIONS,
        notes=("Walk-ins who gave no details are counted but not described.",),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def webinar_summary() -> EventSummary:
    return event_summary(
        event=facts(
            kind="webinar",
            kind_label="Monthly webinar Q&A",
            title="Monthly SEND webinar Q&A (EHCPs)",
            venue="",
            venue_address="",
            online=True,
        ),
        methods=(),
        profile=(),
        profile_total=SHOWN(0),
        questions=(
            QuestionItem(
                "How long should an EHCP assessment take?",
                "EHCP assessment process",
                12,
                "answered live",
                "Twenty weeks from the request to the final plan.",
            ),
            QuestionItem("Who do I contact about transport?", "", 3, "to follow up", ""),
            QuestionItem("Will there be more speech therapists?", "Health services", 0, "open", ""),
        ),
    )


def programme_summary(**changes: object) -> ProgrammeSummary:
    events = (
        EventAttendanceRow(
            "e1", "HX7K3M", "Have your say: SEND in Bury", "venue", "2026-01-20",
            "Tue 20 Jan 2026, 10:00–12:30", "Bury Town Hall", attendance(58, 47, 6),
        ),
        EventAttendanceRow(
            "e2", "RT4PQ9", "Radcliffe parents' priorities morning", "venue", "2026-02-10",
            "Tue 10 Feb 2026, 10:00–12:30", "Radcliffe Library", attendance(31, 24, 3),
        ),
        EventAttendanceRow(
            "e3", "WB8NCY", "Monthly SEND webinar Q&A (EHCPs)", "webinar", "2026-02-26",
            "Thu 26 Feb 2026, 19:00–20:00", "", attendance(19, 13, 0),
        ),
    )  # fmt: skip
    trends = tuple(
        PriorityTrend(
            priority_id=f"p{n}",
            position=n,
            title=title,
            points=(
                PriorityPoint("e1", "HX7K3M", "2026-01-20", "ranking", first, "mean 3.1 out of 5"),
                PriorityPoint("e2", "RT4PQ9", "2026-02-10", "dots", last, "27% of dots"),
            ),
            first_place=first,
            last_place=last,
            change="rose" if last < first else "fell" if last > first else "no change",
        )
        for n, (title, first, last) in enumerate(
            zip(PRIORITIES, (2, 4, 1, 5, 3), (1, 4, 2, 5, 3), strict=True), start=1
        )
    )
    base = ProgrammeSummary(
        generated_at="2026-04-15T09:00:00+00:00",
        programme="Bury SEND Transformation Programme",
        forum="Bury2gether",
        area="Bury",
        threshold=5,
        date_from="2026-01-01",
        date_to="2026-03-31",
        events=events,
        totals=AttendanceTotals(3, attendance(108, 84, 9)),
        priorities=trends,
        trend_reading="Between the first and the latest event with scores, Live, learn and "
        "grow up locally rose; Earlier help and prevention fell.",
        themes=(
            ThemeAcross("EHCP assessment process", SHOWN(21), 3),
            ThemeAcross("Co-production", FEWER, 2),
        ),
        actions=ACTIONS,
        notes=(),
    )
    return replace(base, **changes)  # type: ignore[arg-type]
