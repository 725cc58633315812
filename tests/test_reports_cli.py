"""`qcity report` and `qcity verify` on a real demo database, as an inspector would run them."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from pypdf import PdfReader

from qcity_desktop.cli import main
from qcity_desktop.store import open_store

ROOT = Path(__file__).resolve().parent.parent
needs_render = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports-cli") / "demo.db"
    assert main(["--db", str(path), "init", "--demo"]) == 0
    return path


def _one(db: Path, sql: str) -> str:
    store = open_store(str(db))
    row = store.conn.execute(sql).fetchone()
    assert row, sql
    return row[0]


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_document_of_a_signed_failed_inspection(demo_db: Path, tmp_path: Path, capsys) -> None:
    iid = _one(demo_db, "SELECT i.id FROM inspections i JOIN findings f ON f.inspection_id = i.id "
                       "WHERE i.status = 'signed' AND i.kind = 'elevator' LIMIT 1")
    store = open_store(str(demo_db))
    doc = store.inspections.document(iid)
    for kind in ("report", "certificate", "notice"):
        out = tmp_path / f"{kind}.pdf"
        code, stdout, err = _run(capsys, "--db", str(demo_db), "report", iid, "--kind", kind, "--out", str(out), "--json")
        assert code == 0, err
        info = json.loads(stdout)
        assert info["file"] == str(out) and info["pages"] == len(PdfReader(out).pages) >= 1
        text = _flat(extract_text(str(out)))
        assert _flat(doc["subject"]["name"]) in text
    report_text = _flat(extract_text(str(tmp_path / "report.pdf")))
    assert doc["report_no"] in report_text and "—报告完毕—" in report_text
    for finding in doc["findings"]:
        assert _flat(finding["description"])[:20] in report_text
    notice_text = _flat(extract_text(str(tmp_path / "notice.pdf")))
    notice_no = _one(demo_db, f"SELECT number FROM issued_numbers WHERE inspection_id = '{iid}' AND kind = 'notice'")
    assert "整改通知书" in notice_text and notice_no in notice_text
    assert len(PdfReader(tmp_path / "certificate.pdf").pages) == 1


def test_report_by_number_english_a5(demo_db: Path, tmp_path: Path, capsys) -> None:
    number = _one(demo_db, "SELECT certificate_no FROM inspections WHERE status = 'signed' LIMIT 1")
    out = tmp_path / "cert.pdf"
    code, stdout, err = _run(capsys, "--db", str(demo_db), "report", number, "--kind", "certificate", "--out", str(out),
                             "--lang", "en", "--paper", "a5")
    assert code == 0, err
    assert "wrote" in stdout
    box = PdfReader(out).pages[0].mediabox
    assert round(float(box.width)) == 420
    assert "InspectionCertificate" in _flat(extract_text(str(out))) and number in _flat(extract_text(str(out)))


def test_certificate_of_unsigned_inspection_is_a_one_line_error(demo_db: Path, tmp_path: Path, capsys) -> None:
    iid = _one(demo_db, "SELECT id FROM inspections WHERE status != 'signed' LIMIT 1")
    out = tmp_path / "x.pdf"
    code, stdout, err = _run(capsys, "--db", str(demo_db), "report", iid, "--kind", "certificate", "--out", str(out))
    assert code == 2 and not out.exists()
    assert err.strip().count("\n") == 0 and "not signed" in err and "Traceback" not in err


def test_unknown_id_and_unwritable_output(demo_db: Path, tmp_path: Path, capsys) -> None:
    code, _, err = _run(capsys, "--db", str(demo_db), "report", "nope", "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "no inspection 'nope'" in err
    iid = _one(demo_db, "SELECT id FROM inspections WHERE status = 'signed' LIMIT 1")
    code, _, err = _run(capsys, "--db", str(demo_db), "report", iid, "--out", str(tmp_path))
    assert code == 2 and "is a folder" in err


def test_scale_record_from_store_measurements(demo_db: Path, tmp_path: Path, capsys) -> None:
    store = open_store(str(demo_db))
    iid = _one(demo_db, "SELECT id FROM inspections WHERE status = 'draft' AND kind = 'scale' LIMIT 1")
    for seq, (load, ind) in enumerate([("1000", "1000"), ("5000", "5005"), ("15000", "15010")], 1):
        store.measurements.add(iid, "weighing", seq=seq, load=load, indication=ind,
                               error=str(int(ind) - int(load)), mpe="10", unit="g", passed=True)
    for seq, ind in enumerate(["10000", "10005", "10000"], 1):
        store.measurements.add(iid, "repeatability", seq=seq, load="10000", indication=ind,
                               error=str(int(ind) - 10000), mpe="10", unit="g", passed=True)
    out = tmp_path / "scale.pdf"
    code, _, err = _run(capsys, "--db", str(demo_db), "report", iid, "--kind", "scale-record", "--out", str(out))
    assert code == 0, err
    text = _flat(extract_text(str(out)))
    assert "计量器具检查记录" in text and "15010" in text and "重复性极差5g（允许10g）" in text
    assert "草稿" in text  # not signed yet


@needs_render
def test_verify_file_and_payload(demo_db: Path, tmp_path: Path, capsys) -> None:
    iid = _one(demo_db, "SELECT id FROM inspections WHERE status = 'signed' LIMIT 1")
    cert = tmp_path / "cert.pdf"
    assert main(["--db", str(demo_db), "report", iid, "--kind", "certificate", "--out", str(cert)]) == 0
    capsys.readouterr()
    code, stdout, _ = _run(capsys, "verify", str(cert))
    assert code == 0 and stdout.startswith("有效 VALID") and "[ok] QR decoded from the rendered page" in stdout
    code, stdout, _ = _run(capsys, "verify", str(cert), "--json")
    info = json.loads(stdout)
    store = open_store(str(demo_db))
    row = store.conn.execute("SELECT certificate_no, content_hash FROM inspections WHERE id = ?", (iid,)).fetchone()
    assert info["valid"] and info["fields"]["certificate_no"] == row[0] and info["fields"]["hash_hex"] == row[1]
    payload = info["payload"]
    code, stdout, _ = _run(capsys, "verify", "--payload", payload)
    assert code == 0 and "有效" in stdout
    tampered = payload.replace(row[0], row[0][:-1] + ("9" if row[0][-1] != "9" else "8"))
    code, stdout, _ = _run(capsys, "verify", "--payload", tampered)
    assert code == 1 and stdout.startswith("无效 INVALID") and "签名不符" in stdout
    code, stdout, _ = _run(capsys, "verify", str(cert), "--strict")
    assert code == 1 and "演示密钥" in stdout
    code, _, err = _run(capsys, "verify")
    assert code == 2 and "either a PDF file or --payload" in err


def test_verify_payload_from_stdin_in_a_real_process(tmp_path: Path) -> None:
    """The exit code a shell script sees, with the payload piped in."""
    from qcity_desktop.reports.sample import sample_document
    from qcity_desktop.reports.signing import certificate_payload

    payload = certificate_payload(sample_document(items=3, photos=0)[0])
    ok = subprocess.run([sys.executable, "-m", "qcity_desktop", "verify", "--payload", "-"], input=payload + "\n",
                        capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([sys.executable, "-m", "qcity_desktop", "verify", "--payload", "-", "--json"],
                         input=payload[:-2] + "xx", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert bad.returncode == 1 and json.loads(bad.stdout)["valid"] is False


def test_report_pdf_is_readable_by_pypdf_with_chinese_metadata(demo_db: Path, tmp_path: Path) -> None:
    iid = _one(demo_db, "SELECT id FROM inspections WHERE status = 'signed' AND kind = 'site' LIMIT 1")
    out = tmp_path / "site.pdf"
    assert main(["--db", str(demo_db), "report", iid, "--out", str(out)]) == 0
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert reader.metadata.title.startswith("检验报告")
    text = _flat("".join(p.extract_text() for p in reader.pages))
    assert "检验报告" in text and "报告完毕" in text
