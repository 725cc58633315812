"""`qcity metrology …` through real processes, and the reference standards in a real store."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from qcity_desktop.cli.output import to_json
from qcity_desktop.errors import InputError, NotFoundError
from qcity_desktop.metrology import ReferenceInstrument, ScaleTestPlan, ScaleTestSession
from tests.helpers import cli_json, run_cli


def test_mpe_prints_the_band_and_json_has_decimal_strings() -> None:
    text = run_cli("metrology", "mpe", "--class", "III", "--e", "5g", "--load", "2.6kg", check=True).stdout
    assert "MPE = ±5 g" in text and "520 e" in text
    data = cli_json("metrology", "mpe", "--class", "III", "--e", "5g", "--load", "2.6kg", "--in-service")
    assert (data["mpe_g"], data["mpe_e"], data["stage"], data["band_e"]) == ("10", "2", "in_service", ["500", "2000"])


def test_error_prints_e_and_ec_by_the_change_point_method() -> None:
    text = run_cli("metrology", "error", "--e", "5g", "--load", "2000g", "--indication", "2000g", "--added", "1.5g",
                   "--zero-error", "0g", check=True).stdout
    assert "P = I + ½d − ΔL = 2000 g + 2.5 g − 1.5 g = 2001 g" in text
    assert "E = P − L = +1 g (0.2 e)" in text and "Ec = E − E0 = +1 g" in text
    data = cli_json("metrology", "error", "--e", "10kg", "--load", "20t", "--indication", "20000kg", "--added", "9kg",
                    "--class", "III")
    assert (data["error_g"], data["error_e"], data["passed"]) == ("-4000", "-0.4", True)


@pytest.mark.parametrize("args", [
    ("mpe", "--class", "III", "--e", "5g", "--load", "2.6"),               # no unit
    ("mpe", "--class", "III", "--e", "5g", "--load", "2.6lb"),             # unknown unit
    ("mpe", "--class", "V", "--e", "5g", "--load", "1kg"),                 # unknown class
    ("mpe", "--class", "III", "--e", "5g", "--load", "60kg"),              # beyond the class table
    ("mpe", "--class", "III", "--e", "3g", "--load", "1kg", "--max", "6kg"),
    ("error", "--e", "5g", "--load", "2kg", "--indication", "2kg", "--added", "7g"),
    ("error", "--e", "0g", "--load", "2kg", "--indication", "2kg"),
    ("mpe", "--class", "III", "--e", "5g", "--load", "1kg", "--stage", "weekly"),
])
def test_bad_values_give_one_line_and_a_nonzero_exit(args: tuple[str, ...]) -> None:
    proc = run_cli("metrology", *args)
    assert proc.returncode != 0 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qcity: error:") and "Traceback" not in proc.stderr


def test_price_and_reweigh_exit_1_on_a_finding() -> None:
    bad = run_cli("metrology", "price", "--weight", "0.74kg", "--unit-price", "0.18", "--amount", "0.14")
    assert bad.returncode == 1 and "×0.01" in bad.stdout
    good = cli_json("metrology", "price", "--weight", "0.74kg", "--unit-price", "18", "--amount", "13.32")
    assert good["passed"] and good["expected_cny"] == "13.32"
    short = run_cli("metrology", "reweigh", "--settled", "1kg", "--actual", "990g", "--category", "meat_etc")
    assert short.returncode == 1 and "短缺" in short.stdout


def test_plan_and_evaluate_round_trip(tmp_path: Path) -> None:
    plan = cli_json("metrology", "plan", "--class", "III", "--max", "15kg", "--e", "5g")
    assert plan["scale"]["n"] == "3000" and plan["stage"] == "in_service"
    assert [s["load_g"] for s in plan["steps"] if s["kind"] == "weighing"][:5] == ["100", "2500", "7500", "10000", "15000"]

    ws = ReferenceInstrument(kind="weight_set", name="M1", accuracy_class="M1", certificate_no="C-1",
                             expires=date(2020, 1, 1))
    session = ScaleTestSession(ScaleTestPlan.for_scale("III", D(15000), D(5), sections=("weighing",)),
                               references=[ws], day=date(2026, 3, 2))
    for step in session.plan.steps:
        session.record(step.id, step.load or D(0))
    path = tmp_path / "session.json"
    path.write_text(to_json(session.to_dict()), encoding="utf-8")
    out = cli_json("metrology", "evaluate", str(path))
    assert out["verdict"] is None and "C-1" in out["verdict_blocked"]
    bad = run_cli("metrology", "evaluate", "-", stdin="{not json")
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1


def test_references_in_the_store_with_expiry_and_renewal(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    ref_id = run_cli("metrology", "refs", "add", "--kind", "weight_set", "--name", "M1 砝码组 20 kg", "--class", "M1",
                     "--certificate", "JLZS-2025-0371", "--expires", "2026-03-01", "--issued-by", "咸宁市计量所",
                     db=db, check=True).stdout.strip()
    assert [r["id"] for r in cli_json("metrology", "refs", "list", "--valid-on", "2026-03-01", db=db)] == [ref_id]
    assert cli_json("metrology", "refs", "list", "--valid-on", "2026-03-02", db=db) == []
    cli_json("metrology", "refs", "renew", ref_id, "--certificate", "JLZS-2026-0102", "--expires", "2027-03-01", db=db)
    listed = cli_json("metrology", "refs", "list", "--valid-on", "2026-03-02", db=db)
    assert [(r["certificate_no"], r["issued_by"]) for r in listed] == [("JLZS-2026-0102", "咸宁市计量所")]
    bad = run_cli("metrology", "refs", "add", "--kind", "weight_set", "--name", "x", "--class", "M1",
                  "--certificate", "c", "--expires", "01/03/2026", db=db)
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr


def test_reference_repository_audits_and_soft_deletes(tmp_path: Path) -> None:
    from qcity_desktop.store import open_store
    from qcity_desktop.store.references import References

    store = open_store(tmp_path / "q.db")
    refs = References(store)
    scale = ReferenceInstrument(kind="reference_scale", name="参考秤 XK-1", accuracy_class="3",
                                certificate_no="R-9", expires=date(2026, 12, 31), data={"max_g": "30000", "e_g": "1"})
    refs.add(scale)
    got = refs.get(scale.id)
    assert (got.accuracy_class, got.data["e_g"]) == ("III", "1")
    with pytest.raises(InputError):
        refs.add(scale)
    refs.delete(scale.id)
    assert refs.list() == [] and [r.id for r in refs.list(include_deleted=True)] == [scale.id]
    actions = [e["action"] for e in store.audit.entries() if e["entity"] == "reference_instrument"]
    assert actions == ["add", "delete"]
    with pytest.raises(NotFoundError):
        refs.get("nope")
    row = store.query_one("SELECT rev, device_id FROM reference_instruments WHERE id = ?", (scale.id,))
    assert row is not None and row["rev"] == 2 and row["device_id"] == store.device_id
    assert json.loads(json.dumps(got.to_dict()))["expires"] == "2026-12-31"
