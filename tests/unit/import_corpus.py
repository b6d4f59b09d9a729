"""Exports as the ticketing sites and form builders write them, and what importing each must do.

The files are in tests/data/imports/ (their encodings, line endings and quoting are part of
the test). The two Excel workbooks are built here with real date cells, as Microsoft Forms
and Eventbrite write them. The unit, command-line and dialog tests all check the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import openpyxl

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"


@dataclass(frozen=True)
class Export:
    file: str
    encoding: str | None
    people: dict[str, str | None]  # everyone given a registration: name -> email
    not_booked: str = ""  # the sentence the preview, report and CLI give, "" when none
    choices: tuple[str, ...] = ()  # sentences the preview and report must include
    columns: dict[str, str | None] = field(default_factory=dict)  # heading -> field (or None)
    registered: tuple[str, datetime] | None = None  # one person's booking time, in UTC
    left_out_no_consent: int = 0


STATUS_RULE = (
    "rows whose status says cancelled, refunded, not attending or transferred get no place"
)

CORPUS: tuple[Export, ...] = (
    Export(
        "eventbrite_attendee_report.csv",
        "UTF-8",
        {
            "Zofia Wiśniewska": "zofia.w@example.org",
            "Νίκος Παπαδόπουλος": "nikos.p@example.org",
            "Ngozi Adeyemi": "ngozi.adeyemi@example.org",
            "Wei Li": "wei.li@example.org",
            "عائشة خان": "aisha.khan@example.org",
        },
        not_booked="3 rows not booked: their status says Refunded (2) or Not Attending (1).",
        choices=(
            "Name from 'First Name' + 'Last Name'; 'Attendee #' holds numbers.",
            f"Booking status from 'Attendee Status': {STATUS_RULE}.",
        ),
        columns={
            "First Name": "first_name",
            "Last Name": "last_name",
            "Attendee #": None,
            "Barcode #": None,
            "Attendee Status": "status",
        },
        registered=("Zofia Wiśniewska", datetime(2026, 3, 2, 21, 5, 11, tzinfo=UTC)),
    ),
    Export(
        "eventbrite_us_attendees.csv",
        "UTF-8",
        {"Megan Brooks": "megan.brooks@example.org", "Carlos Ramírez": "carlos.r@example.org"},
        not_booked="1 row not booked: its status says Cancelled.",
        choices=(
            "Dates in 'Order Date' are read month first, as US sites write them "
            "('03/15/2026 21:41' has no month 15).",
        ),
        columns={"Attendee #": None, "Order Date": "registered_at"},
        # 03/04/2026 is the 4th of March in a file whose other dates are month first.
        registered=("Megan Brooks", datetime(2026, 3, 4, 9, 5, tzinfo=UTC)),
    ),
    Export(
        "ticket_tailor_tickets.csv",
        "UTF-8",
        {
            "Helen Brown": "helen.brown@example.org",
            "Mark Brown": "mark.brown@example.org",
            "Siân Hughes": "sian.hughes@example.org",
        },
        not_booked="1 row not booked: its status says void.",
        choices=(
            "Name from 'Full name'; 'Buyer name' is the person who booked.",
            "Email from 'Email'; 'Buyer email' is the person who booked.",
        ),
        columns={"Status": "status", "Checked in": None, "Barcode": None},
        registered=("Siân Hughes", datetime(2026, 3, 14, 16, 20, tzinfo=UTC)),
    ),
    Export(
        "trybooking_bookings.csv",
        "Windows-1252",
        {
            "Siobhán Ó Briain": "siobhan@example.org",
            "Seán Ó Ceallaigh": "sean@example.org",
            "Zoë Hughes": "zoe.hughes@example.org",
        },
        not_booked="1 row not booked: its status says Cancelled.",
        choices=(
            "Name from 'Attendee First Name' + 'Attendee Last Name'; 'Booking First Name' + "
            "'Booking Last Name' are the person who booked.",
            "Email from 'Attendee Email'; 'Booking Email' is the person who booked.",
        ),
        columns={"Booking First Name": None, "Attendee First Name": "first_name"},
        # 02/04/2026 18:45 is the 2nd of April, in British Summer Time.
        registered=("Zoë Hughes", datetime(2026, 4, 2, 17, 45, tzinfo=UTC)),
    ),
    Export(
        "microsoft_forms_unicode_text.txt",
        "UTF-16",
        {
            "Sarah Jones": "sarah.jones@example.org",
            "Оксана Коваленко": "oksana.k@example.org",
            "श्रेया पटेल": "shreya.patel@example.org",
            "Liam O’Brien": "liam.obrien@example.org",  # a zero-width space removed
        },
        choices=(
            "Name from 'Your full name'; 'Name' is empty.",
            "Email from 'Your email address'; 'Email' says 'anonymous'.",
        ),
        columns={"Email": None, "Name": None, "Your full name": "full_name"},
        registered=("Оксана Коваленко", datetime(2026, 3, 3, 10, 2, 51, tzinfo=UTC)),
        left_out_no_consent=1,
    ),
    Export(
        "google_forms_responses.csv",
        "UTF-8",
        {
            "Kwame Mensah": "kwame@example.org",
            "Małgorzata Nowak": "malgorzata@example.org",
            "Ayşe Yılmaz": "ayse@example.org",
            "陈静": "chen.jing@example.org",
        },
        choices=(
            "Email from 'Email address for your ticket'; 'Email Address' is another email column.",
        ),
        columns={"Email Address": None, "Email address for your ticket": "email"},
        registered=("Ayşe Yılmaz", datetime(2026, 3, 4, 20, 5, 47, tzinfo=UTC)),
    ),
    Export(
        "jotform_submissions.csv",
        "UTF-8",
        {
            "Amara Okafor": "amara.okafor@example.org",
            "Ewa Kowalczyk": "ewa.k@example.org",
            "Declan Murphy": "declan.murphy@example.org",
        },
        columns={"Parent/carer name": "full_name", "Your child's name": None},
        registered=("Ewa Kowalczyk", datetime(2026, 3, 4, 0, 0, tzinfo=UTC)),
    ),
    Export(
        "surveymonkey_responses.csv",
        "UTF-8",
        {
            "Priya Patel": "priya.patel@example.org",
            "Owen Davies": "owen.davies@example.org",
            "Fatima Begum": "fatima.begum@example.org",
        },
        choices=(
            "Name from 'What is your name?'; 'First Name' is empty; 'Last Name' is empty.",
            "Email from 'What is your email address?'; 'Email Address' is empty.",
        ),
        columns={"First Name": None, "What is your name?": "full_name"},
    ),
)


def by_file(name: str) -> Export:
    return next(e for e in CORPUS if e.file == name)


def microsoft_forms_workbook(folder: Path) -> tuple[Path, Export]:
    """Microsoft Forms' own download ('Open results in Excel'): date cells, anonymous
    respondents, the answers under the questions."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append(
        ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
         "Parent/carer name", "Email address for your ticket", "Postcode",
         "Do you have any access needs?"]
    )  # fmt: skip
    sheet.append(
        [1, datetime(2026, 3, 3, 9, 14, 2), datetime(2026, 3, 3, 9, 16, 40), "anonymous", None,
         None, "Hannah Whitfield", "hannah.w@example.org", "BL9 9AB", "Hearing loop"]
    )  # fmt: skip
    sheet.append(
        [2, datetime(2026, 4, 1, 18, 0), datetime(2026, 4, 1, 18, 4, 30), "anonymous", None,
         None, "Yusuf Ali", "yusuf.ali@example.org", "M26", None]
    )  # fmt: skip
    for row in (2, 3):
        for column in ("B", "C"):
            sheet[f"{column}{row}"].number_format = "m/d/yy h:mm:ss"
    path = folder / "Have your say (1-2).xlsx"
    book.save(path)
    return path, Export(
        path.name,
        None,
        {"Hannah Whitfield": "hannah.w@example.org", "Yusuf Ali": "yusuf.ali@example.org"},
        choices=(
            "Name from 'Parent/carer name'; 'Name' is empty.",
            "Email from 'Email address for your ticket'; 'Email' says 'anonymous'.",
        ),
        columns={"Email": None, "Name": None, "Parent/carer name": "full_name"},
        # 18:04:30 on the 1st of April is British Summer Time.
        registered=("Yusuf Ali", datetime(2026, 4, 1, 17, 4, 30, tzinfo=UTC)),
    )


def eventbrite_workbook(folder: Path) -> tuple[Path, Export]:
    """An attendee report saved as .xlsx, its order dates as Excel serial numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Attendee Summary Report"])
    sheet.append([])
    sheet.append(
        ["Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity",
         "Ticket Type", "Attendee #", "Barcode #", "Attendee Status"]
    )  # fmt: skip
    sheet.append(
        [1190000001, 46085.75, "Bronwen", "Jenkins", "bronwen@example.org", 1, "General", 7001,
         "119000000170011001", "Attending"]
    )  # fmt: skip
    sheet.append(
        [1190000002, 46086.5, "Tomasz", "Zieliński", "tomasz@example.org", 1, "General", 7002,
         "119000000270021001", "Transferred"]
    )  # fmt: skip
    path = folder / "attendees.xlsx"
    book.save(path)
    return path, Export(
        path.name,
        None,
        {"Bronwen Jenkins": "bronwen@example.org"},
        not_booked="1 row not booked: its status says Transferred.",
        choices=("Name from 'First Name' + 'Last Name'; 'Attendee #' holds numbers.",),
        columns={"Attendee #": None},
        registered=("Bronwen Jenkins", datetime(2026, 3, 4, 18, 0, tzinfo=UTC)),
    )
