"""A finding closed by its re-inspection after the inspection was signed: it reaches the hub and every device.

Closing is follow-up, not signed evidence (the signature's content leaves findings out), so it must
sync; anything else about a signed inspection's finding stays refused. Real hub process over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_stats import inspect, scale
from test_sync_support import BACKENDS, HubProcess, hub_on

from qcity_desktop.store import open_store
from qcity_desktop.sync.engine import sync


@pytest.fixture(params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HubProcess]:
    yield from hub_on(request.param, tmp_path)


def _finding(store, iid: str) -> dict:
    [f] = store.findings.for_inspection(iid)
    return f


def test_closing_a_finding_after_signing_syncs_both_ways(hub: HubProcess, tmp_path: Path) -> None:
    ann, sue = hub.add_user("ann", "inspector"), hub.add_user("sue", "supervisor")
    a, early = open_store(tmp_path / "a.db"), open_store(tmp_path / "early.db")
    sid = scale(a, "A 王记鲜肉", "咸安区")
    failed = inspect(a, sid, "2026-10-08", fail=True)
    assert sync(a, hub.url, ann).refused == 0
    assert sync(early, hub.url, sue).waiting == 0
    assert _finding(early, failed)["status"] == "open"          # this supervisor saw it open, signed

    again = inspect(a, sid, "2026-10-15", fail=False, reinspection_of=failed)   # signing it closes the finding
    assert (_finding(a, failed)["status"], _finding(a, failed)["closed_by"]) == ("closed", again)
    res = sync(a, hub.url, ann)
    assert res.refused == 0 and not res.conflicts, res.conflicts
    hub_row = hub.rows()[("findings", _finding(a, failed)["id"])]
    assert (hub_row["status"], hub_row["closed_by"]) == ("closed", again)

    # a device that already holds the signed inspection takes the closure; a new one gets it in order
    got = sync(early, hub.url, sue)
    assert got.waiting == 0 and not got.conflicts, got.conflicts
    assert (_finding(early, failed)["status"], _finding(early, failed)["closed_by"]) == ("closed", again)
    fresh = open_store(tmp_path / "fresh.db")
    got = sync(fresh, hub.url, sue)
    assert got.waiting == 0, "the failed inspection, its re-inspection and the closed finding all applied"
    assert (_finding(fresh, failed)["status"], _finding(fresh, failed)["closed_by"]) == ("closed", again)
    assert fresh.inspections.row(again)["reinspection_of"] == failed
    for store in (early, fresh):   # the signed evidence is untouched by the closure
        assert store.inspections.content_hash(failed) == store.inspections.row(failed)["content_hash"]


def test_other_changes_to_a_signed_inspections_finding_are_refused(hub: HubProcess, tmp_path: Path) -> None:
    ann = hub.add_user("ann", "inspector")
    a = open_store(tmp_path / "a.db")
    failed = inspect(a, scale(a, "B 李家水产", "咸安区"), "2026-10-09", fail=True)
    assert sync(a, hub.url, ann).refused == 0
    finding = _finding(a, failed)
    # a tool editing the database behind the app's back rewrites the finding's text, and "closes" it
    a.update("findings", finding["id"], {"description": "已整改（改写）", "status": "closed", "closed_by": failed})
    res = sync(a, hub.url, ann)
    assert res.refused == 1 and res.conflicts[0]["table"] == "findings"
    assert hub.rows()[("findings", finding["id"])]["description"] == finding["description"]
