"""Registry of scale protocols: every module in this package that defines a ``Decoder`` subclass
with a ``name`` is a protocol. Adding a protocol is one new module; nothing else is edited.
"""

from __future__ import annotations

import importlib
import pkgutil

from qcity_desktop.devices.errors import UnknownProtocol
from qcity_desktop.devices.protocols.base import Decoder

_REGISTRY: dict[str, type[Decoder]] | None = None


def _discover() -> dict[str, type[Decoder]]:
    found: dict[str, type[Decoder]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for obj in vars(module).values():
            if (isinstance(obj, type) and issubclass(obj, Decoder) and obj is not Decoder
                    and obj.__module__ == module.__name__ and obj.name):
                if obj.name in found:
                    raise RuntimeError(f"two decoders are named {obj.name!r}")
                found[obj.name] = obj
    return found


def decoders() -> dict[str, type[Decoder]]:
    """All protocols by name, in a stable order (streaming ones first, then polled ones)."""
    global _REGISTRY
    if _REGISTRY is None:
        found = _discover()
        _REGISTRY = dict(sorted(found.items(), key=lambda kv: (kv[1].polled, kv[0])))
    return dict(_REGISTRY)


def protocol_names() -> list[str]:
    return list(decoders())


def get_decoder(name: str) -> type[Decoder]:
    """The decoder class for ``name``; an unknown name is a one-line input error listing the known ones."""
    registry = decoders()
    key = (name or "").strip().lower().replace("_", "-")
    aliases = {"mtsics": "mt-sics", "sics": "mt-sics", "and": "ad", "a&d": "ad", "st-gs": "ad", "os2": "aclas"}
    key = aliases.get(key, key)
    try:
        return registry[key]
    except KeyError:
        raise UnknownProtocol(
            f"未知协议 unknown scale protocol {name!r} (known: auto, {', '.join(registry)})"
        ) from None
