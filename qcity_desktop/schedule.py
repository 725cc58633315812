"""Due dates: when each subject next needs an inspection, a self-test, a verification or a re-check.

Everything here is a pure function of the subject's record, the dates of inspections already done
and "today", so the CLI (`qcity due`), the desktop's Today page and the tests all get the same
answer. The intervals are data (resources/schedules/*.json) because the ones we have are quoted by
third parties and must be changeable without a release when someone checks the official text.

Why dates are anchored on the base date under TSG T7001-2023: the rule counts inspection years
(1, 4, 7, …) from the installation (or modification) supervisory inspection, so an inspection done
early or late does not shift the following ones. Each scheduled date "owns" the inspections done
from two months before it up to two months before the next one; that is how an early inspection
counts without moving the next date.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from qcity_desktop.errors import InputError

SCHEDULE_DIR = Path(__file__).resolve().parent.parent / "resources" / "schedules"

WHAT_LABELS: dict[str, dict[str, str]] = {
    "periodic_inspection": {"zh": "定期检验", "en": "periodic inspection"},
    "self_test": {"zh": "自行检测（TSG T7008）", "en": "self-test (TSG T7008)"},
    "verification_expiry": {"zh": "检定证书到期", "en": "verification expiry"},
    "reinspection": {"zh": "整改复查", "en": "re-inspection"},
    "returned": {"zh": "审核退回", "en": "returned by review"},
}


# --------------------------------------------------------------------------- dates


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole months; the 31st (or 29 Feb) falls back to the month's last day."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if d.day <= 28:  # the common case, and the due list computes thousands of these
        return date(year, month, d.day)
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def parse_date(value: Any) -> date | None:
    """A date from a record field (``date``, ISO text, or an ISO timestamp); None when absent or unreadable.

    Subject data comes from registry imports and hand entry, so a bad value must not break the
    Today page: the caller treats it as unknown.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if len(text) > 10 and ("T" in text or " " in text):
            stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone()  # the inspector's local day
            return stamp.date()
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


# --------------------------------------------------------------------------- rules (data)


def _read(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(f"{path.name}: not valid JSON (line {err.lineno}: {err.msg})") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read schedule table ({err.strerror})") from None


@dataclass(frozen=True)
class ScheduleRules:
    """The schedule tables (resources/schedules/elevator.json and general.json) as loaded."""

    elevator: dict[str, Any]
    general: dict[str, Any]

    def regime(self, name: str | None) -> dict[str, Any]:
        regimes = self.elevator["regimes"]
        key = str(name or self.elevator.get("default_regime", "2023"))
        if key not in regimes:
            raise InputError(f"elevator regime {key!r} is not one of {', '.join(sorted(regimes))}")
        return regimes[key]


@lru_cache(maxsize=4)
def load_rules(directory: str | None = None) -> ScheduleRules:
    """The bundled schedule tables (or those in ``directory``)."""
    folder = Path(directory) if directory else SCHEDULE_DIR
    return ScheduleRules(elevator=_read(folder / "elevator.json"), general=_read(folder / "general.json"))


# --------------------------------------------------------------------------- elevator schedule


class ScheduledDate(NamedTuple):
    """One scheduled event: ``year`` is the service year counted from the base date (0 if unknown).

    A NamedTuple rather than a frozen dataclass: the due list builds tens of thousands of these.
    """

    kind: str  # "periodic" | "self_test"
    year: int
    due: date
    window_opens: date


def _periodic_years(regime: Mapping[str, Any], last_year: int) -> list[int]:
    years = [int(y) for y in regime.get("periodic_years", [])]
    after = regime.get("yearly_after_year")
    if after is not None:
        years += list(range(int(after) + 1, last_year + 1))
    return sorted(y for y in set(years) if y <= last_year)


def _years_until(base: date, until: date) -> int:
    return max(0, until.year - base.year + 1)


def periodic_dates(base_date: date, until: date, regime: str | None = "2023",
                   rules: ScheduleRules | None = None, since: date | None = None) -> list[ScheduledDate]:
    """Periodic inspections from the base date up to ``until``, under the 2023 anchored schedule.

    For a regime anchored on the last inspection (2009) this gives the yearly anniversaries of the
    base date, which is what is due when no inspection has been recorded.
    """
    rules = rules or load_rules()
    reg = rules.regime(regime)
    early = int(reg.get("early_months", 0))
    if reg.get("anchor") != "base_date":
        step = max(1, int(reg.get("interval_months", 12)))
        out: list[ScheduledDate] = []
        k = 1
        while (due := add_months(base_date, step * k)) <= until:
            out.append(ScheduledDate("periodic", step * k // 12, due, add_months(due, -early)))
            k += 1
        return out
    first = 0 if since is None else since.year - base_date.year - 1
    years = [y for y in _periodic_years(reg, _years_until(base_date, until)) if y >= first]
    out = []
    for y in years:
        due = add_years(base_date, y)
        if due <= until and (since is None or due >= since):
            out.append(ScheduledDate("periodic", y, due, add_months(due, -early)))
    return out


def self_test_dates(base_date: date, until: date, regime: str | None = "2023",
                    rules: ScheduleRules | None = None, since: date | None = None) -> list[ScheduledDate]:
    """Self-tests (TSG T7008) in the service years that have no periodic inspection."""
    rules = rules or load_rules()
    reg = rules.regime(regime)
    st = reg.get("self_test")
    if not st or reg.get("anchor") != "base_date":
        return []
    last = min(_years_until(base_date, until), int(st.get("until_year", 10**6)))
    periodic = set(_periodic_years(reg, last))
    early = int(st.get("early_months", 0))
    out = []
    first = 1 if since is None else max(1, since.year - base_date.year - 1)
    for y in range(first, last + 1):
        if y in periodic:
            continue
        due = add_years(base_date, y)
        if due <= until and (since is None or due >= since):
            out.append(ScheduledDate("self_test", y, due, add_months(due, -early)))
    return out


def elevator_schedule(base_date: date, until: date, regime: str | None = "2023",
                      rules: ScheduleRules | None = None) -> list[ScheduledDate]:
    """Every periodic inspection and self-test up to ``until``, in date order."""
    events = periodic_dates(base_date, until, regime, rules) + self_test_dates(base_date, until, regime, rules)
    return sorted(events, key=lambda e: (e.due, e.kind))


@dataclass(frozen=True)
class NextDue:
    """The next periodic inspection and why: ``basis`` says what it was computed from."""

    due: date
    year: int
    window_opens: date
    basis: str  # "schedule" | "no_record" | "last_inspection"


def next_periodic(base_date: date, done: Iterable[date], today: date, regime: str | None = "2023",
                  rules: ScheduleRules | None = None) -> NextDue:
    """The first periodic inspection not yet covered by an inspection in ``done``.

    An inspection covers the scheduled date whose window it falls in (from ``early_months`` before
    it to ``early_months`` before the next one), so inspecting up to two months early counts and the
    next date stays where the schedule puts it; a late inspection also counts for its own year.
    With no inspection recorded, the date whose window contains ``today`` is returned (it may be
    overdue: nothing says it was done).
    """
    rules = rules or load_rules()
    reg = rules.regime(regime)
    done_dates = sorted(d for d in done if d is not None)
    if reg.get("anchor") != "base_date":
        step = max(1, int(reg.get("interval_months", 12)))
        early = int(reg.get("early_months", 0))
        later = [d for d in done_dates if d >= base_date]
        if later:
            due = add_months(later[-1], step)
            return NextDue(due, 0, add_months(due, -early), "last_inspection")
        dates = periodic_dates(base_date, add_years(max(today, base_date), 2), regime, rules)
        current = _current(dates, today)
        return NextDue(current.due, current.year, current.window_opens, "no_record")
    # the longest gap between periodic years is 3 years: the date owning an inspection is at most
    # that far before it, and the next one at most that far after the latest
    horizon = add_years(max([today, base_date, *done_dates]), 5)
    since = add_years(min([today, *done_dates]), -4)
    dates = periodic_dates(base_date, horizon, regime, rules, since=since if since > base_date else None)
    covered = -1
    for d in done_dates:
        for index, event in enumerate(dates):
            nxt = dates[index + 1].window_opens if index + 1 < len(dates) else date.max
            if event.window_opens <= d < nxt:
                covered = max(covered, index)
                break
    if covered >= 0:
        event = dates[covered + 1]
        return NextDue(event.due, event.year, event.window_opens, "schedule")
    current = _current(dates, today)
    return NextDue(current.due, current.year, current.window_opens, "no_record")


def _current(dates: list[ScheduledDate], today: date) -> ScheduledDate:
    """The scheduled date whose window contains ``today`` (the first one before any window opens)."""
    current = dates[0]
    for event in dates:
        if event.window_opens <= today:
            current = event
        else:
            break
    return current


def braking_125_due(base_date: date | None, on: date, rules: ScheduleRules | None = None) -> bool | None:
    """Whether the 125 % braking test (A1.3.12) falls due in ``on``'s calendar year; None if unknown."""
    if base_date is None:
        return None
    rules = rules or load_rules()
    for entry in rules.elevator["braking_125"]["rules"]:
        before = parse_date(entry.get("base_before"))
        if before is not None and base_date >= before:
            continue
        interval = int(entry["interval_years"])
        first = int(entry.get("first_year", base_date.year + interval))
        return on.year >= first and (on.year - first) % interval == 0
    return None


# --------------------------------------------------------------------------- due items


@dataclass(frozen=True)
class SubjectRecord:
    """What the due computation needs about one subject (read by qcity_desktop/store/due.py)."""

    id: str
    kind: str
    name: str
    data: Mapping[str, Any] = field(default_factory=dict)
    next_due: date | None = None
    address: str = ""
    district: str = ""
    codes: str = ""
    periodic_done: tuple[date, ...] = ()


@dataclass(frozen=True)
class FindingRecord:
    """An open finding with a rectification deadline."""

    id: str
    inspection_id: str
    item_id: str
    description: str
    deadline: date
    subject: SubjectRecord


@dataclass(frozen=True)
class DueItem:
    """One line of the due list: what is due for which subject, when, and how many days are left."""

    subject_id: str
    subject_name: str
    subject_kind: str
    what: str
    due_date: date
    days_left: int
    detail: str = ""
    window_opens: date | None = None
    address: str = ""
    district: str = ""
    codes: str = ""
    finding_id: str | None = None
    inspection_id: str | None = None

    @property
    def what_zh(self) -> str:
        return WHAT_LABELS.get(self.what, {}).get("zh", self.what)

    @property
    def status(self) -> str:
        """``overdue`` (past the date), ``due`` (today or inside the early window) or ``upcoming``."""
        if self.days_left < 0:
            return "overdue"
        if self.days_left == 0:
            return "due"
        return "upcoming"

    @property
    def days_text(self) -> str:
        if self.days_left < 0:
            return f"逾期{-self.days_left}天"
        if self.days_left == 0:
            return "今天到期"
        return f"还有{self.days_left}天"

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject_id": self.subject_id,
            "subject_name": self.subject_name,
            "subject_kind": self.subject_kind,
            "address": self.address,
            "district": self.district,
            "codes": self.codes,
            "what": self.what,
            "what_zh": self.what_zh,
            "due_date": self.due_date.isoformat(),
            "days_left": self.days_left,
            "status": self.status,
            "window_opens": self.window_opens.isoformat() if self.window_opens else None,
            "detail": self.detail,
            "finding_id": self.finding_id,
            "inspection_id": self.inspection_id,
        }


def _first_date(data: Mapping[str, Any], names: Iterable[str]) -> date | None:
    for name in names:
        d = parse_date(data.get(name))
        if d is not None:
            return d
    return None


def _item(subject: SubjectRecord, what: str, due: date, today: date, detail: str,
          window_opens: date | None = None, **extra: Any) -> DueItem:
    return DueItem(
        subject_id=subject.id, subject_name=subject.name, subject_kind=subject.kind, what=what,
        due_date=due, days_left=(due - today).days, detail=detail, window_opens=window_opens,
        address=subject.address, district=subject.district, codes=subject.codes, **extra,
    )


def elevator_base_date(data: Mapping[str, Any]) -> date | None:
    """The schedule's base date: a modification's supervisory inspection, else the installation's."""
    return _first_date(data, ("base_date", "supervised_date"))


def _elevator_items(subject: SubjectRecord, today: date, within_days: int, rules: ScheduleRules) -> list[DueItem]:
    data = subject.data
    base = elevator_base_date(data)
    regime = str(data.get("regime") or rules.elevator.get("default_regime", "2023"))
    if regime not in rules.elevator["regimes"]:
        regime = str(rules.elevator.get("default_regime", "2023"))
    if base is None:
        if subject.next_due is None:
            return []
        return [_item(subject, "periodic_inspection", subject.next_due, today, "按登记的下次检验日期（未登记基准日期）")]
    done = list(subject.periodic_done)
    last = parse_date(data.get("last_periodic_date"))
    if last is not None:
        done.append(last)
    items: list[DueItem] = []
    nxt = next_periodic(base, done, today, regime, rules)
    std = rules.regime(regime).get("standard", "")
    if nxt.basis == "last_inspection":
        detail = f"{std} 每年一次，自上次检验起算"
    else:
        detail = f"{std} 第{nxt.year}年定期检验" + ("（无检验记录，按周期推算）" if nxt.basis == "no_record" else "")
    items.append(_item(subject, "periodic_inspection", nxt.due, today, detail, nxt.window_opens))
    visible = int(rules.general.get("self_test_listing", {}).get("overdue_visible_days", 30))
    horizon = date.fromordinal(today.toordinal() + max(0, within_days))
    last_self = parse_date(data.get("last_self_test_date"))
    since = date.fromordinal(today.toordinal() - visible)
    for event in self_test_dates(base, horizon, regime, rules, since=since):
        if (today - event.due).days > visible:
            continue
        if last_self is not None and last_self >= event.window_opens:
            continue
        std = rules.regime(regime).get("self_test", {}).get("standard", "TSG T7008")
        items.append(_item(subject, "self_test", event.due, today,
                           f"{std} 第{event.year}年自行检测（使用单位/维保单位负责）", event.window_opens))
    return items


def scale_expiry(data: Mapping[str, Any], rules: ScheduleRules | None = None) -> tuple[date | None, str]:
    """The verification certificate's expiry, or the verification date plus the usual period."""
    rules = rules or load_rules()
    conf = rules.general["scale"]
    expiry = _first_date(data, conf["expiry_fields"])
    if expiry is not None:
        return expiry, "检定证书有效期至"
    verified = _first_date(data, conf["verification_date_fields"])
    if verified is not None:
        months = int(conf["interval_months_when_only_date"])
        return add_months(verified, months), f"检定日期加{months}个月（未登记证书有效期）"
    return None, ""


def subject_due_items(subject: SubjectRecord, today: date, within_days: int,
                      rules: ScheduleRules | None = None) -> list[DueItem]:
    """Everything scheduled for one subject that is due, overdue or due within ``within_days``."""
    rules = rules or load_rules()
    if subject.kind == "elevator":
        items = _elevator_items(subject, today, within_days, rules)
    elif subject.kind == "scale":
        expiry, how = scale_expiry(subject.data, rules)
        if expiry is not None:
            items = [_item(subject, "verification_expiry", expiry, today, how)]
        elif subject.next_due is not None:
            items = [_item(subject, "verification_expiry", subject.next_due, today, "按登记的下次检定日期")]
        else:
            items = []
    else:
        items = []
        if subject.next_due is not None:
            items = [_item(subject, "periodic_inspection", subject.next_due, today, "按登记的下次检查日期")]
    return [i for i in items if i.days_left <= within_days]


def next_due_for_subject(kind: str, data: Mapping[str, Any], today: date | None = None,
                         rules: ScheduleRules | None = None) -> str | None:
    """The ``subjects.next_due`` column for a subject as registered (ISO date or None).

    For an elevator it is the periodic inspection due from its record alone (its base date and
    ``last_periodic_date`` if known); the due list recomputes it with the inspections in the store.
    """
    rules = rules or load_rules()
    today = today or date.today()
    if kind == "elevator":
        known = _base_and_regime(data, rules)
        if known is None:
            return None
        base, regime = known
        last = parse_date(data.get("last_periodic_date"))
        return next_periodic(base, [last] if last else [], today, regime, rules).due.isoformat()
    if kind == "scale":
        expiry, _ = scale_expiry(data, rules)
        return expiry.isoformat() if expiry else None
    return None


def _base_and_regime(data: Mapping[str, Any], rules: ScheduleRules) -> tuple[date, str] | None:
    """An elevator's base date and inspection regime, or None when its record cannot be scheduled."""
    base = elevator_base_date(data)
    if base is None:
        return None
    regime = str(data.get("regime") or rules.elevator.get("default_regime", "2023"))
    return (base, regime) if regime in rules.elevator["regimes"] else None


def next_due_after_inspection(kind: str, data: Mapping[str, Any], inspection_date: date, verdict: str | None,
                              rules: ScheduleRules | None = None) -> str | None:
    """The next periodic date printed on a completed inspection (下次检验日期), as an ISO date.

    Under the 2023 rule it is the schedule's next date after the one this inspection counts for,
    so an inspection done up to two months early does not pull the next one forward. A failed
    verdict does not change it: the failed items get re-inspection deadlines of their own.
    """
    del verdict
    rules = rules or load_rules()
    if kind == "elevator":
        known = _base_and_regime(data, rules)
        if known is None:
            return None
        base, regime = known
        return next_periodic(base, [inspection_date], inspection_date, regime, rules).due.isoformat()
    if kind == "scale":
        expiry, _ = scale_expiry(data, rules)
        return expiry.isoformat() if expiry else None
    return None


def reinspection_date(deadline: date, rules: ScheduleRules | None = None) -> date:
    """When the re-inspection of a finding is due: its rectification deadline plus a set delay."""
    rules = rules or load_rules()
    days = int(rules.general.get("reinspection", {}).get("days_after_deadline", 0))
    return date.fromordinal(deadline.toordinal() + days)


def finding_due_item(finding: FindingRecord, today: date, rules: ScheduleRules | None = None) -> DueItem:
    due = reinspection_date(finding.deadline, rules)
    detail = f"整改期限 {finding.deadline.isoformat()}：{finding.item_id} {finding.description}".strip()
    return _item(finding.subject, "reinspection", due, today, detail,
                 finding_id=finding.id, inspection_id=finding.inspection_id)


def returned_due_item(subject: SubjectRecord, inspection_id: str, reviewed: date, reviewer: str, comment: str,
                      today: date) -> DueItem:
    """A signed inspection the office returned (docs/review.md): due from the day it was returned."""
    return _item(subject, "returned", reviewed, today, f"{reviewer}：{comment}".strip("："),
                 inspection_id=inspection_id)


def collect_due(subjects: Iterable[SubjectRecord], findings: Iterable[FindingRecord], today: date,
                within_days: int, rules: ScheduleRules | None = None) -> list[DueItem]:
    """The due list: overdue first (most overdue on top), then by date, then by subject name."""
    if within_days < 0:
        raise InputError(f"--within must be 0 or more days, not {within_days}")
    rules = rules or load_rules()
    out: list[DueItem] = []
    for subject in subjects:
        out.extend(subject_due_items(subject, today, within_days, rules))
    for finding in findings:
        item = finding_due_item(finding, today, rules)
        if item.days_left <= within_days:
            out.append(item)
    return sorted(out, key=lambda i: (i.due_date, i.subject_name, i.what))
