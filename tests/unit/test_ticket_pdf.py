"""Ticket PDFs: one page per person, and every page's QR scans back to a valid, stored code."""

from __future__ import annotations

import io
from dataclasses import replace

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.qr import decode_qr
from engagement_desk.core.tickets import read_ticket
from engagement_desk.db.models import Registration, RegistrationStatus
from engagement_desk.reports.tickets import render_tickets
from engagement_desk.services.tickets import TicketBatch, TicketService
from tests.unit.ticket_data import register, venue_event, webinar

NAMES = ["Aisha Begum", "Tom O'Neill", "Zofia Kowalska", "Grace Adeyemi", "Callum Byrne"]
POINTS_PER_MM = 72 / 25.4


@pytest.fixture
def tickets(desk: Desk) -> TicketService:
    return TicketService(desk.db)


@pytest.fixture
def batch(desk: Desk, tickets: TicketService) -> TicketBatch:
    event_id = venue_event(desk)
    for name in NAMES:
        register(desk, event_id, name)
    register(desk, event_id, "Wendy Waitlist", RegistrationStatus.WAITLISTED)
    return tickets.ticket_sheet(event_id)


def _render(batch: TicketBatch) -> bytes:
    data = render_tickets(batch)
    assert data is not None
    return data


def test_one_page_per_ticket_with_name_and_event(batch: TicketBatch) -> None:
    reader = PdfReader(io.BytesIO(_render(batch)))

    assert len(reader.pages) == len(NAMES)
    for page, ticket in zip(reader.pages, batch.tickets, strict=True):
        text = " ".join(page.extract_text().split())
        assert ticket.person_name in text
        assert "Have your say: SEND in Bury" in text
        assert "Wed 22 Apr 2026, 10:00–12:30" in text
        assert "Bury Town Hall, Knowsley Street, Bury, BL9 0SW" in text
        assert "Step-free access, Hearing loop, Accessible toilet" in text
        assert "What to bring" in text
        assert ticket.reference in text
        assert batch.event_code in text
        assert "Wendy" not in text


def test_metadata_language_and_font(batch: TicketBatch) -> None:
    reader = PdfReader(io.BytesIO(_render(batch)))

    assert reader.metadata is not None
    assert reader.metadata.title == "Tickets: Have your say: SEND in Bury"
    assert reader.metadata.author == "Engagement Desk"
    assert reader.metadata.subject is not None
    assert "Wed 22 Apr 2026" in reader.metadata.subject
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    fonts = _font_names(reader)
    assert fonts
    assert all("AtkinsonHyperlegible" in name for name in fonts)


def _font_names(reader: PdfReader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        dictionaries = [resources]
        for xobject in resources.get("/XObject", {}).get_object().values():
            form = xobject.get_object()
            if "/Resources" in form:
                dictionaries.append(form["/Resources"].get_object())
        for dictionary in dictionaries:
            for font in dictionary.get("/Font", {}).get_object().values():
                names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_every_page_qr_scans_verifies_and_matches_the_stored_code(
    desk: Desk, tickets: TicketService, batch: TicketBatch
) -> None:
    public_key = tickets.keys(desk.programmes.ensure_seeded()).public_key
    with desk.db.session() as s:
        query = select(Registration).where(Registration.event_id == batch.event_id)
        stored = {
            r.id: (r.ticket_code, r.ticket_id, r.person.full_name if r.person else None)
            for r in s.scalars(query)
        }
    document = pdfium.PdfDocument(_render(batch))
    try:
        assert len(document) == len(batch.tickets)
        for page, ticket in zip(document, batch.tickets, strict=True):
            image = page.render(scale=150 / 72).to_pil()
            decoded = decode_qr(image)
            assert decoded == [ticket.code]
            reading = read_ticket(public_key, decoded[0])
            assert reading.ok, reading.message
            ticket_code, ticket_id, full_name = stored[ticket.registration_id]
            assert decoded[0] == ticket_code
            assert reading.ticket_id == ticket_id
            assert reading.event_code == batch.event_code
            assert full_name == ticket.person_name
    finally:
        document.close()


def test_the_qr_is_at_least_70_mm_square(batch: TicketBatch) -> None:
    document = pdfium.PdfDocument(_render(batch))
    try:
        page = document[0]
        # The QR is drawn as vector shapes: its white square (quiet zone included) is the
        # largest filled path on the page.
        paths = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3))
        bounds = [path.get_bounds() for path in paths]
        left, bottom, right, top = max(bounds, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
        assert (right - left) / POINTS_PER_MM >= 70
        assert (top - bottom) / POINTS_PER_MM >= 70
        assert not list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))
    finally:
        document.close()


def test_webinar_ticket_says_how_to_join(desk: Desk, tickets: TicketService) -> None:
    event_id = webinar(desk)
    register(desk, event_id, "Online Olu")
    reader = PdfReader(io.BytesIO(_render(tickets.ticket_sheet(event_id))))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "https://meet.example.org/bury-send" in text
    assert "Online Olu" in text


def test_progress_is_reported_for_every_page(batch: TicketBatch) -> None:
    seen: list[tuple[int, int]] = []
    render_tickets(batch, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, len(NAMES)) for n in range(1, len(NAMES) + 1)]


def test_cancelling_midway_returns_nothing(batch: TicketBatch) -> None:
    seen: list[int] = []
    result = render_tickets(
        batch,
        progress=lambda done, _total: seen.append(done),
        cancelled=lambda: len(seen) >= 2,
    )
    assert result is None
    assert seen == [1, 2]


def test_an_empty_batch_says_there_are_no_tickets(batch: TicketBatch) -> None:
    reader = PdfReader(io.BytesIO(_render(replace(batch, tickets=()))))
    assert len(reader.pages) == 1
    assert "No one is registered" in reader.pages[0].extract_text()
