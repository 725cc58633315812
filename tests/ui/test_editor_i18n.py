"""Every user-visible string of the editor has its Chinese translation (Chinese is the default)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "editor_zh_CN.ts"
SOURCES = [*sorted((ROOT / "ui" / "editor").glob("*.py")), ROOT / "ui/widgets/signature_pad.py",
           ROOT / "ui/widgets/photo_viewer.py"]


def catalogue() -> dict[str, str]:
    out = {}
    for msg in ET.parse(TS).getroot().iter("message"):
        tr = msg.find("translation")
        assert tr is not None and tr.get("type") != "unfinished", f"unfinished: {msg.findtext('source')}"
        forms = [f.text or "" for f in tr.iter("numerusform")]
        text = "".join(forms) if msg.get("numerus") == "yes" else (tr.text or "")
        out[msg.findtext("source") or ""] = text
    return out


def test_every_tr_string_of_the_editor_is_translated() -> None:
    known = catalogue()
    pattern = re.compile(r'\.tr\(\s*"((?:[^"\\]|\\.)*)"')
    seen = set()
    for path in SOURCES:
        for source in pattern.findall(path.read_text(encoding="utf-8")):
            seen.add(source)
            assert source in known, f"{path.name}: {source!r} has no Chinese translation " \
                                    "(run resources/i18n/update_translations.py --part editor)"
            assert known[source].strip(), source
    assert len(seen) > 80
    assert known["Signed — read-only"] == "已签署，只读"


def test_compiled_catalogue_is_shipped_next_to_the_source() -> None:
    qm = TS.with_suffix(".qm")
    assert qm.exists() and qm.stat().st_size > 1000
