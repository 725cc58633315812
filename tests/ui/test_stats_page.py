"""The Statistics page as a supervisor uses it: a period, the rate against the target, offenders, export."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from shell_support import shell_on

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_stats import build_market  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def window(qtbot, tmp_path):  # noqa: ANN001, ANN201
    db = tmp_path / "market.db"
    build_market(db).close()
    with shell_on(qtbot, db, inspector="王芳") as win:
        yield win


def test_period_rate_offenders_and_export(qtbot, window, tmp_path: Path) -> None:
    page = window.show_page("stats")
    assert window.nav.currentItem().text() == "统计"
    with qtbot.waitSignal(page.refreshed, timeout=10000):
        page.set_period(date(2026, 9, 1), date(2026, 11, 30))
    assert "40.0%" in page.summary.text() and "未达到目标" in page.summary.text()
    assert "#b3261e" in page.summary.text(), "below the target is shown in red"
    assert [r["key"] for r in page.chart.months] == ["2026-09", "2026-10", "2026-11"]
    offenders = page.offender_model.rows()
    assert [(o["name"], o["failures"]) for o in offenders] == [("A 王记鲜肉", 2)]
    districts = {r["key"]: r["rate"] for r in page.district_model.rows()}
    assert districts == {"咸安区": "0.0", "赤壁市": "100.0"}
    from PySide6.QtCore import Qt

    brushes = {page.district_model.row_data(r)["key"]:
               page.district_model.data(page.district_model.index(r, 4), Qt.ItemDataRole.ForegroundRole)
               for r in range(page.district_model.rowCount())}
    assert brushes["咸安区"] is not None and brushes["咸安区"].color().name() == "#b3261e", "below the target in red"
    assert brushes["赤壁市"] is None

    # a period in which every first inspection passed meets the target
    with qtbot.waitSignal(page.refreshed, timeout=10000):
        page.set_period(date(2026, 10, 10), date(2026, 11, 30))
    assert "100.0%" in page.summary.text() and "合格率，达到目标" in page.summary.text()
    assert page.offender_model.rows() == []

    # the kind filter: no site was inspected
    with qtbot.waitSignal(page.refreshed, timeout=10000):
        page.kind.setCurrentIndex(page.kind.findData("site"))
    assert "没有已签署的检验" in page.summary.text()

    out = tmp_path / "统计.csv"
    page.export_to(str(out))
    qtbot.waitUntil(lambda: out.exists() and "导出" in page.message.text(), timeout=10000)
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("分组,项,检验数")

    from pdfminer.high_level import extract_text

    with qtbot.waitSignal(page.refreshed, timeout=10000):
        page.kind.setCurrentIndex(page.kind.findData("scale"))
    sheet = tmp_path / "统计表.pdf"
    page.export_pdf_to(str(sheet))
    qtbot.waitUntil(lambda: sheet.exists() and "已保存" in page.message.text(), timeout=20000)
    text = "".join(extract_text(str(sheet)).split())
    assert "检验合格率统计表" in text and "计价秤" in text and "100.0%达到目标95%" in text


def test_a_reversed_period_is_explained_not_counted(qtbot, window) -> None:
    page = window.show_page("stats")
    page.set_period(date(2026, 11, 30), date(2026, 9, 1))
    qtbot.waitUntil(lambda: page.message.text() == "开始日期晚于结束日期。", timeout=5000)
