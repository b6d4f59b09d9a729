"""Publishing the schedule: the .ics calendar and the printable PDF listing, read back."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import AgendaDraft, VenueDraft
from engagement_desk.reports.listing import render_listing
from engagement_desk.services.errors import UserError
from engagement_desk.services.files import save_file
from tests.unit.conftest import venue_event, webinar

NEXT_WEEK = datetime(2026, 4, 22, 9, 0, tzinfo=UTC)
RADCLIFFE = VenueDraft(
    "Radcliffe Library",
    "Stand Lane, Radcliffe",
    "M26 1WR",
    step_free=True,
    quiet_room=True,
    accessible_toilet=True,
)


def vevents(data: bytes) -> dict[str, Calendar]:
    calendar = Calendar.from_ical(data)
    return {str(item["summary"]): item for item in calendar.walk("VEVENT")}


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def write_listing(desk: Desk, target: Path) -> int:
    """As both front ends do: the service builds the listing, reports draw it."""
    listing = desk.schedule.listing()
    save_file(target, render_listing(listing))
    return len(listing.entries)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder to save into."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def published(desk: Desk) -> dict[str, str]:
    """Two upcoming events (one at a venue, one online), one cancelled, one already past."""
    town_hall = desk.events.create(
        venue_event(
            "Have your say: SEND in Bury",
            agenda=[AgendaDraft("Welcome and introductions", NEXT_WEEK)],
        )
    )
    online = desk.events.create(webinar("Monthly SEND webinar Q&A (EHCPs)"))
    cancelled = desk.events.create(
        venue_event(
            "Radcliffe coffee morning",
            starts_at=NEXT_WEEK + timedelta(days=2),
            venue=RADCLIFFE,
        )
    )
    desk.events.cancel(cancelled.id, "Room unavailable")
    past = desk.events.create(
        venue_event("Last month's event", starts_at=NEXT_WEEK - timedelta(days=35))
    )
    return {
        "venue": town_hall.id,
        "online": online.id,
        "cancelled": cancelled.id,
        "past": past.id,
    }


# ---- the calendar ------------------------------------------------------------


def test_ics_has_one_vevent_per_upcoming_event(desk: Desk, published: dict[str, str]) -> None:
    items = vevents(desk.schedule.ics_bytes())

    assert sorted(items) == [
        "CANCELLED: Radcliffe coffee morning",
        "Have your say: SEND in Bury",
        "Monthly SEND webinar Q&A (EHCPs)",
    ]
    assert "Last month's event" not in str(items)


def test_ics_times_are_the_events_in_utc(desk: Desk, published: dict[str, str]) -> None:
    data = desk.schedule.ics_bytes()
    item = vevents(data)["Have your say: SEND in Bury"]
    detail = desk.events.get(published["venue"])

    assert item.decoded("dtstart") == detail.draft.starts_at
    assert item.decoded("dtend") == detail.draft.ends_at
    assert item.decoded("dtstart").utcoffset() == timedelta(0)
    assert b"DTSTART:20260422T090000Z" in data
    assert b"DTEND:20260422T113000Z" in data
    assert str(item["uid"]) == f"{published['venue']}@engagement-desk"


def test_ics_location_and_description_tell_people_how_to_get_in(
    desk: Desk, published: dict[str, str]
) -> None:
    items = vevents(desk.schedule.ics_bytes())
    venue = items["Have your say: SEND in Bury"]
    online = items["Monthly SEND webinar Q&A (EHCPs)"]
    code = desk.events.get(published["venue"]).short_code

    location = str(venue["location"])
    assert "Bury Town Hall" in location
    assert "BL9 0SW" in location
    description = str(venue["description"])
    assert "Step-free access" in description
    assert "Hearing loop" in description
    assert "Use the Knowsley Street entrance." in description
    assert "10:00 Welcome and introductions" in description  # agenda in UK time (BST)
    assert f"Event code: {code}" in description
    assert str(venue["status"]) == "CONFIRMED"

    assert str(online["location"]) == "Online: https://meet.example.org/bury-send"
    assert str(online["url"]) == "https://meet.example.org/bury-send"
    assert "Join online: https://meet.example.org/bury-send" in str(online["description"])


def test_ics_marks_a_cancelled_event(desk: Desk, published: dict[str, str]) -> None:
    item = vevents(desk.schedule.ics_bytes())["CANCELLED: Radcliffe coffee morning"]

    assert str(item["status"]) == "CANCELLED"
    assert "M26 1WR" in str(item["location"])
    assert "Quiet room" in str(item["description"])


def test_ics_for_chosen_events_includes_past_ones(desk: Desk, published: dict[str, str]) -> None:
    code = desk.events.get(published["past"]).short_code

    items = vevents(desk.schedule.ics_bytes([code.lower(), published["online"]]))

    assert sorted(items) == ["Last month's event", "Monthly SEND webinar Q&A (EHCPs)"]


def test_ics_file_is_written(desk: Desk, published: dict[str, str], out: Path) -> None:
    target = out / "events.ics"

    assert desk.schedule.write_ics(target) == 3

    assert len(vevents(target.read_bytes())) == 3
    assert [p.name for p in out.iterdir()] == ["events.ics"]


# ---- the printable listing ------------------------------------------------------


def test_listing_pdf_shows_each_event_and_its_access(
    desk: Desk, published: dict[str, str], out: Path
) -> None:
    target = out / "listing.pdf"

    assert write_listing(desk, target) == 3

    reader = PdfReader(target)
    assert reader.metadata is not None
    assert reader.metadata.title == "SEND engagement events for parents and carers"
    assert reader.metadata.author == "Engagement Desk"
    text = pdf_text(target.read_bytes())
    assert "Have your say: SEND in Bury" in text
    assert "Monthly SEND webinar Q&A (EHCPs)" in text
    assert "CANCELLED: Radcliffe coffee morning" in text
    assert "Last month's event" not in text
    assert "Step-free access" in text
    assert "Wed 22 Apr 2026, 10:00–12:30" in text  # UK time, spelled out
    assert desk.events.get(published["venue"]).short_code in text


def test_listing_with_no_events_says_so(desk: Desk, out: Path) -> None:
    target = out / "listing.pdf"

    assert write_listing(desk, target) == 0

    assert "No events are scheduled at the moment." in pdf_text(target.read_bytes())


# ---- writing files safely ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["ics", "pdf"])
def test_missing_folder_is_a_user_error_and_leaves_no_file(
    desk: Desk, published: dict[str, str], out: Path, kind: str
) -> None:
    target = out / "no-such-folder" / f"events.{kind}"
    with pytest.raises(UserError, match="no-such-folder"):
        if kind == "ics":
            desk.schedule.write_ics(target)
        else:
            write_listing(desk, target)

    assert list(out.iterdir()) == []


@pytest.mark.parametrize("kind", ["ics", "pdf"])
def test_a_folder_in_the_way_is_a_user_error_and_leaves_no_partial_file(
    desk: Desk, published: dict[str, str], out: Path, kind: str
) -> None:
    target = out / f"events.{kind}"
    target.mkdir()
    with pytest.raises(UserError):
        if kind == "ics":
            desk.schedule.write_ics(target)
        else:
            write_listing(desk, target)

    assert [p.name for p in out.iterdir()] == [f"events.{kind}"]
    assert target.is_dir()


def test_rewriting_replaces_the_old_file_whole(
    desk: Desk, published: dict[str, str], out: Path
) -> None:
    target = out / "events.ics"
    target.write_text("an old calendar")

    desk.schedule.write_ics(target, [published["online"]])

    assert list(vevents(target.read_bytes())) == ["Monthly SEND webinar Q&A (EHCPs)"]
    assert [p.name for p in out.iterdir()] == ["events.ics"]
