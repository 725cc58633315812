"""The editor's photo and signature-item actions (a mixin of InspectionEditor).

Photos are read, turned upright and downsized on the worker (Pillow, qcity_desktop.photos) and
stored there in one transaction; the GUI only receives the attachment row and a thumbnail.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QMessageBox, QVBoxLayout

from qcity_desktop.errors import EnvironmentProblem, QCityError
from qcity_desktop.photos import DEFAULT_MAX_SIDE, JPEG_QUALITY, SUPPORTED_SUFFIXES
from ui.editor import jobs

if TYPE_CHECKING:
    from collections.abc import Callable

    from ui.widgets.photo_viewer import PhotoViewer


def present(err: BaseException, parent: Any) -> None:
    """Environment problems get the app's friendly box; bugs go to the crash dialog."""
    try:
        from ui.errors import present_error
    except ImportError:  # pragma: no cover
        raise err from None
    present_error(err, parent)


class PhotoActions:
    """Needs: worker, store, state, detail, rows, settings, inspection_id (see InspectionEditor)."""

    def _init_photos(self: Any) -> None:
        self._thumbs: dict[str, QPixmap] = {}
        self._thumb_wanted: set[str] = set()
        self._photo_jobs = 0
        self.viewer: PhotoViewer | None = None

    # -- thumbnails ----------------------------------------------------------------------
    def thumbnail_pixmap(self: Any, sha256: str) -> QPixmap | None:
        """The cached thumbnail, or None while the worker makes it (the strip updates when it arrives)."""
        pix = self._thumbs.get(sha256)
        if pix is None and sha256 not in self._thumb_wanted and not self._closed:
            self._thumb_wanted.add(sha256)
            self.worker.submit(partial(jobs.thumbnail, sha256=sha256), self._thumbnail_loaded,
                               lambda err: self.show_message(str(err), error=True), owner=self)
        return pix

    def _thumbnail_loaded(self: Any, result: tuple[str, bytes]) -> None:
        sha, data = result
        pix = QPixmap()
        pix.loadFromData(data)
        self._thumbs[sha] = pix
        self.detail.update_thumbnail(sha, pix)

    # -- adding --------------------------------------------------------------------------------
    def photo_settings(self: Any) -> tuple[int, int]:
        s = self.settings
        return (int(getattr(s, "photo_max_px", DEFAULT_MAX_SIDE) or 0),
                int(getattr(s, "photo_jpeg_quality", JPEG_QUALITY) or JPEG_QUALITY))

    def choose_photos(self: Any, item_id: str) -> None:
        if self.read_only or self._busy:
            return
        pattern = " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES)
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Add photos to %1").replace("%1", item_id), "",
                                                self.tr("Images (%1)").replace("%1", pattern))
        if paths:
            self.add_photos(item_id, paths)

    def add_photos(self: Any, item_id: str, paths: list[str]) -> None:
        """Process and store each file on the worker (drop, file dialog)."""
        for path in paths:
            self._submit_photo(item_id, path, Path(path).name)

    def add_photo_bytes(self: Any, item_id: str, data: bytes, filename: str = "photo.jpg") -> None:
        """A picture that is not a file (pasted, or from a camera widget)."""
        self._submit_photo(item_id, data, filename)

    def _submit_photo(self: Any, item_id: str, source: str | bytes, filename: str, kind: str = "photo",
                      then: Callable[[jobs.AddedPhoto], None] | None = None) -> None:
        if self.read_only or self._busy or self._closed:
            return
        max_px, quality = self.photo_settings()
        self._photo_jobs += 1
        self.show_message(self.tr("Processing photo %1…").replace("%1", filename))
        fn = partial(jobs.add_photo, inspection_id=self.inspection_id, item_id=item_id, source=source,
                     filename=filename, max_px=max_px, quality=quality, kind=kind)

        def done(added: jobs.AddedPhoto) -> None:
            self._photo_added(added)
            if then is not None:
                then(added)

        self.worker.submit(fn, done, self._photo_failed, owner=self)

    def _photo_added(self: Any, added: jobs.AddedPhoto) -> None:
        self._photo_jobs -= 1
        a = added.attachment
        item_id = a["item_id"] or ""
        self.state.photos.setdefault(item_id, []).append(a)
        pix = QPixmap()
        pix.loadFromData(added.thumbnail)
        self._thumbs[a["sha256"]] = pix
        self._refresh_row(item_id)
        self._refresh_flags()
        if item_id == self.current:
            self._show_detail()
        notes = []
        if added.rotated:
            notes.append(self.tr("turned upright"))
        if added.downsized:
            notes.append(self.tr("reduced to %1×%2").replace("%1", str(added.size[0])).replace("%2", str(added.size[1])))
        text = self.tr("Photo saved for %1").replace("%1", item_id)
        self.show_message(text + (f"（{'，'.join(notes)}）" if notes else ""))
        self.saved.emit(item_id)

    def _photo_failed(self: Any, err: BaseException) -> None:
        self._photo_jobs -= 1
        if isinstance(err, QCityError):
            self.show_message(str(err), error=True)
            if isinstance(err, EnvironmentProblem):
                present(err, self)
        else:
            present(err, self)

    def photo_jobs_pending(self: Any) -> int:
        return self._photo_jobs

    # -- removing --------------------------------------------------------------------------------
    def _find_attachment(self: Any, attachment_id: str) -> dict[str, Any] | None:
        for rows in self.state.photos.values():
            for a in rows:
                if a["id"] == attachment_id:
                    return a
        return None

    def confirm_remove_photo(self: Any, attachment_id: str) -> None:
        a = self._find_attachment(attachment_id)
        if a is None or self.read_only:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Remove photo"),
                          self.tr("Remove photo %1 from item %2?").replace("%1", a.get("filename") or "")
                          .replace("%2", a.get("item_id") or ""),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmRemovePhoto")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda code: code == QMessageBox.StandardButton.Yes and self.remove_photo(attachment_id))
        box.open()

    def remove_photo(self: Any, attachment_id: str) -> None:
        a = self._find_attachment(attachment_id)
        if a is None or self.read_only:
            return
        try:
            self.store.attachments.remove(attachment_id)
        except QCityError as err:
            self.refused(err)
            return
        item_id = a["item_id"] or ""
        self.state.photos[item_id] = [x for x in self.state.photos.get(item_id, []) if x["id"] != attachment_id]
        self._refresh_row(item_id)
        self._refresh_flags()
        if item_id == self.current:
            self._show_detail()
        self.show_message(self.tr("Photo removed from %1").replace("%1", item_id))

    # -- full-size viewer ------------------------------------------------------------------------
    def open_photo(self: Any, attachment_id: str) -> None:
        from ui.widgets.photo_viewer import PhotoViewer

        a = self._find_attachment(attachment_id)
        if a is None:
            return
        siblings = self.state.photos.get(a["item_id"] or "", [a])
        photos = [(x["sha256"], f"{x.get('item_id') or ''} {x.get('filename') or ''}".strip()) for x in siblings]
        index = next((n for n, x in enumerate(siblings) if x["id"] == attachment_id), 0)
        if self.viewer is None:
            self.viewer = PhotoViewer(self._load_full_image, self)
        self.viewer.show_photos(photos, index)
        self.viewer.show()
        self.viewer.activateWindow()

    def _load_full_image(self: Any, sha256: str, callback: Callable[[QImage], None]) -> None:
        self.worker.submit(partial(jobs.full_image, sha256=sha256), lambda res: callback(res[1]),
                           lambda err: self.show_message(str(err), error=True), owner=self)

    def close_photo_viewer(self: Any) -> None:
        if self.viewer is not None:
            self.viewer.close()

    # -- signature items (item type "signature") -----------------------------------------------
    def sign_item(self: Any, item_id: str) -> None:
        """A signature asked for by the template itself (e.g. a witness): stored as an image."""
        from ui.editor.sign_dialog import SignatureBox

        if self.read_only or self._busy:
            return
        dialog = QDialog(self)
        dialog.setObjectName("itemSignatureDialog")
        dialog.setWindowTitle(self.template.items[item_id].label(self.lang))
        lay = QVBoxLayout(dialog)
        box = SignatureBox(self.template.items[item_id].label(self.lang), "", "item")
        lay.addWidget(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        lay.addWidget(buttons)
        buttons.rejected.connect(dialog.reject)

        def save() -> None:
            if not box.filled():
                return
            signer = box.signer()
            self._submit_photo(item_id, box.pad.to_png(), f"{signer}.png", kind="signature",
                               then=lambda _added: self.answer(item_id, value=signer))
            dialog.accept()

        buttons.accepted.connect(save)
        lay.activate()  # settle the size limits before the window exists
        dialog.open()
        self.item_signature_dialog = dialog
