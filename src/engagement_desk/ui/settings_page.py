"""Settings: text size, the check-in desk (scanner prefix and suffix, how long a result
stays up), and where this laptop keeps its data."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.scanning import MAX_AFFIX_LENGTH, ScannerSettings, affix_problem
from engagement_desk.ui.layouts import ContentScroll, SideBySide

READY_AFTER_MAX = 120


class SettingsPage(QWidget):
    text_size_changed = Signal(int)
    high_contrast_changed = Signal(bool)
    scanner_changed = Signal(object)  # ScannerSettings
    ready_after_changed = Signal(int)  # seconds; 0 keeps each result up until the next

    def __init__(
        self,
        *,
        text_size: int,
        database_location: str,
        data_folder: str,
        log_file: str,
        device_name: str,
        set_kiosk_pin: Callable[[], QDialog] | None = None,
        scanner: ScannerSettings | None = None,
        ready_after: int = 5,
        high_contrast: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Settings")
        self.text_size = QSpinBox()
        self.text_size.setRange(8, 32)
        self.text_size.setSuffix(" pt")
        self.text_size.setValue(text_size)
        self.text_size.setAccessibleName("Text size in points")
        self.text_size.valueChanged.connect(self.text_size_changed)
        label = QLabel("&Text size:")
        label.setBuddy(self.text_size)

        self.high_contrast = QCheckBox("&High contrast: white text on black, yellow highlights")
        self.high_contrast.setAccessibleName(self.high_contrast.text().replace("&", ""))
        self.high_contrast.setChecked(high_contrast)
        self.high_contrast.toggled.connect(self.high_contrast_changed)

        form = QFormLayout()
        form.addRow(label, self.text_size)
        form.addRow("Colours:", self.high_contrast)
        for title, value in (
            ("Database", database_location),
            ("Data folder", data_folder),
            ("Log file", log_file),
            ("This laptop", device_name),
        ):
            shown = QLabel(value)
            shown.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
            shown.setAccessibleName(f"{title}: {value}")
            shown.setWordWrap(True)
            form.addRow(f"{title}:", shown)
        self.kiosk_pin_button = QPushButton("Set or change the &kiosk PIN…")
        self.kiosk_pin_button.setAccessibleName("Set or change the PIN that leaves kiosk mode")
        self._set_kiosk_pin = set_kiosk_pin
        self.kiosk_pin_button.clicked.connect(self.kiosk_pin)
        self.kiosk_pin_button.setVisible(set_kiosk_pin is not None)
        form.addRow("Kiosk:", self.kiosk_pin_button)

        self.scanner = scanner or ScannerSettings()
        desk_box = QGroupBox("Check-in desk")
        desk_box.setAccessibleName("Check-in desk settings")
        desk_form = QFormLayout(desk_box)
        self.ready_after = QSpinBox()
        self.ready_after.setRange(0, READY_AFTER_MAX)
        self.ready_after.setSuffix(" s")
        self.ready_after.setSpecialValueText("Never")
        self.ready_after.setValue(ready_after)
        self.ready_after.setAccessibleName(
            "Seconds before the check-in result goes back to Ready (0: never)"
        )
        self.ready_after.valueChanged.connect(self.ready_after_changed)
        ready_label = QLabel("Back to &Ready after:")
        ready_label.setBuddy(self.ready_after)
        desk_form.addRow(ready_label, self.ready_after)
        self.scanner_prefix = self._affix_field(
            self.scanner.prefix, "Characters the barcode scanner sends before each code"
        )
        self.scanner_suffix = self._affix_field(
            self.scanner.suffix, "Characters the barcode scanner sends after each code"
        )
        prefix_label = QLabel("Scanner &prefix:")
        prefix_label.setBuddy(self.scanner_prefix)
        suffix_label = QLabel("Scanner s&uffix:")
        suffix_label.setBuddy(self.scanner_suffix)
        desk_form.addRow(prefix_label, self.scanner_prefix)
        desk_form.addRow(suffix_label, self.scanner_suffix)
        hint = QLabel(
            "Only if your scanner was set up to send extra characters around each code "
            "(its manual calls them a prefix and a suffix). Leave both empty for a scanner "
            "that ends each code with Enter or Tab."
        )
        hint.setWordWrap(True)
        desk_form.addRow(hint)
        self.scanner_problem = QLabel()
        self.scanner_problem.setWordWrap(True)
        self.scanner_problem.setAccessibleName("Problem with the scanner settings")
        self.scanner_problem.setStyleSheet("font-weight: bold;")
        self.scanner_problem.hide()
        desk_form.addRow(self.scanner_problem)

        left, right = QWidget(), QWidget()
        basics = QVBoxLayout(left)
        basics.setContentsMargins(0, 0, 0, 0)
        basics.addLayout(form)
        basics.addWidget(desk_box)
        basics.addStretch(1)
        self._content = QVBoxLayout(right)  # sections other parts of the app add
        self._content.setContentsMargins(0, 0, 0, 0)
        self._content.addStretch(1)
        content = QVBoxLayout()
        # Two columns when the window is wide enough, so a laptop screen needs no scrolling.
        content.addWidget(SideBySide([(left, 1), (right, 1)]))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Settings</h2>"))
        layout.addWidget(ContentScroll(content), 1)  # large text on a small screen scrolls

    def add_section(self, title: str, widget: QWidget) -> QGroupBox:
        """A group of settings another part of the app provides (backups, email), placed
        after the ones above and before the page's spare space."""
        box = QGroupBox(title)
        box.setAccessibleName(title)
        QVBoxLayout(box).addWidget(widget)
        self._content.insertWidget(self._content.count() - 1, box)
        return box

    def _affix_field(self, value: str, accessible: str) -> QLineEdit:
        field = QLineEdit(value)
        field.setMaxLength(MAX_AFFIX_LENGTH + 1)  # one over, so too long is said, not cut
        field.setAccessibleName(accessible)
        field.setPlaceholderText("None")
        field.editingFinished.connect(self.save_scanner)
        return field

    def save_scanner(self) -> bool:
        """Take the prefix and suffix typed; a bad one is explained and nothing changes."""
        prefix, suffix = self.scanner_prefix.text(), self.scanner_suffix.text()
        for title, value in (("prefix", prefix), ("suffix", suffix)):
            problem = affix_problem(value)
            if problem is not None:
                self.scanner_problem.setText(f"⚠ Scanner {title} not changed. {problem}")
                self.scanner_problem.show()
                return False
        self.scanner_problem.hide()
        chosen = ScannerSettings(prefix=prefix, suffix=suffix)
        if chosen != self.scanner:
            self.scanner = chosen
            self.scanner_changed.emit(chosen)
        return True

    def kiosk_pin(self) -> QDialog | None:
        if self._set_kiosk_pin is None:
            return None
        dialog = self._set_kiosk_pin()
        dialog.open()
        return dialog
