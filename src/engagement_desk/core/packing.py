"""Sealing files that leave the laptop (event packs, device bundles) with a passphrase.

A sealed file is a short header followed by the encrypted payload:

- a magic tag that names the kind of file and the format: ``EDPK1`` (event pack) or
  ``EDBD1`` (device bundle);
- a random 16-byte salt for scrypt (n=2**15, r=8, p=1), which turns the passphrase into
  a 256-bit key;
- a random 12-byte nonce for AES-256-GCM.

The whole header is authenticated as associated data, so changing any byte of the file,
header included, or using the wrong passphrase, fails in the same plain way. The payload is
compressed before it is encrypted. No I/O here: callers read and write the bytes.
"""

from __future__ import annotations

import enum
import secrets
import zlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
TAG_BYTES = 16
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
MAGIC_BYTES = 5
HEADER_BYTES = MAGIC_BYTES + SALT_BYTES + NONCE_BYTES
MIN_PASSPHRASE = 8
# Far beyond any real pack or bundle; a bigger "payload" is a mistake or an attack.
MAX_PAYLOAD = 512 * 1024 * 1024

NOTHING_IMPORTED = "Nothing was imported."
WRONG_PASSPHRASE = (
    "The passphrase is wrong, or the file was changed after it was made. Nothing was imported."
)


class PackKind(enum.Enum):
    EVENT_PACK = b"EDPK1"
    DEVICE_BUNDLE = b"EDBD1"

    @property
    def label(self) -> str:
        return "an event pack" if self is PackKind.EVENT_PACK else "a device bundle"

    @property
    def command(self) -> str:
        return "pack import" if self is PackKind.EVENT_PACK else "bundle merge"


class PackProblem(Exception):
    """A sealed file cannot be opened or made; the message says why in plain English."""


def check_passphrase(text: str) -> str:
    """The passphrase as read from a file: one trailing newline dropped, long enough."""
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise PackProblem("The passphrase file is empty. Write the passphrase in it and try again.")
    if len(text) < MIN_PASSPHRASE:
        raise PackProblem(
            f"The passphrase is too short: use at least {MIN_PASSPHRASE} characters "
            "(a few unrelated words are easy to type and hard to guess)."
        )
    return text


def seal(kind: PackKind, payload: bytes, passphrase: str) -> bytes:
    """Compress and encrypt ``payload`` with a key derived from ``passphrase``."""
    passphrase = check_passphrase(passphrase)
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    header = kind.value + salt + nonce
    key = _derive(passphrase, salt)
    return header + AESGCM(key).encrypt(nonce, zlib.compress(payload, 6), header)


def kind_of(data: bytes) -> PackKind | None:
    """Which kind of sealed file this looks like, from its magic tag alone (not verified)."""
    for kind in PackKind:
        if data[:MAGIC_BYTES] == kind.value:
            return kind
    return None


def open_sealed(expected: PackKind, data: bytes, passphrase: str) -> bytes:
    """The payload of a sealed file of the ``expected`` kind; PackProblem if it cannot be."""
    kind = kind_of(data)
    if kind is None:
        if data[:4] in (b"EDPK", b"EDBD"):
            raise PackProblem(
                "This file was made by a newer version of Engagement Desk. Update this laptop "
                f"and try again. {NOTHING_IMPORTED}"
            )
        raise PackProblem(
            f"This is not {expected.label} from Engagement Desk. Check you chose the right "
            f"file. {NOTHING_IMPORTED}"
        )
    if kind is not expected:
        raise PackProblem(
            f"This file is {kind.label}, not {expected.label}: open it with "
            f"'{kind.command}' instead. {NOTHING_IMPORTED}"
        )
    if len(data) < HEADER_BYTES + TAG_BYTES:
        raise PackProblem(
            f"This file is incomplete: it may not have finished copying. Copy it again. "
            f"{NOTHING_IMPORTED}"
        )
    passphrase = check_passphrase(passphrase)
    header = data[:HEADER_BYTES]
    salt = header[MAGIC_BYTES : MAGIC_BYTES + SALT_BYTES]
    nonce = header[MAGIC_BYTES + SALT_BYTES :]
    key = _derive(passphrase, salt)
    try:
        compressed = AESGCM(key).decrypt(nonce, data[HEADER_BYTES:], header)
    except InvalidTag:
        raise PackProblem(WRONG_PASSPHRASE) from None
    try:
        unpacker = zlib.decompressobj()
        payload = unpacker.decompress(compressed, MAX_PAYLOAD)
        if unpacker.unconsumed_tail or not unpacker.eof:
            raise zlib.error("payload too large or incomplete")
    except zlib.error as exc:
        # Authenticated, so made with our passphrase, yet unreadable: not ours to guess at.
        raise PackProblem(
            f"This file's contents cannot be read ({exc}). Make it again. {NOTHING_IMPORTED}"
        ) from exc
    return payload


def _derive(passphrase: str, salt: bytes) -> bytes:
    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return kdf.derive(passphrase.encode("utf-8"))
