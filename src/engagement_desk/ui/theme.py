"""Fonts, text size and status styling shared by every screen."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from engagement_desk.paths import resource

FONT_FAMILY = "Atkinson Hyperlegible"
DEFAULT_POINT_SIZE = 11


def load_fonts() -> str:
    """Register the shipped font; fall back to the system font if it cannot be read."""
    family = ""
    for name in ("Regular", "Bold", "Italic", "BoldItalic"):
        font_id = QFontDatabase.addApplicationFont(
            str(resource("fonts", f"AtkinsonHyperlegible-{name}.ttf"))
        )
        if font_id >= 0 and not family:
            families = QFontDatabase.applicationFontFamilies(font_id)
            family = families[0] if families else ""
    return family


def apply_text_size(app: QApplication, point_size: int, family: str | None = None) -> None:
    """Scale all text in the app; every widget follows the application font."""
    font = QFont(family or app.font().family())
    font.setPointSize(max(8, min(point_size, 32)))
    app.setFont(font)


def heading_font(base: QFont, scale: float = 1.4) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * scale)
    font.setBold(True)
    return font
