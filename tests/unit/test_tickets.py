"""Ticket codes: signed, tamper-evident, scanner-friendly, and never a crash on bad input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qrcode.util import MODE_ALPHA_NUM

from engagement_desk.core.events import SHORT_CODE_ALPHABET, new_short_code
from engagement_desk.core.qr import decode_qr, make_qr_image, qr_segments
from engagement_desk.core.tickets import (
    QR_ALPHANUMERIC,
    TicketKeys,
    TicketProblem,
    mint_ticket,
    new_keys,
    new_ticket_id,
    public_key_for,
    read_ticket,
    ticket_id_from_reference,
    ticket_reference,
)

KEYS = new_keys()
OTHER_KEYS = new_keys()
EVENT = "ABC346"
TICKET = "MFRGGZDFMZTWQ2LK"
CODE = mint_ticket(KEYS.private_key or b"", EVENT, TICKET)


def _private(keys: TicketKeys) -> bytes:
    assert keys.private_key is not None
    return keys.private_key


def _swap(text: str, index: int, alphabet: str) -> str:
    """The same text with one character replaced by a different one from ``alphabet``."""
    replacement = next(c for c in alphabet if c != text[index])
    return text[:index] + replacement + text[index + 1 :]


def test_keys_are_raw_ed25519_and_match() -> None:
    keys = new_keys()
    assert keys.private_key is not None
    assert len(keys.private_key) == 32
    assert len(keys.public_key) == 32
    assert public_key_for(keys.private_key) == keys.public_key
    assert keys.can_mint
    assert not TicketKeys(None, keys.public_key).can_mint
    assert new_keys().public_key != keys.public_key


def test_ticket_ids_are_random_upper_case_base32_of_80_bits() -> None:
    ids = {new_ticket_id() for _ in range(500)}
    assert len(ids) == 500
    for ticket_id in ids:
        assert re.fullmatch("[A-Z2-7]{16}", ticket_id)  # 16 x 5 bits = 80 bits


def test_round_trip() -> None:
    reading = read_ticket(KEYS.public_key, CODE)
    assert reading.ok
    assert reading.event_code == EVENT
    assert reading.ticket_id == TICKET
    assert reading.problem is None


def test_round_trip_with_fresh_codes() -> None:
    for _ in range(50):
        event, ticket = new_short_code(), new_ticket_id()
        reading = read_ticket(KEYS.public_key, mint_ticket(_private(KEYS), event, ticket))
        assert (reading.ok, reading.event_code, reading.ticket_id) == (True, event, ticket)


@pytest.mark.parametrize(
    "scanned",
    [CODE + "\r\n", CODE + "\n", CODE + "\r", f"  {CODE}\t", CODE.lower(), CODE.lower() + "\r\n"],
    ids=["crlf", "lf", "cr", "spaces", "caps-lock", "caps-lock-crlf"],
)
def test_what_scanners_and_people_add_is_tolerated(scanned: str) -> None:
    reading = read_ticket(KEYS.public_key, scanned)
    assert reading.ok
    assert reading.ticket_id == TICKET


def test_payload_shape_and_alphabet() -> None:
    version, event, ticket, signature = CODE.split("-")
    assert (version, event, ticket) == ("ED1", EVENT, TICKET)
    assert re.fullmatch("[A-Z2-7]+", signature)
    assert len(CODE) < 160
    assert set(CODE) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567-0123456789")


def test_payload_never_needs_qr_byte_mode() -> None:
    # Alphanumeric mode (with numeric runs where shorter) keeps the symbol small.
    for _ in range(20):
        code = mint_ticket(_private(KEYS), new_short_code(), new_ticket_id())
        assert set(code) <= set(QR_ALPHANUMERIC)
        assert all(chunk.mode == MODE_ALPHA_NUM for chunk in qr_segments(code))


def test_codes_read_back_from_their_qr_image() -> None:
    for _ in range(5):
        code = mint_ticket(_private(KEYS), new_short_code(), new_ticket_id())
        assert decode_qr(make_qr_image(code)) == [code]


def test_payload_holds_no_personal_data() -> None:
    # Only the four fixed fields: nothing else could carry a name or email.
    assert CODE.count("-") == 3
    assert "@" not in CODE


def test_tampered_event_code_fails_signature() -> None:
    event = _swap(EVENT, 0, SHORT_CODE_ALPHABET)
    reading = read_ticket(KEYS.public_key, CODE.replace(EVENT, event))
    assert not reading.ok
    assert reading.problem is TicketProblem.BAD_SIGNATURE
    assert reading.event_code is None
    assert reading.ticket_id is None


def test_tampered_ticket_id_fails_signature() -> None:
    ticket = _swap(TICKET, 5, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    reading = read_ticket(KEYS.public_key, CODE.replace(TICKET, ticket))
    assert reading.problem is TicketProblem.BAD_SIGNATURE
    assert not reading.ok


def test_tampered_signature_fails() -> None:
    index = len(CODE) - 40
    reading = read_ticket(KEYS.public_key, _swap(CODE, index, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
    assert reading.problem is TicketProblem.BAD_SIGNATURE
    assert not reading.ok


def test_signature_from_another_ticket_fails() -> None:
    other = mint_ticket(_private(KEYS), EVENT, new_ticket_id())
    spliced = CODE.rsplit("-", 1)[0] + "-" + other.rsplit("-", 1)[1]
    assert read_ticket(KEYS.public_key, spliced).problem is TicketProblem.BAD_SIGNATURE


def test_code_from_another_programme_fails() -> None:
    foreign = mint_ticket(_private(OTHER_KEYS), EVENT, TICKET)
    reading = read_ticket(KEYS.public_key, foreign)
    assert reading.problem is TicketProblem.BAD_SIGNATURE
    assert "another programme" in reading.message


def test_last_character_padding_bits_cannot_be_changed() -> None:
    # The last base32 character carries 3 unused bits; each other spelling must fail.
    head, last = CODE[:-1], CODE[-1]
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567":
        if letter != last:
            assert not read_ticket(KEYS.public_key, head + letter).ok


@pytest.mark.parametrize(
    ("text", "problem", "words"),
    [
        ("", TicketProblem.MALFORMED, "Nothing was scanned"),
        ("   \r\n", TicketProblem.MALFORMED, "Nothing was scanned"),
        ("hello there", TicketProblem.MALFORMED, "not an Engagement Desk ticket"),
        ("https://forms.example.org/t/12345", TicketProblem.MALFORMED, "web address"),
        ("WWW.EXAMPLE.ORG", TicketProblem.MALFORMED, "web address"),
        ("x" * 5000, TicketProblem.MALFORMED, "far too long"),
        (CODE[:40], TicketProblem.MALFORMED, "incomplete"),
        (CODE[:-1], TicketProblem.MALFORMED, "incomplete"),
        ("ED1", TicketProblem.MALFORMED, "incomplete"),
        ("ED1-" + EVENT, TicketProblem.MALFORMED, "incomplete"),
        ("ED2" + CODE[3:], TicketProblem.WRONG_VERSION, "different version"),
        (CODE + "-EXTRA", TicketProblem.MALFORMED, "mistyped or damaged"),
        (CODE.replace(EVENT, "ABC0O1"), TicketProblem.MALFORMED, "mistyped or damaged"),
        (CODE + "A", TicketProblem.MALFORMED, "mistyped or damaged"),
        (CODE.replace("-", " "), TicketProblem.MALFORMED, "not an Engagement Desk ticket"),
        ("ED1-ﬁ" + CODE[5:], TicketProblem.MALFORMED, "not an Engagement Desk ticket"),
    ],
    ids=[
        "empty",
        "blank",
        "random text",
        "url",
        "www",
        "5000 characters",
        "truncated",
        "last character missing",
        "tag only",
        "no ticket",
        "other version",
        "extra part",
        "bad event code",
        "extra character",
        "spaces for dashes",
        "non-ascii",
    ],
)
def test_malformed_input_is_refused_in_plain_words(
    text: str, problem: TicketProblem, words: str
) -> None:
    reading = read_ticket(KEYS.public_key, text)
    assert not reading.ok
    assert reading.problem is problem
    assert words in reading.message
    assert (reading.event_code, reading.ticket_id) == (None, None)


def test_refusals_have_distinct_messages() -> None:
    samples = ["", "hello", "https://example.org", "x" * 5000, CODE[:40], CODE + "-X"]
    samples += ["ED9" + CODE[3:], _swap(CODE, 30, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")]
    messages = {read_ticket(KEYS.public_key, s).message for s in samples}
    assert len(messages) == len(samples)


def test_minting_refuses_malformed_parts() -> None:
    with pytest.raises(ValueError, match="event short code"):
        mint_ticket(_private(KEYS), "abc346", TICKET)
    with pytest.raises(ValueError, match="ticket id"):
        mint_ticket(_private(KEYS), EVENT, "0123456789abcdef")


def test_ticket_reference_is_typeable_and_reads_back() -> None:
    reference = ticket_reference(TICKET)
    assert reference == "MFRG-GZDF-MZTW-Q2LK"
    assert ticket_id_from_reference(reference) == TICKET
    assert ticket_id_from_reference(" mfrg gzdf mztw q2lk\r\n") == TICKET
    assert ticket_id_from_reference("0I18-ABCD-EFGH-IJKL") == "OIIBABCDEFGHIJKL"
    assert ticket_id_from_reference("MFRG-GZDF") is None
    assert ticket_id_from_reference("not a reference at all") is None


@settings(max_examples=500)
@given(st.text(max_size=600))
def test_reading_never_raises_on_any_text(text: str) -> None:
    reading = read_ticket(KEYS.public_key, text)
    assert not reading.ok
    assert reading.problem is not None
    assert reading.message


@settings(max_examples=300)
@given(
    st.sampled_from(["ED1-", ""]).flatmap(
        lambda prefix: st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567-", max_size=200).map(
            lambda rest: prefix + rest
        )
    )
)
def test_reading_never_raises_on_near_miss_codes(text: str) -> None:
    assert not read_ticket(KEYS.public_key, text).ok


@settings(max_examples=1000)
@given(index=st.integers(0, len(CODE) - 1), replacement=st.characters())
def test_any_single_character_change_never_verifies(index: int, replacement: str) -> None:
    # Upper-casing is the only thing forgiven, so a change must differ after it.
    if replacement.isascii() and replacement.upper() == CODE[index]:
        return
    changed = CODE[:index] + replacement + CODE[index + 1 :]
    assert not read_ticket(KEYS.public_key, changed).ok


@settings(max_examples=300)
@given(index=st.integers(0, len(CODE)), extra=st.characters())
def test_any_inserted_or_deleted_character_never_verifies(index: int, extra: str) -> None:
    inserted = CODE[:index] + extra + CODE[index:]
    if not (extra.isspace() and index in (0, len(CODE))):
        assert not read_ticket(KEYS.public_key, inserted).ok
    if index < len(CODE):
        assert not read_ticket(KEYS.public_key, CODE[:index] + CODE[index + 1 :]).ok
