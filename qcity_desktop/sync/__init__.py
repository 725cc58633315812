"""Device side of sync with the bureau's hub: change tracking, push/pull, offline bundles (docs/sync.md)."""

from __future__ import annotations

from typing import Any


def pending_count(store: Any) -> dict[str, int]:
    """What the status bar shows: changes and photos not yet on the hub (``total`` is their sum)."""
    from qcity_desktop.store.sync_state import SyncState

    pending = SyncState(store).pending()
    return {"total": pending["changes"] + pending["blobs"], **pending}
