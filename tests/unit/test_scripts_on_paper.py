"""Names in any script on paper: Arabic, Urdu, Chinese, Polish (and emoji) on tickets, the
sign-in sheet, the schedule listing and an event report.

Each PDF is read back two ways: poppler's ``pdftotext`` must give the name as it was typed
(after NFKC normalisation, which turns Arabic presentation forms back into letters, and
without the direction marks poppler adds around right-to-left text), and PDFium must report
every character of it drawn in an embedded font that really has a glyph for it, so no name
prints as empty boxes.
"""

from __future__ import annotations

import ctypes
import io
import re
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.ttfonts import TTFontFile
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.paths import resource
from engagement_desk.reports import scripts
from engagement_desk.reports.direction import has_rtl
from engagement_desk.reports.event_report import render_event_report
from engagement_desk.reports.fonts import BOLD, FAMILY, register_fonts
from engagement_desk.reports.html import event_report_html
from engagement_desk.reports.listing import render_listing
from engagement_desk.reports.signin_sheet import render_sign_in_sheet
from engagement_desk.reports.tickets import render_tickets
from engagement_desk.services.signin import SignInService, split_name
from engagement_desk.services.tickets import TicketService
from tests.conftest import FakeClock
from tests.unit.conftest import venue_event
from tests.unit.report_helpers import LAST_WEEK, add_people

ARABIC = "فاطمة الزهراء"
URDU = "عائشہ خان"
CHINESE = "王小明"
POLISH = "Łucja Wójcik-Żak"
NAMES = [ARABIC, URDU, CHINESE, POLISH]
MOSQUE = VenueDraft("مسجد النور", "12 Bolton Street, Bury", "BL9 0LL", step_free=True)
TITLE = "لقاء أولياء الأمور"
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def extracted(data: bytes, page: int | None = None) -> str:
    """pdftotext's reading of the PDF (or one page), NFKC-normalised, direction marks
    removed and white space collapsed."""
    pages = [] if page is None else ["-f", str(page + 1), "-l", str(page + 1)]
    text = subprocess.run(
        ["pdftotext", *pages, "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return " ".join(BIDI_MARKS.sub("", unicodedata.normalize("NFKC", text)).split())


def normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@cache
def _shipped_faces() -> dict[str, frozenset[int]]:
    """PostScript name -> the code points with a real glyph, for every shipped font."""
    faces = {}
    for path in Path(resource("fonts")).glob("*.ttf"):
        face = TTFontFile(str(path))
        faces[face.name.decode() if isinstance(face.name, bytes) else face.name] = frozenset(
            code for code, glyph in face.charToGlyph.items() if glyph
        )
    return faces


def drawn(data: bytes, page: int = 0) -> list[tuple[str, str]]:
    """(character, PostScript name of the font it is drawn in) for each character PDFium
    finds on the page; characters PDFium made up (spaces between words) are skipped."""
    document = pdfium.PdfDocument(data)
    try:
        textpage = document[page].get_textpage()
        out = []
        buffer = ctypes.create_string_buffer(256)
        flags = ctypes.c_int()
        for index in range(textpage.count_chars()):
            if pdfium_c.FPDFText_IsGenerated(textpage.raw, index):
                continue
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
            pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buffer, 256, ctypes.byref(flags))
            font = buffer.value.decode("latin-1").split("+")[-1]
            out.append((chr(code), font))
        return out
    finally:
        document.close()


def boxes(data: bytes, page: int = 0) -> list[tuple[str, str]]:
    """The visible characters drawn in a font that has no glyph for them (empty boxes)."""
    faces = _shipped_faces()
    return [
        (char, font)
        for char, font in drawn(data, page)
        if not char.isspace() and ord(char) not in faces.get(font, frozenset())
    ]


def drawn_fonts(data: bytes, text: str, page: int = 0) -> set[str]:
    """The fonts that draw the characters of ``text`` (as PDFium reads them back)."""
    wanted = set(normalised(text)) - {" "}
    return {
        font for char, font in drawn(data, page) if unicodedata.normalize("NFKC", char) in wanted
    }


# ---- the checks themselves can fail ------------------------------------------------------


def test_the_box_check_finds_arabic_drawn_in_a_latin_font() -> None:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont(FAMILY, 14)
    canvas.drawString(72, 700, f"Name: {ARABIC}")
    canvas.save()

    found = boxes(buffer.getvalue())
    assert len(found) == len(ARABIC.replace(" ", ""))
    assert {font for _, font in found} == {"AtkinsonHyperlegible-Regular"}


# ---- tickets -------------------------------------------------------------------------------


@pytest.fixture
def ticket_pdf(desk: Desk) -> tuple[bytes, list[str]]:
    event = desk.events.create(venue_event(TITLE, venue=MOSQUE))
    for n, name in enumerate(NAMES):
        desk.registrations.register(
            event.short_code,
            PersonDraft(name, email=f"person{n}@example.org", consent_store=True),
        )
    batch = TicketService(desk.db).ticket_sheet(event.id)
    data = render_tickets(batch)
    assert data is not None
    return data, [ticket.person_name for ticket in batch.tickets]


def test_each_ticket_reads_back_its_name_as_typed(ticket_pdf: tuple[bytes, list[str]]) -> None:
    data, names = ticket_pdf
    assert sorted(names) == sorted(NAMES)
    for page, name in enumerate(names):
        text = extracted(data, page)
        assert normalised(name) in text, (name, text)
        assert TITLE in text
        # the street number stays with the street, not pulled in front of the mosque's name
        assert "Where: مسجد النور, 12 Bolton Street, Bury, BL9 0LL" in text


def test_no_ticket_prints_a_box(ticket_pdf: tuple[bytes, list[str]]) -> None:
    data, names = ticket_pdf
    for page, name in enumerate(names):
        assert boxes(data, page) == [], name


def test_each_script_is_set_in_the_font_made_for_it(ticket_pdf: tuple[bytes, list[str]]) -> None:
    data, names = ticket_pdf
    expected = {
        ARABIC: {"NotoNaskhArabic-Bold"},
        URDU: {"NotoNaskhArabic-Bold"},
        CHINESE: {"DroidSansFallback"},
        POLISH: {"AtkinsonHyperlegible-Bold"},  # Polish letters are in Atkinson Hyperlegible
    }
    for page, name in enumerate(names):
        assert drawn_fonts(data, name, page) >= expected[name], name


def test_a_ticket_name_is_centred_under_the_qr(desk: Desk) -> None:
    """The name is drawn in runs of several fonts; it must still sit in the middle."""
    event = desk.events.create(venue_event())
    desk.registrations.register(
        event.short_code,
        PersonDraft(f"{CHINESE} {ARABIC}", email="p@example.org", consent_store=True),
    )
    data = render_tickets(TicketService(desk.db).ticket_sheet(event.id))
    assert data is not None
    document = pdfium.PdfDocument(data)
    try:
        page = document[0]
        width = page.get_width()
        textpage = page.get_textpage()
        wanted = set(normalised(ARABIC + CHINESE)) - {" "}
        lefts, rights = [], []
        for index in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
            if unicodedata.normalize("NFKC", char) in wanted:
                left, _, right, _ = textpage.get_charbox(index)
                lefts.append(left)
                rights.append(right)
    finally:
        document.close()
    assert lefts
    centre = (min(lefts) + max(rights)) / 2
    assert abs(centre - width / 2) < 3  # points


# ---- the sign-in sheet ---------------------------------------------------------------------


def test_sign_in_sheet_lists_every_name_as_typed_with_no_boxes(
    desk: Desk, clock: FakeClock
) -> None:
    event = desk.events.create(venue_event(venue=MOSQUE))
    for n, name in enumerate(NAMES):
        desk.registrations.register(
            event.short_code,
            PersonDraft(name, email=f"person{n}@example.org", consent_store=True),
        )
    sheet = SignInService(desk.db, desk.events, clock).sign_in_sheet(event.short_code)
    data = render_sign_in_sheet(sheet)

    text = extracted(data)
    assert "Where: مسجد النور, 12 Bolton Street, Bury" in text
    for name in (CHINESE, POLISH):
        surname, given = split_name(name)
        assert normalised(f"{surname}, {given}".rstrip(", ")) in text, (name, text)
    for name in (ARABIC, URDU):
        # Drawn surname first, reading from the right ("الزهراء, فاطمة"). poppler gives the
        # bold surname and the given names back as two right-to-left pieces in the line's
        # left-to-right order ("فاطمة,الزهراء"), so each part is looked for as typed.
        surname, given = split_name(name)
        words = re.split(r"[\s,]+", text)
        assert surname in words, (name, text)
        assert given in words, (name, text)
    assert boxes(data) == []


# ---- the schedule listing and an event report ----------------------------------------------


def test_listing_prints_an_arabic_title_and_venue(desk: Desk) -> None:
    desk.events.create(venue_event(TITLE, venue=MOSQUE))
    listing = desk.schedule.listing()
    assert len(listing.entries) == 1
    data = render_listing(listing)

    text = extracted(data)
    assert TITLE in text
    assert "Where: مسجد النور, 12 Bolton Street, Bury, BL9 0LL" in text
    assert boxes(data) == []


def test_event_report_prints_an_arabic_title_and_venue(desk: Desk) -> None:
    event = desk.events.create(venue_event("لقاء أولياء الأمور", starts_at=LAST_WEEK, venue=MOSQUE))
    add_people(desk, event.id, [f"Parent Number{n}" for n in range(6)])
    summary = desk.summaries.event_summary(event.short_code)
    data = render_event_report(summary)

    text = extracted(data)
    assert TITLE in text
    assert "مسجد النور, 12 Bolton Street, Bury, BL9 0LL" in text
    for page in range(len(PdfReader(io.BytesIO(data)).pages)):
        assert boxes(data, page) == [], page

    # The HTML version: the Arabic title is a right-to-left heading, the venue keeps the
    # street number with the street (a left-to-right mark closes the Arabic part).
    html = event_report_html(summary)
    assert f'<h1 dir="rtl">{TITLE}</h1>' in html
    assert "مسجد النور\u200e, 12 Bolton Street" in html
    assert 'dir="rtl"' not in html.replace(f'<h1 dir="rtl">{TITLE}</h1>', "")


# ---- the text machinery ----------------------------------------------------------------------


def test_latin_text_takes_the_fast_path_unchanged() -> None:
    register_fonts()
    for text in ("Aisha Begum & Tom O'Neill <b>", POLISH, "Café – “quoted” · done…"):
        assert scripts.is_plain(text, FAMILY)
        assert "<font" not in scripts.markup(text)
    assert scripts.markup("Tom & <Jerry>") == "Tom &amp; &lt;Jerry&gt;"
    assert not has_rtl("Café · 王小明 😀") and not has_rtl(POLISH)
    assert has_rtl(ARABIC) and has_rtl(URDU) and has_rtl("שלום") and has_rtl("١٢")


def test_markup_escapes_text_inside_font_runs() -> None:
    marked = scripts.markup("<b>王</b> & فاطمة", BOLD)
    assert "<b>" not in marked
    assert "&lt;b&gt;" in marked and "&amp;" in marked
    assert '<font name="DroidSansFallback">' in marked
    assert '<font name="NotoNaskhArabic-Bold">' in marked


def test_arabic_letters_take_their_joined_forms() -> None:
    # fa initial, alef final, tah initial, meem medial, teh marbuta final
    assert scripts.join_arabic("فاطمة") == "\ufed3\ufe8e\ufec3\ufee4\ufe94"
    # Urdu heh goal at the end of a word takes its final form
    assert scripts.join_arabic("عائشہ")[-1] == "\ufba7"
    # lam-alef is one ligature, isolated or joined to the letter before it
    assert scripts.join_arabic("لا") == "\ufefb"
    assert scripts.join_arabic("سلام") == "\ufeb3\ufefc\ufee1"
    # only lam-alef is a ligature: lam and yeh join as two letters (lam initial, yeh medial)
    assert scripts.join_arabic("أولياء")[2:4] == "\ufedf\ufef4"
    assert not any("\ufc00" <= c <= "\ufdff" for c in scripts.join_arabic("الجانبي أولياء"))
    for word in ("فاطمة", "عائشہ", "سلام", "پاکستان", "أولياء"):
        assert unicodedata.normalize("NFKC", scripts.join_arabic(word)) == word


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("abc", "abc"),
        ("ابت", "تبا"),
        ("ابت ثجح", "حجث تبا"),
        ("Name: ابت ثجح", "Name: حجث تبا"),
        ("ابت (12)", "(12) تبا"),  # brackets face the other way inside right-to-left text
        ("Where: ابت ثجح, Bury", "Where: حجث تبا, Bury"),
        # mixed with English, the line reads left to right, each Arabic run right to left
        ("ابت ثجح: SEND in Bury", "حجث تبا: SEND in Bury"),
    ],
)
def test_right_to_left_text_is_put_in_display_order(typed: str, shown: str) -> None:
    assert scripts.visual(typed) == shown


def test_a_number_after_a_comma_stays_with_what_follows_it() -> None:
    """By the bidi algorithm alone "مسجد, 12 High St" would show "12" before the mosque's
    name; each comma-separated part is kept apart instead."""
    shown = scripts.visual(scripts.prepare("ابت, 12 High St"))
    assert unicodedata.normalize("NFKC", shown) == "تبا, 12 High St"
    assert scripts.visual("ابت, 12 High St") == "12 ,تبا High St"  # unprepared, for contrast


def test_a_long_right_to_left_passage_wraps_in_reading_order(tmp_path: Path) -> None:
    register_fonts()
    words = ["كلمة" + "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"[n % 28] * 2 for n in range(40)]
    style = ParagraphStyle("body", fontName=FAMILY, fontSize=14, leading=20)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build(
        [scripts.ScriptParagraph(scripts.markup(" ".join(words)), style)]
    )
    lines = [
        " ".join(BIDI_MARKS.sub("", unicodedata.normalize("NFKC", line)).split())
        for line in subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"],
            input=buffer.getvalue(),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .splitlines()
        if line.strip()
    ]
    assert len(lines) >= 3
    assert " ".join(lines) == " ".join(words)  # line by line, each in typed order
    assert lines[0].startswith(words[0])


def test_a_character_no_font_has_is_left_out_not_boxed() -> None:
    register_fonts()
    missing = "\U0001fa90"  # ringed planet (Unicode 12): in none of the shipped fonts
    assert all(ord(missing) not in cover for cover in _shipped_faces().values())
    assert scripts.markup(f"Mia {missing}") in ("Mia ", "Mia")
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    scripts.draw_text(canvas, 72, 700, f"Mia {missing} 王", FAMILY, 14)
    canvas.save()
    assert boxes(buffer.getvalue()) == []


def test_emoji_print_in_black_and_white_without_boxes() -> None:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    scripts.draw_text(canvas, 72, 700, "Mia 😀👍❤️🎉", FAMILY, 14)
    canvas.save()
    data = buffer.getvalue()
    assert boxes(data) == []
    fonts = {font for _, font in drawn(data)}
    assert "Symbola" in fonts
    assert "Mia" in extracted(data)


def test_drawn_text_ends_where_it_is_right_aligned() -> None:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    scripts.draw_text(canvas, 400, 700, f"Page 1 · {ARABIC} · {CHINESE}", FAMILY, 14, "end")
    canvas.save()
    document = pdfium.PdfDocument(buffer.getvalue())
    try:
        textpage = document[0].get_textpage()
        rights = [textpage.get_charbox(i)[2] for i in range(textpage.count_chars())]
    finally:
        document.close()
    assert 397 < max(rights) <= 401
    assert scripts.text_width(ARABIC, FAMILY, 14) > 0
