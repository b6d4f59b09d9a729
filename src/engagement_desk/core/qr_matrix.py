"""A QR code's modules as rows of bits, for drawing it as vector shapes. Pure computation.

The ``qrcode`` library picks a mask by laying the data out eight times (once per mask
pattern) and scoring each layout module by module in Python: about nine-tenths of the
time a ticket took. Here the data is laid out once; the other seven layouts differ from
it only where a mask flips a data module, so each is an XOR of whole rows, and the four
penalty rules of ISO/IEC 18004 are scored on rows of bits and strings of '0'/'1' (C speed).
The scoring is the library's own rule for rule (format modules light while scoring), so
the chosen mask, and therefore every module, is the one ``qrcode`` itself would draw;
``tests/unit/test_qr_matrix.py`` checks that against the library for many codes.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import Any

from engagement_desk.core.qr import qr_segments

# Patterns that look like a finder (1:1:3:1:1 dark:light:dark:light:dark with four light
# modules before or after): 40 penalty points each, overlapping matches counted.
_FINDER_LIKE = re.compile(r"(?=10111010000|00001011101)")
_LONG_RUN = re.compile(r"0{5,}|1{5,}")


@dataclass(frozen=True)
class QRMatrix:
    """A QR symbol without its quiet zone: ``rows[r]`` has bit ``c`` set when module
    (r, c) is dark."""

    size: int
    rows: tuple[int, ...]

    def dark(self, row: int, column: int) -> bool:
        return bool(self.rows[row] >> column & 1)

    def dark_runs(self) -> list[tuple[int, int, int]]:
        """(row, first column, length) of each horizontal run of dark modules: drawing one
        rectangle per run takes about a third as many shapes as one per module."""
        runs: list[tuple[int, int, int]] = []
        for r, bits in enumerate(self.rows):
            line = format(bits, f"0{self.size}b")[::-1]
            runs.extend((r, m.start(), m.end() - m.start()) for m in re.finditer("1+", line))
        return runs


@functools.lru_cache(maxsize=4096)
def qr_matrix(payload: str) -> QRMatrix:
    """The symbol ``make_qr_image`` draws for ``payload`` (error correction M), as bits.

    Cached: a ticket drawn for the batch PDF and again for its email is encoded once.
    """
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    for segment in qr_segments(payload):
        code.add_data(segment)
    code.best_fit()
    version = int(code.version)
    # Test layout with mask 0: format and version modules light, as the library scores it.
    code.makeImpl(True, 0)
    first = _rows_of(code.modules)
    layout = _layout(version)
    flips = [
        tuple(m0 ^ m for m0, m in zip(layout.masks[0], layout.masks[n], strict=True))
        for n in range(8)
    ]
    best, best_points = 0, -1
    for n in range(8):
        rows = [row ^ flip for row, flip in zip(first, flips[n], strict=True)]
        points = _penalty(rows, layout.size)
        if n == 0 or points < best_points:
            best, best_points = n, points
    final = tuple(
        (row ^ flip) | info
        for row, flip, info in zip(first, flips[best], layout.format_bits[best], strict=True)
    )
    return QRMatrix(size=layout.size, rows=final)


@dataclass(frozen=True)
class _Layout:
    size: int
    masks: tuple[tuple[int, ...], ...]  # per mask pattern: its flipped data modules, per row
    format_bits: tuple[tuple[int, ...], ...]  # per mask pattern: dark format/version modules


@functools.cache
def _layout(version: int) -> _Layout:
    """What every symbol of this version shares: where data goes, each mask, format bits."""
    import qrcode
    from qrcode import util
    from qrcode.constants import ERROR_CORRECT_M

    size = version * 4 + 17
    probe: Any = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0)
    # A blank symbol: function patterns drawn, format and version modules taken (light);
    # the modules still empty (None) are the data modules.
    probe.add_data("0")
    probe.makeImpl(True, 0)
    from qrcode.main import copy_2d_array, precomputed_qr_blanks

    probe.modules = copy_2d_array(precomputed_qr_blanks[version])
    probe.setup_type_info(True, 0)
    if version >= 7:
        probe.setup_type_number(True)
    data_cells = [[cell is None for cell in row] for row in probe.modules]
    masks = []
    format_bits = []
    for n in range(8):
        flip = util.mask_func(n)
        masks.append(
            tuple(
                sum(1 << c for c in range(size) if data_cells[r][c] and flip(r, c))
                for r in range(size)
            )
        )
        probe.modules = [[False] * size for _ in range(size)]
        probe.setup_type_info(False, n)
        if version >= 7:
            probe.setup_type_number(False)
        format_bits.append(_rows_of(probe.modules))
    return _Layout(size=size, masks=tuple(masks), format_bits=tuple(format_bits))


def _rows_of(modules: list[list[Any]]) -> tuple[int, ...]:
    return tuple(sum(1 << c for c, cell in enumerate(row) if cell) for row in modules)


def _penalty(rows: list[int], size: int) -> int:
    """The library's ``util.lost_point``: runs, 2x2 blocks, finder-like patterns, balance."""
    lines = [format(bits, f"0{size}b")[::-1] for bits in rows]
    columns = ["".join(column) for column in zip(*lines, strict=True)]
    points = 0
    for line in (*lines, *columns):
        for run in _LONG_RUN.finditer(line):
            points += run.end() - run.start() - 2
        points += 40 * len(_FINDER_LIKE.findall(line))
    pairs = (1 << (size - 1)) - 1
    full = (1 << size) - 1
    for upper, lower in itertools.pairwise(rows):
        same_down = ~(upper ^ lower) & full
        same_across = ~(upper ^ (upper >> 1)) & pairs
        points += 3 * (same_down & (same_down >> 1) & same_across).bit_count()
    dark = sum(bits.bit_count() for bits in rows)
    percent = float(dark) / (size**2)
    points += int(abs(percent * 100 - 50) / 5) * 10
    return points
