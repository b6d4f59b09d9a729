""" "You said, we did" actions: recorded, edited and deleted through the service, refused with
plain messages, audited, and read by the summaries the reports print."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engagement_desk.bootstrap import Desk
from engagement_desk.db.models import Action, ActionStatus, AuditEntry
from engagement_desk.services.actions import parse_status
from engagement_desk.services.errors import NotFound, ValidationFailed
from tests.conftest import FakeClock


def priority_id(desk: Desk, position: int) -> str:
    return next(p.id for p in desk.programmes.current().priorities if p.position == position)


def test_add_with_theme_priority_owner_status_and_due_date(desk: Desk) -> None:
    row = desk.actions.add(
        "  It takes too long to hear back about an EHCP.  ",
        we_did="A named caseworker for every family.",
        owner="  SEND   Assessment Team ",
        status="In progress",
        due=date(2026, 6, 30),
        theme="ehcp assessment process",
        priority_id=priority_id(desk, 3),
    )
    assert row.you_said == "It takes too long to hear back about an EHCP."
    assert row.owner == "SEND Assessment Team"
    assert row.status is ActionStatus.IN_PROGRESS
    assert row.due == date(2026, 6, 30)
    assert row.theme == "EHCP assessment process"
    assert row.priority == "Earlier help and prevention"
    assert desk.actions.actions() == [row]
    assert desk.actions.get(row.id) == row


def test_the_due_date_is_the_same_day_in_the_summary(desk: Desk) -> None:
    """Winter and summer: the day entered is the day the report prints."""
    for day in (date(2026, 1, 15), date(2026, 7, 15)):
        desk.actions.add(f"Said on {day}", due=day)
    dues = [a.due for a in desk.summaries.programme_summary().actions]
    assert sorted(d for d in dues if d) == ["2026-01-15", "2026-07-15"]
    assert sorted(a.due for a in desk.actions.actions() if a.due) == [
        date(2026, 1, 15),
        date(2026, 7, 15),
    ]


def test_plain_defaults(desk: Desk) -> None:
    row = desk.actions.add("More speech therapists, please.")
    assert (row.we_did, row.owner, row.status, row.due, row.theme, row.priority) == (
        "",
        "",
        ActionStatus.PLANNED,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"you_said": "   "}, "Write what parents said"),
        ({"status": "finished"}, "'finished' is not a status; use one of: planned, in progress"),
        ({"theme": "Transport"}, "'Transport' is not one of the programme's themes"),
        ({"priority_id": "no-such-id"}, "'no-such-id' is not one of the programme's priorities"),
        ({"owner": "x" * 201}, "keep it under 200"),
        ({"we_did": "x" * 4001}, "keep it under 4,000"),
    ],
)
def test_bad_input_is_refused_with_a_plain_message_and_nothing_written(
    desk: Desk, changes: dict[str, str], message: str
) -> None:
    values: dict[str, str] = {"you_said": "Something parents said"} | changes
    with pytest.raises(ValidationFailed) as caught:
        desk.actions.add(**values)  # type: ignore[arg-type]
    assert message in str(caught.value)
    assert desk.actions.actions() == []
    with desk.db.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.entity == "action")).all() == []


def test_every_problem_is_reported_at_once(desk: Desk) -> None:
    with pytest.raises(ValidationFailed) as caught:
        desk.actions.add("", status="maybe", theme="Nope")
    fields = [p.field for p in caught.value.problems]
    assert fields == ["you_said", "status", "theme"]


def test_update_changes_only_what_is_given_and_none_clears(desk: Desk, clock: FakeClock) -> None:
    row = desk.actions.add(
        "Parents want to co-produce.",
        owner="Bury2gether",
        due=date(2026, 5, 1),
        theme="Co-production",
        priority_id=priority_id(desk, 2),
    )
    clock.advance(days=2)
    done = desk.actions.update(row.id, status="done", we_did="Co-chairs appointed.")
    assert done.status is ActionStatus.DONE and done.we_did == "Co-chairs appointed."
    assert (done.owner, done.due, done.theme, done.priority) == (
        "Bury2gether",
        date(2026, 5, 1),
        "Co-production",
        "Families' voices shape services",
    )
    assert done.updated_at > row.updated_at and done.created_at == row.created_at
    cleared = desk.actions.update(row.id, due=None, theme=None, priority_id=None)
    assert (cleared.due, cleared.theme, cleared.priority) == (None, None, None)
    with pytest.raises(ValidationFailed, match="Write what parents said"):
        desk.actions.update(row.id, you_said="")
    assert desk.actions.get(row.id).you_said == "Parents want to co-produce."


def test_delete_and_unknown_ids(desk: Desk) -> None:
    row = desk.actions.add("Letters are confusing.")
    desk.actions.delete(row.id)
    assert desk.actions.actions() == []
    for call in (
        lambda: desk.actions.delete(row.id),
        lambda: desk.actions.update("nope", status="done"),
        lambda: desk.actions.get("nope"),
    ):
        with pytest.raises(NotFound, match="actions list"):
            call()


def test_changes_are_audited_without_the_words(desk: Desk) -> None:
    row = desk.actions.add("Private words about a child.")
    desk.actions.update(row.id, status="done")
    desk.actions.delete(row.id)
    with desk.db.session() as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == row.id).order_by(AuditEntry.at)
        ).all()
        assert [(e.action, e.device_id) for e in entries] == [
            ("action added", desk.device.id),
            ("action edited", desk.device.id),
            ("action deleted", desk.device.id),
        ]
        assert all("Private" not in e.detail for e in entries)
        assert s.get(Action, row.id) is None


def test_statuses_are_read_however_typed() -> None:
    assert parse_status("In-Progress") is ActionStatus.IN_PROGRESS
    assert parse_status(" in_progress ") is ActionStatus.IN_PROGRESS
    assert parse_status("DONE") is ActionStatus.DONE
    assert parse_status(ActionStatus.PLANNED) is ActionStatus.PLANNED
    assert parse_status("finished") is None


def test_the_summaries_and_the_report_show_the_actions(desk: Desk) -> None:
    from engagement_desk.reports.event_report import render_event_report
    from tests.unit.conftest import venue_event
    from tests.unit.report_helpers import LAST_WEEK, pdf_text

    desk.actions.add(
        "Too long to wait for speech therapy.",
        we_did="Therapists joining school clusters.",
        owner="Community Health",
        status="in progress",
        due=date(2026, 9, 1),
        theme="Speech, language and communication",
    )
    event = desk.events.create(venue_event(starts_at=LAST_WEEK))
    summary = desk.summaries.event_summary(event.short_code)
    [item] = summary.actions
    assert (item.you_said, item.status, item.due, item.theme) == (
        "Too long to wait for speech therapy.",
        "in progress",
        "2026-09-01",
        "Speech, language and communication",
    )
    text = pdf_text(render_event_report(summary))
    assert "Too long to wait for speech therapy." in text
    assert "Owner: Community Health" in text
    assert "In progress Due Tue 1 Sep 2026" in text
