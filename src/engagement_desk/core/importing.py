"""Reading registrations from the files organisers really have.

CSV and XLSX exports of online forms (Google Forms, Microsoft Forms, JotForm...) and ticketing
sites (Eventbrite, Ticket Tailor...): headings recognised however they are spelled, columns the
user maps by hand, any of the text encodings Excel and friends write, Excel's date serial
numbers, stray spaces and capitals, and the same person twice.

Pure: this module is handed the file's bytes and returns what is in it, or every problem found,
each by row and column in plain English. The import service decides what to write.
"""

from __future__ import annotations

import csv
import enum
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, time, timedelta

from engagement_desk.core.clock import LONDON
from engagement_desk.core.people import (
    PREFER_NOT_TO_SAY,
    PersonDraft,
    apply_consents,
    collapse_spaces,
    fold,
    is_email,
    match_access_needs,
    match_age_band,
    match_ehcp,
    match_need_areas,
    match_role,
    match_setting,
    merge_person,
    normalise_email,
    parse_yes_no,
    phone_digits,
    postcode_district,
    vocabulary_key,
)

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
HEADER_SEARCH_ROWS = 10
PROGRESS_EVERY = 500

Progress = Callable[[int, int], None]
ShouldCancel = Callable[[], bool]
Cell = str | int | float | bool | datetime | date | time | None


class UnreadableFile(Exception):
    """The file cannot be read as registrations at all. The message says why and what to do."""


class ImportCancelled(Exception):
    """The user pressed Cancel."""


class Field(enum.StrEnum):
    FULL_NAME = "full_name"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    ROLE = "role"
    CHILD_AGE_BAND = "child_age_band"
    CHILD_SETTING = "child_setting"
    EHCP_STATUS = "ehcp_status"
    NEED_AREAS = "need_areas"
    ACCESS_NEEDS = "access_needs"
    ACCESS_NOTES = "access_notes"
    CONSENT_STORE = "consent_store"
    CONSENT_SPECIAL_CATEGORY = "consent_special_category"
    CONSENT_FUTURE_CONTACT = "consent_future_contact"
    CONSENT_QUOTE = "consent_quote"
    REGISTERED_AT = "registered_at"
    STATUS = "status"
    IGNORE = "ignore"

    @property
    def label(self) -> str:
        return FIELD_LABELS[self]


FIELD_LABELS: dict[Field, str] = {
    Field.FULL_NAME: "Full name",
    Field.FIRST_NAME: "First name",
    Field.LAST_NAME: "Last name",
    Field.EMAIL: "Email",
    Field.PHONE: "Phone",
    Field.POSTCODE: "Postcode",
    Field.ROLE: "Role (parent/carer, young person, professional)",
    Field.CHILD_AGE_BAND: "Child's age band",
    Field.CHILD_SETTING: "Child's setting",
    Field.EHCP_STATUS: "EHCP status",
    Field.NEED_AREAS: "Areas of need",
    Field.ACCESS_NEEDS: "Access needs",
    Field.ACCESS_NOTES: "Access notes",
    Field.CONSENT_STORE: "Consent: store my details",
    Field.CONSENT_SPECIAL_CATEGORY: "Consent: store my child's SEND details",
    Field.CONSENT_FUTURE_CONTACT: "Consent: contact me about future events",
    Field.CONSENT_QUOTE: "Consent: quote my words anonymously",
    Field.REGISTERED_AT: "Date registered",
    Field.STATUS: "Booking status (attending, cancelled, refunded…)",
    Field.IGNORE: "Ignore this column",
}

_CONSENTS = {
    Field.CONSENT_STORE,
    Field.CONSENT_SPECIAL_CATEGORY,
    Field.CONSENT_FUTURE_CONTACT,
    Field.CONSENT_QUOTE,
}
_CHILD = {Field.CHILD_AGE_BAND, Field.CHILD_SETTING, Field.EHCP_STATUS, Field.NEED_AREAS}
_NAME = {Field.FULL_NAME, Field.FIRST_NAME, Field.LAST_NAME}

# Headings as reduced by ``vocabulary_key`` (folded, letters and digits, single spaces).
HEADER_ALIASES: dict[str, Field] = {}
for _field, _headings in {
    Field.FULL_NAME: (
        "name",
        "full name",
        "your name",
        "your full name",
        "attendee name",
        "attendee",
        "attendee full name",
        "participant name",
        "delegate name",
        "contact name",
        "parent name",
        "parent s name",
        "parent carer name",
        "parent carer s name",
        "name of parent carer",
        "name of parent or carer",
        "booker name",
        "buyer name",
        "purchaser name",
        "customer name",
        "names",
        "ticket holder name",
        "ticket holder",
        "guest name",
        "respondent name",
        "parent or carer name",
        "parent or carer s name",
        "parent carer full name",
    ),
    Field.FIRST_NAME: (
        "first name",
        "firstname",
        "first",
        "forename",
        "forenames",
        "given name",
        "attendee first name",
        "your first name",
        "first names",
        "ticket holder first name",
        "booking first name",
        "buyer first name",
        "purchaser first name",
        "guest first name",
    ),
    Field.LAST_NAME: (
        "last name",
        "lastname",
        "last",
        "surname",
        "family name",
        "attendee last name",
        "attendee surname",
        "your surname",
        "your last name",
        "ticket holder last name",
        "booking last name",
        "buyer last name",
        "purchaser last name",
        "guest last name",
        "attendee family name",
    ),
    Field.EMAIL: (
        "email",
        "e mail",
        "email address",
        "e mail address",
        "your email",
        "your email address",
        "attendee email",
        "attendee email address",
        "contact email",
        "email addr",
        "mail",
        "buyer email",
        "confirm email",
        "confirm email address",
        "booking email",
        "purchaser email",
        "customer email",
        "ticket holder email",
        "guest email",
        "respondent email",
    ),
    Field.PHONE: (
        "phone",
        "phone number",
        "telephone",
        "telephone number",
        "tel",
        "tel no",
        "mobile",
        "mobile number",
        "mobile phone",
        "mobile phone number",
        "contact number",
        "cell phone",
        "your phone number",
        "your mobile number",
    ),
    Field.POSTCODE: (
        "postcode",
        "post code",
        "postal code",
        "postcode district",
        "your postcode",
        "home postcode",
        "zip",
        "zip code",
        "zip postal code",
    ),
    Field.ROLE: (
        "role",
        "i am a",
        "i am",
        "are you a",
        "you are a",
        "attending as",
        "i am attending as",
        "who are you",
        "relationship",
        "relationship to child",
        "your role",
    ),
    Field.CHILD_AGE_BAND: (
        "age band",
        "age range",
        "child age",
        "child s age",
        "childs age",
        "child age band",
        "age of child",
        "age of your child",
        "your child s age",
        "age of child young person",
    ),
    Field.CHILD_SETTING: (
        "setting",
        "school",
        "school type",
        "type of school",
        "child s setting",
        "education setting",
        "current setting",
        "child s school",
        "educational setting",
    ),
    Field.EHCP_STATUS: (
        "ehcp",
        "ehcp status",
        "ehc plan",
        "does your child have an ehcp",
        "does your child have an ehc plan",
    ),
    Field.NEED_AREAS: (
        "needs",
        "area of need",
        "areas of need",
        "send needs",
        "send need",
        "primary need",
        "type of need",
        "child s needs",
        "child s send needs",
    ),
    Field.ACCESS_NEEDS: (
        "access needs",
        "access requirements",
        "accessibility",
        "accessibility needs",
        "accessibility requirements",
        "reasonable adjustments",
        "access",
        "do you have any access needs",
        "any access needs",
        "dietary requirements",
    ),
    Field.ACCESS_NOTES: (
        "access notes",
        "anything else we should know",
        "other requirements",
        "any other requirements",
    ),
    Field.REGISTERED_AT: (
        "timestamp",
        "date",
        "registered",
        "registered at",
        "registration date",
        "date registered",
        "order date",
        "booking date",
        "date booked",
        "booked",
        "submitted",
        "submitted at",
        "submission date",
        "created",
        "created at",
        "completion time",
        "date attending",
        "submission time",
        "purchase date",
        "date purchased",
        "created date",
    ),
    Field.STATUS: (
        "status",
        "attendee status",
        "ticket status",
        "booking status",
        "registration status",
        "attendance status",
        "order status",
        "rsvp",
        "rsvp status",
    ),
}.items():
    for _heading in _headings:
        HEADER_ALIASES[_heading] = _field


def recognise_header(header: str) -> Field | None:
    """The field a column heading means, or None when it is not one we know.

    Exact headings first ('Email address'); then the long questions forms use as headings
    ('Do you consent to us keeping your child's SEND details?').
    """
    key = vocabulary_key(header)
    if not key:
        return None
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key]
    words = set(key.split())
    if words & {"consent", "agree", "permission", "gdpr", "privacy", "happy", "ok", "okay"}:
        if words & {"quote", "quoted", "quoting", "words", "comments", "anonymously"}:
            return Field.CONSENT_QUOTE
        if words & {"future", "contact", "contacted", "updates", "newsletter", "mailing"}:
            return Field.CONSENT_FUTURE_CONTACT
        if words & {"child", "child s", "send", "special", "health", "sensitive", "needs"} or (
            "child s" in key
        ):
            return Field.CONSENT_SPECIAL_CATEGORY
        if words & {"store", "keep", "hold", "data", "details", "information", "process"}:
            return Field.CONSENT_STORE
        return None
    if len(words) < 3:
        return None
    for needle, found in (
        ("email", Field.EMAIL),
        ("postcode", Field.POSTCODE),
        ("post code", Field.POSTCODE),
        ("surname", Field.LAST_NAME),
        ("last name", Field.LAST_NAME),
        ("first name", Field.FIRST_NAME),
        ("full name", Field.FULL_NAME),
        ("your name", Field.FULL_NAME),
        ("phone", Field.PHONE),
        ("mobile", Field.PHONE),
        ("ehcp", Field.EHCP_STATUS),
        ("access", Field.ACCESS_NEEDS),
        ("accessibility", Field.ACCESS_NEEDS),
        ("adjustments", Field.ACCESS_NEEDS),
        ("age", Field.CHILD_AGE_BAND),
        ("school", Field.CHILD_SETTING),
        ("setting", Field.CHILD_SETTING),
        ("area of need", Field.NEED_AREAS),
        ("areas of need", Field.NEED_AREAS),
        ("send needs", Field.NEED_AREAS),
    ):
        if f" {needle} " in f" {key} ":
            return None if found in _NAME and _about_someone_else(words) else found
    if "name" in words and not words & _NOT_A_PERSON and not _about_someone_else(words):
        return Field.FULL_NAME  # 'Name of the person attending', 'Who is coming? (name)'
    return None


# A form's question about a child's name, a school's or a service's is not the booker's name:
# children's names are never imported.
_OTHERS = frozenset({"child", "children", "childs", "son", "daughter", "pupil", "kid", "baby"})
_NOT_A_PERSON = frozenset(
    {
        "school",
        "setting",
        "nursery",
        "college",
        "organisation",
        "organization",
        "company",
        "employer",
        "business",
        "service",
        "team",
        "group",
        "event",
        "venue",
        "gp",
        "doctor",
        "worker",
        "professional",
    }
)


def _about_someone_else(words: set[str]) -> bool:
    return bool(words & _OTHERS)


def field_from_user(text: str) -> Field | None:
    """What a user typed for a field in ``--map COLUMN=FIELD``: a field's name, its label, or a
    heading we recognise ('surname'); 'ignore', 'skip' or '-' to leave a column out."""
    key = vocabulary_key(text)
    if key in ("ignore", "skip", "none", "") or text.strip() == "-":
        return Field.IGNORE
    for candidate in Field:
        if key in (vocabulary_key(candidate.value), vocabulary_key(candidate.label)):
            return candidate
    return HEADER_ALIASES.get(key)


# ---- problems ------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the file, by row and column as the user sees them in a spreadsheet."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column is not None:
            return f"Row {self.row}, column '{self.column}': {self.message}"
        if self.row is not None:
            return f"Row {self.row}: {self.message}"
        if self.column is not None:
            return f"Column '{self.column}': {self.message}"
        return self.message


# ---- reading the file ----------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """The table in a file: headings and rows, with the row numbers a spreadsheet shows."""

    file_name: str
    kind: str  # "CSV" or "Excel workbook"
    encoding: str | None
    header_row: int
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]


_NOT_SUPPORTED = {
    ".xls": "an old-style Excel .xls file. Open it in Excel and save it as an Excel workbook "
    "(.xlsx) or CSV, then import that",
    ".ods": "an OpenDocument spreadsheet. Save it as an Excel workbook (.xlsx) or CSV, then "
    "import that",
    ".numbers": "a Numbers spreadsheet. Export it as CSV or Excel (.xlsx), then import that",
    ".pdf": "a PDF. Download the list as CSV or Excel (.xlsx) from the form or ticketing "
    "site instead",
    ".docx": "a Word document. Put the list in a spreadsheet and save it as CSV or Excel (.xlsx)",
    ".doc": "a Word document. Put the list in a spreadsheet and save it as CSV or Excel (.xlsx)",
}
_CSV_SUFFIXES = (".csv", ".txt", ".tsv", "")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_sheet(content: bytes, file_name: str) -> Sheet:
    """The table in a CSV or XLSX file's bytes. Raises UnreadableFile with a plain reason."""
    suffix = _suffix(file_name)
    if not content:
        raise UnreadableFile(
            f"'{file_name}' is empty (0 bytes). Download or save the export again; "
            "nothing was imported."
        )
    if len(content) > MAX_BYTES:
        raise UnreadableFile(too_big_message(file_name))
    if content.startswith(_OLE_MAGIC):
        raise UnreadableFile(f"'{file_name}' is {_NOT_SUPPORTED['.xls']}. Nothing was imported.")
    if content.startswith(b"PK\x03\x04") and suffix not in (".ods", ".numbers", ".docx"):
        return _read_xlsx(content, file_name)
    if suffix in _NOT_SUPPORTED:
        raise UnreadableFile(f"'{file_name}' is {_NOT_SUPPORTED[suffix]}. Nothing was imported.")
    if suffix in _XLSX_SUFFIXES:
        raise UnreadableFile(
            f"'{file_name}' is named like an Excel workbook but is not one (it may be damaged "
            "or only renamed). Open it in Excel and save it again, or export it as CSV."
        )
    if suffix not in _CSV_SUFFIXES:
        raise UnreadableFile(
            f"Engagement Desk imports CSV (.csv) and Excel (.xlsx) files; '{file_name}' is "
            "neither. Export the list as CSV or Excel from the form or ticketing site."
        )
    return _read_csv(content, file_name)


def _suffix(file_name: str) -> str:
    name = file_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def too_big_message(file_name: str) -> str:
    return (
        f"'{file_name}' is too big to be a list of registrations (the limit is "
        f"{MAX_BYTES // (1024 * 1024)} MB or {MAX_ROWS:,} rows). Check it is the right file, "
        "or split it into smaller files."
    )


def decode_text(content: bytes) -> tuple[str, str]:
    """Text and the name of its encoding: UTF-8 (with or without a BOM), UTF-16 with a BOM
    (Excel's 'Unicode text'), else Windows-1252 (Excel's CSV on a UK Windows PC)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace"), "UTF-8"
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "Latin-1"


def looks_binary(text: str) -> bool:
    """Binary data, not text. A stray NUL or two in a real export is cleaned out of its cell
    instead (see ``cell_text``); a picture or a UTF-16 file without its BOM has many."""
    sample = text[:8192]
    if sample.count("\x00") > 2:
        return True
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\r\n\t\f\v")
    return controls > max(8, len(sample) // 100)


def guess_delimiter(text: str, lines: int) -> str:
    """Tab, semicolon (Excel in much of Europe) or comma: whichever appears on the most of
    the first ``lines`` non-blank lines, then the most often, then the rarer character.

    One line is not enough: a title line above the headings holds none, and Teams' times
    hold a comma ('3/4/26, 7:02:11 PM') on tab-separated lines.
    """
    first = [line for line in text.split("\n")[:lines] if line.strip()]
    on_lines = {d: sum(1 for line in first if d in line) for d in ("\t", ";", ",")}
    in_all = {d: sum(line.count(d) for line in first) for d in ("\t", ";", ",")}
    if not in_all["\t"] and not in_all[";"]:
        return ","
    return max(("\t", ";", ","), key=lambda d: (on_lines[d], in_all[d], d == "\t", d == ";"))


def csv_rows(
    content: bytes, file_name: str, *, header_lines: int, max_rows: int, not_text: str
) -> tuple[str, list[tuple[int, tuple[Cell, ...]]]]:
    """The encoding and every row of a CSV or TSV file, numbered as a spreadsheet shows them.

    The delimiter is guessed from the first ``header_lines`` lines; more than ``max_rows``
    rows is too big. ``not_text`` says what to do when the file holds binary data.
    """
    text, encoding = decode_text(content)
    if looks_binary(text):
        raise UnreadableFile(
            f"'{file_name}' is not a CSV file: it holds binary data, not text. {not_text}"
        )
    if not text.strip():
        raise UnreadableFile(f"'{file_name}' has no rows at all. Nothing was imported.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=guess_delimiter(text, header_lines)
    )
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            if number > max_rows:
                raise UnreadableFile(too_big_message(file_name))
            rows.append((number, tuple(record)))
    except csv.Error as exc:
        raise UnreadableFile(
            f"'{file_name}' cannot be read as CSV near row {reader.line_num}: {exc}. Open it "
            "in a spreadsheet, check that row, and save it as CSV again."
        ) from exc
    return encoding, rows


def _read_csv(content: bytes, file_name: str) -> Sheet:
    encoding, rows = csv_rows(
        content,
        file_name,
        header_lines=HEADER_SEARCH_ROWS,
        max_rows=MAX_ROWS + HEADER_SEARCH_ROWS,
        not_text="Export the list as CSV or Excel (.xlsx) from the form or ticketing site.",
    )
    return _table(rows, file_name, "CSV", encoding)


def _read_xlsx(content: bytes, file_name: str) -> Sheet:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(
            f"'{file_name}' is not an Excel workbook this app can read (it may be damaged, "
            "password-protected, or another kind of file). Open it in Excel and save it "
            "again as .xlsx, or export it as CSV."
        ) from exc
    try:
        sheets = [workbook.active, *workbook.worksheets]
        for sheet in sheets:
            if sheet is None:
                continue
            rows: list[tuple[int, tuple[Cell, ...]]] = []
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
                if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise UnreadableFile(too_big_message(file_name))
                rows.append((number, tuple(values)))
            if any(_blank_row(cells) is False for _, cells in rows):
                return _table(rows, file_name, "Excel workbook", None)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise UnreadableFile(
            f"'{file_name}' could not be read to the end (it may be damaged). Open it in "
            "Excel and save it again, or export it as CSV."
        ) from exc
    finally:
        workbook.close()
    raise UnreadableFile(f"'{file_name}' has no rows at all. Nothing was imported.")


def _blank_row(cells: Iterable[Cell]) -> bool:
    return all(cell_text(c) == "" for c in cells)


def _table(
    rows: list[tuple[int, tuple[Cell, ...]]], file_name: str, kind: str, encoding: str | None
) -> Sheet:
    """Find the heading row (exports sometimes start with a title or a blank line)."""
    candidates = [(n, cells) for n, cells in rows if not _blank_row(cells)][:HEADER_SEARCH_ROWS]
    if not candidates:
        raise UnreadableFile(f"'{file_name}' has no rows at all. Nothing was imported.")
    header_row, header_cells = candidates[0]
    for number, cells in candidates:
        fields = {recognise_header(cell_text(c)) for c in cells}
        if fields & (_NAME | {Field.EMAIL}):
            header_row, header_cells = number, cells
            break
    header_texts = [cell_text(c) for c in header_cells]
    body = tuple((n, cells) for n, cells in rows if n > header_row)
    first = next(((n, cells) for n, cells in body if not _blank_row(cells)), None)
    if first is not None and _is_sub_heading(first[1]):
        # SurveyMonkey writes two heading rows: questions, then 'Response' or each option's
        # text under a question with several answers (whose own heading cell is blank).
        sub = [cell_text(c) for c in first[1]]
        header_texts += [""] * (len(sub) - len(header_texts))
        header_texts = [
            h or (sub[i] if i < len(sub) and vocabulary_key(sub[i]) not in _SUB_HEADINGS else h)
            for i, h in enumerate(header_texts)
        ]
        header_row = first[0]
        body = tuple((n, cells) for n, cells in body if n > header_row)
    headers = _unique_headers(header_texts)
    if len(body) > MAX_ROWS:
        raise UnreadableFile(too_big_message(file_name))
    return Sheet(file_name, kind, encoding, header_row, headers, body)


_SUB_HEADINGS = frozenset({"response", "open ended response", "responses"})


def _is_sub_heading(cells: tuple[Cell, ...]) -> bool:
    texts = [cell_text(c) for c in cells]
    return any(vocabulary_key(t) in _SUB_HEADINGS for t in texts) and not any(
        is_email(normalise_email(t) or "") for t in texts
    )


def _unique_headers(headers: list[str]) -> tuple[str, ...]:
    """Headings as shown, with blanks named by column letter and repeats numbered."""
    seen: dict[str, int] = {}
    result = []
    for index, header in enumerate(headers):
        name = collapse_spaces(header) or f"Column {column_letter(index)}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        result.append(name)
    while result and result[-1].startswith("Column ") and not headers[len(result) - 1].strip():
        result.pop()  # trailing empty columns are nothing
    return tuple(result)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# Control characters (other than tab and line breaks) and the invisible characters that reorder
# or hide text (bidirectional overrides, zero-width spaces, stray byte-order marks) never belong
# in a name or an answer: a pasted name could otherwise print backwards on a ticket.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls, not tab or line breaks
    "\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufff9-\ufffb]"
)


def clean_text(text: str) -> str:
    """Text from a cell without control or invisible characters, trimmed."""
    return _CONTROL.sub("", text).strip()


def cell_text(value: Cell) -> str:
    """A cell as the text a person would read in it (control characters removed)."""
    if type(value) is str:
        return value.strip() if value.isprintable() else _CONTROL.sub("", value).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return clean_text(str(value))


# ---- dates -------------------------------------------------------------------------

_EXCEL_EPOCH = datetime(1899, 12, 30)
_SERIAL_RANGE = (20_000, 80_000)  # 1954 to 2119: a number in a date column outside is a typo
_DATE_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d/%m/%y %H:%M",
    "%d/%m/%y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%d %B %Y %H:%M",
    "%d %B %Y",
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y",
    "%B %d, %Y %I:%M %p",
    "%B %d, %Y",
    "%a %d %b %Y %H:%M",
    "%A %d %B %Y %H:%M",
)


def parse_when(value: Cell, *, month_first: bool | None = None) -> datetime | None:
    """A date cell, an Excel serial number, or a date as text, as aware UTC; None if it is not
    a date. Times without a zone are UK times. '03/04/2026' is read day first, as in the UK,
    unless ``month_first`` says otherwise (a US site's column, see ``date_order``); left to
    guess, a time with AM/PM marks a US date."""
    if isinstance(value, datetime):
        return local_as_utc(value)
    if isinstance(value, date):
        return local_as_utc(datetime.combine(value, time()))
    if isinstance(value, bool) or value is None or isinstance(value, time):
        return None
    if isinstance(value, int | float):
        return from_excel_serial(float(value))
    text = collapse_spaces(str(value))
    if not text:
        return None
    try:
        return from_excel_serial(float(text))
    except ValueError:
        pass
    numeric = _NUMERIC_DATE.fullmatch(text)
    if numeric is not None:
        return _numeric_date(numeric, month_first=month_first)
    iso = text[:-1] + "+00:00" if text.endswith("Z") else text
    try:
        return local_as_utc(datetime.fromisoformat(iso))
    except ValueError:
        pass
    cleaned = re.sub(r"\s*(?:GMT|BST|UTC)$", "", text)
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned)
    for pattern in _DATE_FORMATS:
        try:
            return local_as_utc(datetime.strptime(cleaned, pattern))
        except ValueError:
            continue
    return None


# The usual shapes, read without strptime (which is slow): 15/04/2026 10:32[:11], 2026-04-15 ...
_NUMERIC_DATE = re.compile(
    r"(\d{1,4})([/.-])(\d{1,2})\2(\d{2,4})"
    r"(?:,?[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?: ?([AaPp])\.?[Mm]\.?)?)?"
)


def _numeric_date(match: re.Match[str], *, month_first: bool | None = None) -> datetime | None:
    first, _, second, third, hour, minute, seconds, half = match.groups()
    if len(first) == 4:
        year, month, day = int(first), int(second), int(third)
    elif len(first) <= 2 and len(third) in (2, 4):
        day, month, year = int(first), int(second), int(third)
        if month_first is None:
            month_first = half is not None
        if month > 12 >= day or (month_first and day <= 12):
            day, month = month, day  # month first, as US sites export (and any with AM/PM)
        if len(third) == 2:
            year += 2000
    else:
        return None
    hours = int(hour or 0)
    if half is not None:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if half in "Pp" else 0)
    try:
        moment = datetime(year, month, day, hours, int(minute or 0), int(seconds or 0))
    except ValueError:
        return None
    return local_as_utc(moment)


def from_excel_serial(serial: float) -> datetime | None:
    """An Excel date serial number as UTC (None outside 1954–2119: a typo, not a date)."""
    if not _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        return None
    return local_as_utc(_EXCEL_EPOCH + timedelta(days=serial))


def local_as_utc(moment: datetime) -> datetime:
    """A time as written in a file: UK time unless it says otherwise."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment.astimezone(UTC)


# ---- mapping columns to fields -------------------------------------------------


@dataclass(frozen=True)
class ColumnUse:
    """What one column of the file will be used for, and why when it could have been another."""

    header: str
    field: Field | None  # None: ignored
    how: str  # "recognised", "mapped" (by the user), "set aside" (see reason) or "ignored"
    reason: str = ""  # for a column set aside: what is wrong with it, e.g. "holds numbers"

    @property
    def ignored(self) -> bool:
        return self.field is None or self.field is Field.IGNORE

    @property
    def set_aside(self) -> bool:
        return self.how == "set aside"


@dataclass(frozen=True)
class ColumnPlan:
    """How each column will be used, the choices made between columns that could each be the
    name, the email or the booking status (in words, for the preview), and any problems."""

    columns: tuple[ColumnUse, ...]
    problems: tuple[ImportProblem, ...]
    choices: tuple[str, ...] = ()
    month_first: Mapping[str, bool] = dataclass_field(
        default_factory=dict
    )  # date column -> US order


# ---- booking status ------------------------------------------------------------

# What ticketing sites write in an attendee's status column, reduced by ``vocabulary_key``.
_BOOKED = frozenset(
    {
        "attending",
        "checked in",
        "check in",
        "checked",
        "not checked in",
        "active",
        "valid",
        "confirmed",
        "complete",
        "completed",
        "booked",
        "registered",
        "paid",
        "going",
        "issued",
        "approved",
        "accepted",
        "placed",
        "ok",
        "yes",
        "partially refunded",  # part of the order refunded: this ticket still stands
        "free",
        "attended",
    }
)
_NOT_BOOKED = frozenset(
    {
        "not attending",
        "not going",
        "no",
        "transferred",
        "deleted",
        "void",
        "voided",
        "declined",
        "rejected",
        "withdrawn",
        "pending",
        "awaiting payment",
        "unpaid",
        "payment pending",
        "expired",
        "abandoned",
        "failed",
        "waitlisted",
        "wait listed",
        "waiting list",
        "on waiting list",
        "waitlist",
        "reserved",
        "invalid",
        "refund requested",
    }
)
_NOT_BOOKED_STEMS = ("cancel", "refund", "transfer", "void", "delet", "declin", "withdr")
STATUS_EXAMPLES = "Attending, Checked In, Confirmed, Cancelled, Refunded, Not Attending"


def read_status(text: str) -> bool | None:
    """An attendee's status from a ticketing export: True when it keeps them a place
    (attending, active, checked in...), False when it does not (cancelled, refunded, not
    attending, transferred, a waiting list elsewhere...), None when it is neither."""
    key = vocabulary_key(text)
    if not key:
        return None
    if key in _BOOKED:
        return True
    if key in _NOT_BOOKED:
        return False
    if any(word.startswith(_NOT_BOOKED_STEMS) for word in key.split()):
        return False  # 'Cancelled by attendee', 'Refunded (full)', 'Transferred out'
    if key.startswith(("attending", "checked in", "confirmed")):
        return True
    return None


def not_booked_sentence(statuses: Iterable[str]) -> str:
    """'3 rows not booked: their status says Refunded (2) or Not Attending (1).'"""
    counts: dict[str, tuple[str, int]] = {}
    for status in statuses:
        key = vocabulary_key(status) or status
        shown, seen = counts.get(key, (collapse_spaces(status), 0))
        counts[key] = (shown, seen + 1)
    total = sum(n for _, n in counts.values())
    if not total:
        return ""
    ranked = sorted(counts.values(), key=lambda item: (-item[1], item[0].casefold()))
    if total == 1:
        return f"1 row not booked: its status says {ranked[0][0]}."
    parts = [f"{shown} ({n})" for shown, n in ranked]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
    return f"{total} rows not booked: their status says {listed}."


# ---- choosing between columns --------------------------------------------------

_SAMPLE = 5000  # values looked at per column when deciding what it holds
_PLACEHOLDERS = frozenset(
    {"anonymous", "anon", "anonymous user", "n/a", "n.a.", "na", "none", "null", "unknown"}
    | {"not given", "(anonymous)", "anonymous."}
)
# Whose details a heading is about: the person coming, or someone who booked for them.
_OWN = frozenset(
    {"your", "my", "attendee", "attendees", "participant", "delegate", "guest", "holder", "full"}
    | {"parent", "carer", "ticket"}
)
_BOOKER = frozenset(
    {"buyer", "purchaser", "booker", "booking", "customer", "order", "billing", "account"}
    | {"respondent", "payer", "collector", "invoice", "submitter"}
)
_REPEATED = frozenset({"confirm", "confirmation", "repeat", "again", "verify", "retype"})
_VAGUE = frozenset({"name", "names", "attendee", "attendees", "contact", "contact name"})
_PART_WORDS = frozenset(
    {"first", "last", "name", "names", "surname", "forename", "forenames", "given", "family"}
    | {"firstname", "lastname"}
)


def _heading_rank(header: str) -> int:
    """Higher for the attendee's own details ('Attendee email', 'Your full name'), lower for
    the booker's ('Buyer email', 'Booking First Name') and for 'Confirm email'."""
    key = vocabulary_key(header)
    words = set(key.split())
    if words & _REPEATED:
        return -3
    if words & _BOOKER:
        return -2
    if key not in _VAGUE and words & _OWN:
        return 2
    return 0


def _is_placeholder(text: str) -> bool:
    """'anonymous', 'N/A', '-': what forms put where a name or email would be."""
    return text.casefold() in _PLACEHOLDERS or not any(map(str.isalnum, text))


def _column_values(rows: Sequence[tuple[int, tuple[Cell, ...]]], index: int) -> list[str]:
    found: list[str] = []
    for _, cells in rows:
        if index < len(cells) and (text := cell_text(cells[index])):
            found.append(text)
            if len(found) >= _SAMPLE:
                break
    return found


def _numbered_heading(header: str) -> bool:
    words = set(vocabulary_key(header).split())
    return "#" in header or bool(words & {"id", "no", "number", "ref", "reference", "barcode"})


def _looks_like_code(text: str) -> bool:
    """'EB-2291-7781', 'A1B2C3': digits and no word of letters ('Person 12' is a name)."""
    return any(c.isdigit() for c in text) and not any(
        len(word) > 1 and word.isalpha() for word in text.split()
    )


def _name_trouble(header: str, values: list[str], has_rows: bool) -> str | None:
    """Why a column cannot be people's names, judged by what is in it; None if it can."""
    if not has_rows:
        return "holds numbers" if _numbered_heading(header) else None
    if not values:
        return "is empty"
    half = len(values) / 2
    placeholders = [v for v in values if _is_placeholder(v)]
    if len(placeholders) >= half:
        return f"says '{placeholders[0]}'"
    if sum(not any(c.isalpha() for c in v) for v in values) >= half:
        return "holds numbers"
    if sum(_looks_like_code(v) for v in values) >= half:
        return "holds codes, not names"
    if sum(is_email(normalise_email(v) or "") for v in values) >= half:
        return "holds email addresses, not names"
    return None


def _email_trouble(values: list[str], has_rows: bool) -> str | None:
    if not has_rows:
        return None
    if not values:
        return "is empty"
    half = len(values) / 2
    placeholders = [v for v in values if _is_placeholder(v)]
    if len(placeholders) >= half:
        return f"says '{placeholders[0]}'"
    emails = sum(is_email(normalise_email(v) or "") for v in values)
    if emails == 0:
        return "holds no email addresses"
    if emails < half:
        return "mostly holds things that are not email addresses"
    return None


def _status_trouble(values: list[str], has_rows: bool) -> str | None:
    if not has_rows:
        return None
    if not values:
        return "is empty"
    if sum(read_status(v) is not None for v in values) < len(values) / 2:
        return "does not hold booking statuses (like Attending or Cancelled)"
    return None


def date_order(values: Iterable[str]) -> bool | None:
    """Whether a column's dates are month first (True: '03/15/2026', a US site), day first
    (False: '15/03/2026') or cannot be told (None), from the dates that only fit one way."""
    day_first = month_first = False
    for value in values:
        match = _NUMERIC_DATE.fullmatch(collapse_spaces(value))
        if match is None or len(match.group(1)) > 2:
            continue
        first, second = int(match.group(1)), int(match.group(3))
        day_first = day_first or first > 12 >= second
        month_first = month_first or second > 12 >= first
    if day_first == month_first:
        return None
    return month_first


def _quoted(headers: Sequence[str]) -> str:
    return " + ".join(f"'{h}'" for h in headers)


class _Chooser:
    """Chooses one source for the name, the email and the status among the columns that could
    each be it, looking at what the columns hold, and says why in words."""

    def __init__(
        self, headers: tuple[str, ...], rows: Sequence[tuple[int, tuple[Cell, ...]]]
    ) -> None:
        self.headers = headers
        self.rows = rows
        self.has_rows = any(not _blank_row(cells) for _, cells in rows)
        self.aside: dict[int, str] = {}  # column -> why it was set aside
        self.choices: list[str] = []
        self.troubles: list[str] = []  # why no column could be the name

    def values(self, index: int) -> list[str]:
        return _column_values(self.rows, index)

    def names(self, auto: dict[int, Field], user: set[Field]) -> None:
        candidates = [i for i, f in auto.items() if f in _NAME]
        user = user & _NAME
        if not candidates:
            return
        if Field.FULL_NAME in user or {Field.FIRST_NAME, Field.LAST_NAME} <= user:
            for index in candidates:
                self.aside[index] = "is not used: you chose the name column"
            return
        if user:  # the user chose one part; the other part may still come from the file
            wanted = ({Field.FIRST_NAME, Field.LAST_NAME} - user).pop()
            keep = next((i for i in candidates if auto[i] is wanted), None)
            for index in candidates:
                if index != keep:
                    self.aside[index] = "is not used: you chose the name column"
            return
        trouble = {}
        for index in candidates:
            found = _name_trouble(self.headers[index], self.values(index), self.has_rows)
            if found is not None:
                trouble[index] = found
        usable = [i for i in candidates if i not in trouble]
        options: list[tuple[float, int, tuple[int, ...]]] = []
        for index in usable:
            if auto[index] is Field.FULL_NAME:
                vague = vocabulary_key(self.headers[index]) in _VAGUE
                options.append(
                    (_heading_rank(self.headers[index]) + (0 if vague else 1), index, (index,))
                )
        groups: dict[str, dict[Field, int]] = {}
        for index in usable:
            if auto[index] in (Field.FIRST_NAME, Field.LAST_NAME):
                words = vocabulary_key(self.headers[index]).split()
                prefix = " ".join(w for w in words if w not in _PART_WORDS)
                groups.setdefault(prefix, {}).setdefault(auto[index], index)
        for parts in groups.values():
            indexes = tuple(sorted(parts.values()))
            rank = _heading_rank(self.headers[indexes[0]]) + (0.5 if len(parts) == 2 else -0.5)
            options.append((rank, indexes[0], indexes))
        for index, why in trouble.items():
            self.aside[index] = why
        said = [f"{_quoted([self.headers[i]])} {trouble[i]}" for i in sorted(trouble)]
        if not options:
            self.troubles = said
            return
        options.sort(key=lambda option: (-option[0], option[1]))
        best = options[0][2]
        for _, _, losing in options[1:]:
            why = self._why_not(losing, best)
            for index in losing:
                self.aside[index] = why
            said.append(f"{_quoted([self.headers[i] for i in losing])} {why}")
        if said:
            self.choices.append(
                f"Name from {_quoted([self.headers[i] for i in best])}; " + "; ".join(said) + "."
            )

    def _why_not(self, losing: tuple[int, ...], best: tuple[int, ...]) -> str:
        headers = [self.headers[i] for i in losing]
        several = len(headers) > 1
        if _heading_rank(headers[0]) == -2 < _heading_rank(self.headers[best[0]]):
            return "are the person who booked" if several else "is the person who booked"
        if len(best) == 2 and not several and vocabulary_key(headers[0]) in _VAGUE:
            return "is less specific than first and last names"
        return "are another name" if several else "is another name column"

    def single(
        self,
        label: str,
        wanted: Field,
        auto: dict[int, Field],
        user: set[Field],
        trouble_of: Callable[[list[str], bool], str | None],
    ) -> None:
        """One column for a field that must come from one place (email, status)."""
        candidates = [i for i, f in auto.items() if f is wanted]
        if not candidates:
            return
        if wanted in user:
            for index in candidates:
                self.aside[index] = f"is not used: you chose the {label.lower()} column"
            return
        trouble = {}
        for index in candidates:
            found = trouble_of(self.values(index), self.has_rows)
            if found is not None:
                trouble[index] = found
        usable = sorted(
            (i for i in candidates if i not in trouble),
            key=lambda i: (-_heading_rank(self.headers[i]), i),
        )
        said = []
        for index in candidates:
            if index in trouble:
                self.aside[index] = trouble[index]
                said.append(f"'{self.headers[index]}' {trouble[index]}")
        for index in usable[1:]:
            rank = _heading_rank(self.headers[index])
            if rank == -2 < _heading_rank(self.headers[usable[0]]):
                why = "is the person who booked"
            elif rank == -3:
                why = "repeats it"
            else:
                why = f"is another {label.lower()} column"
            self.aside[index] = why
            said.append(f"'{self.headers[index]}' {why}")
        if not usable:
            if said:
                self.choices.append(f"No {label.lower()} column: " + "; ".join(said) + ".")
            return
        chosen = f"{label} from '{self.headers[usable[0]]}'"
        if wanted is Field.STATUS:
            chosen += ": rows whose status says cancelled, refunded, not attending or "
            chosen += "transferred get no place"
        if said:
            self.choices.append(chosen + "; " + "; ".join(said) + ".")
        elif wanted is Field.STATUS:
            self.choices.append(chosen + ".")


def plan_columns(
    headers: tuple[str, ...],
    mapping: Mapping[str, str] | None = None,
    rows: Sequence[tuple[int, tuple[Cell, ...]]] = (),
) -> ColumnPlan:
    """Each column's field: the user's mapping first, then headings we recognise, choosing by
    what the columns hold when several could be the name, the email or the status."""
    problems: list[ImportProblem] = []
    chosen: dict[int, Field] = {}
    by_key: dict[str, int] = {}
    for index, header in enumerate(headers):
        by_key.setdefault(header, index)
        by_key.setdefault(vocabulary_key(header), index)
    for column, wanted in (mapping or {}).items():
        at = by_key.get(column.strip(), by_key.get(vocabulary_key(column)))
        if at is None:
            problems.append(
                ImportProblem(
                    None,
                    None,
                    f"There is no column '{column}' in this file. Its columns are: "
                    + ", ".join(f"'{h}'" for h in headers)
                    + ".",
                )
            )
            continue
        found = field_from_user(wanted)
        if found is None:
            problems.append(
                ImportProblem(
                    None,
                    None,
                    f"'{wanted}' is not something a column can be imported as. Use one of: "
                    + ", ".join(f.value for f in Field)
                    + ".",
                )
            )
            continue
        chosen[at] = found
    chooser = _Chooser(headers, rows)
    for index, wanted_field in chosen.items():
        if wanted_field in _NAME and chooser.has_rows:
            trouble = _name_trouble(headers[index], chooser.values(index), True)
            if trouble is not None and trouble.startswith("holds"):
                problems.append(
                    ImportProblem(
                        None,
                        headers[index],
                        f"it {trouble.removesuffix(', not names')}, not people's names. "
                        "Choose the column that holds their names.",
                    )
                )
    auto: dict[int, Field] = {}
    for index, header in enumerate(headers):
        if index not in chosen and (found := recognise_header(header)) is not None:
            auto[index] = found
    user = set(chosen.values())
    chooser.names(auto, user)
    chooser.single("Email", Field.EMAIL, auto, user, _email_trouble)
    chooser.single("Booking status", Field.STATUS, auto, user, _status_trouble)
    columns = []
    for index, header in enumerate(headers):
        if index in chosen:
            mapped: Field | None = chosen[index]
            how = "mapped"
        else:
            mapped, how = auto.get(index), "recognised"
        if index in chooser.aside:
            columns.append(ColumnUse(header, None, "set aside", chooser.aside[index]))
        elif mapped is None or mapped is Field.IGNORE:
            columns.append(ColumnUse(header, None, "ignored"))
        else:
            columns.append(ColumnUse(header, mapped, how))
    fields = {c.field for c in columns}
    if Field.FULL_NAME not in fields and not fields & {Field.FIRST_NAME, Field.LAST_NAME}:
        why = f" ({'; '.join(chooser.troubles)})" if chooser.troubles else ""
        problems.append(
            ImportProblem(
                None,
                None,
                f"No column holds people's names{why}. Choose the name column, for example "
                "--map 'Parent name=full_name' (or first_name and last_name for two columns).",
            )
        )
    month_first: dict[str, bool] = {}
    for index, use in enumerate(columns):
        if use.field is Field.REGISTERED_AT:
            values = _column_values(rows, index)
            order = date_order(values)
            if order is not None:
                month_first[use.header] = order
            if order:
                for value in values:
                    match = _NUMERIC_DATE.fullmatch(collapse_spaces(value))
                    if match and len(match.group(1)) <= 2 and int(match.group(3)) > 12:
                        chooser.choices.append(
                            f"Dates in '{use.header}' are read month first, as US sites write "
                            f"them ('{value}' has no month {int(match.group(3))})."
                        )
                        break
    return ColumnPlan(tuple(columns), tuple(problems), tuple(chooser.choices), month_first)


# ---- rows to people -------------------------------------------------------------


@dataclass(frozen=True)
class ImportRow:
    """One person to register, from one row (or several rows merged)."""

    row: int
    person: PersonDraft
    registered_at: datetime | None


@dataclass(frozen=True)
class NotBooked:
    """A row whose status says the person has no place (refunded, cancelled, not attending)."""

    row: int
    status: str  # as the file says it
    name: str
    email: str | None


@dataclass(frozen=True)
class ParsedFile:
    sheet: Sheet
    columns: tuple[ColumnUse, ...]
    rows: tuple[ImportRow, ...]
    rows_read: int
    empty_rows: int
    duplicates_merged: int
    skipped_no_consent: tuple[int, ...]
    problems: tuple[ImportProblem, ...]
    notes: tuple[str, ...]
    choices: tuple[str, ...] = ()
    not_booked: tuple[NotBooked, ...] = ()

    @property
    def ignored_columns(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.ignored)

    @property
    def not_booked_sentence(self) -> str:
        return not_booked_sentence(n.status for n in self.not_booked)


def parse_file(
    sheet: Sheet,
    mapping: Mapping[str, str] | None = None,
    *,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
    total_steps: int | None = None,
) -> ParsedFile:
    """Every row checked and tidied into a person; every problem found, not only the first."""
    plan = plan_columns(sheet.headers, mapping, sheet.rows)
    columns, problems = plan.columns, list(plan.problems)
    notes: list[str] = []
    fields = {c.field for c in columns if c.field}
    empty = 0
    people: list[ImportRow] = []
    skipped: list[int] = []
    not_booked: list[NotBooked] = []
    if not problems:
        reader = _RowReader(columns, fields, plan.month_first)
        total = total_steps or len(sheet.rows)
        for done, (number, cells) in enumerate(sheet.rows, start=1):
            if done % PROGRESS_EVERY == 0:
                if should_cancel is not None and should_cancel():
                    raise ImportCancelled
                if progress is not None:
                    progress(done, total)
            if _blank_row(cells):
                empty += 1
                continue
            outcome = reader.read(number, cells)
            if isinstance(outcome, ImportRow):
                people.append(outcome)
            elif isinstance(outcome, NotBooked):
                not_booked.append(outcome)
            elif outcome is _NO_CONSENT:
                skipped.append(number)
            else:
                problems.extend(outcome)
        if not people and not problems and not skipped and not not_booked:
            problems.append(
                ImportProblem(
                    None,
                    None,
                    f"'{sheet.file_name}' has column headings but no rows of people. "
                    "Nothing was imported.",
                )
            )
        if fields & _CHILD and Field.CONSENT_SPECIAL_CATEGORY not in fields:
            notes.append(
                "The file has children's SEND details but no column saying whether parents "
                "agreed to us keeping them, so those details were left out."
            )
        if Field.CONSENT_STORE not in fields:
            notes.append(
                "No column says whether people agreed to us keeping their details; everyone "
                "in the file is taken as having agreed when they booked."
            )
    if skipped:
        were = "row was" if len(skipped) == 1 else "rows were"
        notes.append(
            f"{len(skipped)} {were} left out because the person did not agree to us keeping "
            f"their details (row {_row_list(skipped)})."
        )
    merged, duplicates, merge_notes = _merge_duplicates(people)
    notes.extend(merge_notes)
    if merged and all(r.registered_at is not None for r in merged):
        # First come, first served, whatever order the site exported in.
        merged.sort(key=lambda r: (r.registered_at or datetime.min.replace(tzinfo=UTC), r.row))
    return ParsedFile(
        sheet=sheet,
        columns=columns,
        rows=tuple(merged),
        rows_read=len(sheet.rows) - empty,
        empty_rows=empty,
        duplicates_merged=duplicates,
        skipped_no_consent=tuple(skipped),
        problems=tuple(problems),
        notes=tuple(notes),
        choices=plan.choices,
        not_booked=tuple(not_booked),
    )


def count_not_booked(sheet: Sheet, columns: tuple[ColumnUse, ...]) -> tuple[str, ...]:
    """The statuses of the rows the booking-status column keeps out, for a preview (quick: only
    that column is read)."""
    at = next((i for i, c in enumerate(columns) if c.field is Field.STATUS), None)
    if at is None:
        return ()
    found = []
    for _, cells in sheet.rows:
        if at < len(cells) and (text := cell_text(cells[at])) and read_status(text) is False:
            found.append(text)
    return tuple(found)


def _row_list(rows: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


def person_key(draft: PersonDraft) -> tuple[str, ...]:
    """Who a row is, for spotting the same person twice: their email; else name and phone;
    else, within one file, their name alone (a form sent twice)."""
    if draft.email:
        return ("email", draft.email)
    if draft.phone:
        return ("phone", fold(draft.full_name), draft.phone)
    return ("name", fold(draft.full_name))


def _merge_duplicates(rows: list[ImportRow]) -> tuple[list[ImportRow], int, list[str]]:
    by_key: dict[tuple[str, ...], int] = {}
    merged: list[ImportRow] = []
    notes: list[str] = []
    duplicates = 0
    for row in rows:
        key = person_key(row.person)
        if key not in by_key:
            by_key[key] = len(merged)
            merged.append(row)
            continue
        duplicates += 1
        index = by_key[key]
        first = merged[index]
        if fold(first.person.full_name) != fold(row.person.full_name):
            notes.append(
                f"Rows {first.row} and {row.row} share the email {row.person.email} but give "
                f"different names ('{first.person.full_name}', '{row.person.full_name}'); they "
                "were taken as one person. Give each person their own email to book them "
                "separately."
            )
        person = merge_person(first.person, row.person)
        if fold(first.person.full_name) == fold(person.full_name):
            person = replace(person, full_name=first.person.full_name)  # not 'JO BLOGGS'
        merged[index] = ImportRow(
            row=first.row,
            person=person,
            registered_at=first.registered_at or row.registered_at,
        )
    return merged, duplicates, notes


class _RowReader:
    """Turns one row's cells into a person, collecting problems by column."""

    def __init__(
        self,
        columns: tuple[ColumnUse, ...],
        fields: set[Field],
        month_first: Mapping[str, bool] | None = None,
    ) -> None:
        self.columns = [(i, c.header, c.field) for i, c in enumerate(columns) if c.field]
        self.has_store_column = Field.CONSENT_STORE in fields
        self.order = {c.header: i for i, c in enumerate(columns)}
        self.month_first = dict(month_first or {})

    def read(
        self, number: int, cells: tuple[Cell, ...]
    ) -> ImportRow | NotBooked | _Skipped | list[ImportProblem]:
        """The person in a row; or that the row books no one (its status, or no consent to
        keep their details); or every problem with it."""
        problems: list[ImportProblem] = []
        values: dict[Field, list[tuple[str, Cell]]] = {}
        for index, header, target in self.columns:
            value = cells[index] if index < len(cells) else None
            text = cell_text(value)
            if text and not (target in _NAME_OR_EMAIL and _is_placeholder(text)):
                values.setdefault(target, []).append((header, value))

        def first(found: Field) -> tuple[str, Cell] | None:
            return values[found][0] if found in values else None

        def problem(header: str, message: str) -> None:
            problems.append(ImportProblem(number, header, message))

        if (found_status := first(Field.STATUS)) is not None:
            header, value = found_status
            booked = read_status(cell_text(value))
            if booked is None:
                problem(
                    header,
                    f"'{cell_text(value)}' is not a booking status this app knows (such as "
                    f"{STATUS_EXAMPLES}). Change it, or map the column to 'ignore'.",
                )
            elif not booked:
                given = [normalise_email(cell_text(v)) for _, v in values.get(Field.EMAIL, [])]
                return NotBooked(
                    number,
                    collapse_spaces(cell_text(value)),
                    self._name(values),
                    next((e for e in given if e and is_email(e)), None),
                )

        if self.has_store_column:
            found_store = first(Field.CONSENT_STORE)
            answer = parse_yes_no(cell_text(found_store[1])) if found_store else False
            if found_store is not None and answer is None:
                problem(found_store[0], f"'{cell_text(found_store[1])}' is not yes or no.")
            elif not answer:
                return _NO_CONSENT  # nothing about them is read, checked or kept

        name = self._name(values)
        if not name:
            headers = [h for _, h, f in self.columns if f in _NAME]
            problems.append(
                ImportProblem(
                    number,
                    " / ".join(headers) if headers else None,
                    "the name is missing. Fill it in, or delete the row if it is not a person.",
                )
            )
        elif len(name) > 200:
            problem(self._header_of(Field.FULL_NAME), "the name is longer than 200 characters.")
        elif not any(c.isalpha() for c in name):
            headers = [h for _, h, f in self.columns if f in _NAME]
            problems.append(
                ImportProblem(
                    number,
                    " / ".join(headers),
                    f"'{name}' is not a name (it has no letters). Fix it, or delete the row if "
                    "it is not a person.",
                )
            )

        email: str | None = None
        for header, value in values.get(Field.EMAIL, []):
            candidate = normalise_email(cell_text(value))
            if candidate and not is_email(candidate):
                problem(header, f"'{cell_text(value)}' is not an email address.")
            elif candidate and email is None:
                email = candidate

        phone: str | None = None
        if (found := first(Field.PHONE)) is not None:
            header, value = found
            text = cell_text(value)
            if isinstance(value, int | float) and len(text) == 10 and text[0] in "1237":
                text = "0" + text  # Excel dropped the leading zero of a UK number
            try:
                phone = phone_digits(text)
            except ValueError:
                problem(header, f"'{cell_text(value)}' is not a phone number.")

        postcode = ""
        if (found := first(Field.POSTCODE)) is not None:
            header, value = found
            district = postcode_district(cell_text(value))
            if district is None:
                problem(
                    header,
                    f"'{cell_text(value)}' is not a UK postcode (like BL9 0SW, or just BL9).",
                )
            else:
                postcode = district

        role = "parent/carer"
        if (found := first(Field.ROLE)) is not None:
            header, value = found
            matched = match_role(cell_text(value))
            if matched is None:
                problem(
                    header,
                    f"'{cell_text(value)}' is not a role this app knows (parent/carer, young "
                    "person or professional). Change it, or map the column to 'ignore'.",
                )
            else:
                role = matched

        choices: dict[Field, str | None] = {}
        for found_field, matcher, label, options in _CHOICES:
            choices[found_field] = None
            if (found := first(found_field)) is not None:
                header, value = found
                matched = matcher(cell_text(value))
                if matched is None:
                    problem(
                        header,
                        f"'{cell_text(value)}' is not {label} this app knows ({options}, or "
                        f"{PREFER_NOT_TO_SAY}).",
                    )
                choices[found_field] = matched

        need_areas: list[str] = []
        for _, value in values.get(Field.NEED_AREAS, []):
            need_areas += [n for n in match_need_areas(cell_text(value)) if n not in need_areas]
        access_needs: list[str] = []
        notes: list[str] = []
        for _, value in values.get(Field.ACCESS_NEEDS, []):
            found_needs, note = match_access_needs(cell_text(value))
            access_needs += [n for n in found_needs if n not in access_needs]
            if note:
                notes.append(note)
        notes += [cell_text(v) for _, v in values.get(Field.ACCESS_NOTES, [])]

        consents: dict[Field, bool] = {Field.CONSENT_STORE: True}
        for consent in _CONSENTS - {Field.CONSENT_STORE}:
            consents[consent] = False
            if (found := first(consent)) is not None:
                header, value = found
                answer = parse_yes_no(cell_text(value))
                if answer is None:
                    problem(header, f"'{cell_text(value)}' is not yes or no.")
                consents[consent] = bool(answer)
        registered_at = None
        if (found := first(Field.REGISTERED_AT)) is not None:
            header, value = found
            registered_at = parse_when(value, month_first=self.month_first.get(header))
            if registered_at is None:
                problem(header, f"'{cell_text(value)}' is not a date.")

        if problems or not name:
            problems.sort(key=lambda p: self.order.get(p.column or "", -1))
            return problems
        draft = PersonDraft(
            full_name=name,
            email=email,
            phone=phone,
            postcode=postcode,
            role=role,
            child_age_band=choices[Field.CHILD_AGE_BAND],
            child_setting=choices[Field.CHILD_SETTING],
            ehcp_status=choices[Field.EHCP_STATUS],
            need_areas=tuple(need_areas),
            access_needs=tuple(access_needs),
            access_notes="; ".join(notes)[:2000],
            consent_store=True,
            consent_special_category=consents[Field.CONSENT_SPECIAL_CATEGORY],
            consent_future_contact=consents[Field.CONSENT_FUTURE_CONTACT],
            consent_quote=consents[Field.CONSENT_QUOTE],
        )
        return ImportRow(number, apply_consents(draft), registered_at)

    def _name(self, values: dict[Field, list[tuple[str, Cell]]]) -> str:
        for _, value in values.get(Field.FULL_NAME, []):
            if text := collapse_spaces(cell_text(value)):
                return text
        parts = [collapse_spaces(cell_text(values[f][0][1])) for f in _NAME_PARTS if f in values]
        return collapse_spaces(" ".join(parts))

    def _header_of(self, wanted: Field) -> str:
        return next((h for _, h, f in self.columns if f is wanted), "name")


_NAME_PARTS = (Field.FIRST_NAME, Field.LAST_NAME)
_NAME_OR_EMAIL = _NAME | {Field.EMAIL}


class _Skipped(enum.Enum):
    NO_CONSENT = "no consent"


_NO_CONSENT = _Skipped.NO_CONSENT
_CHOICES: tuple[tuple[Field, Callable[[str], str | None], str, str], ...] = (
    (Field.CHILD_AGE_BAND, match_age_band, "an age band", "0-4, 5-10, 11-16, 17-19, 20-25"),
    (
        Field.CHILD_SETTING,
        match_setting,
        "a setting",
        "early years, mainstream primary, mainstream secondary, special school, "
        "college, home educated, not in education",
    ),
    (
        Field.EHCP_STATUS,
        match_ehcp,
        "an EHCP status",
        "has an EHCP, being assessed, SEN support, no EHCP, not sure",
    ),
)


def sample_rows(sheet: Sheet, count: int = 20) -> Iterator[tuple[int, tuple[str, ...]]]:
    """The first rows as text, for a preview table."""
    shown = 0
    for number, cells in sheet.rows:
        if shown >= count:
            return
        if _blank_row(cells):
            continue
        shown += 1
        padded = tuple(cell_text(c) for c in cells) + ("",) * (len(sheet.headers) - len(cells))
        yield number, padded[: len(sheet.headers)]
