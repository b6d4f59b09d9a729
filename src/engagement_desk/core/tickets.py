"""Ticket codes: what goes in a ticket's QR, how it is signed, and how a scan is read.

A payload looks like ``ED1-EVCODE-TICKETID-SIGNATURE``:

- ``ED1`` names the format, so a later format can be told apart;
- ``EVCODE`` is the event's six-character short code;
- ``TICKETID`` is a random id (base32, at least 80 bits) that names the registration;
- ``SIGNATURE`` is an Ed25519 signature of ``ED1-EVCODE-TICKETID`` in base32.

Only A-Z, 2-7, 0-9 and '-' appear. Those are in QR alphanumeric mode (a smaller,
easier-to-scan symbol) and a USB keyboard-wedge scanner types them identically on
UK and US keyboard layouts, where symbols like '#', '@' and '"' move around.
No personal data is in a payload. Signatures are asymmetric, so a venue laptop with
only the public key can verify tickets but never make them.
"""

from __future__ import annotations

import base64
import binascii
import enum
import functools
import re
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from engagement_desk.core.events import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH

VERSION = "ED1"
SEPARATOR = "-"
TICKET_ID_BYTES = 10  # 80 bits
TICKET_ID_LENGTH = 16  # base32 characters for 80 bits, no padding
SIGNATURE_BYTES = 64
SIGNATURE_LENGTH = 103  # ceil(64 * 8 / 5) base32 characters, padding removed
KEY_BYTES = 32
# Anything longer than this is a paste of something else; read no further.
MAX_PAYLOAD_LENGTH = 400

BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# Characters QR alphanumeric mode can encode (a payload uses a subset of them).
QR_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

_VERSION_TAG = re.compile(r"ED([0-9]{1,4})-")
_EVENT_CODE = re.compile(f"[{SHORT_CODE_ALPHABET}]{{{SHORT_CODE_LENGTH}}}")
_TICKET_ID = re.compile(f"[A-Z2-7]{{{TICKET_ID_LENGTH}}}")
_LOOKALIKES = str.maketrans("018", "OIB")
_SIGNATURE = re.compile(f"[A-Z2-7]{{{SIGNATURE_LENGTH}}}")


@dataclass(frozen=True)
class TicketKeys:
    """A programme's signing keys (raw 32-byte Ed25519)."""

    private_key: bytes | None  # None on a venue laptop given only an event pack
    public_key: bytes

    @property
    def can_mint(self) -> bool:
        return self.private_key is not None


def new_keys() -> TicketKeys:
    private = Ed25519PrivateKey.generate()
    return TicketKeys(
        private_key=private.private_bytes_raw(), public_key=private.public_key().public_bytes_raw()
    )


def public_key_for(private_key: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()


def new_ticket_id() -> str:
    """A random ticket id: 80 bits as 16 upper-case base32 characters."""
    return _b32(secrets.token_bytes(TICKET_ID_BYTES))


def is_ticket_id(text: str) -> bool:
    return _TICKET_ID.fullmatch(text) is not None


def ticket_reference(ticket_id: str) -> str:
    """The ticket id in groups of four ('ABCD-EFGH-JKLM-NPQR'), for printing and typing."""
    return SEPARATOR.join(ticket_id[i : i + 4] for i in range(0, len(ticket_id), 4))


def ticket_id_from_reference(text: str) -> str | None:
    """The ticket id a person typed from a printed reference (any case, spaces or dashes).

    Unlike a scanned code, a typed reference is not signed, so forgiving the digits
    0, 1 and 8 for the letters O, I and B cannot let a forged ticket through.
    """
    if not text.isascii() or len(text) > 3 * TICKET_ID_LENGTH:
        return None
    cleaned = "".join(c for c in text.upper() if c not in " -\t\r\n")
    # Base32 has no 0, 1 or 8, so a typed digit can only mean the letter it looks like.
    cleaned = cleaned.translate(_LOOKALIKES)
    return cleaned if is_ticket_id(cleaned) else None


def mint_ticket(private_key: bytes, event_code: str, ticket_id: str) -> str:
    """The QR payload for one ticket. Raises ValueError for a malformed code or id."""
    if _EVENT_CODE.fullmatch(event_code) is None:
        raise ValueError(f"not an event short code: {event_code!r}")
    if not is_ticket_id(ticket_id):
        raise ValueError(f"not a ticket id (upper-case base32): {ticket_id!r}")
    signer = _signer(private_key)
    body = SEPARATOR.join((VERSION, event_code, ticket_id))
    signature = signer.sign(body.encode("ascii"))
    return f"{body}{SEPARATOR}{_b32(signature)}"


class TicketProblem(enum.StrEnum):
    MALFORMED = "malformed"
    WRONG_VERSION = "wrong version"
    BAD_SIGNATURE = "bad signature"


@dataclass(frozen=True)
class TicketReading:
    """What a scanned or typed code turned out to be. Fields are None unless ``ok``."""

    ok: bool
    event_code: str | None
    ticket_id: str | None
    problem: TicketProblem | None
    message: str


# What a facilitator reads when a code is refused: what it is, and what to do next.
EMPTY = "Nothing was scanned. Scan the ticket again, or search for the person's name."
TOO_LONG = (
    "That is far too long to be a ticket code: it looks like something else was pasted. "
    "Scan the ticket again, or search for the person's name."
)
WEB_ADDRESS = (
    "This QR code is a web address from another system, not an Engagement Desk ticket. "
    "Search for the person's name instead."
)
NOT_OURS = (
    "This is not an Engagement Desk ticket. Check the person has the ticket for this "
    "event, or search for their name."
)
NEWER_VERSION = (
    "This ticket was made by a different version of Engagement Desk. Search for the "
    "person's name, and ask the organiser to update this laptop."
)
INCOMPLETE = (
    "This ticket code is incomplete: part of it is missing. Scan it again, or search "
    "for the person's name."
)
DAMAGED = (
    "This ticket code has been mistyped or damaged. Scan it again, or search for the person's name."
)
BAD_SIGNATURE = (
    "This ticket code does not check out: it may have been mistyped or altered, or it was "
    "made for another programme. Search for the person's name instead."
)
VALID = "Valid ticket."


def _refuse(problem: TicketProblem, message: str) -> TicketReading:
    return TicketReading(False, None, None, problem, message)


def read_ticket(public_key: bytes, payload: str) -> TicketReading:
    """Read a scanned or typed code. Never raises for any text; refuses with a plain reason.

    Tolerates what scanners and people do: surrounding spaces, a trailing CR/LF, and
    lower case (a scanner typing with caps lock on). Nothing else is "corrected", so a
    single changed character never passes.
    """
    text = payload.strip() if isinstance(payload, str) else ""
    if not text:
        return _refuse(TicketProblem.MALFORMED, EMPTY)
    if len(text) > MAX_PAYLOAD_LENGTH:
        return _refuse(TicketProblem.MALFORMED, TOO_LONG)
    # Upper-case only plain ASCII: str.upper() turns some other letters (such as the
    # dotless 'ı' or the long 'ſ') into ASCII ones, which would let an altered code pass.
    if not text.isascii():
        return _refuse(TicketProblem.MALFORMED, NOT_OURS)
    text = text.upper()
    if "://" in text or text.startswith("WWW."):
        return _refuse(TicketProblem.MALFORMED, WEB_ADDRESS)
    tag = _VERSION_TAG.match(text)
    if tag is None:
        if VERSION.startswith(text) or text == VERSION:
            return _refuse(TicketProblem.MALFORMED, INCOMPLETE)
        return _refuse(TicketProblem.MALFORMED, NOT_OURS)
    if tag.group(0) != VERSION + SEPARATOR:
        return _refuse(TicketProblem.WRONG_VERSION, NEWER_VERSION)
    parts = text.split(SEPARATOR)
    if len(parts) < 4:
        return _refuse(TicketProblem.MALFORMED, INCOMPLETE)
    if len(parts) > 4:
        return _refuse(TicketProblem.MALFORMED, DAMAGED)
    _, event_code, ticket_id, signature_text = parts
    if _EVENT_CODE.fullmatch(event_code) is None or not is_ticket_id(ticket_id):
        return _refuse(TicketProblem.MALFORMED, DAMAGED)
    if len(signature_text) < SIGNATURE_LENGTH and re.fullmatch("[A-Z2-7]*", signature_text):
        return _refuse(TicketProblem.MALFORMED, INCOMPLETE)
    signature = _signature_bytes(signature_text)
    if signature is None:
        return _refuse(TicketProblem.MALFORMED, DAMAGED)
    body = SEPARATOR.join((VERSION, event_code, ticket_id))
    verifier = _verifier(public_key)
    try:
        verifier.verify(signature, body.encode("ascii"))
    except InvalidSignature:
        return _refuse(TicketProblem.BAD_SIGNATURE, BAD_SIGNATURE)
    return TicketReading(True, event_code, ticket_id, None, VALID)


def _signature_bytes(text: str) -> bytes | None:
    """The 64 signature bytes, only when ``text`` is their one canonical base32 spelling.

    The last base32 character carries three unused bits; without the canonical check,
    changing them would give a different code that still verifies.
    """
    if _SIGNATURE.fullmatch(text) is None:
        return None
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        return None
    if len(raw) != SIGNATURE_BYTES or _b32(raw) != text:
        return None
    return raw


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=")


# Loading a key costs more than signing with it: a batch of tickets, or a door checking
# codes all day, uses the same key each time. Keys are immutable bytes, so caching is safe.
@functools.lru_cache(maxsize=8)
def _signer(private_key: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(private_key)


@functools.lru_cache(maxsize=8)
def _verifier(public_key: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(public_key)
