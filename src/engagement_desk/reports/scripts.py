"""Names and places in any script on paper: font fallback, Arabic joining, right-to-left order.

Families write their names as they write them. Atkinson Hyperlegible (Latin, Polish
included) sets every character it has; a character it lacks is set in the first shipped
font that has it: Noto Naskh Arabic (Arabic, Urdu, Persian), DejaVu Sans (Greek, Cyrillic,
Hebrew and more), Droid Sans Fallback (Chinese, Japanese, Korean) and Symbola (emoji, in
black and white). A character that no shipped font has is left out, never printed as an
empty box.

reportlab draws characters one after another, left to right, and does not join Arabic
letters. So Arabic text is first given its joined letter forms (the Unicode presentation
forms, which the font maps to its joined glyphs), and each line is then put in display
order by the Unicode bidirectional algorithm (python-bidi), line by line after wrapping,
so that a long right-to-left passage reads correctly across lines. Text copied out of the
PDF comes back as presentation forms in reading order; NFKC normalisation turns them back
into the letters typed.

Text that is all in the primary font and left to right (nearly everything) takes a fast
path and is drawn exactly as before.
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal
from xml.sax.saxutils import escape

from bidi import algorithm as uba  # type: ignore[import-untyped]  # no type hints
from bidi.mirror import MIRRORED  # type: ignore[import-untyped]
from reportlab.graphics.shapes import String
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from engagement_desk.paths import resource
from engagement_desk.reports.direction import (
    LRM,
    MARKS,
    RLM,
    base_level,
    has_rtl,
    isolate_parts,
)
from engagement_desk.reports.fonts import BOLD, BOLD_ITALIC, FAMILY, register_fonts

Anchor = Literal["start", "middle", "end"]


@dataclass(frozen=True)
class FallbackFont:
    """A shipped font tried, in order, for characters the primary font lacks."""

    family: str
    regular: str
    bold: str | None  # None: the regular face stands in for bold

    def face(self, bold: bool) -> str:
        return f"{self.family}-Bold" if bold and self.bold else self.family


FALLBACK_FONTS = (
    FallbackFont("NotoNaskhArabic", "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    FallbackFont("DejaVuSans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    FallbackFont("DroidSansFallback", "DroidSansFallbackFull.ttf", None),
    FallbackFont("Symbola", "Symbola.ttf", None),
)
ARABIC_FONT = FALLBACK_FONTS[0]

# Characters never drawn: joiners, variation selectors (the emoji/text switch) and bidi
# embedding controls, which have no glyph of their own. The left-to-right and right-to-left
# marks stay: they steer the ordering, and the Arabic font draws them with no width.
_INVISIBLE_CATEGORIES = frozenset({"Cf"})
# Bidi classes the pure-Python algorithm removes (rule X9); held in place by a neutral
# stand-in, so that levels and characters stay one to one.
_X9_REMOVED = frozenset({"RLE", "LRE", "RLO", "LRO", "PDF", "BN"})


@cache
def register_fallback_fonts() -> tuple[str, ...]:
    """Register the fallback fonts with reportlab (once); return their regular face names."""
    register_fonts()
    for font in FALLBACK_FONTS:
        bold = font.face(bold=True)
        pdfmetrics.registerFont(TTFont(font.family, str(resource("fonts", font.regular))))
        if font.bold:
            pdfmetrics.registerFont(TTFont(bold, str(resource("fonts", font.bold))))
        addMapping(font.family, 0, 0, font.family)
        addMapping(font.family, 1, 0, bold)
        addMapping(font.family, 0, 1, font.family)
        addMapping(font.family, 1, 1, bold)
    return tuple(font.family for font in FALLBACK_FONTS)


@cache
def _coverage(face: str) -> frozenset[int]:
    """The code points a registered TrueType face has a real glyph for."""
    register_fonts()
    char_to_glyph: dict[int, int] = pdfmetrics.getFont(face).face.charToGlyph
    return frozenset(code for code, glyph in char_to_glyph.items() if glyph)


def _is_bold(font: str) -> bool:
    return font in (BOLD, BOLD_ITALIC)


@cache
def _face_for(char: str, font: str) -> str | None:
    """The face that draws ``char`` where the text is set in ``font``; None if none can."""
    if ord(char) in _coverage(font):
        return font
    register_fallback_fonts()
    bold = _is_bold(font)
    for fallback in FALLBACK_FONTS:
        face = fallback.face(bold)
        if ord(char) in _coverage(face):
            return face
    return None


def is_plain(text: str, font: str) -> bool:
    """True when the text needs no help: every character in ``font``, nothing right to left."""
    if text.isascii():
        return True
    covered = _coverage(font)
    return all(ord(c) in covered for c in text) and not has_rtl(text)


# ---- Arabic joining ------------------------------------------------------------------------

_FORMS = ("isolated", "initial", "medial", "final")
# Lam followed by one of these must become a lam-alef ligature; every other ligature in the
# presentation forms is optional and left to the letters' own joined forms.
_ALEFS = frozenset({0x0622, 0x0623, 0x0625, 0x0627})


@cache
def _presentation_forms() -> tuple[
    dict[int, dict[str, int]], dict[tuple[int, int], dict[str, int]]
]:
    """From the Unicode data: letter -> {form: presentation form}, and the required lam-alef
    ligatures (lam, alef) -> {form: ligature}."""
    letters: dict[int, dict[str, int]] = {}
    ligatures: dict[tuple[int, int], dict[str, int]] = {}
    for code in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)]:
        decomposition = unicodedata.decomposition(chr(code)).split()
        if len(decomposition) < 2 or decomposition[0].strip("<>") not in _FORMS:
            continue
        form = decomposition[0].strip("<>")
        parts = [int(part, 16) for part in decomposition[1:]]
        if len(parts) == 1:
            letters.setdefault(parts[0], {}).setdefault(form, code)
        elif len(parts) == 2 and parts[0] == 0x0644 and parts[1] in _ALEFS:
            ligatures.setdefault((parts[0], parts[1]), {}).setdefault(form, code)
    return letters, ligatures


_TATWEEL, _ZWJ, _ZWNJ = 0x0640, 0x200D, 0x200C


def _joining_type(char: str) -> str:
    """D (joins both sides), R (joins the letter before it only), T (transparent: marks),
    C (join-causing: tatweel, zero-width joiner) or U (does not join)."""
    code = ord(char)
    if code in (_TATWEEL, _ZWJ):
        return "C"
    if unicodedata.category(char) in ("Mn", "Me"):
        return "T"
    forms = _presentation_forms()[0].get(code)
    if not forms:
        return "U"
    if "initial" in forms or "medial" in forms:
        return "D"
    return "R" if "final" in forms else "U"


def join_arabic(text: str) -> str:
    """Arabic letters in ``text`` replaced by the presentation forms for their position in
    the word (and lam-alef by its ligature), where the Arabic font has those forms."""
    if not any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in text):
        return text
    letters, ligatures = _presentation_forms()
    register_fallback_fonts()
    has = _coverage(ARABIC_FONT.family)
    types = [_joining_type(c) for c in text]
    solid = [i for i, kind in enumerate(types) if kind != "T"]  # letters, not marks
    before: dict[int, str] = {}
    after: dict[int, str] = {}
    for n, i in enumerate(solid):
        before[i] = types[solid[n - 1]] if n > 0 else "U"
        after[i] = types[solid[n + 1]] if n + 1 < len(solid) else "U"
    out: list[str] = []
    skip: set[int] = set()
    for i, char in enumerate(text):
        if i in skip:
            continue
        kind = types[i]
        if kind not in ("D", "R"):
            out.append(char)
            continue
        joins_before = before[i] in ("D", "C")
        joins_after = kind == "D" and after[i] in ("D", "R", "C")
        n = solid.index(i)
        following = solid[n + 1] if n + 1 < len(solid) else None
        if (
            following == i + 1  # no mark between lam and alef
            and (ord(char), ord(text[i + 1])) in ligatures
        ):
            forms = ligatures[(ord(char), ord(text[i + 1]))]
            ligature = forms.get("final" if joins_before else "isolated")
            if ligature is not None and ligature in has:
                out.append(chr(ligature))
                skip.add(i + 1)
                continue
        if joins_before and joins_after:
            form = "medial"
        elif joins_before:
            form = "final"
        elif joins_after:
            form = "initial"
        else:
            form = "isolated"
        shaped = letters.get(ord(char), {}).get(form)
        out.append(chr(shaped) if shaped is not None and shaped in has else char)
    return "".join(out)


def prepare(text: str) -> str:
    """Composed (NFC), Arabic joined, comma-separated parts kept apart (see
    ``direction.isolate_parts``), and characters that are never drawn taken out."""
    text = unicodedata.normalize("NFC", text)
    text = join_arabic(text)
    text = isolate_parts(text)
    return "".join(
        c
        for c in text
        if (c in (LRM, RLM) or unicodedata.category(c) not in _INVISIBLE_CATEGORIES)
        and not ("\ufe00" <= c <= "\ufe0f" or "\U000e0100" <= c <= "\U000e01ef")
    )


# ---- right-to-left order -------------------------------------------------------------------


def display_order(text: str, level: int) -> tuple[list[int], list[int]]:
    """For one line of ``text``: its indices in the order they are drawn, left to right, and
    each character's embedding level (odd: inside right-to-left text), by the Unicode
    bidirectional algorithm with paragraph level ``level`` (rules up to L2)."""
    if not text:
        return [], []
    stand_in = "".join("!" if unicodedata.bidirectional(c) in _X9_REMOVED else c for c in text)
    storage = uba.get_empty_storage()
    storage["base_level"] = level
    storage["base_dir"] = ("L", "R")[level]
    uba.get_embedding_levels(stand_in, storage, False, False)
    uba.explicit_embed_and_overrides(storage, False)
    uba.resolve_weak_types(storage, False)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    levels: list[int] = [c["level"] for c in storage["chars"]]
    if len(levels) != len(text):  # never expected; keep the typed order rather than guess
        return list(range(len(text))), [level] * len(text)
    # L1: white space at the end of the line, and before a tab, takes the paragraph level.
    trailing = True
    for i in range(len(text) - 1, -1, -1):
        kind = unicodedata.bidirectional(text[i])
        if kind in ("S", "B"):
            levels[i] = level
            trailing = True
        elif trailing and kind in ("WS", "BN"):
            levels[i] = level
        else:
            trailing = False
    # L2: from the highest level down to the lowest odd one, reverse every run at or above it.
    order = list(range(len(text)))
    odd = [value for value in levels if value % 2]
    if not odd:
        return order, levels
    current = levels[:]
    for value in range(max(levels), min(odd) - 1, -1):
        i = 0
        while i < len(order):
            if current[i] < value:
                i += 1
                continue
            j = i
            while j < len(order) and current[j] >= value:
                j += 1
            order[i:j] = order[i:j][::-1]
            current[i:j] = current[i:j][::-1]
            i = j
    return order, levels


def _mirrored(char: str, level: int) -> str:
    """Brackets face the other way inside right-to-left text (rule L4)."""
    if level % 2 and unicodedata.mirrored(char):
        return str(MIRRORED.get(char, char))
    return char


def visual(text: str, level: int | None = None) -> str:
    """One line of prepared text in drawing order (left to right), without the direction
    marks (they steer the order; some fonts would draw them as a visible sign)."""
    if not has_rtl(text):
        return _unmarked(text)
    level = base_level(text) if level is None else level
    order, levels = display_order(text, level)
    return "".join(_mirrored(text[i], levels[i]) for i in order if text[i] not in MARKS)


def _unmarked(text: str) -> str:
    return text.replace(LRM, "").replace(RLM, "") if LRM in text or RLM in text else text


# ---- runs by font ---------------------------------------------------------------------------


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` (prepared) cut into (face, text) runs; characters no face has are dropped."""
    out: list[tuple[str, str]] = []
    last_face: str | None = None
    for char in text:
        face = _face_for(char, font)
        if (
            unicodedata.category(char) in ("Mn", "Me")
            and last_face is not None
            and ord(char) in _coverage(last_face)
        ):
            face = last_face  # a mark stays with its letter's font when that font has it
        if face is None:
            continue
        if char == " " and out:  # spaces join the run they are in: fewer font switches
            face = out[-1][0] if ord(" ") in _coverage(out[-1][0]) else face
        if out and out[-1][0] == face:
            out[-1] = (face, out[-1][1] + char)
        else:
            out.append((face, char))
        last_face = face
    return out


def markup(text: str, font: str = FAMILY) -> str:
    """``text`` escaped for a Paragraph set in ``font``, with ``<font>`` runs for the
    characters that font lacks. Draw it with :class:`ScriptParagraph`, which puts right-to-
    left runs in display order."""
    if is_plain(text, font):
        return escape(text)
    parts = []
    for face, chunk in runs(prepare(text), font):
        escaped = escape(chunk)
        parts.append(escaped if face == font else f'<font name="{face}">{escaped}</font>')
    return "".join(parts)


def lines_markup(text: str, font: str = FAMILY) -> str:
    """Like :func:`markup`, keeping the text's own line breaks."""
    return "<br/>".join(markup(line, font) for line in text.split("\n"))


def text_width(text: str, font: str, size: float) -> float:
    """The width of ``text`` as drawn by :func:`draw_text`, in points."""
    if is_plain(text, font):
        return float(pdfmetrics.stringWidth(text, font, size))
    return float(
        sum(pdfmetrics.stringWidth(chunk, face, size) for face, chunk in runs(prepare(text), font))
    )


def split_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` (a longer word keeps
    its own line), measured as :func:`draw_text` draws them."""
    if is_plain(text, font):
        return list(simpleSplit(text, font, size, width))
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and text_width(trial, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def _placed_runs(
    text: str, font: str, size: float, x: float, anchor: Anchor
) -> Iterator[tuple[float, str, str]]:
    pieces = runs(visual(prepare(text)), font)
    widths = [pdfmetrics.stringWidth(chunk, face, size) for face, chunk in pieces]
    total = sum(widths)
    start = x - (total / 2 if anchor == "middle" else total if anchor == "end" else 0)
    for (face, chunk), width in zip(pieces, widths, strict=True):
        yield start, face, chunk
        start += width


def draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    anchor: Anchor = "start",
) -> None:
    """Draw one line at (x, y): starting there, centred on it or ending there."""
    if is_plain(text, font):
        canvas.setFont(font, size)
        draw = {
            "start": canvas.drawString,
            "middle": canvas.drawCentredString,
            "end": canvas.drawRightString,
        }[anchor]
        draw(x, y, text)
        return
    for start, face, chunk in _placed_runs(text, font, size, x, anchor):
        canvas.setFont(face, size)
        canvas.drawString(start, y, chunk)
    canvas.setFont(font, size)


def graphic_strings(
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    anchor: Anchor = "start",
    **properties: Any,
) -> list[String]:
    """The ``String`` shapes that draw one line in a reportlab Drawing."""
    if is_plain(text, font):
        return [String(x, y, text, fontName=font, fontSize=size, textAnchor=anchor, **properties)]
    return [
        String(start, y, chunk, fontName=face, fontSize=size, **properties)
        for start, face, chunk in _placed_runs(text, font, size, x, anchor)
    ]


# ---- paragraphs ------------------------------------------------------------------------------


class ScriptParagraph(Paragraph):  # type: ignore[misc]  # reportlab has no type hints
    """A Paragraph whose lines are drawn in display order when it holds right-to-left text.

    Wrapping is reportlab's, on the text in typed order; each wrapped line is then reordered
    just before drawing, so the first words of a right-to-left passage are on its first
    line. A passage that is right to left as a whole and takes several lines is set flush
    right.
    """

    blPara: Any  # reportlab's wrapped lines
    style: ParagraphStyle

    def draw(self) -> None:
        logical = self.blPara
        text = _paragraph_text(logical)
        if not has_rtl(text) and _unmarked(text) == text:
            super().draw()
            return
        level = base_level(text)
        style = self.style
        self.blPara = _displayed(logical, level)
        if level == 1 and len(logical.lines) > 1 and style.alignment == TA_LEFT:
            self.style = ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT)
        try:
            super().draw()
        finally:
            self.blPara = logical
            self.style = style


def _paragraph_text(lines: Any) -> str:
    if lines.kind == 0:
        return " ".join(" ".join(words) for _, words in lines.lines)
    return "".join(
        getattr(frag, "text", "") for line in lines.lines for frag in getattr(line, "words", [])
    )


def _displayed(lines: Any, level: int) -> Any:
    shown = copy.copy(lines)
    if lines.kind == 0:
        shown.lines = [
            (extra, visual(" ".join(words), level).split(" ")) for extra, words in lines.lines
        ]
    else:
        shown.lines = [_displayed_line(line, level) for line in lines.lines]
    return shown


def _displayed_line(line: Any, level: int) -> Any:
    words = line.words
    if any(not hasattr(frag, "text") or hasattr(frag, "cbDefn") for frag in words):
        return line  # an image or anchor in the line: leave it as it is
    owners: list[int] = []
    for n, frag in enumerate(words):
        owners += [n] * len(frag.text)
    text = "".join(frag.text for frag in words)
    if not has_rtl(text) and _unmarked(text) == text:
        return line
    order, levels = display_order(text, level)
    shown_words: list[Any] = []
    chunk = ""
    owner = -1
    for index in order:
        if text[index] in MARKS:
            continue
        if owners[index] != owner and chunk:
            shown_words.append(words[owner].clone(text=chunk))
            chunk = ""
        owner = owners[index]
        chunk += _mirrored(text[index], levels[index])
    if chunk:
        shown_words.append(words[owner].clone(text=chunk))
    shown = copy.copy(line)
    shown.words = shown_words
    return shown
