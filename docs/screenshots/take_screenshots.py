"""Take the desktop app's screenshots: run under Xvfb, `DISPLAY=:99 python docs/screenshots/take_screenshots.py`.

Starts the real app on a fresh demo database (in a temp folder, Chinese UI), walks through the main
screens as a user would and saves each one from the X screen, so what you see is what the user sees.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).resolve().parent


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="qcity-shots-"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(tmp / var.lower())
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QWidget

    from ui.app import build
    from ui.settings import Settings

    Settings(inspector_name="张伟", inspector_id="XN-0417", bureau_name="咸宁市市场监督管理局").save()
    app, window, ctx = build(["qcity", "--db", str(tmp / "demo.db")])
    window.resize(1360, 840)
    window.move(0, 0)
    steps = []

    def shot(name: str, widget=None) -> None:  # noqa: ANN001
        QApplication.processEvents()
        g = (widget or window).frameGeometry()
        pix = QGuiApplication.primaryScreen().grabWindow(0, g.x(), g.y(), g.width(), g.height())
        pix.save(str(OUT / f"{name}.png"))
        print("saved", OUT / f"{name}.png")

    def step(delay: int):  # noqa: ANN202
        def deco(fn):  # noqa: ANN001, ANN202
            steps.append((delay, fn))
            return fn
        return deco

    @step(2500)
    def today() -> None:
        shot("today")
        shot("main-window")  # the README's picture: what a day starts with
        window.show_page("subjects")

    @step(1200)
    def subjects() -> None:
        page = window.page("subjects")
        page.view.selectRow(1)
        page.view.setFocus()

    @step(800)
    def subjects_selected() -> None:
        shot("subjects")
        page = window.page("subjects")
        page.set_kind("scale")
        page.search.setText("温泉")

    @step(1200)
    def scales_search() -> None:
        shot("subjects-search")
        page = window.page("subjects")
        page.search.clear()
        form = page.add_subject()
        form.editors["name"].setText("温泉农贸市场 王记鲜肉 2号秤")
        form.editors["serial_no"].setText("DH2309-1177")
        form.editors["accuracy_class"].setCurrentIndex(form.editors["accuracy_class"].findData("III"))
        form.editors["max"].setText("30000")
        form.editors["e"].setText("2")
        form.editors["cert_expiry"].setText("2024-05-31")
        form.move(360, 60)
        app._form = form  # type: ignore[attr-defined]

    @step(800)
    def subject_form() -> None:
        shot("subject-form")
        app._form.done(0)  # type: ignore[attr-defined]
        window.show_page("inspections")

    @step(1500)
    def inspections() -> None:
        shot("inspections")
        window.show_page("settings")

    @step(800)
    def settings() -> None:
        shot("settings")
        window.show_page("sync")

    @step(1200)
    def sync() -> None:
        shot("sync")
        window.show_page("stats")

    @step(1500)
    def statistics() -> None:
        shot("statistics")
        window.new_inspection(None)

    @step(1200)
    def new_inspection() -> None:
        shot("new-inspection")
        dialog = window.findChild(QWidget, "newInspectionDialog")
        if dialog is not None:
            dialog.reject()
        window.show_page("today")

    @step(1200)
    def open_draft() -> None:
        today = window.page("today")
        rows = [today.work_model.row_data(r) for r in range(today.work_model.rowCount())]
        draft = next((r for r in rows if r["kind"] == "elevator"), rows[0] if rows else None)
        if draft is not None:
            editor = window.open_inspection(draft["id"])
            if editor is not None:
                editor.setGeometry(0, 0, 1360, 840)
                app._editor = editor  # type: ignore[attr-defined]

    @step(2500)
    def editor() -> None:
        widget = getattr(app, "_editor", None)
        if widget is not None:
            shot("editor-from-today", widget)
            widget.close()
        app.quit()

    def run(i: int = 0) -> None:
        if i < len(steps):
            delay, fn = steps[i]
            QTimer.singleShot(delay, lambda: (fn(), run(i + 1)))

    run()
    rc = app.exec()
    ctx.worker.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
