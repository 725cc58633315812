"""Pass rates a supervisor can defend: signed inspections only, re-inspections apart, repeat offenders named."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from qcity_desktop.errors import InputError
from qcity_desktop.store import open_store
from qcity_desktop.store.stats import statistics

ROOT = Path(__file__).resolve().parent.parent


def scale(store, name: str, district: str) -> str:
    sid, _ = store.subjects.add("scale", {"name": name, "district": district, "serial_no": name, "max": "15000",
                                          "e": "5", "accuracy_class": "III", "merchant": name})
    return sid


def inspect(store, sid: str, day: str, fail: bool, sign: bool = True, reinspection_of: str | None = None) -> str:
    """A real market-scale inspection on ``day``: every check answered, one failing when ``fail``."""
    iid = store.inspections.create(sid, "scale-market-in-service", inspectors=["王芳"],
                                   started_at=f"{day}T09:00:00.000Z", reinspection_of=reinspection_of)
    leaves = [i for i in store.inspections.template_of(store.inspections.row(iid)).leaves() if i.type == "result"]
    for item in leaves:
        result = "na" if item.id == "S1.3" else "pass"      # no seal on this model: no photo needed
        store.inspections.answer(iid, item.id, result=result)
    if fail:
        store.inspections.answer(iid, "S1.1", result="fail", note="铭牌缺失")
    store.inspections.complete(iid, today=date.fromisoformat(day))
    if sign:
        store.inspections.sign(iid, "王芳")
    return iid


@pytest.fixture
def market(tmp_path: Path):
    store = build_market(tmp_path / "s.db")
    yield store
    store.close()


def build_market(path: Path):  # noqa: ANN201
    """Four stalls over three months: one fails twice, one fails and passes its re-inspection."""
    store = open_store(path)
    a, b = scale(store, "A 王记鲜肉", "咸安区"), scale(store, "B 李家水产", "咸安区")
    c, d = scale(store, "C 张氏蔬菜", "赤壁市"), scale(store, "D 刘记干货", "赤壁市")
    inspect(store, a, "2026-09-03", fail=True)
    inspect(store, a, "2026-10-08", fail=True)
    first_b = inspect(store, b, "2026-10-09", fail=True)
    inspect(store, b, "2026-10-20", fail=False, reinspection_of=first_b)
    inspect(store, c, "2026-10-10", fail=False)
    inspect(store, d, "2026-11-02", fail=False)
    inspect(store, d, "2026-11-05", fail=False, sign=False)          # completed, not signed: not counted
    inspect(store, c, "2025-12-31", fail=True)                        # before the period
    return store


def test_rates_count_signed_first_inspections_once(market) -> None:
    st = statistics(market.conn, date(2026, 9, 1), date(2026, 11, 30), target=Decimal("95"), today=date(2026, 11, 29))
    assert (st.overall.inspected, st.overall.passed, st.overall.failed) == (5, 2, 3)
    assert st.overall.rate == Decimal("40.0") and st.meets_target is False
    assert (st.reinspections.inspected, st.reinspections.passed) == (1, 1)
    assert [(r.key, r.inspected, r.passed) for r in st.by_month] == [("2026-09", 1, 0), ("2026-10", 3, 1),
                                                                      ("2026-11", 1, 1)]
    assert {r.key: (r.inspected, str(r.rate)) for r in st.by_district} == {"咸安区": (3, "0.0"), "赤壁市": (2, "100.0")}
    assert st.unsigned == 1
    assert st.to_review == 6, "every signed inspection of the period (first and re-inspections) awaits review"
    october = market.conn.execute("SELECT id FROM inspections WHERE started_at LIKE '2026-10-10%'").fetchone()[0]
    market.reviews.add(october, "approved", "赵科长")
    assert statistics(market.conn, date(2026, 9, 1), date(2026, 11, 30)).to_review == 5
    # the stall that failed twice is named; the one that failed once and was fixed is not
    assert [(o["name"], o["failures"], o["last_failed"]) for o in st.repeat_offenders] == [("A 王记鲜肉", 2, "2026-10-08")]
    assert st.repeat_offenders[0]["open_findings"] == 2
    assert st.findings["open"] == 3     # A twice and C's 2025 one; B's was closed by its signed re-inspection


def test_rounding_target_and_bad_periods(market) -> None:
    st = statistics(market.conn, date(2026, 10, 9), date(2026, 11, 30), target=Decimal("60"))
    assert (st.overall.inspected, st.overall.passed, str(st.overall.rate)) == (3, 2, "66.7")   # 2/3, half-up
    assert st.meets_target is True
    empty = statistics(market.conn, date(2020, 1, 1), date(2020, 12, 31))
    assert empty.overall.rate is None and empty.meets_target is None and empty.by_month == []
    with pytest.raises(InputError, match="starts"):
        statistics(market.conn, date(2026, 12, 1), date(2026, 1, 1))
    with pytest.raises(InputError, match="kind"):
        statistics(market.conn, date(2026, 1, 1), date(2026, 12, 1), kind="boiler")
    with pytest.raises(InputError, match="percentage"):
        statistics(market.conn, date(2026, 1, 1), date(2026, 12, 1), target=Decimal("120"))


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qcity_desktop", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_cli_json_text_and_csv(market, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run = _cli("--db", db, "stats", "--from", "2026-09-01", "--to", "2026-11-30", "--target", "95", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["overall"] == {"key": "all", "inspected": 5, "passed": 2, "failed": 3, "rate": "40.0"}
    assert data["meets_target"] is False and data["repeat_offenders"][0]["name"] == "A 王记鲜肉"

    run = _cli("--db", db, "stats", "--from", "2026-09-01", "--to", "2026-11-30", "--target", "95")
    assert run.returncode == 0
    assert "合格率 40.0%" in run.stdout and "低于目标 95%" in run.stdout and "A 王记鲜肉" in run.stdout

    out = tmp_path / "stats.csv"
    run = _cli("--db", db, "stats", "--from", "2026-09-01", "--to", "2026-11-30", "--csv", str(out))
    assert run.returncode == 0, run.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert "分组,项,检验数,合格数,不合格数,合格率(%)" in text.splitlines()[0]
    assert "按月,2026-10,3,1,2,33.3" in text and "重复不合格,A 王记鲜肉" in text


@pytest.mark.parametrize(("args", "needle"), [
    (("--from", "2026-13-01"), "--from"),
    (("--from", "2026-12-01", "--to", "2026-01-01"), "starts"),
    (("--target", "abc"), "--target"),
    (("--kind", "boiler"), "invalid choice"),
])
def test_cli_bad_input_is_one_line(market, tmp_path: Path, args: tuple[str, ...], needle: str) -> None:
    run = _cli("--db", str(tmp_path / "s.db"), "stats", *args)
    assert run.returncode == 2 and "Traceback" not in run.stderr and needle in run.stderr


def test_the_statistics_sheet_is_a_pdf_with_the_same_figures(market, tmp_path: Path) -> None:
    import re

    from pdfminer.high_level import extract_text

    db, out = str(tmp_path / "s.db"), tmp_path / "sheet.pdf"
    run = _cli("--db", db, "stats", "--from", "2026-09-01", "--to", "2026-11-30", "--target", "95", "--pdf", str(out))
    assert run.returncode == 0, run.stderr
    text = re.sub(r"\s+", "", extract_text(str(out)))
    assert "检验合格率统计表" in text and "2026-09-01—2026-11-30" in text
    assert "40.0%未达到目标95%" in text
    assert "已签署检验5次，合格2次，不合格3次；复检1次" in text
    assert "A王记鲜肉" in text and "咸安区" in text and "0.0%" in text and "100.0%" in text
    run = _cli("--db", db, "stats", "--pdf", str(tmp_path))
    assert run.returncode == 2 and "is a folder" in run.stderr
    run = _cli("--db", db, "stats", "--pdf", str(tmp_path / "missing" / "x.pdf"))
    assert run.returncode == 3 and "cannot write" in run.stderr and "Traceback" not in run.stderr
