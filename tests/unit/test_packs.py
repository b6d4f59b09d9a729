"""Event packs and device bundles: office → venue laptop → office, as on an event day."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.core.checkin import Outcome
from engagement_desk.core.packing import PackKind, open_sealed, seal
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import (
    AuditEntry,
    CheckIn,
    Comment,
    Person,
    Programme,
    Registration,
    Tally,
)
from engagement_desk.paths import AppPaths
from engagement_desk.services.errors import UserError
from engagement_desk.services.tickets import CANNOT_MINT
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event

PASSPHRASE = "bury town hall saturday"

JO = PersonDraft(
    "Jo Bloggs",
    email="jo.bloggs@example.org",
    phone="0161 555 0100",
    postcode="M26 2SP",
    access_needs=("wheelchair access",),
    access_notes="Needs a seat near the door.",
    child_age_band="5-10",
    ehcp_status="Has an EHCP",
    consent_store=True,
    consent_special_category=True,
)
SAM = PersonDraft("Sam Lee", email="sam.lee@example.org", consent_store=True)
LATE = PersonDraft("Lucy Late", email="lucy@example.org", consent_store=True)


@pytest.fixture
def venue(tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    """A second laptop with its own data folder, as a facilitator would take to a venue."""
    opened = open_desk(AppPaths(tmp_path / "venue-laptop").ensure(), clock=clock)
    yield opened
    opened.close()


def count(desk: Desk, model: type, *where: object) -> int:
    with desk.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def office_event(office: Desk) -> tuple[str, str, str]:
    """An event with two people booked; returns its id and their two ticket codes."""
    event = office.events.create(venue_event())
    jo = office.registrations.register(event.id, JO)
    sam = office.registrations.register(event.id, SAM)
    assert jo.ticket_code and sam.ticket_code
    return event.id, jo.ticket_code, sam.ticket_code


def test_a_pack_holds_the_public_key_and_only_what_the_door_needs(desk: Desk) -> None:
    event_id, _, _ = office_event(desk)

    pack = desk.packs.export_pack(event_id, PASSPHRASE)

    text = open_sealed(PackKind.EVENT_PACK, pack.data, PASSPHRASE).decode("utf-8")
    payload = json.loads(text)
    with desk.db.session() as s:
        programme = s.scalars(select(Programme)).one()
        jo_here = s.scalars(select(Person).where(Person.full_name == "Jo Bloggs")).one()
    assert programme.signing_private_key is not None
    assert jo_here.ehcp_status == "has an EHCP" and jo_here.phone  # the office has them...
    private = base64.b64encode(programme.signing_private_key).decode("ascii")
    public = base64.b64encode(programme.signing_public_key or b"").decode("ascii")
    assert private not in text
    assert "signing_private_key" not in text
    assert payload["programme"]["signing_public_key"] == public
    assert {p["full_name"] for p in payload["people"]} == {"Jo Bloggs", "Sam Lee"}
    for secret in ("jo.bloggs@example.org", "0161 555 0100", "Has an EHCP"):  # ...the pack not
        assert secret.casefold() not in text.casefold()
    for short in ("M26", "5-10"):  # ids and codes could hold these letters by chance
        assert f'"{short}"'.casefold() not in text.casefold()
    jo = next(p for p in payload["people"] if p["full_name"] == "Jo Bloggs")
    assert jo["access_needs"] == ["wheelchair access"]
    assert jo["access_notes"] == "Needs a seat near the door."
    assert pack.registrations == 2 and pack.people == 2


def test_event_day_round_trip(desk: Desk, venue: Desk) -> None:
    office = desk
    event_id, jo_code, sam_code = office_event(office)
    pack = office.packs.export_pack(event_id, PASSPHRASE)
    # Booked after the pack was made: the venue laptop has never heard of Lucy.
    late_code = office.registrations.register(event_id, LATE).ticket_code
    assert late_code is not None

    imported = venue.packs.import_pack(pack.data, PASSPHRASE)
    assert imported.registrations == 2

    # The venue laptop checks tickets with the public key alone...
    jo_at_door = venue.check_in.scan(event_id, jo_code)
    assert jo_at_door.outcome is Outcome.ADMITTED
    assert "wheelchair access" in jo_at_door.detail
    late_at_door = venue.check_in.scan(event_id, late_code)
    assert late_at_door.outcome is Outcome.ADMITTED_NOT_ON_LIST
    # ...but can never make one.
    with pytest.raises(UserError) as refused:
        venue.tickets.mint(event_id, "ABCDEFGHIJKLMNOP")
    assert str(refused.value) == CANNOT_MINT
    with venue.db.session() as s:
        assert s.scalars(select(Programme.signing_private_key)).one() is None
    # A walk-in, a check-in undone, and what people said.
    venue.registrations.walk_in(event_id, "Wendy Walkin", "wendy@example.org")
    sam_at_door = venue.check_in.scan(event_id, sam_code)
    assert sam_at_door.check_in_id is not None
    venue.check_in.undo(sam_at_door.check_in_id)
    theme = office.programmes.current().themes[0]
    venue.voices.add_comment(event_id, "More help before the EHCP.", themes=[theme])
    priority = office.programmes.current().priorities[0].id
    venue.voices.add_tally(event_id, priority, 7)

    bundle = venue.packs.export_bundle(PASSPHRASE)
    assert bundle.counts["check_ins"] == 4

    opened = office.packs.open_bundle(bundle.data, PASSPHRASE)
    first = office.packs.merge_bundle(opened)

    assert first.added["check_ins"] == 4
    assert first.added["people"] == 1  # Wendy; Jo and Sam came from the office
    assert first.added["registrations"] == 1  # Wendy's; Lucy's ticket was the office's already
    assert first.linked_to_office_tickets == 1
    assert first.added["comments"] == 1 and first.added["tallies"] == 1
    assert first.added["comment_themes"] == 1
    live = CheckIn.undone_at.is_(None)
    assert count(office, CheckIn, CheckIn.event_id == event_id, live) == 3
    assert count(office, CheckIn, CheckIn.event_id == event_id) == 4
    # Lucy's check-in landed on the office's own registration for her ticket.
    with office.db.session() as s:
        lucy = s.scalars(
            select(Registration).join(Person).where(Person.full_name == "Lucy Late")
        ).one()
        assert [c.device_id for c in lucy.check_ins] == [venue.device.id]
    counts = office.check_in.counts(event_id)
    assert counts.checked_in == 3 and counts.walk_ins == 1

    again = office.packs.merge_bundle(office.packs.open_bundle(bundle.data, PASSPHRASE))

    assert again.total_added == 0
    assert again.undo_updated == 0
    assert count(office, CheckIn, CheckIn.event_id == event_id) == 4
    assert count(office, Comment) == 1 and count(office, Tally) == 1
    assert count(office, Person) == 4


def test_an_undo_made_after_the_first_merge_is_carried_over(desk: Desk, venue: Desk) -> None:
    event_id, jo_code, _ = office_event(desk)
    venue.packs.import_pack(desk.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)
    scanned = venue.check_in.scan(event_id, jo_code)
    assert scanned.check_in_id is not None
    desk.packs.merge_bundle(
        desk.packs.open_bundle(venue.packs.export_bundle(PASSPHRASE).data, PASSPHRASE)
    )
    venue.check_in.undo(scanned.check_in_id)

    later = desk.packs.merge_bundle(
        desk.packs.open_bundle(venue.packs.export_bundle(PASSPHRASE).data, PASSPHRASE)
    )

    assert later.undo_updated == 1
    assert count(desk, CheckIn, CheckIn.undone_at.is_(None)) == 0


def test_the_same_person_booked_on_two_laptops_keeps_both_and_is_reported(
    desk: Desk, venue: Desk
) -> None:
    event_id, _, _ = office_event(desk)
    venue.packs.import_pack(desk.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)
    with venue.db.session() as s:
        jo_id = s.scalars(select(Person.id).where(Person.full_name == "Jo Bloggs")).one()
        jo_registration = s.scalars(
            select(Registration).where(Registration.person_id == jo_id)
        ).one()
    # The venue laptop cancels and re-books her; the office still has her first booking.
    with venue.db.transaction() as s:
        s.get_one(Registration, jo_registration.id).status = jo_registration.status.CANCELLED
    desk_side = venue.registrations.walk_in(event_id, "Jo Bloggs", "jo.bloggs@example.org")
    assert desk_side.person_id is not None

    result = desk.packs.merge_bundle(
        desk.packs.open_bundle(venue.packs.export_bundle(PASSPHRASE).data, PASSPHRASE)
    )

    # The venue never had Jo's email, so she became a second person there; both are kept.
    assert result.same_email == [desk_side.person_id]
    assert count(desk, Person, Person.email == "jo.bloggs@example.org") == 2


def test_importing_the_pack_again_updates_rather_than_duplicates(desk: Desk, venue: Desk) -> None:
    event_id, _, _ = office_event(desk)
    venue.packs.import_pack(desk.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)
    desk.registrations.register(event_id, LATE)

    again = venue.packs.import_pack(desk.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)

    assert again.registrations == 3
    assert count(venue, Registration) == 3
    assert count(venue, Programme) == 1


def test_importing_a_pack_into_the_office_keeps_its_private_key(desk: Desk) -> None:
    event_id, _, _ = office_event(desk)
    desk.packs.import_pack(desk.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)

    assert desk.tickets.mint(event_id, "ABCDEFGHIJKLMNOP").startswith("ED1-")
    assert [r.name for r in desk.registrations.search(None, "jo.bloggs@example")] == ["Jo Bloggs"]
    with desk.db.session() as s:
        assert s.scalar(select(Person.email).where(Person.full_name == "Jo Bloggs")) == (
            "jo.bloggs@example.org"
        )


def test_a_pack_from_another_programme_is_refused(desk: Desk, venue: Desk) -> None:
    event_id, _, _ = office_event(desk)
    venue.events.create(venue_event("The venue laptop's own event"))
    before = count(venue, Registration)

    with pytest.raises(UserError, match="another programme") as refused:
        venue.packs.import_pack(desk.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)

    assert "Nothing was imported" in str(refused.value)
    assert count(venue, Registration) == before
    assert count(venue, Person) == 0


def test_wrong_passphrase_imports_nothing(desk: Desk, venue: Desk) -> None:
    event_id, _, _ = office_event(desk)
    pack = desk.packs.export_pack(event_id, PASSPHRASE)

    with pytest.raises(UserError, match="passphrase is wrong"):
        venue.packs.import_pack(pack.data, "not the passphrase")

    assert count(venue, Registration) == 0


def test_a_bundle_from_a_laptop_that_never_had_our_pack_is_refused(desk: Desk, venue: Desk) -> None:
    own = venue.events.create(venue_event("Somebody else's event"))
    venue.registrations.walk_in(own.id, "Wendy Walkin")
    bundle = venue.packs.export_bundle(PASSPHRASE)

    with pytest.raises(UserError, match="not given its event pack"):
        desk.packs.open_bundle(bundle.data, PASSPHRASE)

    assert count(desk, Person) == 0


def test_a_pack_is_not_a_bundle(desk: Desk) -> None:
    event_id, _, _ = office_event(desk)
    pack = desk.packs.export_pack(event_id, PASSPHRASE)

    with pytest.raises(UserError, match=r"'pack import' instead\. Nothing was merged\."):
        desk.packs.open_bundle(pack.data, PASSPHRASE)


def test_a_bundle_that_fails_half_way_changes_nothing(desk: Desk, venue: Desk) -> None:
    event_id, jo_code, _ = office_event(desk)
    venue.packs.import_pack(desk.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)
    venue.check_in.scan(event_id, jo_code)
    venue.registrations.walk_in(event_id, "Wendy Walkin", "wendy@example.org")
    bundle = desk.packs.open_bundle(venue.packs.export_bundle(PASSPHRASE).data, PASSPHRASE)
    # A check-in for a registration neither laptop has: it fails after Wendy went in.
    broken = dict(bundle.rows["check_ins"][0], id="00000000-0000-4000-8000-000000000000")
    broken["registration_id"] = "00000000-0000-4000-8000-000000000001"
    bundle.rows["check_ins"].append(broken)
    people_before, check_ins_before = count(desk, Person), count(desk, CheckIn)

    with pytest.raises(UserError, match="Nothing was merged"):
        desk.packs.merge_bundle(bundle)

    assert count(desk, Person) == people_before
    assert count(desk, CheckIn) == check_ins_before


def test_the_same_person_with_two_live_bookings_for_one_event_is_reported(
    desk: Desk, venue: Desk
) -> None:
    event_id, _, _ = office_event(desk)
    venue.packs.import_pack(desk.packs.export_pack(event_id, PASSPHRASE).data, PASSPHRASE)
    with venue.db.transaction() as s:
        jo_id = s.scalars(select(Person.id).where(Person.full_name == "Jo Bloggs")).one()
        # Booked again at the door on this laptop, on the person the pack brought.
        s.add(
            Registration(
                device_id=venue.device.id,
                event_id=event_id,
                person_id=jo_id,
                ticket_id="ABCDEFGHIJKLMNOP",
                source="walk-in",
            )
        )

    result = desk.packs.merge_bundle(
        desk.packs.open_bundle(venue.packs.export_bundle(PASSPHRASE).data, PASSPHRASE)
    )

    [twice] = result.same_person_twice
    assert twice.person_id == jo_id and len(twice.registrations) == 2
    assert count(desk, Registration, Registration.person_id == jo_id) == 2


@pytest.mark.parametrize("kind", [PackKind.EVENT_PACK, PackKind.DEVICE_BUNDLE])
def test_an_unknown_format_version_is_refused_plainly(desk: Desk, kind: PackKind) -> None:
    data = seal(kind, json.dumps({"format": 99, "rows": {}}).encode(), PASSPHRASE)

    with pytest.raises(UserError, match=r"format 99.*Update this laptop"):
        if kind is PackKind.EVENT_PACK:
            desk.packs.import_pack(data, PASSPHRASE)
        else:
            desk.packs.open_bundle(data, PASSPHRASE)


def test_one_ticket_admitted_on_two_laptops_counts_once_whatever_the_merge_order(
    desk: Desk, venue: Desk, tmp_path: Path, clock: FakeClock
) -> None:
    """A forwarded screenshot of a ticket at two doors that could not see each other: both
    laptops admitted it. Merged, the earliest check-in counts and the other is set aside as
    undone, in either order, and the audit log says so."""
    event_id, jo_code, _ = office_event(desk)
    pack = desk.packs.export_pack(event_id, PASSPHRASE).data
    second = open_desk(AppPaths(tmp_path / "door-2").ensure(), clock=clock)
    try:
        venue.packs.import_pack(pack, PASSPHRASE)
        second.packs.import_pack(pack, PASSPHRASE)
        first_in = venue.check_in.scan(event_id, jo_code)
        clock.advance(minutes=4)
        later_in = second.check_in.scan(event_id, jo_code)
        assert first_in.outcome is later_in.outcome is Outcome.ADMITTED
        bundles = [
            venue.packs.export_bundle(PASSPHRASE).data,
            second.packs.export_bundle(PASSPHRASE).data,
        ]
    finally:
        second.close()

    outcomes = []
    for order, home in ((bundles, "office-a"), (bundles[::-1], "office-b")):
        office = open_desk(AppPaths(tmp_path / home).ensure(), clock=clock)
        try:
            office.packs.import_pack(pack, PASSPHRASE)
            merged = [
                office.packs.merge_bundle(office.packs.open_bundle(b, PASSPHRASE)) for b in order
            ]
            assert sum(m.second_admissions for m in merged) == 1
            with office.db.session() as s:
                rows = {
                    c.id: c.undone_at
                    for c in s.scalars(select(CheckIn).where(CheckIn.event_id == event_id))
                }
                audit = s.scalars(
                    select(AuditEntry.entity_id).where(
                        AuditEntry.action == "second admission set aside"
                    )
                ).all()
            outcomes.append(rows)
            assert rows[first_in.check_in_id] is None  # the earliest counts
            assert rows[later_in.check_in_id] is not None
            assert audit == [later_in.check_in_id]
            assert office.check_in.counts(event_id).checked_in == 1
        finally:
            office.close()
    assert outcomes[0] == outcomes[1]
