"""QR codes drawn straight onto a reportlab canvas, fast enough for a 50 ms certificate.

Why not reportlab's QrCodeWidget: it scores the eight mask patterns with a slow pure-Python
penalty routine (about 30 ms for a certificate payload) and draws every module as its own shape.
Here reportlab's encoder still builds the code words (Reed-Solomon and all), but the masks are
scored with string and integer operations (the four ISO/IEC 18004 penalty rules) and each row's
dark runs are drawn as one path, which is several times faster and gives an identical symbol
standard readers decode.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_RUN = re.compile(r"0{5,}|1{5,}")
_FINDER = re.compile(r"(?=10111010000|00001011101)")
LEVELS = {"L": 1, "M": 0, "Q": 3, "H": 2}  # reportlab's QRErrorCorrectLevel values


def _penalty(rows: list[str]) -> int:
    """ISO/IEC 18004 mask penalty (N1 runs, N2 blocks, N3 finder look-alikes, N4 balance)."""
    size = len(rows)
    cols = ["".join(col) for col in zip(*rows, strict=True)]
    score = 0
    for line in rows + cols:
        for run in _RUN.findall(line):
            score += len(run) - 2
        score += 40 * len(_FINDER.findall(line))
    full = (1 << size) - 1
    ints = [int(r, 2) for r in rows]
    for upper, lower in zip(ints, ints[1:], strict=False):
        dark = upper & (upper >> 1) & lower & (lower >> 1) & (full >> 1)
        light = ~upper & ~(upper >> 1) & ~lower & ~(lower >> 1) & (full >> 1)
        score += 3 * (dark.bit_count() + light.bit_count())
    dark_total = sum(r.count("1") for r in rows)
    percent = dark_total * 100 // (size * size)
    score += 10 * (abs(percent - 50) // 5)
    return score


@lru_cache(maxsize=8)
def _mask_rows(size: int) -> tuple[tuple[int, ...], ...]:
    """For each of the 8 masks, one int per row whose bits say where the mask flips a module."""
    from reportlab.graphics.barcode.qrencoder import QRUtil

    out = []
    for k in range(8):
        fn = QRUtil.getMask(k)
        out.append(tuple(int("".join("1" if fn(r, c) else "0" for c in range(size)), 2) for r in range(size)))
    return tuple(out)


def _format_cells(size: int) -> list[tuple[int, int]]:
    """(row, col) of the 31 modules that carry the format (level + mask) information."""
    cells = [(i, 8) for i in range(6)] + [(7, 8), (8, 8)] + [(size - 15 + i, 8) for i in range(8, 15)]
    cells += [(8, size - i - 1) for i in range(8)] + [(8, 7)] + [(8, 15 - i - 1) for i in range(9, 15)]
    return cells + [(size - 8, 8)]


def _cache_generator_polynomials() -> None:
    """reportlab rebuilds the Reed-Solomon generator polynomial for every block of every code;
    it depends only on the block's error-correction length, so memoise it (a pure function)."""
    from reportlab.graphics.barcode.qrencoder import QRUtil

    current = QRUtil.getErrorCorrectPolynomial
    if not hasattr(current, "cache_info"):
        QRUtil.getErrorCorrectPolynomial = staticmethod(lru_cache(maxsize=64)(current))


def qr_matrix(text: str, level: str = "M") -> list[list[bool]]:
    """The module matrix (True = dark) of ``text`` in byte mode, best of the eight masks.

    The symbol is laid out once (mask 0); the other masks are applied as XORs of whole rows,
    which avoids re-placing every data bit eight times.
    """
    from reportlab.graphics.barcode import qrencoder

    _cache_generator_polynomials()
    code = qrencoder.QRCode(None, LEVELS[level])
    code.addData(qrencoder.QR8bitByte(text))
    code.version = code.calculate_version()
    code.makeImpl(False, 0)
    size = code.getModuleCount()
    masks = _mask_rows(size)
    data_rows = [0] * size
    for col, row in code.dataPosIterator():
        data_rows[row] |= 1 << (size - 1 - col)
    base = [int("".join("1" if m else "0" for m in row), 2) ^ (masks[0][r] & data_rows[r])
            for r, row in enumerate(code.modules)]
    cells = _format_cells(size)
    best: tuple[int, list[str]] | None = None
    for k in range(8):
        code.setupTypeInfo(False, k)  # writes this mask's format bits into code.modules
        ints = [base[r] ^ (masks[k][r] & data_rows[r]) for r in range(size)]
        for r, c in cells:
            bit = 1 << (size - 1 - c)
            ints[r] = (ints[r] | bit) if code.modules[r][c] else (ints[r] & ~bit)
        rows = [format(v, f"0{size}b") for v in ints]
        score = _penalty(rows)
        if best is None or score < best[0]:
            best = (score, rows)
    assert best is not None
    return [[ch == "1" for ch in row] for row in best[1]]


def draw_qr(canvas: Any, text: str, x: float, y: float, size: float, level: str = "M") -> float:
    """Draw the QR code of ``text`` with its lower-left corner at (x, y), ``size`` points wide
    including the 4-module quiet zone; returns the module size in points."""
    matrix = qr_matrix(text, level)
    count = len(matrix)
    module = size / (count + 8)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    # One module = one unit: the runs below are small integers, written as literal path operators
    # (formatting thousands of floats through reportlab's path object was most of the cost).
    canvas.translate(x + 4 * module, y + size - 4 * module)
    canvas.scale(module, module)
    ops = []
    for r, row in enumerate(matrix):
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                ops.append(f"{start} {-r - 1} {c - start} 1 re")
            else:
                c += 1
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()
    return module
