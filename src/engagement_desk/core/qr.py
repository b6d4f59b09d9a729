"""QR images: make one for a payload, read codes back from an image. Pure computation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# qrcode, zxing-cpp and Pillow are imported on first use: the app starts without
# needing them, and they are a noticeable share of start-up time.
if TYPE_CHECKING:
    from PIL import Image


def qr_segments(payload: str) -> list[Any]:
    """How the payload is encoded. A ticket code (QR alphanumeric characters only) goes in
    as one alphanumeric segment: the library's own splitter can put a short run between
    two digit runs into byte mode, making some codes needlessly denser."""
    from qrcode.util import ALPHA_NUM, MODE_ALPHA_NUM, QRData, optimal_data_chunks

    raw = payload.encode("utf-8")
    if raw and all(byte in ALPHA_NUM for byte in raw):
        return [QRData(raw, mode=MODE_ALPHA_NUM, check_data=False)]
    return list(optimal_data_chunks(payload))


def make_qr_image(payload: str, *, box_size: int = 8, border: int = 4) -> Image.Image:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    for segment in qr_segments(payload):
        code.add_data(segment)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image()
    grey: Image.Image = image.convert("L")
    return grey


def decode_qr(image: Image.Image) -> list[str]:
    """Every QR code's text found in the image (empty when none)."""
    import zxingcpp

    results = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    return [result.text for result in results if result.valid]
