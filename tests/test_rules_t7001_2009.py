"""TSG T7001-2009 conclusion rule at its edges, and properties that must hold for any answers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qcity_desktop.checklists.model import Answer
from qcity_desktop.checklists.rules import evaluate
from qcity_desktop.checklists.templates import get_template

T = get_template("elevator-t7001-2009")
TOP = [i for i in T.items.values() if i.parent is None and i.type == "result"]
B_ITEMS = [i.id for i in TOP if i.attrs["class"] == "B"]
C_ITEMS = [i.id for i in TOP if i.attrs["class"] == "C"]


def answers(fail: set[str] = frozenset(), not_tested: set[str] = frozenset()) -> dict[str, Answer]:
    out = {}
    for leaf in T.leaves():
        if leaf.type != "result":
            continue
        top = leaf.parent or leaf.id
        result = "not_tested" if top in not_tested else "fail" if top in fail else "pass"
        out[leaf.id] = Answer(leaf.id, result)
    return out


def test_template_has_every_periodic_item_with_its_class() -> None:
    assert len(TOP) == 51
    assert len(B_ITEMS) == 28 and len(C_ITEMS) == 23
    assert [c.id for c in T.children("2.7")] == ["2.7(1)", "2.7(2)", "2.7(3)", "2.7(4)"]


def test_all_pass_is_pass_without_supervised_use() -> None:
    ev = evaluate(T, answers())
    assert ev.verdict == "合格" and not ev.failed and not ev.remarks


def test_five_c_failures_pass_with_supervised_use_six_fail() -> None:
    five = evaluate(T, answers(fail=set(C_ITEMS[:5])))
    assert five.verdict == "合格"
    assert "监护使用" in five.remarks[0] and len(five.failed) == 5
    six = evaluate(T, answers(fail=set(C_ITEMS[:6])))
    assert six.verdict == "不合格"


def test_one_b_failure_fails() -> None:
    ev = evaluate(T, answers(fail={B_ITEMS[0]}))
    assert ev.verdict == "不合格"
    assert ev.failed[0].severity == "B类"


def test_not_tested_counts_as_failure() -> None:
    assert evaluate(T, answers(not_tested={B_ITEMS[3]})).verdict == "不合格"
    ev = evaluate(T, answers(not_tested={C_ITEMS[0]}))
    assert ev.verdict == "合格" and ev.failed[0].reason.startswith("未检测")


def test_a_failed_sub_item_fails_its_item() -> None:
    a = answers()
    a["2.7(3)"] = Answer("2.7(3)", "fail")
    ev = evaluate(T, a)
    assert ev.verdict == "不合格"
    assert ev.failed[0].item_id == "2.7" and "制动器动作情况" in ev.failed[0].reason


def test_unanswered_items_give_no_verdict() -> None:
    a = answers()
    del a["6.12"]
    ev = evaluate(T, a)
    assert ev.verdict is None and not ev.complete


RANK = {"合格": 0, "不合格": 1}


@settings(max_examples=150, deadline=None)
@given(st.sets(st.sampled_from(B_ITEMS)), st.sets(st.sampled_from(C_ITEMS)), st.sampled_from(B_ITEMS + C_ITEMS))
def test_failing_one_more_item_never_improves_the_verdict(b: set[str], c: set[str], extra: str) -> None:
    before = evaluate(T, answers(fail=b | c)).verdict
    after = evaluate(T, answers(fail=b | c | {extra})).verdict
    assert RANK[after] >= RANK[before]


@settings(max_examples=150, deadline=None)
@given(st.sets(st.sampled_from(B_ITEMS)), st.sets(st.sampled_from(C_ITEMS)))
def test_verdict_matches_the_rule_text(b: set[str], c: set[str]) -> None:
    ev = evaluate(T, answers(fail=b | c))
    expected = "合格" if not b and len(c) <= 5 else "不合格"
    assert ev.verdict == expected
    assert len(ev.failed) == len(b) + len(c)
