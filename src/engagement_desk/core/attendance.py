"""Reading a webinar platform's attendance export: who joined, when, and for how long.

Zoom and Microsoft Teams write these files in several shapes:

- Zoom's meeting participants export: a line of meeting details (its 'User Email' is the
  host's), a blank line, then ``Name (Original Name), User Email, Join Time, Leave Time,
  Duration (Minutes), Guest`` with one row per join, so someone who drops out and rejoins
  appears more than once. Dates are month first (``03/04/2026 07:02:11 PM``).
- Zoom's webinar attendee report: a title, report details, then sections ('Host Details',
  'Panelist Details', 'Attendee Details'), each with its own heading row; 'Attended' says
  whether a registrant joined at all.
- Teams' attendance report: UTF-16, tab-separated, in numbered sections ('1. Summary',
  '2. Participants', '3. In-Meeting Activities'); times like ``3/4/26, 7:02:11 PM`` in the
  organiser's locale; durations like ``1h 4m 32s``; a Role column (organiser, presenter,
  attendee). Older Teams files have one row per join or leave (``Full Name, User Action,
  Timestamp``).

Pure: this module is handed the file's bytes and returns the attendees in it, merged into one
per person, or every problem found, by row and column in plain English. Nothing here stores a
name or an email: the service decides what to keep (and keeps neither for people who only came
through the platform).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone

from engagement_desk.core.importing import (
    MAX_BYTES,
    MAX_ROWS,
    Cell,
    ImportProblem,
    cell_text,
    csv_rows,
    from_excel_serial,
    local_as_utc,
    read_sheet,
)
from engagement_desk.core.people import (
    collapse_spaces,
    fold,
    is_email,
    normalise_email,
    parse_yes_no,
    vocabulary_key,
)

HEADER_SEARCH_ROWS = 30  # preambles are a few lines; Teams' summary is about ten
_CSV_SUFFIXES = (".csv", ".txt", ".tsv", "")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Column(enum.StrEnum):
    NAME = "name"
    FIRST_NAME = "first name"
    LAST_NAME = "last name"
    EMAIL = "email"
    UPN = "user principal name"  # Teams: usually the email of someone in an organisation
    JOIN = "join time"
    LEAVE = "leave time"
    DURATION = "duration"
    TIMESTAMP = "timestamp"  # older Teams files: with ACTION, a join or a leave
    ACTION = "user action"
    ATTENDED = "attended"
    ROLE = "role"
    WAITING_ROOM = "in waiting room"  # Zoom: a row for time spent waiting to be let in


# Headings as reduced by ``vocabulary_key``. 'Start Time' is deliberately absent: in Zoom's
# preamble it is when the meeting started, not when anyone joined.
COLUMN_ALIASES: dict[str, Column] = {}
for _column, _headings in {
    Column.NAME: (
        "name",
        "full name",
        "user name",
        "user name original name",
        "name original name",
        "display name",
        "participant",
        "participant name",
        "attendee",
        "attendee name",
        "screen name",
        "your name",
    ),
    Column.FIRST_NAME: ("first name", "firstname", "given name", "forename"),
    Column.LAST_NAME: ("last name", "lastname", "surname", "family name"),
    Column.EMAIL: (
        "email",
        "e mail",
        "email address",
        "e mail address",
        "user email",
        "attendee email",
        "participant email",
        "registrant email",
    ),
    Column.UPN: ("participant id upn", "upn", "user principal name"),
    Column.JOIN: (
        "join time",
        "join",
        "joined",
        "joined at",
        "time joined",
        "first join",
        "first join time",
        "join time utc",
        "join date",
    ),
    Column.LEAVE: (
        "leave time",
        "leave",
        "left",
        "left at",
        "time left",
        "last leave",
        "last leave time",
        "leave time utc",
    ),
    Column.DURATION: (
        "duration",
        "duration minutes",
        "duration mins",
        "duration min",
        "time in session",
        "time in session minutes",
        "in meeting duration",
        "attendance duration",
        "attendance duration minutes",
        "total duration",
        "minutes",
    ),
    Column.TIMESTAMP: ("timestamp", "time stamp", "date and time"),
    Column.ACTION: ("user action", "action", "activity"),
    Column.ATTENDED: ("attended",),
    Column.WAITING_ROOM: ("in waiting room", "waiting room"),
    Column.ROLE: ("role",),
}.items():
    for _heading in _headings:
        COLUMN_ALIASES[_heading] = _column

_WHO = {Column.NAME, Column.FIRST_NAME, Column.LAST_NAME, Column.EMAIL, Column.UPN}
_WHEN = {Column.JOIN, Column.TIMESTAMP}
_STAFF_ROLES = {"organizer", "organiser", "co organizer", "co organiser", "presenter", "host"}
_STAFF_SECTIONS = ("host", "panelist", "panellist", "presenter", "organizer", "organiser")
_NO_TIME = {"", "-", "--", "n a", "na", "none", "null"}


def recognise_column(header: str) -> Column | None:
    key = vocabulary_key(header)
    if key in COLUMN_ALIASES:
        return COLUMN_ALIASES[key]
    # 'Join Time (Europe/London)', 'Duration (Minutes)' and other decorated headings.
    stripped = vocabulary_key(re.sub(r"\([^)]*\)", " ", header))
    return COLUMN_ALIASES.get(stripped) if stripped else None


# ---- times ---------------------------------------------------------------------------


class DateOrder(enum.StrEnum):
    """How to read a date like 03/04/2026: 3 April (UK) or March 4 (US)."""

    DAY_FIRST = "day first"
    MONTH_FIRST = "month first"


_TIME = (
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?"
)
_ZONE = (
    r"(?:\s*\(?(?P<zone>Z|UTC|GMT|BST|[+-]\d{2}:?\d{2}|(?:UTC|GMT)\s?[+-]\d{1,2}(?::?\d{2})?)\)?"
    r"(?:\s+[A-Za-z_/]+)?)?"
)
_NUMERIC = re.compile(
    r"(?P<first>\d{1,4})(?P<sep>[/.-])(?P<second_part>\d{1,2})(?P=sep)(?P<third>\d{2,4})"
    rf"(?:(?:\s*,\s*|\s+|T)(?:at\s+)?{_TIME})?{_ZONE}",
    re.IGNORECASE,
)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_DAY_MONTH = re.compile(
    rf"{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>[a-z]{{3,9}})\.?,?\s+"
    rf"(?P<year>\d{{4}})(?:(?:\s*,\s*|\s+)(?:at\s+)?{_TIME})?{_ZONE}",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"{_WEEKDAY}(?P<month>[a-z]{{3,9}})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
    rf"(?P<year>\d{{4}})(?:(?:\s*,\s*|\s+)(?:at\s+)?{_TIME})?{_ZONE}",
    re.IGNORECASE,
)
_TIME_ONLY = re.compile(rf"{_TIME}{_ZONE}", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def _day_month_candidates(text: str) -> tuple[int, int] | None:
    """The first two numbers of a numeric date whose order is in question (not ISO)."""
    match = _NUMERIC.fullmatch(text.strip())
    if match is None or len(match["first"]) > 2:
        return None
    return int(match["first"]), int(match["second_part"])


def choose_date_order(texts: Iterable[str], event_day: date | None = None) -> DateOrder:
    """One order for the whole file, as a platform writes every date the same way.

    A date that can only be read one way (13/03/2026, 3/13/26) settles it. Otherwise the
    event's own date does: an export of a webinar on 4 March has dates on 4 March, however
    written. With neither, dates are read day first, as in the UK.
    """
    only_day_first = only_month_first = 0
    near = {DateOrder.DAY_FIRST: 0, DateOrder.MONTH_FIRST: 0}
    for text in texts:
        pair = _day_month_candidates(text)
        if pair is None:
            continue
        first, second = pair
        if first > 12 >= second:
            only_day_first += 1
        elif second > 12 >= first:
            only_month_first += 1
        elif event_day is not None and first != second:
            year = _year_of(text)
            for order, (day, month) in (
                (DateOrder.DAY_FIRST, (first, second)),
                (DateOrder.MONTH_FIRST, (second, first)),
            ):
                try:
                    candidate = date(year, month, day)
                except ValueError:
                    continue
                if abs((candidate - event_day).days) <= 1:
                    near[order] += 1
    if only_month_first and not only_day_first:
        return DateOrder.MONTH_FIRST
    if only_day_first:
        return DateOrder.DAY_FIRST
    if near[DateOrder.MONTH_FIRST] > near[DateOrder.DAY_FIRST]:
        return DateOrder.MONTH_FIRST
    return DateOrder.DAY_FIRST


def _year_of(text: str) -> int:
    match = _NUMERIC.fullmatch(text.strip())
    if match is None:
        return 2000
    year = int(match["third"])
    return year + 2000 if year < 100 else year


def parse_attendance_time(
    value: Cell, order: DateOrder = DateOrder.DAY_FIRST, event_day: date | None = None
) -> datetime | None:
    """A join or leave time as aware UTC; None if it is not a time.

    Times without a zone are UK times. A time with no date ('19:02:11') is on ``event_day``.
    """
    if isinstance(value, datetime):
        return local_as_utc(value)
    if isinstance(value, bool) or value is None or isinstance(value, date):
        return None
    if isinstance(value, time):
        return local_as_utc(datetime.combine(event_day, value)) if event_day else None
    if isinstance(value, int | float):
        return from_excel_serial(float(value))
    text = collapse_spaces(str(value))
    if not text or len(text) > 60:
        return None
    if (match := _NUMERIC.fullmatch(text)) is not None:
        return _numeric(match, order)
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        if (match := pattern.fullmatch(text)) is not None:
            month = _MONTHS.get(match["month"].lower())
            if month is None:
                return None
            return _moment(int(match["year"]), month, int(match["day"]), match)
    if event_day is not None and (match := _TIME_ONLY.fullmatch(text)) is not None:
        return _moment(event_day.year, event_day.month, event_day.day, match)
    try:
        return from_excel_serial(float(text))
    except ValueError:
        return None


def _numeric(match: re.Match[str], order: DateOrder) -> datetime | None:
    first, second, third = match["first"], int(match["second_part"]), match["third"]
    if len(first) == 4:
        year, month, day = int(first), second, int(third)
        if len(third) > 2:
            return None
    elif len(first) <= 2:
        a = int(first)
        day, month = (a, second) if order is DateOrder.DAY_FIRST else (second, a)
        if month > 12 >= day:
            day, month = month, day  # only readable the other way round
        year = int(third)
        if len(third) == 2:
            year += 2000
        elif len(third) == 3:
            return None
    else:
        return None
    return _moment(year, month, day, match)


def _moment(year: int, month: int, day: int, match: re.Match[str]) -> datetime | None:
    hour = int(match["hour"]) if match["hour"] else 0
    minute = int(match["minute"]) if match["minute"] else 0
    second = int(match["second"]) if match["second"] else 0
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        pm = match["ampm"].lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    zone = _zone(match["zone"])
    if match["zone"] and zone is None:
        return None
    return local_as_utc(moment.replace(tzinfo=zone) if zone is not None else moment)


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
    upper = text.upper().replace(" ", "")
    if upper in ("Z", "UTC", "GMT"):
        return UTC
    if upper == "BST":
        return timezone(timedelta(hours=1))
    offset = upper.removeprefix("UTC").removeprefix("GMT")
    match = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", offset)
    if match is None:
        return None
    hours, minutes = int(match[2]), int(match[3] or 0)
    if hours > 14 or minutes >= 60:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match[1] == "-" else delta)


_DURATION_PART = re.compile(
    r"(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>h|hr|hrs|hour|hours|m|min|mins|minute|minutes|"
    r"s|sec|secs|second|seconds)\b",
    re.IGNORECASE,
)


def parse_minutes(value: Cell) -> float | None:
    """A duration as minutes: 58, 58.5, '58 mins', '1h 4m 32s', '01:04:32'. None if not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if 0 <= value < 100_000 else None
    if isinstance(value, time):
        return value.hour * 60 + value.minute + value.second / 60
    if isinstance(value, datetime | date):
        return None
    text = collapse_spaces(str(value)).lower()
    if not text or len(text) > 40:
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        pass
    else:
        return number if 0 <= number < 100_000 else None
    clock = re.fullmatch(r"(\d{1,3}):(\d{2})(?::(\d{2}))?", text)
    if clock is not None:
        if clock[3] is None:  # h:mm
            return int(clock[1]) * 60 + int(clock[2])
        return int(clock[1]) * 60 + int(clock[2]) + int(clock[3]) / 60
    total = 0.0
    position = 0
    for part in _DURATION_PART.finditer(text):
        if text[position : part.start()].strip(" ,"):
            return None
        amount = float(part["number"].replace(",", "."))
        unit = part["unit"][0]
        total += amount * 60 if unit == "h" else amount / 60 if unit == "s" else amount
        position = part.end()
    if position == 0 or text[position:].strip(" ,"):
        return None
    return total


# ---- the result ----------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    """One person in the file, however many times they joined."""

    key: str  # 'email:jane@example.org' or 'name:jane smith': what rows were merged on
    name: str
    email: str | None
    first_joined: datetime | None
    last_left: datetime | None
    minutes: float | None
    rows: tuple[int, ...]

    @property
    def joins(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class IgnoredRow:
    row: int
    reason: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.reason}"


@dataclass(frozen=True)
class AttendanceFile:
    file_name: str
    kind: str  # "CSV" or "Excel workbook"
    encoding: str | None
    header_row: int | None
    headers: tuple[str, ...]
    date_order: DateOrder
    attendees: tuple[Attendee, ...] = ()
    rows_read: int = 0
    duplicates_merged: int = 0
    ignored: tuple[IgnoredRow, ...] = ()
    problems: tuple[ImportProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


# ---- reading ---------------------------------------------------------------------------

Row = tuple[int, tuple[Cell, ...]]


def read_rows(content: bytes, file_name: str) -> tuple[str, str | None, list[Row]]:
    """Every row of a CSV, TSV or XLSX file, numbered as a spreadsheet shows them.

    CSV goes through the shared ``csv_rows`` (BOMs, UTF-16, Windows-1252), with the delimiter
    guessed from more lines than for registrations: Teams' files start with a summary.
    Everything else goes to the shared ``read_sheet``, which reads XLSX and explains why a
    .xls, .ods, PDF or empty file cannot be read.
    """
    suffix = _suffix(file_name)
    plain_text = (
        content
        and len(content) <= MAX_BYTES
        and not content.startswith((_OLE_MAGIC, b"PK\x03\x04"))
        and suffix in _CSV_SUFFIXES
    )
    if not plain_text:
        sheet = read_sheet(content, file_name)  # raises UnreadableFile with the reason
        rows: list[Row] = [(sheet.header_row, tuple(sheet.headers))]
        return sheet.kind, sheet.encoding, rows + list(sheet.rows)
    encoding, lines = csv_rows(
        content,
        file_name,
        header_lines=HEADER_SEARCH_ROWS * 2,
        max_rows=MAX_ROWS,
        not_text="Download the attendance report again as CSV from Zoom or Teams.",
    )
    return "CSV", encoding, lines


def _suffix(file_name: str) -> str:
    name = file_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


# ---- interpreting the rows -----------------------------------------------------------


@dataclass
class _Table:
    """The current heading row: which column holds what."""

    header_row: int
    headers: tuple[str, ...]
    columns: dict[Column, list[int]] = field(default_factory=dict)

    def first(self, column: Column) -> int | None:
        found = self.columns.get(column)
        return found[0] if found else None


def _as_table(number: int, cells: Sequence[Cell]) -> _Table | None:
    """A heading row names who (a name or email) or when (join time), and one more column."""
    headers = tuple(collapse_spaces(cell_text(c)) for c in cells)
    table = _Table(number, headers)
    for index, header in enumerate(headers):
        column = recognise_column(header)
        if column is not None:
            table.columns.setdefault(column, []).append(index)
    found = set(table.columns)
    if len(found) < 2 or not found & ({Column.NAME, Column.FIRST_NAME} | _WHEN):
        return None
    return table


_SECTION = re.compile(
    r"(?:\d{1,2}\.?\s*)?[a-z '/-]{0,40}?(?:details|participants|activities|summary|attendees|"
    r"hosts?|panell?ists?|presenters?|information|report|attended)"
)


def _section_title(cells: Sequence[Cell]) -> str | None:
    """'Attendee Details', '2. Participants': a known title alone in the first cell."""
    texts = [cell_text(c) for c in cells]
    if not texts or not texts[0] or any(texts[1:]):
        return None
    title = fold(texts[0]).rstrip(":").strip()
    return title if _SECTION.fullmatch(title) else None


def _blank(cells: Sequence[Cell]) -> bool:
    return all(cell_text(c) == "" for c in cells)


def _cell(cells: Sequence[Cell], index: int | None) -> Cell:
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _header_name(table: _Table, column: Column) -> str:
    index = table.first(column)
    return table.headers[index] if index is not None else column.value


@dataclass
class _Visit:
    row: int
    name: str
    email: str | None
    joined: datetime | None
    left: datetime | None
    minutes: float | None


_PLATFORM_TAGS = {"guest", "external", "unverified", "visitor", "host", "me"}


def _name_key(name: str) -> str:
    """The name to merge rows on. Zoom shows a renamed person as 'New name (Original name)':
    key on the name they had. Teams adds '(Guest)' or '(External)': leave that off."""
    bracketed = re.fullmatch(r"(.*?)\s*\(([^()]+)\)\s*", name)
    if bracketed is None:
        return fold(name)
    outside, inside = bracketed[1], bracketed[2]
    if fold(inside) in _PLATFORM_TAGS or not outside:
        return fold(outside or inside)
    return fold(inside)


def read_attendance(
    content: bytes, file_name: str, *, event_day: date | None = None
) -> AttendanceFile:
    """The attendees in an attendance export, merged one per person, or every problem.

    Raises UnreadableFile when the file is not a table at all (empty, binary, a PDF...).
    ``event_day`` (the webinar's date in the UK) settles whether 03/04 is March or April and
    dates a join time written without a date.
    """
    kind, encoding, rows = read_rows(content, file_name)
    time_texts = _time_texts(rows)
    order = choose_date_order(time_texts, event_day)
    problems: list[ImportProblem] = []
    ignored: list[IgnoredRow] = []
    visits: list[_Visit] = []
    table: _Table | None = None
    first_table: _Table | None = None
    section = ""
    has_summary_table = False
    summary_rows = 0
    host_column: int | None = None
    host_emails: set[str] = set()

    for number, cells in rows:
        if _blank(cells):
            continue
        heading = _as_table(number, cells)
        if heading is not None:
            if table is not None and summary_rows and "activit" in section:
                has_summary_table = True
            table = heading
            first_table = first_table or heading
            problems += _table_problems(heading)
            continue
        title = _section_title(cells)
        if title is not None:
            section = title
            continue
        if table is None:  # the preamble: meeting details, report title, summary
            if host_column is not None:
                host = normalise_email(cell_text(_cell(cells, host_column)))
                if host and is_email(host):
                    host_emails.add(host)
            host_column = _host_email_column(cells)
            continue
        if any(word in section for word in _STAFF_SECTIONS):
            ignored.append(IgnoredRow(number, "a host or panellist, not an attendee."))
            continue
        if has_summary_table:
            ignored.append(
                IgnoredRow(number, "one session of someone already in the participants list.")
            )
            continue
        visit, row_problems, reason = _read_row(table, number, cells, order, event_day)
        problems += row_problems
        if reason:
            ignored.append(IgnoredRow(number, reason))
        elif visit is not None and visit.email in host_emails:
            ignored.append(IgnoredRow(number, "the meeting's host, not an attendee."))
        elif visit is not None:
            visits.append(visit)
            summary_rows += 1

    if first_table is None and not problems:
        problems.append(
            ImportProblem(
                None,
                None,
                f"'{file_name}' has no heading row this app recognises as an attendance "
                "report. It needs a column of names or email addresses (such as 'Name' or "
                "'User Email') and a column of join times (such as 'Join Time'). Download "
                "the attendance report from Zoom or Teams again, or rename the columns.",
            )
        )
    if problems:
        return AttendanceFile(
            file_name,
            kind,
            encoding,
            first_table.header_row if first_table else None,
            first_table.headers if first_table else (),
            order,
            problems=tuple(_unique(problems)),
        )
    attendees, merged = _merge(visits)
    return AttendanceFile(
        file_name,
        kind,
        encoding,
        first_table.header_row if first_table else None,
        first_table.headers if first_table else (),
        order,
        attendees=tuple(attendees),
        rows_read=len(visits) + len(ignored),
        duplicates_merged=merged,
        ignored=tuple(ignored),
    )


def _host_email_column(cells: Sequence[Cell]) -> int | None:
    """In Zoom's line of meeting details, the column holding the host's email address."""
    keys = [vocabulary_key(cell_text(c)) for c in cells]
    if not {"meeting id", "topic", "webinar id"} & set(keys):
        return None
    for index, key in enumerate(keys):
        if key in ("user email", "host email", "email"):
            return index
    return None


def _unique(problems: list[ImportProblem]) -> list[ImportProblem]:
    return list(dict.fromkeys(problems))


def _table_problems(table: _Table) -> list[ImportProblem]:
    found = set(table.columns)
    if found & _WHO:
        return []
    return [
        ImportProblem(
            table.header_row,
            None,
            "there is no column of names or email addresses (such as 'Name', 'Full Name', "
            "'User Name' or 'Email'), so no one can be counted. Check this is the attendance "
            "report, or rename the column.",
        )
    ]


def _time_texts(rows: list[Row]) -> list[str]:
    """Every text in a column headed as a time, to choose the file's date order from."""
    texts: list[str] = []
    table: _Table | None = None
    wanted = (Column.JOIN, Column.LEAVE, Column.TIMESTAMP)
    for number, cells in rows:
        heading = _as_table(number, cells)
        if heading is not None:
            table = heading
            continue
        if table is None:
            continue
        for column in wanted:
            for index in table.columns.get(column, []):
                value = _cell(cells, index)
                if isinstance(value, str) and value.strip():
                    texts.append(value)
    return texts


def _read_row(
    table: _Table,
    number: int,
    cells: Sequence[Cell],
    order: DateOrder,
    event_day: date | None,
) -> tuple[_Visit | None, list[ImportProblem], str]:
    """One row: a visit, the problems in it, or why it is left out (not a problem)."""
    problems: list[ImportProblem] = []

    def text(column: Column) -> str:
        return collapse_spaces(cell_text(_cell(cells, table.first(column))))

    def problem(column: Column, message: str) -> None:
        problems.append(ImportProblem(number, _header_name(table, column), message))

    attended = text(Column.ATTENDED)
    if attended and parse_yes_no(attended) is False:
        return None, [], "registered but did not attend."
    waiting = text(Column.WAITING_ROOM)
    if waiting and parse_yes_no(waiting) is True:
        return None, [], "time in the waiting room, not in the webinar."
    role = vocabulary_key(text(Column.ROLE))
    if role in _STAFF_ROLES:
        return None, [], f"the {text(Column.ROLE).lower()}, not an attendee."

    name = text(Column.NAME)
    if not name:
        name = collapse_spaces(f"{text(Column.FIRST_NAME)} {text(Column.LAST_NAME)}")
    email: str | None = None
    raw_email = text(Column.EMAIL)
    if raw_email:
        email = normalise_email(raw_email)
        if email is not None and not is_email(email):
            problem(Column.EMAIL, f"'{raw_email}' is not an email address.")
            email = None
    if email is None and (upn := normalise_email(text(Column.UPN))) and is_email(upn):
        email = upn
    if len(name) > 200:
        problem(Column.NAME, "the name is longer than 200 characters.")

    def when(column: Column) -> datetime | None:
        index = table.first(column)
        value = _cell(cells, index)
        shown = collapse_spaces(cell_text(value))
        if vocabulary_key(shown) in _NO_TIME:
            return None
        moment = parse_attendance_time(value, order, event_day)
        if moment is None:
            problem(
                column,
                f"'{shown}' is not a date and time (like 04/03/2026 19:02 or 2026-03-04 19:02:11).",
            )
        return moment

    joined = when(Column.JOIN)
    left = when(Column.LEAVE)
    if Column.TIMESTAMP in table.columns:
        stamp = when(Column.TIMESTAMP)
        action = vocabulary_key(text(Column.ACTION))
        if action.startswith("left"):
            left = left or stamp
        else:
            joined = joined or stamp
    minutes: float | None = None
    shown_minutes = text(Column.DURATION)
    if shown_minutes and vocabulary_key(shown_minutes) not in _NO_TIME:
        minutes = parse_minutes(_cell(cells, table.first(Column.DURATION)))
        if minutes is None:
            problem(
                Column.DURATION,
                f"'{shown_minutes}' is not a length of time (like 58, or 1h 4m 32s).",
            )
    if joined is not None and left is not None and left < joined:
        problem(Column.LEAVE, "the leave time is before the join time.")
    if problems:
        return None, problems, ""
    if not name and not email:
        return None, [], "no name or email address, so it cannot be told apart from others."
    has_times = Column.JOIN in table.columns or Column.TIMESTAMP in table.columns
    if joined is None and left is None and has_times:
        return None, [], "no join time: they did not join."
    return _Visit(number, name, email, joined, left, minutes), [], ""


def _merge(visits: list[_Visit]) -> tuple[list[Attendee], int]:
    """One attendee per email address, or per name for rows with no email.

    A rejoin under the same name without the email is the same person when that name has
    only one email in the file.
    """
    emails_by_name: dict[str, set[str]] = {}
    for visit in visits:
        if visit.email and visit.name:
            emails_by_name.setdefault(_name_key(visit.name), set()).add(visit.email)
    groups: dict[str, list[_Visit]] = {}
    for visit in visits:
        if visit.email:
            key = f"email:{visit.email}"
        else:
            name = _name_key(visit.name)
            known = emails_by_name.get(name, set())
            key = f"email:{next(iter(known))}" if len(known) == 1 else f"name:{name}"
        groups.setdefault(key, []).append(visit)
    attendees: list[Attendee] = []
    for key, group in groups.items():
        joins = [v.joined for v in group if v.joined is not None]
        leaves = [v.left for v in group if v.left is not None]
        minutes = [v.minutes for v in group if v.minutes is not None]
        email = next((v.email for v in group if v.email), None)
        name = next((v.name for v in group if v.name), "")
        attendees.append(
            Attendee(
                key=key,
                name=name,
                email=email,
                first_joined=min(joins) if joins else None,
                last_left=max(leaves) if leaves else None,
                minutes=sum(minutes) if minutes else None,
                rows=tuple(v.row for v in group),
            )
        )
    attendees.sort(key=lambda a: (a.first_joined or datetime.max.replace(tzinfo=UTC), a.rows))
    return attendees, sum(len(g) - 1 for g in groups.values())
