"""Importing registrations from the messy files organisers really have."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.importing import (
    MAX_ROWS,
    Field,
    UnreadableFile,
    guess_delimiter,
    looks_binary,
    parse_file,
    parse_when,
    read_sheet,
    recognise_header,
)
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import AuditEntry, Person, Registration, RegistrationStatus
from engagement_desk.services.errors import UserError
from engagement_desk.services.imports import ImportRefused, ImportReport, ImportService
from engagement_desk.services.registrations import RegistrationService
from engagement_desk.services.tickets import TicketService
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"


@pytest.fixture
def imports(desk: Desk, clock: FakeClock) -> ImportService:
    return ImportService(desk.db, desk.device, TicketService(desk.db), clock)


@pytest.fixture
def registrations(desk: Desk, clock: FakeClock) -> RegistrationService:
    return RegistrationService(desk.db, desk.device, TicketService(desk.db), clock)


@pytest.fixture
def event(desk: Desk) -> str:
    return desk.events.create(venue_event(capacity=40)).short_code


def copy(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copyfile(DATA / name, target)
    return target


def write_csv(folder: Path, rows: list[list[object]], name: str = "list.csv") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = folder / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def people(desk: Desk) -> dict[str, Person]:
    with desk.db.session() as s:
        return {p.full_name: p for p in s.scalars(select(Person))}


def count(desk: Desk, model: type) -> int:
    with desk.db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def nothing_written(desk: Desk) -> bool:
    return count(desk, Person) == 0 and count(desk, Registration) == 0


# ---- realistic files ---------------------------------------------------------------


def test_a_forms_export_with_consent_questions(
    desk: Desk,
    imports: ImportService,
    registrations: RegistrationService,
    event: str,
    tmp_path: Path,
) -> None:
    report = imports.import_file(event, copy("forms_export.csv", tmp_path))

    assert report.ok, report.problems
    assert report.imported
    assert report.encoding == "UTF-8"
    assert (report.rows_read, report.empty_rows) == (6, 1)
    assert report.registrations == 4
    assert report.new_people == 4
    assert report.duplicates_merged == 1  # Sarah Jones, twice, with different capitals
    assert report.skipped_no_consent == 1  # Gemma said no to keeping her details
    assert report.ignored_columns == ("How did you hear about this event?",)
    by_name = people(desk)
    assert set(by_name) == {"Sarah Jones", "Tom Riley", "Aisha Khan", "Liam O'Brien"}
    sarah = by_name["Sarah Jones"]
    assert sarah.email == "sarah.jones@example.org"
    assert sarah.postcode_district == "BL9"
    assert (sarah.child_age_band, sarah.ehcp_status) == ("5-10", "has an EHCP")
    assert sarah.consent_future_contact
    # Tom gave his child's details but not consent to keep them: they were not stored.
    tom = by_name["Tom Riley"]
    assert (tom.child_age_band, tom.ehcp_status, tom.need_areas) == (None, None, [])
    assert tom.access_needs == ["wheelchair access"]
    assert by_name["Aisha Khan"].access_needs == ["BSL or other interpreter", "quiet space"]
    liam = by_name["Liam O'Brien"]
    assert liam.role == "young person"
    assert liam.access_needs == ["other"]
    assert liam.access_notes == "My dad will come with me as my carer"
    with desk.db.session() as s:
        registered = {
            r.person.full_name: r for r in s.scalars(select(Registration)) if r.person is not None
        }
        # The form's timestamp is UK time; it is stored in UTC.
        assert registered["Tom Riley"].registered_at == datetime(2026, 3, 3, 10, 2, 51, tzinfo=UTC)
        assert all(r.source == "import" for r in registered.values())
        codes = [r.ticket_code for r in registered.values()]
    tickets = TicketService(desk.db)
    for code in codes:
        assert code is not None
        reading = tickets.verify(code)
        assert reading.ok and reading.event_code == event
    with desk.db.session() as s:
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.action == "people imported"))
    [row] = desk.events.list_events()
    assert row.registered == 4
    assert [r.name for r in registrations.search(event, "sarah")] == ["Sarah Jones"]


def test_a_ticketing_site_export_with_first_name_and_surname(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    report = imports.import_file(event, copy("ticketing_export.csv", tmp_path))

    assert report.ok, report.problems
    assert report.registrations == 4
    assert report.duplicates_merged == 1  # the same order line twice
    assert set(report.ignored_columns) == {"Order #", "Ticket Type"}
    assert [c.field for c in report.columns if c.header == "Attendee Status"] == [Field.STATUS]
    by_name = people(desk)
    assert set(by_name) == {"Priya Patel", "Daniel Evans", "Rachel Walsh", "Imran Hussain"}
    assert by_name["Daniel Evans"].email == "daniel.evans@example.org"
    assert by_name["Daniel Evans"].phone == "+447700900102"
    assert by_name["Priya Patel"].phone == "07700900101"
    with desk.db.session() as s:
        first = s.scalars(select(Registration).order_by(Registration.registered_at)).first()
        assert first is not None and first.person is not None
        assert first.person.full_name == "Priya Patel"
        assert first.registered_at == datetime(2026, 3, 2, 21, 5, tzinfo=UTC)  # GMT in March


def test_a_windows_1252_file_keeps_accented_names(
    desk: Desk,
    imports: ImportService,
    registrations: RegistrationService,
    event: str,
    tmp_path: Path,
) -> None:
    report = imports.import_file(event, copy("windows_1252.csv", tmp_path))

    assert report.ok, report.problems
    assert report.encoding == "Windows-1252"
    assert set(people(desk)) == {
        "Siobhán Ó Briain",
        "Zoë Hughes",
        "Seán Ó Ceallaigh",
        "François Lefèvre",
    }
    assert [r.name for r in registrations.search(event, "siobhan o")] == ["Siobhán Ó Briain"]
    assert [r.name for r in registrations.search(event, "zoe")] == ["Zoë Hughes"]
    francois = people(desk)["François Lefèvre"]
    assert francois.access_needs == ["dietary"]
    assert francois.access_notes == "Dietary (vegetarian)"


def test_utf8_with_and_without_a_bom_read_the_same(tmp_path: Path) -> None:
    text = "Name,Email\nZoë Hughes,zoe@example.org\n"
    plain = parse_file(read_sheet(text.encode("utf-8"), "a.csv"))
    bom = parse_file(read_sheet(b"\xef\xbb\xbf" + text.encode("utf-8"), "b.csv"))
    sixteen = parse_file(read_sheet(text.replace(",", "\t").encode("utf-16"), "c.txt"))

    for parsed in (plain, bom, sixteen):
        assert parsed.sheet.headers == ("Name", "Email")
        assert [r.person.full_name for r in parsed.rows] == ["Zoë Hughes"]


def test_semicolon_separated_files_from_european_excel(tmp_path: Path) -> None:
    parsed = parse_file(read_sheet(b"Name;Email\nAnn Lee;ann@example.org\n", "list.csv"))
    assert [(r.person.full_name, r.person.email) for r in parsed.rows] == [
        ("Ann Lee", "ann@example.org")
    ]


def test_an_xlsx_with_excel_date_cells_and_serial_numbers(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Registrations for Have your say"])
    sheet.append([])
    sheet.append(["Submitted", "Full name", "E-mail", "Mobile", "Child's age"])
    sheet.append(
        [datetime(2026, 3, 3, 9, 30), "Olivia Walsh", " Olivia@Example.org", 7700900111, 7]
    )
    sheet.append([date(2026, 3, 4), "Ben Saunders", "ben@example.org", "07700 900112", "11 to 16"])
    sheet.append([46085.75, "Chloe Green", "chloe@example.org", None, None])  # 2026-03-04 18:00
    sheet["A4"].number_format = "dd/mm/yyyy hh:mm"
    path = tmp_path / "export.xlsx"
    workbook.save(path)

    report = imports.import_file(event, path)

    assert report.ok, report.problems
    assert report.kind == "Excel workbook"
    assert report.registrations == 3
    by_name = people(desk)
    assert by_name["Olivia Walsh"].email == "olivia@example.org"
    assert by_name["Olivia Walsh"].phone == "07700900111"  # Excel had dropped the 0
    with desk.db.session() as s:
        when = {
            r.person.full_name: r.registered_at
            for r in s.scalars(select(Registration))
            if r.person is not None
        }
    assert when["Olivia Walsh"] == datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    assert when["Ben Saunders"] == datetime(2026, 3, 4, 0, 0, tzinfo=UTC)
    assert when["Chloe Green"] == datetime(2026, 3, 4, 18, 0, tzinfo=UTC)


def test_dates_in_the_shapes_exports_use() -> None:
    uk = datetime(2026, 4, 15, 9, 32, 11, tzinfo=UTC)  # 10:32:11 BST
    assert parse_when("15/04/2026 10:32:11") == uk
    assert parse_when("2026-04-15 10:32:11") == uk
    assert parse_when("2026-04-15T09:32:11Z") == uk
    assert parse_when(datetime(2026, 4, 15, 10, 32, 11)) == uk
    assert parse_when("Apr 15, 2026 10:32 AM") == datetime(2026, 4, 15, 9, 32, tzinfo=UTC)
    assert parse_when("04/15/2026 10:32") == datetime(2026, 4, 15, 9, 32, tzinfo=UTC)
    assert parse_when("46127.4375") == datetime(2026, 4, 15, 9, 30, tzinfo=UTC)
    assert parse_when(46127) == datetime(2026, 4, 14, 23, 0, tzinfo=UTC)
    for not_a_date in ("31/02/2026", "next Tuesday", "12", "", "1e9", True):
        assert parse_when(not_a_date) is None, not_a_date


# ---- errors, duplicates, all or nothing --------------------------------------------


def test_a_file_with_errors_imports_nothing_and_lists_every_problem(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    report = imports.import_file(event, copy("duplicates_and_errors.csv", tmp_path))

    assert not report.ok
    assert not report.imported
    assert report.problems == (
        "Row 5, column 'Postcode': 'Bury' is not a UK postcode (like BL9 0SW, or just BL9).",
        "Row 6, column 'Name': the name is missing. Fill it in, or delete the row if it is "
        "not a person.",
        "Row 7, column 'Email': 'jo@' is not an email address.",
        "Row 8, column 'Role': 'astronaut' is not a role this app knows (parent/carer, young "
        "person or professional). Change it, or map the column to 'ignore'.",
        "Row 8, column 'Date booked': '31/02/2026' is not a date.",
        "Row 9, column 'Consent to store details': 'maybe' is not yes or no.",
    )
    assert "Nothing was imported" in report.summary()
    assert nothing_written(desk)


def test_once_fixed_the_duplicates_are_one_person_and_one_registration(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = tmp_path / "fixed.csv"
    rows = (DATA / "duplicates_and_errors.csv").read_text().splitlines()
    path.write_text("\n".join(rows[:4]) + "\n")  # the header, Jo, Sam and JO again

    report = imports.import_file(event, path)

    assert report.ok
    assert (report.registrations, report.duplicates_merged, report.new_people) == (2, 1, 2)
    assert set(people(desk)) == {"Jo Bloggs", "Sam Lee"}  # the first spelling is kept


def test_importing_the_same_file_again_adds_no_one(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = copy("ticketing_export.csv", tmp_path)
    imports.import_file(event, path)

    again = imports.import_file(event, path)

    assert again.ok
    assert (again.registrations, again.new_people) == (0, 0)
    assert (again.existing_people, again.already_registered) == (4, 4)
    assert count(desk, Registration) == 4
    assert count(desk, Person) == 4


def test_people_already_known_are_reused_and_only_their_blanks_filled(
    desk: Desk, imports: ImportService, registrations: RegistrationService, tmp_path: Path
) -> None:
    earlier = desk.events.create(venue_event("Radcliffe morning")).short_code
    later = desk.events.create(venue_event("Prestwich afternoon")).short_code
    registrations.register(
        earlier, PersonDraft("Priya Patel", email="priya.patel@example.org", consent_store=True)
    )

    report = imports.import_file(later, copy("ticketing_export.csv", tmp_path))

    assert (report.new_people, report.existing_people, report.registrations) == (3, 1, 4)
    with desk.db.session() as s:
        priya = s.scalars(select(Person).where(Person.full_name == "Priya Patel")).one()
        assert priya.phone == "07700900101"
        assert len(priya.registrations) == 2


def test_dry_run_says_what_would_happen_and_writes_nothing(
    desk: Desk, imports: ImportService, registrations: RegistrationService, tmp_path: Path
) -> None:
    small = desk.events.create(venue_event("Ramsbottom coffee", capacity=3)).short_code
    registrations.register(
        small, PersonDraft("Daniel Evans", email="daniel.evans@example.org", consent_store=True)
    )
    before = count(desk, Person), count(desk, Registration), count(desk, AuditEntry)

    report = imports.import_file(small, copy("ticketing_export.csv", tmp_path), dry_run=True)

    assert report.dry_run and not report.imported
    assert report.ok
    assert (report.new_people, report.existing_people) == (3, 1)
    assert (report.registrations, report.already_registered) == (3, 1)
    assert report.waitlisted == 1
    assert "Dry run" in report.summary()
    assert report.as_json()["waitlisted"] == 1
    assert (count(desk, Person), count(desk, Registration), count(desk, AuditEntry)) == before


def test_beyond_capacity_the_waiting_list_is_in_booking_order(
    desk: Desk, imports: ImportService, tmp_path: Path
) -> None:
    small = desk.events.create(venue_event("Ramsbottom coffee", capacity=2)).short_code
    path = write_csv(
        tmp_path,
        [
            ["Name", "Email", "Booked"],
            ["Late Person", "late@example.org", "05/03/2026 12:00"],
            ["Early Person", "early@example.org", "01/03/2026 12:00"],
            ["Middle Person", "middle@example.org", "03/03/2026 12:00"],
            ["Later Still", "later@example.org", "06/03/2026 12:00"],
        ],
    )

    report = imports.import_file(small, path)

    assert (report.registrations, report.waitlisted) == (4, 2)
    with desk.db.session() as s:
        rows = {
            r.person.full_name: (r.status, r.waitlist_position, r.ticket_code is not None)
            for r in s.scalars(select(Registration))
            if r.person is not None
        }
    assert rows == {
        "Early Person": (RegistrationStatus.REGISTERED, None, True),
        "Middle Person": (RegistrationStatus.REGISTERED, None, True),
        "Late Person": (RegistrationStatus.WAITLISTED, 1, False),
        "Later Still": (RegistrationStatus.WAITLISTED, 2, False),
    }


# ---- mapping columns -----------------------------------------------------------------


def test_headings_are_recognised_however_they_are_written() -> None:
    assert recognise_header("  E-MAIL  ") is Field.EMAIL
    assert recognise_header("Email Address:") is Field.EMAIL
    assert recognise_header("Your Name") is Field.FULL_NAME
    assert recognise_header("first_name") is Field.FIRST_NAME
    assert recognise_header("Last name") is Field.LAST_NAME
    assert recognise_header("Telephone") is Field.PHONE
    assert recognise_header("Post Code") is Field.POSTCODE
    assert recognise_header("What is your postcode?") is Field.POSTCODE
    assert recognise_header("I agree to you storing my details (GDPR)") is Field.CONSENT_STORE
    assert (
        recognise_header("You may quote my comments anonymously - do you agree?")
        is Field.CONSENT_QUOTE
    )
    assert recognise_header("Favourite colour") is None
    assert recognise_header("") is None


def test_the_user_maps_the_columns_we_do_not_recognise(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        [
            ["Grown-up", "Contact", "Notes", "Email"],
            ["Ann Lee", "ann@example.org", "Needs a ramp", "wrong@example.org"],
        ],
    )

    unmapped = imports.import_file(event, path, dry_run=True)
    assert unmapped.problems == (
        "No column holds people's names. Choose the name column, for example --map "
        "'Parent name=full_name' (or first_name and last_name for two columns).",
    )

    report = imports.import_file(
        event,
        path,
        mapping={
            "grown-up": "full_name",
            "Contact": "email",
            "Notes": "access notes",
            "Email": "ignore",
        },
    )

    assert report.ok, report.problems
    assert [(c.header, c.how) for c in report.columns] == [
        ("Grown-up", "mapped"),
        ("Contact", "mapped"),
        ("Notes", "mapped"),
        ("Email", "ignored"),
    ]
    ann = people(desk)["Ann Lee"]
    assert (ann.email, ann.access_notes) == ("ann@example.org", "Needs a ramp")


def test_a_mapping_that_makes_no_sense_is_explained(
    imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, [["Name", "Email"], ["Ann Lee", "ann@example.org"]])

    report = imports.import_file(event, path, mapping={"Phone": "phone", "Email": "shoe size"})

    assert report.problems[0].startswith("There is no column 'Phone' in this file.")
    assert report.problems[1].startswith("'shoe size' is not something a column can be imported")


def test_the_preview_shows_headings_their_use_and_the_first_rows(
    imports: ImportService, tmp_path: Path
) -> None:
    preview = imports.preview(copy("ticketing_export.csv", tmp_path))

    assert preview.header_row == 2
    assert [c.field for c in preview.columns][:4] == [
        None,
        Field.REGISTERED_AT,
        Field.FIRST_NAME,
        Field.LAST_NAME,
    ]
    assert preview.sample[0][0] == 3
    assert preview.sample[0][1][2:4] == ("Priya", "Patel")
    assert preview.problems == ()


# ---- files that are not what they should be --------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "is empty (0 bytes)"),
        ("blank.csv", b"\r\n  \r\n", "has no rows at all"),
        ("list.pdf", b"%PDF-1.7\n...", "is a PDF"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old-style Excel .xls"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)), "not a CSV file"),
        ("renamed.xlsx", b"Name,Email\n", "named like an Excel workbook but is not one"),
        ("broken.xlsx", b"PK\x03\x04" + b"\0" * 64, "not an Excel workbook this app can read"),
        ("notes.json", b'{"name": "Ann"}', "imports CSV (.csv) and Excel (.xlsx) files"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_plainly(
    desk: Desk,
    imports: ImportService,
    event: str,
    tmp_path: Path,
    name: str,
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(ImportRefused, match=re.escape(message)):
        imports.import_file(event, path)
    assert nothing_written(desk)


def test_a_file_with_only_headings_imports_nothing(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, [["Name", "Email"]])
    report = imports.import_file(event, path)
    assert report.problems == (
        "'list.csv' has column headings but no rows of people. Nothing was imported.",
    )
    assert nothing_written(desk)


def test_a_huge_file_is_refused_before_it_is_read(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(51 * 1024 * 1024)  # sparse: takes no real disk space

    with pytest.raises(ImportRefused, match="too big to be a list of registrations"):
        imports.import_file(event, path)
    assert nothing_written(desk)


def test_too_many_rows_are_refused() -> None:
    content = "Name\n" + "Ann\n" * (MAX_ROWS + 20)
    with pytest.raises(UnreadableFile, match="200,000 rows"):
        read_sheet(content.encode(), "many.csv")


def test_a_missing_file_or_a_folder_is_explained(
    imports: ImportService, event: str, tmp_path: Path
) -> None:
    with pytest.raises(ImportRefused, match="There is no file at"):
        imports.import_file(event, tmp_path / "nope.csv")
    with pytest.raises(ImportRefused, match="is a folder"):
        imports.import_file(event, tmp_path)


def test_a_cancelled_event_takes_no_import(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    desk.events.cancel(event)
    with pytest.raises(UserError, match="is cancelled"):
        imports.import_file(event, copy("forms_export.csv", tmp_path))
    assert nothing_written(desk)


# ---- progress and cancel (for the GUI's worker) -----------------------------------------


def big_file(folder: Path, rows: int) -> Path:
    return write_csv(
        folder,
        [["Name", "Email"]] + [[f"Person {n}", f"person{n}@example.org"] for n in range(rows)],
        "big.csv",
    )


def test_progress_is_reported_to_the_end(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []

    report = imports.import_file(
        event, big_file(tmp_path, 1200), progress=lambda done, total: seen.append((done, total))
    )

    assert report.registrations == 1200
    assert seen[-1] == (2400, 2400)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert {total for _, total in seen} == {2400}


def test_cancelling_part_way_leaves_nothing_behind(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    calls = 0

    def cancel_late() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3  # after checking the rows, while writing

    with pytest.raises(ImportRefused, match="Import cancelled: nothing was imported"):
        imports.import_file(event, big_file(tmp_path, 1200), should_cancel=cancel_late)
    assert nothing_written(desk)


# ---- never a crash ------------------------------------------------------------------------

cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFF), max_size=30
)
headings = (
    st.sampled_from(
        [
            "Name",
            "Email",
            "First Name",
            "Surname",
            "Postcode",
            "Phone",
            "Role",
            "Timestamp",
            "Child's age",
            "EHCP",
            "Access needs",
            "Consent to store",
            "Happy to be contacted?",
            "x",
        ]
    )
    | cell_text
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(headings, min_size=1, max_size=6),
    rows=st.lists(st.lists(cell_text, max_size=7), max_size=8),
    dry_run=st.booleans(),
)
def test_random_csv_content_never_crashes_the_importer(
    imports: ImportService,
    event: str,
    tmp_path: Path,
    header: list[str],
    rows: list[list[str]],
    dry_run: bool,
) -> None:
    path = write_csv(tmp_path, [header, *rows], "random.csv")
    try:
        report = imports.import_file(event, path, dry_run=dry_run)
    except UserError as refused:
        assert str(refused)
        return
    assert isinstance(report, ImportReport)
    assert report.problems or report.imported or report.dry_run


@settings(max_examples=80, deadline=None)
@given(content=st.binary(max_size=600), name=st.sampled_from(["a.csv", "b.xlsx", "c.txt"]))
def test_random_bytes_never_crash_the_reader(content: bytes, name: str) -> None:
    try:
        parsed = parse_file(read_sheet(content, name))
    except UnreadableFile as refused:
        assert str(refused)
        return
    assert parsed.problems or parsed.rows or parsed.skipped_no_consent


def test_the_sample_files_are_checked_in(tmp_path: Path) -> None:
    names = sorted(os.listdir(DATA))
    assert names == [
        "duplicates_and_errors.csv",
        "eventbrite_attendee_report.csv",
        "eventbrite_us_attendees.csv",
        "forms_export.csv",
        "google_forms_responses.csv",
        "jotform_submissions.csv",
        "microsoft_forms_unicode_text.txt",
        "surveymonkey_responses.csv",
        "ticket_tailor_tickets.csv",
        "ticketing_export.csv",
        "trybooking_bookings.csv",
        "windows_1252.csv",
    ]
    # Their bytes are part of the test: BOMs, UTF-16 and Windows-1252, CRLF line endings.
    assert (DATA / "microsoft_forms_unicode_text.txt").read_bytes().startswith(b"\xff\xfeI\x00D")
    assert b"\r\n" in (DATA / "eventbrite_attendee_report.csv").read_bytes()
    assert (DATA / "jotform_submissions.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Zoë".encode("cp1252") in (DATA / "trybooking_bookings.csv").read_bytes()


# ---- one delimiter guess and one binary check, for registrations and attendance ----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Name;Email\nJo Bloggs;jo@example.org, work\n", ";"),
        ('Name,Notes\nJo Bloggs,"wheelchair; quiet room"\n', ","),
        ("Meeting summary\n\nName\tJoin time\nJo Bloggs\t3/4/26, 7:02:11 PM\n", "\t"),
        ("Registrations for the Bury drop-in\n\nName;Email\nJo Bloggs;jo@example.org\n", ";"),
        ("Name\nJo Bloggs\n", ","),
    ],
)
def test_the_delimiter_is_guessed_from_the_first_lines(text: str, expected: str) -> None:
    assert guess_delimiter(text, 10) == expected


def test_a_title_line_above_semicolon_headings_still_reads_as_columns() -> None:
    content = b"Registrations export\n\nName;Email\nJo Bloggs;jo@example.org\n"

    sheet = read_sheet(content, "export.csv")

    assert tuple(sheet.headers[:2]) == ("Name", "Email")


def test_a_stray_nul_is_text_but_many_are_binary() -> None:
    assert not looks_binary("Name,Email\nJo\x00 Bloggs,jo@example.org\n")
    assert looks_binary("N\x00a\x00m\x00e\x00")  # UTF-16 without its BOM
