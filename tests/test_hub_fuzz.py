"""A schema-driven fuzz of the hub API (schemathesis): whatever a client sends, never a 500.

Bounded examples per operation so it stays well under a minute; the hub runs as a real process
and is called over HTTP with a supervisor's token, so requests get past authentication and
reach the code that parses pushes, blobs and cursors.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from test_sync_support import HubProcess


@pytest.fixture(scope="module")
def fuzz_hub(tmp_path_factory: pytest.TempPathFactory):
    proc = HubProcess(Path(tmp_path_factory.mktemp("fuzz")) / "hub")
    proc.start()
    token = proc.add_user("sue", "supervisor")
    httpx.post(f"{proc.url}/v1/hello", json={"device_id": "fuzz-device"},
               headers={"Authorization": f"Bearer {token}"}).raise_for_status()
    proc.token = token
    yield proc
    proc.stop()
    assert "Traceback" not in proc.log.read_text(errors="replace"), "the hub logged an exception"


def _operations(hub: HubProcess) -> list:
    api = schemathesis.openapi.from_url(f"{hub.url}/openapi.json")
    return [result.ok() for result in api.get_all_operations()]


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_no_request_makes_the_hub_fail(fuzz_hub: HubProcess, mode: str) -> None:
    """Every operation, valid-looking and deliberately broken requests alike: 4xx at worst, never 5xx."""
    from schemathesis import GenerationMode

    generation = GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE
    auth = {"Authorization": f"Bearer {fuzz_hub.token}"}
    failures: list[str] = []
    calls = 0
    for operation in _operations(fuzz_hub):
        strategy = operation.as_strategy(generation_mode=generation)

        @given(case=strategy)
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def run(case) -> None:
            nonlocal calls
            calls += 1
            # Half the time, speak as the enrolled device so pushes and pulls reach the real work.
            if calls % 2 and isinstance(case.body, dict) and "device_id" in case.body:
                case.body["device_id"] = "fuzz-device"
            if calls % 2 and isinstance(case.query, dict) and "device" in case.query:
                case.query["device"] = "fuzz-device"
            response = case.call(headers=auth, timeout=20)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}")

        try:
            run()
        except Unsatisfiable:
            pass   # nothing in this operation can be made invalid (e.g. a GET without parameters)
    assert calls > 50
    assert failures == []


def test_the_openapi_spec_is_served_and_names_every_route(fuzz_hub: HubProcess) -> None:
    spec = httpx.get(f"{fuzz_hub.url}/openapi.json").json()
    assert {"/v1/push", "/v1/changes", "/v1/blobs/{sha256}", "/v1/blobs/missing", "/v1/hello", "/v1/health",
            "/v1/bundles"} <= set(spec["paths"])
    assert httpx.get(f"{fuzz_hub.url}/docs").status_code == 200
