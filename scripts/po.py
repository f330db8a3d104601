"""Translation catalogs helper.

python scripts/po.py missing [APP]      untranslated/fuzzy msgids of de and nl as JSON
python scripts/po.py fill FILE.json     fill catalogs from {"msgid": {"de": "...", "nl": "..."}}
                                        (plurals: {"de": ["one", "many"], ...})
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

SRC = Path(__file__).resolve().parent.parent / "src" / "channeldesk"
LANGS = ("de", "nl")


def catalogs(app: str | None = None):
    base = SRC / app if app else SRC
    for po_path in sorted(base.rglob("locale/*/LC_MESSAGES/django.po")):
        lang = po_path.parent.parent.name
        if lang in LANGS:
            yield lang, po_path, polib.pofile(str(po_path))


def missing(app: str | None = None) -> dict[str, list[str]]:
    out: dict[str, set[str]] = {}
    for lang, _, po in catalogs(app):
        for e in po:
            if e.obsolete:
                continue
            untranslated = (not e.msgstr and not e.msgid_plural) or (
                e.msgid_plural and not all(e.msgstr_plural.values())
            )
            if untranslated or "fuzzy" in e.flags:
                out.setdefault(lang, set()).add(e.msgid)
    return {k: sorted(v) for k, v in out.items()}


def fill(path: str) -> int:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    changed = 0
    for lang, po_path, po in catalogs():
        dirty = False
        for e in po:
            t = data.get(e.msgid, {}).get(lang)
            if not t:
                continue
            if e.msgid_plural:
                forms = t if isinstance(t, list) else [t, t]
                e.msgstr_plural = {i: forms[min(i, len(forms) - 1)] for i in range(2)}
            else:
                e.msgstr = t
            if "fuzzy" in e.flags:
                e.flags.remove("fuzzy")
            dirty = True
            changed += 1
        if dirty:
            po.save(str(po_path))
    return changed


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "missing":
        print(
            json.dumps(
                missing(sys.argv[2] if len(sys.argv) > 2 else None), ensure_ascii=False, indent=1
            )
        )
    elif len(sys.argv) == 3 and sys.argv[1] == "fill":
        print(f"{fill(sys.argv[2])} entries filled")
    else:
        print(__doc__)
        sys.exit(2)
