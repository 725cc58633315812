"""Work the editor sends to its database worker thread (each function gets the worker's own Store).

Evaluating a 189-item JGJ 59 checklist, decoding a 12-megapixel photo or hashing the whole
inspection at signing can each take longer than a frame, so none of it runs on the GUI thread.
These are plain functions returning plain data (QImage is safe off the GUI thread; QPixmap is not).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QImage

from qcity_desktop.checklists.model import Evaluation
from qcity_desktop.errors import QCityError
from qcity_desktop.photos import make_thumbnail, prepare_photo, read_photo_file

if TYPE_CHECKING:
    from qcity_desktop.store import Store


@dataclass
class EvalResult:
    evaluation: Evaluation | None
    error: str | None
    status: str
    findings: list[dict[str, Any]] = field(default_factory=list)
    row: dict[str, Any] = field(default_factory=dict)


def evaluate(store: Store, inspection_id: str) -> EvalResult:
    """The rule engine's verdict on the answers committed so far, plus the inspection's findings."""
    row = store.inspections.row(inspection_id)
    try:
        ev: Evaluation | None = store.inspections.evaluation(inspection_id)
        error = None
    except QCityError as err:  # e.g. a JGJ 59 deduction outside its clause's range: show, don't crash
        ev, error = None, str(err)
    return EvalResult(ev, error, row["status"], store.findings.for_inspection(inspection_id), row)


def complete(store: Store, inspection_id: str, supervised_use: bool | None = None) -> EvalResult:
    ev = store.inspections.complete(inspection_id, supervised_use=supervised_use)
    row = store.inspections.row(inspection_id)
    return EvalResult(ev, None, row["status"], store.findings.for_inspection(inspection_id), row)


@dataclass
class AddedPhoto:
    attachment: dict[str, Any]
    thumbnail: bytes
    rotated: bool
    downsized: bool
    size: tuple[int, int]


def add_photo(store: Store, inspection_id: str, item_id: str | None, source: str | bytes, filename: str,
              max_px: int, quality: int, kind: str = "photo") -> AddedPhoto:
    """Prepare (upright, downsized) and store one photo; the same picture twice keeps one copy."""
    if isinstance(source, bytes):
        photo = prepare_photo(source, max_px, filename or "照片", quality)
    else:
        photo = read_photo_file(source, max_px, quality)
    if photo.rotated or photo.downsized:
        stem = filename.rsplit(".", 1)[0] if "." in filename else filename
        filename = (stem or "photo") + photo.extension
    aid = store.attachments.add(inspection_id, photo.data, photo.mime, item_id=item_id, filename=filename,
                                kind=kind)
    row = next(a for a in store.attachments.for_inspection(inspection_id) if a["id"] == aid)
    return AddedPhoto(row, make_thumbnail(photo.data), photo.rotated, photo.downsized, (photo.width, photo.height))


def thumbnail(store: Store, sha256: str) -> tuple[str, bytes]:
    return sha256, make_thumbnail(store.blobs.get(sha256))


def full_image(store: Store, sha256: str) -> tuple[str, QImage]:
    image = QImage()
    image.loadFromData(store.blobs.get(sha256))
    return sha256, image


@dataclass
class SignatureInput:
    role: str
    signer: str
    png: bytes | None


def sign(store: Store, inspection_id: str, inspector: str, signatures: list[SignatureInput]) -> dict[str, Any]:
    """Record the handwritten signatures and lock the inspection, all or nothing."""
    with store.transaction():
        for s in signatures:
            store.signatures.add(inspection_id, s.role, s.signer, s.png)
        result = store.inspections.sign(inspection_id, inspector)
    return {**result, "row": store.inspections.row(inspection_id)}
