"""Fonts, text size and status styling shared by every screen."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from engagement_desk.paths import resource

FONT_FAMILY = "Atkinson Hyperlegible"
DEFAULT_POINT_SIZE = 11
# Shipped fonts for the characters Atkinson Hyperlegible lacks, tried in this order: names
# in Arabic and Urdu, Greek, Cyrillic and Hebrew, Chinese, Japanese and Korean, and emoji
# (the same fonts the PDFs use; see resources/fonts/README.md).
FALLBACK_FONT_FILES = (
    "NotoNaskhArabic-Regular.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DroidSansFallbackFull.ttf",
    "Symbola.ttf",
)
FALLBACK_FAMILIES = ("Noto Naskh Arabic", "DejaVu Sans", "Droid Sans Fallback", "Symbola")


def load_fonts() -> str:
    """Register the shipped fonts; return the main family ("" if it cannot be read, and the
    system font is used). Names in other scripts fall back to the shipped fonts that have
    them, whichever font a widget asks for by the main family's name."""
    family = ""
    for name in ("Regular", "Bold", "Italic", "BoldItalic"):
        font_id = QFontDatabase.addApplicationFont(
            str(resource("fonts", f"AtkinsonHyperlegible-{name}.ttf"))
        )
        if font_id >= 0 and not family:
            families = QFontDatabase.applicationFontFamilies(font_id)
            family = families[0] if families else ""
    for filename in FALLBACK_FONT_FILES:
        QFontDatabase.addApplicationFont(str(resource("fonts", filename)))
    QFont.insertSubstitutions(FONT_FAMILY, list(fallback_families()))
    return family


def fallback_families() -> tuple[str, ...]:
    """The shipped fallback families Qt knows (all of them once ``load_fonts`` has run)."""
    known = set(QFontDatabase.families())
    return tuple(family for family in FALLBACK_FAMILIES if family in known)


def app_font(family: str, point_size: int) -> QFont:
    """The application's font: ``family`` first, then the shipped fallback fonts."""
    font = QFont(family)
    font.setFamilies([family, *(f for f in fallback_families() if f != family)])
    font.setPointSize(max(8, min(point_size, 32)))
    return font


def apply_text_size(app: QApplication, point_size: int, family: str | None = None) -> None:
    """Scale all text in the app; every widget follows the application font."""
    app.setFont(app_font(family or app.font().family(), point_size))


def heading_font(base: QFont, scale: float = 1.4) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * scale)
    font.setBold(True)
    return font
