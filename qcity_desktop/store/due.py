"""What is due: the store's side of the due list (`qcity due`, the desktop's Today page).

The SQL lives here and only here; the date arithmetic is the pure qcity_desktop.schedule, so the
same subject gives the same due dates whichever screen asks. Three queries whatever the number
of subjects (all subjects, all periodic inspections done, all open findings), because the Today
page runs this on every start and a district holds thousands of lifts and scales.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from qcity_desktop.schedule import (
    DueItem,
    FindingRecord,
    ScheduleRules,
    SubjectRecord,
    collect_due,
    load_rules,
    parse_date,
    returned_due_item,
)
from qcity_desktop.store.reviews import latest_sql

if TYPE_CHECKING:
    from qcity_desktop.store import Store


def _data(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text or "{}")
    except json.JSONDecodeError:  # a damaged row must not hide everyone else's due dates
        return {}
    return data if isinstance(data, dict) else {}


def periodic_done(store: Store, rules: ScheduleRules | None = None) -> dict[str, list[date]]:
    """Dates of completed or signed periodic inspections (not re-inspections), by subject id."""
    rules = rules or load_rules()
    templates = list(rules.elevator.get("periodic_templates", []))
    if not templates:
        return {}
    marks = ", ".join("?" for _ in templates)
    rows = store.query(
        "SELECT subject_id, started_at FROM inspections "
        f"WHERE status IN ('completed', 'signed') AND reinspection_of IS NULL AND template_id IN ({marks})",
        tuple(templates),
    )
    done: dict[str, list[date]] = defaultdict(list)
    for row in rows:
        d = parse_date(row["started_at"])
        if d is not None:
            done[row["subject_id"]].append(d)
    return done


def subject_records(store: Store, rules: ScheduleRules | None = None) -> dict[str, SubjectRecord]:
    """Every subject not deleted, with the periodic inspections done on it."""
    done = periodic_done(store, rules)
    out: dict[str, SubjectRecord] = {}
    for row in store.query("SELECT id, kind, name, address, district, codes, data, next_due "
                           "FROM subjects WHERE deleted = 0"):
        out[row["id"]] = SubjectRecord(
            id=row["id"], kind=row["kind"], name=row["name"], data=_data(row["data"]),
            next_due=parse_date(row["next_due"]), address=row["address"] or "", district=row["district"] or "",
            codes=row["codes"] or "", periodic_done=tuple(sorted(done.get(row["id"], []))),
        )
    return out


def open_findings(store: Store, subjects: dict[str, SubjectRecord]) -> list[FindingRecord]:
    """Open findings that have a rectification deadline, each with its subject."""
    rows = store.query(
        "SELECT f.id, f.inspection_id, f.item_id, f.description, f.deadline, i.subject_id "
        "FROM findings f JOIN inspections i ON i.id = f.inspection_id "
        "WHERE f.status = 'open' AND f.deadline IS NOT NULL"
    )
    out = []
    for row in rows:
        deadline = parse_date(row["deadline"])
        subject = subjects.get(row["subject_id"])
        if deadline is None or subject is None:
            continue
        out.append(FindingRecord(id=row["id"], inspection_id=row["inspection_id"], item_id=row["item_id"],
                                 description=row["description"], deadline=deadline, subject=subject))
    return out


def due_items(store: Store, today: date | None = None, within_days: int = 30,
              rules: ScheduleRules | None = None) -> list[DueItem]:
    """Everything due or overdue, or due within ``within_days`` of ``today``, sorted by date.

    Each item says which subject, what (periodic inspection, self-test, verification expiry,
    re-inspection), the due date and the days left (negative when overdue).
    """
    rules = rules or load_rules()
    today = today or date.today()
    subjects = subject_records(store, rules)
    items = collect_due(subjects.values(), open_findings(store, subjects), today, within_days, rules)
    returned = returned_items(store, subjects, today)
    return sorted(items + returned, key=lambda i: (i.due_date, i.subject_name, i.what)) if returned else items


def returned_items(store: Store, subjects: dict[str, SubjectRecord], today: date) -> list[DueItem]:
    """Signed inspections whose latest review returned them: on the list until a later review approves."""
    rows = store.query(
        "SELECT i.id, i.subject_id, r.reviewer, r.comment, r.reviewed_at FROM reviews r "
        "JOIN inspections i ON i.id = r.inspection_id WHERE r.decision = 'returned' "
        f"AND r.rowid = {latest_sql('rowid', 'r.inspection_id')}")
    out = []
    for row in rows:
        subject = subjects.get(row["subject_id"])
        reviewed = parse_date(row["reviewed_at"])
        if subject is not None and reviewed is not None:
            out.append(returned_due_item(subject, row["id"], reviewed, row["reviewer"], row["comment"], today))
    return out
