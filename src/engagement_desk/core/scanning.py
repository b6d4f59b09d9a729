"""Telling a keyboard-wedge barcode scanner from a person typing, by timing and content.

A USB scanner "types" a whole code in a few milliseconds and ends it with Enter (or Tab,
or a suffix it was set up to send). On the way it presses Shift before every capital
letter (and, on some layouts, before '-' or digits), may toggle Caps Lock or use AltGr,
and may send keypad digits. None of those modifier presses mean a person is typing: what
tells a scan apart is that the presses come faster than anyone types, and that the burst
ends in a terminator.

``BurstClassifier`` sees each key press and release in order, with the time it happened,
and says what to do with it: hold it back (it may be part of a scan), let it through
(nothing is held), hand back what was held (a person was typing), or read the held burst
as one scanned code. It knows nothing about Qt; the desk's event filter turns key events
into ``KeyStroke`` values and acts on the ``Decision``.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass

# A person's key presses are rarely closer than 60 ms apart over a whole word; scanners send
# a key every 1-20 ms. Anything slower than this between two presses breaks a burst.
DEFAULT_MAX_GAP_MS = 50
# Ticket codes and references are far longer; a short burst is a person's quick "ok⏎".
DEFAULT_MIN_LENGTH = 6
# Longer than any ticket (400 characters is already refused as "not a ticket"): the burst is
# still swallowed as one scan, but no more of it is kept.
DEFAULT_MAX_LENGTH = 1000
# A release that should have followed a swallowed press but never came is forgotten after this.
RELEASE_MEMORY_SECONDS = 2.0
MAX_AFFIX_LENGTH = 8


class KeyRole(enum.Enum):
    CHARACTER = "character"  # prints one character: a letter, digit, '-', a keypad digit
    MODIFIER = "modifier"  # Shift, Caps Lock, AltGr, Control... pressed on its own
    TERMINATOR = "terminator"  # Enter, keypad Enter, Tab
    OTHER = "other"  # arrows, Escape, Backspace, Ctrl+Z, Alt+W: a person at the keyboard


class Action(enum.Enum):
    HOLD = "hold"  # keep this keystroke back: it may be part of a scan
    PASS = "pass"  # deliver it as it is; nothing is held
    RELEASE = "release"  # hand back everything held (a person typing), then deliver this one
    RELEASE_AND_HOLD = "release and hold"  # hand back what was held, then hold this one
    SCAN = "scan"  # drop this keystroke and everything held: ``code`` was scanned
    SWALLOW = "swallow"  # drop this keystroke: it belongs to a scan already read


@dataclass(frozen=True)
class KeyStroke:
    key: int  # which key, so a release can be paired with its press
    role: KeyRole
    at: float  # seconds, on any clock that only moves forward
    text: str = ""
    press: bool = True
    auto_repeat: bool = False


@dataclass(frozen=True)
class Decision:
    action: Action
    code: str = ""
    overlong: bool = False  # the burst ran past ``max_length``; ``code`` is cut short

    def __str__(self) -> str:
        return self.action.value + (f" {self.code!r}" if self.code else "")


@dataclass(frozen=True)
class ScannerSettings:
    """How this laptop's scanner is set up. A prefix or suffix the scanner was programmed to
    send is recognised and removed; a suffix also ends a scan without Enter."""

    prefix: str = ""
    suffix: str = ""
    max_gap_ms: int = DEFAULT_MAX_GAP_MS
    min_length: int = DEFAULT_MIN_LENGTH
    max_length: int = DEFAULT_MAX_LENGTH

    @property
    def max_gap(self) -> float:
        return self.max_gap_ms / 1000


def affix_problem(text: str) -> str | None:
    """Why a scanner prefix or suffix cannot be used, in plain words; None when it can."""
    if len(text) > MAX_AFFIX_LENGTH:
        return f"Use at most {MAX_AFFIX_LENGTH} characters (the scanner's manual lists them)."
    if any(not ch.isprintable() or ch.isspace() for ch in text):
        return "Use letters, digits or symbols only: no spaces or control characters."
    return None


def key_role(
    text: str,
    *,
    modifier_key: bool = False,
    terminator_key: bool = False,
    control: bool = False,
    alt: bool = False,
    meta: bool = False,
) -> KeyRole:
    """What a key press means for telling a scanner from a person.

    AltGr arrives as Control+Alt on Windows, so a printable character with both still counts
    as a character; Control, Alt or Meta alone with a key is a shortcut or a mnemonic.
    """
    if terminator_key:
        return KeyRole.OTHER if control or alt or meta else KeyRole.TERMINATOR
    if modifier_key:
        return KeyRole.MODIFIER
    printable = len(text) == 1 and text.isprintable()
    altgr = control and alt
    if printable and not meta and (altgr or not (control or alt)):
        return KeyRole.CHARACTER
    return KeyRole.OTHER


class BurstClassifier:
    """See the module docstring. Feed every key press and release in order; call ``flush()``
    when no key has come for longer than ``settings.max_gap`` (the held keys were typed)."""

    def __init__(self, settings: ScannerSettings | None = None) -> None:
        self.settings = settings or ScannerSettings()
        self._text: list[str] = []
        self._holding = False
        self._overlong = False
        self._last_press = 0.0
        self._open_presses: Counter[int] = Counter()  # pressed during the burst, not released
        self._swallow: dict[int, tuple[int, float]] = {}  # key -> (releases to drop, until)
        self._terminator_until: float | None = None  # a suffix ended a scan; Enter may follow

    @property
    def holding(self) -> bool:
        return self._holding

    def flush(self) -> None:
        """Forget the held burst: the caller hands the held keys back."""
        self._reset_burst()

    def feed(self, stroke: KeyStroke) -> Decision:
        if not stroke.press:
            return self._release(stroke)
        if stroke.role is KeyRole.TERMINATOR and self._expecting_terminator(stroke.at):
            self._terminator_until = None
            self._remember_release(stroke.key, stroke.at)
            return Decision(Action.SWALLOW)
        self._terminator_until = None
        if stroke.auto_repeat or stroke.role is KeyRole.OTHER:
            return self._give_back()
        if stroke.role is KeyRole.TERMINATOR:
            return self._terminate(stroke)
        fresh = self._holding and not self._in_time(stroke.at)
        if fresh:
            self._reset_burst()
        self._holding = True
        self._last_press = stroke.at
        self._open_presses[stroke.key] += 1
        if stroke.role is KeyRole.CHARACTER:
            if len(self._text) < self.settings.max_length:
                self._text.append(stroke.text)
            else:
                self._overlong = True
            if self._suffix_complete():
                decision = self._scan(stroke.at)
                self._terminator_until = stroke.at + self.settings.max_gap
                return decision
        return Decision(Action.RELEASE_AND_HOLD if fresh else Action.HOLD)

    # ---- the parts ----------------------------------------------------------------

    def _release(self, stroke: KeyStroke) -> Decision:
        waiting = self._swallow.get(stroke.key)
        if waiting is not None:
            count, until = waiting
            if count > 1:
                self._swallow[stroke.key] = (count - 1, until)
            else:
                del self._swallow[stroke.key]
            if stroke.at <= until:
                return Decision(Action.SWALLOW)
        if self._holding:
            if self._open_presses[stroke.key] > 0:
                self._open_presses[stroke.key] -= 1
            return Decision(Action.HOLD)  # kept in order behind its press
        return Decision(Action.PASS)

    def _terminate(self, stroke: KeyStroke) -> Decision:
        if not self._holding:
            return Decision(Action.PASS)
        if self._in_time(stroke.at) and len(self._code()) >= self.settings.min_length:
            self._open_presses[stroke.key] += 1
            return self._scan(stroke.at)
        return self._give_back()

    def _scan(self, at: float) -> Decision:
        code, overlong = self._code(), self._overlong
        for key, count in self._open_presses.items():
            if count > 0:
                self._remember_release(key, at, count)
        self._reset_burst()
        return Decision(Action.SCAN, code, overlong)

    def _give_back(self) -> Decision:
        if not self._holding:
            return Decision(Action.PASS)
        self._reset_burst()
        return Decision(Action.RELEASE)

    def _code(self) -> str:
        text = "".join(self._text)
        prefix, suffix = self.settings.prefix, self.settings.suffix
        if prefix and text.startswith(prefix):
            text = text[len(prefix) :]
        if suffix and text.endswith(suffix):
            text = text[: -len(suffix)]
        return text

    def _suffix_complete(self) -> bool:
        suffix = self.settings.suffix
        if not suffix or self._overlong:
            return False
        text = "".join(self._text[-len(suffix) :])
        return text == suffix and len(self._code()) >= self.settings.min_length

    def _in_time(self, at: float) -> bool:
        return 0 <= at - self._last_press <= self.settings.max_gap

    def _expecting_terminator(self, at: float) -> bool:
        until = self._terminator_until
        return until is not None and at <= until

    def _remember_release(self, key: int, at: float, count: int = 1) -> None:
        self._forget_old_releases(at)
        before = self._swallow.get(key, (0, 0.0))[0]
        self._swallow[key] = (before + count, at + RELEASE_MEMORY_SECONDS)

    def _forget_old_releases(self, at: float) -> None:
        for key in [k for k, (_n, until) in self._swallow.items() if until < at]:
            del self._swallow[key]

    def _reset_burst(self) -> None:
        self._text.clear()
        self._holding = False
        self._overlong = False
        self._open_presses.clear()
