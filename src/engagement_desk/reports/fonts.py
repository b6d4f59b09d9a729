"""The legible font shipped with the app (Atkinson Hyperlegible, OFL), registered once.

Atkinson Hyperlegible covers Latin, Polish included. Characters it lacks (Arabic, Urdu,
Chinese, emoji...) are set in the fallback fonts of ``reports.scripts``.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from engagement_desk.paths import resource

FAMILY = "AtkinsonHyperlegible"
BOLD = f"{FAMILY}-Bold"
ITALIC = f"{FAMILY}-Italic"
BOLD_ITALIC = f"{FAMILY}-BoldItalic"


@cache
def register_fonts() -> str:
    faces = {
        FAMILY: "AtkinsonHyperlegible-Regular.ttf",
        BOLD: "AtkinsonHyperlegible-Bold.ttf",
        ITALIC: "AtkinsonHyperlegible-Italic.ttf",
        BOLD_ITALIC: "AtkinsonHyperlegible-BoldItalic.ttf",
    }
    for name, filename in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
    addMapping(FAMILY, 0, 0, FAMILY)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, ITALIC)
    addMapping(FAMILY, 1, 1, BOLD_ITALIC)
    return FAMILY
