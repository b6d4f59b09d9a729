"""The programme summary PDF: attendance per event and in total, priorities over time, themes
and actions, exactly as the ProgrammeSummary has them, with no one named."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from engagement_desk.bootstrap import Desk
from engagement_desk.core.summary import Attendance, ProgrammeSummary
from engagement_desk.reports.content import ordinal
from engagement_desk.reports.html import programme_report_html
from engagement_desk.reports.programme_report import render_programme_report
from tests.unit import summary_data
from tests.unit.conftest import venue_event
from tests.unit.report_helpers import (
    add_people,
    assert_names_absent,
    dark_share,
    demo_desk,
    flat,
    font_names,
    font_sizes,
    page_texts,
    pdf_text,
    section,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    with demo_desk(tmp_path_factory.mktemp("demo")) as desk:
        yield desk


@pytest.fixture(scope="module")
def programme(demo: Desk) -> ProgrammeSummary:
    return demo.summaries.programme_summary()


def cells(a: Attendance) -> str:
    """An attendance row's numbers as they read in the PDF's text."""

    def with_percent(text: str, percent: str | None) -> str:
        return f"{text} ({percent})" if percent else text

    return " ".join(
        (
            a.registered.text,
            with_percent(a.checked_in.text, a.checked_in_percent),
            with_percent(a.walk_ins.text, a.walk_ins_percent),
            with_percent(a.no_shows.text, a.no_shows_percent),
        )
    )


def test_attendance_per_event_and_in_total_as_the_summary_has_it(
    programme: ProgrammeSummary,
) -> None:
    assert len(programme.events) >= 4
    text = pdf_text(render_programme_report(programme))
    attendance = section(text, "Attendance at each event", "Priorities over time")
    for row in programme.events:
        assert f"{flat(row.title)}" in attendance
        assert cells(row.attendance) in attendance, (row.title, cells(row.attendance))
    events = programme.totals.events
    assert f"All {events} events {cells(programme.totals.attendance)}" in attendance


def test_priorities_over_time_with_places_and_changes(programme: ProgrammeSummary) -> None:
    text = pdf_text(render_programme_report(programme))
    over_time = section(text, "Priorities over time", "Themes across events")
    assert flat(programme.trend_reading) in over_time
    words = {"rose": "Rose", "fell": "Fell", "no change": "No change", "": "Not enough data"}
    for trend in programme.priorities:
        first = ordinal(trend.first_place) if trend.first_place else "not given"
        last = ordinal(trend.last_place) if trend.last_place else "not given"
        assert f"{trend.title} {first} {last} {words[trend.change]}" in over_time
        for point in trend.points:
            assert f"{ordinal(point.place)} {point.score}" in over_time
    for trend in programme.priorities:
        assert f"{trend.title}: place at each event" in over_time


def test_themes_and_actions(programme: ProgrammeSummary) -> None:
    text = pdf_text(render_programme_report(programme))
    themes = section(text, "Themes across events", "You said, we did")
    for theme in programme.themes:
        assert f"{theme.theme} {theme.comments.text} {theme.events}" in themes
    actions = text[text.index("You said, we did") :]
    assert len(programme.actions) == 5
    for action in programme.actions:
        assert flat(action.you_said) in actions
        assert action.status.capitalize() in actions
        if action.owner:
            assert f"Owner: {action.owner}" in actions


def test_no_attendee_name_or_email_appears(demo: Desk, programme: ProgrammeSummary) -> None:
    for large_print in (False, True):
        assert_names_absent(
            pdf_text(render_programme_report(programme, large_print=large_print)), demo
        )
    assert_names_absent(flat(programme_report_html(programme)), demo)


def test_a_date_range_and_small_numbers(desk: Desk) -> None:
    """Two past events: one with a single attendee, one nobody came to; a third outside the
    range is left out."""
    early = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    one = desk.events.create(venue_event("One came", starts_at=early))
    add_people(desk, one.id, ["Solo Attendee"])
    none = desk.events.create(venue_event("Nobody came", starts_at=early + timedelta(days=7)))
    add_people(desk, none.id, [f"Booked Person{n}" for n in range(9)], came=False)
    desk.events.create(venue_event("Too early", starts_at=early - timedelta(days=60)))
    summary = desk.summaries.programme_summary(date(2026, 3, 1), date(2026, 3, 31))

    text = pdf_text(render_programme_report(summary))
    assert "Period Sun 1 Mar 2026 to Tue 31 Mar 2026" in text
    assert "Too early" not in text
    attendance = section(text, "Attendance at each event", "Priorities over time")
    assert "One came Tue 3 Mar 2026 fewer than 5" in attendance
    assert "Nobody came Tue 10 Mar 2026 9 0 (0%) 0 9 (100%)" in attendance
    assert "All 2 events" in attendance
    assert flat(summary.trend_reading) in text
    assert_names_absent(text, desk)


def test_an_empty_programme_still_reports(desk: Desk) -> None:
    summary = desk.summaries.programme_summary(date(2020, 1, 1), date(2020, 12, 31))
    data = render_programme_report(summary)
    text = pdf_text(data)
    assert "There were no events in this period." in text
    assert dark_share(data) > 0.005


def test_metadata_language_and_page_numbers() -> None:
    data = render_programme_report(summary_data.programme_summary())
    reader = PdfReader(io.BytesIO(data))
    metadata = reader.metadata
    assert metadata is not None
    assert metadata.title == "Programme summary: Bury SEND Transformation Programme"
    assert metadata.author == "Engagement Desk"
    assert metadata.subject is not None and "Thu 1 Jan 2026 to Tue 31 Mar 2026" in metadata.subject
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    pages = page_texts(data)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Bury SEND Transformation Programme" in text


def test_large_print_is_16_pt_or_more_in_the_legible_font() -> None:
    summary = summary_data.programme_summary()
    standard, large = (
        render_programme_report(summary),
        render_programme_report(summary, large_print=True),
    )
    assert min(font_sizes(standard)) >= 11
    assert min(font_sizes(large)) >= 16, sorted(font_sizes(large))
    for data in (standard, large):
        names = font_names(data)
        assert names and all("AtkinsonHyperlegible" in name for name in names), names
    # In large print no column heading breaks inside a word.
    assert "Registered" in pdf_text(large) and "Registe red" not in pdf_text(large)


def test_hand_made_summary_reads_back() -> None:
    text = pdf_text(render_programme_report(summary_data.programme_summary()))
    assert "Have your say: SEND in Bury Tue 20 Jan 2026 58 47 (81%) 6 (13%) 11 (19%)" in text
    assert "All 3 events 108 84 (78%) 9 (11%) 24 (22%)" in text
    assert "Live, learn and grow up locally 2nd 1st Rose" in text
    assert "Earlier help and prevention 1st 2nd Fell" in text
    assert "Co-production fewer than 5 2" in text
    assert 0.005 < dark_share(render_programme_report(summary_data.programme_summary())) < 0.5
