"""Which way text runs: the rules the PDFs and the HTML reports share (no reportlab here).

The documents are English, left to right. A value in right-to-left letters only (a name in
Arabic or Urdu, a parent's comment in Urdu) is a right-to-left paragraph; text that mixes
scripts stays left to right, each right-to-left run in it reading right to left. Parts of a
value separated by ", " are kept apart, so a venue "مسجد النور, 12 Bolton Street" shows the
street number with the street: by the bidirectional algorithm alone the "12" would join the
Arabic run and show before the mosque's name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

LRM, RLM = "\u200e", "\u200f"  # left-to-right and right-to-left marks: invisible, strong
MARKS = frozenset({LRM, RLM})
_RTL_CLASSES = frozenset({"R", "AL", "AN"})
# Every right-to-left character is at or above Hebrew (U+0590): a quick search in C finds
# the few characters worth looking up, so Latin text with a "·" or "é" costs next to nothing.
_FROM_HEBREW_UP = re.compile("[\u0590-\U0010ffff]")


def has_rtl(text: str) -> bool:
    """Whether the text holds right-to-left letters (Arabic, Urdu, Hebrew...)."""
    if text.isascii():
        return False
    return any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in _FROM_HEBREW_UP.findall(text))


def base_level(text: str) -> int:
    """1 (right to left) for text in right-to-left letters only; 0 (left to right) for
    anything else, including text that mixes scripts."""
    if not has_rtl(text):
        return 0
    return int(not any(unicodedata.bidirectional(c) == "L" and c not in MARKS for c in text))


def join_isolated(parts: Iterable[str], separator: str) -> str:
    """``parts`` joined with each right-to-left part closed by a left-to-right mark, so the
    numbers and commas after it stay with what follows."""
    return separator.join(f"{part}{LRM}" if has_rtl(part) else part for part in parts)


def isolate_parts(text: str) -> str:
    """``text`` with its ", "-separated parts kept apart (see :func:`join_isolated`)."""
    if ", " in text and has_rtl(text):
        return join_isolated(text.split(", "), ", ")
    return text
