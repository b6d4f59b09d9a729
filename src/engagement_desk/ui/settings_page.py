"""Settings: text size, and where this laptop keeps its data."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


class SettingsPage(QWidget):
    text_size_changed = Signal(int)

    def __init__(
        self,
        *,
        text_size: int,
        database_location: str,
        data_folder: str,
        log_file: str,
        device_name: str,
        set_kiosk_pin: Callable[[], QDialog] | None = None,
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

        form = QFormLayout()
        form.addRow(label, self.text_size)
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
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Settings</h2>"))
        layout.addLayout(form)
        layout.addStretch(1)

    def kiosk_pin(self) -> QDialog | None:
        if self._set_kiosk_pin is None:
            return None
        dialog = self._set_kiosk_pin()
        dialog.open()
        return dialog
