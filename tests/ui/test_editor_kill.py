"""Killing the app (no close, no flush, SIGKILL) loses nothing typed more than a second before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_editor_support import make_inspection, stored_answers

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import os, signal, sys, time
    sys.path[:0] = [{root!r}, {here!r}]
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget
    app = QApplication([])
    from test_editor_support import focused, press
    from ui.editor import InspectionEditor
    host = QWidget(); host.resize(1280, 820)
    ed = InspectionEditor({db!r}, {iid!r}, parent=host); ed.setGeometry(host.rect())
    host.show(); host.activateWindow()
    def spin(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(); time.sleep(0.005)
    spin(0.3)
    press(ed, Qt.Key.Key_1, Qt.Key.Key_Down, Qt.Key.Key_2)   # S1.1 pass, S1.2 fail
    ed.set_current("S2.2-m1")
    press(ed, "7.5")                                          # typed, no Enter
    ed.set_current("S1.2")
    press(ed, Qt.Key.Key_N, "标志过期三个月")                   # a note, no focus change
    spin(1.0)
    print("typed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_after_typing_loses_nothing(tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    code = CHILD.format(root=str(ROOT), here=str(Path(__file__).parent), db=db, iid=iid)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "typed" in proc.stdout
    answers = stored_answers(db, iid)
    assert answers["S1.1"].result == "pass"
    assert answers["S1.2"].result == "fail"
    assert answers["S2.2-m1"].value == "7.5"
    assert answers["S1.2"].note == "标志过期三个月"
