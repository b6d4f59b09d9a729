"""Telling a scanner from a person, without Qt: bursts as real USB scanners send them (Shift
before capitals, Caps Lock, AltGr, keypad digits, a prefix or suffix, Tab instead of Enter),
a person typing at human speed, and what happens to every press and release."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from engagement_desk.core.scanning import (
    Action,
    BurstClassifier,
    KeyRole,
    KeyStroke,
    ScannerSettings,
    affix_problem,
    key_role,
)

CODE = "ED1-K7QX2M-ABCDEFGHJK234567-SIG7"
SHIFT, CAPS, ALTGR, ENTER, TAB, BACKSPACE = 1000, 1001, 1002, 1003, 1004, 1005
NEEDS_SHIFT = set('ABCDEFGHIJKLMNOPQRSTUVWXYZ_!"£$%^&*()+{}:@~<>?|')


@dataclass
class Desk:
    """Acts on each decision the way the Qt event filter does, and records what a person at
    the focused field would see."""

    settings: ScannerSettings = field(default_factory=ScannerSettings)
    scans: list[str] = field(default_factory=list)
    delivered: list[KeyStroke] = field(default_factory=list)
    held: list[KeyStroke] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.classifier = BurstClassifier(self.settings)

    def feed(self, strokes: list[KeyStroke]) -> Desk:
        for stroke in strokes:
            decision = self.classifier.feed(stroke)
            self.actions.append(decision.action)
            if decision.action is Action.HOLD:
                self.held.append(stroke)
            elif decision.action is Action.PASS:
                self.delivered.append(stroke)
            elif decision.action is Action.RELEASE:
                self.delivered += [*self.held, stroke]
                self.held = []
            elif decision.action is Action.RELEASE_AND_HOLD:
                self.delivered += self.held
                self.held = [stroke]
            elif decision.action is Action.SCAN:
                self.scans.append(decision.code)
                self.held = []
        return self

    def quiet(self) -> Desk:
        """No key for a while: the filter's timer fires and the held keys are handed back."""
        self.classifier.flush()
        self.delivered += self.held
        self.held = []
        return self

    @property
    def typed(self) -> str:
        return "".join(s.text for s in self.delivered if s.press and s.role is KeyRole.CHARACTER)

    @property
    def delivered_releases(self) -> list[int]:
        return [s.key for s in self.delivered if not s.press]


class Keyboard:
    """Builds the press/release sequence a keyboard-wedge scanner (or a person) sends."""

    def __init__(self, gap_ms: float = 4, start: float = 100.0) -> None:
        self.gap = gap_ms / 1000
        self.now = start

    def _tick(self) -> float:
        self.now += self.gap
        return self.now

    def pause(self, ms: float) -> Keyboard:
        self.now += ms / 1000
        return self

    def speed(self, gap_ms: float) -> Keyboard:
        self.gap = gap_ms / 1000
        return self

    def press(self, key: int, role: KeyRole, text: str = "") -> list[KeyStroke]:
        return [
            KeyStroke(key, role, self._tick(), text, press=True),
            KeyStroke(key, role, self._tick(), text, press=False),
        ]

    def char(self, ch: str, *, shift: bool | None = None) -> list[KeyStroke]:
        key = ord(ch.upper())
        if shift is None:
            shift = ch in NEEDS_SHIFT
        if not shift:
            return self.press(key, KeyRole.CHARACTER, ch)
        return [
            KeyStroke(SHIFT, KeyRole.MODIFIER, self._tick()),
            KeyStroke(key, KeyRole.CHARACTER, self._tick(), ch),
            KeyStroke(key, KeyRole.CHARACTER, self._tick(), ch, press=False),
            KeyStroke(SHIFT, KeyRole.MODIFIER, self._tick(), press=False),
        ]

    def type(self, text: str, **options: bool) -> list[KeyStroke]:
        return [stroke for ch in text for stroke in self.char(ch, **options)]

    def enter(self) -> list[KeyStroke]:
        return self.press(ENTER, KeyRole.TERMINATOR)

    def tab(self) -> list[KeyStroke]:
        return self.press(TAB, KeyRole.TERMINATOR)


def scanner(gap_ms: float = 4) -> Keyboard:
    return Keyboard(gap_ms)


def person(gap_ms: float = 140) -> Keyboard:
    return Keyboard(gap_ms)


def caps_lock_burst(kb: Keyboard, text: str) -> list[KeyStroke]:
    """Some scanners toggle Caps Lock around a code instead of pressing Shift."""
    return [
        *kb.press(CAPS, KeyRole.MODIFIER),
        *kb.type(text, shift=False),
        *kb.press(CAPS, KeyRole.MODIFIER),
    ]


def altgr_burst(kb: Keyboard, text: str) -> list[KeyStroke]:
    """On some layouts the scanner reaches '-' with AltGr."""
    strokes: list[KeyStroke] = []
    for ch in text:
        if ch == "-":
            strokes.append(KeyStroke(ALTGR, KeyRole.MODIFIER, kb._tick()))
            strokes += kb.press(ord("-"), KeyRole.CHARACTER, "-")
            strokes.append(KeyStroke(ALTGR, KeyRole.MODIFIER, kb._tick(), press=False))
        else:
            strokes += kb.char(ch)
    return strokes


def keypad_burst(kb: Keyboard, text: str) -> list[KeyStroke]:
    return kb.type(text)  # keypad digits are plain characters by the time they get here


# (name, strokes builder, settings, expected scans, expected typed text)
CASES = [
    (
        "a burst with Shift before each capital",
        lambda: (k := scanner()).type(CODE) + k.enter(),
        ScannerSettings(),
        [CODE],
        "",
    ),
    (
        "Shift for '-' and digits too (a layout that needs it)",
        lambda: (k := scanner()).type(CODE, shift=True) + k.enter(),
        ScannerSettings(),
        [CODE],
        "",
    ),
    (
        "Caps Lock toggled around the code",
        lambda: caps_lock_burst(k := scanner(), CODE) + k.enter(),
        ScannerSettings(),
        [CODE],
        "",
    ),
    (
        "AltGr for the dash",
        lambda: altgr_burst(k := scanner(), CODE) + k.enter(),
        ScannerSettings(),
        [CODE],
        "",
    ),
    (
        "keypad digits",
        lambda: keypad_burst(k := scanner(), "4815162342") + k.enter(),
        ScannerSettings(),
        ["4815162342"],
        "",
    ),
    (
        "Tab ends a scan",
        lambda: (k := scanner()).type(CODE) + k.tab(),
        ScannerSettings(),
        [CODE],
        "",
    ),
    (
        "a slow scanner (15 ms between key events)",
        lambda: (k := scanner(15)).type(CODE) + k.enter(),
        ScannerSettings(),
        [CODE],
        "",
    ),
    (
        "a person typing a name",
        lambda: person().type("Sarah Ashworth"),
        ScannerSettings(),
        [],
        "Sarah Ashworth",
    ),
    (
        "a person typing a name and pressing Enter",
        lambda: (k := person()).type("Sam") + k.enter(),
        ScannerSettings(),
        [],
        "Sam",
    ),
    (
        "a person typing a code by hand",
        lambda: (k := person()).type(CODE) + k.enter(),
        ScannerSettings(),
        [],
        CODE,
    ),
    (
        "too short to be a ticket",
        lambda: (k := scanner()).type("OK1") + k.enter(),
        ScannerSettings(),
        [],
        "OK1",
    ),
    (
        "a fast burst with no Enter is typing",
        lambda: scanner().type("ABCDEFGH"),
        ScannerSettings(),
        [],
        "ABCDEFGH",
    ),
    (
        "a pause before the end breaks the burst",
        lambda: (k := scanner()).type("ED1-K7QX2M") + k.pause(300).type("AB") + k.enter(),
        ScannerSettings(),
        [],
        "ED1-K7QX2MAB",
    ),
    (
        "typing, then a scan",
        lambda: (k := person()).type("sa") + k.pause(500).speed(4).type(CODE) + k.enter(),
        ScannerSettings(),
        [CODE],
        "sa",
    ),
    (
        "two scans back to back",
        lambda: (
            (k := scanner()).type(CODE)
            + k.enter()
            + k.pause(400).type("ED1-OTHER-CODE")
            + k.enter()
        ),
        ScannerSettings(),
        [CODE, "ED1-OTHER-CODE"],
        "",
    ),
    (
        "a prefix is recognised and removed",
        lambda: (k := scanner()).type("]Q1" + CODE) + k.enter(),
        ScannerSettings(prefix="]Q1"),
        [CODE],
        "",
    ),
    (
        "a suffix ends the scan without Enter",
        lambda: scanner().type(CODE + "%%"),
        ScannerSettings(suffix="%%"),
        [CODE],
        "",
    ),
    (
        "a suffix then Enter: the Enter is part of the same scan",
        lambda: (k := scanner()).type(CODE + "%%") + k.enter(),
        ScannerSettings(suffix="%%"),
        [CODE],
        "",
    ),
    (
        "prefix and suffix together",
        lambda: scanner().type("*" + CODE + "#"),
        ScannerSettings(prefix="*", suffix="#"),
        [CODE],
        "",
    ),
    (
        "a burst without the configured prefix is still a scan",
        lambda: (k := scanner()).type(CODE) + k.enter(),
        ScannerSettings(prefix="*"),
        [CODE],
        "",
    ),
    (
        "overlong: swallowed as one scan, cut short",
        lambda: (k := scanner(1)).type("A" * 1500) + k.enter(),
        ScannerSettings(),
        ["A" * 1000],
        "",
    ),
]


@pytest.mark.parametrize(
    ("strokes", "settings", "scans", "typed"),
    [
        pytest.param(build, settings, scans, typed, id=name)
        for name, build, settings, scans, typed in CASES
    ],
)
def test_bursts(strokes: object, settings: ScannerSettings, scans: list[str], typed: str) -> None:
    desk = Desk(settings).feed(strokes()).quiet()  # type: ignore[operator]
    assert desk.scans == scans
    assert desk.typed == typed


def test_the_overlong_burst_says_so() -> None:
    kb = scanner(1)
    classifier = BurstClassifier()
    decisions = [classifier.feed(s) for s in kb.type("B" * 1200) + kb.enter()]
    scans = [d for d in decisions if d.action is Action.SCAN]
    assert len(scans) == 1 and scans[0].overlong and len(scans[0].code) == 1000


def test_nothing_of_a_scan_reaches_the_field_not_even_a_release() -> None:
    kb = scanner()
    desk = Desk().feed(kb.type(CODE) + kb.enter())
    assert desk.scans == [CODE]
    assert desk.delivered == []
    assert desk.held == []


def test_releases_that_come_after_the_enter_are_swallowed_too() -> None:
    """Scanners (and xdotool) may release the last keys after Enter goes down."""
    kb = scanner()
    strokes = kb.type(CODE)
    enter_down = KeyStroke(ENTER, KeyRole.TERMINATOR, kb._tick())
    shift_down = KeyStroke(SHIFT, KeyRole.MODIFIER, kb._tick())  # a stray Shift press too
    enter_up = KeyStroke(ENTER, KeyRole.TERMINATOR, kb._tick(), press=False)
    shift_up = KeyStroke(SHIFT, KeyRole.MODIFIER, kb._tick(), press=False)
    last_up = KeyStroke(ord("7"), KeyRole.CHARACTER, kb._tick(), "7", press=False)
    desk = Desk().feed([*strokes[:-1], enter_down, enter_up, last_up])
    assert desk.scans == [CODE]
    assert desk.delivered == []
    # A Shift after the scan starts a new burst of its own and is handed back when quiet.
    desk.feed([shift_down, shift_up]).quiet()
    assert [s.key for s in desk.delivered] == [SHIFT, SHIFT]


def test_a_person_gets_every_press_and_release_back_in_order() -> None:
    kb = person()
    strokes = kb.type("Sam") + kb.enter()
    desk = Desk().feed(strokes).quiet()
    assert desk.delivered == strokes
    assert desk.scans == []


def test_a_fast_typist_rolling_two_keys_gets_them_both_in_order() -> None:
    kb = Keyboard(gap_ms=25)
    strokes = kb.type("th")
    desk = Desk().feed(strokes + kb.pause(200).type("e")).quiet()
    assert desk.typed == "the"
    assert desk.scans == []


def test_other_keys_hand_back_what_was_held_before_them() -> None:
    kb = scanner()
    strokes = kb.type("abc") + kb.press(BACKSPACE, KeyRole.OTHER)
    desk = Desk().feed(strokes)
    assert [s.key for s in desk.delivered if s.press] == [ord("A"), ord("B"), ord("C"), BACKSPACE]
    assert desk.held == []


def test_auto_repeat_is_a_person_holding_a_key() -> None:
    kb = scanner(30)
    repeat = [
        KeyStroke(ord("A"), KeyRole.CHARACTER, kb._tick(), "a", auto_repeat=True) for _ in range(8)
    ]
    desk = Desk().feed(kb.type("a")[:1] + repeat + kb.enter())
    assert desk.scans == []
    assert desk.typed == "a" * 9


def test_enter_alone_passes_straight_through() -> None:
    desk = Desk().feed(person().enter())
    assert desk.actions == [Action.PASS, Action.PASS]


def test_an_enter_long_after_a_suffix_scan_is_a_person_pressing_enter() -> None:
    kb = scanner()
    desk = Desk(ScannerSettings(suffix="#")).feed(kb.type(CODE + "#") + kb.pause(500).enter())
    assert desk.scans == [CODE]
    assert [s.key for s in desk.delivered] == [ENTER, ENTER]


@pytest.mark.parametrize(
    ("text", "options", "role"),
    [
        ("A", {}, KeyRole.CHARACTER),
        ("7", {}, KeyRole.CHARACTER),  # a keypad digit as well
        ("-", {}, KeyRole.CHARACTER),
        ("", {"modifier_key": True}, KeyRole.MODIFIER),  # Shift, Caps Lock, AltGr
        ("\r", {"terminator_key": True}, KeyRole.TERMINATOR),
        ("\t", {"terminator_key": True}, KeyRole.TERMINATOR),
        ("\r", {"terminator_key": True, "control": True}, KeyRole.OTHER),
        ("\x1a", {"control": True}, KeyRole.OTHER),  # Ctrl+Z
        ("z", {"control": True}, KeyRole.OTHER),
        ("w", {"alt": True}, KeyRole.OTHER),  # Alt+W, a mnemonic
        ("€", {"control": True, "alt": True}, KeyRole.CHARACTER),  # AltGr on Windows
        ("a", {"meta": True}, KeyRole.OTHER),
        ("", {}, KeyRole.OTHER),  # an arrow, F-key, Escape
        ("\x1b", {}, KeyRole.OTHER),
    ],
)
def test_key_roles(text: str, options: dict[str, bool], role: KeyRole) -> None:
    assert key_role(text, **options) is role


@pytest.mark.parametrize(
    ("affix", "fine"),
    [
        ("", True),
        ("]Q1", True),
        ("*", True),
        ("%%", True),
        ("a b", False),
        ("\x02", False),
        ("123456789", False),
    ],
)
def test_scanner_prefix_and_suffix_are_checked(affix: str, fine: bool) -> None:
    assert (affix_problem(affix) is None) is fine
