"""Shared set-up for the editor tests: a real database file with a real subject and template."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from qcity_desktop.store import open_store

SUBJECTS = {
    "scale": {"name": "张记水果摊 3号秤", "serial_no": "TC-2024-0815", "market": "城东农贸市场", "district": "西湖区"},
    "elevator": {"name": "阳光花园3号楼1号电梯", "registration_code": "31103301012015060001", "district": "西湖区"},
    "site": {"name": "城南安置房二期工地", "district": "上城区"},
}
TEMPLATES = {"scale": "scale-market-in-service", "elevator": "elevator-t7001-2009", "site": "site-jgj59-2011"}


def make_inspection(tmp_path: Path, kind: str = "scale") -> tuple[str, str]:
    """A database file with one draft inspection; returns (db path, inspection id)."""
    db = str(tmp_path / "qcity.db")
    store = open_store(db)
    sid, _ = store.subjects.add(kind, SUBJECTS[kind])
    iid = store.inspections.create(sid, TEMPLATES[kind], inspectors=["李明"])
    store.close()
    return db, iid


def stored_answers(db: str, iid: str) -> dict[str, Any]:
    """What another process opening the file would see (a separate connection)."""
    store = open_store(db)
    try:
        return store.inspections.answers(iid)
    finally:
        store.close()


def stored(db: str, fn: Any) -> Any:
    store = open_store(db)
    try:
        return fn(store)
    finally:
        store.close()


def open_editor(qtbot: Any, db: str, iid: str, settings: Any = None) -> Any:
    """The editor inside a plain host window, as the main window embeds it."""
    from ui.editor import InspectionEditor
    from ui.errors import set_test_mode

    set_test_mode(True)
    host = QWidget()
    host.resize(1280, 820)
    editor = InspectionEditor(db, iid, settings, parent=host)
    editor.setGeometry(host.rect())
    editor.test_host = host  # qtbot keeps only a weak reference; the host must outlive this function
    qtbot.addWidget(host, before_close_func=lambda _h: editor.shutdown())
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow, timeout=5000)
    qtbot.waitUntil(lambda: editor.evaluation is not None and focused() is not None, timeout=5000)
    return editor


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(editor: Any, *keys: Qt.Key | str) -> None:
    """Type into whatever has the keyboard focus, as a user does. Strings with Chinese arrive
    as an input method commits them (a QInputMethodEvent), ASCII as key presses."""
    for k in keys:
        target = focused() or editor
        if isinstance(k, str) and not k.isascii():
            ev = QInputMethodEvent()
            ev.setCommitString(k)
            QApplication.sendEvent(target, ev)
        elif isinstance(k, str):
            QTest.keyClicks(target, k)
        else:
            QTest.keyClick(target, k)


def reactivate(qtbot: Any, editor: Any) -> None:
    """Give the editor's window the keyboard back after a dialog closed (the window manager's job;
    the offscreen platform has none)."""
    editor.test_host.activateWindow()
    qtbot.waitUntil(lambda: focused() is not None and editor.isAncestorOf(focused()), timeout=5000)


def wait_idle(qtbot: Any, editor: Any) -> None:
    """Until the worker has answered everything asked so far (evaluations, photos)."""
    qtbot.waitUntil(lambda: not editor.worker.busy() and not editor._eval_busy, timeout=10000)


def sideways_jpeg(size: tuple[int, int] = (1200, 600)) -> bytes:
    """A phone photo stored landscape with EXIF 'rotate 90° clockwise': left half red, right half blue."""
    w, h = size
    img = Image.new("RGB", size, (20, 20, 220))
    img.paste((220, 20, 20), (0, 0, w // 2, h))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()
