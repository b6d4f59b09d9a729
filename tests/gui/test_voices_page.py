"""The Voices page's forms through their real widgets; refusals write nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import Comment, Response
from engagement_desk.ui.voices_forms import (
    CommentForm,
    DotsForm,
    PointsForm,
    RankingForm,
    TallyForm,
)
from engagement_desk.ui.voices_page import VoicesPage
from tests.gui.conftest import ScriptedPrompter


@pytest.fixture
def event_id(desk: Desk) -> str:
    return desk.events.create(
        EventDraft(
            title="Prestwich priorities morning",
            kind="venue",
            starts_at=datetime(2026, 4, 15, 9, tzinfo=UTC),
            ends_at=datetime(2026, 4, 15, 11, tzinfo=UTC),
            venue=VenueDraft("Prestwich Community Hub"),
        )
    ).id


@pytest.fixture
def page(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, event_id: str) -> VoicesPage:
    widget = VoicesPage(
        desk.events, desk.voices, desk.webinars, desk.registrations, desk.summaries, prompter
    )
    qtbot.addWidget(widget)
    widget.show()
    widget.choose_event(event_id)
    return widget


def count(desk: Desk, model: type) -> int:
    with desk.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def form(page: VoicesPage, title: str) -> object:
    return page.forms[title]


def test_a_ranking_is_saved_and_shows_in_the_scores(
    qtbot: QtBot, page: VoicesPage, desk: Desk
) -> None:
    ranking = form(page, "Ranking")
    assert isinstance(ranking, RankingForm)
    first, second, third = (p.id for p in desk.programmes.current().priorities[2:5])
    ranking.set_rank(first, 1)
    ranking.set_rank(second, 2)
    ranking.set_rank(third, 3)
    with qtbot.waitSignal(page.message) as saved:
        qtbot.mouseClick(ranking.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0] == "Ranking saved."
    rows = desk.voices.responses(page.event_id() or "")
    assert [r.method for r in rows] == ["ranking"]
    assert rows[0].values == {first: 1, second: 2, third: 3}
    assert not rows[0].linked
    assert all(box.currentData() == 0 for box in ranking.ranks.values())  # cleared for the next


def test_a_place_given_twice_is_refused(qtbot: QtBot, page: VoicesPage, desk: Desk) -> None:
    ranking = form(page, "Ranking")
    assert isinstance(ranking, RankingForm)
    a, b = (p.id for p in desk.programmes.current().priorities[:2])
    ranking.set_rank(a, 1)
    ranking.set_rank(b, 1)
    qtbot.mouseClick(ranking.save_button, Qt.MouseButton.LeftButton)
    assert "more than one priority" in ranking.problems.text()
    assert count(desk, Response) == 0


def test_points_must_add_up_to_100(qtbot: QtBot, page: VoicesPage, desk: Desk) -> None:
    points = form(page, "100 points")
    assert isinstance(points, PointsForm)
    spins = list(points.spins.values())
    spins[0].setValue(60)
    spins[1].setValue(30)
    assert points.total.text() == "✖ Total: 90 of 100"
    qtbot.mouseClick(points.save_button, Qt.MouseButton.LeftButton)
    assert "90" in points.problems.text() and "100" in points.problems.text()
    assert count(desk, Response) == 0
    spins[2].setValue(10)
    assert points.total.text() == "✔ Total: 100 of 100"
    qtbot.mouseClick(points.save_button, Qt.MouseButton.LeftButton)
    assert count(desk, Response) == 1


def test_more_dots_than_allowed_are_refused(qtbot: QtBot, page: VoicesPage, desk: Desk) -> None:
    dots = form(page, "Dots")
    assert isinstance(dots, DotsForm)
    spins = list(dots.spins.values())
    spins[0].setValue(5)
    spins[1].setValue(2)
    assert dots.left.text() == "2 too many"
    qtbot.mouseClick(dots.save_button, Qt.MouseButton.LeftButton)
    assert not dots.problems.isHidden()
    assert count(desk, Response) == 0
    spins[1].setValue(0)
    qtbot.mouseClick(dots.save_button, Qt.MouseButton.LeftButton)
    assert count(desk, Response) == 1


def test_a_paper_tally(qtbot: QtBot, page: VoicesPage, desk: Desk) -> None:
    tally = form(page, "Paper tally")
    assert isinstance(tally, TallyForm)
    tally.priority.setCurrentIndex(2)
    tally.dots.setValue(37)
    qtbot.keyClicks(tally.note, "main hall wall")
    qtbot.mouseClick(tally.save_button, Qt.MouseButton.LeftButton)
    rows = desk.voices.tallies(page.event_id() or "")
    assert [(r.priority_title, r.dots, r.note) for r in rows] == [
        ("Earlier help and prevention", 37, "main hall wall")
    ]


def test_comments_with_themes_and_quote_permission(
    qtbot: QtBot, page: VoicesPage, desk: Desk
) -> None:
    comment = form(page, "Comments")
    assert isinstance(comment, CommentForm)
    qtbot.mouseClick(comment.save_button, Qt.MouseButton.LeftButton)
    assert not comment.problems.isHidden()  # an empty comment is refused
    assert count(desk, Comment) == 0

    qtbot.keyClicks(comment.text, "We waited a year for the speech therapist.")
    comment.themes["Speech, language and communication"].setChecked(True)
    comment.quote.setChecked(True)
    page.tabs.setCurrentWidget(comment)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    comment.text.setFocus()
    with qtbot.waitSignal(page.message):
        qtbot.keyClick(comment.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    rows = desk.voices.comments(page.event_id() or "")
    assert [(r.text, r.themes, r.quote_permission) for r in rows] == [
        (
            "We waited a year for the speech therapist.",
            ("Speech, language and communication",),
            True,
        )
    ]


def test_a_linked_response_names_the_attendee(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, event_id: str
) -> None:
    info = desk.registrations.walk_in(event_id, "Natalie Walsh")
    page = VoicesPage(
        desk.events, desk.voices, desk.webinars, desk.registrations, desk.summaries, prompter
    )
    qtbot.addWidget(page)
    page.choose_event(event_id)
    ranking = form(page, "Ranking")
    assert isinstance(ranking, RankingForm)
    ranking.attendee.setCurrentIndex(ranking.attendee.findData(info.id))
    ranking.set_rank(desk.programmes.current().priorities[0].id, 1)
    qtbot.mouseClick(ranking.save_button, Qt.MouseButton.LeftButton)
    assert desk.voices.responses(event_id)[0].registration_id == info.id


def test_capture_settings_choose_the_forms(qtbot: QtBot, page: VoicesPage, desk: Desk) -> None:
    page.method_boxes["dots"].setChecked(False)
    page.method_boxes["points"].setChecked(False)
    page.method_boxes["ranking"].setChecked(True)
    page.method_boxes["comments"].setChecked(True)
    page.top_k.setValue(2)
    qtbot.mouseClick(page.settings_button, Qt.MouseButton.LeftButton)
    assert sorted(page.forms) == ["Comments", "Ranking"]
    ranking = form(page, "Ranking")
    assert isinstance(ranking, RankingForm)
    first_box = next(iter(ranking.ranks.values()))
    assert [first_box.itemText(i) for i in range(first_box.count())] == ["Not ranked", "1", "2"]
    settings = desk.voices.capture_settings(page.event_id() or "")
    assert settings.methods == ("ranking", "comments")
    assert settings.ranking_top_k == 2


def test_webinar_questions(qtbot: QtBot, page: VoicesPage, desk: Desk) -> None:
    panel = page.questions
    qtbot.keyClicks(panel.text, "When will the new EHCP hub open?")
    panel.theme.setCurrentIndex(panel.theme.findData("EHCP assessment process"))
    qtbot.keyClick(panel.text, Qt.Key.Key_Return)
    assert panel.model.rowCount() == 1
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.upvote_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.upvote_button, Qt.MouseButton.LeftButton)
    assert panel.model.index(0, 0).data() == "2"
    panel.status.setCurrentIndex(panel.status.findData("answered later"))
    qtbot.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
    assert not panel.problems.isHidden()  # answered later needs its answer
    qtbot.keyClicks(panel.answer, "It opens in May; details by email.")
    qtbot.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
    question = desk.webinars.questions(page.event_id() or "")[0]
    assert (question.upvotes, question.status.value, question.answer) == (
        2,
        "answered later",
        "It opens in May; details by email.",
    )


def test_scores_follow_the_summary(qtbot: QtBot, page: VoicesPage, desk: Desk) -> None:
    event_id = page.event_id() or ""
    priorities = desk.programmes.current().priorities
    for _ in range(6):
        desk.voices.record_ranking(event_id, [priorities[2].id, priorities[0].id])
    page.refresh_results()
    page.result_method.setCurrentIndex(page.result_method.findData("ranking"))
    summary = desk.summaries.event_summary(event_id)
    ranking = summary.method("ranking")
    assert ranking is not None
    assert page.results.reading.text() == ranking.reading
    assert "Earlier help and prevention" in page.results.reading.text()


def test_webinar_attendance_file_checks_people_in(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter
) -> None:
    from pathlib import Path

    webinar = desk.events.create(
        EventDraft(
            title="Monthly webinar",
            kind="webinar",
            starts_at=datetime(2026, 3, 4, 19, tzinfo=UTC),
            ends_at=datetime(2026, 3, 4, 20, tzinfo=UTC),
            online_link="https://meet.example.org/send",
        )
    ).id
    desk.registrations.register(
        webinar, PersonDraft("Tom Riley", email="tom.riley@example.org", consent_store=True)
    )
    page = VoicesPage(
        desk.events, desk.voices, desk.webinars, desk.registrations, desk.summaries, prompter
    )
    qtbot.addWidget(page)
    page.choose_event(webinar)
    prompter.open_from = (
        Path(__file__).resolve().parents[1] / "data" / "attendance" / "rejoining.csv"
    )
    text = page.questions.import_attendance()
    assert text is not None and prompter.asked[-1][0] == "inform"
    row = desk.events.rows_for([webinar])[0]
    assert row.checked_in >= 2  # Tom matched by email; Sarah counted without a name
    assert desk.registrations.search(webinar, "Sarah") == []
