"""Pass rates, repeat offenders and overdue rectifications: what a supervisor watches (docs/statistics.md).

The city's programme sets a sampling pass-rate target (≥ 95 %, docs/product.md), so the figure must be
one a supervisor can defend: only **signed** inspections count (a completed one can still change),
each counted once, re-inspections apart (a stall that fails and is fixed is one failure and one
re-inspection, not a 50 % rate), and the rate computed in Decimal and rounded half-up to 0.1 %.
Everything here is read-only SQL over the local store, so it works offline on a supervisor's laptop
that has pulled the whole registry from the hub.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qcity_desktop.domain.subject_fields import KIND_LABELS
from qcity_desktop.errors import InputError
from qcity_desktop.reports.labels import is_pass
from qcity_desktop.store.numbering import bureau_settings

KINDS = ("elevator", "scale", "site")
DEFAULT_TARGET = Decimal("95")
REPEAT_FAILURES = 2        # failed signed inspections of one subject within the period that make it a repeat offender


@dataclass
class Rate:
    """Signed first inspections of one group: how many, how many passed, and the rate."""

    key: str
    inspected: int = 0
    passed: int = 0

    @property
    def failed(self) -> int:
        return self.inspected - self.passed

    @property
    def rate(self) -> Decimal | None:
        if not self.inspected:
            return None
        return (Decimal(self.passed) * 100 / Decimal(self.inspected)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def as_dict(self) -> dict[str, Any]:
        rate = self.rate
        return {"key": self.key, "inspected": self.inspected, "passed": self.passed, "failed": self.failed,
                "rate": None if rate is None else str(rate)}


@dataclass
class Statistics:
    date_from: date
    date_to: date
    kind: str | None
    target: Decimal
    overall: Rate
    by_kind: list[Rate]
    by_month: list[Rate]
    by_district: list[Rate]
    reinspections: Rate
    repeat_offenders: list[dict[str, Any]] = field(default_factory=list)
    findings: dict[str, int] = field(default_factory=dict)
    unsigned: int = 0
    unknown_verdicts: int = 0
    to_review: int = 0

    @property
    def meets_target(self) -> bool | None:
        rate = self.overall.rate
        return None if rate is None else rate >= self.target

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat(), "to": self.date_to.isoformat(), "kind": self.kind,
            "target": str(self.target), "meets_target": self.meets_target, "overall": self.overall.as_dict(),
            "by_kind": [r.as_dict() for r in self.by_kind], "by_month": [r.as_dict() for r in self.by_month],
            "by_district": [r.as_dict() for r in self.by_district], "reinspections": self.reinspections.as_dict(),
            "repeat_offenders": self.repeat_offenders, "findings": self.findings,
            "completed_not_signed": self.unsigned, "unknown_verdicts": self.unknown_verdicts,
            "to_review": self.to_review,
        }


def pass_rate_target() -> Decimal:
    """The bureau's target from resources/reports/bureau.json (``pass_rate_target``), else 95."""
    value = bureau_settings().get("pass_rate_target", {})
    raw = value.get("value") if isinstance(value, dict) else value
    try:
        return Decimal(str(raw)) if raw is not None else DEFAULT_TARGET
    except ArithmeticError:
        return DEFAULT_TARGET


def statistics(conn: sqlite3.Connection, date_from: date, date_to: date, kind: str | None = None,
               target: Decimal | None = None, today: date | None = None) -> Statistics:
    """The period's figures (inspection start dates ``date_from``..``date_to``, both included)."""
    if date_from > date_to:
        raise InputError(f"the period starts ({date_from}) after it ends ({date_to})")
    if kind is not None and kind not in KINDS:
        raise InputError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    target = pass_rate_target() if target is None else target
    if not Decimal(0) <= target <= Decimal(100):
        raise InputError(f"target {target} is not a percentage between 0 and 100")
    # A range on the ISO text itself, so the (status, started_at) index answers it
    where = "i.status = 'signed' AND i.started_at >= ? AND i.started_at < ?"
    params: list[Any] = [date_from.isoformat(), (date_to + timedelta(days=1)).isoformat()]
    if kind:
        where += " AND i.kind = ?"
        params.append(kind)
    # One pass over the period's rows: SQLite must read each row anyway (the verdict is not in an
    # index), and grouping in SQL measured slower than this loop (benchmarks/bench_stats.py).
    rows = conn.execute(
        f"SELECT i.subject_id, i.kind, substr(i.started_at, 1, 7), i.verdict, i.reinspection_of IS NOT NULL, "
        f"s.name, s.district, i.started_at FROM inspections i JOIN subjects s ON s.id = i.subject_id "
        f"WHERE {where}", params).fetchall()
    overall, reinspections = Rate("all"), Rate("reinspections")
    kinds: dict[str, Rate] = {}
    months: dict[str, Rate] = {}
    districts: dict[str, Rate] = {}
    failures: dict[str, dict[str, Any]] = {}
    unknown = 0
    verdicts: dict[str | None, bool | None] = {}
    for subject_id, k, month, verdict, again, name, district, started in rows:
        ok = verdicts[verdict] if verdict in verdicts else verdicts.setdefault(verdict, is_pass(verdict))
        if ok is None:        # a verdict word no rule produces (hand-edited data): not guessed either way
            unknown += 1
            continue
        if not ok:
            f = failures.setdefault(subject_id, {"subject_id": subject_id, "name": name, "kind": k,
                                                 "district": district, "failures": 0, "last_failed": ""})
            f["failures"] += 1
            f["last_failed"] = max(f["last_failed"], started[:10])
        groups = [reinspections] if again else [overall, kinds.setdefault(k, Rate(k)),
                                               months.setdefault(month, Rate(month)),
                                               districts.setdefault(district or "", Rate(district or ""))]
        for g in groups:
            g.inspected += 1
            g.passed += int(ok)
    offenders = [f for f in failures.values() if f["failures"] >= REPEAT_FAILURES]
    offenders.sort(key=lambda f: f["last_failed"], reverse=True)      # most failures first, then latest
    offenders.sort(key=lambda f: f["failures"], reverse=True)
    if offenders:
        open_by = dict(conn.execute(
            "SELECT i.subject_id, count(*) FROM findings f JOIN inspections i ON i.id = f.inspection_id "
            "WHERE f.status = 'open' GROUP BY i.subject_id").fetchall())
        for f in offenders:
            f["open_findings"] = int(open_by.get(f["subject_id"], 0))
    return Statistics(
        date_from, date_to, kind, target, overall,
        by_kind=[kinds[k] for k in KINDS if k in kinds],
        by_month=[months[m] for m in sorted(months)],
        by_district=sorted(districts.values(), key=lambda r: (-r.inspected, r.key)),
        reinspections=reinspections, repeat_offenders=offenders,
        findings=_findings(conn, kind, today or date.today()),
        unsigned=_unsigned(conn, where.replace("i.status = 'signed'", "i.status = 'completed'"), params),
        unknown_verdicts=unknown,
        to_review=_unsigned(conn, where + " AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.inspection_id = i.id)",
                            params))


def _findings(conn: sqlite3.Connection, kind: str | None, today: date) -> dict[str, int]:
    """Rectifications as of today, whatever the period: open, of which past their deadline."""
    where, params = "", []
    if kind:
        where, params = " AND i.kind = ?", [kind]
    open_, overdue = conn.execute(
        "SELECT count(*), coalesce(sum(f.deadline IS NOT NULL AND f.deadline < ?), 0) FROM findings f "
        f"JOIN inspections i ON i.id = f.inspection_id WHERE f.status = 'open' AND i.status = 'signed'{where}",
        [today.isoformat(), *params]).fetchone()
    return {"open": int(open_), "overdue": int(overdue)}


def _unsigned(conn: sqlite3.Connection, where: str, params: list[Any]) -> int:
    """How many inspections match ``where`` (the period's unsigned ones, or its signed ones not reviewed)."""
    return int(conn.execute(f"SELECT count(*) FROM inspections i WHERE {where}", params).fetchone()[0])


KIND_ZH = {kind: names["zh"] for kind, names in KIND_LABELS.items()}   # the registry's own names
CSV_HEADER = ["分组", "项", "检验数", "合格数", "不合格数", "合格率(%)", "备注"]


def csv_rows(st: Statistics) -> list[list[str]]:
    """The figures as one table (Chinese headers) for a spreadsheet: the same for the CLI and the window."""
    def rate_row(group: str, name: str, r: Rate, note: str = "") -> list[str]:
        rate = r.rate
        return [group, name, str(r.inspected), str(r.passed), str(r.failed), "" if rate is None else str(rate), note]

    target = f"目标 {st.target}%：" + ("达到" if st.meets_target else "未达到" if st.meets_target is False else "无数据")
    rows = [CSV_HEADER, rate_row("总计", f"{st.date_from}～{st.date_to}", st.overall, target)]
    rows += [rate_row("按类型", KIND_ZH.get(r.key, r.key), r) for r in st.by_kind]
    rows += [rate_row("按月", r.key, r) for r in st.by_month]
    rows += [rate_row("按区县", r.key or "（未填）", r) for r in st.by_district]
    rows.append(rate_row("复检", "复检", st.reinspections, "不计入合格率"))
    rows += [["重复不合格", o["name"], "", "", str(o["failures"]), "",
              f"{KIND_ZH.get(o['kind'], o['kind'])}，最近不合格 {o['last_failed']}，未整改 {o.get('open_findings', 0)} 项"]
             for o in st.repeat_offenders]
    return rows


def write_csv(st: Statistics, path: str) -> int:
    """Write ``csv_rows`` as UTF-8 with a byte-order mark (Excel on Windows then reads the Chinese right)."""
    import csv

    rows = csv_rows(st)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return len(rows) - 1
