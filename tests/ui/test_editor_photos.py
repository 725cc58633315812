"""Photos in the editor: dropped files come out upright, shrunk per the setting, stored once."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget
from test_editor_support import make_inspection, open_editor, sideways_jpeg, stored, wait_idle

from ui.settings import Settings


def drop_files(widget, paths: list[Path]) -> bool:
    """Drag files from the file manager and drop them on ``widget``; True if it accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(QPoint(20, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(20, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def test_dropped_sideways_photo_is_stored_upright_and_shown(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    photo = tmp_path / "IMG_0412.JPG"
    photo.write_bytes(sideways_jpeg((1200, 600)))
    ed.set_current("S1.3")
    assert ed.template.items["S1.3"].photo_required
    assert drop_files(ed.rows["S1.3"], [photo])
    qtbot.waitUntil(lambda: ed.state.photo_count("S1.3") == 1, timeout=10000)
    rows = stored(db, lambda s: s.attachments.for_inspection(iid))
    assert len(rows) == 1 and rows[0]["item_id"] == "S1.3"
    data = stored(db, lambda s: s.blobs.get(rows[0]["sha256"]))
    img = Image.open(io.BytesIO(data)).convert("RGB")
    assert img.size == (600, 1200), "portrait, as the phone was held"
    assert img.getpixel((300, 20))[0] > 180 and img.getpixel((300, 1180))[2] > 180, "red on top: turned the right way"
    assert ed.detail.photos.count() == 1
    icon = ed.detail.photos.item(0).icon().pixmap(96, 96)
    assert not icon.isNull() and icon.height() > icon.width()
    assert "1" in ed.rows["S1.3"].badge.text()
    assert "upright" in ed.status_line.text() or "转正" in ed.status_line.text()


def test_same_photo_twice_is_stored_once(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    photo = tmp_path / "seal.jpg"
    photo.write_bytes(sideways_jpeg((800, 400)))
    copy = tmp_path / "seal (1).jpg"
    copy.write_bytes(photo.read_bytes())
    ed.set_current("S1.3")
    assert drop_files(ed.detail.photos.viewport(), [photo])  # onto the photo strip
    assert drop_files(ed.rows["S1.4"], [copy])             # the same picture on another item
    qtbot.waitUntil(lambda: len(ed.state.photo_set()) == 2, timeout=10000)
    rows = stored(db, lambda s: s.attachments.for_inspection(iid))
    assert len(rows) == 2 and rows[0]["sha256"] == rows[1]["sha256"]
    assert stored(db, lambda s: s.conn.execute("SELECT COUNT(*) FROM blobs").fetchone()[0]) == 1


def test_large_original_is_downsized_per_the_setting(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid, Settings(photo_max_px=800))
    big = tmp_path / "big.png"
    Image.new("RGB", (3200, 2400), (30, 120, 60)).save(big)
    ed.add_photos("S2.3", [str(big)])
    qtbot.waitUntil(lambda: ed.state.photo_count("S2.3") == 1, timeout=15000)
    a = ed.state.photos["S2.3"][0]
    img = Image.open(io.BytesIO(stored(db, lambda s: s.blobs.get(a["sha256"]))))
    assert img.size == (800, 600)
    assert "800×600" in ed.status_line.text()


def test_viewer_shows_the_full_size_photo(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    ed.add_photo_bytes("S1.3", sideways_jpeg((1000, 500)), "seal.jpg")
    qtbot.waitUntil(lambda: ed.state.photo_count("S1.3") == 1, timeout=10000)
    ed.open_photo(ed.state.photos["S1.3"][0]["id"])
    viewer = ed.viewer
    qtbot.waitUntil(lambda: not viewer.image.isNull(), timeout=10000)
    assert viewer.isVisible()
    assert (viewer.image.width(), viewer.image.height()) == (500, 1000)
    assert "500×1000" in viewer.caption.text()
    viewer.close()


def test_not_a_picture_is_refused_with_a_message(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    fake = tmp_path / "report.jpg"
    fake.write_text("this is not a photo")
    ed.add_photos("S1.3", [str(fake)])
    wait_idle(qtbot, ed)
    assert stored(db, lambda s: s.attachments.for_inspection(iid)) == []
    assert "report.jpg" in ed.status_line.text()
    assert ed.photo_jobs_pending() == 0


def test_removing_the_required_photo_flags_the_item_again(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    ed.set_current("S1.3")
    ed.answer("S1.3", result="pass")
    assert ed.rows["S1.3"].missing == "photo"
    ed.add_photo_bytes("S1.3", sideways_jpeg((400, 200)), "seal.jpg")
    qtbot.waitUntil(lambda: ed.rows["S1.3"].missing is None, timeout=10000)
    ed.remove_photo(ed.state.photos["S1.3"][0]["id"])
    assert ed.rows["S1.3"].missing == "photo"
    assert stored(db, lambda s: s.attachments.for_inspection(iid)) == []


def test_photo_and_signature_item_types(qtbot, tmp_path: Path, monkeypatch) -> None:
    """Templates may ask for a photo or a signature as an item of their own (docs/templates.md)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    from qcity_desktop.checklists.templates import parse_template
    from qcity_desktop.store.inspections import Inspections

    template = parse_template({
        "id": "scale-market-in-service", "version": 1, "kind": "scale", "title": "带照片和签名项的检查",
        "rule": "scale_in_service", "sections": [{"id": "A", "title": "现场", "items": [
            {"id": "A.1", "title": "秤体完好", "type": "result", "results": ["pass", "fail", "na"]},
            {"id": "A.2", "title": "摊位全景照片", "type": "photo", "photo_required": True},
            {"id": "A.3", "title": "见证人签名", "type": "signature"}]}]}, "test-template")
    monkeypatch.setattr(Inspections, "template_of", lambda self, row: template)
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    assert ed.rows["A.2"].button.text() and ed.rows["A.2"].missing == "photo"
    ed.add_photo_bytes("A.2", sideways_jpeg((300, 200)), "stall.jpg")
    qtbot.waitUntil(lambda: ed.rows["A.2"].missing is None, timeout=10000)

    QTest.mouseClick(ed.rows["A.3"].button, Qt.MouseButton.LeftButton)
    dialog = ed.item_signature_dialog
    assert dialog.isVisible()
    box = dialog.findChild(QWidget, "signature-item")
    box.name.setText("赵六")
    pad = box.pad
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(20, 40))
    for x in range(30, 200, 10):
        QTest.mouseMove(pad, QPoint(x, 40 + x % 30))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(200, 50))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: (ed.state.answer("A.3") or None) is not None, timeout=10000)
    assert ed.state.answer("A.3").value == "赵六"
    kinds = {a["item_id"]: a["kind"] for a in stored(db, lambda s: s.attachments.for_inspection(iid))}
    assert kinds == {"A.2": "photo", "A.3": "signature"}
    assert ed.rows["A.3"].value.text() == "赵六"
