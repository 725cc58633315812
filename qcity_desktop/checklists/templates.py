"""Loading and validating checklist templates (format: docs/templates.md).

Templates are data written by people from standards texts, so every mistake must point at the
file and the item: a loader that says only "KeyError: 'type'" would make template authors guess.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from qcity_desktop.checklists.model import DEFAULT_RESULTS, ITEM_TYPES, RESULTS, Item, Section, Template
from qcity_desktop.errors import InputError, NotFoundError

TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "templates"
KINDS = ("elevator", "scale", "site")


class TemplateError(InputError):
    """A template file is malformed; the message names the file and the item."""


def _text(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"zh": value, "en": value}
    if isinstance(value, dict) and isinstance(value.get("zh"), str):
        return {"zh": value["zh"], "en": str(value.get("en") or value["zh"])}
    raise TemplateError(f"{where}: title must be a string or {{zh, en}}")


def _decimal(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise TemplateError(f"{where}: {value!r} is not a number") from None


def _item(raw: Any, section_id: str, where: str) -> Item:
    if not isinstance(raw, dict):
        raise TemplateError(f"{where}: an item must be an object")
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not item_id:
        raise TemplateError(f"{where}: item without an id")
    here = f"{where.rsplit(':', 1)[0]}: item {item_id}"
    typ = raw.get("type", "result")
    if typ not in ITEM_TYPES:
        raise TemplateError(f"{here}: type {typ!r} is not one of {', '.join(ITEM_TYPES)}")
    results = tuple(raw.get("results", DEFAULT_RESULTS))
    bad = [r for r in results if r not in RESULTS]
    if bad:
        raise TemplateError(f"{here}: result {bad[0]!r} is not one of {', '.join(RESULTS)}")
    rng = raw.get("range")
    if rng is not None:
        if not (isinstance(rng, list) and len(rng) == 2):
            raise TemplateError(f"{here}: range must be [low, high]")
        rng = (_decimal(rng[0], here), _decimal(rng[1], here))
    choices = raw.get("choices", [])
    if typ == "choice" and not choices:
        raise TemplateError(f"{here}: a choice item needs choices")
    for c in choices:
        if not isinstance(c, dict) or "value" not in c:
            raise TemplateError(f"{here}: each choice needs a value")
    attrs = raw.get("attrs", {})
    if not isinstance(attrs, dict):
        raise TemplateError(f"{here}: attrs must be an object")
    return Item(
        id=item_id,
        title=_text(raw.get("title", item_id), here),
        type=typ,
        section_id=section_id,
        required=bool(raw.get("required", typ == "result")),
        results=results,
        unit=str(raw.get("unit", "")),
        min=None if raw.get("min") is None else _decimal(raw["min"], here),
        max=None if raw.get("max") is None else _decimal(raw["max"], here),
        range=rng,
        choices=tuple({k: str(v) for k, v in c.items()} for c in choices),
        photo_required=bool(raw.get("photo_required", False)),
        parent=raw.get("parent"),
        clause=str(raw.get("clause", "")),
        attrs=attrs,
    )


def parse_template(data: Any, name: str = "<template>") -> Template:
    """Validate a template's JSON data; raise TemplateError naming ``name`` and the item."""
    if not isinstance(data, dict):
        raise TemplateError(f"{name}: a template must be a JSON object")
    for key in ("id", "version", "kind", "title", "rule", "sections"):
        if key not in data:
            raise TemplateError(f"{name}: missing top-level key {key!r}")
    if data["kind"] not in KINDS:
        raise TemplateError(f"{name}: kind {data['kind']!r} is not one of {', '.join(KINDS)}")
    if not isinstance(data["version"], int) or data["version"] < 1:
        raise TemplateError(f"{name}: version must be a whole number ≥ 1")
    items: dict[str, Item] = {}
    sections: list[Section] = []
    seen_sections: set[str] = set()
    for s_index, raw_section in enumerate(data["sections"]):
        if not isinstance(raw_section, dict) or not raw_section.get("id"):
            raise TemplateError(f"{name}: section #{s_index + 1} has no id")
        sid = str(raw_section["id"])
        if sid in seen_sections:
            raise TemplateError(f"{name}: section {sid} appears twice")
        seen_sections.add(sid)
        ids = []
        for i_index, raw_item in enumerate(raw_section.get("items", [])):
            item = _item(raw_item, sid, f"{name}: section {sid} item #{i_index + 1}")
            if item.id in items:
                raise TemplateError(f"{name}: item {item.id}: id appears twice")
            items[item.id] = item
            ids.append(item.id)
        sections.append(
            Section(id=sid, title=_text(raw_section.get("title", sid), f"{name}: section {sid}"),
                    attrs=dict(raw_section.get("attrs", {})), item_ids=tuple(ids))
        )
    for item in items.values():
        if item.parent is not None and item.parent not in items:
            raise TemplateError(f"{name}: item {item.id}: parent {item.parent!r} does not exist")
    template = Template(
        id=str(data["id"]),
        version=data["version"],
        kind=data["kind"],
        title=_text(data["title"], name),
        standard=str(data.get("standard", "")),
        rule=str(data["rule"]),
        params=dict(data.get("params", {})),
        sections=tuple(sections),
        items=items,
        sources=tuple(data.get("sources", [])),
        confidence=str(data.get("confidence", "T")),
        configurable=tuple(data.get("configurable", [])),
        path=name,
    )
    from qcity_desktop.checklists.rules import get_rule

    try:
        get_rule(template.rule)
    except InputError as err:
        raise TemplateError(f"{name}: {err}") from None
    return template


def load_template_file(path: Path) -> Template:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise TemplateError(f"{path.name}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    except OSError as err:
        raise TemplateError(f"{path}: cannot read ({err.strerror})") from None
    return parse_template(data, path.name)


@lru_cache(maxsize=1)
def _bundled() -> dict[str, Template]:
    found: dict[str, Template] = {}
    for path in sorted(TEMPLATE_DIR.glob("*.json")):
        t = load_template_file(path)
        found[t.key] = t
    return found


def all_templates(extra: dict[str, Template] | None = None) -> list[Template]:
    """Every known template version, bundled files plus any delivered by the hub."""
    merged = dict(_bundled())
    if extra:
        merged.update(extra)
    return sorted(merged.values(), key=lambda t: (t.kind, t.id, t.version))


def latest_templates(extra: dict[str, Template] | None = None) -> list[Template]:
    latest: dict[str, Template] = {}
    for t in all_templates(extra):
        if t.id not in latest or t.version > latest[t.id].version:
            latest[t.id] = t
    return list(latest.values())


def get_template(template_id: str, version: int | None = None, extra: dict[str, Template] | None = None) -> Template:
    """The named template (the newest version unless ``version`` is given)."""
    candidates = [t for t in all_templates(extra) if t.id == template_id]
    if version is not None:
        candidates = [t for t in candidates if t.version == version]
    if not candidates:
        known = ", ".join(sorted({t.id for t in all_templates(extra)}))
        what = f"{template_id} version {version}" if version is not None else template_id
        raise NotFoundError(f"unknown template {what}; known templates: {known}")
    return max(candidates, key=lambda t: t.version)


def template_items_json(t: Template) -> list[dict[str, Any]]:
    """Every item with the attributes the rules use, for ``qcity templates show --json``."""
    out = []
    for section in t.sections:
        for item_id in section.item_ids:
            item = t.items[item_id]
            entry: dict[str, Any] = {
                "id": item.id,
                "title": item.title,
                "type": item.type,
                "section": section.id,
                "section_title": section.title,
                "required": item.required,
            }
            if item.type == "result":
                entry["results"] = list(item.results)
            for key in ("unit", "clause", "parent"):
                if getattr(item, key):
                    entry[key] = getattr(item, key)
            for key in ("min", "max"):
                if getattr(item, key) is not None:
                    entry[key] = str(getattr(item, key))
            if item.range:
                entry["range"] = [str(item.range[0]), str(item.range[1])]
            if item.choices:
                entry["choices"] = list(item.choices)
            if item.photo_required:
                entry["photo_required"] = True
            merged = {**section.attrs, **item.attrs}
            for key in ("category", "subtable"):
                if key in section.attrs:
                    entry[key] = section.attrs[key]
            entry.update({k: v for k, v in item.attrs.items()})
            entry.setdefault("attrs", merged)
            out.append(entry)
    return out
