"""The kiosk's comment screen: a parent types what they want to say, taps the themes it is
about, and says plainly whether their words may be quoted (no, unless they tick it)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from engagement_desk.ui.kiosk_widgets import (
    BUTTON_HEIGHT,
    BigCheckBox,
    TapLabel,
    ThemeButton,
    big_button,
    big_label,
    scrolling,
)

QUOTE_WORDS = "You can use my words in reports, without my name"
THEME_COLUMNS = 4


class CommentScreen(QWidget):
    """Typed words, themes to tap, quote permission; ``save`` and ``again`` are the kiosk's."""

    def __init__(
        self,
        save: Callable[[], None],
        again: Callable[[], None],
        toggle_theme: Callable[[str], bool],
    ) -> None:
        super().__init__()
        self._toggle_theme = toggle_theme
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.heading = big_label("Tell us in your own words", "title")
        self.heading.setAccessibleName(self.heading.text())
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Your comment")
        self.text.setAccessibleDescription("Type what you would like to tell us.")
        self.text.setPlaceholderText("Type here…")
        self.text.setTabChangesFocus(True)  # Tab moves on to the themes, as everywhere else
        self.text.setMinimumHeight(BUTTON_HEIGHT * 2)
        self.themes_text = big_label("What is it about? Tap any that fit.")
        self.theme_holder = QWidget()
        self.theme_grid = QGridLayout(self.theme_holder)
        self.theme_grid.setContentsMargins(0, 0, 0, 0)
        self.theme_grid.setSpacing(8)
        self.theme_buttons: list[ThemeButton] = []
        self.themes_area = scrolling(self.theme_holder, "comment-themes")
        self.themes_area.setAccessibleName("Themes")
        self.quote_box = BigCheckBox()
        self.quote_box.setAccessibleName(QUOTE_WORDS)
        self.quote_words = TapLabel(QUOTE_WORDS)
        self.quote_words.tapped.connect(self.quote_box.toggle)
        quote_row = QHBoxLayout()
        quote_row.setSpacing(20)
        quote_row.addWidget(self.quote_box, 0, Qt.AlignmentFlag.AlignTop)
        quote_row.addWidget(self.quote_words, 1)
        self.privacy = big_label("")
        self.problem = big_label("", "problem")
        self.problem.hide()
        self.again = big_button("Start again", "Start again", again)
        self.save = big_button("Save my comment", "Save my comment", save, kind="action")
        buttons = QHBoxLayout()
        buttons.setSpacing(24)
        buttons.addWidget(self.again)
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        layout.addWidget(self.heading)
        layout.addWidget(self.text, 2)
        layout.addWidget(self.themes_text)
        layout.addWidget(self.themes_area, 3)
        layout.addLayout(quote_row)
        layout.addWidget(self.problem)
        layout.addWidget(self.privacy)
        layout.addLayout(buttons)

    def set_themes(self, themes: tuple[str, ...]) -> None:
        if tuple(b.theme for b in self.theme_buttons) == themes:
            return
        for old in self.theme_buttons:
            old.hide()
            old.setParent(None)
            old.deleteLater()
        self.theme_buttons = []
        for index, theme in enumerate(themes):
            button = ThemeButton(theme)
            button.clicked.connect(lambda _=False, b=button: self._tapped(b))
            self.theme_grid.addWidget(button, index // THEME_COLUMNS, index % THEME_COLUMNS)
            self.theme_buttons.append(button)
        self.themes_text.setVisible(bool(themes))
        self.themes_area.setVisible(bool(themes))

    def _tapped(self, button: ThemeButton) -> None:
        button.setChecked(self._toggle_theme(button.theme))

    def clear(self) -> None:
        self.text.clear()
        for button in self.theme_buttons:
            button.setChecked(False)
        self.quote_box.setChecked(False)
        self.privacy.clear()
        self.problem.clear()
        self.problem.hide()

    def tab_chain(self) -> list[QWidget]:
        return [self.text, *self.theme_buttons, self.quote_box, self.again, self.save]
