"""The message bar in a page that says what was just saved or done, with "Open" and "Show in
folder" for a saved file. It never takes the focus and never blocks: it stays until the
next message or until it is closed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

DONE_MARK = "✔"


def open_url(url: QUrl) -> bool:
    """Hand a file or folder to the desktop (the PDF viewer, the file manager)."""
    return QDesktopServices.openUrl(url)


class FeedbackBar(QFrame):
    """``show_saved(text, path)`` after a save; ``show_done(text)`` after other work."""

    opened = Signal(QUrl)  # what was handed to the desktop, and whether it took it
    open_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackBar")
        self.setAccessibleName("What just happened")
        self.setFrameShape(QFrame.Shape.Box)
        self.setLineWidth(2)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#e8f1f8"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#0b0c0c"))
        self.setPalette(palette)
        self.path: Path | None = None

        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.text.setAccessibleName("Message")
        self.open_button = QPushButton("Open")
        self.open_button.setAccessibleName("Open the saved file")
        self.folder_button = QPushButton("Show in folder")
        self.folder_button.setAccessibleName("Show the folder the file was saved in")
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close this message")
        for button in (self.open_button, self.folder_button, self.close_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the focus be
        self.open_button.clicked.connect(self.open_file)
        self.folder_button.clicked.connect(self.show_folder)
        self.close_button.clicked.connect(self.hide)

        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.folder_button)
        layout.addWidget(self.close_button)
        self.hide()

    def show_saved(self, text: str, path: Path) -> None:
        self.path = path
        self._show(text, with_file=True)

    def show_done(self, text: str) -> None:
        self.path = None
        self._show(text, with_file=False)

    def _show(self, text: str, *, with_file: bool) -> None:
        self.text.setText(f"{DONE_MARK} {text}")
        self.setAccessibleDescription(text)
        self.open_button.setVisible(with_file)
        self.folder_button.setVisible(with_file)
        self.show()

    def open_file(self) -> bool:
        return self.path is not None and self._open(self.path)

    def show_folder(self) -> bool:
        return self.path is not None and self._open(self.path.parent)

    def _open(self, target: Path) -> bool:
        url = QUrl.fromLocalFile(str(target))
        if open_url(url):
            self.opened.emit(url)
            return True
        self.text.setText(
            f"⚠ Could not open {target}. It is saved there: open it from your file manager."
        )
        self.open_failed.emit(str(target))
        return False
