"""Fonts, text size and status styling shared by every screen."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

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
    """Scale all text in the app; every widget follows the application font, and tick boxes
    and radio buttons grow with the text (see TextSizeStyle)."""
    if not isinstance(app.style(), TextSizeStyle):
        app.setStyle(TextSizeStyle(app.style().name()))
    app.setFont(app_font(family or app.font().family(), point_size))


class TextSizeStyle(QProxyStyle):
    """The platform's style, with the marks people click (tick boxes, radio buttons) as
    large as the text beside them: the style's own are a fixed, small number of pixels.

    A proxy style rather than an application style sheet: with a style sheet, Qt can leave
    some widgets at the old text size when the size changes."""

    def pixelMetric(
        self,
        metric: QStyle.PixelMetric,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        base = super().pixelMetric(metric, option, widget)
        if metric in INDICATOR_METRICS:
            font = widget.font() if widget is not None else QApplication.font()
            return max(base, round(QFontMetrics(font).ascent() * 0.95))
        return base


INDICATOR_METRICS = (
    QStyle.PixelMetric.PM_IndicatorWidth,
    QStyle.PixelMetric.PM_IndicatorHeight,
    QStyle.PixelMetric.PM_ExclusiveIndicatorWidth,
    QStyle.PixelMetric.PM_ExclusiveIndicatorHeight,
)


class ScaledText(QObject):
    """Keeps a widget's text ``scale`` times the application's text size (bold or not),
    also after the text size is changed in Settings."""

    def __init__(self, widget: QWidget, scale: float, *, bold: bool = False) -> None:
        super().__init__(widget)
        self._widget = widget
        self._scale = scale
        self._bold = bold
        self.apply()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.fontChanged.connect(self.apply)

    def apply(self) -> None:
        base = QApplication.font()
        font = QFont(base)
        font.setPointSizeF(base.pointSizeF() * self._scale)
        font.setBold(self._bold)
        self._widget.setFont(font)


def heading_font(base: QFont, scale: float = 1.4) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * scale)
    font.setBold(True)
    return font


# ---- high contrast (a choice in Settings, remembered) ------------------------------------


def high_contrast_palette() -> QPalette:
    """White text on black, yellow for the selection and links in cyan: well over 7:1."""
    palette = QPalette()
    black, white, yellow = QColor("#000000"), QColor("#ffffff"), QColor("#ffff00")
    for role, color in (
        (QPalette.ColorRole.Window, black),
        (QPalette.ColorRole.WindowText, white),
        (QPalette.ColorRole.Base, black),
        (QPalette.ColorRole.AlternateBase, QColor("#1c1c1c")),
        (QPalette.ColorRole.Text, white),
        (QPalette.ColorRole.Button, black),
        (QPalette.ColorRole.ButtonText, white),
        (QPalette.ColorRole.BrightText, yellow),
        (QPalette.ColorRole.Highlight, yellow),
        (QPalette.ColorRole.HighlightedText, black),
        (QPalette.ColorRole.ToolTipBase, black),
        (QPalette.ColorRole.ToolTipText, white),
        (QPalette.ColorRole.PlaceholderText, QColor("#d0d0d0")),
        (QPalette.ColorRole.Link, QColor("#00ffff")),
        (QPalette.ColorRole.Light, white),
        (QPalette.ColorRole.Mid, QColor("#808080")),
        (QPalette.ColorRole.Dark, white),
    ):
        palette.setColor(role, color)
    grey = QColor("#a8a8a8")  # greyed-out text still 8:1 on black
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, grey)
    return palette


def apply_contrast(app: QApplication, high_contrast: bool) -> None:
    """Switch the whole app to the high-contrast colours, or back to the usual ones."""
    app.setPalette(high_contrast_palette() if high_contrast else app.style().standardPalette())
    app.setProperty("highContrast", high_contrast)
