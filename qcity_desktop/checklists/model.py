"""Plain types for templates, answers and rule results.

They are frozen dataclasses so a rule function cannot change what it is given: rules are pure
functions of (template, answers, context), which is what makes them testable with hypothesis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

ITEM_TYPES = ("result", "number", "text", "choice", "photo", "signature")
RESULTS = ("pass", "fail", "na", "not_tested", "doc_pass", "rectified")
DEFAULT_RESULTS = ("pass", "fail", "na", "not_tested", "doc_pass")

RESULT_SYMBOLS = {"pass": "√", "fail": "×", "na": "／", "not_tested": "△", "doc_pass": "▽", "rectified": "△"}
RESULT_LABELS = {
    "pass": {"zh": "符合", "en": "pass"},
    "fail": {"zh": "不符合", "en": "fail"},
    "na": {"zh": "无此项", "en": "n/a"},
    "not_tested": {"zh": "未检测", "en": "not tested"},
    "doc_pass": {"zh": "资料确认符合", "en": "confirmed by documents"},
    "rectified": {"zh": "整改后符合", "en": "conforms after rectification"},
}


@dataclass(frozen=True)
class Item:
    id: str
    title: dict[str, str]
    type: str
    section_id: str
    required: bool = True
    results: tuple[str, ...] = DEFAULT_RESULTS
    unit: str = ""
    min: Decimal | None = None
    max: Decimal | None = None
    range: tuple[Decimal, Decimal] | None = None
    choices: tuple[dict[str, str], ...] = ()
    photo_required: bool = False
    parent: str | None = None
    clause: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)

    def label(self, lang: str = "zh") -> str:
        return self.title.get(lang) or self.title.get("zh") or self.id


@dataclass(frozen=True)
class Section:
    id: str
    title: dict[str, str]
    attrs: dict[str, Any]
    item_ids: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    id: str
    version: int
    kind: str
    title: dict[str, str]
    standard: str
    rule: str
    params: dict[str, Any]
    sections: tuple[Section, ...]
    items: dict[str, Item]
    sources: tuple[str, ...] = ()
    confidence: str = "T"
    configurable: tuple[dict[str, Any], ...] = ()
    path: str = ""

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def children(self, item_id: str) -> list[Item]:
        return [i for i in self.items.values() if i.parent == item_id]

    def leaves(self) -> list[Item]:
        """Items that are answered directly (those without sub-items), in template order."""
        parents = {i.parent for i in self.items.values() if i.parent}
        return [i for i in self.items.values() if i.id not in parents]

    def section_items(self, section_id: str) -> list[Item]:
        for s in self.sections:
            if s.id == section_id:
                return [self.items[i] for i in s.item_ids]
        return []


class Answer(NamedTuple):
    """One stored answer. A NamedTuple (immutable, cheap to build) because opening an inspection
    builds one per item and that must stay close to the cost of the raw query."""

    item_id: str
    result: str | None = None
    value: str | None = None
    deduction: Decimal | None = None
    clauses: dict[str, int] | None = None
    note: str = ""


@dataclass(frozen=True)
class RuleContext:
    """What a rule may know besides the answers: the subject's record and the inspection date."""

    subject: dict[str, Any] = field(default_factory=dict)
    inspection_date: date | None = None
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FailedItem:
    item_id: str
    title: str
    severity: str = ""
    clause: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Evaluation:
    verdict: str | None
    score: Decimal | None = None
    grade: str | None = None
    failed: tuple[FailedItem, ...] = ()
    remarks: tuple[str, ...] = ()
    complete: bool = True
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "score": None if self.score is None else str(self.score),
            "grade": self.grade,
            "complete": self.complete,
            "failed_items": [
                {"item_id": f.item_id, "title": f.title, "severity": f.severity, "clause": f.clause, "reason": f.reason}
                for f in self.failed
            ],
            "remarks": list(self.remarks),
            "details": self.details,
        }
