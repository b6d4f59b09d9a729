"""Webinar attendance from Zoom and Teams exports: reading every shape, matching, idempotence."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engagement_desk.bootstrap import Desk
from engagement_desk.core.attendance import (
    Column,
    DateOrder,
    choose_date_order,
    parse_attendance_time,
    parse_minutes,
    read_attendance,
    recognise_column,
)
from engagement_desk.core.importing import UnreadableFile
from engagement_desk.core.people import PersonDraft
from engagement_desk.db.models import (
    AuditEntry,
    CheckIn,
    Event,
    Registration,
    RegistrationStatus,
)
from engagement_desk.services.errors import UserError
from engagement_desk.services.imports import ImportRefused
from engagement_desk.services.webinars import (
    ATTENDANCE_SOURCE,
    AttendanceResult,
    WebinarService,
    stand_in_ticket_id,
)
from tests.unit.conftest import webinar

DATA = Path(__file__).resolve().parent.parent / "data" / "attendance"
MARCH_4 = date(2026, 3, 4)
# The webinar the sample files come from: Wednesday 4 March 2026, 7pm in the UK (GMT).
STARTS = datetime(2026, 3, 4, 19, 0, tzinfo=UTC)


def read(name: str, event_day: date | None = MARCH_4):  # type: ignore[no-untyped-def]
    return read_attendance((DATA / name).read_bytes(), name, event_day=event_day)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


# ---- times and durations -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2026-03-04 19:02:11", DateOrder.DAY_FIRST, utc(2026, 3, 4, 19, 2, 11)),
        ("2026-03-04T19:02:11Z", DateOrder.DAY_FIRST, utc(2026, 3, 4, 19, 2, 11)),
        ("2026-03-04T19:02:11.5+01:00", DateOrder.DAY_FIRST, utc(2026, 3, 4, 18, 2, 11)),
        ("04/03/2026 19:02", DateOrder.DAY_FIRST, utc(2026, 3, 4, 19, 2)),
        ("04/03/2026 19:02", DateOrder.MONTH_FIRST, utc(2026, 4, 3, 18, 2)),  # BST
        # Teams in a US-style locale; day first (UK) unless the file or event says otherwise.
        ("3/4/26, 7:02:11 PM", DateOrder.DAY_FIRST, utc(2026, 4, 3, 18, 2, 11)),
        ("3/4/26, 7:02:11 PM", DateOrder.MONTH_FIRST, utc(2026, 3, 4, 19, 2, 11)),
        ("03/04/2026 07:02:11 PM", DateOrder.MONTH_FIRST, utc(2026, 3, 4, 19, 2, 11)),
        ("3/4/26, 12:05:00 AM", DateOrder.MONTH_FIRST, utc(2026, 3, 4, 0, 5)),
        ("3/4/26, 12:05:00 PM", DateOrder.MONTH_FIRST, utc(2026, 3, 4, 12, 5)),
        # Only one reading makes sense, whatever the file's order.
        ("13/03/2026 19:02", DateOrder.MONTH_FIRST, utc(2026, 3, 13, 19, 2)),
        ("3/13/2026 7:02 pm", DateOrder.DAY_FIRST, utc(2026, 3, 13, 19, 2)),
        ("04.03.2026 19:02", DateOrder.DAY_FIRST, utc(2026, 3, 4, 19, 2)),
        ("4 Mar 2026 19:02", DateOrder.DAY_FIRST, utc(2026, 3, 4, 19, 2)),
        ("Wednesday, 4 March 2026 at 19:02", DateOrder.DAY_FIRST, utc(2026, 3, 4, 19, 2)),
        ("Mar 4, 2026 07:02 PM", DateOrder.DAY_FIRST, utc(2026, 3, 4, 19, 2)),
        ("04/03/2026 19:02:11 GMT", DateOrder.DAY_FIRST, utc(2026, 3, 4, 19, 2, 11)),
        ("15/04/2026 19:02 BST", DateOrder.DAY_FIRST, utc(2026, 4, 15, 18, 2)),
        ("19:02:11", DateOrder.DAY_FIRST, utc(2026, 3, 4, 19, 2, 11)),  # on the event's day
    ],
)
def test_join_times_in_the_shapes_platforms_write(
    text: str, order: DateOrder, expected: datetime
) -> None:
    assert parse_attendance_time(text, order, MARCH_4) == expected


@pytest.mark.parametrize(
    "text",
    ["yesterday evening", "31/02/2026 19:15", "2026-13-01 10:00", "25:00", "13:00 PM", "4/3", ""],
)
def test_what_is_not_a_time(text: str) -> None:
    assert parse_attendance_time(text, DateOrder.DAY_FIRST, MARCH_4) is None


def test_excel_cells_are_times_too() -> None:
    assert parse_attendance_time(datetime(2026, 3, 4, 19, 2)) == utc(2026, 3, 4, 19, 2)
    assert parse_attendance_time(46085.79375) == utc(2026, 3, 4, 19, 3)


def test_the_file_chooses_one_date_order() -> None:
    # Any date that reads only one way settles it for the whole file.
    assert choose_date_order(["03/04/2026 19:02", "13/03/2026 19:02"]) is DateOrder.DAY_FIRST
    assert choose_date_order(["03/04/2026 7:02 PM", "3/13/26, 7:05 PM"]) is DateOrder.MONTH_FIRST
    # Otherwise the event's date: a file of a 4 March webinar has 4 March in it.
    assert choose_date_order(["3/4/26, 7:02:11 PM"], MARCH_4) is DateOrder.MONTH_FIRST
    assert choose_date_order(["3/4/26, 7:02:11 PM"], date(2026, 4, 3)) is DateOrder.DAY_FIRST
    # With nothing to go on, the UK way.
    assert choose_date_order(["3/4/26, 7:02:11 PM"]) is DateOrder.DAY_FIRST
    assert choose_date_order(["2026-03-04 19:02:11"], MARCH_4) is DateOrder.DAY_FIRST


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        ("58", 58.0),
        (58, 58.0),
        ("58.5", 58.5),
        ("58 mins", 58.0),
        ("52m 10s", 52 + 10 / 60),
        ("1h 4m 32s", 64 + 32 / 60),
        ("1 hr 5 min", 65.0),
        ("01:04:32", 64 + 32 / 60),
        ("about an hour", None),
        ("-5", None),
        ("1h banana", None),
    ],
)
def test_durations(value: str | int, minutes: float | None) -> None:
    found = parse_minutes(value)
    if minutes is None:
        assert found is None
    else:
        assert found == pytest.approx(minutes)


@pytest.mark.parametrize(
    ("heading", "column"),
    [
        ("Name (Original Name)", Column.NAME),
        ("User Name (Original Name)", Column.NAME),
        ("User Email", Column.EMAIL),
        ("Attendee email", Column.EMAIL),
        ("Join Time", Column.JOIN),
        ("First Join", Column.JOIN),
        ("Last Leave", Column.LEAVE),
        ("Duration (Minutes)", Column.DURATION),
        ("Time in Session (minutes)", Column.DURATION),
        ("In-Meeting Duration", Column.DURATION),
        ("Participant ID (UPN)", Column.UPN),
        ("Start Time", None),  # Zoom's meeting start, not anyone's join
        ("Registration Time", None),
    ],
)
def test_headings(heading: str, column: Column | None) -> None:
    assert recognise_column(heading) is column


# ---- reading the sample exports ------------------------------------------------------------


def test_zoom_participants_export_with_meeting_details_before_the_heading() -> None:
    found = read("zoom_participants.csv")

    assert found.ok, found.problems
    assert found.header_row == 4  # after the meeting details line and a blank line
    assert found.date_order is DateOrder.MONTH_FIRST  # Zoom writes 03/04/2026 for 4 March
    keys = [a.key for a in found.attendees]
    assert "email:send.team@bury.example.gov.uk" not in keys  # the host, named in the details
    assert [str(i) for i in found.ignored] == ["Row 5: the meeting's host, not an attendee."]
    sarah = next(a for a in found.attendees if a.email == "sarah.jones@example.org")
    assert sarah.rows == (6, 8, 13)  # dropped out twice and came back
    assert sarah.first_joined == utc(2026, 3, 4, 18, 59, 12)
    assert sarah.last_left == utc(2026, 3, 4, 20, 4, 40)
    assert sarah.minutes == 66
    tom = next(a for a in found.attendees if a.key == "email:tom.riley@example.org")
    assert tom.email == "tom.riley@example.org"  # Tom.Riley@Example.org, lower-cased
    assert len(found.attendees) == 6
    assert found.duplicates_merged == 2
    assert found.rows_read == 9


def test_zoom_webinar_report_sections() -> None:
    found = read("zoom_webinar_report.csv")

    assert found.ok, found.problems
    assert [a.email for a in found.attendees] == [
        "sarah.jones@example.org",
        "aisha.khan@example.org",
        "lee.w@example.com",
    ]
    assert [str(i) for i in found.ignored] == [
        "Row 7: a host or panellist, not an attendee.",
        "Row 10: a host or panellist, not an attendee.",
        "Row 16: registered but did not attend.",
    ]
    aisha = found.attendees[1]
    assert aisha.rows == (14, 15)
    assert aisha.first_joined == utc(2026, 3, 4, 19, 3, 40)
    assert found.duplicates_merged == 1


def test_teams_report_utf16_tab_separated_with_sections() -> None:
    found = read("teams_attendance.csv")

    assert found.ok, found.problems
    assert found.encoding == "UTF-16"
    assert found.date_order is DateOrder.MONTH_FIRST  # '3/4/26' of a 4 March webinar
    assert [(a.key, a.first_joined) for a in found.attendees] == [
        ("email:sarah.jones@example.org", utc(2026, 3, 4, 19, 1, 15)),
        # No email, but the Participant ID is one.
        ("email:rhiannon.oneill@example.net", utc(2026, 3, 4, 19, 2, 11)),
        # A guest: Teams' '(Guest)' is not part of her name.
        ("name:zoe ashworth", utc(2026, 3, 4, 19, 8)),
    ]
    assert found.attendees[0].minutes == pytest.approx(52 + 10 / 60)
    reasons = [i.reason for i in found.ignored]
    assert reasons[:2] == ["the organizer, not an attendee.", "the presenter, not an attendee."]
    # The session-by-session section repeats the participants list: read once, not twice.
    assert reasons[2:] == ["one session of someone already in the participants list."] * 6


def test_teams_report_on_the_day_first_reading() -> None:
    """Without the event's date, 3/4/26 is 3 April, the UK reading."""
    found = read("teams_attendance.csv", event_day=None)

    assert found.date_order is DateOrder.DAY_FIRST
    assert found.attendees[0].first_joined == utc(2026, 4, 3, 18, 1, 15)


def test_older_teams_files_with_a_row_per_join_and_leave() -> None:
    found = read("teams_legacy.csv")

    assert found.ok, found.problems
    by_key = {a.key: a for a in found.attendees}
    sarah = by_key["name:sarah jones"]
    assert sarah.first_joined == utc(2026, 3, 4, 19, 1, 15)
    assert sarah.last_left == utc(2026, 3, 4, 19, 20)
    assert by_key["name:tom riley"].last_left == utc(2026, 3, 4, 19, 59)


def test_windows_1252_file_from_excel() -> None:
    found = read("windows_1252.csv")

    assert found.ok, found.problems
    assert found.encoding == "Windows-1252"
    assert [a.name for a in found.attendees] == ["Siân Hughes", "Seán O’Brien", "Zoë Ashworth"]
    assert found.attendees[0].first_joined == utc(2026, 3, 4, 19, 2)  # 04/03 is 4 March


def test_a_rejoining_attendee_is_one_person() -> None:
    found = read("rejoining.csv")

    assert found.ok, found.problems
    assert [a.key for a in found.attendees] == [
        "email:sarah.jones@example.org",
        "email:tom.riley@example.org",
    ]
    sarah = found.attendees[0]
    # Four joins, one of them without the email: the same name with one email is her.
    assert sarah.rows == (2, 4, 5, 6)
    assert sarah.first_joined == utc(2026, 3, 4, 19, 2, 11)
    assert sarah.last_left == utc(2026, 3, 4, 20, 0)
    assert sarah.minutes == 55
    assert found.duplicates_merged == 3
    assert [str(i) for i in found.ignored] == [
        "Row 7: no name or email address, so it cannot be told apart from others."
    ]


def test_zoom_waiting_room_rows_are_not_attendance() -> None:
    content = (
        b"Name (original name),Email,Join time,Leave time,Duration (minutes),Guest,"
        b"In waiting room\n"
        b"Sarah Jones,sarah.jones@example.org,03/04/2026 06:55:00 PM,03/04/2026 06:59:00 PM,"
        b"4,Yes,Yes\n"
        b"Sarah Jones,sarah.jones@example.org,03/04/2026 06:59:12 PM,03/04/2026 08:00:00 PM,"
        b"61,Yes,No\n"
        b"Left waiting,,03/04/2026 07:10:00 PM,03/04/2026 07:20:00 PM,10,Yes,Yes\n"
    )

    found = read_attendance(content, "participants.csv", event_day=MARCH_4)

    assert found.ok, found.problems
    [sarah] = found.attendees
    assert sarah.first_joined == utc(2026, 3, 4, 18, 59, 12)  # let in, not when she knocked
    assert [str(i) for i in found.ignored] == [
        "Row 2: time in the waiting room, not in the webinar.",
        "Row 4: time in the waiting room, not in the webinar.",
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_separator_is_the_one_the_file_uses(delimiter: str) -> None:
    rows = [
        ["Name", "Email", "Join time", "Notes"],
        ["Sarah Jones", "sarah.jones@example.org", "04/03/2026 19:02", "asked; then left, early"],
        ["Tom Riley", "tom.riley@example.org", "04/03/2026 19:05", "a; b, c"],
    ]
    content = "\n".join(_csv_text(row, [], delimiter) for row in rows).encode()

    found = read_attendance(content, "attendance.csv", event_day=MARCH_4)

    assert found.ok, found.problems
    assert [a.name for a in found.attendees] == ["Sarah Jones", "Tom Riley"]


def test_a_broken_file_lists_every_problem_by_row_and_column() -> None:
    found = read("broken_times.csv")

    assert not found.ok
    assert found.attendees == ()
    assert [str(p) for p in found.problems] == [
        "Row 3, column 'Join time': 'yesterday evening' is not a date and time "
        "(like 04/03/2026 19:02 or 2026-03-04 19:02:11).",
        "Row 4, column 'Email': 'priya.shah at example.net' is not an email address.",
        "Row 4, column 'Duration (minutes)': 'about an hour' is not a length of time "
        "(like 58, or 1h 4m 32s).",
        "Row 5, column 'Leave time': the leave time is before the join time.",
        "Row 6, column 'Join time': '31/02/2026 19:15' is not a date and time "
        "(like 04/03/2026 19:02 or 2026-03-04 19:02:11).",
    ]


def test_a_file_without_names_or_emails_is_refused() -> None:
    found = read("no_name_or_email.csv")

    assert [str(p) for p in found.problems] == [
        "Row 1: there is no column of names or email addresses (such as 'Name', 'Full Name', "
        "'User Name' or 'Email'), so no one can be counted. Check this is the attendance "
        "report, or rename the column."
    ]


def test_a_file_that_is_not_an_attendance_report() -> None:
    content = b"Priority,Dots\nEarlier help,12\nLocal provision,30\n"

    found = read_attendance(content, "votes.csv", event_day=MARCH_4)

    assert len(found.problems) == 1
    assert "no heading row this app recognises as an attendance report" in str(found.problems[0])


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "is empty"),
        (b"%PDF-1.7 \x00\x01\x02 binary", "report.pdf", "a PDF"),
        (b"\x00\x01\x02\x03" * 50, "zoom.csv", "binary data"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "zoom.xls", "old-style Excel"),
    ],
)
def test_unreadable_files_say_why(content: bytes, name: str, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        read_attendance(content, name, event_day=MARCH_4)


def test_an_xlsx_export_is_read_through_the_shared_reader(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Email", "Join time", "Leave time", "Duration (minutes)"])
    sheet.append(["Sarah Jones", "sarah.jones@example.org", datetime(2026, 3, 4, 19, 2), "", 38])
    sheet.append(["Sarah Jones", "sarah.jones@example.org", "04/03/2026 19:45", "", 10])
    path = tmp_path / "attendance.xlsx"
    book.save(path)

    found = read_attendance(path.read_bytes(), path.name, event_day=MARCH_4)

    assert found.ok, found.problems
    assert found.kind == "Excel workbook"
    [sarah] = found.attendees
    assert sarah.first_joined == utc(2026, 3, 4, 19, 2)
    assert sarah.minutes == 48


# ---- never a crash -------------------------------------------------------------------------

_CELL = st.one_of(
    st.text(max_size=25),
    st.sampled_from(
        [
            "",
            "--",
            "Sarah Jones",
            "sarah@example.org",
            "not an email",
            "04/03/2026 19:02",
            "3/4/26, 7:02:11 PM",
            "2026-03-04T19:02:11Z",
            "13/13/2026 25:61",
            "1h 4m 32s",
            "Organizer",
            "No",
            "Host Details",
            "2. Participants",
            "99:99",
            "0/0/0",
            "1e400",
            "nan",
        ]
    ),
)
_HEADING = st.sampled_from(
    [
        "Name",
        "Name (Original Name)",
        "User Email",
        "Email",
        "Join Time",
        "Leave Time",
        "Duration (Minutes)",
        "Role",
        "Attended",
        "User Action",
        "Timestamp",
        "Participant ID (UPN)",
        "Notes",
    ]
)


def _csv_text(headings: list[str], rows: list[list[str]], delimiter: str) -> str:
    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if set(cell) & {'"', delimiter, "\n"} else cell

    return "\n".join(delimiter.join(quote(c) for c in row) for row in [headings, *rows])


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=400),
        st.builds(
            _csv_text,
            st.lists(_HEADING, min_size=1, max_size=7),
            st.lists(st.lists(_CELL, max_size=8), max_size=8),
            st.sampled_from([",", "\t", ";"]),
        ),
    ),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    st.one_of(st.none(), st.just(MARCH_4)),
)
def test_random_csv_text_never_crashes_the_reader(
    text: str, encoding: str, event_day: date | None
) -> None:
    content = text.encode(encoding, errors="replace")
    try:
        found = read_attendance(content, "attendance.csv", event_day=event_day)
    except UnreadableFile as exc:
        assert str(exc)
        return
    assert all(str(p) for p in found.problems)
    if found.ok:
        assert len({a.key for a in found.attendees}) == len(found.attendees)
        assert found.duplicates_merged == sum(a.joins for a in found.attendees) - len(
            found.attendees
        )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.builds(
        _csv_text,
        st.lists(_HEADING, min_size=1, max_size=6),
        st.lists(st.lists(_CELL, max_size=7), max_size=6),
        st.just(","),
    )
)
def test_random_csv_never_crashes_the_import(
    desk: Desk, event: str, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "random.csv"
    path.write_text(text, encoding="utf-8")
    for dry_run in (True, False):
        try:
            result = desk.webinars.import_attendance(event, path, dry_run=dry_run)
        except ImportRefused as exc:
            assert str(exc)
            continue
        assert result.imported is (result.ok and not dry_run)


# ---- the import: matching, anonymous walk-ins, all or nothing ---------------------------------


@pytest.fixture
def event(desk: Desk) -> str:
    return desk.events.create(webinar("SEND webinar Q&A, March", starts_at=STARTS)).short_code


@pytest.fixture
def service(desk: Desk) -> WebinarService:
    return desk.webinars


def book(desk: Desk, event: str, name: str, email: str) -> str:
    return desk.registrations.register(event, PersonDraft(name, email=email, consent_store=True)).id


def check_ins(desk: Desk, registration_id: str) -> list[CheckIn]:
    with desk.db.session() as s:
        return list(s.scalars(select(CheckIn).where(CheckIn.registration_id == registration_id)))


def anonymous(desk: Desk, event: str) -> list[Registration]:
    with desk.db.session() as s:
        return list(
            s.scalars(
                select(Registration)
                .join(Event)
                .where(
                    Event.short_code == event,
                    Registration.source == ATTENDANCE_SOURCE,
                    Registration.status == RegistrationStatus.REGISTERED,
                )
            )
        )


def counts(desk: Desk) -> tuple[int, int, int]:
    with desk.db.session() as s:
        return (
            s.scalar(select(func.count()).select_from(Registration)) or 0,
            s.scalar(select(func.count()).select_from(CheckIn)) or 0,
            s.scalar(select(func.count()).select_from(AuditEntry)) or 0,
        )


def listed(desk: Desk, event: str) -> tuple[int, int, int]:
    row = next(r for r in desk.events.list_events() if r.short_code == event)
    return row.registered, row.checked_in, row.walk_ins


def file_bytes(desk: Desk) -> bytes:
    path = desk.db.sqlite_path
    assert path is not None
    data = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            data += extra.read_bytes()
    return data


def test_registered_people_are_checked_in_at_their_first_join(
    desk: Desk, service: WebinarService, event: str
) -> None:
    sarah = book(desk, event, "Sarah Jones", "sarah.jones@example.org")
    tom = book(desk, event, "Tom Riley", "tom.riley@example.org")
    absent = book(desk, event, "Gemma Holt", "gemma.holt@example.org")

    result = service.import_attendance(event, DATA / "zoom_participants.csv")

    assert isinstance(result, AttendanceResult)
    assert result.imported and result.ok
    assert (result.matched, result.already_checked_in) == (2, 0)
    [sarah_in] = check_ins(desk, sarah)
    assert sarah_in.checked_in_at == utc(2026, 3, 4, 18, 59, 12)
    assert sarah_in.method == "webinar"
    assert sarah_in.walk_in is False
    assert sarah_in.device_id == desk.device.id
    assert check_ins(desk, tom)[0].checked_in_at == utc(2026, 3, 4, 19, 1, 45)
    assert check_ins(desk, absent) == []


def test_unregistered_attendees_are_anonymous_walk_ins_with_nothing_kept(
    desk: Desk, service: WebinarService, event: str
) -> None:
    book(desk, event, "Sarah Jones", "sarah.jones@example.org")

    result = service.import_attendance(event, DATA / "zoom_participants.csv")

    # Tom, Priya, 'Mum of two (Karen)', 'iPhone' and 'Dad on the bus' never registered.
    assert result.anonymous_added == 5
    added = anonymous(desk, event)
    assert len(added) == 5
    assert all(r.person_id is None for r in added)
    assert all(r.ticket_code is None for r in added)
    for registration in added:
        [came] = check_ins(desk, registration.id)
        assert came.walk_in is True and came.method == "webinar"
    assert listed(desk, event) == (6, 6, 5)
    raw = file_bytes(desk)
    for kept_out in (b"Priya", b"priya.shah", b"Karen", b"dad.bus", b"Tom Riley", b"tom.riley"):
        assert kept_out not in raw


def test_the_summary_and_json_report_every_count(
    desk: Desk, service: WebinarService, event: str
) -> None:
    book(desk, event, "Sarah Jones", "sarah.jones@example.org")

    result = service.import_attendance(event, DATA / "zoom_participants.csv", dry_run=True)

    text = result.summary()
    assert text.startswith("Dry run: 'zoom_participants.csv' for SEND webinar Q&A, March")
    assert "9 rows, 6 attendees" in text
    assert "Registered people to check in: 1." in text
    assert "Anonymous walk-ins to add: 5 (not registered; no name or email is kept)." in text
    assert "Rejoins and repeated rows merged: 2." in text
    assert "Row 5: the meeting's host, not an attendee." in text
    assert "Nothing was written" in text
    data = result.as_json()
    assert data["matched"] == 1
    assert data["anonymous_added"] == 5
    assert data["duplicates_merged"] == 2
    assert data["ignored"] == ["Row 5: the meeting's host, not an attendee."]
    assert data["date_order"] == "month first"
    assert data["problems"] == []


def test_a_dry_run_writes_nothing(desk: Desk, service: WebinarService, event: str) -> None:
    book(desk, event, "Sarah Jones", "sarah.jones@example.org")
    before = counts(desk)

    result = service.import_attendance(event, DATA / "teams_attendance.csv", dry_run=True)

    assert (result.dry_run, result.imported) == (True, False)
    assert (result.matched, result.anonymous_added) == (1, 2)
    assert counts(desk) == before


def test_importing_the_same_file_twice_counts_no_one_twice(
    desk: Desk, service: WebinarService, event: str
) -> None:
    book(desk, event, "Sarah Jones", "sarah.jones@example.org")
    service.import_attendance(event, DATA / "zoom_participants.csv")
    after_first = listed(desk, event)

    again = service.import_attendance(event, DATA / "zoom_participants.csv")

    assert (again.matched, again.already_checked_in) == (0, 1)
    assert (again.anonymous_added, again.anonymous_already) == (0, 5)
    assert listed(desk, event) == after_first == (6, 6, 5)


def test_overlapping_exports_of_one_webinar_agree(
    desk: Desk, service: WebinarService, event: str
) -> None:
    """Zoom's participants export and its webinar report share Sarah; she is counted once."""
    service.import_attendance(event, DATA / "zoom_participants.csv")
    result = service.import_attendance(event, DATA / "zoom_webinar_report.csv")

    assert (result.anonymous_already, result.anonymous_added) == (1, 2)  # Aisha and Lee new
    assert listed(desk, event) == (8, 8, 8)


def test_someone_counted_anonymously_who_registers_later_is_not_counted_twice(
    desk: Desk, service: WebinarService, event: str
) -> None:
    service.import_attendance(event, DATA / "rejoining.csv")
    assert listed(desk, event) == (2, 2, 2)
    sarah = book(desk, event, "Sarah Jones", "sarah.jones@example.org")

    result = service.import_attendance(event, DATA / "rejoining.csv")

    assert (result.matched, result.stand_ins_replaced, result.anonymous_already) == (1, 1, 1)
    assert check_ins(desk, sarah)[0].checked_in_at == utc(2026, 3, 4, 19, 2, 11)
    assert listed(desk, event) == (2, 2, 1)
    again = service.import_attendance(event, DATA / "rejoining.csv")
    assert (again.stand_ins_replaced, again.already_checked_in) == (0, 1)
    assert listed(desk, event) == (2, 2, 1)


def test_a_waitlisted_person_who_attended_gets_their_place(
    desk: Desk, service: WebinarService
) -> None:
    event = desk.events.create(webinar("Small webinar", starts_at=STARTS, capacity=1)).short_code
    book(desk, event, "Tom Riley", "tom.riley@example.org")
    sarah = book(desk, event, "Sarah Jones", "sarah.jones@example.org")
    assert desk.registrations.registration(sarah).status is RegistrationStatus.WAITLISTED

    result = service.import_attendance(event, DATA / "rejoining.csv")

    assert (result.matched, result.from_waiting_list) == (2, 1)
    info = desk.registrations.registration(sarah)
    assert info.status is RegistrationStatus.REGISTERED
    assert info.waitlist_position is None
    assert info.checked_in
    assert check_ins(desk, sarah)[0].walk_in is True  # she came without a place
    assert "including 1 from the waiting list" in result.summary()


def test_a_cancelled_registration_does_not_match(
    desk: Desk, service: WebinarService, event: str
) -> None:
    sarah = book(desk, event, "Sarah Jones", "sarah.jones@example.org")
    desk.registrations.cancel(event, sarah)

    result = service.import_attendance(event, DATA / "rejoining.csv")

    assert (result.matched, result.anonymous_added) == (0, 2)
    assert check_ins(desk, sarah) == []


def test_a_broken_file_imports_nothing(desk: Desk, service: WebinarService, event: str) -> None:
    book(desk, event, "Sarah Jones", "sarah.jones@example.org")
    before = counts(desk)

    result = service.import_attendance(event, DATA / "broken_times.csv")

    assert (result.ok, result.imported) == (False, False)
    assert len(result.problems) == 5
    assert result.problems[0].startswith("Row 3, column 'Join time': 'yesterday evening'")
    assert result.summary() == (
        "Nothing was imported from 'broken_times.csv': 5 problems to fix first."
    )
    assert (result.matched, result.anonymous_added) == (0, 0)
    assert counts(desk) == before


def test_a_report_of_another_days_webinar_is_refused(desk: Desk, service: WebinarService) -> None:
    april = desk.events.create(
        webinar("April webinar", starts_at=datetime(2026, 4, 1, 18, 0, tzinfo=UTC))
    ).short_code
    before = counts(desk)

    result = service.import_attendance(april, DATA / "rejoining.csv")

    assert result.problems == (
        "The join times in 'rejoining.csv' are from 4 March 2026, but this event is on "
        "1 April 2026. Check you chose the right file and the right event.",
    )
    assert counts(desk) == before


def test_the_import_is_audited(desk: Desk, service: WebinarService, event: str) -> None:
    result = service.import_attendance(event, DATA / "windows_1252.csv")

    with desk.db.session() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "attendance imported")
        ).one()
    assert entry.entity_id == result.event_id
    assert entry.detail == (
        "windows_1252.csv: 0 checked in, 3 anonymous walk-ins, 0 stand-ins replaced"
    )
    assert "Siân" not in entry.detail


def test_files_that_cannot_be_read_are_refused(
    desk: Desk, service: WebinarService, event: str, tmp_path: Path
) -> None:
    with pytest.raises(ImportRefused, match="There is no file"):
        service.import_attendance(event, tmp_path / "missing.csv")
    with pytest.raises(ImportRefused, match="is a folder"):
        service.import_attendance(event, tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportRefused, match="is empty"):
        service.import_attendance(event, empty)


def test_a_cancelled_or_unknown_event_is_refused(
    desk: Desk, service: WebinarService, event: str, tmp_path: Path
) -> None:
    copy = tmp_path / "attendance.csv"
    shutil.copy(DATA / "rejoining.csv", copy)
    with pytest.raises(UserError, match="No event has the id or short code"):
        service.import_attendance("NOPE99", copy)
    desk.events.cancel(event, "Speaker ill")
    with pytest.raises(UserError, match="is cancelled"):
        service.import_attendance(event, copy)


def test_stand_in_ticket_ids_are_stable_ticket_shaped_and_per_event() -> None:
    first = stand_in_ticket_id("event-1", "email:sarah.jones@example.org")

    assert first == stand_in_ticket_id("event-1", "email:sarah.jones@example.org")
    assert len(first) == 16 and first.isalnum() and first.isupper()
    assert first != stand_in_ticket_id("event-2", "email:sarah.jones@example.org")
    assert first != stand_in_ticket_id("event-1", "email:tom.riley@example.org")
    assert "sarah" not in first.lower()
