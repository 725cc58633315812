"""TSG T7001-2023 periodic inspection: template content, applicability and the conclusion rule."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal

import pytest

from qcity_desktop.checklists.applicability import (
    CONDITIONS,
    check_value,
    evaluate_items,
    override_note,
    parse_override_note,
)
from qcity_desktop.checklists.model import Answer, RuleContext
from qcity_desktop.checklists.rules import evaluate
from qcity_desktop.checklists.templates import get_template

TODAY = date(2026, 3, 15)

# A lift supervised in 2019 (under 15 years, after 2017-10-01, before the 2023 rule), made in 2018.
MODERN = {"supervised_date": "2019-06-10", "manufacture_date": "2018-11-01", "rated_speed": "1.75",
          "elevator_type": "passenger", "door_type": "centre", "drive": "traction", "suspension": "rope"}
# A lift supervised in 2008 (over 15 years), made in 2007.
OLD = {"supervised_date": "2008-06-01", "manufacture_date": "2007-01-01", "rated_speed": "2.5",
       "elevator_type": "goods", "door_type": "side", "drive": "traction", "suspension": "rope"}

VALUES = {"A1.2.7.8(1)": "9", "A1.3.2(1)": "0.45", "A1.3.2(2)": "0.45", "A1.2.7.2(1)": "3",
          "A1.2.7.2(2)": "20", "A1.3.3": "105"}


@pytest.fixture(scope="module")
def tpl():
    return get_template("elevator-t7001-2023")


def subject(data: dict) -> dict:
    return {"id": "s1", "kind": "elevator", "name": "测试电梯", "data": data}


def all_pass(tpl, data: dict, on: date = TODAY) -> dict[str, Answer]:
    """Every applicable leaf answered √, measured items with values inside their limits."""
    states = evaluate_items(tpl, subject(data), on)
    answers = {}
    for leaf in tpl.leaves():
        if not states.applicability[leaf.id].applies:
            continue
        if leaf.type == "number":
            answers[leaf.id] = Answer(leaf.id, value=VALUES[leaf.id])
        else:
            answers[leaf.id] = Answer(leaf.id, result="pass")
    return answers


def run(tpl, answers, data=MODERN, on=TODAY, **overrides):
    return evaluate(tpl, answers, RuleContext(subject=subject(data), inspection_date=on, overrides=overrides))


def mark(answers: dict, tpl, item_id: str, result: str) -> None:
    """Set a top item's result: on its first result-type leaf, or on itself when it has no sub-items."""
    children = [c for c in tpl.children(item_id) if c.type == "result"]
    target = children[0].id if children else item_id
    answers[target] = Answer(target, result=result)


GENERAL = ["A1.1.4", "A1.2.1.1", "A1.2.2.1", "A1.2.4.1", "A1.2.6.8"]


# --------------------------------------------------------------------------- the template


def test_template_numbering_key_items_and_results(tpl):
    tops = [i for i in tpl.items.values() if i.parent is None]
    assert all(re.fullmatch(r"A1\.[123](\.\d+)*(\(\d+\))?", i.id) for i in tops)
    assert all(isinstance(i.attrs.get("key"), bool) for i in tops)
    key = {i.id for i in tops if i.attrs["key"]}
    # the starred items of Annex A (tolerances-t7001.md §3.1)
    assert key == {"A1.2.2.17", "A1.2.3.6", "A1.2.3.10(1)", "A1.2.3.11", "A1.2.3.16", "A1.2.3.17", "A1.2.3.18",
                   "A1.2.3.19", "A1.2.4.3", "A1.2.4.7", "A1.2.5.7", "A1.2.7.2", "A1.2.7.4", "A1.2.7.5",
                   "A1.2.7.6", "A1.2.7.7", "A1.2.7.8", "A1.3.1", "A1.3.2", "A1.3.4", "A1.3.5", "A1.3.6",
                   "A1.3.7", "A1.3.8", "A1.3.11", "A1.3.12"}
    assert "A1.3.3" not in key and "A1.3.13" not in key
    for item in tpl.items.values():
        if item.type == "result":
            assert set(item.results) == {"pass", "fail", "na", "rectified"}
        for name in item.attrs.get("applies", {}):
            assert name in CONDITIONS
    assert tpl.params["max_general_nonconforming"] == 3
    paths = {c["path"] for c in tpl.configurable}
    assert {"params.max_general_nonconforming", "params.labels.conditional_pass"} <= paths
    assert all(c["confidence"] in ("T", "?") for c in tpl.configurable)


def test_measured_limits_in_the_template(tpl):
    assert tpl.items["A1.2.7.8(1)"].min == Decimal("7")
    assert (tpl.items["A1.3.2(1)"].min, tpl.items["A1.3.2(1)"].max) == (Decimal("0.40"), Decimal("0.50"))
    assert tpl.items["A1.3.3"].max == Decimal("110") and tpl.items["A1.3.3"].unit == "%"


# --------------------------------------------------------------------------- conclusion at its edges


def test_all_conforming_is_pass(tpl):
    e = run(tpl, all_pass(tpl, MODERN))
    assert (e.verdict, e.grade, e.complete) == ("合格", "合格", True)
    assert e.failed == () and e.remarks == ()


def test_three_general_failures_pass_with_the_label_and_remark(tpl):
    answers = all_pass(tpl, MODERN)
    for iid in GENERAL[:3]:
        mark(answers, tpl, iid, "fail")
    preview = run(tpl, answers)      # before the using unit's answer is recorded: say what it depends on
    assert preview.remarks == ("第A1.1.4、A1.2.1.1、A1.2.2.1项的检验结果为不符合：使用单位书面承诺监护使用则合格，"
                               "否则不合格（完成检验时确认）",)
    e = run(tpl, answers, notice_no="TZ-2026-0042", supervised_use=True)
    assert e.verdict == "合格" and e.grade == "整改后合格"
    assert e.remarks == ("本记录第A1.1.4、A1.2.1.1、A1.2.2.1项的检验结果为不符合，使用单位已经承诺采取安全措施，"
                         "对电梯实行监护使用（见编号为TZ-2026-0042的《电梯检验意见通知书》）",)
    assert [f.severity for f in e.failed] == ["一般项目"] * 3
    assert e.failed[0].reason == "使用登记证与电梯相符：不符合"
    assert e.details["supervised_use"] is True


def test_four_general_failures_fail(tpl):
    answers = all_pass(tpl, MODERN)
    for iid in GENERAL[:4]:
        mark(answers, tpl, iid, "fail")
    e = run(tpl, answers)
    assert (e.verdict, e.grade) == ("不合格", "不合格")
    assert "超过3项" in e.remarks[0]


def test_rectified_general_items_count_towards_the_three(tpl):
    answers = all_pass(tpl, MODERN)
    mark(answers, tpl, GENERAL[0], "fail")
    mark(answers, tpl, GENERAL[1], "fail")
    mark(answers, tpl, GENERAL[2], "rectified")
    e = run(tpl, answers, supervised_use=True)
    assert e.grade == "整改后合格"
    assert "本记录第A1.1.4、A1.2.1.1项" in e.remarks[0]  # only the × items are "不符合"
    mark(answers, tpl, GENERAL[3], "rectified")
    e = run(tpl, answers)
    assert e.verdict == "不合格" and "不符合及整改后符合共4项" in e.remarks[0]


def test_rectified_general_items_alone_are_a_plain_pass(tpl):
    answers = all_pass(tpl, MODERN)
    for iid in GENERAL:
        mark(answers, tpl, iid, "rectified")
    e = run(tpl, answers)
    assert (e.verdict, e.grade) == ("合格", "合格")
    assert e.details["general_rectified"] == GENERAL


def test_one_key_failure_fails(tpl):
    answers = all_pass(tpl, MODERN)
    mark(answers, tpl, "A1.2.7.4", "fail")
    e = run(tpl, answers)
    assert e.verdict == "不合格"
    assert e.failed[0].item_id == "A1.2.7.4" and e.failed[0].severity == "关键项目"
    assert e.remarks == ("关键项目第A1.2.7.4项检验结果为不符合",)


def test_rectified_key_item_does_not_fail(tpl):
    answers = all_pass(tpl, MODERN)
    mark(answers, tpl, "A1.2.7.4", "rectified")
    e = run(tpl, answers)
    assert (e.verdict, e.grade) == ("合格", "合格")
    assert e.details["key_rectified"] == ["A1.2.7.4"]
    # and it does not count towards the three general items
    for iid in GENERAL[:3]:
        mark(answers, tpl, iid, "fail")
    assert run(tpl, answers).grade == "整改后合格"


def test_supervised_use_refused_fails(tpl):
    answers = all_pass(tpl, MODERN)
    mark(answers, tpl, GENERAL[0], "fail")
    e = run(tpl, answers, supervised_use=False)
    assert e.verdict == "不合格" and "未承诺" in e.remarks[0]


def test_threshold_and_label_are_settings(tpl):
    relaxed = dataclasses.replace(tpl, params={**tpl.params, "max_general_nonconforming": 4,
                                               "labels": {**tpl.params["labels"], "conditional_pass": "合格"}})
    answers = all_pass(relaxed, MODERN)
    for iid in GENERAL[:4]:
        mark(answers, relaxed, iid, "fail")
    e = run(relaxed, answers)
    assert (e.verdict, e.grade) == ("合格", "合格") and e.details["supervised_use"] is True


def test_unanswered_items_leave_no_verdict(tpl):
    answers = all_pass(tpl, MODERN)
    del answers["A1.2.4.1"]
    e = run(tpl, answers)
    assert e.verdict is None and not e.complete
    assert e.details["unanswered"] == ["A1.2.4.1"]
    # the design value is for information: leaving it empty blocks nothing
    answers = all_pass(tpl, MODERN)
    del answers["A1.3.2(2)"]
    assert run(tpl, answers).complete


# --------------------------------------------------------------------------- measured values


def test_door_lock_engagement_below_7_mm_fails_a_key_item(tpl):
    answers = all_pass(tpl, MODERN)
    answers["A1.2.7.8(1)"] = Answer("A1.2.7.8(1)", result="pass", value="6.5")  # ticked √, but the value decides
    e = run(tpl, answers)
    assert e.verdict == "不合格"
    assert e.failed[0].item_id == "A1.2.7.8"
    assert "6.5 mm 小于 7 mm" in e.failed[0].reason
    answers["A1.2.7.8(1)"] = Answer("A1.2.7.8(1)", value="7")
    assert run(tpl, answers).verdict == "合格"


def test_balance_coefficient_out_of_range_stops_later_tests(tpl):
    answers = all_pass(tpl, MODERN)
    answers["A1.3.2(1)"] = Answer("A1.3.2(1)", value="0.38")
    for iid in ("A1.3.3", "A1.3.4.1", "A1.3.13"):
        answers.pop(iid, None)  # the tests were not done
    e = run(tpl, answers)
    assert e.complete and e.verdict == "不合格"
    assert [f.item_id for f in e.failed] == ["A1.3.2"]
    states = evaluate_items(tpl, subject(MODERN), TODAY, answers)
    for iid in ("A1.3.3", "A1.3.4", "A1.3.6", "A1.3.12", "A1.3.13"):
        assert not states.applicability[iid].applies
        assert "平衡系数测试不符合，后续试验不进行" in states.applicability[iid].reason
    assert states.applicability["A1.3.1"].applies  # the rescue test comes before


@pytest.mark.parametrize(("data", "gap", "force_gap", "ok"), [
    ({"elevator_type": "passenger", "door_type": "side"}, "6", "30", True),
    ({"elevator_type": "passenger", "door_type": "side"}, "7", "30", False),
    ({"elevator_type": "goods", "door_type": "side"}, "10", "30", True),
    ({"elevator_type": "goods", "door_type": "side"}, "10", "31", False),
    ({"elevator_type": "载货电梯", "door_type": "中分"}, "9", "45", True),
    ({"elevator_type": "goods", "door_type": "centre"}, "9", "46", False),
])
def test_door_gaps_depend_on_lift_and_door_type(tpl, data, gap, force_gap, ok):
    lift = {**OLD, **data}  # door gaps are checked on lifts over 15 years
    answers = all_pass(tpl, lift)
    answers["A1.2.7.2(1)"] = Answer("A1.2.7.2(1)", value=gap)
    answers["A1.2.7.2(2)"] = Answer("A1.2.7.2(2)", value=force_gap)
    e = run(tpl, answers, data=lift)
    assert (e.verdict == "合格") is ok


def test_the_lifts_limits_decide_over_a_stored_tick(tpl):
    """A store that judged 8 mm against the passenger limit must not fail a goods lift."""
    goods = {**OLD, "elevator_type": "goods"}
    answers = all_pass(tpl, goods)
    answers["A1.2.7.2(1)"] = Answer("A1.2.7.2(1)", result="fail", value="8")
    assert run(tpl, answers, data=goods).verdict == "合格"
    answers["A1.2.7.2(1)"] = Answer("A1.2.7.2(1)", result="pass", value="11")
    e = run(tpl, answers, data=goods)
    assert e.verdict == "不合格" and "11 mm 大于 10 mm" in e.failed[0].reason


def test_overload_above_110_percent_is_a_general_failure(tpl):
    answers = all_pass(tpl, MODERN)
    answers["A1.3.3"] = Answer("A1.3.3", value="112")
    e = run(tpl, answers)
    assert e.grade == "整改后合格" and e.failed[0].item_id == "A1.3.3"
    assert "112% 大于 110%" in e.failed[0].reason


def test_value_checked_as_typed(tpl):
    lock = tpl.items["A1.2.7.8(1)"]
    assert check_value(lock, "8").result == "pass"
    assert check_value(lock, "6").result == "fail"
    typo = check_value(lock, "70")
    assert typo.refused and "超出合理范围" in typo.message
    assert check_value(lock, "abc").refused
    gap = tpl.items["A1.2.7.2(1)"]
    unknown = check_value(gap, "8", subject({}))
    assert unknown.result == "fail" and "未登记电梯类型，按乘客电梯限值判定" in unknown.message
    assert check_value(gap, "8", subject({"elevator_type": "goods"})).result == "pass"


# --------------------------------------------------------------------------- applicability by age and dates


def applies(tpl, data, on=TODAY) -> dict[str, bool]:
    return {k: a.applies for k, a in evaluate_items(tpl, subject(data), on).applicability.items()}


def test_lift_supervised_in_2008(tpl):
    a = applies(tpl, OLD)
    for iid in ("A1.2.3.3(3)", "A1.2.5.1", "A1.2.5.3(1)", "A1.2.7.2"):  # over 15 years
        assert a[iid], iid
    assert not a["A1.2.3.4"] and not a["A1.2.3.6"]  # supervised before 2017-10-01
    assert not a["A1.2.6.9"] and not a["A1.2.4.3(1)"] and a["A1.2.4.3(2)"]  # not under the 2023 rule
    assert a["A1.3.7"] and not a["A1.3.8"]  # made 2007: after 2004, before 2016-07-01
    assert not a["A1.2.5.7"]  # 2.5 m/s > 1.75 m/s
    reason = evaluate_items(tpl, subject(OLD), TODAY).applicability["A1.2.3.4"].reason
    assert reason == "监督检验日期2008-06-01早于2017-10-01，本项不适用"


def test_lift_supervised_in_2019(tpl):
    a = applies(tpl, MODERN)
    for iid in ("A1.2.3.3(3)", "A1.2.5.1", "A1.2.5.3(1)", "A1.2.7.2"):
        assert not a[iid], iid
    assert a["A1.2.3.4"] and a["A1.2.3.6"]
    assert not a["A1.2.6.9"]
    assert a["A1.3.7"] and a["A1.3.8"] and a["A1.2.5.7"]
    reason = evaluate_items(tpl, subject(MODERN), TODAY).applicability["A1.2.7.2"].reason
    assert reason == "自安装监督检验（2019-06-10）起未超过15年，本项不适用"


def test_lift_supervised_under_the_2023_rule(tpl):
    data = {**MODERN, "supervised_date": "2024-05-20", "manufacture_date": "2024-01-10"}
    a = applies(tpl, data)
    for iid in ("A1.2.4.3(1)", "A1.2.6.6(3)", "A1.2.6.9", "A1.2.7.5(3)", "A1.2.7.7(2)"):
        assert a[iid], iid
    assert applies(tpl, {**data, "supervised_date": "2024-04-01"})["A1.2.6.9"] is False
    assert applies(tpl, {**data, "supervision_regime": "2009"})["A1.2.6.9"] is False
    assert applies(tpl, {**data, "regime": "2009"})["A1.2.6.9"] is False  # still under the 2009 rule


def test_lift_made_before_2004(tpl):
    a = applies(tpl, {**OLD, "manufacture_date": "2003-12-31"})
    assert not a["A1.3.7"] and not a["A1.3.8"] and not a["A1.2.4.7(4)"]
    assert a["A1.2.4.7(1)"]


def test_fifteen_years_is_more_than_fifteen(tpl):
    data = {**MODERN, "supervised_date": "2011-03-15"}
    assert applies(tpl, data, date(2026, 3, 15))["A1.2.5.1"] is False
    assert applies(tpl, data, date(2026, 3, 16))["A1.2.5.1"] is True


def test_braking_test_only_in_its_year(tpl):
    # base 2008: under the 5-year count, first test year 2018, then 2023, 2028
    assert applies(tpl, OLD, date(2028, 5, 1))["A1.3.12"] is True
    assert applies(tpl, OLD, date(2026, 5, 1))["A1.3.12"] is False
    new = {**MODERN, "supervised_date": "2024-06-01"}
    assert [y for y in range(2025, 2040) if applies(tpl, new, date(y, 7, 1))["A1.3.12"]] == [2030, 2036]


def test_missing_record_data_keeps_items_with_a_reason(tpl):
    states = evaluate_items(tpl, subject({}), TODAY)
    for iid in ("A1.2.3.4", "A1.2.5.1", "A1.3.8", "A1.2.5.7"):
        assert states.applicability[iid].applies
        assert "无法判断是否适用" in states.applicability[iid].reason
    assert not states.applicability["A1.2.3.16"].applies  # firefighter items only when recorded
    # rare constructions are assumed absent when unrecorded, and say so
    belt = states.applicability["A1.2.5.2"]
    assert not belt.applies and belt.reason == "未登记悬挂方式，按非包覆带处理，本项不适用（检验员可改判）"
    assert applies(tpl, {"suspension": "belt", "supervised_date": "2024-06-01"})["A1.2.5.2(2)"] is True


def test_inspector_override_changes_what_counts(tpl):
    answers = all_pass(tpl, MODERN)
    answers["A1.2.6.9"] = Answer("A1.2.6.9", result="fail")  # not applicable: ignored
    e = run(tpl, answers)
    assert e.verdict == "合格" and e.details["ignored_answers"] == ["A1.2.6.9"]
    # the inspector finds the lift has a voice system after all and overrides
    e = run(tpl, answers, applicability={"A1.2.6.9": {"applies": True, "reason": "现场有语音播报系统"}})
    assert e.grade == "整改后合格" and e.details["overridden"]["A1.2.6.9"] == "检验员改判为适用：现场有语音播报系统"
    # the same override carried in the answer's note
    answers["A1.2.6.9"] = Answer("A1.2.6.9", result="fail", note=override_note(True, "现场有语音播报系统"))
    assert run(tpl, answers).grade == "整改后合格"
    # and the other way: a failed sub-item overridden to 无此项 no longer fails its key item
    answers = all_pass(tpl, MODERN)
    answers["A1.2.5.7(3)"] = Answer("A1.2.5.7(3)", result="fail",
                                    note=override_note(False, "反绳轮为金属材质", "原备注"))
    e = run(tpl, answers)
    assert e.verdict == "合格" and e.details["results"]["A1.2.5.7(3)"] == "na"
    # a whole item overridden to 无此项 (a note on the item itself, no result)
    answers["A1.2.5.7"] = Answer("A1.2.5.7", note=override_note(False, "无非金属反绳轮"))
    answers["A1.2.5.7(1)"] = Answer("A1.2.5.7(1)", result="fail")
    e = run(tpl, answers)
    assert e.verdict == "合格" and e.details["results"]["A1.2.5.7"] == "na"
    assert e.details["not_applicable"]["A1.2.5.7(1)"] == "检验员改判为不适用：无非金属反绳轮"


def test_override_note_round_trip():
    note = override_note(False, "无非金属反绳轮", "现场照片见附件")
    assert note == "【改判不适用】无非金属反绳轮\n现场照片见附件"
    assert parse_override_note(note) == (False, "无非金属反绳轮")
    assert parse_override_note(override_note(True, "x", note)) == (True, "x")
    assert parse_override_note("普通备注") is None
