"""Photo evidence: upright, not oversized, and byte-for-byte reproducible.

Phones store the picture sideways and record the turn in an EXIF tag that PDF libraries and many
viewers ignore, so the pixels are turned here once, before storing. Very large originals are
scaled down to the configured long edge so a 60-item checklist with photos does not fill a laptop
disk. The work is deterministic (same input bytes and setting → same output bytes) because the
store keeps each file once by its SHA-256: adding the same photo twice must give the same hash.
An image that needs no change is kept exactly as it came (best evidence).

Qt-free on purpose: the GUI runs this in a worker thread, the CLI and the hub can use it too.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from qcity_desktop.errors import EnvironmentProblem, InputError

DEFAULT_MAX_SIDE = 2560  # pixels on the long edge; ~5 MP keeps a gap or a seal readable
THUMB_SIDE = 160
JPEG_QUALITY = 90
MAX_FILE_BYTES = 80 * 1024 * 1024
_KEEP_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
_ORIENTATION_TAG = 0x0112
SUPPORTED_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp")


@dataclass(frozen=True)
class PreparedPhoto:
    """What gets stored: the bytes, their type and size, and what was done to them."""

    data: bytes
    mime: str
    width: int
    height: int
    rotated: bool
    downsized: bool
    original_width: int
    original_height: int

    @property
    def extension(self) -> str:
        return ".png" if self.mime == "image/png" else ".jpg"


def _open(data: bytes, where: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            img.size  # noqa: B018 - forces the header to be parsed here, inside the try
    except Image.DecompressionBombError:
        raise InputError(f"{where}：图片像素过多，无法处理（请先在手机上缩小后再添加）") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise InputError(f"{where}：不是可识别的图片（支持 JPEG、PNG、BMP、GIF、TIFF、WebP）") from None
    return img


def _orientation(img: Image.Image) -> int:
    try:
        return int(img.getexif().get(_ORIENTATION_TAG, 1) or 1)
    except Exception:  # a damaged EXIF block must not stop the photo from being used
        return 1


def _scaled(size: tuple[int, int], max_side: int | None) -> tuple[int, int] | None:
    w, h = size
    if not max_side or max(w, h) <= max_side:
        return None
    if w >= h:
        return max_side, max(1, round(h * max_side / w))
    return max(1, round(w * max_side / h)), max_side


def prepare_photo(data: bytes, max_side: int | None = DEFAULT_MAX_SIDE, where: str = "照片",
                  quality: int = JPEG_QUALITY) -> PreparedPhoto:
    """Turn ``data`` upright and shrink it to ``max_side`` pixels on the long edge if larger.

    ``max_side`` None or 0 keeps the full resolution. Raises InputError for something that is
    not a picture.
    """
    img = _open(data, where)
    fmt = img.format or ""
    orientation = _orientation(img)
    ow, oh = img.size
    upright = (oh, ow) if orientation in (5, 6, 7, 8) else (ow, oh)
    target = _scaled(upright, max_side)
    rotated = orientation not in (1, 0)
    if not rotated and target is None and fmt in _KEEP_FORMATS:
        return PreparedPhoto(data, _KEEP_FORMATS[fmt], ow, oh, False, False, ow, oh)
    try:
        if target is not None and fmt == "JPEG":
            # decode at 1/2, 1/4 or 1/8 scale straight away: a 48 MP photo loads several times faster
            draft_size = (target[1], target[0]) if orientation in (5, 6, 7, 8) else target
            img.draft(img.mode if img.mode in ("RGB", "L") else "RGB", draft_size)
        img.load()
        icc = img.info.get("icc_profile")
        exif = img.getexif()
        img = ImageOps.exif_transpose(img) or img
        if target is not None and img.size != target:
            img = img.resize(target, Image.Resampling.LANCZOS)
    except (OSError, ValueError, SyntaxError) as err:
        raise InputError(f"{where}：图片已损坏，无法读取（{err}）") from None
    if _ORIENTATION_TAG in exif:
        exif[_ORIENTATION_TAG] = 1
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if has_alpha:
        img.convert("RGBA").save(out, "PNG", optimize=False, exif=exif.tobytes(), **extra)
        mime = "image/png"
    else:
        if img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        img.save(out, "JPEG", quality=max(1, min(100, quality)), optimize=False, exif=exif.tobytes(), **extra)
        mime = "image/jpeg"
    w, h = img.size
    return PreparedPhoto(out.getvalue(), mime, w, h, rotated, target is not None, ow, oh)


def read_photo_file(path: str | os.PathLike[str], max_side: int | None = DEFAULT_MAX_SIDE,
                    quality: int = JPEG_QUALITY) -> PreparedPhoto:
    """Read and prepare a photo file; one-line errors name the file."""
    p = Path(path)
    where = p.name or str(p)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"{where}：文件过大（{size // (1024 * 1024)} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）")
        data = p.read_bytes()
    except FileNotFoundError:
        raise EnvironmentProblem(f"{p}：文件不存在（可能已被移动或删除）") from None
    except IsADirectoryError:
        raise InputError(f"{p}：是文件夹，不是图片") from None
    except PermissionError:
        raise EnvironmentProblem(f"{p}：没有读取权限") from None
    except OSError as err:
        raise EnvironmentProblem(f"{p}：无法读取（{err.strerror}）") from None
    return prepare_photo(data, max_side, where, quality)


def make_thumbnail(data: bytes, side: int = THUMB_SIDE) -> bytes:
    """A small JPEG (PNG when transparent) fitting in ``side``×``side``, upright."""
    img = _open(data, "缩略图")
    try:
        if img.format == "JPEG":
            img.draft("RGB", (side, side))
        img.load()
        img = ImageOps.exif_transpose(img) or img
        img.thumbnail((side, side), Image.Resampling.LANCZOS)
    except (OSError, ValueError, SyntaxError) as err:
        raise InputError(f"缩略图：图片已损坏，无法读取（{err}）") from None
    out = io.BytesIO()
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        img.convert("RGBA").save(out, "PNG")
    else:
        img.convert("RGB").save(out, "JPEG", quality=82)
    return out.getvalue()


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height as displayed (after the EXIF turn), read from the header only."""
    img = _open(data, "图片")
    w, h = img.size
    return (h, w) if _orientation(img) in (5, 6, 7, 8) else (w, h)
