"""JGJ 59-2011 site check: the template data (every table of 附录B) and the jgj59_2011 scoring rule.

Expected scores are worked out by hand from the deduction values printed in the tables, so a
change in the data or the arithmetic that moves a site's grade shows up here.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qcity_desktop.checklists.model import Answer, Evaluation, RuleContext, Template
from qcity_desktop.checklists.rules import evaluate, rule_names
from qcity_desktop.checklists.templates import TEMPLATE_DIR, load_template_file
from qcity_desktop.errors import InputError

FILE = TEMPLATE_DIR / "site-jgj59-2011.v1.json"

# Item points of every table, in order, as printed in 附录B (reference: "Point-value summary").
POINTS = {
    **{f"B.{n}": [10] * 10 for n in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18)},
    "B.3": [10] * 6 + [10, 10, 10, 5, 5],
    "B.14": [10, 20, 10, 20, 15, 15, 10],
    "B.15": [15, 15, 10, 10, 10, 10, 10, 5, 10, 5],
    "B.19": [10, 10, 8, 10, 10, 10, 8, 8, 6, 8, 12],
}
WEIGHTS = {"安全管理": 10, "文明施工": 15, "脚手架": 10, "基坑工程": 10, "模板支架": 10, "高处作业": 10,
           "施工用电": 10, "物料提升机与施工升降机": 10, "塔式起重机与起重吊装": 10, "施工机具": 5}
GRADE_ORDER = {"不合格": 0, "合格": 1, "优良": 2}


@pytest.fixture(scope="module")
def tpl() -> Template:
    return load_template_file(FILE)


def passing(t: Template, *sids: str) -> dict[str, Answer]:
    """Every item of the given sub-tables answered 符合 (no deduction)."""
    return {it.id: Answer(it.id, "pass") for sid in sids for it in t.section_items(sid)}


def na(t: Template, *sids: str) -> dict[str, Answer]:
    return {it.id: Answer(it.id, "na") for sid in sids for it in t.section_items(sid)}


def ded(item_id: str, amount: str | int, **clauses: int) -> Answer:
    return Answer(item_id, "fail", deduction=Decimal(str(amount)), clauses=clauses or None)


def tick(item_id: str, **clauses: int) -> Answer:
    return Answer(item_id, "fail", clauses=clauses)


def sub(ev: Evaluation, sid: str) -> dict[str, Any]:
    return ev.details["subtables"][sid]


# --- the data ----------------------------------------------------------------------------------

def test_rule_is_registered_and_named_by_the_template(tpl: Template) -> None:
    assert "jgj59_2011" in rule_names()
    assert tpl.rule == "jgj59_2011" and tpl.kind == "site" and tpl.id == "site-jgj59-2011"


def test_all_nineteen_tables_with_their_items_and_points(tpl: Template) -> None:
    assert [s.id for s in tpl.sections] == [f"B.{n}" for n in range(1, 20)]
    assert len(tpl.items) == 189
    for section in tpl.sections:
        items = tpl.section_items(section.id)
        points = [i.attrs["points"] for i in items]
        assert points == POINTS[section.id], section.id
        assert sum(points) == 100, section.id  # 4.0.3-1: every 分项表 is out of 100
        assert section.attrs["subtable"] == section.id


def test_guarantee_split_is_60_40_except_b13_and_b19(tpl: Template) -> None:
    for section in tpl.sections:
        items = tpl.section_items(section.id)
        guarantee = [i for i in items if i.attrs["guarantee"]]
        if section.id in ("B.13", "B.19"):
            assert section.attrs["guarantee_split"] is False and guarantee == []
            continue
        assert section.attrs["guarantee_split"] is True
        assert sum(i.attrs["points"] for i in guarantee) == 60, section.id
        # the guarantee items come first, as on the printed forms
        flags = [i.attrs["guarantee"] for i in items]
        assert flags == sorted(flags, reverse=True), section.id


def test_every_item_is_a_result_item_with_its_deduction_clauses(tpl: Template) -> None:
    clause_count = 0
    for item in tpl.items.values():
        assert item.type == "result" and item.required and item.results == ("pass", "fail", "na")
        assert re.fullmatch(r"JGJ 59-2011 表B\.\d+ 第\d+项（§3\.\d+）", item.clause)
        clauses = item.attrs["deductions"]
        assert clauses, item.id
        assert len({c["id"] for c in clauses}) == len(clauses), item.id
        for c in clauses:
            assert c["text"] and c["points"] > 0, (item.id, c)
            assert c.get("min_points", c["points"]) <= c["points"], (item.id, c)
            assert c["per"] in (None, "处", "人", "项"), (item.id, c)
        clause_count += len(clauses)
    assert clause_count == 769


def test_spot_checks_against_the_printed_tables(tpl: Template) -> None:
    def clause(item_id: str, cid: str) -> dict[str, Any]:
        return next(c for c in tpl.items[item_id].attrs["deductions"] if c["id"] == cid)

    assert tpl.items["B.1-1"].title["zh"] == "安全生产责任制"
    assert clause("B.1-5", "d5") == {"id": "d5", "text": "施工管理人员、专职安全员未按规定进行年度教育培训和考核",
                                     "points": 2, "per": "人"}
    assert clause("B.3-2", "d2")["per"] == "处" and (clause("B.3-2", "d2")["min_points"], clause("B.3-2", "d2")["points"]) == (2, 5)
    assert tpl.items["B.14-2"].title["zh"] == "接地与接零保护系统" and clause("B.14-2", "d1")["points"] == 20
    assert clause("B.15-1", "d6")["per"] == "项"
    assert clause("B.4-6", "d2")["points"] == 6 and clause("B.5-6", "d2")["points"] == 5  # 分段验收 differs
    assert tpl.items["B.17-5"].title["zh"] == "多塔作业"
    assert tpl.items["B.19-11"].attrs["points"] == 12


def test_categories_weights_and_configurable_values(tpl: Template) -> None:
    cats = tpl.params["categories"]
    assert {c["name"]: c["weight"] for c in cats} == WEIGHTS and sum(WEIGHTS.values()) == 100
    owner = {sid: c["name"] for c in cats for sid in c["subtables"]}
    assert sorted(owner, key=lambda s: int(s[2:])) == [s.id for s in tpl.sections]
    for s in tpl.sections:
        assert s.attrs["category"] == owner[s.id]
    assert owner["B.10"] == "脚手架" and owner["B.16"] == "物料提升机与施工升降机" and owner["B.18"] == "塔式起重机与起重吊装"
    assert tpl.params["guarantee_minimum"] == 40
    assert [(g["grade"], g["min"]) for g in tpl.params["grades"]] == [("优良", 80), ("合格", 70)]
    # every [T]/[?] value is listed with its source, and the listed value is the one in force
    assert {c["path"] for c in tpl.configurable} >= {
        "params.guarantee_missing_rescale", "params.missing_item_rescale", "params.normalise_missing_categories",
        "params.fail_without_deduction", "params.range_clause_default", "params.decimals"}
    for c in tpl.configurable:
        assert c["confidence"] in ("T", "?") and c["source"] and c["note"]
        assert _resolve(tpl, c["path"]) == c["value"], c["path"]


def _resolve(t: Template, path: str) -> Any:
    if path.startswith("params."):
        return t.params[path.removeprefix("params.")]
    m = re.fullmatch(r"sections\.(B\.\d+)\.items\.(B\.\d+-\d+)\.attrs\.deductions\.(d\d+)\.(\w+)", path)
    assert m, path
    sid, item_id, cid, key = m.groups()
    assert t.items[item_id].section_id == sid
    return next(c for c in t.items[item_id].attrs["deductions"] if c["id"] == cid).get(key)


# --- sub-table scores worked out by hand -------------------------------------------------------

def test_b1_deductions_per_person_and_the_cap(tpl: Template) -> None:
    answers = passing(tpl, "B.1")
    answers["B.1-1"] = tick("B.1-1", d2=1)  # 责任制未经签字 −3
    answers["B.1-5"] = tick("B.1-5", d5=2)  # 两人未年度培训, 每人 −2 → −4
    answers["B.1-8"] = tick("B.1-8", d1=3)  # 三人未经培训, 每人 −5 = 15, capped at the item's 10
    ev = evaluate(tpl, answers)
    assert ev.complete and sub(ev, "B.1")["score"] == "83.00"  # 100 − 3 − 4 − 10
    assert sub(ev, "B.1")["guarantee"] == {"subtotal": "53", "full_checked": "60", "rescaled": "53.00"}
    assert ev.score == Decimal("83.00") and ev.grade == ev.verdict == "优良"
    failed = {f.item_id: f for f in ev.failed}
    assert list(failed) == ["B.1-1", "B.1-5", "B.1-8"]
    assert failed["B.1-1"].severity == "保证项目" and failed["B.1-8"].severity == "一般项目"
    assert "每人扣5分×3" in failed["B.1-8"].reason and "按10分计" in failed["B.1-8"].reason
    assert failed["B.1-8"].reason.startswith("扣10分（应得10分）")
    assert failed["B.1-1"].clause == "JGJ 59-2011 表B.1 第1项（§3.1）"


def test_b3_five_point_items_cap_their_ten_point_clauses(tpl: Template) -> None:
    answers = passing(tpl, "B.3")
    answers["B.3-10"] = tick("B.3-10", d2=1)  # 钢管弯曲锈蚀严重 −10 on a 5-point item → −5
    answers["B.3-11"] = tick("B.3-11", d2=1)  # 通道设置不符合要求 −2
    ev = evaluate(tpl, answers)
    assert sub(ev, "B.3")["score"] == "93.00"
    assert ev.details["categories"]["脚手架"]["score"] == "93.00"


def test_b14_unequal_points_range_clause_with_chosen_deduction(tpl: Template) -> None:
    answers = passing(tpl, "B.14")
    answers["B.14-2"] = tick("B.14-2", d4=3)  # 3 处 equipment without PE, 每处 −2 → −6 of 20
    answers["B.14-4"] = ded("B.14-4", 12, d1=1)  # not 三级配电 −10～20, inspector chose 12
    answers["B.14-6"] = tick("B.14-6", d2=1)  # no safety voltage in special places −15 of 15
    ev = evaluate(tpl, answers)
    # guarantee 60 − 6 − 12 = 42 ≥ 40 keeps the table; 100 − 6 − 12 − 15 = 67
    assert sub(ev, "B.14")["score"] == "67.00" and sub(ev, "B.14")["guarantee"]["subtotal"] == "42"
    assert ev.grade == "不合格"  # 67 < 70


def test_range_clause_without_a_chosen_amount_takes_the_configured_end(tpl: Template) -> None:
    answers = passing(tpl, "B.1")
    answers["B.1-1"] = tick("B.1-1", d3=1)  # 操作规程 −2～10
    ev = evaluate(tpl, answers)
    assert sub(ev, "B.1")["score"] == "0.00"  # max → the guarantee item scores 0 → table 0
    assert "保证项目“安全生产责任制”未得分" in sub(ev, "B.1")["zero_reason"]
    ev_min = evaluate(tpl, answers, RuleContext(overrides={"range_clause_default": "min"}))
    assert sub(ev_min, "B.1")["score"] == "98.00"


def test_tables_without_guarantee_items_never_zero_on_one_item(tpl: Template) -> None:
    answers = {**passing(tpl, "B.13", "B.19")}
    answers["B.13-1"] = tick("B.13-1", d1=2)  # two people without helmets, 每人 −5 → item 0
    answers["B.19-11"] = tick("B.19-11", d4=1)  # piling rig on soft ground −12 → item 0
    ev = evaluate(tpl, answers)
    assert sub(ev, "B.13")["score"] == "90.00" and sub(ev, "B.19")["score"] == "88.00"
    assert "guarantee" not in sub(ev, "B.13")
    assert {f.severity for f in ev.failed} == {"检查项目"}
    # 高处作业 90 × 10/100 = 9, 施工机具 88 × 5/100 = 4.4 → 13.4 / 15 × 100
    assert ev.score == Decimal("89.33")


# --- the guarantee rule (4.0.3-3) ---------------------------------------------------------------

def _b2(*guarantee_deductions: int) -> dict[str, Answer]:
    t = load_template_file(FILE)
    answers = passing(t, "B.2")
    for n, d in enumerate(guarantee_deductions, 1):
        answers[f"B.2-{n}"] = ded(f"B.2-{n}", d)
    return answers


def test_guarantee_subtotal_of_exactly_40_keeps_the_table(tpl: Template) -> None:
    ev = evaluate(tpl, _b2(5, 5, 5, 5))
    assert sub(ev, "B.2")["guarantee"]["subtotal"] == "40"
    assert sub(ev, "B.2")["score"] == "80.00" and sub(ev, "B.2")["zero_reason"] is None
    assert ev.grade == "优良"


def test_guarantee_subtotal_of_39_zeroes_the_table_and_fails_the_site(tpl: Template) -> None:
    ev = evaluate(tpl, _b2(6, 5, 5, 5))
    assert sub(ev, "B.2")["guarantee"]["subtotal"] == "39"
    assert sub(ev, "B.2")["score"] == "0.00"
    assert ev.grade == ev.verdict == "不合格" and ev.score == Decimal("0.00")
    assert any("不足40分" in r for r in ev.remarks)
    assert any("限期整改" in r for r in ev.remarks)


def test_a_guarantee_item_at_zero_zeroes_the_table_even_with_a_high_subtotal(tpl: Template) -> None:
    answers = {**_b2(10), **passing(tpl, "B.1")}
    ev = evaluate(tpl, answers)
    assert sub(ev, "B.2")["guarantee"]["subtotal"] == "50" and sub(ev, "B.2")["score"] == "0.00"
    # total (10 × 100 + 15 × 0) / 25 = 40, and a zero table fails the site whatever the total
    assert ev.score == Decimal("40.00") and ev.grade == "不合格"
    assert any("表B.2得零分" in r for r in ev.remarks)


def test_a_zero_table_fails_a_site_whose_total_is_otherwise_excellent(tpl: Template) -> None:
    answers = {**passing(tpl, *[s.id for s in tpl.sections]), **_b2(10)}
    ev = evaluate(tpl, answers)
    assert ev.score == Decimal("85.00")  # 文明施工 weight 15 lost of 100
    assert ev.grade == "不合格"


def _b17(subtotal_deductions: list[int]) -> dict[str, Answer]:
    t = load_template_file(FILE)
    answers = passing(t, "B.17")
    answers["B.17-5"] = Answer("B.17-5", "na")  # 多塔作业: one crane on site → 缺项
    for item_id, d in zip(["B.17-1", "B.17-2", "B.17-3", "B.17-4", "B.17-6"], subtotal_deductions, strict=False):
        answers[item_id] = ded(item_id, d)
    return answers


def test_missing_guarantee_item_rescales_the_subtotal_before_the_40_test(tpl: Template) -> None:
    ev = evaluate(tpl, _b17([4, 4, 4, 4]))  # 50 − 16 = 34 → 34 × 60/50 = 40.8 ≥ 40
    g = sub(ev, "B.17")["guarantee"]
    assert (g["subtotal"], g["full_checked"], g["rescaled"]) == ("34", "50", "40.80")
    assert sub(ev, "B.17")["score"] == "82.22"  # (90 − 16) / 90 × 100
    assert sub(ev, "B.17")["missing"] == ["B.17-5"]
    ev = evaluate(tpl, _b17([4, 4, 4, 4, 1]))  # 33 → 39.6 < 40
    assert sub(ev, "B.17")["guarantee"]["rescaled"] == "39.60" and sub(ev, "B.17")["score"] == "0.00"
    assert "缺项折算为39.6分" in sub(ev, "B.17")["zero_reason"]


def test_without_rescaling_the_raw_guarantee_subtotal_is_compared(tpl: Template) -> None:
    ev = evaluate(tpl, _b17([4, 4, 4, 4]), RuleContext(overrides={"guarantee_missing_rescale": False}))
    assert sub(ev, "B.17")["score"] == "0.00"  # 34 < 40


# --- 缺项 (missing items), sub-tables and categories not checked ---------------------------------

def test_missing_items_rescale_the_table_a2_equals_d_over_e(tpl: Template) -> None:
    answers = passing(tpl, "B.3")
    answers["B.3-11"] = Answer("B.3-11", "na")  # 通道 (5) not applicable
    answers["B.3-10"] = tick("B.3-10", d3=1)  # couplers not re-tested −5 → item 0
    ev = evaluate(tpl, answers)
    assert (sub(ev, "B.3")["actual"], sub(ev, "B.3")["full_checked"]) == ("90", "95")
    assert sub(ev, "B.3")["score"] == "94.74"  # 90 / 95 × 100
    ev = evaluate(tpl, answers, RuleContext(overrides={"missing_item_rescale": False}))
    assert sub(ev, "B.3")["score"] == "90.00"


def test_scaffold_category_is_the_mean_of_the_tables_used(tpl: Template) -> None:
    answers = {**passing(tpl, "B.3", "B.8"), **na(tpl, "B.4", "B.5")}  # B.6, B.7, B.9, B.10 untouched
    answers["B.3-1"] = tick("B.3-1", d2=1)  # no calculation −10 → guarantee item 0 → B.3 = 0
    answers["B.8-2"] = tick("B.8-2", d3=2)  # 2 处 beam ends not tied, 每处 −2 → B.8 = 96
    ev = evaluate(tpl, answers)
    cat = ev.details["categories"]["脚手架"]
    assert cat["subtables"] == ["B.3", "B.8"] and cat["score"] == "48.00"
    assert not sub(ev, "B.4")["used"] and sub(ev, "B.4")["missing"] == [i.id for i in tpl.section_items("B.4")]
    assert ev.grade == "不合格"


def test_total_is_normalised_over_the_categories_checked(tpl: Template) -> None:
    answers = {**passing(tpl, "B.1", "B.2", "B.19")}
    answers["B.1-1"] = tick("B.1-1", d2=1)
    answers["B.1-5"] = tick("B.1-5", d5=2)
    answers["B.1-8"] = tick("B.1-8", d1=3)  # B.1 = 83 as above
    for n in (1, 2, 3, 4):
        answers[f"B.2-{n}"] = ded(f"B.2-{n}", 5)  # B.2 = 80
    answers["B.19-11"] = tick("B.19-11", d5=1)  # B.19 = 88
    ev = evaluate(tpl, answers)
    # 10×83/100 + 15×80/100 + 5×88/100 = 8.3 + 12 + 4.4 = 24.7 over weights 30 → 82.333…
    assert ev.details["weights_checked"] == "30" and ev.details["categories"]["文明施工"]["weighted"] == "12.00"
    assert ev.score == Decimal("82.33") and ev.grade == "优良"
    ev = evaluate(tpl, answers, RuleContext(overrides={"normalise_missing_categories": False}))
    assert ev.score == Decimal("24.70") and ev.grade == "不合格"


def test_a_whole_site_worked_by_hand(tpl: Template) -> None:
    t = tpl
    answers = {**passing(t, *[s.id for s in t.sections]), **na(t, "B.4", "B.5", "B.6", "B.7", "B.9", "B.10", "B.16")}
    answers.update({"B.1-1": tick("B.1-1", d2=1), "B.1-5": tick("B.1-5", d5=2), "B.1-8": tick("B.1-8", d1=3)})  # 83
    answers.update({f"B.2-{n}": ded(f"B.2-{n}", 5) for n in (1, 2, 3, 4)})  # 80
    answers.update({"B.3-10": tick("B.3-10", d2=1), "B.3-11": tick("B.3-11", d2=1)})  # 93; B.8 100 → 96.5
    answers["B.13-1"] = tick("B.13-1", d1=2)  # 90
    answers.update({"B.14-2": tick("B.14-2", d4=3), "B.14-4": ded("B.14-4", 12, d1=1),
                    "B.14-6": tick("B.14-6", d2=1)})  # 67
    answers["B.17-7"] = tick("B.17-7", d1=1)  # 90; B.18 100 → 95
    answers["B.19-11"] = tick("B.19-11", d5=1)  # 88
    ev = evaluate(t, answers)
    cats = {k: v["score"] for k, v in ev.details["categories"].items()}
    assert cats == {"安全管理": "83.00", "文明施工": "80.00", "脚手架": "96.50", "基坑工程": "100.00",
                    "模板支架": "100.00", "高处作业": "90.00", "施工用电": "67.00",
                    "物料提升机与施工升降机": "100.00", "塔式起重机与起重吊装": "95.00", "施工机具": "88.00"}
    # 8.3 + 12 + 9.65 + 10 + 10 + 9 + 6.7 + 10 + 9.5 + 4.4
    assert ev.score == Decimal("89.55") and ev.grade == "优良" and ev.details["weights_checked"] == "100"
    assert len(ev.failed) == 15  # 3 + 4 + 2 + 1 + 3 + 1 + 1 items with deductions
    assert {f.item_id: f.reason for f in ev.failed}["B.2-3"] == "扣5分（应得10分）：未注明扣分条款"


@pytest.mark.parametrize(("deduction", "score", "grade"), [
    (20, "80.00", "优良"), (21, "79.00", "合格"), (30, "70.00", "合格"), (31, "69.00", "不合格"),
    ("20.5", "79.50", "合格"),
])
def test_grade_limits(tpl: Template, deduction: Any, score: str, grade: str) -> None:
    answers = passing(tpl, "B.13")
    left, n = Decimal(str(deduction)), 2
    while left > 0:  # at most 10 on each 10-point item, so nothing is lost to the cap
        answers[f"B.13-{n}"] = ded(f"B.13-{n}", min(left, Decimal(10)))
        left, n = left - 10, n + 1
    ev = evaluate(tpl, answers)
    assert (str(ev.score), ev.grade) == (score, grade)


def test_grade_follows_the_rounded_score_that_is_printed(tpl: Template) -> None:
    # 高处作业 79.995 × 10 and nothing else: the report says 80.00, so the grade is 优良
    answers = passing(tpl, "B.13")
    answers["B.13-4"] = ded("B.13-4", "10")
    answers["B.13-5"] = ded("B.13-5", "10.005")
    ev = evaluate(tpl, answers)
    assert str(ev.score) == "80.00" and ev.grade == "优良"
    ev = evaluate(tpl, answers, RuleContext(overrides={"decimals": 1}))
    assert str(ev.score) == "80.0"


# --- answers: fail without a deduction, incomplete, bad input ----------------------------------

def test_fail_without_a_deduction_loses_the_items_points_by_default(tpl: Template) -> None:
    answers = passing(tpl, "B.1")
    answers["B.1-9"] = Answer("B.1-9", "fail")
    ev = evaluate(tpl, answers)
    assert sub(ev, "B.1")["score"] == "90.00"
    assert "按应得分全扣" in ev.failed[0].reason
    ev = evaluate(tpl, answers, RuleContext(overrides={"fail_without_deduction": "incomplete"}))
    assert not ev.complete and ev.verdict is None
    assert any("B.1-9" in r and "扣分" in r for r in ev.remarks)


def test_a_partly_answered_table_is_incomplete_and_names_what_is_missing(tpl: Template) -> None:
    answers = passing(tpl, "B.1")
    del answers["B.1-4"], answers["B.1-10"]
    ev = evaluate(tpl, answers)
    assert not ev.complete and ev.verdict is None and ev.score is None and ev.grade is None
    assert any(r.startswith("表B.1 还有2项未填写") and "B.1-4, B.1-10" in r for r in ev.remarks)


def test_nothing_checked_gives_no_verdict(tpl: Template) -> None:
    for answers in ({}, na(tpl, "B.1", "B.13")):
        ev = evaluate(tpl, answers)
        assert not ev.complete and ev.verdict is None
        assert "未检查任何分项检查评分表" in ev.remarks


def test_a_deduction_given_without_a_result_counts(tpl: Template) -> None:
    answers = passing(tpl, "B.13")
    answers["B.13-7"] = Answer("B.13-7", None, deduction=Decimal("3"))
    assert sub(evaluate(tpl, answers), "B.13")["score"] == "97.00"


def test_na_with_deductions_ignores_them_and_says_so(tpl: Template) -> None:
    answers = passing(tpl, "B.13")
    answers["B.13-7"] = Answer("B.13-7", "na", clauses={"d1": 1})
    ev = evaluate(tpl, answers)
    assert sub(ev, "B.13")["score"] == "100.00" and "B.13-7 判为缺项，所填扣分未计" in ev.remarks


@pytest.mark.parametrize(("answer", "message"), [
    (Answer("B.1-1", "fail", clauses={"zz": 1}), "unknown deduction clause 'zz'"),
    (Answer("B.1-1", "fail", clauses={"d1": 2}), "can be ticked only once"),
    (Answer("B.1-1", "fail", clauses={"d1": -1}), "whole number"),
    (Answer("B.1-1", "fail", deduction=Decimal("-1")), "negative"),
    (Answer("B.1-1", "fail", deduction=Decimal("1"), clauses={"d3": 1}), "does not fit the ticked clauses (2～10)"),
    (Answer("B.1-1", "not_tested"), "result 'not_tested' is not allowed"),
])
def test_bad_answers_get_a_one_line_error_naming_the_item(tpl: Template, answer: Answer, message: str) -> None:
    answers = passing(tpl, "B.1")
    answers["B.1-1"] = answer
    with pytest.raises(InputError) as err:
        evaluate(tpl, answers)
    assert "B.1-1" in str(err.value) and message in str(err.value) and "\n" not in str(err.value)


def test_bad_overrides_are_refused(tpl: Template) -> None:
    with pytest.raises(InputError, match="fail_without_deduction"):
        evaluate(tpl, passing(tpl, "B.1"), RuleContext(overrides={"fail_without_deduction": "half"}))


# --- properties --------------------------------------------------------------------------------

TEMPLATE = load_template_file(FILE)
ITEMS = list(TEMPLATE.items.values())


@st.composite
def item_answer(draw: st.DrawFn, item_id: str) -> Answer:
    item = TEMPLATE.items[item_id]
    kind = draw(st.sampled_from(["pass", "pass", "fail", "fail", "na"]))
    if kind != "fail":
        return Answer(item_id, kind)
    clauses = item.attrs["deductions"]
    chosen = draw(st.lists(st.sampled_from(clauses), min_size=1, max_size=3, unique_by=lambda c: c["id"]))
    return Answer(item_id, "fail", clauses={c["id"]: draw(st.integers(1, 4)) if c["per"] else 1 for c in chosen})


@st.composite
def site_answers(draw: st.DrawFn) -> dict[str, Answer]:
    """Whole sub-tables answered or left alone, as an inspector would."""
    answers: dict[str, Answer] = {}
    sids = draw(st.lists(st.sampled_from([s.id for s in TEMPLATE.sections]), min_size=1, max_size=8, unique=True))
    for sid in sids:
        for item in TEMPLATE.section_items(sid):
            answers[item.id] = draw(item_answer(item.id))
    return answers


def _numbers(ev: Evaluation) -> list[Decimal]:
    vals = [ev.details["total"]] + [c["score"] for c in ev.details["categories"].values()]
    vals += [s["score"] for s in ev.details["subtables"].values()]
    return [Decimal(v) for v in vals if v is not None]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(site_answers())
def test_scores_never_leave_0_to_100(answers: dict[str, Answer]) -> None:
    ev = evaluate(TEMPLATE, answers)
    if ev.complete:
        assert Decimal(0) <= ev.score <= Decimal(100) and ev.grade in GRADE_ORDER
    for value in _numbers(ev):
        assert Decimal(0) <= value <= Decimal(100)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(site_answers(), st.data())
def test_ticking_one_more_deduction_never_raises_the_score(answers: dict[str, Answer], data: st.DataObject) -> None:
    before = evaluate(TEMPLATE, answers)
    # a bare 'fail' already loses the whole item, so tick only on items that are pass or carry clauses
    candidates = [a for a in answers.values() if a.result == "pass" or a.clauses]
    if not before.complete or not candidates:
        return
    a = data.draw(st.sampled_from(candidates))
    clauses = TEMPLATE.items[a.item_id].attrs["deductions"]
    c = data.draw(st.sampled_from([c for c in clauses if c["per"] or c["id"] not in (a.clauses or {})] or clauses))
    ticked = dict(a.clauses or {})
    if c["id"] in ticked and not c["per"]:
        return
    ticked[c["id"]] = ticked.get(c["id"], 0) + 1
    event("ticked one more")
    after = evaluate(TEMPLATE, {**answers, a.item_id: Answer(a.item_id, "fail", clauses=ticked)})
    assert after.score <= before.score
    assert GRADE_ORDER[after.grade] <= GRADE_ORDER[before.grade]
    sid = TEMPLATE.items[a.item_id].section_id
    assert Decimal(sub(after, sid)["score"]) <= Decimal(sub(before, sid)["score"])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ITEMS), st.data())
def test_an_items_deduction_is_capped_at_its_points(item: Any, data: st.DataObject) -> None:
    answer = data.draw(item_answer(item.id))
    if answer.result != "fail":
        return
    answers = {**passing(TEMPLATE, item.section_id), item.id: answer}
    ev = evaluate(TEMPLATE, answers)
    by_id = {c["id"]: c for c in item.attrs["deductions"]}
    raw = sum(Fraction(by_id[cid]["points"]) * n for cid, n in answer.clauses.items())
    lost = min(raw, Fraction(item.attrs["points"]))
    assert Fraction(sub(ev, item.section_id)["actual"]) == 100 - lost
    (failed,) = ev.failed
    assert failed.reason.startswith(f"扣{lost}分（应得{item.attrs['points']}分）")
