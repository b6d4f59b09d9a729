"""The legible font shipped with the app (Atkinson Hyperlegible, OFL), registered once."""

from __future__ import annotations

from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from engagement_desk.paths import resource

FAMILY = "AtkinsonHyperlegible"
BOLD = f"{FAMILY}-Bold"


@cache
def register_fonts() -> str:
    faces = {
        FAMILY: "AtkinsonHyperlegible-Regular.ttf",
        BOLD: "AtkinsonHyperlegible-Bold.ttf",
        f"{FAMILY}-Italic": "AtkinsonHyperlegible-Italic.ttf",
        f"{FAMILY}-BoldItalic": "AtkinsonHyperlegible-BoldItalic.ttf",
    }
    for name, filename in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
    addMapping(FAMILY, 0, 0, FAMILY)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, f"{FAMILY}-Italic")
    addMapping(FAMILY, 1, 1, f"{FAMILY}-BoldItalic")
    return FAMILY
