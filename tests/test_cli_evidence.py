"""Photos, signatures, remarks and findings from the command line, as the desktop records them."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

from PIL import Image

from tests.helpers import cli_json, run_cli


def _rotated_jpeg(path: Path) -> None:
    """A 400×200 landscape image stored sideways with EXIF orientation 6 (needs a 90° turn)."""
    img = Image.new("RGB", (200, 400), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 200, 40))
    exif = Image.Exif()
    exif[0x0112] = 6
    img.save(path, "JPEG", exif=exif)


def _draft_with_failure(db: Path) -> tuple[str, str]:
    from qcity_desktop.checklists.templates import get_template

    t = get_template("elevator-t7001-2009")
    answers = {i.id: {"result": "pass"} for i in t.leaves() if i.type == "result"}
    answers["2.5"] = {"result": "fail", "note": "机房照明不足"}
    doc = {"template": "elevator-t7001-2009", "inspector": "张伟", "answers": answers, "supervised_use": True,
           "subject": {"kind": "elevator", "name": "温泉花园小区3栋1号梯"}}
    iid = cli_json("inspections", "import", "-", "--complete", db=db, stdin=json.dumps(doc, ensure_ascii=False))["id"]
    finding = cli_json("findings", "list", "--inspection", iid, db=db)[0]["id"]
    return iid, finding


def test_attach_signature_remark_deadline_then_sign(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    iid, finding = _draft_with_failure(db)
    photo = tmp_path / "机房照明.jpg"
    _rotated_jpeg(photo)
    info = cli_json("inspections", "attach", iid, str(photo), "--item", "2.5", "--caption", "照明开关损坏", db=db)
    assert info["rotated"] is True and (info["width"], info["height"]) == (400, 200)
    again = cli_json("inspections", "attach", iid, str(photo), "--item", "2.5", db=db)
    assert again["id"] != info["id"]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM blobs WHERE mime = 'image/jpeg'").fetchone()[0] == 1
    stored = Image.open(io.BytesIO(conn.execute("SELECT data FROM blobs WHERE mime = 'image/jpeg'").fetchone()[0]))
    assert stored.size == (400, 200)

    sig = tmp_path / "sig.png"
    Image.new("RGBA", (120, 40), (0, 0, 0, 255)).save(sig)
    cli_json("inspections", "signature", iid, "--role", "representative", "--signer", "物业 王经理",
             "--image", str(sig), db=db)
    cli_json("inspections", "remark", iid, "使用单位承诺一周内整改", db=db)
    cli_json("findings", "deadline", finding, "2027-01-15", db=db)
    cli_json("inspections", "complete", iid, "--supervised-use", "yes", db=db)   # again: the agreed deadline stays
    cli_json("inspections", "sign", iid, "--inspector", "张伟", db=db)

    doc = cli_json("inspections", "show", iid, db=db)
    assert doc["remark"] == "使用单位承诺一周内整改"
    assert [(f["item_id"], f["deadline"]) for f in doc["findings"]] == [("2.5", "2027-01-15")]
    assert [(s["role"], s["signer"]) for s in doc["signatures"]] == [("representative", "物业 王经理")]
    assert [a["caption"] for a in doc["attachments"]] == ["照明开关损坏", ""]
    # signed: no more photos
    refused = run_cli("inspections", "attach", iid, str(photo), db=db)
    assert refused.returncode != 0 and "signed" in refused.stderr


def test_bad_evidence_input_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    iid, finding = _draft_with_failure(db)
    text = tmp_path / "notes.txt"
    text.write_text("not an image", encoding="utf-8")
    for args, word in [
        (("inspections", "attach", iid, str(text)), "notes.txt"),
        (("inspections", "attach", iid, str(tmp_path / "missing.jpg")), "missing.jpg"),
        (("inspections", "signature", iid, "--role", "inspector", "--signer", "张伟", "--image", str(text)), "PNG"),
        (("findings", "deadline", finding, "next week"), "next week"),
        (("findings", "close", finding, "--by", "no-such-inspection"), "no inspection"),
    ]:
        proc = run_cli(*args, db=db)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode != 0 and len(lines) == 1 and word in lines[0], (args, proc.stderr)
