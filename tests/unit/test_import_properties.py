"""Whatever is in the file, the importer answers plainly and a refused import writes nothing."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.importing import UnreadableFile, cell_text, parse_file, read_sheet
from engagement_desk.db.models import AuditEntry, Person, Registration
from engagement_desk.services.errors import UserError
from engagement_desk.services.imports import ImportService
from engagement_desk.services.tickets import TicketService
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event


@pytest.fixture
def imports(desk: Desk, clock: FakeClock) -> ImportService:
    return ImportService(desk.db, desk.device, TicketService(desk.db), clock)


@pytest.fixture
def event(desk: Desk) -> str:
    return desk.events.create(venue_event(capacity=3)).short_code


def snapshot(desk: Desk) -> tuple[object, ...]:
    """Every row an import could write or change."""
    with desk.db.session() as s:
        return (
            sorted(
                (p.id, p.full_name, p.email, p.phone, p.access_notes)
                for p in s.scalars(select(Person))
            ),
            sorted((r.id, r.status, r.person_id) for r in s.scalars(select(Registration))),
            sorted(a.id for a in s.scalars(select(AuditEntry))),
        )


def hidden_characters(text: str) -> list[str]:
    return [
        c
        for c in text
        if (unicodedata.category(c) == "Cc" and c not in "\t\n\r")
        or c in "\u200b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
    ]


HEADINGS = [
    "Order #", "Order Date", "First Name", "Last Name", "Email", "Attendee #", "Barcode #",
    "Attendee Status", "Name", "Your full name", "Your email address", "Email Address",
    "Completion time", "Postcode", "Mobile", "I am a", "Do you have any access needs?",
    "Do you agree to us storing your details?", "Status", "Buyer email", "",
]  # fmt: skip
texty = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x3000), max_size=24
)
cells = (
    texty
    | st.sampled_from(
        [
            "Attending",
            "Refunded",
            "Not Attending",
            "anonymous",
            "",
            "9000",
            "yes",
            "no",
            "03/15/2026 09:14",
            "15/03/2026",
            "Zoë Ó Briain",
            "ann@example.org",
            "BL9 0SW",
            "Sam\x00 Lee\u202e",
            "\u200bPriya\x07 Patel",
        ]
    )
    | st.integers(min_value=-(10**12), max_value=10**12).map(str)
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    delimiter = "\t" if encoding == "utf-16" else ","
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(st.sampled_from(HEADINGS) | texty, min_size=1, max_size=8),
    rows=st.lists(st.lists(cells, max_size=9), max_size=8),
    encoding=st.sampled_from(ENCODINGS),
    dry_run=st.booleans(),
)
def test_random_exports_never_crash_and_a_refusal_writes_nothing(
    desk: Desk,
    imports: ImportService,
    event: str,
    tmp_path: Path,
    header: list[str],
    rows: list[list[str]],
    encoding: str,
    dry_run: bool,
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes([header, *rows], encoding))
    before = snapshot(desk)
    try:
        report = imports.import_file(event, path, dry_run=dry_run)
    except UserError as refused:
        assert str(refused) and "Traceback" not in str(refused)
        assert snapshot(desk) == before
        return
    if report.problems or dry_run:
        assert not report.imported
        assert all(problem.strip() for problem in report.problems)
        assert snapshot(desk) == before
    else:
        assert report.imported
    for person in snapshot(desk)[0]:  # type: ignore[attr-defined]
        _, name, email, _, notes = person
        assert name and not hidden_characters(name)
        assert any(c.isalpha() for c in name)  # a number is never anyone's name
        assert not hidden_characters(notes or "")
        assert email is None or not hidden_characters(email)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.binary(max_size=800)
    | st.binary(max_size=400).map(lambda b: b"\xff\xfe" + b)
    | st.binary(max_size=400).map(lambda b: b"\xef\xbb\xbfName,Email\r\n" + b)
    | st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b),
    name=st.sampled_from(["a.csv", "b.xlsx", "c.txt", "d"]),
)
def test_random_bytes_are_refused_plainly_and_write_nothing(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path, content: bytes, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot(desk)
    try:
        report = imports.import_file(event, path)
    except UserError as refused:
        assert str(refused)
        assert snapshot(desk) == before
        return
    if not report.imported:
        assert report.problems
        assert snapshot(desk) == before


excel_cells = (
    texty.map(lambda t: "".join(c for c in t if unicodedata.category(c) != "Cc"))
    | st.integers(min_value=-(10**9), max_value=10**9)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.booleans()
    | st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))
    | st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1))
    | st.none()
)


@settings(max_examples=30, deadline=None)
@given(
    header=st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=6),
    rows=st.lists(st.lists(excel_cells, max_size=6), max_size=5),
)
def test_random_workbook_cells_never_crash_the_reader(
    header: list[str], rows: list[list[object]]
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    try:
        parsed = parse_file(read_sheet(buffer.getvalue(), "random.xlsx"))
    except UnreadableFile as refused:
        assert str(refused)
        return
    assert parsed.problems or parsed.rows or parsed.skipped_no_consent or parsed.not_booked


@given(text=texty)
def test_cells_never_keep_control_or_invisible_characters(text: str) -> None:
    cleaned = cell_text(text)
    assert not hidden_characters(cleaned)
    assert cleaned == cleaned.strip()


def test_control_characters_are_removed_from_names_and_answers(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = tmp_path / "pasted.csv"
    path.write_text(
        "Name,Email,Access needs\n"
        '\u202eSam\x07 Lee\x00,sam\x1b@example.org,"Hearing loop\x0c\nand a quiet room"\n'
        "\ufeffZoë\u200b Hughes,zoe@example.org,\n",
        encoding="utf-8",
    )

    report = imports.import_file(event, path)

    assert report.ok, report.problems
    names = {row[1]: row for row in snapshot(desk)[0]}  # type: ignore[attr-defined]
    assert set(names) == {"Sam Lee", "Zoë Hughes"}
    assert names["Sam Lee"][2] == "sam@example.org"
    assert not hidden_characters(names["Sam Lee"][4] or "")
