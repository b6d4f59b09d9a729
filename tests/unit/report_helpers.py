"""Reading the summary reports back: their text, fonts and sizes, a rendered page, and the
names and emails a report must never contain."""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader
from sqlalchemy import select

from engagement_desk.bootstrap import Desk, open_desk
from engagement_desk.db.models import CheckIn, Person, Registration, RegistrationStatus
from engagement_desk.paths import AppPaths
from tests.conftest import FakeClock

TODAY = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)  # the tests' clock
LAST_WEEK = datetime(2026, 4, 8, 9, 0, tzinfo=UTC)


def flat(text: str) -> str:
    """Whitespace collapsed: a table cell or a wrapped line reads as one run of words."""
    return " ".join(text.split())


def page_texts(data: bytes) -> list[str]:
    return [flat(page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return " ".join(page_texts(data))


def section(text: str, start: str, end: str) -> str:
    """The text from the heading ``start`` up to the heading ``end``."""
    begin = text.index(start)
    return text[begin : text.index(end, begin + len(start))]


def font_sizes(data: bytes) -> set[float]:
    """Every size a Tf operator sets, on every page."""
    sizes: set[float] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        content = page.get_contents()
        assert content is not None
        stream = content.get_data().decode("latin-1")
        sizes |= {float(size) for size in re.findall(r"/[^\s/]+ ([\d.]+) Tf", stream)}
    return sizes


def font_names(data: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page["/Resources"]["/Font"]
        names |= {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}
    return names


def dark_share(data: bytes, page: int = 0) -> float:
    """The share of a page's pixels that are dark, rendered at 50 dpi."""
    document = pdfium.PdfDocument(data)
    try:
        image = document[page].render(scale=50 / 72).to_pil().convert("L")
    finally:
        document.close()
    histogram = image.histogram()
    return sum(histogram[:100]) / (image.width * image.height)


def add_people(
    desk: Desk, event_id: str, names: list[str], *, came: bool = True, district: str = "BL9"
) -> list[str]:
    """People with registrations (and check-ins if they came); returns the registration ids."""
    ids = []
    with desk.db.transaction() as s:
        for n, name in enumerate(names):
            person = Person(
                device_id=desk.device.id,
                full_name=name,
                email=f"{name.lower().replace(' ', '.')}.{n}@example.org",
                postcode_district=district,
                child_age_band="5-10",
                need_areas=["autism"],
                consent_store=True,
                consent_special_category=True,
                consent_quote=True,
            )
            registration = Registration(
                device_id=desk.device.id,
                event_id=event_id,
                person=person,
                status=RegistrationStatus.REGISTERED,
                ticket_id=secrets.token_hex(8),
                source="online form",
            )
            s.add_all([person, registration])
            s.flush()
            ids.append(registration.id)
            if came:
                s.add(
                    CheckIn(
                        device_id=desk.device.id,
                        registration_id=registration.id,
                        event_id=event_id,
                        method="scanner",
                    )
                )
    return ids


def people(desk: Desk) -> list[tuple[str, str | None]]:
    """Every person's full name and email in the database."""
    with desk.db.session() as s:
        return [(p.full_name, p.email) for p in s.scalars(select(Person))]


def assert_names_absent(text: str, desk: Desk) -> None:
    found = [
        value
        for name, email in people(desk)
        for value in (name, email)
        if value and flat(value) in text
    ]
    assert not found, found


@contextmanager
def demo_desk(folder: Path, people_count: int = 80) -> Iterator[Desk]:
    """A desk on its own folder, filled with the demo data as of the tests' clock."""
    url = f"sqlite:///{(folder / 'desk.sqlite3').as_posix()}"
    desk = open_desk(AppPaths(folder), url, clock=FakeClock(TODAY))
    try:
        desk.demo.fill(people=people_count)
        yield desk
    finally:
        desk.close()
