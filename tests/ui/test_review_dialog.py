"""审核 from the Inspections page: the column shows the state, the dialog approves or returns with a reason."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from shell_support import shell_on

from qcity_desktop.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_stats import inspect, scale  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def test_review_from_the_inspections_list(qtbot, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    store = open_store(db)
    signed = inspect(store, scale(store, "A 王记鲜肉", "咸安区"), "2026-11-05", fail=False)
    store.close()
    with shell_on(qtbot, db, inspector="赵科长") as win:
        page = win.show_page("inspections")
        qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.row_data(0) is not None, timeout=10000)
        col = [h for h in page.model.header_texts()].index("审核")
        qtbot.waitUntil(lambda: page.model.data(page.model.index(0, col)) == "待审核", timeout=5000)

        dialog = page.open_review(signed)
        qtbot.waitUntil(lambda: "A 王记鲜肉" in dialog.head.text() and dialog.approve_button.isEnabled(), timeout=5000)
        assert dialog.reviewer.text() == "赵科长", "the reviewer defaults to the name in Settings"
        dialog.return_button.click()
        assert dialog.message.text() == "退回前请写明需要更正的内容。" and dialog.isVisible()
        dialog.comment.setPlainText("检定证书照片不清晰，请补拍")
        with qtbot.waitSignal(dialog.saved, timeout=5000):
            dialog.return_button.click()
        qtbot.waitUntil(lambda: page.model.data(page.model.index(0, col)) == "退回", timeout=5000)

        # the inspector's Today lists it, and Enter on the line opens the inspection to see what to correct
        today = win.show_page("today")
        today.refresh()

        def returned_row() -> int | None:
            rows = [today.due_model.row_data(r) for r in range(today.due_model.rowCount())]
            return next((n for n, r in enumerate(rows) if r and r["what"] == "returned"), None)

        qtbot.waitUntil(lambda: returned_row() is not None, timeout=10000)
        row = today.due_model.row_data(returned_row())
        assert "补拍" in row["detail"] and row["inspection_id"] == signed
        opened: list[str] = []
        win.ctx.open_inspection = opened.append
        today._start_for_due(today.due_model.index(returned_row(), 0))
        assert opened == [signed]

        page = win.show_page("inspections")
        again = page.open_review(signed)
        qtbot.waitUntil(lambda: again.history.rowCount() == 1, timeout=5000)
        assert again.history.item(0, 2).text() == "退回" and "补拍" in again.history.item(0, 3).text()
        with qtbot.waitSignal(again.saved, timeout=5000):
            again.approve_button.click()
        qtbot.waitUntil(lambda: page.model.data(page.model.index(0, col)) == "审核通过", timeout=5000)
    reviews = open_store(db).reviews.for_inspection(signed)
    assert [(r["decision"], r["reviewer"]) for r in reviews] == [("returned", "赵科长"), ("approved", "赵科长")]
