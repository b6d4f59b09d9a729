"""Every list model passes Qt's own model checks, empty and filled."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import EventDraft
from engagement_desk.ui.actions_model import ActionsModel
from engagement_desk.ui.checkin_models import RecentCheckInsModel
from engagement_desk.ui.questions_model import QuestionsModel


def test_row_models_pass_the_model_tester(qtbot: QtBot, desk: Desk) -> None:
    webinar = desk.events.create(
        EventDraft(
            title="Webinar",
            kind="webinar",
            starts_at=datetime(2026, 4, 15, 8, tzinfo=UTC),
            ends_at=datetime(2026, 4, 15, 9, tzinfo=UTC),
        )
    ).id
    desk.webinars.add_question(webinar, "Who do I call about transport?")
    desk.actions.add("Transport is confusing", "A single phone line", "Transport team")
    desk.registrations.walk_in(webinar, "Paul Riley")
    fills = (
        (QuestionsModel(), desk.webinars.questions(webinar)),
        (ActionsModel(), desk.actions.actions()),
        (RecentCheckInsModel(), desk.check_in.recent(webinar)),
    )
    for model, rows in fills:
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
        model.set_rows(rows)
        assert model.rowCount() == len(rows) == 1
        assert all(model.index(0, c).data() is not None for c in range(model.columnCount()))
        model.set_rows([])
        assert model.rowCount() == 0
