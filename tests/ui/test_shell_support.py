"""Settings, languages, the error presenter, the crash hook, the worker and the app start-up."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from qcity_desktop.errors import EnvironmentProblem, InputError
from ui import errors
from ui.i18n import I18N_DIR, install_language
from ui.settings import Settings, settings_path
from ui.workers import DbWorker

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture(autouse=True)
def _leave_no_language_behind(qapp):  # noqa: ANN001, ANN202 - other parts' tests expect source strings
    from ui.i18n import remove_language

    yield
    remove_language()


# --------------------------------------------------------------------------- settings

def test_settings_round_trip_through_the_user_config_folder(tmp_path):
    s = Settings(inspector_name="李娜", inspector_id="XN-0032", bureau_name="赤壁市市场监督管理局", language="en")
    s.report.paper = "A5"
    path = s.save()
    assert path == settings_path() and str(path).startswith(str(Path.home()))  # conftest points HOME at a temp dir
    back = Settings.load()
    assert back == s and back.report.paper == "A5" and back.lang == "en"


def test_a_damaged_or_odd_settings_file_falls_back_to_defaults_per_key(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"language": "fr", "inspector_name": 42, "photo_max_px": 1600, "unknown": 1,
                                "report": {"include_photos": "yes", "photos_per_page": 6}}), encoding="utf-8")
    s = Settings.load(path)
    assert s.language == "zh_CN" and s.inspector_name == "" and s.photo_max_px == 1600
    assert s.report.include_photos is True and s.report.photos_per_page == 6
    path.write_text("{not json", encoding="utf-8")
    assert Settings.load(path) == Settings()


def test_settings_that_cannot_be_written_raise_a_friendly_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(EnvironmentProblem, match="cannot save settings"):
        Settings().save(blocker / "settings.json")


# --------------------------------------------------------------------------- languages

def test_chinese_is_the_default_and_english_switches_live(qtbot):
    assert (I18N_DIR / "qcity_zh_CN.qm").exists(), "compiled catalogue shipped"
    loaded = install_language("zh_CN")
    assert "qcity_zh_CN.qm" in loaded
    assert QCoreApplication.translate("MainWindow", "Inspections") == "检查记录"
    assert QCoreApplication.translate("Labels", "{0} days overdue").format(3) == "逾期3天"
    install_language("en")
    assert QCoreApplication.translate("MainWindow", "Inspections") == "Inspections"
    install_language("zh_CN")


def test_every_shell_string_has_a_chinese_translation():
    import xml.etree.ElementTree as ET

    tree = ET.parse(I18N_DIR / "qcity_zh_CN.ts")
    missing = [m.findtext("source") for m in tree.getroot().iter("message")
               if m.find("translation").get("type") == "unfinished" or not "".join(m.find("translation").itertext())]
    assert missing == []


def test_the_catalogue_covers_the_source_code(tmp_path):
    """Re-extracting the strings finds nothing the shipped catalogue lacks (no string outside translation)."""
    import subprocess
    import xml.etree.ElementTree as ET

    sys.path.insert(0, str(I18N_DIR))
    try:
        import update_translations as tool
    finally:
        sys.path.remove(str(I18N_DIR))
    fresh = tmp_path / "fresh.ts"
    subprocess.run([str(Path(sys.executable).parent / "pyside6-lupdate"), *tool.shell_sources(), "-ts", str(fresh)],
                   cwd=tool.ROOT, check=True, capture_output=True)

    def keys(path: Path) -> set[tuple[str, str]]:
        root = ET.parse(path).getroot()
        return {(c.findtext("name"), m.findtext("source")) for c in root.iter("context") for m in c.iter("message")}

    assert keys(fresh) - keys(I18N_DIR / "qcity_zh_CN.ts") == set()


def test_main_window_follows_a_language_switch(qtbot, demo_db):
    from ui.context import AppContext
    from ui.main_window import MainWindow

    install_language("zh_CN")
    ctx = AppContext(str(demo_db), Settings(), DbWorker(str(demo_db)))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    try:
        assert win.nav.item(2).text() == "检查记录"
        page = win.show_page("settings")
        page.language.setCurrentIndex(page.language.findData("en"))
        page.save()  # Qt delivers LanguageChange events through the event loop
        qtbot.waitUntil(lambda: win.nav.item(2).text() == "Inspections", timeout=2000)
        assert page.save_button.text() == "Save" and win.file_menu.title() == "&File"
        assert Settings.load().language == "en"
        page.language.setCurrentIndex(page.language.findData("zh_CN"))
        page.save()
        qtbot.waitUntil(lambda: win.nav.item(2).text() == "检查记录", timeout=2000)
    finally:
        win.close()
        ctx.close_workers()
        install_language("zh_CN")


# --------------------------------------------------------------------------- errors

def test_environment_errors_become_a_message_saying_what_to_do(qtbot):
    install_language("zh_CN")
    errors.present_error(EnvironmentProblem("database /x/qcity.db is locked by another program; close it and try again"))
    box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible())
    assert box.windowTitle() == "数据库被占用"
    assert "locked" in box.text() and "已保存的内容不会丢失" in box.informativeText()
    box.close()
    title, what, todo = errors.describe(OSError(28, "No space left on device"))
    assert title == "磁盘已满" and todo
    assert errors.describe(InputError("rated_load: 'abc' is not a number"))[0] == "请检查输入"


def test_a_bug_shows_the_crash_dialog_with_a_copyable_report_after_editors_saved(qtbot, tmp_path):
    log_file = errors.setup_logging()
    saved = []
    errors.register_flush_hook(lambda: saved.append(True))
    try:
        try:
            {}["missing"]
        except KeyError:
            errors._excepthook(*sys.exc_info())
    finally:
        errors._flush_hooks.clear()
    assert saved == [True], "open editors were asked to store what they hold before the dialog"
    dialog = errors.last_crash_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    report = dialog.text.toPlainText()
    assert "KeyError: 'missing'" in report and "test_shell_support.py" in report and str(log_file) in report
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == report
    assert "KeyError" in log_file.read_text(encoding="utf-8"), "the bug is in the log file too"


def test_environment_errors_reaching_the_hook_get_the_friendly_message_not_the_crash_dialog(qtbot):
    errors.last_crash_dialog = None
    errors._excepthook(InputError, InputError("bad date"), None)
    assert errors.last_crash_dialog is None
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox):
            w.close()


# --------------------------------------------------------------------------- worker

def test_worker_runs_jobs_off_the_gui_thread_in_order(qtbot, demo_db, make_worker):
    import threading

    worker = make_worker(demo_db)
    seen: list[tuple[str, bool]] = []
    gui = threading.get_ident()
    worker.submit(lambda store: ("a", threading.get_ident() != gui), seen.append)
    worker.submit(lambda store: ("b", threading.get_ident() != gui), seen.append)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)
    assert seen == [("a", True), ("b", True)]


def test_worker_errors_reach_the_callback_and_dead_owners_are_skipped(qtbot, demo_db, make_worker):
    from PySide6.QtWidgets import QWidget

    worker = make_worker(demo_db)
    got: list[BaseException] = []
    worker.submit(lambda store: store.subjects.get("nope"), None, got.append)
    owner = QWidget()
    calls: list[object] = []
    worker.submit(lambda store: time.sleep(0.1), calls.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not worker.busy(), timeout=3000)
    assert got and "no subject nope" in str(got[0])
    assert calls == [], "a closed window's callback is not called"


def test_a_locked_database_is_reported_as_an_environment_problem(qtbot, demo_db, make_worker):
    import sqlite3

    holder = sqlite3.connect(demo_db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        worker = DbWorker(str(demo_db), opener=lambda p: __import__("qcity_desktop.store", fromlist=["open_store"])
                          .open_store(p, timeout=0.2))
        got: list[BaseException] = []
        # WAL lets readers through; a write meets the lock
        worker.submit(lambda store: store.subjects.add("scale", {"name": "x", "serial_no": "1"}), None, got.append)
        qtbot.waitUntil(lambda: bool(got), timeout=5000)
        assert isinstance(got[0], EnvironmentProblem) and "locked" in str(got[0])
        assert errors.describe(got[0])[0] in ("数据库被占用", "Database in use")
        worker.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# --------------------------------------------------------------------------- start-up

def test_first_start_creates_the_database_with_demo_data(qtbot, tmp_path):
    from ui.app import build

    db = tmp_path / "new" / "qcity.db"
    app, window, ctx = build(["qcity", "--db", str(db)])
    qtbot.addWidget(window)
    try:
        assert window.isVisible()  # the window comes first; the store is created on the worker after it
        today = window.page("today")
        qtbot.waitUntil(lambda: today.work_model.rowCount() > 0, timeout=15000)
        assert db.exists()
        assert window.windowTitle() == "QCity 检查助手"
    finally:
        window.close()
        ctx.close_workers()


def test_a_folder_in_place_of_the_database_is_a_friendly_message(qtbot, tmp_path):
    from ui.app import build

    bad = tmp_path / "folder.db"
    bad.mkdir()
    app, window, ctx = build(["qcity", "--db", str(bad)])
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: any(w.objectName() == "errorBox" and w.isVisible() for w in QApplication.topLevelWidgets()),
                        timeout=5000)
        box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible())
        assert "is a folder" in box.text()
        box.close()
    finally:
        window.close()
        ctx.close_workers()
