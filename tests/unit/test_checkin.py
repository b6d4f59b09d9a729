"""The check-in desk through CheckInService, with real signed codes: every outcome, what it
writes (and that bad input writes nothing), the repeat-scan window, undo, and the live counts.
"""

from __future__ import annotations

import sqlite3
import string
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.checkin import Outcome
from engagement_desk.core.people import PersonDraft
from engagement_desk.core.tickets import new_ticket_id, ticket_reference
from engagement_desk.db.models import AuditEntry, CheckIn, Device, Registration
from engagement_desk.services.checkin import CheckInService
from engagement_desk.services.devices import DeviceIdentity
from engagement_desk.services.errors import NotFound, UserError
from engagement_desk.services.registrations import RegistrationInfo
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event


@pytest.fixture
def event(desk: Desk) -> str:
    return desk.events.create(venue_event(capacity=40)).short_code


def person(name: str, **changes: object) -> PersonDraft:
    email = name.lower().replace(" ", ".") + "@example.org"
    return PersonDraft(name, email=email, consent_store=True, **changes)  # type: ignore[arg-type]


def book(desk: Desk, event: str, name: str, **changes: object) -> RegistrationInfo:
    return desk.registrations.register(event, person(name, **changes))


def code_of(info: RegistrationInfo) -> str:
    assert info.ticket_code is not None
    return info.ticket_code


def check_in_rows(desk: Desk) -> int:
    with desk.db.session() as s:
        return s.scalar(select(func.count()).select_from(CheckIn)) or 0


def second_laptop(desk: Desk, clock: FakeClock, name: str = "Door 2 laptop") -> CheckInService:
    """Another laptop at the same door, sharing the database (as a venue hub would)."""
    identity = DeviceIdentity(id=str(uuid.uuid4()), name=name)
    with desk.db.transaction() as s:
        s.add(Device(id=identity.id, name=identity.name))
    return CheckInService(desk.db, identity, desk.events, desk.tickets, clock)


# ---- admitted ------------------------------------------------------------------


def test_a_valid_ticket_is_admitted_and_the_check_in_is_on_disk(desk: Desk, event: str) -> None:
    sarah = book(desk, event, "Sarah Ashworth")

    result = desk.check_in.scan(event, code_of(sarah))

    assert result.outcome is Outcome.ADMITTED
    assert result.headline == "Welcome, Sarah Ashworth"
    assert result.detail == "Checked in."
    assert (result.person_name, result.registration_id) == ("Sarah Ashworth", sarah.id)
    assert result.check_in_id is not None and not result.repeated
    # Committed before scan() returned: another connection to the file sees it now.
    path = desk.db.sqlite_path
    assert path is not None
    with sqlite3.connect(path) as other:
        rows = other.execute(
            "SELECT registration_id, device_id, method, walk_in, undone_at FROM check_in "
            "WHERE id = ?",
            (result.check_in_id,),
        ).fetchall()
    other.close()
    assert rows == [(sarah.id, desk.device.id, "scanner", 0, None)]
    assert desk.registrations.registration(sarah.id).checked_in


def test_access_needs_are_shown_on_admission(desk: Desk, event: str) -> None:
    sarah = book(
        desk,
        event,
        "Sarah Ashworth",
        access_needs=("quiet space", "BSL or other interpreter"),
        access_notes="Arriving with her son's PA",
    )

    result = desk.check_in.scan(event, code_of(sarah))

    assert result.outcome is Outcome.ADMITTED
    assert set(result.access_needs) == {"quiet space", "BSL or other interpreter"}
    assert result.access_notes == "Arriving with her son's PA"
    assert result.detail.startswith("Access needs: ")
    assert "quiet space" in result.detail and "BSL or other interpreter" in result.detail
    assert result.detail.endswith("; Arriving with her son's PA")


def test_a_scanner_with_caps_lock_or_a_trailing_enter_still_admits(desk: Desk, event: str) -> None:
    sarah = book(desk, event, "Sarah Ashworth")
    result = desk.check_in.scan(event, f"  {code_of(sarah).lower()}\r\n")
    assert result.outcome is Outcome.ADMITTED
    assert result.registration_id == sarah.id


def test_the_printed_reference_typed_by_hand_checks_in(desk: Desk, event: str) -> None:
    sarah = book(desk, event, "Sarah Ashworth")
    typed = sarah.reference.lower().replace("-", " ")  # "abcd efgh ..." as a person types it

    result = desk.check_in.scan(event, typed, method="typed")

    assert result.outcome is Outcome.ADMITTED
    assert result.registration_id == sarah.id
    with desk.db.session() as s:
        check_in = s.get(CheckIn, result.check_in_id)
        assert check_in is not None and check_in.method == "typed"


def test_a_typed_reference_nobody_has_is_refused_and_writes_nothing(desk: Desk, event: str) -> None:
    book(desk, event, "Sarah Ashworth")
    before = check_in_rows(desk)

    result = desk.check_in.scan(event, ticket_reference(new_ticket_id()))

    assert result.outcome is Outcome.NOT_RECOGNISED
    assert result.headline == "Ticket reference not found"
    assert check_in_rows(desk) == before


def test_a_genuine_ticket_not_on_this_laptops_list_is_admitted_and_flagged(
    desk: Desk, event: str, clock: FakeClock
) -> None:
    ticket_id = new_ticket_id()
    code = desk.tickets.mint(event, ticket_id)  # made at the office after the pack left

    result = desk.check_in.scan(event, code)

    assert result.outcome is Outcome.ADMITTED_NOT_ON_LIST
    assert result.outcome.admits
    assert "not on this laptop's list" in result.headline
    assert "Ask their name" in result.detail
    with desk.db.session() as s:
        registration = s.scalar(select(Registration).where(Registration.ticket_id == ticket_id))
        assert registration is not None
        assert registration.id == result.registration_id
        assert registration.person_id is None
        assert registration.source == "door: valid ticket not on list"
        check_in = s.get(CheckIn, result.check_in_id)
        assert check_in is not None and check_in.registration_id == registration.id
        flagged = s.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == registration.id))
        assert flagged == "admitted, not on list"

    clock.advance(seconds=10)
    again = desk.check_in.scan(event, code)
    assert again.outcome is Outcome.ALREADY_CHECKED_IN
    assert "(details erased)" not in again.detail
    assert again.detail.startswith("A ticket holder not on the list was checked in at 10:00")


# ---- refused, with reasons ---------------------------------------------------------


def test_already_checked_in_says_when_in_london_time_and_on_which_laptop(
    desk: Desk, event: str, clock: FakeClock
) -> None:
    sarah = book(desk, event, "Sarah Ashworth", access_needs=("quiet space",))
    door_two = second_laptop(desk, clock)
    first = door_two.scan(event, code_of(sarah))  # 09:00 UTC is 10:00 in London (BST)
    assert first.outcome is Outcome.ADMITTED

    clock.advance(minutes=12)
    before = check_in_rows(desk)
    result = desk.check_in.scan(event, code_of(sarah))

    assert result.outcome is Outcome.ALREADY_CHECKED_IN
    assert not result.outcome.admits
    assert result.headline == "Already checked in"
    assert result.detail == (
        "Sarah Ashworth was checked in at 10:00 on Wed 15 Apr on Door 2 laptop."
    )
    assert result.check_in_id == first.check_in_id
    assert result.access_needs == ("quiet space",)
    assert check_in_rows(desk) == before


def test_already_checked_in_on_this_laptop_says_so(
    desk: Desk, event: str, clock: FakeClock
) -> None:
    sarah = book(desk, event, "Sarah Ashworth")
    desk.check_in.scan(event, code_of(sarah))
    clock.advance(minutes=1)
    result = desk.check_in.scan(event, code_of(sarah))
    assert result.outcome is Outcome.ALREADY_CHECKED_IN
    assert result.detail.endswith("at 10:00 on Wed 15 Apr on this laptop.")


def test_a_ticket_for_another_event_names_that_event_and_its_date(desk: Desk, event: str) -> None:
    other = desk.events.create(
        venue_event("Autism drop-in", starts_at=datetime(2026, 5, 6, 17, 30, tzinfo=UTC))
    ).short_code
    sam = book(desk, other, "Sam Patel")
    before = check_in_rows(desk)

    result = desk.check_in.scan(event, code_of(sam))

    assert result.outcome is Outcome.WRONG_EVENT
    assert result.headline == "Ticket for a different event"
    assert result.detail == "This ticket is for “Autism drop-in”, Wed 6 May 2026, 18:30–21:00."
    assert check_in_rows(desk) == before
    # The typed reference for another event's ticket says the same.
    typed = desk.check_in.scan(event, sam.reference)
    assert typed.outcome is Outcome.WRONG_EVENT
    assert "Autism drop-in" in typed.detail
    assert check_in_rows(desk) == before


def test_a_cancelled_ticket_is_refused(desk: Desk, event: str) -> None:
    sarah = book(desk, event, "Sarah Ashworth")
    desk.registrations.cancel(event, sarah.id)
    before = check_in_rows(desk)

    result = desk.check_in.scan(event, code_of(sarah))

    assert result.outcome is Outcome.CANCELLED
    assert not result.outcome.admits
    assert result.headline == "Cancelled ticket"
    assert "Sarah Ashworth's place was cancelled" in result.detail
    assert result.registration_id == sarah.id and result.check_in_id is None
    assert check_in_rows(desk) == before


def test_someone_on_the_waiting_list_is_not_admitted(desk: Desk) -> None:
    full = desk.events.create(venue_event("Small workshop", capacity=1)).short_code
    book(desk, full, "First Parent")
    waiting = book(desk, full, "Wendy Waiting")
    assert waiting.ticket_code is None  # no code is minted for a waiting-list place
    # A signed code can still exist (printed before they were moved back to the list).
    code = desk.tickets.mint(full, waiting.ticket_id)
    before = check_in_rows(desk)

    for scanned in (code, waiting.reference):
        result = desk.check_in.scan(full, scanned)
        assert result.outcome is Outcome.WAITLISTED
        assert result.headline == "On the waiting list"
        assert "Wendy Waiting is on the waiting list" in result.detail
        assert result.check_in_id is None
    assert check_in_rows(desk) == before


def _one_character_changed(code: str) -> str:
    middle = len(code) - 40  # inside the signature
    replacement = "B" if code[middle] != "B" else "C"
    return code[:middle] + replacement + code[middle + 1 :]


def _ticket_id_changed(code: str) -> str:
    version, event_code, ticket_id, signature = code.split("-")
    changed = ("A" if ticket_id[5] != "A" else "B").join((ticket_id[:5], ticket_id[6:]))
    return "-".join((version, event_code, changed, signature))


@pytest.mark.parametrize(
    ("label", "make"),
    [
        ("random text", lambda code: "hello, is this the right room?"),
        ("another system's QR", lambda code: "https://tickets.example.com/e/8812?seat=14"),
        ("one character changed", _one_character_changed),
        ("ticket id changed", _ticket_id_changed),
        ("truncated", lambda code: code[:-12]),
        ("cut after the ticket id", lambda code: code[:27]),
        ("blank line", lambda code: ""),
        ("just Enter", lambda code: "\r\n"),
        ("5,000-character paste", lambda code: (string.ascii_letters * 100)[:5000]),
        ("code pasted twice", lambda code: code + code),
        ("a letter that upper-cases to ASCII", lambda code: code[:12] + "ı" + code[13:]),
    ],
)
def test_bad_input_is_not_recognised_and_writes_nothing(
    desk: Desk, event: str, label: str, make: object
) -> None:
    sarah = book(desk, event, "Sarah Ashworth")
    assert callable(make)
    scanned = make(code_of(sarah))
    assert scanned != code_of(sarah)
    with desk.db.session() as s:
        before = (
            s.scalar(select(func.count()).select_from(CheckIn)),
            s.scalar(select(func.count()).select_from(Registration)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
        )

    result = desk.check_in.scan(event, scanned)

    assert result.outcome is Outcome.NOT_RECOGNISED, label
    assert not result.outcome.admits
    assert result.headline and result.detail
    assert result.check_in_id is None and result.registration_id is None
    assert len(result.detail) < 300  # a sentence, never the pasted text echoed back
    with desk.db.session() as s:
        after = (
            s.scalar(select(func.count()).select_from(CheckIn)),
            s.scalar(select(func.count()).select_from(Registration)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
        )
    assert after == before
    # The genuine ticket still works afterwards.
    assert desk.check_in.scan(event, code_of(sarah)).outcome is Outcome.ADMITTED


def test_the_messages_for_bad_input_say_what_to_do(desk: Desk, event: str) -> None:
    sarah = book(desk, event, "Sarah Ashworth")
    scan = desk.check_in.scan
    assert "Nothing was scanned" in scan(event, "").headline
    assert "web address" in scan(event, "https://example.com/x").detail
    assert "incomplete" in scan(event, code_of(sarah)[:-12]).detail
    assert "does not check out" in scan(event, _one_character_changed(code_of(sarah))).detail
    assert "far too long" in scan(event, "x" * 5000).detail
    for text in ("", "https://example.com/x", "x" * 5000):
        assert "search" in scan(event, text).detail.lower()


def test_an_unknown_event_is_a_user_error(desk: Desk) -> None:
    with pytest.raises(NotFound, match="No event has the id or short code"):
        desk.check_in.scan("NOPE99", "anything")


# ---- the same code twice ---------------------------------------------------------


def test_the_same_code_within_three_seconds_counts_once(
    desk: Desk, event: str, clock: FakeClock
) -> None:
    sarah = book(desk, event, "Sarah Ashworth", access_needs=("quiet space",))
    first = desk.check_in.scan(event, code_of(sarah))
    clock.advance(seconds=1)
    second = desk.check_in.scan(event, code_of(sarah), method="webcam")
    clock.advance(seconds=2)
    third = desk.check_in.scan(event, code_of(sarah).lower())

    assert first.outcome is Outcome.ADMITTED and not first.repeated
    for again in (second, third):
        assert again.outcome is Outcome.ADMITTED
        assert again.repeated
        assert again.check_in_id == first.check_in_id
        assert again.headline == first.headline
        assert again.access_needs == ("quiet space",)
    assert check_in_rows(desk) == 1

    clock.advance(seconds=3.5)
    later = desk.check_in.scan(event, code_of(sarah))
    assert later.outcome is Outcome.ALREADY_CHECKED_IN
    assert not later.repeated
    assert later.check_in_id == first.check_in_id
    assert check_in_rows(desk) == 1


def test_another_code_in_between_ends_the_repeat_window(
    desk: Desk, event: str, clock: FakeClock
) -> None:
    sarah = book(desk, event, "Sarah Ashworth")
    tom = book(desk, event, "Tom Byrne")
    desk.check_in.scan(event, code_of(sarah))
    clock.advance(seconds=1)
    assert desk.check_in.scan(event, code_of(tom)).outcome is Outcome.ADMITTED
    clock.advance(seconds=1)
    back = desk.check_in.scan(event, code_of(sarah))
    assert back.outcome is Outcome.ALREADY_CHECKED_IN
    assert check_in_rows(desk) == 2


def test_name_search_checks_in_without_a_code(desk: Desk, event: str, clock: FakeClock) -> None:
    sarah = book(desk, event, "Sarah Ashworth", access_needs=("wheelchair access",))

    result = desk.check_in.check_in_registration(event, sarah.id)

    assert result.outcome is Outcome.ADMITTED
    assert result.detail == "Access needs: wheelchair access"
    with desk.db.session() as s:
        check_in = s.get(CheckIn, result.check_in_id)
        assert check_in is not None and check_in.method == "search"
    clock.advance(minutes=2)
    again = desk.check_in.check_in_registration(event, sarah.id)
    assert again.outcome is Outcome.ALREADY_CHECKED_IN
    assert check_in_rows(desk) == 1
    other = desk.events.create(venue_event("Another event")).short_code
    with pytest.raises(NotFound):
        desk.check_in.check_in_registration(other, sarah.id)


# ---- undo ----------------------------------------------------------------------


def test_undo_takes_the_check_in_back_and_is_audited(
    desk: Desk, event: str, clock: FakeClock
) -> None:
    sarah = book(desk, event, "Sarah Ashworth")
    admitted = desk.check_in.scan(event, code_of(sarah))
    assert admitted.check_in_id is not None
    assert desk.check_in.counts(event).checked_in == 1

    clock.advance(seconds=1)
    desk.check_in.undo(admitted.check_in_id)

    assert desk.check_in.counts(event).checked_in == 0
    assert desk.check_in.recent(event) == []
    assert not desk.registrations.registration(sarah.id).checked_in
    with desk.db.session() as s:
        row = s.get(CheckIn, admitted.check_in_id)
        assert row is not None  # kept, marked undone: the audit trail stays whole
        assert row.undone_at == clock.now
        assert row.undone_by_device == desk.device.id
        entry = s.scalar(select(AuditEntry).where(AuditEntry.entity_id == admitted.check_in_id))
        assert entry is not None
        assert (entry.action, entry.entity, entry.device_id) == (
            "check-in undone",
            "check_in",
            desk.device.id,
        )
    with pytest.raises(UserError, match="already undone"):
        desk.check_in.undo(admitted.check_in_id)
    with pytest.raises(NotFound):
        desk.check_in.undo(str(uuid.uuid4()))

    # Within the repeat window, the same code after an undo is a fresh admission.
    again = desk.check_in.scan(event, code_of(sarah))
    assert again.outcome is Outcome.ADMITTED and not again.repeated
    assert again.check_in_id != admitted.check_in_id
    assert desk.check_in.counts(event).checked_in == 1


# ---- counts, recent arrivals and the arrivals chart --------------------------------


def test_counts_recent_and_arrivals(desk: Desk, event: str, clock: FakeClock) -> None:
    people = [book(desk, event, name) for name in ("Ann Ames", "Ben Bell", "Cat Cole", "Dan Dee")]
    empty = desk.check_in.counts(event)
    assert (empty.expected, empty.checked_in, empty.walk_ins, empty.still_to_arrive) == (4, 0, 0, 4)
    assert (empty.capacity, empty.room_left) == (40, 40)

    desk.check_in.scan(event, code_of(people[0]))  # 10:00 London
    clock.advance(minutes=5)
    desk.check_in.scan(event, code_of(people[1]), method="webcam")  # 10:05
    clock.advance(minutes=17)
    desk.registrations.walk_in(event, "Wally Walker", "wally@example.org")  # 10:22
    clock.advance(minutes=1)
    door_two = second_laptop(desk, clock, "Side door")
    door_two.scan(event, code_of(people[2]))  # 10:23

    counts = desk.check_in.counts(event)
    assert counts.expected == 4
    assert counts.checked_in == 4
    assert counts.walk_ins == 1
    assert counts.still_to_arrive == 1  # Dan
    assert counts.room_left == 40 - 4

    recent = desk.check_in.recent(event, limit=3)
    assert [r.person_name for r in recent] == ["Cat Cole", "Wally Walker", "Ben Bell"]
    assert [r.device_name for r in recent] == ["Side door", desk.device.name, desk.device.name]
    assert [r.walk_in for r in recent] == [False, True, False]
    assert recent[2].method == "webcam"
    assert recent[0].at == clock.now

    start = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
    assert desk.check_in.arrivals(event) == [(start, 2), (start + timedelta(minutes=15), 2)]
    assert desk.check_in.arrivals(event, minutes=5) == [
        (start, 1),
        (start + timedelta(minutes=5), 1),
        (start + timedelta(minutes=20), 2),
    ]


def test_registrations_without_a_person_are_named_for_what_they_are(
    desk: Desk, event: str, clock: FakeClock
) -> None:
    desk.registrations.walk_in(event, "", consent_store=False)  # counted, nothing kept
    clock.advance(seconds=30)
    unlisted = desk.tickets.mint(event, new_ticket_id())
    desk.check_in.scan(event, unlisted)
    erased = book(desk, event, "Erin Erased")
    clock.advance(minutes=1)
    desk.check_in.scan(event, code_of(erased))
    desk.privacy.erase_person(erased.email or "")

    names = [r.person_name for r in desk.check_in.recent(event)]
    assert names == [
        "Someone whose details were erased",
        "A ticket holder not on the list",
        "An anonymous walk-in",
    ]
    clock.advance(minutes=1)
    again = desk.check_in.scan(event, code_of(erased))
    assert again.outcome is Outcome.ALREADY_CHECKED_IN
    assert again.detail.startswith(
        "Someone whose details were erased was checked in at 10:01 on Wed 15 Apr"
    )
    assert "Erin" not in again.detail
