"""The fast QR matrix is module for module the symbol the qrcode library makes."""

from __future__ import annotations

import random
import string

import pytest
import qrcode
from PIL import Image, ImageDraw
from qrcode.constants import ERROR_CORRECT_M

from engagement_desk.core.qr import decode_qr, qr_segments
from engagement_desk.core.qr_matrix import qr_matrix
from engagement_desk.core.tickets import mint_ticket, new_keys, new_ticket_id


def _library_rows(payload: str) -> tuple[int, ...]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    for segment in qr_segments(payload):
        code.add_data(segment)
    code.make(fit=True)
    return tuple(sum(1 << c for c, dark in enumerate(row) if dark) for row in code.modules)


def _payloads() -> list[str]:
    keys = new_keys()
    assert keys.private_key is not None
    tickets = [mint_ticket(keys.private_key, "ABCDEF", new_ticket_id()) for _ in range(40)]
    rnd = random.Random(14)
    # Other lengths and byte mode, so versions 1 to past 7 (version bits) are covered.
    others = [
        "".join(rnd.choice(string.printable) for _ in range(rnd.randint(1, 500))) for _ in range(40)
    ]
    return tickets + others + ["", "0", "HELLO WORLD", "é" * 30]


@pytest.mark.parametrize("payload", _payloads())
def test_same_modules_as_the_library(payload: str) -> None:
    assert qr_matrix(payload).rows == _library_rows(payload)


def test_a_drawn_matrix_decodes() -> None:
    keys = new_keys()
    assert keys.private_key is not None
    payload = mint_ticket(keys.private_key, "ABCDEF", new_ticket_id())
    matrix = qr_matrix(payload)
    box, border = 4, 4
    side = (matrix.size + 2 * border) * box
    image = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(image)
    for row, column, length in matrix.dark_runs():
        x, y = (border + column) * box, (border + row) * box
        draw.rectangle((x, y, x + length * box - 1, y + box - 1), fill=0)
    assert decode_qr(image) == [payload]
    assert sum(length for _, _, length in matrix.dark_runs()) == sum(
        matrix.dark(r, c) for r in range(matrix.size) for c in range(matrix.size)
    )
