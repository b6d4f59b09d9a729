"""The webinar Q&A log: asking, upvoting, answering, editing and deleting, all audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import AuditEntry, Question, QuestionStatus
from engagement_desk.services.errors import NotFound, UserError
from engagement_desk.services.webinars import (
    QuestionRow,
    WebinarService,
    parse_question_status,
)
from tests.conftest import FakeClock
from tests.unit.conftest import webinar

EHCP = "EHCP assessment process"


@pytest.fixture
def event(desk: Desk) -> str:
    return desk.events.create(webinar()).short_code


@pytest.fixture
def service(desk: Desk) -> WebinarService:
    return desk.webinars


def audit_actions(desk: Desk, entity_id: str) -> list[str]:
    with desk.db.session() as s:
        return list(
            s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.entity_id == entity_id)
                .order_by(AuditEntry.at, AuditEntry.id)
            )
        )


def stored_questions(desk: Desk) -> int:
    with desk.db.session() as s:
        return s.scalar(select(func.count()).select_from(Question)) or 0


# ---- asking --------------------------------------------------------------------------


def test_an_anonymous_question_is_logged_with_its_theme(
    service: WebinarService, event: str, clock: FakeClock
) -> None:
    row = service.add_question(event, "  How long should an EHCP assessment take?  ", EHCP)

    assert isinstance(row, QuestionRow)
    assert row.text == "How long should an EHCP assessment take?"
    assert row.theme == EHCP
    assert row.anonymous is True
    assert row.upvotes == 0
    assert row.status is QuestionStatus.OPEN
    assert row.answer == ""
    assert row.asked_at == clock.now
    assert service.questions(event) == [row]


def test_a_theme_is_matched_however_it_is_typed(service: WebinarService, event: str) -> None:
    row = service.add_question(
        event, "Is there help before diagnosis?", "  ehcp ASSESSMENT process"
    )

    assert row.theme == EHCP


def test_a_question_can_be_linked_to_the_attendee_who_asked(
    desk: Desk, service: WebinarService, event: str
) -> None:
    booked = desk.registrations.register(
        event, PersonDraft("Sarah Jones", email="sarah.jones@example.org", consent_store=True)
    )

    row = service.add_question(event, "Will transport be reviewed?", registration_id=booked.id)

    assert row.anonymous is False
    assert row.registration_id == booked.id


def test_a_registration_for_another_event_is_refused(
    desk: Desk, service: WebinarService, event: str
) -> None:
    other = desk.events.create(webinar("April webinar")).short_code
    booked = desk.registrations.register(
        other, PersonDraft("Sarah Jones", email="sarah.jones@example.org", consent_store=True)
    )

    with pytest.raises(NotFound, match="anonymously"):
        service.add_question(event, "A question", registration_id=booked.id)
    assert stored_questions(desk) == 0


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_question_is_refused_and_nothing_is_written(
    desk: Desk, service: WebinarService, event: str, text: str
) -> None:
    with pytest.raises(UserError, match="empty question"):
        service.add_question(event, text)
    assert stored_questions(desk) == 0


def test_an_unknown_theme_is_refused_with_the_themes_listed(
    desk: Desk, service: WebinarService, event: str
) -> None:
    with pytest.raises(UserError) as refused:
        service.add_question(event, "What about respite?", "Respite care")

    message = str(refused.value)
    assert "no theme called 'Respite care'" in message
    assert f"'{EHCP}'" in message
    assert "'Social, emotional and mental health'" in message
    assert stored_questions(desk) == 0


def test_an_overlong_question_is_refused(service: WebinarService, event: str) -> None:
    with pytest.raises(UserError, match="limit is 2,000"):
        service.add_question(event, "why " * 600)


def test_questions_for_an_unknown_or_cancelled_event_are_refused(
    desk: Desk, service: WebinarService, event: str
) -> None:
    with pytest.raises(NotFound, match="events list"):
        service.add_question("NOPE99", "Hello?")
    desk.events.cancel(event, "Speaker ill")
    with pytest.raises(UserError, match="cancelled"):
        service.add_question(event, "Hello?")
    assert service.questions(event) == []  # still listable


# ---- order and upvotes -------------------------------------------------------------------


def test_questions_are_listed_most_upvoted_first_then_in_the_order_asked(
    service: WebinarService, event: str, clock: FakeClock
) -> None:
    first = service.add_question(event, "First asked")
    clock.advance(minutes=1)
    second = service.add_question(event, "Second asked")
    clock.advance(minutes=1)
    third = service.add_question(event, "Third asked")
    clock.advance(minutes=1)
    fourth = service.add_question(event, "Fourth asked")

    service.upvote(third.id)
    service.upvote(third.id)
    service.upvote(second.id)
    service.upvote(fourth.id)

    listed = service.questions(event)
    assert [q.id for q in listed] == [third.id, second.id, fourth.id, first.id]
    assert [q.upvotes for q in listed] == [2, 1, 1, 0]


def test_upvote_returns_the_new_count(service: WebinarService, event: str) -> None:
    asked = service.add_question(event, "Any news on the new special school?")

    assert service.upvote(asked.id).upvotes == 1
    assert service.upvote(asked.id).upvotes == 2
    assert service.question(asked.id).upvotes == 2


def test_questions_of_other_events_are_not_listed(
    desk: Desk, service: WebinarService, event: str
) -> None:
    other = desk.events.create(webinar("April webinar")).short_code
    service.add_question(other, "Elsewhere")

    assert service.questions(event) == []


# ---- answering ---------------------------------------------------------------------------


def test_answered_live_needs_no_written_answer(service: WebinarService, event: str) -> None:
    asked = service.add_question(event, "Who do I contact about my child's EHCP?")

    row = service.set_status(asked.id, QuestionStatus.ANSWERED_LIVE)

    assert row.status is QuestionStatus.ANSWERED_LIVE
    assert row.answer == ""


def test_answered_later_needs_the_answer(desk: Desk, service: WebinarService, event: str) -> None:
    asked = service.add_question(event, "How many specialist places are planned?")

    with pytest.raises(UserError, match="needs its answer"):
        service.set_status(asked.id, QuestionStatus.ANSWERED_LATER)
    with pytest.raises(UserError, match="needs its answer"):
        service.set_status(asked.id, QuestionStatus.ANSWERED_LATER, "   ")
    assert service.question(asked.id).status is QuestionStatus.OPEN

    row = service.set_status(
        asked.id, QuestionStatus.ANSWERED_LATER, "  Forty more places from September.  "
    )
    assert row.status is QuestionStatus.ANSWERED_LATER
    assert row.answer == "Forty more places from September."


def test_the_full_lifecycle_keeps_the_answer_unless_it_is_replaced(
    service: WebinarService, event: str
) -> None:
    asked = service.add_question(event, "When will the local offer be updated?")

    followed = service.set_status(asked.id, QuestionStatus.FOLLOW_UP, "Checking with the team.")
    assert followed.status is QuestionStatus.FOLLOW_UP
    assert followed.answer == "Checking with the team."

    # No answer given: the one it has is kept, so 'answered later' is allowed.
    later = service.set_status(asked.id, QuestionStatus.ANSWERED_LATER)
    assert later.answer == "Checking with the team."

    replaced = service.set_status(asked.id, "answered later", "By the end of June.")
    assert replaced.answer == "By the end of June."

    reopened = service.set_status(asked.id, QuestionStatus.OPEN, "")
    assert reopened.status is QuestionStatus.OPEN
    assert reopened.answer == ""


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("open", QuestionStatus.OPEN),
        ("Answered live", QuestionStatus.ANSWERED_LIVE),
        ("answered-live", QuestionStatus.ANSWERED_LIVE),
        ("ANSWERED_LATER", QuestionStatus.ANSWERED_LATER),
        ("to follow up", QuestionStatus.FOLLOW_UP),
        ("follow-up", QuestionStatus.FOLLOW_UP),
        ("followup", QuestionStatus.FOLLOW_UP),
    ],
)
def test_statuses_are_read_however_they_are_typed(typed: str, status: QuestionStatus) -> None:
    assert parse_question_status(typed) is status


def test_an_unknown_status_is_refused_with_the_choices(service: WebinarService, event: str) -> None:
    asked = service.add_question(event, "A question")

    with pytest.raises(UserError, match="'answered later'"):
        service.set_status(asked.id, "done")


def test_an_unknown_question_is_not_found(service: WebinarService) -> None:
    for act in (
        lambda: service.upvote("no-such-question"),
        lambda: service.set_status("no-such-question", QuestionStatus.OPEN),
        lambda: service.edit_question("no-such-question", "Text", None),
        lambda: service.delete_question("no-such-question"),
    ):
        with pytest.raises(NotFound, match="No question has the id 'no-such-question'"):
            act()


# ---- editing and deleting -----------------------------------------------------------------


def test_editing_changes_the_words_and_theme(service: WebinarService, event: str) -> None:
    asked = service.add_question(event, "Speach therapy waiting times?", EHCP)

    edited = service.edit_question(
        asked.id, "Speech therapy waiting times?", "Speech, language and communication"
    )

    assert edited.text == "Speech therapy waiting times?"
    assert edited.theme == "Speech, language and communication"
    assert service.edit_question(asked.id, edited.text, None).theme is None


def test_editing_refuses_what_asking_refuses(service: WebinarService, event: str) -> None:
    asked = service.add_question(event, "Original words", EHCP)

    with pytest.raises(UserError, match="empty question"):
        service.edit_question(asked.id, " ", EHCP)
    with pytest.raises(UserError, match="no theme called"):
        service.edit_question(asked.id, "New words", "Nonsense")
    unchanged = service.question(asked.id)
    assert (unchanged.text, unchanged.theme) == ("Original words", EHCP)


def test_deleting_removes_the_question(desk: Desk, service: WebinarService, event: str) -> None:
    kept = service.add_question(event, "Kept")
    gone = service.add_question(event, "Typed by mistake")

    service.delete_question(gone.id)

    assert [q.id for q in service.questions(event)] == [kept.id]
    with pytest.raises(NotFound):
        service.question(gone.id)


# ---- audit -----------------------------------------------------------------------------------


def test_every_change_is_audited_without_the_words(
    desk: Desk, service: WebinarService, event: str
) -> None:
    words = "My son Alfie at St Mary's has waited 40 weeks"
    asked = service.add_question(event, words, EHCP)
    service.upvote(asked.id)
    service.set_status(asked.id, QuestionStatus.ANSWERED_LATER, "We will look into it.")
    service.edit_question(asked.id, words + ".", EHCP)
    service.delete_question(asked.id)

    assert audit_actions(desk, asked.id) == [
        "question added",
        "question upvoted",
        "question status",
        "question edited",
        "question deleted",
    ]
    with desk.db.session() as s:
        details = list(s.scalars(select(AuditEntry.detail).where(AuditEntry.entity_id == asked.id)))
        devices = set(
            s.scalars(select(AuditEntry.device_id).where(AuditEntry.entity_id == asked.id))
        )
    assert devices == {desk.device.id}
    assert not any("Alfie" in d for d in details)
    assert "open -> answered later, answer changed" in details


def test_refused_changes_write_no_audit(desk: Desk, service: WebinarService, event: str) -> None:
    asked = service.add_question(event, "A question")

    with pytest.raises(UserError):
        service.set_status(asked.id, QuestionStatus.ANSWERED_LATER)

    assert audit_actions(desk, asked.id) == ["question added"]


def test_question_json_has_the_fields_a_script_needs(service: WebinarService, event: str) -> None:
    asked = service.add_question(event, "A question", EHCP)

    assert asked.as_json() == {
        "id": asked.id,
        "text": "A question",
        "theme": EHCP,
        "upvotes": 0,
        "status": "open",
        "answer": "",
        "asked_at": datetime(2026, 4, 15, 9, 0, tzinfo=UTC).isoformat(),
        "anonymous": True,
    }
