"""Refresh the checklist editor's translation catalogues (editor_zh_CN.ts/.qm, editor_en.ts/.qm).

    .venv/bin/python resources/i18n/update_editor_translations.py [--fill translations.json] [--check]

The editor ships its own catalogue next to the shell's (ui/i18n.py loads every ``*_<lang>.qm``),
so the two parts never edit the same file. Same steps and options as update_translations.py,
whose helpers this reuses: extract with pyside6-lupdate, optionally fill, compile with
pyside6-lrelease; ``--check`` fails while a Chinese entry is unfinished.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import update_translations as base  # noqa: E402 - the shell's script, next to this one

EDITOR_FILES = ["ui/editor/*.py", "ui/widgets/signature_pad.py", "ui/widgets/photo_viewer.py"]
ZH = HERE / "editor_zh_CN.ts"
EN = HERE / "editor_en.ts"


def editor_sources() -> list[str]:
    out: list[str] = []
    for pattern in EDITOR_FILES:
        out += sorted(str(p.relative_to(base.ROOT)) for p in base.ROOT.glob(pattern) if p.name != "__init__.py")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill", type=Path, help="JSON {source or 'Context|source': translation}")
    parser.add_argument("--check", action="store_true", help="fail if a Chinese entry is unfinished")
    args = parser.parse_args()
    files = editor_sources()
    lupdate = str(base.BIN / "pyside6-lupdate")
    base.run(lupdate, *files, "-no-obsolete", "-locations", "none", "-ts", str(ZH))
    base.run(lupdate, *files, "-no-obsolete", "-locations", "none", "-pluralonly", "-ts", str(EN))
    if args.fill:
        table = json.loads(args.fill.read_text(encoding="utf-8"))
        print(f"filled {base.fill(ZH, table)} Chinese entries")
    plurals = {s.split("|", 1)[1]: base.english_plural(s.split("|", 1)[1]) for s in base.unfinished(EN)}
    if plurals:
        print(f"filled {base.fill(EN, plurals)} English plural entries")
    for ts in (ZH, EN):
        base.run(str(base.BIN / "pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm")))
    missing = base.unfinished(ZH)
    for entry in missing:
        print("untranslated:", entry)
    return 1 if (args.check and missing) else 0


if __name__ == "__main__":
    sys.exit(main())
