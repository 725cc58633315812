"""Canonical JSON and hashes: the form a signed inspection is hashed in.

Signatures and the audit chain compare hashes computed years apart, possibly on other
machines, so the serialisation must not depend on dict order, float formatting or locale.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    raise TypeError(f"cannot canonicalise {type(obj).__name__}")


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def canonical_hash(data: Any) -> str:
    return sha256_hex(canonical_json(data))
