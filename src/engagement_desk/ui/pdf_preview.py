"""Preview and print a PDF inside the app, drawn by PDFium (pypdfium2).

Qt's own PDF module is not part of the PySide6 wheels, so pages are rendered to images
with PDFium — the same engine — both for the on-screen preview and for printing.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget


def render_pages(pdf: bytes, dpi: float = 96.0) -> list[QImage]:
    """Every page as an image; safe to call from a worker thread (no widgets)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for page in document:
            bitmap = page.render(scale=dpi / 72.0)
            pil = bitmap.to_pil().convert("RGB")
            data = pil.tobytes()
            image = QImage(data, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888)
            images.append(image.copy())  # own the pixels: `data` goes away
            page.close()
        return images
    finally:
        document.close()


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print every page at the printer's resolution, fitted to its page. Returns pages."""
    pages = render_pages(pdf, dpi=min(printer.resolution(), 300))
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be started.")
    try:
        for number, image in enumerate(pages):
            if number:
                printer.newPage()
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(area.x(), area.y(), size.width(), size.height()), image)
    finally:
        painter.end()
    return len(pages)


class PdfPreview(QScrollArea):
    """Pages one under another, each with a page number for screen readers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAccessibleName("Report preview")
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setWidget(self._body)
        self.pages: list[QLabel] = []
        self.show_message("Make a report to see it here.")

    def show_message(self, text: str) -> None:
        self._clear()
        label = QLabel(text)
        label.setWordWrap(True)
        self._layout.addWidget(label)
        self.pages = []

    def show_pages(self, images: list[QImage]) -> None:
        self._clear()
        self.pages = []
        for number, image in enumerate(images, start=1):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setAccessibleName(f"Page {number} of {len(images)}")
            label.setStyleSheet("border: 1px solid #9e9e9e; background: white;")
            self._layout.addWidget(label)
            self.pages.append(label)

    def _clear(self) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
