"""Refresh the UI's translation catalogues: extract, (optionally) fill, compile.

    .venv/bin/python resources/i18n/update_translations.py [--part qcity|editor|scale_wizard|all]
                                                           [--fill translations.json] [--check]

Each part of the UI (the shell, the checklist editor, the scale wizard) has its own catalogue
``<part>_zh_CN.ts`` so people working on different parts never edit the same file; ui/i18n.py
loads every ``*_<lang>.qm``.
1. ``pyside6-lupdate`` extracts every tr()/translate() string of the part's files into
   ``<part>_zh_CN.ts`` (keeping existing translations) and, for parts with plural strings, the
   plural forms into ``<part>_en.ts`` (source strings are English, so English needs only those).
2. ``--fill`` takes a JSON object {source: translation} or {"Context|source": translation}
   and fills entries still marked unfinished (a bootstrap aid; Qt Linguist is the normal tool).
3. ``pyside6-lrelease`` compiles both to ``.qm``, which the app loads (ui/i18n.py).
``--check`` exits 1 if any Chinese entry is unfinished, so a new string cannot ship untranslated.

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
# part → (source files, has an English plural catalogue)
PARTS: dict[str, tuple[list[str], bool]] = {
    "qcity": (SHELL_FILES, True),
    "editor": (["ui/editor/*.py", "ui/widgets/signature_pad.py", "ui/widgets/photo_viewer.py"], True),
    "scale_wizard": (["ui/scale_wizard/*.py"], False),
}
ZH = HERE / "qcity_zh_CN.ts"
EN = HERE / "qcity_en.ts"


def sources(part: str = "qcity") -> list[str]:
    out: list[str] = []
    for pattern in PARTS[part][0]:
        out += sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(pattern) if p.name != "__init__.py")
    return out


def shell_sources() -> list[str]:
    return sources("qcity")


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


def update_part(part: str, fill_table: dict[str, object] | None) -> list[str]:
    """Extract, fill and compile one part's catalogues; returns its untranslated Chinese entries."""
    files, plurals = PARTS[part]
    zh, en = HERE / f"{part}_zh_CN.ts", HERE / f"{part}_en.ts"
    files = sources(part)
    lupdate = str(BIN / "pyside6-lupdate")
    run(lupdate, *files, "-no-obsolete", "-locations", "none", "-ts", str(zh))
    if plurals:
        run(lupdate, *files, "-no-obsolete", "-locations", "none", "-pluralonly", "-ts", str(en))
    if fill_table:
        print(f"{part}: filled {fill(zh, fill_table)} Chinese entries")
    catalogues = [zh]
    if plurals:
        plural_sources = {s.split("|", 1)[1]: english_plural(s.split("|", 1)[1]) for s in unfinished(en)}
        if plural_sources:
            print(f"{part}: filled {fill(en, plural_sources)} English plural entries")
        catalogues.append(en)
    for ts in catalogues:
        run(str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm")))
    return unfinished(zh)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=[*PARTS, "all"], default="all")
    parser.add_argument("--fill", type=Path, help="JSON {source or 'Context|source': translation}")
    parser.add_argument("--check", action="store_true", help="fail if a Chinese entry is unfinished")
    args = parser.parse_args()
    table = json.loads(args.fill.read_text(encoding="utf-8")) if args.fill else None
    missing: list[str] = []
    for part in (PARTS if args.part == "all" else [args.part]):
        missing += [f"{part}: {entry}" for entry in update_part(part, table)]
    for entry in missing:
        print("untranslated:", entry)
    return 1 if (args.check and missing) else 0


if __name__ == "__main__":
    sys.exit(main())
