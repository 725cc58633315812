"""Inspections and their answers: draft → completed (verdict computed) → signed (locked).

Every write checks the lifecycle here *and* SQLite triggers refuse changes to signed rows, so
no path — CLI, GUI, sync or a hand-edited file opened in the app — can alter signed evidence.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from qcity_desktop.canonical import canonical_hash
from qcity_desktop.checklists.model import Answer, Evaluation, Item, RuleContext, Template
from qcity_desktop.checklists.rules import evaluate
from qcity_desktop.checklists.templates import get_template
from qcity_desktop.errors import InputError, NotFoundError, StateError, SupervisedUseNeeded
from qcity_desktop.store import decode_json_column, new_id

if TYPE_CHECKING:
    from qcity_desktop.store import Store

STATUSES = ("draft", "completed", "signed")
DEFAULT_RECTIFICATION_DAYS = 30
_UNSET: Any = object()


@lru_cache(maxsize=4096)
def parse_names(text: str | None) -> list[str]:
    """Inspector lists repeat (the same teams every day): parse each distinct one once.

    Callers must not mutate the returned list; it is shared."""
    return json.loads(text or "[]")


def check_answer(item: Item, result: str | None, value: Any, deduction: Any, clauses: Any,
                 subject: dict[str, Any] | None = None) -> dict[str, Any]:
    """Validate one answer against its item; return the columns to store.

    Number items get their result from the tolerance when none is given, so an inspector who
    types 5 mm for a door gap limited to 6 mm does not also have to press "pass"; the tolerance
    is this subject's (a goods lift's door gap limit differs from a passenger lift's).
    """
    where = f"item {item.id}"
    out: dict[str, Any] = {}
    if result is not None:
        allowed = item.results if item.type == "result" else (
            ("pass", "fail", "na", "not_tested") + (("rectified",) if "rectified" in item.results else ()))
        if result not in allowed:
            raise InputError(f"{where}: result {result!r} is not allowed here (allowed: {', '.join(allowed)})")
    if value is not None and value != "":
        text = str(value).strip()
        if item.type == "number":
            try:
                number = Decimal(text)
                if not number.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                raise InputError(f"{where}: {text!r} is not a number") from None
            if item.range and not (item.range[0] <= number <= item.range[1]):
                raise InputError(f"{where}: {text} {item.unit} is out of range {item.range[0]}–{item.range[1]} (a typo?)")
            if result is None:
                from qcity_desktop.checklists.applicability import check_value

                result = check_value(item, number, subject).result
                if result is None and (item.min is not None or item.max is not None):
                    ok = (item.min is None or number >= item.min) and (item.max is None or number <= item.max)
                    result = "pass" if ok else "fail"
            text = str(number)
        elif item.type == "choice":
            values = [c["value"] for c in item.choices]
            if text not in values:
                raise InputError(f"{where}: {text!r} is not one of {', '.join(values)}")
        out["value"] = text
    elif value == "":
        out["value"] = None
    points = item.attrs.get("points")
    if deduction is not None and deduction != "":
        try:
            ded = Decimal(str(deduction))
            if not ded.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise InputError(f"{where}: deduction {deduction!r} is not a number") from None
        if ded < 0:
            raise InputError(f"{where}: deduction {ded} is negative")
        if points is not None and ded > Decimal(str(points)):
            raise InputError(f"{where}: deduction {ded} exceeds the item's {points} points")
        out["deduction"] = str(ded)
    if clauses is not None:
        if not isinstance(clauses, dict):
            raise InputError(f"{where}: clauses must be an object {{clause_id: count}}")
        known = {str(d.get("id")): d for d in item.attrs.get("deductions", [])}
        for cid, count in clauses.items():
            if str(cid) not in known:
                raise InputError(f"{where}: no deduction clause {cid!r} (known: {', '.join(known) or 'none'})")
            if not isinstance(count, int) or count < 0:
                raise InputError(f"{where}: clause {cid} count must be a whole number ≥ 0")
            if count > 1 and not known[str(cid)].get("per"):
                raise InputError(f"{where}: clause {cid} can be ticked only once")
        out["clauses"] = json.dumps({str(k): v for k, v in clauses.items() if v}, sort_keys=True)
    if result is not None:
        out["result"] = result
    return out


class Inspections:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reading ----------------------------------------------------------------------------
    def row(self, inspection_id: str) -> dict[str, Any]:
        row = self.store.query_one("SELECT * FROM inspections WHERE id = ?", (inspection_id,))
        if row is None:
            raise NotFoundError(f"no inspection {inspection_id}")
        row["inspectors"] = list(parse_names(row["inspectors"]))
        return row

    def template_of(self, row: dict[str, Any]) -> Template:
        return get_template(row["template_id"], row["template_version"])

    def answers(self, inspection_id: str) -> dict[str, Answer]:
        rows = self.store.conn.execute("SELECT item_id, result, value, deduction, clauses, note FROM answers "
                                       "WHERE inspection_id = ?", (inspection_id,)).fetchall()
        return {r[0]: Answer(r[0], r[1], r[2], None if r[3] is None else Decimal(r[3]),
                             json.loads(r[4]) if r[4] else None, r[5] or "") for r in rows}

    def context(self, row: dict[str, Any]) -> RuleContext:
        subject = self.store.subjects.get(row["subject_id"])
        return RuleContext(subject={**subject["data"], "kind": subject["kind"]},
                           inspection_date=date.fromisoformat(row["started_at"][:10]))

    def evaluation(self, inspection_id: str) -> Evaluation:
        """The rule engine's view of the answers so far (what the live panel shows)."""
        row = self.row(inspection_id)
        return evaluate(self.template_of(row), self.answers(inspection_id), self.context(row))

    def list(self, kind: str | None = None, status: str | None = None, verdict: str | None = None,
             inspector: str | None = None, subject_id: str | None = None, date_from: str | None = None,
             date_to: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Inspections newest first with their subject's name, filtered."""
        where, params = [], []
        for col, val in (("i.kind", kind), ("i.status", status), ("i.verdict", verdict), ("i.subject_id", subject_id)):
            if val:
                where.append(f"{col} = ?")
                params.append(val)
        if status and status not in STATUSES:
            raise InputError(f"status {status!r} is not one of {', '.join(STATUSES)}")
        if inspector:
            where.append("i.inspectors LIKE ?")
            params.append(f"%{inspector}%")
        if date_from:
            where.append("i.started_at >= ?")
            params.append(date_from)
        if date_to:
            where.append("i.started_at < ?")
            params.append(date_to + "T99")
        sql = ("SELECT i.id, i.kind, i.subject_id, s.name AS subject_name, i.template_id, i.template_version, "
               "i.inspectors, i.started_at, i.status, i.verdict, i.score, i.grade, i.certificate_no, i.report_no "
               "FROM inspections i JOIN subjects s ON s.id = i.subject_id "
               + (f"WHERE {' AND '.join(where)} " if where else "")
               + "ORDER BY i.started_at DESC LIMIT ? OFFSET ?")
        rows = self.store.query(sql, (*params, limit, offset))
        decode_json_column(rows, "inspectors", "[]")
        return rows

    # -- writing ----------------------------------------------------------------------------
    def create(self, subject_id: str, template_id: str, template_version: int | None = None,
               inspectors: list[str] | None = None, started_at: str | None = None,
               reinspection_of: str | None = None, inspection_id: str | None = None) -> str:
        subject = self.store.subjects.get(subject_id)
        template = get_template(template_id, template_version)
        if template.kind != subject["kind"]:
            raise InputError(f"template {template.id} is for {template.kind} subjects, but {subject['name']} is a {subject['kind']}")
        iid = inspection_id or new_id()
        with self.store.transaction():
            self.store.insert("inspections", {
                "id": iid, "subject_id": subject_id, "kind": subject["kind"], "template_id": template.id,
                "template_version": template.version,
                "inspectors": json.dumps(inspectors or [], ensure_ascii=False),
                "started_at": started_at or self.store.now(), "status": "draft", "reinspection_of": reinspection_of,
                **self.store.sync_fields()})
            self.store.audit.append("create", "inspection", iid, actor=", ".join(inspectors or []))
        return iid

    def _editable(self, inspection_id: str) -> dict[str, Any]:
        row = self.row(inspection_id)
        if row["status"] == "signed":
            raise StateError(f"inspection {inspection_id} is signed and can no longer change")
        return row

    def answer(self, inspection_id: str, item_id: str, result: str | None = None, value: Any = None,
               deduction: Any = None, clauses: dict[str, int] | None = None, note: str | None = None) -> dict[str, Any]:
        """Store one answer (an upsert); a completed inspection goes back to draft."""
        with self.store.transaction():
            row = self._editable(inspection_id)
            template = self.template_of(row)
            self._answer_in_tx(row, template, item_id, result, value, deduction, clauses, note)
            if row["status"] == "completed":
                self.store.update("inspections", inspection_id, {"status": "draft", "verdict": None, "score": None,
                                                                 "grade": None, "ended_at": None, "evaluation": None})
        return self.store.query_one("SELECT item_id, result, value, deduction, clauses, note FROM answers "
                                    "WHERE inspection_id = ? AND item_id = ?", (inspection_id, item_id)) or {}

    def _answer_in_tx(self, row: dict[str, Any], template: Template, item_id: str, result: str | None, value: Any,
                      deduction: Any, clauses: dict[str, int] | None, note: str | None) -> None:
        item = template.items.get(item_id)
        if item is None:
            raise NotFoundError(f"template {template.id} has no item {item_id!r}")
        if template.children(item_id):
            subs = ", ".join(c.id for c in template.children(item_id)[:4])
            raise InputError(f"item {item_id} has sub-items; answer them instead ({subs} …)")
        subject = None
        if item.type == "number" and value not in (None, ""):
            subject = self.store.subjects.get(row["subject_id"])
        cols = check_answer(item, result, value, deduction, clauses, subject)
        if note is not None:
            cols["note"] = note
        existing = self.store.conn.execute("SELECT id FROM answers WHERE inspection_id = ? AND item_id = ?",
                                           (row["id"], item_id)).fetchone()
        if existing:
            if cols:
                self.store.update("answers", existing[0], cols)
        else:
            self.store.insert("answers", {"id": new_id(), "inspection_id": row["id"], "item_id": item_id,
                                          "note": "", **cols, **self.store.sync_fields()})
        self.store.audit.append("answer", "inspection", row["id"], canonical_hash({"item": item_id, **cols}))

    def clear_answer(self, inspection_id: str, item_id: str) -> None:
        """Make an item unanswered again (the editor's undo of a first answer); drafts only."""
        with self.store.transaction():
            row = self._editable(inspection_id)
            self.store.conn.execute("DELETE FROM answers WHERE inspection_id = ? AND item_id = ?", (inspection_id, item_id))
            if row["status"] == "completed":
                self.store.update("inspections", inspection_id, {"status": "draft", "verdict": None, "score": None,
                                                                 "grade": None, "ended_at": None, "evaluation": None})
            self.store.audit.append("clear", "inspection", inspection_id, canonical_hash({"item": item_id}))

    def set_remark(self, inspection_id: str, remark: str) -> None:
        with self.store.transaction():
            self._editable(inspection_id)
            self.store.update("inspections", inspection_id, {"remark": remark})

    def missing_required(self, template: Template, answers: dict[str, Answer], photos: set[str],
                         context: RuleContext | None = None) -> list[Item]:
        """Required items still unanswered, and required photos still missing.

        A template whose sections are optional (``params.sections_optional``: the JGJ 59 sub-tables
        of work a site does not have) only requires items of the sections the inspector started.
        """
        started: set[str] | None = None
        if template.params.get("sections_optional"):
            started = {template.items[i].section_id for i, a in answers.items()
                       if i in template.items and (a.result is not None or a.value)}
        not_applicable: set[str] = set()
        if context is not None and any("applies" in i.attrs for i in template.items.values()):
            from qcity_desktop.checklists.applicability import evaluate_items

            states = evaluate_items(template, context.subject, context.inspection_date, answers, context.overrides)
            not_applicable = {i for i, a in states.applicability.items() if not a.applies}
        missing = []
        for item in template.leaves():
            if started is not None and item.section_id not in started:
                continue
            if item.id in not_applicable:  # 无此项 by the subject's record: nothing to answer
                continue
            a = answers.get(item.id)
            if item.required and (a is None or (a.result is None and not a.value)):
                missing.append(item)
            elif item.photo_required and item.id not in photos and not (a and a.result == "na"):
                missing.append(item)
        return missing

    def complete(self, inspection_id: str, today: date | None = None, supervised_use: bool | None = None) -> Evaluation:
        """Compute the verdict and findings; refuse while required answers or photos are missing.

        ``supervised_use``: whether the using unit has committed in writing to keep the elevator in
        use under supervision (监护使用). When a few general items fail, the elevator rules make the
        conclusion 合格 only with that commitment, and the report says it was given; so it must be
        stated, never assumed: ``None`` refuses to complete in exactly that case.
        """
        with self.store.transaction():
            row = self._editable(inspection_id)
            template = self.template_of(row)
            answers = self.answers(inspection_id)
            photos = {a["item_id"] for a in self.store.attachments.for_inspection(inspection_id) if a["item_id"]}
            context = self.context(row)
            if supervised_use is not None:
                context.overrides["supervised_use"] = supervised_use
            missing = self.missing_required(template, answers, photos, context)
            if missing:
                first = missing[0]
                raise StateError(f"cannot complete: {len(missing)} required item(s) unanswered or without a required "
                                 f"photo (first: {first.id} {first.label()})")
            result = evaluate(template, answers, context)
            if not result.complete or result.verdict is None:
                why = f" ({result.remarks[0]})" if result.remarks else ""
                raise StateError(f"cannot complete: the rule could not reach a verdict with these answers{why}")
            if result.details.get("supervised_use") and supervised_use is None:
                raise SupervisedUseNeeded(
                    "cannot complete: with these failed items the conclusion depends on whether the using unit "
                    "commits to supervised use (监护使用); state it (--supervised-use yes|no)",
                    [f.item_id for f in result.failed])
            days = int(template.params.get("rectification_days", DEFAULT_RECTIFICATION_DAYS))
            deadline = ((today or date.today()) + timedelta(days=days)).isoformat()
            for f in result.failed:
                self.store.findings.upsert(inspection_id, f.item_id, f"{f.title}：{f.reason}".rstrip("："),
                                           f.clause or f"{template.standard} {f.item_id}", f.severity, deadline)
            self.store.findings.remove_except(inspection_id, {f.item_id for f in result.failed})
            self.store.update("inspections", inspection_id, {
                "status": "completed", "verdict": result.verdict,
                "score": None if result.score is None else str(result.score), "grade": result.grade,
                "ended_at": self.store.now(), "next_due": self._next_due(row, result),
                "evaluation": json.dumps(result.as_dict(), ensure_ascii=False, sort_keys=True)})
            self.store.audit.append("complete", "inspection", inspection_id, canonical_hash(result.as_dict()))
        return result

    def _next_due(self, row: dict[str, Any], result: Evaluation) -> str | None:
        try:
            from qcity_desktop import schedule
        except ImportError:
            return None
        fn = getattr(schedule, "next_due_after_inspection", None)
        if fn is None:
            return None
        subject = self.store.subjects.get(row["subject_id"])
        return fn(subject["kind"], subject["data"], date.fromisoformat(row["started_at"][:10]), result.verdict)

    def sign(self, inspection_id: str, inspector: str) -> dict[str, Any]:
        """Lock a completed inspection: assign numbers, hash its content, chain the hash into the audit log."""
        if not inspector or not inspector.strip():
            raise InputError("signing needs the inspector's name (--inspector)")
        with self.store.transaction():
            row = self._editable(inspection_id)
            if row["status"] != "completed":
                raise StateError(f"inspection {inspection_id} is a draft; complete it before signing")
            signed_at = self.store.now()
            numbers = self._assign_numbers(row, signed_at)
            changes = {"status": "signed", "signed_at": signed_at, "signed_by": inspector.strip(), **numbers}
            evaluation = self._with_notice_number(row)
            if evaluation is not None:
                changes["evaluation"] = evaluation
            digest = canonical_hash(self.canonical_content(inspection_id, changes))
            self.store.update("inspections", inspection_id, {**changes, "content_hash": digest})
            self.store.audit.append("sign", "inspection", inspection_id, digest, actor=inspector.strip())
            closed, carried = self._settle_findings(row) if row.get("reinspection_of") else ([], [])
        return {"id": inspection_id, "content_hash": digest, **changes, "closed_findings": closed,
                "carried_findings": carried}

    def _settle_findings(self, row: dict[str, Any]) -> tuple[list[str], list[str]]:
        """A signed re-inspection settles the original's open findings on the items it re-checked.

        Found conforming: the finding is closed, rectified. Still failing: the re-inspection has its
        own finding for the item (with a new deadline), which carries it on, so the original's is
        closed by the re-inspection too and the due list asks once, not twice. Items it did not
        answer (or answered n/a) keep their findings open. Returns (rectified, carried) item ids.
        """
        from qcity_desktop.checklists.rules.common import effective_result

        if self.row(row["reinspection_of"])["subject_id"] != row["subject_id"]:
            return [], []      # a re-inspection of another subject's inspection settles nothing of it
        template = self.template_of(row)
        answers = self.answers(row["id"])
        ev = json.loads(row["evaluation"]) if row.get("evaluation") else {}
        still_failing = {f.get("item_id") for f in ev.get("failed_items") or []}
        own = {f["item_id"] for f in self.store.findings.for_inspection(row["id"])}
        rectified, carried = [], []
        for finding in self.store.findings.for_inspection(row["reinspection_of"]):
            item = template.items.get(finding["item_id"])
            if finding["status"] != "open" or item is None:
                continue
            if item.id in still_failing:
                if item.id in own:
                    self.store.findings.close(finding["id"], row["id"])
                    carried.append(item.id)
            elif effective_result(template, item, answers) in ("pass", "doc_pass", "rectified"):
                self.store.findings.close(finding["id"], row["id"])
                rectified.append(item.id)
        return rectified, carried

    def _with_notice_number(self, row: dict[str, Any]) -> str | None:
        """The completed evaluation with the rectification notice's number written into its remark.

        The 监护使用 remark cites the notice by number, but numbers are issued only now, at signing;
        completing left a blank (``notice_no_slot``) that is filled here, before the hash is taken,
        so the signed record and every printed copy carry the real number. None: nothing to fill.
        """
        from qcity_desktop.store.numbering import numbers_for

        if not row.get("evaluation"):
            return None
        ev = json.loads(row["evaluation"])
        slot = (ev.get("details") or {}).get("notice_no_slot")
        notice = numbers_for(self.store.conn, row["id"]).get("notice")
        if not slot or notice is None or notice["status"] != "valid":
            return None
        ev["remarks"] = [r.replace(slot, notice["number"]) if isinstance(r, str) else r for r in ev.get("remarks") or []]
        ev["details"] = {k: v for k, v in ev["details"].items() if k != "notice_no_slot"}
        return json.dumps(ev, ensure_ascii=False, sort_keys=True)

    def _assign_numbers(self, row: dict[str, Any], signed_at: str) -> dict[str, Any]:
        from qcity_desktop.store.numbering import assign_numbers

        numbers = assign_numbers(self.store.conn, row["id"], row["kind"], signed_at, self.store.device_id)
        return {k: numbers[k] for k in ("report_no", "certificate_no") if k in numbers}

    # -- evidence ---------------------------------------------------------------------------
    def canonical_content(self, inspection_id: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """What a signature covers: the inspection, its answers, measurements, photos and signatures."""
        row = self.store.query_one("SELECT * FROM inspections WHERE id = ?", (inspection_id,))
        if row is None:
            raise NotFoundError(f"no inspection {inspection_id}")
        row.update(overrides or {})
        keep = ("id", "subject_id", "template_id", "template_version", "inspectors", "started_at", "ended_at", "status",
                "verdict", "score", "grade", "remark", "report_no", "certificate_no", "next_due", "reinspection_of",
                "signed_at", "signed_by", "evaluation")
        q = self.store.query
        return {
            "inspection": {k: row[k] for k in keep},
            "answers": q("SELECT item_id, result, value, deduction, clauses, note FROM answers WHERE inspection_id = ? "
                         "ORDER BY item_id", (inspection_id,)),
            "measurements": q("SELECT id, item_id, kind, seq, load, indication, error, mpe, unit, passed, data "
                              "FROM measurements WHERE inspection_id = ? ORDER BY id", (inspection_id,)),
            "attachments": q("SELECT id, item_id, kind, sha256, filename, caption FROM attachments "
                             "WHERE inspection_id = ? ORDER BY id", (inspection_id,)),
            "signatures": q("SELECT id, role, signer, signed_at, sha256 FROM signatures WHERE inspection_id = ? "
                            "ORDER BY id", (inspection_id,)),
        }

    def content_hash(self, inspection_id: str) -> str:
        return canonical_hash(self.canonical_content(inspection_id))

    def document(self, inspection_id: str, lang: str = "zh") -> dict[str, Any]:
        """The full inspection as plain data: what `show --json`, reports and exports use."""
        row = self.row(inspection_id)
        template = self.template_of(row)
        answers = self.answers(inspection_id)
        subject = self.store.subjects.get(row["subject_id"])
        if row["status"] != "draft" and row.get("evaluation"):
            ev = json.loads(row["evaluation"])  # as completed: signed evidence never re-judged
        else:
            try:
                ev = evaluate(template, answers, self.context(row)).as_dict()
            except Exception as err:  # a half-filled draft may not evaluate; say so instead of failing
                ev = {"verdict": None, "error": str(err)}
        sections = []
        for s in template.sections:
            items = []
            for item_id in s.item_ids:
                it = template.items[item_id]
                a = answers.get(item_id)
                items.append({"id": it.id, "title": it.title, "type": it.type, "unit": it.unit, "clause": it.clause,
                              "parent": it.parent, "attrs": it.attrs, "required": it.required,
                              "min": None if it.min is None else str(it.min),
                              "max": None if it.max is None else str(it.max),
                              "result": a.result if a else None, "value": a.value if a else None,
                              "deduction": None if not a or a.deduction is None else str(a.deduction),
                              "clauses": a.clauses if a else None, "note": a.note if a else ""})
            sections.append({"id": s.id, "title": s.title, "attrs": s.attrs, "items": items})
        keep = ("id", "status", "verdict", "score", "grade", "remark", "report_no", "certificate_no", "next_due",
                "started_at", "ended_at", "signed_at", "signed_by", "content_hash", "inspectors", "reinspection_of",
                "template_id", "template_version", "kind")
        return {
            **{k: row[k] for k in keep},
            "subject": {k: subject[k] for k in ("id", "kind", "name", "address", "district", "codes", "owner", "data",
                                                "next_due")},
            "template": {"id": template.id, "version": template.version, "title": template.title,
                         "standard": template.standard, "rule": template.rule},
            "sections": sections,
            "measurements": self.store.measurements.for_inspection(inspection_id),
            "findings": self.store.findings.for_inspection(inspection_id),
            "attachments": self.store.attachments.for_inspection(inspection_id),
            "signatures": self.store.signatures.for_inspection(inspection_id),
            "reviews": self.store.reviews.for_inspection(inspection_id),
            "evaluation": ev,
        }

    # -- import -----------------------------------------------------------------------------
    def import_one(self, data: Any, where: str = "input", complete: bool = False) -> str:
        """Create an inspection from the JSON import format (docs/import-format.md) in one transaction."""
        if not isinstance(data, dict):
            raise InputError(f"{where}: an inspection must be a JSON object")
        template_id = data.get("template") or data.get("template_id")
        if not template_id:
            raise InputError(f"{where}: missing 'template'")
        answers = data.get("answers", {})
        if not isinstance(answers, dict):
            raise InputError(f"{where}: 'answers' must be an object keyed by item id")
        inspectors = data.get("inspectors") or ([data["inspector"]] if data.get("inspector") else [])
        with self.store.transaction():
            subject_id = data.get("subject_id")
            if not subject_id:
                inline = data.get("subject")
                if not isinstance(inline, dict) or "kind" not in inline:
                    raise InputError(f"{where}: give 'subject_id' or an inline 'subject' with a 'kind'")
                fields = {k: v for k, v in inline.items() if k not in ("kind", "id")}
                subject_id, _ = self.store.subjects.add(inline["kind"], fields, subject_id=inline.get("id"))
            elif self.store.conn.execute("SELECT 1 FROM subjects WHERE id = ?", (subject_id,)).fetchone() is None:
                raise NotFoundError(f"{where}: no subject {subject_id}")
            iid = self.create(subject_id, str(template_id), data.get("template_version"), inspectors,
                              data.get("started_at"))
            row = self.row(iid)
            template = self.template_of(row)
            for item_id, ans in answers.items():
                if not isinstance(ans, dict):
                    ans = {"result": ans}
                try:
                    self._answer_in_tx(row, template, str(item_id), ans.get("result"), ans.get("value"),
                                       ans.get("deduction"), ans.get("clauses"), ans.get("note"))
                except InputError as err:
                    raise InputError(f"{where}: {err}") from None
            if complete:
                committed = data.get("supervised_use")
                if committed is not None and not isinstance(committed, bool):
                    raise InputError(f"{where}: 'supervised_use' must be true or false")
                try:
                    self.complete(iid, supervised_use=committed)
                except SupervisedUseNeeded:
                    raise InputError(f"{where}: cannot complete: the conclusion depends on whether the using unit "
                                     "commits to supervised use (监护使用); add \"supervised_use\": true or false") from None
        return iid
