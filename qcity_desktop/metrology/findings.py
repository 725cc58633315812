"""Findings produced by the metrology checks, in the shape the inspection's findings table stores.

Every check (weighing test, price, re-weigh, anti-cheat) reports what it found as a ``Finding`` so
the wizard can list them together and the store can keep them: ``item_id`` is stable per kind of
problem ("metrology.proportional_error"), because the findings table holds one row per item and
an inspection's second weighing failure belongs to the same finding as its first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# fail: the scale breaks a metrology requirement; cheat: evidence of fraud (cheating function,
# manipulated price); note: information the inspector should see but that decides nothing.
SEVERITIES = ("fail", "cheat", "note")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    zh: str
    en: str
    rule: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def item_id(self) -> str:
        return f"metrology.{self.code}"

    @property
    def description(self) -> str:
        """Chinese first, English second — the one line shown in lists and printed on notices."""
        return f"{self.zh} / {self.en}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "code": self.code,
            "severity": self.severity,
            "description": self.description,
            "zh": self.zh,
            "en": self.en,
            "rule": self.rule,
            "data": self.data,
        }


def merge(findings: list[Finding]) -> list[Finding]:
    """One finding per code (the store keeps one row per item), descriptions joined in order."""
    merged: dict[str, Finding] = {}
    for f in findings:
        old = merged.get(f.code)
        if old is None:
            merged[f.code] = f
            continue
        severity = old.severity if SEVERITIES.index(old.severity) <= SEVERITIES.index(f.severity) else f.severity
        merged[f.code] = Finding(
            code=f.code, severity=severity, zh=f"{old.zh}；{f.zh}", en=f"{old.en}; {f.en}",
            rule=old.rule or f.rule, data={"items": old.data.get("items", [old.data]) + [f.data]},
        )
    return list(merged.values())
