"""Screenshots of the checklist editor and the sign dialog, in Chinese, from a real X screen.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python docs/screenshots/take_editor_screenshots.py

Builds a demo elevator inspection (TSG T7001-2009) through the store API in a temp folder, opens the
real editor, answers the last item and completes it with the keyboard, answers the supervised-use
question (two C items fail), draws two signatures with mouse events, and saves editor.png,
supervised-use.png and signature.png next to this file.
"""

from __future__ import annotations

import io
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).resolve().parent


def demo_photo() -> bytes:
    """A stand-in photo of a machine-room light switch (drawn, landscape, with an EXIF turn)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1600, 1200), (188, 192, 186))
    d = ImageDraw.Draw(img)
    d.rectangle((560, 300, 1040, 900), fill=(236, 236, 230), outline=(90, 90, 90), width=8)
    d.rectangle((740, 480, 860, 720), fill=(200, 60, 50))
    for y in range(0, 1200, 60):
        d.line((0, y, 1600, y + 40), fill=(176, 180, 174), width=3)
    exif = Image.Exif()
    exif[0x0112] = 1
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def build_demo(db: str) -> str:
    from qcity_desktop.photos import prepare_photo
    from qcity_desktop.store import open_store

    store = open_store(db)
    sid, _ = store.subjects.add("elevator", {
        "name": "阳光花园3号楼1号电梯", "registration_code": "31103301012015060001", "district": "咸安区",
        "user_unit": "阳光花园物业服务有限公司", "maintenance_company": "鄂南电梯工程有限公司"})
    iid = store.inspections.create(sid, "elevator-t7001-2009", inspectors=["李明", "陈静"])
    template = store.inspections.template_of(store.inspections.row(iid))
    last = [i for i in template.leaves() if i.type == "result"][-1]
    for item in template.leaves():
        if item.type != "result" or item.id == last.id:
            continue
        result = "fail" if item.id in ("2.5", "3.12(2)") else ("na" if item.id.startswith("2.8(6)") else "pass")
        store.inspections.answer(iid, item.id, result=result)
    store.inspections.answer(iid, "2.5", note="机房照明开关损坏，照度不足 200 lx")
    store.inspections.answer(iid, "8.1-m1", value="0.46")
    store.inspections.answer(iid, "2.11-m1", value="12")
    photo = prepare_photo(demo_photo(), 2560)
    store.attachments.add(iid, photo.data, photo.mime, item_id="2.5", filename="机房照明开关.jpg")
    store.close()
    return iid


def scribble(pad, x0: int, y0: int, width: int, seed: float) -> None:  # noqa: ANN001
    """A handwriting-like signature drawn with real mouse events."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    strokes = 3
    for s in range(strokes):
        left = x0 + s * width // strokes
        pts = []
        for k in range(28):
            t = k / 27
            x = left + int(t * width / strokes * 0.9)
            y = y0 + int(18 * math.sin(t * 9 + seed + s) + 10 * math.cos(t * 23 + s * seed))
            pts.append(QPoint(x, y))
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pts[0])
        for p in pts[1:]:
            QTest.mouseMove(pad, p)
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pts[-1])


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="qcity-editor-shots-"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(tmp / var.lower())
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont, QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.editor import InspectionEditor
    from ui.i18n import install_language
    from ui.settings import Settings

    app = QApplication(["qcity"])
    app.setFont(QFont("WenQuanYi Zen Hei", 10))
    install_language("zh_CN")
    db = str(tmp / "demo.db")
    iid = build_demo(db)

    def settle(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def shot(widget, name: str) -> None:  # noqa: ANN001
        settle(0.4)
        g = widget.frameGeometry()
        QGuiApplication.primaryScreen().grabWindow(0, g.x(), g.y(), g.width(), g.height()).save(str(OUT / name))
        print("saved", OUT / name)

    editor = InspectionEditor(db, iid, Settings(inspector_name="李明"))
    editor.resize(1360, 860)
    editor.move(0, 0)
    editor.show()
    editor.activateWindow()
    settle(1.5)
    editor.set_current("2.5")
    settle(1.0)
    shot(editor, "editor.png")

    last = editor.state.next_missing(None)
    editor.set_current(last)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)
    settle(0.8)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(2.0)
    box = editor.supervised_use_box   # two C items fail: the conclusion depends on the using unit's commitment
    if box is None or not box.isVisible():
        print("the supervised-use question did not appear:", editor.status_line.text())
        return 1
    shot(editor, "supervised-use.png")
    box.findChild(type(box.button(box.StandardButton.Cancel)), "supervisedYes").click()
    settle(2.0)
    dialog = editor.sign_dialog
    if dialog is None:
        print("completing failed:", editor.status_line.text())
        return 1
    dialog.move(120, 60)
    settle(0.5)
    scribble(dialog.inspector.pad, 40, dialog.inspector.pad.height() - 80, 260, 0.7)
    dialog.representative.name.setText("王建国（物业）")
    scribble(dialog.representative.pad, 50, dialog.representative.pad.height() - 76, 230, 2.1)
    shot(dialog, "signature.png")
    dialog.reject()
    editor.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
