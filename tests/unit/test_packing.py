"""Sealed files: what goes in comes out with the right passphrase, and nothing else gets through."""

from __future__ import annotations

import pytest

from engagement_desk.core.packing import (
    HEADER_BYTES,
    WRONG_PASSPHRASE,
    PackKind,
    PackProblem,
    check_passphrase,
    kind_of,
    open_sealed,
    seal,
)

PASSPHRASE = "correct horse battery staple"
PAYLOAD = b'{"format": 1, "people": ["Jo Bloggs", "Sam Lee"]}' * 20


@pytest.fixture(scope="module")
def sealed() -> bytes:
    return seal(PackKind.EVENT_PACK, PAYLOAD, PASSPHRASE)


def test_round_trip(sealed: bytes) -> None:
    assert open_sealed(PackKind.EVENT_PACK, sealed, PASSPHRASE) == PAYLOAD
    assert kind_of(sealed) is PackKind.EVENT_PACK
    assert sealed.startswith(b"EDPK1")


def test_the_payload_cannot_be_read_in_the_file(sealed: bytes) -> None:
    assert b"Jo Bloggs" not in sealed
    assert b"format" not in sealed


def test_each_seal_is_different() -> None:
    # A fresh salt and nonce every time: two packs of the same data share nothing.
    first = seal(PackKind.DEVICE_BUNDLE, PAYLOAD, PASSPHRASE)
    second = seal(PackKind.DEVICE_BUNDLE, PAYLOAD, PASSPHRASE)
    assert first[5:HEADER_BYTES] != second[5:HEADER_BYTES]
    assert first[HEADER_BYTES:] != second[HEADER_BYTES:]


def test_wrong_passphrase(sealed: bytes) -> None:
    with pytest.raises(PackProblem) as problem:
        open_sealed(PackKind.EVENT_PACK, sealed, "correct horse battery stapler")
    assert str(problem.value) == WRONG_PASSPHRASE
    assert "Nothing was imported" in str(problem.value)


@pytest.mark.parametrize("where", [5, 12, HEADER_BYTES - 1, HEADER_BYTES, HEADER_BYTES + 7, -1])
def test_one_byte_flipped_anywhere_is_refused(sealed: bytes, where: int) -> None:
    changed = bytearray(sealed)
    changed[where] ^= 0x01
    with pytest.raises(PackProblem, match="passphrase is wrong, or the file was changed"):
        open_sealed(PackKind.EVENT_PACK, bytes(changed), PASSPHRASE)


@pytest.mark.parametrize("keep", [0, 3, 20, HEADER_BYTES + 10])
def test_truncated_file_is_refused(sealed: bytes, keep: int) -> None:
    with pytest.raises(PackProblem, match="Nothing was imported"):
        open_sealed(PackKind.EVENT_PACK, sealed[:keep], PASSPHRASE)


def test_truncated_at_the_end_is_refused(sealed: bytes) -> None:
    with pytest.raises(PackProblem, match="the file was changed"):
        open_sealed(PackKind.EVENT_PACK, sealed[:-1], PASSPHRASE)


def test_a_bundle_given_to_pack_import_is_named(sealed: bytes) -> None:
    bundle = seal(PackKind.DEVICE_BUNDLE, PAYLOAD, PASSPHRASE)
    with pytest.raises(PackProblem) as problem:
        open_sealed(PackKind.EVENT_PACK, bundle, PASSPHRASE)
    message = str(problem.value)
    assert "a device bundle, not an event pack" in message
    assert "'bundle merge'" in message


def test_a_pack_given_to_bundle_merge_is_named(sealed: bytes) -> None:
    with pytest.raises(PackProblem, match="an event pack, not a device bundle"):
        open_sealed(PackKind.DEVICE_BUNDLE, sealed, PASSPHRASE)


def test_some_other_file_is_refused() -> None:
    with pytest.raises(PackProblem, match="not an event pack from Engagement Desk"):
        open_sealed(PackKind.EVENT_PACK, b"%PDF-1.7 a ticket sheet", PASSPHRASE)


def test_a_newer_format_is_refused_plainly() -> None:
    with pytest.raises(PackProblem, match="newer version"):
        open_sealed(PackKind.EVENT_PACK, b"EDPK2" + bytes(60), PASSPHRASE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("long enough\n", "long enough"),
        ("long enough\r\n", "long enough"),
        ("long enough\n\n", "long enough\n"),  # only one newline goes
        ("  spaced out  ", "  spaced out  "),
    ],
)
def test_passphrase_loses_one_trailing_newline(text: str, expected: str) -> None:
    assert check_passphrase(text) == expected


@pytest.mark.parametrize("text", ["", "\n", "short\n", "1234567"])
def test_short_passphrases_are_refused(text: str) -> None:
    with pytest.raises(PackProblem, match="passphrase"):
        check_passphrase(text)
    with pytest.raises(PackProblem):
        seal(PackKind.EVENT_PACK, PAYLOAD, text)
