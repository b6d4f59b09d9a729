"""The kiosk's services: the facilitator's PIN that guards leaving kiosk mode, and saving a
parent's answers with typed reasons when they cannot be saved.

The PIN is kept in the Setting table only as a salted scrypt hash, so the database (and any
bundle made from it) never holds the PIN itself. Checking compares hashes in constant time.
Five wrong tries in a row lock the PIN for 30 seconds: a four-digit PIN would otherwise fall
to a child tapping through numbers. The count lives in memory on purpose: it guards the one
kiosk screen, and a restart of the app needs the facilitator anyway.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import math
import secrets
from datetime import datetime, timedelta

from engagement_desk.core.clock import Clock, system_clock
from engagement_desk.core.kiosk_flow import AnswerProblem, KioskFlow
from engagement_desk.db.database import Database
from engagement_desk.db.models import Setting
from engagement_desk.services import audit
from engagement_desk.services.devices import DeviceIdentity
from engagement_desk.services.errors import UserError, ValidationFailed
from engagement_desk.services.voices import MAX_COMMENT, VoiceService

log = logging.getLogger(__name__)

PIN_SETTING = "kiosk.pin"
MIN_DIGITS = 4
MAX_DIGITS = 8
MAX_TRIES = 5
LOCKOUT = timedelta(seconds=30)

# scrypt with n=2**14, r=8 uses 16 MiB and takes a few tens of milliseconds: slow enough
# to make trying every 8-digit PIN against a copied database a matter of years, quick enough
# that nobody waits at the kiosk.
_SCHEME = "scrypt"
_N, _R, _P = 2**14, 8, 1
_SALT_BYTES = 16
_HASH_BYTES = 32


class KioskLocked(UserError):
    """Too many wrong PINs in a row: try again when the lockout ends."""

    def __init__(self, seconds_left: int) -> None:
        self.seconds_left = seconds_left
        super().__init__(
            f"Too many wrong PINs. Wait {seconds_left} second{'s' if seconds_left != 1 else ''} "
            "and try again."
        )


class NoKioskPin(UserError):
    """No PIN has been set, so kiosk mode cannot be locked or left with one."""


class KioskService:
    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = system_clock,
        device: DeviceIdentity | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._device = device
        self._wrong_tries = 0
        self._locked_until: datetime | None = None

    def has_pin(self) -> bool:
        with self._db.session() as s:
            return s.get(Setting, PIN_SETTING) is not None

    def set_pin(self, pin: str, current: str | None = None) -> None:
        """Set the PIN, or change it: a change needs the current PIN (a wrong one counts as
        a wrong try, so changing the PIN is no way round the lockout)."""
        checked = _valid_pin(pin)
        stored = self._stored()
        # A damaged setting matches no PIN, so it cannot be asked for: it is replaced.
        if stored is not None and _readable(stored):
            if not current:
                raise UserError("Type the current kiosk PIN to change it.")
            if not self.check_pin(current):
                raise UserError("The current kiosk PIN is not right, so the PIN was not changed.")
            action = "kiosk PIN changed"
        else:
            action = "kiosk PIN set"
        hashed = _hash(checked)
        with self._db.session() as s, s.begin():
            setting = s.get(Setting, PIN_SETTING)
            if setting is None:
                s.add(Setting(key=PIN_SETTING, value=hashed))
            else:
                setting.value = hashed
            if self._device is not None:
                audit.record(s, self._device.id, action, "setting", PIN_SETTING)

    def check_pin(self, pin: str) -> bool:
        """True for the right PIN. Raises KioskLocked during a lockout (without looking at
        the PIN), and on the wrong try that starts one; NoKioskPin when none is set."""
        self._raise_if_locked()
        stored = self._stored()
        if stored is None:
            raise NoKioskPin("No kiosk PIN has been set. Set one in Settings first.")
        if _matches(pin, stored):
            self._wrong_tries = 0
            return True
        self._wrong_tries += 1
        if self._wrong_tries >= MAX_TRIES:
            self._wrong_tries = 0
            self._locked_until = self._clock() + LOCKOUT
            raise KioskLocked(math.ceil(LOCKOUT.total_seconds()))
        return False

    @property
    def tries_left(self) -> int:
        """Wrong tries left before a lockout."""
        return MAX_TRIES - self._wrong_tries

    def locked_for(self) -> int:
        """Seconds of lockout left (0 when not locked), for a countdown."""
        if self._locked_until is None:
            return 0
        left = (self._locked_until - self._clock()).total_seconds()
        if left <= 0:
            self._locked_until = None
            return 0
        return math.ceil(left)

    def _stored(self) -> str | None:
        with self._db.session() as s:
            setting = s.get(Setting, PIN_SETTING)
            return setting.value if setting is not None else None

    def _raise_if_locked(self) -> None:
        seconds = self.locked_for()
        if seconds:
            raise KioskLocked(seconds)


def _valid_pin(pin: str) -> str:
    cleaned = (pin or "").strip()
    if not (cleaned.isascii() and cleaned.isdigit() and MIN_DIGITS <= len(cleaned) <= MAX_DIGITS):
        raise UserError(
            f"A kiosk PIN is {MIN_DIGITS} to {MAX_DIGITS} digits (0-9), with nothing else in it."
        )
    return cleaned


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=_HASH_BYTES, maxmem=64 * 1024 * 1024
    )


def _hash(pin: str) -> str:
    """'scrypt$n$r$p$salt$hash' (base64), so the cost can be raised later."""
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = _derive(pin, salt, _N, _R, _P)
    encoded = [base64.b64encode(part).decode("ascii") for part in (salt, digest)]
    return "$".join([_SCHEME, str(_N), str(_R), str(_P), *encoded])


def _readable(stored: str) -> bool:
    parts = stored.split("$")
    return len(parts) == 6 and parts[0] == _SCHEME and all(parts)


def _matches(pin: str, stored: str) -> bool:
    candidate = (pin or "").strip()
    if not (candidate.isascii() and candidate.isdigit()) or len(candidate) > MAX_DIGITS:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return False
        expected = base64.b64decode(digest, validate=True)
        derived = _derive(candidate, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except ValueError:
        return False  # a damaged setting: no PIN matches it (and set_pin replaces it)
    return hmac.compare_digest(derived, expected)


class KioskAnswers:
    """Saves a parent's answers from the kiosk through the voice service, exactly as the desk
    saves them (source 'kiosk'), and says why not with a typed problem the kiosk puts into
    easy-read words. The service's own messages are for facilitators and go to the log."""

    def __init__(self, voices: VoiceService) -> None:
        self._voices = voices

    def save(self, event_id: str, flow: KioskFlow, method: str) -> AnswerProblem | None:
        """None when saved; otherwise why nothing was saved."""
        problem = flow.problem_before_saving(method)
        if problem is not None:
            return problem
        linked = flow.linked_registration
        try:
            settings = self._voices.capture_settings(event_id)
            if not settings.allows(method):
                return AnswerProblem.NOT_COLLECTED
            if method == "dots" and sum(flow.dots.values()) > settings.dots_per_person:
                return AnswerProblem.TOO_MANY_DOTS
            if method == "comments" and len(flow.comment.strip()) > MAX_COMMENT:
                return AnswerProblem.COMMENT_TOO_LONG
            if (
                linked is not None
                and method != "comments"
                and self._answered(event_id, linked, method)
            ):
                return AnswerProblem.ALREADY_ANSWERED
            self._record(event_id, flow, method, linked)
        except ValidationFailed as refused:
            log.warning("kiosk answers (%s) refused: %s", method, refused)
            return AnswerProblem.NOT_SAVED
        except UserError:
            log.warning("kiosk could not save %s", method, exc_info=True)
            return AnswerProblem.NOT_SAVED
        return None

    def _answered(self, event_id: str, registration_id: str, method: str) -> bool:
        return any(
            row.registration_id == registration_id and row.method == method
            for row in self._voices.responses(event_id)
        )

    def _record(self, event_id: str, flow: KioskFlow, method: str, linked: str | None) -> None:
        voices = self._voices
        if method == "ranking":
            voices.record_ranking(
                event_id, list(flow.ranked), registration_id=linked, source="kiosk"
            )
        elif method == "dots":
            voices.record_dots(event_id, dict(flow.dots), registration_id=linked, source="kiosk")
        elif method == "points":
            voices.record_points(
                event_id, dict(flow.points), registration_id=linked, source="kiosk"
            )
        elif method == "comments":
            # As the desk does: an anonymous comment may be quoted if the parent says so; a
            # linked one follows the person's own consent, and never says more than it.
            quote: bool | None = flow.quote if linked is None else (None if flow.quote else False)
            voices.add_comment(event_id, flow.comment, list(flow.themes), linked, quote)
        else:
            raise ValueError(f"the kiosk does not take {method!r}")
