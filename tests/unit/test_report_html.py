"""The accessible HTML reports: well formed, headings in order, captioned tables with header
cells, charts as numbers, nothing run or fetched, everything escaped, no one named."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from itertools import pairwise

import pytest

from engagement_desk.bootstrap import Desk
from engagement_desk.core.summary import Quote
from engagement_desk.reports.event_report import event_report
from engagement_desk.reports.html import event_report_html, programme_report_html, report_html
from engagement_desk.reports.programme_report import programme_report
from tests.unit import summary_data
from tests.unit.conftest import venue_event
from tests.unit.report_helpers import LAST_WEEK, add_people, assert_names_absent, flat

VOID = {"meta", "br", "img", "input", "link", "hr", "rect", "path", "line"}


class Page(HTMLParser):
    """Records the tags, text and structure the tests look at, and checks nesting."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[int, str]] = []
        self.text: list[str] = []
        self.tables: list[list[str]] = []  # the tags inside each table, in order
        self.problems: list[str] = []
        self._heading: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.tables.append([])
        elif "table" in self.stack and self.tables:
            self.tables[-1].append(tag)
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = int(tag[1])
            self.headings.append((self._heading, ""))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            return
        self.stack.pop()
        if tag.startswith("h") and tag[1:].isdigit():
            self._heading = None

    def handle_data(self, data: str) -> None:
        if "style" in self.stack:
            return
        self.text.append(data)
        if self._heading is not None:
            level, words = self.headings[-1]
            self.headings[-1] = (level, words + data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    assert not page.problems, page.problems[:5]
    assert page.stack == [], page.stack
    return page


@pytest.fixture(params=["event", "webinar", "programme"])
def html(request: pytest.FixtureRequest) -> str:
    if request.param == "event":
        return event_report_html(summary_data.event_summary())
    if request.param == "webinar":
        return event_report_html(summary_data.webinar_summary())
    return programme_report_html(summary_data.programme_summary())


def test_a_well_formed_page_in_british_english_with_one_main(html: str) -> None:
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    page = parse(html)
    names = [tag for tag, _ in page.tags]
    assert names.count("main") == 1 and names.count("h1") == 1
    assert "title" in names and names.count("style") == 1


def test_headings_go_down_one_level_at_a_time(html: str) -> None:
    levels = [level for level, _ in parse(html).headings]
    assert levels[0] == 1
    for before, after in pairwise(levels):
        assert after <= before + 1, levels
    assert all(words.strip() for _, words in parse(html).headings)


def test_every_table_has_a_caption_first_and_header_cells_with_scope(html: str) -> None:
    page = parse(html)
    assert page.tables
    for inside in page.tables:
        assert inside[0] == "caption", inside[:3]
        assert "thead" in inside
    for tag, attrs in page.tags:
        if tag == "th":
            assert attrs.get("scope") in ("col", "row"), attrs


def test_nothing_runs_and_nothing_is_fetched(html: str) -> None:
    page = parse(html)
    for tag, attrs in page.tags:
        assert tag not in ("script", "iframe", "object", "embed", "link", "img")
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, attrs)
    assert "url(" not in html and "@import" not in html


def test_charts_are_svg_with_title_desc_and_text_and_a_table_of_numbers() -> None:
    html = event_report_html(summary_data.event_summary())
    page = parse(html)
    svgs = [attrs for tag, attrs in page.tags if tag == "svg"]
    assert len(svgs) == 2  # ranking and dots; the withheld points have no chart
    for attrs in svgs:
        assert attrs.get("role") == "img"
        labelled = (attrs.get("aria-labelledby") or "").split()
        ids = {a.get("id") for tag, a in page.tags if tag in ("title", "desc")}
        assert labelled and set(labelled) <= ids
    text = flat(" ".join(page.text))
    assert "Earlier help and prevention 1st score 131, mean 3.4 out of 5" in text  # the table
    assert "1st Earlier help and prevention" in text  # the chart's own label


def test_the_same_words_as_the_pdf() -> None:
    """Both are drawn from one set of blocks; the HTML holds every paragraph of it."""
    summary = summary_data.event_summary()
    text = flat(" ".join(parse(event_report_html(summary)).text))
    report = event_report(summary)
    for block in report.blocks:
        for value in getattr(block, "text", None), getattr(block, "caption", None):
            if isinstance(value, str):
                assert flat(value) in text, value
    assert "M26 fewer than 5 not given" in text
    assert "Prepared for Bury2gether" in text


def test_all_text_is_escaped() -> None:
    sneaky = "<script>alert('x')</script> & <b>bold</b>"
    summary = summary_data.event_summary(quotes=(Quote(sneaky),))
    summary = replace(summary, event=replace(summary.event, title=f"Event {sneaky}"))
    html = event_report_html(summary)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    text = " ".join(parse(html).text)
    assert sneaky in text


def test_readable_when_zoomed_relative_units_and_a_width_limit() -> None:
    html = event_report_html(summary_data.event_summary())
    style = html[html.index("<style>") : html.index("</style>")]
    assert "max-width: 50rem" in style
    assert "px" not in style  # sizes in rem and em, so the page reflows at 200%
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "overflow-x: auto" in style  # a wide table scrolls on its own


def test_programme_html_has_the_same_sections_as_the_pdf() -> None:
    summary = summary_data.programme_summary()
    headings = [words for _, words in parse(programme_report_html(summary)).headings]
    expected = [b.text for b in programme_report(summary).blocks if hasattr(b, "level")]
    assert headings[1:] == expected
    assert headings[0] == "Bury SEND Transformation Programme"
    assert report_html(programme_report(summary)) == programme_report_html(summary)


def test_no_names_from_a_real_event(desk: Desk) -> None:
    event = desk.events.create(venue_event(starts_at=LAST_WEEK))
    add_people(desk, event.id, [f"Parent Number{n}" for n in range(9)])
    desk.voices.add_comment(event.short_code, "Brilliant session.", [], quote_permission=True)
    html = event_report_html(desk.summaries.event_summary(event.short_code))
    assert_names_absent(flat(" ".join(parse(html).text)), desk)
    assert_names_absent(html, desk)
