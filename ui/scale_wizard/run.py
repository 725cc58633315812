"""One guided test in progress: the session, the step on screen, autosave and writing to the store.

Kept free of Qt so the wizard's widgets only display and forward input. Every change to the
session is followed by ``save()``: the session (``ScaleTestSession.to_dict``) goes to a JSON file
next to the database, written atomically, so a vanished port, a crash or closing the window never
loses a recorded point; choosing the same inspection again resumes from that file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from qcity_desktop.devices.reading import Reading as SerialReading
from qcity_desktop.errors import InputError, StateError
from qcity_desktop.metrology.checklist import checklist_answers
from qcity_desktop.metrology.data import load_table
from qcity_desktop.metrology.procedures import ScaleTestPlan, Step
from qcity_desktop.metrology.session import ReadingResult, ScaleTestSession
from qcity_desktop.metrology.traceability import ReferenceInstrument
from qcity_desktop.metrology.units import parse_mass

TEMPLATE_ID = "scale-market-in-service"
SAVE_VERSION = 1
# steps recorded only by hand: one reading per key press (with the key noted) / a price observation
MANUAL_KINDS = ("after_keys", "price")
# steps that stay on screen after their minimum until the inspector moves on
OPEN_ENDED_KINDS = ("after_keys", "price")


def sessions_dir(store_path: str) -> Path:
    return Path(store_path).expanduser().resolve().parent / "scale-sessions"


def plan_for_subject(subject: dict[str, Any]) -> ScaleTestPlan:
    """The guided plan from the scale's record (class, Max, e, Min, d in grams), in-service stage."""
    data = subject.get("data") or {}
    name = subject.get("name", "")
    missing = [k for k in ("accuracy_class", "max", "e") if not str(data.get(k) or "").strip()]
    if missing:
        raise InputError(f"计价秤「{name}」档案缺少 {', '.join(missing)}，请先在对象资料中补全 / "
                         f"scale record lacks {', '.join(missing)}")

    def grams(key: str) -> Decimal | None:
        text = str(data.get(key) or "").strip()
        if not text:
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            raise InputError(f"计价秤「{name}」的 {key} 不是数字：{text!r} / {key} is not a number") from None

    return ScaleTestPlan.for_scale(str(data["accuracy_class"]), grams("max"), grams("e"), grams("min"),  # type: ignore[arg-type]
                                   d=grams("d"), stage="in_service")


def parse_grams(text: str, default_unit: str = "g", *, what: str = "value") -> Decimal:
    """A typed mass: "1.5kg", "1500 g", or a bare number in ``default_unit`` (the display's unit)."""
    text = (text or "").strip().replace("，", ".").replace(",", ".")
    if not text:
        raise InputError(f"请输入{what} / enter the {what}")
    try:
        bare = Decimal(text)
    except InvalidOperation:
        return parse_mass(text, what=what, allow_negative=True)
    return parse_mass(f"{bare}{default_unit}", what=what, allow_negative=True)


def evidence_for(reading: SerialReading | None, frames: tuple[SerialReading, ...] = (), how: str = "auto") -> dict[str, Any]:
    """The serial evidence kept with a measurement: the frame, its neighbours in the stable run,
    decoder and port settings; ``how`` says whether the wizard or the inspector decided to record."""
    if reading is None:
        return {"capture": how}
    return {"capture": how, "serial": reading.to_dict(), "frames": [f.raw.hex() for f in frames],
            "decoder": reading.protocol, "port": reading.port,
            "settings": reading.settings.label() if reading.settings else None}


def item_for_kind(kind: str, template_id: str = TEMPLATE_ID) -> str | None:
    """The checklist item a measurement of ``kind`` belongs to (first mapping that judges the kind)."""
    mapping = load_table("checklist_map")["templates"].get(template_id, {})
    for item_id, rule in mapping.items():
        if "value" not in rule and kind in rule.get("kinds", []) and rule.get("judge_steps", True):
            return item_id
    for item_id, rule in mapping.items():
        if "value" not in rule and kind in rule.get("kinds", []):
            return item_id
    return None


@dataclass
class WizardRun:
    """The state the wizard shows; ``step_id`` is the step on screen."""

    session: ScaleTestSession
    inspection_id: str
    subject: dict[str, Any]
    path: Path
    step_id: str | None = None
    before: Decimal | None = None          # discrimination: indication before the 1.4 d weight
    written_at: str | None = None
    connection: dict[str, Any] = field(default_factory=dict)

    # -- creation / resume --------------------------------------------------------------------
    @classmethod
    def start(cls, store_path: str, inspection_id: str, subject: dict[str, Any],
              references: list[ReferenceInstrument], day: date | None = None) -> WizardRun:
        """Resume the saved test of this inspection, or begin a new one from the scale's record."""
        path = sessions_dir(store_path) / f"{inspection_id}.json"
        if path.exists():
            run = cls.load(path)
            if references:
                run.session.references = list(references)
            return run
        session = ScaleTestSession(plan_for_subject(subject), references=references, day=day)
        run = cls(session=session, inspection_id=inspection_id, subject=subject, path=path)
        run.step_id = session.next_step().id if session.next_step() else None
        return run

    @classmethod
    def load(cls, path: Path) -> WizardRun:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            session = ScaleTestSession.from_dict(data["session"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise InputError(f"保存的测试无法读取 / saved scale test unreadable: {path}: {err}") from None
        run = cls(session=session, inspection_id=data["inspection_id"], subject=data.get("subject") or {},
                  path=path, step_id=data.get("step_id"), written_at=data.get("written_at"),
                  connection=data.get("connection") or {})
        before = data.get("before_g")
        run.before = None if before is None else Decimal(before)
        if run.step_id is None or run.step_id not in {s.id for s in session.plan.steps}:
            nxt = session.next_step()
            run.step_id = nxt.id if nxt else None
        return run

    def save(self) -> Path:
        """Atomic write (temp file + rename): a crash mid-write never leaves half a test."""
        data = {"version": SAVE_VERSION, "inspection_id": self.inspection_id,
                "subject": {k: self.subject.get(k) for k in ("id", "name", "kind", "data")},
                "step_id": self.step_id, "before_g": None if self.before is None else str(self.before),
                "written_at": self.written_at, "connection": self.connection, "session": self.session.to_dict(),
                "saved_at": datetime.now(UTC).isoformat(timespec="seconds")}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".scale-", suffix=".json", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)
        return self.path

    # -- the step on screen -------------------------------------------------------------------
    @property
    def step(self) -> Step | None:
        return self.session.plan.step(self.step_id) if self.step_id else None

    def active_count(self, step_id: str) -> int:
        return sum(1 for r in self.session.readings if r.step_id == step_id and r.discarded is None)

    def step_done(self, step: Step) -> bool:
        """Whether the wizard moves on from ``step`` by itself."""
        if step.kind in OPEN_ENDED_KINDS:
            return False
        wanted = step.max_readings if step.max_readings is not None else step.min_readings
        return self.active_count(step.id) >= wanted

    def go_to(self, step_id: str) -> None:
        self.session.plan.step(step_id)
        self.step_id = step_id
        self.before = None

    def advance(self) -> Step | None:
        """The next step still waiting for readings after the current one (wrapping round)."""
        steps = self.session.plan.steps
        results = {r.step.id: r for r in self.session.results()}
        start = next((i for i, s in enumerate(steps) if s.id == self.step_id), -1)
        order = steps[start + 1:] + steps[:start + 1]
        for step in order:
            if not results[step.id].complete and step.id != self.step_id:
                self.go_to(step.id)
                return step
        self.step_id = None
        self.before = None
        return None

    # -- input --------------------------------------------------------------------------------
    def record(self, indication: Decimal, *, display: Decimal | None = None, added: Decimal | None = None,
               note: str = "", source: str = "serial", evidence: dict[str, Any] | None = None) -> ReadingResult | None:
        """Record an indication (grams) for the step on screen; None while a discrimination test
        still waits for its second reading (the first is the indication before the 1.4 d weight)."""
        step = self._need_step()
        if step.kind == "price":
            raise InputError("计价步骤请输入单价与金额 / the price step needs unit price and amount")
        if step.kind == "discrimination" and self.before is None:
            if step.max_readings is not None and self.active_count(step.id) >= step.max_readings:
                raise StateError(f"步骤「{step.zh}」已有读数；如需重测请先作废 / step already recorded: discard first")
            self.before = indication
            self.save()
            return None
        result = self.session.record(step.id, indication, added=added, display=display, note=note, source=source,
                                     evidence=evidence, before=self.before if step.kind == "discrimination" else None)
        self.before = None
        self.save()
        return result

    def record_price(self, weight: Decimal, unit_price: Decimal, shown: Decimal | None, *, note: str = "",
                     evidence: dict[str, Any] | None = None) -> ReadingResult:
        step = self._need_step()
        result = self.session.record_price(step.id, weight, unit_price, shown, note=note, evidence=evidence)
        self.save()
        return result

    def discard_last(self, reason: str) -> str:
        """Void the last reading of the step on screen (or of the step before, if this one has none)."""
        step = self._need_step()
        if step.kind == "discrimination" and self.before is not None:
            self.before = None
            self.save()
            return step.id
        candidates = [step.id] + [r.step_id for r in reversed(self.session.readings) if r.discarded is None]
        for step_id in candidates:
            if self.active_count(step_id):
                self.session.discard_last(step_id, reason)
                self.go_to(step_id)
                self.save()
                return step_id
        raise StateError("还没有可作废的读数 / nothing recorded yet to discard")

    def skip(self, reason: str) -> None:
        step = self._need_step()
        self.session.skip(step.id, reason)
        self.before = None
        self.save()

    def _need_step(self) -> Step:
        step = self.step
        if step is None:
            raise StateError("所有步骤已完成，请查看结果 / every step is done: see the result")
        return step

    # -- the result -----------------------------------------------------------------------------
    def answers(self) -> dict[str, dict[str, Any]]:
        return checklist_answers(self.session, TEMPLATE_ID)

    def payload(self) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
        """What goes into the inspection: measurement rows and checklist answers, computed here (on
        the GUI thread, a few ms) so the database worker gets plain data. Refused while the verdict
        is refused (expired or missing reference) and once this test was written, so the record
        never holds a test on untraceable weights or the same test twice."""
        if self.written_at:
            raise StateError(f"本次测试已于 {self.written_at} 写入检查记录 / this test was already written to the inspection")
        self.session.verdict()  # raises StateError naming the reference problem
        rows = [{**row, "item_id": item_for_kind(row["kind"])} for row in self.session.measurements()]
        return rows, self.answers()

    def mark_written(self) -> None:
        self.written_at = datetime.now(UTC).isoformat(timespec="seconds")
        self.save()


def write_payload(store: Any, inspection_id: str, rows: list[dict[str, Any]],
                  answers: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Measurements (with their evidence) and checklist answers in one transaction (worker thread)."""
    with store.transaction():
        for row in rows:
            store.measurements.add(inspection_id, **row)
        for item_id, answer in answers.items():
            store.inspections.answer(inspection_id, item_id, result=answer.get("result"),
                                     value=answer.get("value"), note=answer.get("note"))
    return {"measurements": len(rows), "answers": len(answers)}
