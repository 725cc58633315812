"""Complete → Sign: the confirmation shows the verdict, signatures are stored, the record locks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtTest import QTest
from test_editor_support import (
    focused,
    make_inspection,
    open_editor,
    press,
    reactivate,
    sideways_jpeg,
    stored,
    stored_answers,
    wait_idle,
)


def answer_everything(qtbot, ed, fail: tuple[str, ...] = ()) -> None:
    """Walk the checklist from the top with the keyboard: 1 (or 2) then Enter, item after item."""
    ed.set_current(ed.state.order[0])
    for item_id in ed.state.order:
        assert ed.current == item_id
        item = ed.template.items[item_id]
        if item.type == "result":
            press(ed, Qt.Key.Key_2 if item_id in fail else Qt.Key.Key_1)
        press(ed, Qt.Key.Key_Return)
    wait_idle(qtbot, ed)


def sign_on(pad, y: int = 60) -> None:
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(30, y))
    for x in range(40, 260, 15):
        QTest.mouseMove(pad, QPoint(x, y + (x // 15 % 3) * 12))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(260, y))


def test_complete_is_refused_while_required_photo_is_missing(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    answer_everything(qtbot, ed)
    assert ed.rows["S1.3"].missing == "photo"
    QTest.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert ed.state.status == "draft"
    assert ed.current == "S1.3", "Complete jumps to what is missing"
    assert stored(db, lambda s: s.inspections.row(iid)["status"]) == "draft"


def test_complete_sign_and_read_only_afterwards(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    answer_everything(qtbot, ed, fail=("S3.2",))
    ed.add_photo_bytes("S1.3", sideways_jpeg(), "seal.jpg")
    qtbot.waitUntil(lambda: ed.rows["S1.3"].missing is None, timeout=10000)
    assert ed.panel.verdict.text() == "不合格"

    ed.set_current("S1.1")
    QTest.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)   # Complete
    qtbot.waitUntil(lambda: ed.sign_dialog is not None and ed.sign_dialog.isVisible(), timeout=10000)
    assert ed.state.status == "completed"
    dialog = ed.sign_dialog
    assert dialog.verdict.text() == "不合格", "the confirmation shows the verdict before anything locks"

    # the finding for the failed item has a deadline the inspector can change before signing
    editor = ed.panel.deadline_editor("S3.2")
    assert editor is not None and editor.isEnabled()
    findings = stored(db, lambda s: s.findings.for_inspection(iid))
    assert [f["item_id"] for f in findings] == ["S3.2"] and findings[0]["deadline"]
    editor.setDate(QDate(2031, 5, 20))
    assert stored(db, lambda s: s.findings.for_inspection(iid))[0]["deadline"] == "2031-05-20"

    assert not dialog.sign_button.isEnabled(), "no signature yet"
    dialog.inspector.name.setText("李明")
    sign_on(dialog.inspector.pad)
    dialog.representative.name.setText("张三（摊主）")
    assert not dialog.sign_button.isEnabled(), "a representative name without a signature is refused"
    sign_on(dialog.representative.pad, 80)
    assert dialog.sign_button.isEnabled()
    QTest.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ed.state.status == "signed", timeout=10000)

    row = stored(db, lambda s: s.inspections.row(iid))
    assert row["status"] == "signed" and row["signed_by"] == "李明" and row["content_hash"]
    sigs = stored(db, lambda s: s.signatures.for_inspection(iid))
    assert {(s["role"], s["signer"]) for s in sigs} == {("inspector", "李明"), ("representative", "张三（摊主）")}
    for s in sigs:
        png = stored(db, lambda st, sha=s["sha256"]: st.blobs.get(sha))
        assert png.startswith(b"\x89PNG") and len(png) > 500
        assert s["signed_at"]
    assert ed.banner.isVisible()
    assert ed.banner.text().startswith(ed.tr("Signed — read-only"))
    assert "李明" in ed.banner.text()

    # read-only: keys, Delete and photo drops change nothing
    reactivate(qtbot, ed)
    before = {k: (a.result, a.value, a.note) for k, a in stored_answers(db, iid).items()}
    ed.set_current("S1.1")
    press(ed, Qt.Key.Key_2, Qt.Key.Key_Delete, Qt.Key.Key_Down, Qt.Key.Key_3)
    QTest.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    ed.add_photo_bytes("S1.1", sideways_jpeg(), "late.jpg")
    wait_idle(qtbot, ed)
    after = {k: (a.result, a.value, a.note) for k, a in stored_answers(db, iid).items()}
    assert after == before
    assert len(stored(db, lambda s: s.attachments.for_inspection(iid))) == 1
    assert not ed.panel.complete_button.isEnabled() and not ed.panel.sign_button.isEnabled()
    assert ed.detail.note.isReadOnly()


def test_signed_inspection_opens_read_only_with_a_banner(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")

    def finish(store):
        for item in store.inspections.template_of(store.inspections.row(iid)).leaves():
            if item.type == "result":
                store.inspections.answer(iid, item.id, result="pass")
        store.attachments.add(iid, sideways_jpeg(), "image/jpeg", item_id="S1.3")
        store.inspections.complete(iid)
        store.inspections.sign(iid, "王芳")

    stored(db, finish)
    ed = open_editor(qtbot, db, iid)
    assert ed.read_only and ed.banner.isVisible() and "王芳" in ed.banner.text()
    assert ed.state.status == "signed"
    press(ed, Qt.Key.Key_2)
    assert stored_answers(db, iid)["S1.1"].result == "pass"
    assert ed.rows["S1.1"].segment.result == "pass"
    assert ed.rows["S2.2-m1"].field.isReadOnly()
    wait_idle(qtbot, ed)
    assert ed.panel.verdict.text() == "合格"


def test_answering_after_complete_returns_to_draft(qtbot, tmp_path: Path) -> None:
    db, iid = make_inspection(tmp_path, "scale")
    ed = open_editor(qtbot, db, iid)
    answer_everything(qtbot, ed)
    ed.set_current("S1.3")
    press(ed, Qt.Key.Key_3)  # no seal on this model: n/a needs no photo
    ed.complete()
    qtbot.waitUntil(lambda: ed.state.status == "completed", timeout=10000)
    ed.sign_dialog.reject()
    reactivate(qtbot, ed)
    assert ed.panel.sign_button.isEnabled()
    ed.set_current("S4.1")
    press(ed, Qt.Key.Key_2)
    assert ed.state.status == "draft"
    assert stored(db, lambda s: s.inspections.row(iid)["status"]) == "draft"
    assert not ed.panel.sign_button.isEnabled() and ed.panel.complete_button.isEnabled()


def test_signed_banner_in_chinese_by_default(qtbot, tmp_path: Path) -> None:
    from ui.i18n import install_language

    db, iid = make_inspection(tmp_path, "scale")
    stored(db, lambda s: (s.attachments.add(iid, sideways_jpeg((200, 100)), "image/jpeg", item_id="S1.3"),
                          [s.inspections.answer(iid, i, result="pass") for i in
                           ("S1.1", "S1.2", "S1.3", "S1.4", "S1.5", "S2.1", "S2.2", "S2.3", "S2.4", "S3.1", "S3.2",
                            "S3.3", "S4.1", "S4.2", "S4.3", "S4.4")],
                          s.inspections.complete(iid), s.inspections.sign(iid, "王芳")))
    install_language("zh_CN")
    try:
        ed = open_editor(qtbot, db, iid)
        assert ed.banner.text().startswith("已签署，只读")
        assert ed.status_chip.text() == "已签署"
        assert ed.panel.complete_button.text().startswith("完成检验")
    finally:
        install_language("en")


def test_supervised_use_is_asked_when_the_conclusion_depends_on_it(qtbot, tmp_path: Path) -> None:
    """A few failed C items: Complete asks whether the using unit commits to 监护使用; Cancel keeps the draft."""
    from PySide6.QtWidgets import QMessageBox

    db, iid = make_inspection(tmp_path, "elevator")

    def answer(store):
        for item in store.inspections.template_of(store.inspections.row(iid)).leaves():
            if item.type == "result":
                store.inspections.answer(iid, item.id, result="fail" if (item.parent or item.id) == "2.5" else "pass")

    stored(db, answer)
    ed = open_editor(qtbot, db, iid)
    wait_idle(qtbot, ed)
    QTest.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)   # Complete
    qtbot.waitUntil(lambda: ed.supervised_use_box is not None and ed.supervised_use_box.isVisible(), timeout=10000)
    box = ed.supervised_use_box
    assert "2.5" in box.text() and box.windowTitle() == ed.tr("Supervised use")
    assert stored(db, lambda s: s.inspections.row(iid)["status"]) == "draft", "nothing completed before the answer"
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=5000)
    assert ed.state.status == "draft" and stored(db, lambda s: s.inspections.row(iid)["status"]) == "draft"

    reactivate(qtbot, ed)
    QTest.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ed.supervised_use_box is not box and ed.supervised_use_box.isVisible(), timeout=10000)
    ed.supervised_use_box.findChild(type(box.button(QMessageBox.StandardButton.Cancel)), "supervisedNo").click()
    qtbot.waitUntil(lambda: ed.sign_dialog is not None and ed.sign_dialog.isVisible(), timeout=10000)
    row = stored(db, lambda s: s.inspections.row(iid))
    assert row["status"] == "completed" and row["verdict"] == "不合格"
    assert ed.sign_dialog.verdict.text() == "不合格"
    assert "未承诺" in stored(db, lambda s: s.inspections.document(iid))["evaluation"]["remarks"][0]
