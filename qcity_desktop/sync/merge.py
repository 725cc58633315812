"""The conflict rule for drafts and registry rows (docs/sync.md, "Conflicts").

Three-way: a field only one side changed since the common base takes that side's value, so two
inspectors who fix different fields of the same elevator both keep their fix. A field both sides
changed to different values goes to the later writer by hybrid logical clock, and is reported.
Without a base (the row was created on two devices) every differing field is such a conflict.
Pure functions, so the hub and the tests share exactly the same rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from qcity_desktop.sync.protocol import META_COLUMNS, hlc_key

_MISSING: Any = object()


@dataclass
class MergeResult:
    body: dict[str, Any] | None              # None: the row ends deleted
    local_won: list[str] = field(default_factory=list)    # conflicting fields that kept the device's value
    remote_won: list[str] = field(default_factory=list)   # conflicting fields that kept the hub's value
    merged_fields: list[str] = field(default_factory=list)  # fields taken from each side without conflict

    @property
    def conflicts(self) -> list[str]:
        return sorted(self.local_won + self.remote_won)


def three_way(base: dict[str, Any] | None, local: dict[str, Any] | None, remote: dict[str, Any] | None,
              local_stamp: tuple[str, str], remote_stamp: tuple[str, str]) -> MergeResult:
    """Merge the device's row (``local``) into the hub's (``remote``); ``None`` bodies are deletions.

    Stamps are ``hlc_key(hlc, device)`` tuples; the larger one is the later writer.
    """
    local_later = local_stamp > remote_stamp
    if local is None or remote is None:
        # A deletion against an edit: there are no fields to merge, the later writer decides.
        if local is None and remote is None:
            return MergeResult(None)
        winner = local if local_later else remote
        res = MergeResult(winner)
        (res.local_won if local_later else res.remote_won).append("*deleted*")
        return res
    base = base or {}
    has_base = bool(base)
    out: dict[str, Any] = {}
    res = MergeResult(out)
    for name in sorted(set(local) | set(remote)):
        lv = local.get(name, _MISSING)
        rv = remote.get(name, _MISSING)
        if name in META_COLUMNS:
            continue
        if lv == rv:
            out[name] = lv if lv is not _MISSING else rv
            continue
        bv = base.get(name, _MISSING) if has_base else _MISSING
        if lv is _MISSING:
            out[name] = rv
        elif rv is _MISSING:
            out[name] = lv
        elif has_base and lv == bv:
            out[name] = rv          # only the hub side changed it
            res.merged_fields.append(name)
        elif has_base and rv == bv:
            out[name] = lv          # only this device changed it
            res.merged_fields.append(name)
        elif isinstance(lv, dict) and isinstance(rv, dict):
            out[name], lw, rw, mf = _merge_set(bv if isinstance(bv, dict) else None, lv, rv, local_later)
            res.local_won += [f"{name}.{k}" for k in lw]
            res.remote_won += [f"{name}.{k}" for k in rw]
            res.merged_fields += [f"{name}.{k}" for k in mf]
        else:
            nested = _merge_json_text(bv if has_base else None, lv, rv, local_later)
            if nested is not None:
                out[name], lw, rw, mf = nested
                res.local_won += [f"{name}.{k}" for k in lw]
                res.remote_won += [f"{name}.{k}" for k in rw]
                res.merged_fields += [f"{name}.{k}" for k in mf]
            elif local_later:
                out[name] = lv
                res.local_won.append(name)
            else:
                out[name] = rv
                res.remote_won.append(name)
    _merge_meta(out, local, remote, local_later)
    return res


def _as_object(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, str) or not value.startswith("{"):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _merge_json_text(base: Any, local: Any, remote: Any, local_later: bool
                     ) -> tuple[str, list[str], list[str], list[str]] | None:
    """Merge a column holding a JSON object (a subject's ``data``) key by key, by the same rule.

    Without this, two inspectors fixing different fields of one elevator would each rewrite the
    whole ``data`` text and one fix would be lost.
    """
    lo, ro = _as_object(local), _as_object(remote)
    if lo is None or ro is None:
        return None
    bo = _as_object(base) if base is not None else None
    sub = three_way(bo, lo, ro, ("1", "") if local_later else ("0", ""), ("0", "") if local_later else ("1", ""))
    text = json.dumps(sub.body, ensure_ascii=False, sort_keys=True)   # the store's own style
    return text, sub.local_won, sub.remote_won, sub.merged_fields


def _merge_set(base: dict[str, Any] | None, local: dict[str, Any], remote: dict[str, Any], local_later: bool
               ) -> tuple[dict[str, Any], list[str], list[str], list[str]]:
    """Merge a packed set (an inspection's answers by item) member by member.

    Unlike columns, a member missing on one side was removed there (a cleared answer), so absence
    is a value: removed on one side and untouched on the other stays removed. A member both sides
    changed is merged field by field by the row rule; its row id (each device made its own for the
    same item) follows the later writer without being reported, since the item is what identifies it.
    """
    base = base or {}
    out: dict[str, Any] = {}
    lw: list[str] = []
    rw: list[str] = []
    mf: list[str] = []
    stamps = (("1", ""), ("0", "")) if local_later else (("0", ""), ("1", ""))
    for key in sorted(set(local) | set(remote) | set(base)):
        lv, rv, bv = local.get(key, _MISSING), remote.get(key, _MISSING), base.get(key, _MISSING)
        if lv == rv:
            value = lv
        elif lv == bv:
            value = rv
            mf.append(key)
        elif rv == bv:
            value = lv
            mf.append(key)
        elif isinstance(lv, dict) and isinstance(rv, dict):
            sub = three_way(_without_id(bv) if isinstance(bv, dict) else None, _without_id(lv), _without_id(rv), *stamps)
            value = dict(sub.body or {})
            row_id = lv.get("id") if local_later else rv.get("id")
            if row_id is not None:
                value["id"] = row_id
            lw += [f"{key}.{f}" for f in sub.local_won]
            rw += [f"{key}.{f}" for f in sub.remote_won]
            mf += [f"{key}.{f}" for f in sub.merged_fields]
        else:   # removed on one side, changed on the other (or not rows at all): the later writer decides
            value = lv if local_later else rv
            (lw if local_later else rw).append(key)
        if value is not _MISSING:
            out[key] = value
    return out, lw, rw, mf


def _without_id(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "id"}


def _merge_meta(out: dict[str, Any], local: dict[str, Any], remote: dict[str, Any], local_later: bool) -> None:
    newer, older = (local, remote) if local_later else (remote, local)
    if "created_at" in local or "created_at" in remote:
        values = [v for v in (local.get("created_at"), remote.get("created_at")) if v is not None]
        out["created_at"] = min(values, key=str) if values else None
    if "updated_at" in local or "updated_at" in remote:
        values = [v for v in (local.get("updated_at"), remote.get("updated_at")) if v is not None]
        out["updated_at"] = max(values, key=str) if values else None
    if "device_id" in newer or "device_id" in older:
        out["device_id"] = newer.get("device_id", older.get("device_id"))
    if "rev" in local or "rev" in remote:
        revs = [v for v in (local.get("rev"), remote.get("rev")) if isinstance(v, int)]
        out["rev"] = (max(revs) + 1) if revs else 1


def stamp(hlc: str, device: str) -> tuple[str, str]:
    return hlc_key(hlc, device)
