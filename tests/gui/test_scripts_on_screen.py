"""Names in any script on screen: the app's font falls back to the shipped fonts, so an
Arabic, Urdu, Chinese or Polish name (or an emoji) shows as letters, not empty boxes.

Qt lays the text out itself (joining Arabic letters and ordering right-to-left text); the
test reads back which font and which glyphs each run of the laid-out name uses. Glyph 0 is
a font's "missing character" box.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QFont, QImage, QTextLayout
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from engagement_desk.ui.theme import (
    FALLBACK_FAMILIES,
    FONT_FAMILY,
    app_font,
    fallback_families,
    load_fonts,
)

ARABIC = "فاطمة الزهراء"
URDU = "عائشہ خان"
CHINESE = "王小明"
POLISH = "Łucja Wójcik-Żak"
EMOJI = "Mia 😀👍"
EXPECTED = {
    ARABIC: "Noto Naskh Arabic",
    URDU: "Noto Naskh Arabic",
    CHINESE: "Droid Sans Fallback",
    POLISH: FONT_FAMILY,
    EMOJI: "Symbola",
}


@pytest.fixture
def font(qapp: QApplication) -> QFont:
    family = load_fonts()
    assert family == FONT_FAMILY
    return app_font(family, 14)


def glyph_runs(text: str, font: QFont) -> list[tuple[str, list[int]]]:
    """(font family, glyph indexes) for each run of ``text`` as Qt lays it out."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(10_000)
    layout.endLayout()
    return [(run.rawFont().familyName(), list(run.glyphIndexes())) for run in layout.glyphRuns()]


def ink(image: QImage) -> int:
    """How many pixels are darker than mid grey."""
    dark = 0
    for y in range(image.height()):
        for x in range(image.width()):
            if QColor(image.pixel(x, y)).lightness() < 128:
                dark += 1
    return dark


def test_every_shipped_fallback_font_is_registered(font: QFont) -> None:
    assert fallback_families() == FALLBACK_FAMILIES
    assert font.families() == [FONT_FAMILY, *FALLBACK_FAMILIES]
    # A widget that asks for the main family by name gets the fallbacks too.
    assert [f.lower() for f in QFont.substitutes(FONT_FAMILY)] == [
        f.lower() for f in FALLBACK_FAMILIES
    ]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_name_is_drawn_in_a_font_that_has_its_letters(font: QFont, name: str) -> None:
    runs = glyph_runs(name, font)
    assert runs
    for family, glyphs in runs:
        assert glyphs
        assert 0 not in glyphs, (name, family)  # glyph 0: the missing-character box
    families = {family for family, _ in runs}
    assert EXPECTED[name] in families
    assert families <= {FONT_FAMILY, *FALLBACK_FAMILIES}


def test_the_check_finds_a_box_for_a_character_no_font_has(font: QFont) -> None:
    """So the test above can fail: a private-use character has no glyph anywhere."""
    glyphs = [glyph for _, run in glyph_runs("\U0010fffd", font) for glyph in run]
    assert glyphs == [0]


def test_labels_and_text_boxes_show_the_names(qtbot: QtBot, font: QFont, tmp_path: Path) -> None:
    for index, name in enumerate(EXPECTED):
        label = QLabel(name)
        label.setFont(font)
        label.setAccessibleName("Name")
        field = QLineEdit(name)
        field.setFont(font)
        field.setAccessibleName("Name")
        for widget in (label, field):
            qtbot.addWidget(widget)
            widget.adjustSize()
            image = widget.grab().toImage()
            image.save(str(tmp_path / f"{type(widget).__name__}-{index}.png"))
            assert ink(image) > 20, name
        assert field.text() == name
        assert field.fontMetrics().horizontalAdvance(name) > 0
