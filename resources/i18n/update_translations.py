"""Refresh the desktop shell's translation catalogues: extract, (optionally) fill, compile.

    .venv/bin/python resources/i18n/update_translations.py [--fill translations.json] [--check]

1. ``pyside6-lupdate`` extracts every tr()/translate() string of the shell's files into
   ``qcity_zh_CN.ts`` (keeping existing translations) and the plural forms into ``qcity_en.ts``
   (source strings are English, so English needs only its plural forms).
2. ``--fill`` takes a JSON object {source: translation} or {"Context|source": translation}
   and fills entries still marked unfinished (a bootstrap aid; Qt Linguist is the normal tool).
3. ``pyside6-lrelease`` compiles both to ``.qm``, which the app loads (ui/i18n.py).
``--check`` exits 1 if any Chinese entry is unfinished, so a new string cannot ship untranslated.

Other parts of the UI ship their own ``<part>_zh_CN.ts/.qm`` next to these; ui/i18n.py loads all.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
SHELL_FILES = ["ui/app.py", "ui/context.py", "ui/errors.py", "ui/labels.py", "ui/main_window.py", "ui/workers.py",
               "ui/models/*.py", "ui/pages/*.py"]
ZH = HERE / "qcity_zh_CN.ts"
EN = HERE / "qcity_en.ts"


def shell_sources() -> list[str]:
    out: list[str] = []
    for pattern in SHELL_FILES:
        out += sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(pattern) if p.name != "__init__.py")
    return out


def run(*args: str) -> None:
    subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def unfinished(ts: Path) -> list[str]:
    tree = ET.parse(ts)
    missing = []
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            if tr is not None and tr.get("type") == "unfinished":
                missing.append(f"{name}|{msg.findtext('source')}")
    return missing


def fill(ts: Path, table: dict[str, object], english_plurals: bool = False) -> int:
    tree = ET.parse(ts)
    filled = 0
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            source = msg.findtext("source") or ""
            if tr is None or tr.get("type") != "unfinished":
                continue
            value = table.get(f"{name}|{source}", table.get(source))
            if value is None:
                continue
            if msg.get("numerus") == "yes":
                forms = value if isinstance(value, list) else [value]
                for child in list(tr):
                    tr.remove(child)
                for form in forms:
                    ET.SubElement(tr, "numerusform").text = str(form)
            else:
                tr.text = str(value)
            del tr.attrib["type"]
            filled += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    text = ts.read_text(encoding="utf-8").replace("<?xml version='1.0' encoding='utf-8'?>",
                                                  '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>')
    ts.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return filled


def english_plural(source: str) -> list[str]:
    """'%n inspection(s)' → ['%n inspection', '%n inspections'] for the English catalogue."""
    one = source.replace("(s)", "").replace("(es)", "")
    many = source.replace("(s)", "s").replace("(es)", "es")
    return [one, many]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill", type=Path, help="JSON {source or 'Context|source': translation}")
    parser.add_argument("--check", action="store_true", help="fail if a Chinese entry is unfinished")
    args = parser.parse_args()
    files = shell_sources()
    run(str(BIN / "pyside6-lupdate"), *files, "-no-obsolete", "-locations", "none", "-ts", str(ZH))
    run(str(BIN / "pyside6-lupdate"), *files, "-no-obsolete", "-locations", "none", "-pluralonly", "-ts", str(EN))
    if args.fill:
        table = json.loads(args.fill.read_text(encoding="utf-8"))
        print(f"filled {fill(ZH, table)} Chinese entries")
    plural_sources = {s.split("|", 1)[1]: english_plural(s.split("|", 1)[1]) for s in unfinished(EN)}
    if plural_sources:
        print(f"filled {fill(EN, plural_sources)} English plural entries")
    for ts in (ZH, EN):
        run(str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm")))
    missing = unfinished(ZH)
    for entry in missing:
        print("untranslated:", entry)
    return 1 if (args.check and missing) else 0


if __name__ == "__main__":
    sys.exit(main())
