"""Privacy requests: one person's data exported in full, and erased from the database file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import (
    AuditEntry,
    Comment,
    Person,
    Priority,
    Question,
    Registration,
    Response,
    ResponseMethod,
    ResponseScore,
    Theme,
)
from engagement_desk.services.errors import NotFound
from engagement_desk.services.privacy import PrivacyService
from engagement_desk.services.registrations import ERASED_TEXT, RegistrationService
from engagement_desk.services.tickets import TicketService
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event

# Distinctive enough that finding these bytes anywhere in the file can only mean them.
NAME = "Philippa Quarrington-Zedd"
EMAIL = "philippa.quarrington@example.org"
PHONE = "07700900987"
COMMENT = "My daughter Ottoline waited fourteen months for her speech therapy assessment."
QUESTION = "When will Ottoline's annual review paperwork arrive?"


@pytest.fixture
def registrations(desk: Desk, clock: FakeClock) -> RegistrationService:
    return RegistrationService(desk.db, desk.device, TicketService(desk.db), clock)


@pytest.fixture
def privacy(desk: Desk, registrations: RegistrationService, clock: FakeClock) -> PrivacyService:
    return PrivacyService(desk.db, desk.device, registrations, clock)


@pytest.fixture
def philippa(desk: Desk, registrations: RegistrationService) -> dict[str, str]:
    """Philippa booked two events, came to one, voted, commented and asked a question."""
    first = desk.events.create(venue_event("Have your say")).short_code
    second = desk.events.create(venue_event("Radcliffe morning")).short_code
    draft = PersonDraft(
        NAME,
        email=EMAIL,
        phone=PHONE,
        postcode="BL9 0SW",
        child_age_band="5-10",
        need_areas=("speech, language and communication",),
        access_needs=("hearing loop",),
        consent_store=True,
        consent_special_category=True,
        consent_quote=True,
    )
    came = registrations.walk_in(first, NAME, EMAIL, consent_store=True)
    registrations.register(first, draft)
    booked = registrations.register(second, draft)
    registrations.register(
        first, PersonDraft("Keith Other", email="keith@example.org", consent_store=True)
    )
    with desk.db.transaction() as s:
        priority = s.scalars(select(Priority).order_by(Priority.position)).first()
        theme = s.scalars(select(Theme).where(Theme.name == "Health services")).one()
        assert priority is not None
        s.add(
            Response(
                device_id=desk.device.id,
                event_id=came.event_id,
                registration_id=came.id,
                method=ResponseMethod.DOTS,
                scores=[ResponseScore(priority_id=priority.id, value=3)],
            )
        )
        s.add(
            Comment(
                device_id=desk.device.id,
                event_id=came.event_id,
                registration_id=came.id,
                text=COMMENT,
                quote_permission=True,
                themes=[theme],
            )
        )
        s.add(
            Question(
                device_id=desk.device.id,
                event_id=came.event_id,
                registration_id=came.id,
                text=QUESTION,
            )
        )
    return {"person": came.person_id or "", "came": came.id, "booked": booked.id}


def file_bytes(desk: Desk) -> bytes:
    path = desk.db.sqlite_path
    assert path is not None
    data = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            data += extra.read_bytes()
    return data


# ---- export ------------------------------------------------------------------------


def test_export_holds_everything_about_the_person(
    desk: Desk, privacy: PrivacyService, philippa: dict[str, str], tmp_path: Path
) -> None:
    data = privacy.export_person(EMAIL.upper())

    person = data["person"]
    assert (person["id"], person["full_name"], person["email"]) == (philippa["person"], NAME, EMAIL)
    assert person["phone"] == PHONE
    assert person["postcode_district"] == "BL9"
    assert person["child_age_band"] == "5-10"
    assert person["access_needs"] == ["hearing loop"]
    assert person["consents"]["store_child_send_details"] is True
    assert sorted(r["event"]["title"] for r in data["registrations"]) == [
        "Have your say",
        "Radcliffe morning",
    ]
    [came] = [r for r in data["registrations"] if r["id"] == philippa["came"]]
    assert came["check_ins"][0]["walk_in"] is True
    assert data["comments"][0]["text"] == COMMENT
    assert data["comments"][0]["themes"] == ["Health services"]
    assert data["questions"][0]["text"] == QUESTION
    assert data["responses"][0]["scores"] == [
        {"priority": "Live, learn and grow up locally", "value": 3}
    ]
    # It is JSON, and asking by id gives the same.
    assert json.loads(json.dumps(data)) == data
    assert privacy.export_person(philippa["person"])["person"] == person
    assert "Keith" not in json.dumps(data)
    with desk.db.session() as s:
        assert s.scalar(
            select(AuditEntry.action).where(
                AuditEntry.entity_id == philippa["person"],
                AuditEntry.action == "person data exported",
            )
        )


def test_export_of_someone_unknown_is_explained(privacy: PrivacyService) -> None:
    with pytest.raises(NotFound, match=r"No one has the email address nobody@example\.org"):
        privacy.export_person("Nobody@example.org")
    with pytest.raises(NotFound, match="No person has the id 'p-123'"):
        privacy.export_person("p-123")


# ---- erase --------------------------------------------------------------------------


def test_erasing_removes_their_details_from_the_file_and_keeps_the_counts(
    desk: Desk,
    registrations: RegistrationService,
    privacy: PrivacyService,
    philippa: dict[str, str],
) -> None:
    before = [(r.registered, r.checked_in, r.walk_ins) for r in desk.events.list_events()]
    raw = file_bytes(desk)
    assert NAME.encode() in raw or EMAIL.encode() in raw  # the test can see them before

    result = privacy.erase_person(EMAIL)

    assert (result.name, result.email) == (NAME, EMAIL)
    assert result.registrations_kept == 2
    assert result.check_ins_kept == 1
    assert (result.responses_unlinked, result.comments_removed, result.questions_removed) == (
        1,
        1,
        1,
    )
    assert result.file_scrubbed, result.note
    raw = file_bytes(desk)
    for secret in (NAME, EMAIL, PHONE, "Quarrington", "Ottoline", "quarrington"):
        assert secret.encode() not in raw, secret
        assert secret.encode("utf-16-le") not in raw, secret
    after = [(r.registered, r.checked_in, r.walk_ins) for r in desk.events.list_events()]
    # Where she came, the attendance stands; her booking for the event still to come is
    # given up (no one could claim a nameless place), so the waiting list can have it.
    assert after == [before[0], (before[1][0] - 1, 0, 0)]
    assert result.upcoming_cancelled == 1
    with desk.db.session() as s:
        assert s.get(Person, philippa["person"]) is None
        kept = s.get(Registration, philippa["came"])
        assert kept is not None and kept.person_id is None
        [comment] = s.scalars(select(Comment))
        assert (comment.text, comment.registration_id, comment.quote_permission) == (
            ERASED_TEXT,
            None,
            False,
        )
        assert [t.name for t in comment.themes] == ["Health services"]  # theme counts remain
        [response] = s.scalars(select(Response))
        assert response.registration_id is None
        assert len(response.scores) == 1  # the vote still counts
        assert s.scalars(select(Question.text)).one() == ERASED_TEXT
        assert s.scalar(
            select(AuditEntry.action).where(
                AuditEntry.entity_id == philippa["person"], AuditEntry.action == "person erased"
            )
        )
        # Everyone else is untouched.
        assert s.scalars(select(Person.full_name)).all() == ["Keith Other"]
    assert [r.name for r in registrations.list_people()] == ["Keith Other"]
    with pytest.raises(NotFound):
        privacy.export_person(EMAIL)


def test_an_erased_persons_place_at_a_coming_event_goes_to_the_waiting_list(
    desk: Desk, registrations: RegistrationService, privacy: PrivacyService
) -> None:
    full = desk.events.create(venue_event("Ramsbottom coffee", capacity=1)).short_code
    leaving = registrations.register(full, PersonDraft(NAME, email=EMAIL, consent_store=True))
    waiting = registrations.register(
        full, PersonDraft("Keith Other", email="keith@example.org", consent_store=True)
    )

    privacy.erase_person(EMAIL)

    assert registrations.registration(leaving.id).status.value == "cancelled"
    promoted = registrations.registration(waiting.id)
    assert promoted.status.value == "registered"
    assert promoted.ticket_code is not None


def test_erasing_twice_says_there_is_no_one_to_erase(
    privacy: PrivacyService, philippa: dict[str, str]
) -> None:
    privacy.erase_person(philippa["person"])
    with pytest.raises(NotFound):
        privacy.erase_person(philippa["person"])
