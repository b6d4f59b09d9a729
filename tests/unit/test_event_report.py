"""The event summary PDF: read back, it says what the EventSummary says and nothing more.

Made from the demo data and from edge cases through the real SummaryService, and from
hand-made summaries; checked as a reader would: the numbers, no names or emails, small
counts as "fewer than 5", only permitted quotes, metadata, type sizes, and a page that draws.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from engagement_desk.bootstrap import Desk
from engagement_desk.core.scoring import Cell
from engagement_desk.core.summary import Attendance, EventSummary, Quote
from engagement_desk.reports.event_report import QUOTE_LIMIT, event_report, render_event_report
from engagement_desk.reports.html import event_report_html
from engagement_desk.services.events import When
from tests.unit import summary_data
from tests.unit.conftest import venue_event, webinar
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

LAST_WEEK = datetime(2026, 4, 8, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    with demo_desk(tmp_path_factory.mktemp("demo")) as desk:
        yield desk


@pytest.fixture(scope="module")
def demo_summaries(demo: Desk) -> list[EventSummary]:
    """The summary of every demo event that has happened."""
    return [demo.summaries.event_summary(row.id) for row in demo.events.list_events(When.PAST)]


def attendance_lines(a: Attendance) -> list[str]:
    """The attendance table's rows as they read in the PDF's text."""

    def percent(value: str | None, of: str) -> str:
        return f"{value} of {of}" if value else "not given"

    return [
        f"Registered {a.registered.text}",
        f"Checked in {a.checked_in.text} {percent(a.checked_in_percent, 'those registered')}",
        f"Walk-ins {a.walk_ins.text} {percent(a.walk_ins_percent, 'those checked in')}",
        f"No-shows {a.no_shows.text} {percent(a.no_shows_percent, 'those registered')}",
    ]


# ---- from the demo data ------------------------------------------------------------------


def test_demo_reports_print_the_summarys_attendance_exactly(
    demo_summaries: list[EventSummary],
) -> None:
    assert len(demo_summaries) >= 4
    for summary in demo_summaries:
        text = pdf_text(render_event_report(summary))
        attendance = section(text, "Attendance at", "Who came")
        for line in attendance_lines(summary.attendance):
            assert line in attendance, (summary.event.title, line, attendance)
        assert summary.event.title in text and summary.event.when in text


def test_demo_reports_print_every_published_number_of_the_summary(
    demo_summaries: list[EventSummary],
) -> None:
    for summary in demo_summaries:
        text = pdf_text(render_event_report(summary))
        for breakdown in summary.profile:
            if breakdown.withheld:
                continue
            for row in breakdown.rows:
                assert f"{row.label} {row.count.text} {row.percent or 'not given'}" in text
        for method in summary.methods:
            assert method.reading in text
            for score in method.scores if method.shown else ():
                assert score.title in text
                if score.total is not None:
                    assert f"{score.total:,}" in text
        for theme in summary.themes:
            assert f"{theme.theme} {theme.comments.text}" in text
        assert f"Comments recorded: {summary.comments.text}." in text


def test_no_attendee_name_or_email_appears_in_any_demo_report(
    demo: Desk, demo_summaries: list[EventSummary]
) -> None:
    for summary in demo_summaries:
        assert_names_absent(pdf_text(render_event_report(summary)), demo)
        assert_names_absent(pdf_text(render_event_report(summary, large_print=True)), demo)
        assert_names_absent(flat(event_report_html(summary)), demo)


def test_the_demos_actions_are_in_the_report(demo_summaries: list[EventSummary]) -> None:
    summary = demo_summaries[0]
    assert summary.actions
    text = pdf_text(render_event_report(summary))
    actions = text[text.index("You said, we did") :]
    for action in summary.actions:
        assert flat(action.you_said) in actions
        assert action.status.capitalize() in actions


# ---- edge cases through the real summary service ------------------------------------------


def test_an_event_nobody_came_to(desk: Desk) -> None:
    event = desk.events.create(venue_event(starts_at=LAST_WEEK))
    add_people(desk, event.id, [f"Booked Person{n}" for n in range(12)], came=False)
    summary = desk.summaries.event_summary(event.short_code)

    data = render_event_report(summary)
    text = pdf_text(data)
    assert attendance_lines(summary.attendance) == [
        "Registered 12",
        "Checked in 0 0% of those registered",
        "Walk-ins 0 not given",
        "No-shows 12 100% of those registered",
    ]
    for line in attendance_lines(summary.attendance):
        assert line in text
    assert "No one checked in, so there is nothing to show about who came." in text
    assert "No priorities were captured at this event." in text or all(
        m.reading in text for m in summary.methods
    )
    assert_names_absent(text, desk)
    assert dark_share(data) > 0.005


def test_an_event_with_a_single_attendee_shows_fewer_than_five(desk: Desk) -> None:
    event = desk.events.create(venue_event(starts_at=LAST_WEEK))
    [registration] = add_people(desk, event.id, ["Only Oneperson"], district="M45")
    ids = [p.id for p in desk.voices.capture_settings(event.short_code).priorities]
    desk.voices.record_ranking(event.short_code, [ids[3]], registration_id=registration)
    summary = desk.summaries.event_summary(event.short_code)

    text = pdf_text(render_event_report(summary))
    attendance = section(text, "Attendance at", "Who came")
    assert "Registered fewer than 5" in attendance
    assert "Checked in fewer than 5 not given" in attendance
    assert " 1 " not in f" {attendance} "  # the one person is never a number
    assert "Fewer than 5 people ranked the priorities" in text
    assert "M45" not in text  # fewer than 5 people described: no breakdown is shown
    assert "Communities prevent escalation" not in section(text, "Priorities", "Themes")
    assert_names_absent(text, desk)
    assert_names_absent(flat(event_report_html(summary)), desk)


def test_a_webinar_with_no_votes_shows_its_questions(desk: Desk) -> None:
    event = desk.events.create(webinar(starts_at=LAST_WEEK))
    desk.voices.set_capture(event.short_code, ["ranking", "comments"], 5, 3)
    add_people(desk, event.id, [f"Viewer Number{n}" for n in range(7)])
    first = desk.webinars.add_question(event.short_code, "When will EHCPs be on time?", "Autism")
    desk.webinars.set_status(first.id, "answered later", "By September, we hope.")
    desk.webinars.add_question(event.short_code, "Is there a transport policy?")
    summary = desk.summaries.event_summary(event.short_code)

    data = render_event_report(summary)
    text = pdf_text(data)
    assert "Where Online" in text
    assert "No one ranked the priorities at this event." in text
    qa = text[text.index("Webinar questions and answers") :]
    assert "Answered afterwards When will EHCPs be on time?" in qa
    assert "Answer: By September, we hope." in qa
    assert (
        "Not yet answered Is there a transport policy? Upvotes: 0 Answer: Not answered yet." in qa
    )
    for line in attendance_lines(summary.attendance):
        assert line in text
    assert_names_absent(text, desk)


def test_only_permitted_quotes_appear(desk: Desk) -> None:
    event = desk.events.create(venue_event(starts_at=LAST_WEEK))
    add_people(desk, event.id, [f"Parent Number{n}" for n in range(8)])
    code = event.short_code
    desk.voices.add_comment(
        code, "Nursery spotted it early.", ["Early years"], quote_permission=True
    )
    desk.voices.add_comment(
        code, "Please keep this one private.", ["Autism"], quote_permission=False
    )
    summary = desk.summaries.event_summary(code)
    assert [q.text for q in summary.quotes] == ["Nursery spotted it early."]

    for text in (pdf_text(render_event_report(summary)), flat(event_report_html(summary))):
        assert "Nursery spotted it early." in text
        assert "keep this one private" not in text


def test_metadata_title_author_subject_and_language(desk: Desk) -> None:
    event = desk.events.create(venue_event(starts_at=LAST_WEEK))
    add_people(desk, event.id, [f"Parent Number{n}" for n in range(6)])
    summary = desk.summaries.event_summary(event.short_code)
    reader = PdfReader(io.BytesIO(render_event_report(summary)))

    metadata = reader.metadata
    assert metadata is not None
    assert metadata.title == "Event summary: Have your say: SEND in Bury"
    assert metadata.author == "Engagement Desk"
    assert metadata.subject is not None and summary.event.when in metadata.subject
    assert metadata.creator is not None and metadata.creator.startswith("Engagement Desk")
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[:3] == ["Have your say: SEND in Bury", "Attendance", "Who came"]


# ---- from hand-made summaries ------------------------------------------------------------


def test_numbers_are_printed_as_the_summary_words_them() -> None:
    """Nothing is recounted: a count's words are printed as they are, never its value."""
    odd = Attendance(
        registered=Cell(58, "fifty-eight", False),
        checked_in=Cell(47, "forty-seven", False),
        walk_ins=Cell(None, "fewer than 5", True),
        no_shows=Cell(None, "not shown", True),
        checked_in_percent="81%",
        walk_ins_percent=None,
        no_shows_percent=None,
    )
    summary = summary_data.event_summary(attendance=odd)
    text = pdf_text(render_event_report(summary))
    attendance = section(text, "Attendance at", "Who came")
    assert "Registered fifty-eight" in attendance
    assert "Checked in forty-seven 81% of those registered" in attendance
    assert "Walk-ins fewer than 5 not given" in attendance
    assert "No-shows not shown not given" in attendance
    for number in ("58", "47", "11"):
        assert number not in attendance


def test_bar_charts_label_every_bar_with_its_priority_place_and_number() -> None:
    summary = summary_data.event_summary()
    text = pdf_text(render_event_report(summary))
    ranking = section(text, "Ranking: score per priority", "How many people")
    assert "1st Earlier help and prevention" in ranking
    assert "score 131, mean 3.4 out of 5" in ranking
    assert "5th Communities prevent escalation" in ranking
    dots = section(text, "Dot voting: dots per priority", "Each bar")
    assert "87 dots (31%)" in dots and "Dots counted off the paper dot wall: 32." in text
    assert "Fewer than 5 people shared points, so the scores are not shown" in text
    positions = section(text, "How many people put each priority in each place", "Ranking:")
    assert "Communities prevent escalation fewer than 5 8 7" in positions
    assert "Ranked 4th" not in positions  # no one could rank beyond their top 3


def test_small_counts_read_fewer_than_and_hidden_ones_not_shown() -> None:
    text = pdf_text(render_event_report(summary_data.event_summary()))
    assert "M26 fewer than 5 not given" in text
    assert "M45 not shown not given" in text
    assert "Early years fewer than 5" in text
    assert "M26 fewer than 5 Too few responses to say" in text


def test_large_print_uses_16_pt_or_more_and_standard_11_pt_or_more() -> None:
    summary = summary_data.event_summary()
    standard = render_event_report(summary)
    large = render_event_report(summary, large_print=True)
    assert min(font_sizes(standard)) >= 11 and 12 in font_sizes(standard)
    assert min(font_sizes(large)) >= 16, sorted(font_sizes(large))
    assert max(font_sizes(large)) > max(font_sizes(standard))  # larger headings
    assert len(PdfReader(io.BytesIO(large)).pages) > len(PdfReader(io.BytesIO(standard)).pages)
    assert pdf_text(large).count("Earlier help and prevention") == pdf_text(standard).count(
        "Earlier help and prevention"
    )


def test_only_the_legible_font_is_used() -> None:
    for large_print in (False, True):
        names = font_names(
            render_event_report(summary_data.event_summary(), large_print=large_print)
        )
        assert names and all("AtkinsonHyperlegible" in name for name in names), names


def test_every_page_has_its_number_and_the_running_footer() -> None:
    for large_print in (False, True):
        pages = page_texts(
            render_event_report(summary_data.webinar_summary(), large_print=large_print)
        )
        for number, text in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in text
            assert "Bury SEND Transformation Programme" in text
            assert "Generated 15 April 2026 at 10:00" in text


def test_the_first_page_draws(tmp_path: Path) -> None:
    data = render_event_report(summary_data.event_summary())
    assert 0.005 < dark_share(data, 0) < 0.5  # some ink, not a black page
    assert dark_share(data, 1) > 0.01  # the attendance table
    (tmp_path / "report.pdf").write_bytes(data)


def test_the_content_is_built_from_the_summary_alone() -> None:
    """The same summary always gives the same report: nothing is read from anywhere else."""
    summary = summary_data.event_summary()
    assert event_report(summary) == event_report(replace(summary))
    text = pdf_text(render_event_report(summary))
    assert "Prepared for Bury2gether" in text
    assert "Where Bury Town Hall, Knowsley Street, Bury, BL9 0SW" in text


def test_many_quotes_become_a_selection() -> None:
    quotes = tuple(Quote(f"Quote number {n:02d} from the day.") for n in range(40))
    text = pdf_text(render_event_report(summary_data.event_summary(quotes=quotes)))
    shown = [n for n in range(40) if f"Quote number {n:02d} from the day." in text]
    assert shown == list(range(QUOTE_LIMIT))
    assert "A selection of them is shown here." in text
    few = pdf_text(render_event_report(summary_data.event_summary()))
    assert "A selection" not in few
