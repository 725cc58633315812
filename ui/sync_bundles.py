"""The Sync page's offline bundles: export this device's changes, import the hub's, without a network.

Kept apart from the page: these run on a worker thread with their own database connection and
return plain figures; the page turns them into its own words and shows errors like a sync's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from qcity_desktop.errors import InputError


def default_bundle_name() -> str:
    return f"qcity-离线包-{date.today():%Y%m%d}.zip"


def token_for(typed: str, hub: str) -> str:
    """The token the user typed, or the one stored for this hub; a clear error when there is none."""
    from qcity_desktop.sync.credentials import load_token

    token = typed.strip() or (load_token(hub) if hub else None)
    if not token:
        raise InputError("no hub token: paste the enrolment token from the bureau")
    return token


def export_to(store_path: str, target: Path, token: str) -> dict[str, Any]:
    """This device's pending changes and photos, signed, into ``target`` (for the hub at the office)."""
    from qcity_desktop.store import open_store
    from qcity_desktop.sync.bundle import export_bundle

    store = open_store(store_path)
    try:
        return export_bundle(store, target, token)
    finally:
        store.close()


def import_from(store_path: str, source: Path, token: str) -> dict[str, Any]:
    """A hub's bundle (registry, templates, own inspections) applied to this device as a pull would."""
    from qcity_desktop.store import open_store
    from qcity_desktop.sync.bundle_pull import import_into_device

    if not source.is_file():
        raise InputError(f"no bundle file {source}")
    store = open_store(store_path)
    try:
        return import_into_device(store, source, token)
    finally:
        store.close()
