"""Due dates: the T7001-2023 inspection years, T7008 self-tests, early inspections, scales, re-inspections."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcity_desktop.errors import InputError
from qcity_desktop.schedule import (
    FindingRecord,
    SubjectRecord,
    add_months,
    braking_125_due,
    collect_due,
    elevator_schedule,
    load_rules,
    next_due_after_inspection,
    next_due_for_subject,
    next_periodic,
    subject_due_items,
)

BASE = date(2024, 5, 10)


def test_twenty_years_of_a_2023_lift():
    events = elevator_schedule(BASE, date(2044, 12, 31))
    periodic = [e.due.year for e in events if e.kind == "periodic"]
    self_test = [e.due.year for e in events if e.kind == "self_test"]
    # hand-checked: inspection years 1, 4, 7, 9, 11, 13, 15 after the base date, then every year
    assert periodic == [2025, 2028, 2031, 2033, 2035, 2037, 2039, 2040, 2041, 2042, 2043, 2044]
    # a T7008 self-test in every other year up to year 15
    assert self_test == [2026, 2027, 2029, 2030, 2032, 2034, 2036, 2038]
    # one event a year, always on the base date's anniversary
    assert sorted(periodic + self_test) == list(range(2025, 2045))
    assert {(e.due.month, e.due.day) for e in events} == {(5, 10)}
    # the early windows: two months for an inspection, one for a self-test
    first = events[0]
    assert (first.kind, first.year, first.due, first.window_opens) == ("periodic", 1, date(2025, 5, 10), date(2025, 3, 10))
    assert events[1].window_opens == date(2026, 4, 10)


def test_leap_day_base_date():
    events = elevator_schedule(date(2024, 2, 29), date(2029, 12, 31))
    assert [e.due for e in events] == [date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28),
                                       date(2028, 2, 29), date(2029, 2, 28)]
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)


def test_early_inspection_does_not_move_the_next_date():
    done = [date(2025, 5, 2), date(2028, 3, 15)]  # year 4 done 56 days early
    nxt = next_periodic(BASE, done, today=date(2028, 4, 1))
    assert (nxt.due, nxt.year) == (date(2031, 5, 10), 7)
    # exactly two months early still counts
    assert next_periodic(BASE, [date(2028, 3, 10)], date(2028, 4, 1)).due == date(2031, 5, 10)


def test_too_early_inspection_does_not_count_for_the_year():
    nxt = next_periodic(BASE, [date(2025, 5, 2), date(2028, 3, 9)], today=date(2028, 4, 1))
    assert nxt.due == date(2028, 5, 10)


def test_late_inspection_counts_and_keeps_the_schedule():
    nxt = next_periodic(BASE, [date(2025, 5, 2), date(2028, 8, 20)], today=date(2028, 9, 1))
    assert nxt.due == date(2031, 5, 10)


def test_no_inspection_recorded_means_the_current_one_is_due():
    nxt = next_periodic(date(2025, 1, 1), [], today=date(2026, 2, 1))
    assert (nxt.due, nxt.basis) == (date(2026, 1, 1), "no_record")


def test_2009_regime_is_yearly_from_the_last_inspection():
    nxt = next_periodic(date(2012, 3, 1), [date(2014, 3, 3), date(2015, 2, 20)], date(2015, 6, 1), regime="2009")
    assert (nxt.due, nxt.basis) == (date(2016, 2, 20), "last_inspection")
    with pytest.raises(InputError, match="regime '2017'"):
        next_periodic(BASE, [], date(2026, 1, 1), regime="2017")


def test_braking_test_years():
    years = lambda base: [y for y in range(2010, 2045) if braking_125_due(base, date(y, 6, 1))]  # noqa: E731
    assert years(date(2009, 6, 1)) == [2018, 2023, 2028, 2033, 2038, 2043]
    assert years(date(2015, 6, 1)) == [2020, 2025, 2030, 2035, 2040]
    assert years(date(2024, 6, 1)) == [2030, 2036, 2042]
    assert braking_125_due(None, date(2026, 1, 1)) is None


def elevator(data, next_due=None, done=()):
    return SubjectRecord(id="e1", kind="elevator", name="1号客梯", data=data, next_due=next_due,
                         address="温泉路1号", periodic_done=tuple(done))


def test_elevator_due_items_periodic_and_self_test():
    today = date(2026, 4, 20)
    items = subject_due_items(elevator({"base_date": "2024-05-10"}, done=[date(2025, 5, 8)]), today, 30)
    assert [(i.what, i.due_date, i.days_left) for i in items] == [("self_test", date(2026, 5, 10), 20)]
    assert "TSG T7008" in items[0].detail
    # a year later nothing is due within 30 days, the periodic inspection in 2028 is far away
    assert subject_due_items(elevator({"base_date": "2024-05-10"}, done=[date(2025, 5, 8)]),
                             date(2027, 6, 20), 30) == []
    # within 2 years the year-4 inspection shows, with its early window
    far = subject_due_items(elevator({"base_date": "2024-05-10"}, done=[date(2025, 5, 8)]),
                            date(2027, 6, 20), 800)
    periodic = [i for i in far if i.what == "periodic_inspection"][0]
    assert (periodic.due_date, periodic.window_opens) == (date(2028, 5, 10), date(2028, 3, 10))
    assert periodic.detail == "TSG T7001-2023 第4年定期检验"


def test_overdue_elevator_and_fallbacks():
    today = date(2026, 4, 20)
    overdue = subject_due_items(elevator({"supervised_date": "2025-01-15"}), today, 0)
    assert [(i.what, i.days_left, i.status, i.days_text) for i in overdue] == [
        ("periodic_inspection", -95, "overdue", "逾期95天")]
    assert overdue[0].detail == "TSG T7001-2023 第1年定期检验（无检验记录，按周期推算）"
    # no base date at all: only the registry date
    assert subject_due_items(elevator({}, next_due=date(2026, 4, 20)), today, 0)[0].status == "due"
    assert subject_due_items(elevator({"base_date": "not a date"}), today, 30) == []


def test_scale_verification_expiry():
    scale = SubjectRecord(id="s1", kind="scale", name="张三摊位电子秤",
                          data={"cert_expiry": "2026-05-01"})
    items = subject_due_items(scale, date(2026, 4, 20), 30)
    assert [(i.what, i.what_zh, i.days_left) for i in items] == [("verification_expiry", "检定证书到期", 11)]
    assert subject_due_items(scale, date(2026, 4, 20), 10) == []
    only_date = SubjectRecord(id="s2", kind="scale", name="李四", data={"verification_date": "2025-04-01"})
    item = subject_due_items(only_date, date(2026, 4, 20), 0)[0]
    assert item.due_date == date(2026, 4, 1) and item.days_left == -19
    assert "未登记证书有效期" in item.detail


def test_collect_due_with_reinspections_sorted():
    today = date(2026, 4, 20)
    lift = elevator({"supervised_date": "2025-01-15"})
    scale = SubjectRecord(id="s1", kind="scale", name="电子秤", data={"cert_expiry": "2026-05-01"})
    site = SubjectRecord(id="w1", kind="site", name="工地", next_due=date(2026, 9, 1))
    finding = FindingRecord(id="f1", inspection_id="i1", item_id="A1.2.7.8", description="门锁啮合长度不足",
                            deadline=date(2026, 4, 25), subject=lift)
    items = collect_due([lift, scale, site], [finding], today, 30)
    assert [(i.subject_name, i.what, i.due_date.isoformat()) for i in items] == [
        ("1号客梯", "periodic_inspection", "2026-01-15"),
        ("1号客梯", "reinspection", "2026-04-25"),
        ("电子秤", "verification_expiry", "2026-05-01"),
    ]
    re = items[1].as_dict()
    assert re["finding_id"] == "f1" and re["detail"] == "整改期限 2026-04-25：A1.2.7.8 门锁啮合长度不足"
    assert re["status"] == "upcoming" and re["what_zh"] == "整改复查"
    with pytest.raises(InputError):
        collect_due([], [], today, -1)


def test_next_due_columns_written_by_the_store():
    lift = {"base_date": "2024-05-10", "regime": "2023"}
    # completing the year-4 inspection two months early prints year 7 as the next date
    assert next_due_after_inspection("elevator", lift, date(2028, 3, 12), "合格") == "2031-05-10"
    assert next_due_after_inspection("elevator", lift, date(2028, 3, 12), "不合格") == "2031-05-10"
    assert next_due_after_inspection("elevator", {**lift, "regime": "2009"}, date(2028, 3, 12), "合格") == "2029-03-12"
    assert next_due_after_inspection("elevator", {}, date(2028, 3, 12), "合格") is None
    assert next_due_for_subject("elevator", lift, today=date(2026, 1, 5)) == "2025-05-10"
    assert next_due_for_subject("elevator", {**lift, "last_periodic_date": "2025-05-02"},
                                today=date(2026, 1, 5)) == "2028-05-10"
    assert next_due_for_subject("scale", {"cert_expiry": "2026-11-30"}) == "2026-11-30"
    assert next_due_for_subject("site", {"name": "x"}) is None


def test_schedule_tables_cite_sources_and_mark_unsure_values():
    rules = load_rules()
    for table in (rules.elevator, rules.general):
        assert table["sources"]
        assert table["configurable"] and all(c["confidence"] in ("T", "?") for c in table["configurable"])
    assert rules.elevator["regimes"]["2023"]["periodic_years"] == [1, 4, 7, 9, 11, 13, 15]


@settings(max_examples=200, deadline=None)
@given(base=st.dates(min_value=date(1995, 1, 1), max_value=date(2030, 12, 31)),
       index=st.integers(min_value=0, max_value=14), early_days=st.integers(min_value=0, max_value=59))
def test_any_early_inspection_keeps_the_schedule(base, index, early_days):
    """Whatever the base date and year: an inspection up to two months early leaves the next date as scheduled."""
    dates = [e.due for e in elevator_schedule(base, add_months(base, 12 * 40)) if e.kind == "periodic"]
    target, following = dates[index], dates[index + 1]
    done = date.fromordinal(target.toordinal() - early_days)
    if done < add_months(target, -2):  # 59 days can exceed two months around February
        return
    nxt = next_periodic(base, dates[:index] + [done], today=done)
    assert nxt.due == following
    assert next_due_after_inspection("elevator", {"base_date": base.isoformat()}, done, "合格") == following.isoformat()
