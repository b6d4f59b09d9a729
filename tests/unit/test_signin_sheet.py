"""The paper sign-in sheet: who is on it, in what order, and a PDF that reads back."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from engagement_desk.bootstrap import Desk
from engagement_desk.core.people import PersonDraft
from engagement_desk.reports.signin_sheet import render_sign_in_sheet
from engagement_desk.services.signin import SignInService, SignInSheet, split_name
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event

FIRST = ["Aisha", "Ben", "Chloe", "Dylan", "Erin", "Femi", "Grace", "Harry", "Isla", "Jack"]
LAST = ["Walsh", "Ashworth", "Nowak", "Begum", "O'Neill", "Clarke", "Zielinski", "Hughes"]
NEEDS = {
    3: ("BSL or other interpreter",),
    10: ("wheelchair access", "carer or PA attending"),
    17: ("quiet space",),
}


@pytest.fixture
def signin(desk: Desk, clock: FakeClock) -> SignInService:
    return SignInService(desk.db, desk.events, clock)


def draft(name: str, **changes: object) -> PersonDraft:
    email = "".join(c for c in name.lower() if c.isalpha() or c == " ").replace(" ", ".")
    return PersonDraft(name, email=f"{email}@example.org", consent_store=True, **changes)  # type: ignore[arg-type]


@pytest.fixture
def busy_event(desk: Desk) -> tuple[str, list[str]]:
    """An event with 80 confirmed places, plus a cancelled, an erased and a waiting person."""
    event = desk.events.create(venue_event(capacity=90))
    code = event.short_code
    names = []
    for n in range(80):
        # Unique names: the same first and last name are told apart by a middle initial.
        name = f"{FIRST[n % len(FIRST)]} {chr(65 + n // len(FIRST))}. {LAST[n % len(LAST)]}"
        names.append(name)
        desk.registrations.register(code, draft(name, access_needs=NEEDS.get(n, ())))
    cancelled = desk.registrations.register(code, draft("Carl Cancelled"))
    desk.registrations.cancel(code, cancelled.id)
    desk.registrations.register(code, draft("Edna Erased"))
    desk.privacy.erase_person("edna.erased@example.org")
    # Full from now on, so the next person waits.
    places = desk.events.rows_for([event.id])[0].registered
    desk.events.update(event.id, replace(event.draft, capacity=places))
    waiting = desk.registrations.register(code, draft("Wendy Waiting"))
    assert waiting.waitlist_position == 1
    return code, names


def surname_order(names: list[str]) -> list[str]:
    def key(name: str) -> tuple[str, str]:
        surname, given = split_name(name)
        return surname.casefold(), given.casefold()

    return sorted(names, key=key)


def listed(name: str) -> str:
    surname, given = split_name(name)
    return f"{surname}, {given}"


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


# ---- the sheet's contents ----------------------------------------------------------


def test_the_sheet_lists_confirmed_places_in_surname_order(
    desk: Desk, signin: SignInService, busy_event: tuple[str, list[str]], clock: FakeClock
) -> None:
    code, names = busy_event
    sheet = signin.sign_in_sheet(code)

    assert sheet.event_code == code
    assert sheet.title == "Have your say: SEND in Bury"
    assert sheet.when == "Wed 22 Apr 2026, 10:00–12:30"
    assert sheet.venue == "Bury Town Hall, Knowsley Street, Bury, BL9 0SW"
    assert sheet.printed_at == clock.now
    assert [p.listed_name for p in sheet.people] == [listed(n) for n in surname_order(names)]
    everyone = " ".join(p.listed_name for p in sheet.people)
    for left_off in ("Cancelled", "Erased", "Waiting"):
        assert left_off not in everyone


def test_access_needs_become_short_flags_and_checked_in_people_are_ticked(
    desk: Desk, signin: SignInService
) -> None:
    code = desk.events.create(venue_event()).short_code
    desk.registrations.register(
        code,
        draft(
            "Sarah Ashworth",
            access_needs=("BSL or other interpreter", "quiet space"),
            access_notes="Needs a seat near the door\nand the loop",
        ),
    )
    desk.registrations.register(code, draft("Tom Byrne", access_needs=("wheelchair access",)))
    desk.registrations.register(code, draft("Priya Shah", access_needs=("carer or PA attending",)))
    desk.registrations.walk_in(code, "Wally Walker", "wally@example.org")

    sheet = signin.sign_in_sheet(code)

    by_name = {p.listed_name: p for p in sheet.people}
    assert list(by_name) == ["Ashworth, Sarah", "Byrne, Tom", "Shah, Priya", "Walker, Wally"]
    assert by_name["Ashworth, Sarah"].access == ("BSL/interpreter", "quiet space")
    assert by_name["Ashworth, Sarah"].access_notes == "Needs a seat near the door and the loop"
    assert by_name["Byrne, Tom"].access == ("wheelchair",)
    assert by_name["Shah, Priya"].access == ("carer/PA",)
    assert [p.checked_in for p in sheet.people] == [False, False, False, True]
    assert sheet.already_checked_in == 1


def test_names_split_at_the_last_word() -> None:
    assert split_name("Sarah Ashworth") == ("Ashworth", "Sarah")
    assert split_name("  Mary  Jane   O'Neill ") == ("O'Neill", "Mary Jane")
    assert split_name("Cher") == ("Cher", "")
    assert split_name("") == ("", "")


# ---- the PDF -------------------------------------------------------------------


def test_the_pdf_reads_back_in_order_with_a_header_on_every_page(
    signin: SignInService, busy_event: tuple[str, list[str]]
) -> None:
    code, names = busy_event
    sheet = signin.sign_in_sheet(code)

    data = render_sign_in_sheet(sheet)

    pages = pdf_text(data)
    assert len(pages) >= 3  # 80 people do not fit on one or two pages
    for number, text in enumerate(pages, start=1):
        assert "Sign-in sheet: Have your say: SEND in Bury" in text
        assert "Wed 22 Apr 2026, 10:00–12:30" in text
        assert "Bury Town Hall" in text
        assert f"Page {number} of {len(pages)}" in text
    for text in pages[:-1]:  # the last page may hold only the walk-in rows
        assert "Name (surname first)" in text and "Access needs" in text
    everything = "\n".join(pages)
    flat = " ".join(everything.split())
    positions = [flat.find(listed(name)) for name in surname_order(names)]
    assert -1 not in positions, "every name is on the sheet"
    assert positions == sorted(positions), "names are in surname order"
    for flag in ("BSL/interpreter", "wheelchair", "carer/PA", "quiet space"):
        assert flag in flat
    for left_off in ("Cancelled", "Erased", "Edna", "Waiting", "Wendy"):
        assert left_off not in flat
    assert "Walk-ins:" in flat


def test_the_pdf_has_metadata_and_the_legible_font_at_11_pt_or_more(
    signin: SignInService, busy_event: tuple[str, list[str]]
) -> None:
    code, _ = busy_event
    reader = PdfReader(io.BytesIO(render_sign_in_sheet(signin.sign_in_sheet(code))))

    metadata = reader.metadata
    assert metadata is not None
    assert metadata.title == "Sign-in sheet: Have your say: SEND in Bury"
    assert metadata.author == "Engagement Desk"
    assert metadata.subject == (
        "Paper sign-in sheet for Have your say: SEND in Bury, Wed 22 Apr 2026, 10:00–12:30"
    )
    sizes: set[float] = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        names = {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}
        assert names and all("AtkinsonHyperlegible" in name for name in names), names
        content = page.get_contents()
        assert content is not None
        stream = content.get_data().decode("latin-1")
        sizes |= {float(size) for size in re.findall(r"/[^\s/]+ ([\d.]+) Tf", stream)}
    assert sizes and min(sizes) >= 11, sorted(sizes)


def test_walk_in_rows_fill_the_last_page_or_come_as_asked(
    desk: Desk, signin: SignInService
) -> None:
    code = desk.events.create(venue_event()).short_code
    desk.registrations.register(code, draft("Sarah Ashworth"))
    sheet = signin.sign_in_sheet(code)

    filled = PdfReader(io.BytesIO(render_sign_in_sheet(sheet)))
    assert len(filled.pages) == 1
    none = pdf_text(render_sign_in_sheet(sheet, blank_rows=0))
    assert len(none) == 1 and "Walk-ins" not in none[0]
    many = pdf_text(render_sign_in_sheet(sheet, blank_rows=60))
    assert len(many) >= 3
    assert all("Page" in text for text in many)


def test_an_event_with_no_one_registered_still_gives_a_sheet(signin: SignInService) -> None:
    empty = SignInSheet(
        event_id="e",
        event_code="ABC234",
        title="Quiet event",
        when="Wed 22 Apr 2026, 10:00–12:30",
        venue="Online",
        capacity=None,
        printed_at=datetime(2026, 4, 15, 9, 0, tzinfo=UTC),
        people=(),
    )
    [text] = pdf_text(render_sign_in_sheet(empty))
    assert "No one has a confirmed place yet." in text
    assert "0 expected" in text
