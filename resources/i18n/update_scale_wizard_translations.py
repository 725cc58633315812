"""Refresh the scale wizard's translation catalogue (scale_wizard_zh_CN.ts/.qm).

    .venv/bin/python resources/i18n/update_scale_wizard_translations.py [--fill translations.json] [--check]

The wizard ships its own catalogue next to the shell's and the editor's (ui/i18n.py loads every
``*_<lang>.qm``), so parallel work never edits the same file. Same steps as update_translations.py,
whose helpers this reuses: extract with pyside6-lupdate, optionally fill, compile with
pyside6-lrelease; ``--check`` fails while a Chinese entry is unfinished. The wizard has no plural
strings, so it needs no English catalogue (source strings are English).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import update_translations as base  # noqa: E402 - the shell's script, next to this one

WIZARD_FILES = ["ui/scale_wizard/*.py"]
ZH = HERE / "scale_wizard_zh_CN.ts"


def wizard_sources() -> list[str]:
    out: list[str] = []
    for pattern in WIZARD_FILES:
        out += sorted(str(p.relative_to(base.ROOT)) for p in base.ROOT.glob(pattern) if p.name != "__init__.py")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill", type=Path, help="JSON {source or 'Context|source': translation}")
    parser.add_argument("--check", action="store_true", help="fail if a Chinese entry is unfinished")
    args = parser.parse_args()
    base.run(str(base.BIN / "pyside6-lupdate"), *wizard_sources(), "-no-obsolete", "-locations", "none",
             "-ts", str(ZH))
    if args.fill:
        table = json.loads(args.fill.read_text(encoding="utf-8"))
        print(f"filled {base.fill(ZH, table)} Chinese entries")
    base.run(str(base.BIN / "pyside6-lrelease"), str(ZH), "-qm", str(ZH.with_suffix(".qm")))
    missing = base.unfinished(ZH)
    for entry in missing:
        print("untranslated:", entry)
    return 1 if (args.check and missing) else 0


if __name__ == "__main__":
    sys.exit(main())
