"""Real-world exports through the import service, into a real SQLite file, read back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.importing import Field, read_sheet
from engagement_desk.db.models import AuditEntry, Person, Registration
from engagement_desk.services.imports import ImportReport, ImportService
from engagement_desk.services.tickets import TicketService
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event
from tests.unit.import_corpus import (
    CORPUS,
    DATA,
    Export,
    by_file,
    eventbrite_workbook,
    microsoft_forms_workbook,
)


@pytest.fixture
def imports(desk: Desk, clock: FakeClock) -> ImportService:
    return ImportService(desk.db, desk.device, TicketService(desk.db), clock)


@pytest.fixture
def event(desk: Desk) -> str:
    return desk.events.create(venue_event(capacity=40)).short_code


def counts(desk: Desk) -> tuple[int, int, int]:
    with desk.db.session() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(model)) or 0
            for model in (Person, Registration, AuditEntry)
        )


def booked(desk: Desk) -> dict[str, tuple[str | None, object]]:
    """Everyone with a registration: name -> (email, registered at)."""
    with desk.db.session() as s:
        return {
            r.person.full_name: (r.person.email, r.registered_at)
            for r in s.scalars(select(Registration))
            if r.person is not None
        }


def check_report(report: ImportReport, export: Export) -> None:
    assert report.ok, report.problems
    assert report.registrations == len(export.people)
    assert report.not_booked_sentence == export.not_booked
    assert report.skipped_no_consent == export.left_out_no_consent
    for choice in export.choices:
        assert choice in report.choices
        assert choice in report.summary()
    if export.not_booked:
        assert export.not_booked in report.summary()
    fields = {c.header: (c.field.value if c.field else None) for c in report.columns}
    for header, wanted in export.columns.items():
        assert fields[header] == wanted, header


def check_database(desk: Desk, export: Export) -> None:
    rows = booked(desk)
    assert {name: email for name, (email, _) in rows.items()} == export.people
    if export.registered is not None:
        name, when = export.registered
        assert rows[name][1] == when


@pytest.mark.parametrize("export", CORPUS, ids=[e.file for e in CORPUS])
def test_each_export_is_previewed_checked_and_imported(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path, export: Export
) -> None:
    path = tmp_path / export.file
    shutil.copyfile(DATA / export.file, path)

    preview = imports.preview(path)
    assert preview.encoding == export.encoding
    assert preview.problems == ()
    assert preview.not_booked == export.not_booked
    for choice in export.choices:
        assert choice in preview.choices
    before = counts(desk)
    dry = imports.import_file(event, path, dry_run=True)
    check_report(dry, export)
    assert counts(desk) == before  # a check writes nothing

    report = imports.import_file(event, path)

    check_report(report, export)
    assert report.imported
    check_database(desk, export)


@pytest.mark.parametrize("build", [microsoft_forms_workbook, eventbrite_workbook])
def test_excel_downloads_with_date_cells_and_serial_numbers(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path, build: object
) -> None:
    path, export = build(tmp_path)  # type: ignore[operator]

    report = imports.import_file(event, path)

    assert report.kind == "Excel workbook"
    check_report(report, export)
    check_database(desk, export)


def test_the_ticketing_bug_no_one_is_welcomed_as_a_number(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    """The report from the issue: 'Attendee #' once won over First Name and Last Name."""
    path = tmp_path / "report.csv"
    shutil.copyfile(DATA / "eventbrite_attendee_report.csv", path)

    imports.import_file(event, path)

    names = list(booked(desk))
    assert names and not any(any(c.isdigit() for c in name) for name in names)
    assert "Dan Evans" not in names  # refunded
    assert "Gemma Clarke" not in names  # not attending


def test_a_numbered_column_is_refused_as_names_even_when_chosen_by_hand(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    shutil.copyfile(DATA / "eventbrite_attendee_report.csv", path)
    before = counts(desk)

    report = imports.import_file(
        event, path, mapping={"Attendee #": "full_name", "First Name": "ignore"}
    )

    assert report.problems == (
        "Column 'Attendee #': it holds numbers, not people's names. Choose the column that "
        "holds their names.",
    )
    assert counts(desk) == before


def test_the_user_can_choose_another_column_than_the_one_chosen(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = tmp_path / "forms.csv"
    shutil.copyfile(DATA / "google_forms_responses.csv", path)

    preview = imports.preview(path, {"Email Address": "email"})
    uses = {c.header: (c.field, c.how, c.reason) for c in preview.columns}
    assert uses["Email Address"] == (Field.EMAIL, "mapped", "")
    assert uses["Email address for your ticket"] == (
        None,
        "set aside",
        "is not used: you chose the email column",
    )

    report = imports.import_file(event, path, mapping={"Email Address": "email"})

    assert report.ok, report.problems
    assert booked(desk)["Kwame Mensah"][0] == "k.mensah.home@example.com"


def test_anonymous_form_without_a_name_question_is_refused_with_the_reason(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = tmp_path / "anonymous.csv"
    path.write_text(
        "ID,Start time,Completion time,Email,Name,How did you hear about us?\r\n"
        "1,3/3/26 9:14:02,3/3/26 9:16:40,anonymous,,School newsletter\r\n"
        "2,3/3/26 9:20:00,3/3/26 9:21:00,anonymous,,Facebook\r\n",
        encoding="utf-8",
    )
    before = counts(desk)

    report = imports.import_file(event, path)

    assert report.problems == (
        "No column holds people's names ('Name' is empty). Choose the name column, for "
        "example --map 'Parent name=full_name' (or first_name and last_name for two columns).",
    )
    assert counts(desk) == before


def test_a_status_the_app_does_not_know_is_a_problem_and_nothing_is_imported(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = tmp_path / "statuses.csv"
    path.write_text(
        "First Name,Last Name,Email,Attendee Status\n"
        "Ann,Lee,ann@example.org,Attending\n"
        "Ben,Cole,ben@example.org,Attending\n"
        "Cat,Dunn,cat@example.org,Pending review\n",
        encoding="utf-8",
    )

    before = counts(desk)

    report = imports.import_file(event, path)

    assert report.problems == (
        "Row 4, column 'Attendee Status': 'Pending review' is not a booking status this app "
        "knows (such as Attending, Checked In, Confirmed, Cancelled, Refunded, Not Attending). "
        "Change it, or map the column to 'ignore'.",
    )
    assert counts(desk) == before
    ignored = imports.import_file(event, path, mapping={"Attendee Status": "ignore"})
    assert ignored.ok and ignored.registrations == 3


def test_a_status_column_that_holds_no_booking_statuses_is_set_aside(
    imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = tmp_path / "form.csv"
    path.write_text(
        "Name,Email,Status\nAnn Lee,ann@example.org,Parent\nBen Cole,ben@example.org,Carer\n",
        encoding="utf-8",
    )

    report = imports.import_file(event, path, dry_run=True)

    assert report.ok and report.registrations == 2
    assert (
        "No booking status column: 'Status' does not hold booking statuses (like Attending "
        "or Cancelled)." in report.choices
    )


def test_someone_refunded_since_an_earlier_import_is_pointed_out(
    desk: Desk, imports: ImportService, event: str, tmp_path: Path
) -> None:
    first = tmp_path / "monday.csv"
    first.write_text(
        "First Name,Last Name,Email,Attendee Status\n"
        "Ann,Lee,ann@example.org,Attending\nBen,Cole,ben@example.org,Attending\n",
        encoding="utf-8",
    )
    imports.import_file(event, first)
    later = tmp_path / "wednesday.csv"
    later.write_text(
        "First Name,Last Name,Email,Attendee Status\n"
        "Ann,Lee,ann@example.org,Refunded\nBen,Cole,ben@example.org,Attending\n",
        encoding="utf-8",
    )

    report = imports.import_file(event, later)

    assert report.ok
    assert (report.registrations, report.already_registered, report.not_booked) == (0, 1, 1)
    assert any(
        note.startswith("1 of the rows not booked is already registered for this event")
        for note in report.notes
    )
    assert report.as_json()["not_booked_statuses"] == {"Refunded": 1}


def test_surveymonkey_second_heading_row_is_not_a_person() -> None:
    sheet = read_sheet((DATA / "surveymonkey_responses.csv").read_bytes(), "sm.csv")

    assert sheet.header_row == 2
    assert sheet.headers[-3:] == (
        "Which of these would help you take part?",
        "Hearing loop",
        "Other (please specify)",
    )
    assert [number for number, _ in sheet.rows] == [3, 4, 5]


def test_the_json_report_gives_choices_reasons_and_statuses(
    imports: ImportService, event: str, tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    shutil.copyfile(DATA / "eventbrite_attendee_report.csv", path)

    data = imports.import_file(event, path, dry_run=True).as_json()

    assert data["not_booked"] == 3
    assert data["not_booked_statuses"] == {"Refunded": 2, "Not Attending": 1}
    assert data["choices"] == list(by_file("eventbrite_attendee_report.csv").choices)
    [numbered] = [c for c in data["columns"] if c["column"] == "Attendee #"]
    assert numbered == {
        "column": "Attendee #",
        "field": None,
        "how": "set aside",
        "reason": "holds numbers",
    }
