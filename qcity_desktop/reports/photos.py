"""Photos and handwritten signatures as small, upright images for the PDF.

Why re-encode: camera photos are 3–12 MB and often stored sideways with an EXIF orientation tag
that PDF viewers ignore. Each photo is turned upright and shrunk to what the thumbnail needs at
print resolution, so a report with a dozen photos stays a few hundred kB and builds in well under
a second (JPEG "draft" mode lets the decoder skip most of the full-size work).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from qcity_desktop.reports.layout import para


def thumbnail(data: bytes, max_px: int) -> tuple[bytes, int, int] | None:
    """Upright JPEG (or PNG for images with transparency) no larger than ``max_px``; None if unreadable."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        if img.format == "JPEG":
            img.draft("RGB", (max_px, max_px))
        img = ImageOps.exif_transpose(img)
        img.thumbnail((max_px, max_px))
        out = io.BytesIO()
        if img.mode in ("RGBA", "LA", "P"):
            img = img.convert("RGBA")
            img.save(out, "PNG", optimize=False)
        else:
            img.convert("RGB").save(out, "JPEG", quality=80)
        return out.getvalue(), img.width, img.height
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def image_flowable(data: bytes, max_w: float, max_h: float, max_px: int = 600) -> Any | None:
    """A reportlab Image scaled to fit the box, keeping the aspect ratio."""
    from reportlab.platypus import Image

    thumb = thumbnail(data, max_px)
    if thumb is None:
        return None
    raw, w, h = thumb
    scale = min(max_w / w, max_h / h)
    return Image(io.BytesIO(raw), width=w * scale, height=h * scale)


def photo_grid(photos: list[dict[str, Any]], blob: Callable[[str], bytes | None] | None, width: float,
               columns: int, style: Any, missing_text: str) -> Any | None:
    """A table of thumbnails with captions, ``columns`` per row; None when there are no photos."""
    from reportlab.platypus import Table, TableStyle

    if not photos:
        return None
    cell_w = width / columns
    img_w = cell_w - 8
    img_h = img_w * 0.75
    cells = []
    for photo in photos:
        data = blob(photo["sha256"]) if (blob and photo.get("sha256")) else None
        image = image_flowable(data, img_w, img_h, max_px=int(img_w / 72 * 200)) if data else None
        caption = photo.get("caption") or photo.get("filename") or ""
        if photo.get("item_id"):
            caption = f"[{photo['item_id']}] {caption}"
        cells.append([image if image is not None else para(missing_text, style), para(caption, style)])
    rows = []
    for start in range(0, len(cells), columns):
        chunk = cells[start:start + columns]
        chunk += [""] * (columns - len(chunk))
        rows.append(chunk)
    table = Table(rows, colWidths=[cell_w] * columns, hAlign="LEFT")
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), style.fontName), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]))
    return table
