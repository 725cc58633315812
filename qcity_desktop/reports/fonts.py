"""The CJK font every PDF is set in, found once per process.

Why a shipped font: a report is legal evidence and must look the same in every viewer, so the font
is embedded; reportlab embeds only TrueType outlines (not CFF/OTF such as Noto CJK), and the
default install must not depend on what the operating system happens to have. The app therefore
ships WenQuanYi Micro Hei (Apache-2.0) in resources/fonts; QCITY_CJK_FONT can point at another
TrueType font (a bureau's licensed 宋体, say), and a few well-known system fonts are the last resort
for a stripped-down install.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from qcity_desktop.errors import EnvironmentProblem

FONT_NAME = "QCityCJK"
FONTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
SHIPPED = FONTS_DIR / "wqy-microhei.ttc"
# Only TrueType-outline fonts: these embed. Tried in order after the shipped one.
SYSTEM_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/Supplemental/Songti.ttc",
)

_lock = threading.Lock()
_registered: dict[str, str] = {}


def _split_index(spec: str) -> tuple[Path, int]:
    """``font.ttc#2`` → (path, 2): a collection holds several faces."""
    if "#" in spec:
        path, _, index = spec.rpartition("#")
        if index.isdigit():
            return Path(path), int(index)
    return Path(spec), 0


def candidates() -> list[tuple[Path, int, str]]:
    """Where the font may come from, in order of preference, with a label for messages."""
    out: list[tuple[Path, int, str]] = []
    override = os.environ.get("QCITY_CJK_FONT")
    if override:
        path, index = _split_index(override)
        out.append((path, index, "QCITY_CJK_FONT"))
    out.append((SHIPPED, 0, "shipped"))
    out.extend((Path(p), 0, "system") for p in SYSTEM_CANDIDATES)
    return out


def _is_truetype(path: Path) -> bool:
    with path.open("rb") as fh:
        magic = fh.read(4)
    return magic in (b"\x00\x01\x00\x00", b"true", b"ttcf")


def _load(path: Path, index: int):  # -> TTFont
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if not _is_truetype(path):
        raise EnvironmentProblem(f"font {path} is not a TrueType font (CFF/OTF fonts cannot be embedded in PDFs)")
    try:
        return TTFont(FONT_NAME, str(path), subfontIndex=index)
    except (TTFError, OSError, ValueError) as err:
        raise EnvironmentProblem(f"cannot use font {path}: {err}") from err


def register_cjk_font() -> str:
    """Register the CJK font with reportlab (once) and return its reportlab name.

    An explicit QCITY_CJK_FONT that cannot be used is an error rather than a silent fallback:
    the user asked for that font and should learn why it is not in the PDF.
    """
    if FONT_NAME in _registered:
        return FONT_NAME
    with _lock:
        if FONT_NAME in _registered:
            return FONT_NAME
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics

        tried = []
        for path, index, source in candidates():
            if not path.is_file():
                if source == "QCITY_CJK_FONT":
                    raise EnvironmentProblem(f"QCITY_CJK_FONT points at a missing file: {path}")
                tried.append(str(path))
                continue
            try:
                font = _load(path, index)
            except EnvironmentProblem:
                if source != "system":
                    raise
                tried.append(str(path))
                continue
            pdfmetrics.registerFont(font)
            # One face serves as regular and bold: <b> in a paragraph must not fall back to Helvetica.
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT_NAME, bold, italic, FONT_NAME)
            _registered[FONT_NAME] = str(path)
            return FONT_NAME
        raise EnvironmentProblem(
            "no embeddable CJK TrueType font found (looked for " + ", ".join(tried) + "); reinstall the app "
            "or set QCITY_CJK_FONT"
        )


def font_path() -> str:
    """The file the registered font came from (for `qcity report --json` and the docs)."""
    register_cjk_font()
    return _registered[FONT_NAME]


def missing_chars(text: str) -> list[str]:
    """Characters of ``text`` the font has no glyph for (they would print as empty boxes)."""
    from reportlab.pdfbase import pdfmetrics

    font = pdfmetrics.getFont(register_cjk_font())
    cmap = font.face.charToGlyph
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap})
