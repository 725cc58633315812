"""What the editor knows about the open inspection, kept in memory so keys respond instantly.

The database is the truth (every change is written through at once); this mirror lets the
editor decide what to highlight, where "next unanswered" goes and what Ctrl+F finds without a
query per keystroke. Plain Python, no Qt: the logic is tested without widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from qcity_desktop.checklists.model import Answer, Item, Template
from qcity_desktop.checklists.rules.common import effective_result

MISSING_ANSWER = "answer"
MISSING_PHOTO = "photo"


@dataclass
class EditorState:
    template: Template
    answers: dict[str, Answer]
    photos: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # item_id → attachment rows
    status: str = "draft"
    lang: str = "zh"
    # the store's own judgement (Inspections.missing_required), so highlighting matches complete()
    missing_fn: Callable[[Template, dict[str, Answer], set[str]], list[Item]] | None = None

    def __post_init__(self) -> None:
        parents = {i.parent for i in self.template.items.values() if i.parent}
        self.rows: list[Item] = []  # every item in display order, parents included
        for section in self.template.sections:
            for item_id in section.item_ids:
                self.rows.append(self.template.items[item_id])
        self.parents = parents
        self.order: list[str] = [i.id for i in self.rows if i.id not in parents]  # what the cursor visits
        self._index = {item_id: n for n, item_id in enumerate(self.order)}

    # -- answers ---------------------------------------------------------------------------
    @property
    def editable(self) -> bool:
        return self.status != "signed"

    def is_parent(self, item_id: str) -> bool:
        return item_id in self.parents

    def set_answer(self, item_id: str, row: dict[str, Any] | None) -> None:
        """Mirror the answer row the store returned (None: the item is unanswered again)."""
        if not row:
            self.answers.pop(item_id, None)
            return
        import json
        from decimal import Decimal

        clauses = row.get("clauses")
        if isinstance(clauses, str):
            clauses = json.loads(clauses) if clauses else None
        deduction = row.get("deduction")
        self.answers[item_id] = Answer(item_id=item_id, result=row.get("result"), value=row.get("value"),
                                       deduction=None if deduction in (None, "") else Decimal(str(deduction)),
                                       clauses=clauses or None, note=row.get("note") or "")

    def answer(self, item_id: str) -> Answer | None:
        return self.answers.get(item_id)

    def with_note(self, item_id: str, note: str) -> Answer:
        current = self.answers.get(item_id) or Answer(item_id=item_id)
        return replace(current, note=note)

    def derived_result(self, item_id: str) -> str | None:
        """A parent item's result from its sub-items (what the report will print)."""
        return effective_result(self.template, self.template.items[item_id], self.answers)

    def photo_count(self, item_id: str) -> int:
        return len(self.photos.get(item_id, []))

    def photo_set(self) -> set[str]:
        return {k for k, v in self.photos.items() if v}

    # -- what is missing -------------------------------------------------------------------
    def missing(self) -> dict[str, str]:
        """item_id → what is missing (answer or photo), exactly as ``complete()`` will judge it."""
        if self.missing_fn is None:
            return {}
        out = {}
        photos = self.photo_set()
        for item in self.missing_fn(self.template, self.answers, photos):
            a = self.answers.get(item.id)
            answered = a is not None and (a.result is not None or bool(a.value))
            out[item.id] = MISSING_PHOTO if answered or not item.required else MISSING_ANSWER
        return out

    def answered_count(self) -> int:
        n = 0
        for item_id in self.order:
            a = self.answers.get(item_id)
            if a is not None and (a.result is not None or a.value or a.clauses or a.deduction is not None):
                n += 1
        return n

    def next_missing(self, after: str | None) -> str | None:
        """The next item (after ``after``, wrapping round) that blocks completion."""
        missing = self.missing()
        if not missing:
            return None
        start = self._index.get(after, -1) if after else -1
        n = len(self.order)
        for step in range(1, n + 1):
            item_id = self.order[(start + step) % n]
            if item_id in missing:
                return item_id
        return None

    # -- navigation ------------------------------------------------------------------------
    def index(self, item_id: str) -> int:
        return self._index[item_id]

    def neighbour(self, item_id: str | None, step: int) -> str | None:
        if not self.order:
            return None
        if item_id is None or item_id not in self._index:
            return self.order[0 if step > 0 else -1]
        n = self._index[item_id] + step
        return self.order[n] if 0 <= n < len(self.order) else None

    def find(self, text: str, after: str | None = None) -> list[str]:
        """Items whose id or title contains ``text`` (case-insensitive), starting after ``after``."""
        needle = text.strip().lower()
        if not needle:
            return []
        hits = []
        for item_id in self.order:
            item = self.template.items[item_id]
            titles = [item.label(self.lang), item.label("zh"), item.label("en")]
            if item.parent:
                parent = self.template.items.get(item.parent)
                if parent:
                    titles.append(parent.label(self.lang))
            if item_id.lower().startswith(needle) or any(needle in t.lower() for t in titles):
                hits.append(item_id)
        if after in self._index and hits:
            pos = self._index[after]
            later = [h for h in hits if self._index[h] > pos]
            earlier = [h for h in hits if self._index[h] <= pos]
            hits = later + earlier
        return hits
