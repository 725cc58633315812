"""The checklist editor driven from the keyboard, as an inspector works through a checklist."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_editor_support import focused, make_inspection, open_editor, press, stored_answers, wait_idle

from ui.editor import jobs


def test_number_keys_answer_and_arrows_move(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    assert ed.current == "S1.1", "the editor opens on the first unanswered item"
    assert focused() is ed.rows["S1.1"]
    press(ed, Qt.Key.Key_1)                       # S1.1 √
    assert stored_answers(db, iid)["S1.1"].result == "pass", "stored at once, before any Save"
    press(ed, Qt.Key.Key_Down, Qt.Key.Key_2)      # S1.2 ×
    press(ed, Qt.Key.Key_Return)                  # Enter: next item without answering
    assert ed.current == "S1.3"
    press(ed, Qt.Key.Key_3)                       # S1.3 ／ (n/a)
    press(ed, Qt.Key.Key_Up)
    assert ed.current == "S1.2"
    press(ed, Qt.Key.Key_4)                       # change S1.2 to △ not tested
    answers = stored_answers(db, iid)
    assert {k: a.result for k, a in answers.items()} == {"S1.1": "pass", "S1.2": "not_tested", "S1.3": "na"}
    assert ed.rows["S1.2"].segment.result == "not_tested"
    assert ed.rows["S1.2"].chosen.text() == "未检测"


def test_result_not_allowed_for_the_item_is_refused_with_a_message(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    press(ed, Qt.Key.Key_5)  # ▽ doc_pass is not in the scale template's results
    assert "S1.1" not in stored_answers(db, iid)
    assert "S1.1" in ed.status_line.text()


def test_live_panel_follows_the_rule_engine(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    assert ed.panel.verdict.text() != "合格"
    required = [i for i in ed.state.order if ed.template.items[i].type == "result" and ed.template.items[i].required]
    for item_id in required:
        ed.set_current(item_id)
        press(ed, Qt.Key.Key_1)
    wait_idle(qtbot, ed)
    assert ed.panel.verdict.text() == "合格"
    ed.set_current("S3.2")
    press(ed, Qt.Key.Key_2)  # price divided by 100: a cheating setting
    qtbot.waitUntil(lambda: ed.panel.verdict.text() == "不合格", timeout=5000)
    assert ed.panel.failed.topLevelItemCount() == 1
    assert ed.panel.failed.topLevelItem(0).data(0, Qt.ItemDataRole.UserRole) == "S3.2"
    # not yet completed: the deadline is the default, shown but not editable
    assert ed.panel.deadline_editor("S3.2") is None


def test_evaluation_runs_off_the_gui_thread(qtbot, tmp_path: Path, monkeypatch) -> None:
    threads: list[str] = []
    real = jobs.evaluate

    def spy(store, inspection_id):
        threads.append(threading.current_thread().name)
        return real(store, inspection_id)

    monkeypatch.setattr(jobs, "evaluate", spy)
    db, iid = make_inspection(tmp_path, "elevator")
    ed = open_editor(qtbot, db, iid)
    press(ed, Qt.Key.Key_1, Qt.Key.Key_Down, Qt.Key.Key_1, Qt.Key.Key_Down, Qt.Key.Key_2)
    wait_idle(qtbot, ed)
    assert threads and threading.main_thread().name not in threads
    # answers given faster than the rule runs are coalesced, never lost: the last one is judged
    assert ed.evaluation.evaluation is not None
    assert len(threads) <= 4


def test_autosave_survives_a_fresh_editor_on_the_same_file(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    press(ed, Qt.Key.Key_1, Qt.Key.Key_2)           # S1.1 √ then changed to ×
    ed.set_current("S2.2-m1")
    press(ed, "12.5")                                # a measured value, typed; no Enter
    ed.set_current("S1.3")
    press(ed, Qt.Key.Key_N)                          # N on a result row opens the item's note
    assert focused() is ed.detail.note
    press(ed, "铅封线被剪断")
    # no Save button and no flush: wait just over the autosave pause
    QTest.qWait(450)
    answers = stored_answers(db, iid)
    assert answers["S1.1"].result == "fail"
    assert answers["S2.2-m1"].value == "12.5"
    assert answers["S1.3"].note == "铅封线被剪断"
    ed.test_host.close()

    fresh = open_editor(qtbot, db, iid)
    assert fresh.rows["S1.1"].segment.result == "fail"
    assert fresh.rows["S2.2-m1"].field.text() == "12.5"
    assert "Note" in fresh.rows["S1.3"].badge.text() or "备注" in fresh.rows["S1.3"].badge.text()
    fresh.set_current("S1.3")
    assert fresh.detail.note.toPlainText() == "铅封线被剪断"


def test_typed_number_is_stored_within_a_second_and_judged(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "elevator")
    ed = open_editor(qtbot, db, iid)
    ed.set_current("8.1-m1")                         # balance factor, allowed 0.40–0.50
    press(ed, "0.46")
    qtbot.waitUntil(lambda: "8.1-m1" in stored_answers(db, iid), timeout=1000)
    a = stored_answers(db, iid)["8.1-m1"]
    assert (a.value, a.result) == ("0.46", "pass")
    field = ed.rows["8.1-m1"].field
    field.selectAll()
    press(ed, "0.55", Qt.Key.Key_Return)             # Enter stores at once and moves on
    assert stored_answers(db, iid)["8.1-m1"].result == "fail"
    assert ed.current != "8.1-m1"
    assert ed.rows["8.1-m1"].verdict.text().endswith("不符合")


def test_bad_number_is_refused_inline_and_nothing_is_stored(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "elevator")
    ed = open_editor(qtbot, db, iid)
    ed.set_current("8.1-m1")
    press(ed, "4.6", Qt.Key.Key_Return)              # outside the plausible range 0–1: a typo
    assert "8.1-m1" not in stored_answers(db, iid)
    assert "out of range" in ed.rows["8.1-m1"].field.toolTip()
    assert "8.1-m1" in ed.status_line.text()


def test_parent_items_show_the_result_derived_from_sub_items(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "elevator")
    ed = open_editor(qtbot, db, iid)
    assert not ed.rows["2.7"].navigable
    for sub in ("2.7(1)", "2.7(2)", "2.7(3)", "2.7(4)"):
        ed.set_current(sub)
        press(ed, Qt.Key.Key_1)
    assert ed.rows["2.7"].derived.text().endswith("符合")
    ed.set_current("2.7(3)")
    press(ed, Qt.Key.Key_2)                          # brake fails → the B item 2.7 fails → 不合格
    assert ed.rows["2.7"].derived.text().endswith("不符合")
    wait_idle(qtbot, ed)
    failed = [ed.panel.failed.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
              for i in range(ed.panel.failed.topLevelItemCount())]
    assert failed == ["2.7"]


def test_unanswered_required_items_are_highlighted_and_f3_jumps(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    assert ed.rows["S1.1"].missing == "answer"
    assert ed.rows["S2.5"].missing is None, "optional items are not flagged"
    press(ed, Qt.Key.Key_1)
    assert ed.rows["S1.1"].missing is None
    ed.set_current("S1.3")
    press(ed, Qt.Key.Key_1)                          # seal intact… but the photo is required
    assert ed.rows["S1.3"].missing == "photo"
    assert "photo required" in ed.rows["S1.3"].badge.text() or "照片" in ed.rows["S1.3"].badge.text()
    ed.set_current("S4.4")
    press(ed, Qt.Key.Key_F3)                         # wraps round to the first gap
    assert ed.current == "S1.2"
    press(ed, Qt.Key.Key_1)
    ed.set_current("S1.1")
    QTest.keyClick(focused(), Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert ed.current == "S1.3", "the missing photo is next"
    assert ed.panel.missing.text()


def test_ctrl_f_finds_items_by_words_or_number(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "elevator")
    ed = open_editor(qtbot, db, iid)
    QTest.keyClick(focused(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert ed.find_box.isVisible() and focused() is ed.find_field
    press(ed, "制动器")
    first = ed.current
    assert "制动器" in ed.template.items[first].label()
    press(ed, Qt.Key.Key_Return)
    assert ed.current != first and "制动器" in ed.template.items[ed.current].label("zh") + \
        ed.template.items[ed.template.items[ed.current].parent or ed.current].label("zh")
    press(ed, Qt.Key.Key_Escape)
    assert not ed.find_box.isVisible()
    assert focused() is ed.rows[ed.current]
    press(ed, Qt.Key.Key_1)                          # keys answer the found item straight away
    assert stored_answers(db, iid)[ed.current].result == "pass"


def test_ctrl_z_reverts_the_last_answer_change(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    press(ed, Qt.Key.Key_1, Qt.Key.Key_2)
    assert stored_answers(db, iid)["S1.1"].result == "fail"
    QTest.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_answers(db, iid)["S1.1"].result == "pass"
    QTest.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "S1.1" not in stored_answers(db, iid), "undoing the first answer leaves the item unanswered"
    assert ed.rows["S1.1"].segment.result is None and ed.rows["S1.1"].missing == "answer"
    ed.redo()
    assert stored_answers(db, iid)["S1.1"].result == "pass"
    press(ed, Qt.Key.Key_Delete)                     # Delete clears, and is undoable too
    assert "S1.1" not in stored_answers(db, iid)
    ed.undo()
    assert stored_answers(db, iid)["S1.1"].result == "pass"


def test_jgj59_deduction_clauses_are_stored_and_scored(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "site")
    ed = open_editor(qtbot, db, iid)
    assert ed.current == "B.1-1"
    assert ed.detail.deductions.isVisible()
    press(ed, Qt.Key.Key_2)                          # 安全生产责任制 ×
    clauses = ed.detail.clause_list
    assert clauses.topLevelItemCount() == 11
    clauses.set_clause("d2", 1)                      # 责任制未经责任人签字确认, 3 points
    a = stored_answers(db, iid)["B.1-1"]
    assert a.result == "fail" and a.clauses == {"d2": 1}
    wait_idle(qtbot, ed)
    assert ed.evaluation.error is None
    # a 每处 clause is counted from the keyboard: select it, + + −
    counted = next(i for i in ed.state.order if any(d.get("per") for d in ed.template.items[i].attrs["deductions"]))
    ed.set_current(counted)
    per = next(i for i in range(ed.detail.clause_list.topLevelItemCount())
               if ed.detail.clause_list.topLevelItem(i).data(1, Qt.ItemDataRole.UserRole))
    row = ed.detail.clause_list.topLevelItem(per)
    ed.detail.clause_list.setCurrentItem(row)
    ed.detail.clause_list.setFocus()
    press(ed, Qt.Key.Key_Plus, Qt.Key.Key_Plus, Qt.Key.Key_Plus, Qt.Key.Key_Minus)
    cid = row.data(0, Qt.ItemDataRole.UserRole)
    assert stored_answers(db, iid)[counted].clauses == {cid: 2}


@pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")  # offscreen top-level
def test_main_window_opens_the_real_editor_and_closing_it_keeps_everything(qtbot, tmp_path: Path) -> None:
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from ui.workers import DbWorker

    db, iid = make_inspection(tmp_path, "scale")
    ctx = AppContext(db, Settings(inspector_name="张伟"), DbWorker(db))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    try:
        ed = win.open_inspection(iid)
        qtbot.waitUntil(lambda: ed.evaluation is not None, timeout=5000)
        assert "张记水果摊" in ed.windowTitle()
        ed.activateWindow()
        qtbot.waitUntil(lambda: focused() is not None and ed.isAncestorOf(focused()), timeout=5000)
        press(ed, Qt.Key.Key_1)
        ed.set_current("S2.2-m1")
        press(ed, "3.5")                             # typed, then the window is closed at once
        ed.close()                                   # WA_DeleteOnClose: the shell deletes it
        qtbot.waitUntil(lambda: iid not in win.editors, timeout=5000)
        answers = stored_answers(db, iid)
        assert answers["S1.1"].result == "pass" and answers["S2.2-m1"].value == "3.5"
    finally:
        win.close()
        ctx.close_workers()
