"""The main window as a user meets it: navigation keys, Today, the lists, forms and the status bar."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from shell_support import shell_on

from qcity_desktop.store import open_store
from ui.context import AppContext
from ui.main_window import PAGES, MainWindow
from ui.settings import Settings
from ui.workers import DbWorker

# The offscreen platform warns that it cannot pass window size hints on; that is not our bug.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def window(qtbot, demo_db):  # noqa: ANN001, ANN201
    with shell_on(qtbot, demo_db) as win:
        yield win


@pytest.fixture
def fake_editor(monkeypatch):  # noqa: ANN001, ANN201
    """Stands in for the checklist editor (another part of the app) to check how the shell opens it."""
    opened: list[str] = []

    class InspectionEditor(QWidget):
        def __init__(self, store_path: str, inspection_id: str, settings: Settings, parent=None) -> None:  # noqa: ANN001
            super().__init__(parent)
            self.inspection_id = inspection_id
            self.flushed = 0
            opened.append(inspection_id)

        def flush(self) -> None:
            self.flushed += 1

    module = types.ModuleType("ui.editor")
    module.InspectionEditor = InspectionEditor
    monkeypatch.setitem(sys.modules, "ui.editor", module)
    return opened


def test_ctrl_number_keys_switch_pages(qtbot, window):
    for n, name in enumerate(PAGES, start=1):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{n}"), Qt.KeyboardModifier.ControlModifier)
        assert window.current_page_name() == name
        assert window.nav.currentRow() == n - 1
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_name() == "today"


def test_today_lists_due_work_and_drafts_and_the_status_bar_counts_them(qtbot, window, demo_db):
    today = window.page("today")
    qtbot.waitUntil(lambda: today.due_model.rowCount() > 0 and today.work_model.rowCount() > 0, timeout=5000)
    store = open_store(demo_db)
    unsigned = store.conn.execute("SELECT count(*) FROM inspections WHERE status != 'signed'").fetchone()[0]
    assert today.work_model.rowCount() == unsigned
    assert {today.work_model.row_data(r)["status"] for r in range(unsigned)} <= {"draft", "completed"}
    days = [today.due_model.row_data(r)["days_left"] for r in range(today.due_model.rowCount())]
    assert days == sorted(days), "most urgent first"
    assert str(demo_db) in window.db_label.text()
    qtbot.waitUntil(lambda: window.pending_label.text() != "", timeout=5000)
    assert str(unsigned) in window.pending_label.text()


def test_subject_search_as_you_type_and_ctrl_f(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.page("subjects")
    qtbot.waitUntil(lambda: page.model.rowCount() >= 5, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    for ch in "赤壁":  # Chinese arrives from the input method as committed text, one piece at a time
        page.search.insert(ch)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and page.model.filter.search == "赤壁" and not page.model.loading,
                    timeout=5000)
    rows = [page.model.row_data(r) for r in range(page.model.rowCount())]
    assert all("赤壁" in r["name"] + r["address"] + r["district"] for r in rows)
    assert page.count_label.text() and str(len(rows)) in page.count_label.text()


def test_selecting_a_subject_shows_its_inspection_history_and_enter_opens_one(qtbot, window, fake_editor, demo_db):
    page = window.show_page("subjects")
    qtbot.waitUntil(lambda: page.model.rowCount() >= 5, timeout=5000)
    page.view.selectRow(0)
    subject = page.selected()
    store = open_store(demo_db)
    expected = store.subjects.history(subject["id"])
    assert expected, "demo subjects have inspections"
    qtbot.waitUntil(lambda: page.history_model.rowCount() == len(expected), timeout=5000)
    assert subject["name"] in page.history_title.text()
    page.history_view.setFocus()
    page.history_view.setCurrentIndex(page.history_model.index(0, 0))
    qtbot.keyClick(page.history_view, Qt.Key.Key_Return)
    assert fake_editor == [expected[0]["id"]]


def test_subject_form_explains_problems_and_saves_with_warnings(qtbot, window, demo_db):
    page = window.show_page("subjects")
    page.set_kind("scale")
    form = page.add_subject()
    qtbot.addWidget(form)
    save = form.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled() and "名称" in form.error_text  # the name is required
    form.editors["name"].setText("城北农贸市场E-01号摊位计价秤")
    form.editors["serial_no"].setText("DH-77")
    form.editors["max"].setText("30kg")
    qtbot.waitUntil(lambda: "max" in form.error_text, timeout=2000)
    assert not save.isEnabled() and "not a number" in form.error_text
    form.editors["max"].setText("30000")
    form.editors["e"].setText("2")
    form.editors["accuracy_class"].setCurrentIndex(form.editors["accuracy_class"].findData("III"))
    form.editors["cert_expiry"].setText("2020-01-31")
    qtbot.waitUntil(lambda: save.isEnabled(), timeout=2000)
    assert any("Max/e" in w for w in form.warnings) and any("2020-01-31" in w for w in form.warnings)
    assert form.warning_label.isVisibleTo(form)
    with qtbot.waitSignal(form.saved, timeout=5000) as saved:
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    sid, warnings = saved.args
    stored = open_store(demo_db).subjects.get(sid)
    assert stored["name"] == "城北农贸市场E-01号摊位计价秤" and stored["data"]["max"] == "30000"
    assert len(warnings) == 2


def test_editing_a_subject_keeps_other_fields(qtbot, window, demo_db):
    page = window.show_page("subjects")
    qtbot.waitUntil(lambda: page.model.rowCount() >= 5, timeout=5000)
    page.view.selectRow(0)
    subject = page.selected()
    page.edit_selected()
    qtbot.waitUntil(lambda: getattr(page, "_last_form", None) is not None, timeout=5000)
    form = page._last_form
    qtbot.addWidget(form)
    assert form.editors["registration_code"].text() == subject["data"]["registration_code"]
    form.editors["address"].setText("咸安区金桂路228号门诊楼")
    with qtbot.waitSignal(form.saved, timeout=5000):
        form.save()
    after = open_store(demo_db).subjects.get(subject["id"])
    assert after["address"] == "咸安区金桂路228号门诊楼"
    assert after["data"]["registration_code"] == subject["data"]["registration_code"]


def test_inspections_page_filters_and_opens_the_editor_once_per_inspection(qtbot, window, fake_editor):
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.page("inspections")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and page.model.total is not None, timeout=5000)
    page.status.setCurrentIndex(page.status.findData("signed"))
    page.status.activated.emit(page.status.currentIndex())
    qtbot.waitUntil(lambda: not page.model.loading and page.model.filter.status == "signed", timeout=5000)
    qtbot.waitUntil(lambda: page.model.total is not None, timeout=5000)
    assert page.model.rowCount() == page.model.total > 0
    assert {page.model.row_data(r)["status"] for r in range(page.model.rowCount())} == {"signed"}
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    first = page.model.row_id(0)
    assert fake_editor == [first], "a second Enter raises the open editor instead of opening another"
    window.flush_editors()
    assert window.editors[first].flushed == 1
    window.editors[first].close()
    qtbot.waitUntil(lambda: first not in window.editors, timeout=2000)


def test_export_csv_runs_with_progress_and_writes_every_filtered_row(qtbot, window, tmp_path):
    page = window.show_page("inspections")
    page.apply_filters()
    qtbot.waitUntil(lambda: page.model.total is not None, timeout=5000)
    target = tmp_path / "out.csv"
    job = page.export_csv(str(target))
    qtbot.waitUntil(lambda: job.finished.is_set() and target.exists(), timeout=10000)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == page.model.total + 1
    assert not Path(str(target) + ".part").exists()


def test_cancelled_export_leaves_no_file(qtbot, window, tmp_path):
    page = window.show_page("inspections")
    target = tmp_path / "cancelled.csv"
    block = window.ctx.long_worker.submit(lambda store: __import__("time").sleep(0.3))  # keep the worker busy
    job = page.export_csv(str(target))
    job.cancel()
    qtbot.waitUntil(lambda: job.finished.is_set() and block.finished.is_set(), timeout=5000)
    assert not target.exists() and not Path(str(target) + ".part").exists()


def test_new_inspection_from_a_subject_creates_a_draft_and_opens_it(qtbot, window, fake_editor, demo_db):
    page = window.show_page("subjects")
    qtbot.waitUntil(lambda: page.model.rowCount() >= 5, timeout=5000)
    page.view.selectRow(0)
    subject = page.selected()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(QWidget, "newInspectionDialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.subject is not None and dialog.template.count() > 0, timeout=5000)
    assert dialog.subject["id"] == subject["id"] and dialog.inspector.text() == "张伟"
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    with qtbot.waitSignal(dialog.created, timeout=5000) as created:
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    iid = created.args[0]
    assert fake_editor == [iid]
    row = open_store(demo_db).inspections.row(iid)
    assert row["status"] == "draft" and row["subject_id"] == subject["id"] and row["inspectors"] == ["张伟"]


def test_new_inspection_needs_a_subject_and_an_inspector(qtbot, window):
    window.ctx.settings.inspector_name = ""
    dialog = window.new_inspection(None)  # deletes itself when closed
    qtbot.waitUntil(lambda: dialog.template.count() > 0, timeout=5000)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.waitUntil(lambda: dialog._model().rowCount() > 0, timeout=5000)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # into the results, first row chosen
    assert dialog.subject is not None and not ok.isEnabled()
    dialog.inspector.setText("李娜")
    assert ok.isEnabled()
    dialog.reject()


def test_scales_and_sync_pages_come_from_their_parts_or_placeholders(qtbot, window):
    import importlib.util

    scales = window.show_page("scales")
    assert scales.isVisible()
    sync = window.show_page("sync")
    assert sync.isVisible() and not scales.isVisible()
    expected = {"scales": "ScaleWizardPage" if importlib.util.find_spec("ui.scale_wizard") else "PlaceholderPage",
                "sync": "SyncPage" if importlib.util.find_spec("ui.sync_page") else "PlaceholderPage"}
    assert {"scales": type(scales).__name__, "sync": type(sync).__name__} == expected


def test_enter_on_a_draft_opens_the_real_checklist_editor_and_closing_it_refreshes_the_lists(qtbot, window):
    pytest.importorskip("ui.editor")
    page = window.show_page("inspections")
    page.status.setCurrentIndex(page.status.findData("draft"))
    page.apply_filters()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.model.loading, timeout=5000)
    iid = page.model.row_id(0)
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    editor = window.editors[iid]
    qtbot.waitExposed(editor)
    assert type(editor).__name__ == "InspectionEditor" and editor.inspection_id == iid and editor.isWindow()
    with qtbot.waitSignal(window.ctx.dataChanged, timeout=3000):
        editor.close()
    qtbot.waitUntil(lambda: iid not in window.editors, timeout=3000)


def test_a_due_reinspection_starts_a_reinspection_linked_to_the_failed_inspection(qtbot, window, fake_editor, demo_db):
    today = window.page("today")
    qtbot.waitUntil(lambda: today.due_model.rowCount() > 0, timeout=5000)
    rows = [today.due_model.row_data(r) for r in range(today.due_model.rowCount())]
    r = next(i for i, row in enumerate(rows) if row["what"] == "reinspection")
    today.due_view.setFocus()
    today.due_view.setCurrentIndex(today.due_model.index(r, 0))
    qtbot.keyClick(today.due_view, Qt.Key.Key_Return)
    dialog = window.findChild(QWidget, "newInspectionDialog")
    original = open_store(demo_db).inspections.row(rows[r]["inspection_id"])
    qtbot.waitUntil(lambda: dialog.subject is not None and dialog.template.currentData() == original["template_id"],
                    timeout=5000)
    assert dialog.windowTitle() == "New re-inspection" or dialog.windowTitle() == "新建复检"
    with qtbot.waitSignal(dialog.created, timeout=5000) as created:
        dialog.start()
    row = open_store(demo_db).inspections.row(created.args[0])
    assert row["reinspection_of"] == original["id"] and row["subject_id"] == original["subject_id"]


def test_ctrl_shift_y_syncs_from_any_page(qtbot, demo_db, tmp_path):
    """Back at the office with the day's work: one key shows the Sync page and sends everything."""
    from PySide6.QtWidgets import QApplication

    from qcity_desktop.sync.credentials import save_token
    from tests.test_sync_support import HubProcess
    from ui.i18n import install_language, remove_language

    hub = HubProcess(tmp_path / "hub").start()
    install_language("zh_CN")
    worker = DbWorker(str(demo_db))
    ctx = AppContext(str(demo_db), Settings(inspector_name="张伟", hub_url=hub.url), worker)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    try:
        save_token(hub.url, hub.add_user("ann", "inspector"))
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
        assert "立即同步" in win._actions["sync_now"].text() and "Ctrl+Shift+Y" in win.shortcuts_text()
        qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)      # somewhere else first
        qtbot.keyClick(win, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        page = win.page("sync")
        assert win.current_page_name() == "sync"
        qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline"), timeout=60_000)
        assert page.state == "ok", page.state_label.text()
        assert page.last_result["pushed"] > 1000
        # the status bar's count follows at once (it had waited for its one-minute timer)
        qtbot.waitUntil(lambda: win.pending_label.text().startswith("0 项未同步"), timeout=10_000)
        QApplication.processEvents()
    finally:
        win.close()
        ctx.close_workers()
        remove_language()
        hub.stop()


def test_automatic_sync_is_turned_off_in_settings_and_the_sync_page_follows(qtbot, window):
    """A laptop on a phone's metered hotspot must not send a day of photos by itself: 自动同步 › 关闭."""
    sync = window.page("sync")
    assert sync.auto_timer.isActive() and sync.auto_timer.interval() == 5 * 60_000     # the default
    settings = window.page("settings")
    window.show_page("settings")
    combo = settings.auto_sync
    assert [combo.itemText(i) for i in range(combo.count())] == ["关闭（仅手动同步）", "每 5 分钟", "每 15 分钟",
                                                                 "每 30 分钟", "每小时"]
    combo.setCurrentIndex(combo.findData(0))
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    assert window.ctx.settings.auto_sync_minutes == 0 and Settings.load().auto_sync_minutes == 0
    assert not sync.auto_timer.isActive()
    combo.setCurrentIndex(combo.findData(15))
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    assert sync.auto_timer.isActive() and sync.auto_timer.interval() == 15 * 60_000
    assert Settings.from_dict({"auto_sync_minutes": -3}).auto_sync_minutes == 5        # a bad file: the default
