"""Every user-facing string is translated to German and Dutch (style.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """Extract the strings afresh from a copy of the source, merged with our catalogs."""
    out = tmp_path_factory.mktemp("messages")
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "messages.sh"), str(out / "tree")],
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHON": sys.executable,
            "CHANNELDESK_DATA_DIR": str(out / "var"),
        },
    )
    return out / "tree" / "src" / "channeldesk"


def test_every_string_is_translated_in_de_and_nl(extracted):
    gaps = []
    files = sorted(extracted.rglob("locale/*/LC_MESSAGES/django.po"))
    assert files, "no catalogs found"
    for po_path in files:
        lang = po_path.parent.parent.name
        for e in polib.pofile(str(po_path)):
            if e.obsolete:
                continue
            plural_gap = e.msgid_plural and not all(e.msgstr_plural.values())
            if (not e.msgid_plural and not e.msgstr) or plural_gap or "fuzzy" in e.flags:
                gaps.append(f"{lang} {po_path.relative_to(extracted)}: {e.msgid!r}")
    assert not gaps, (
        f"{len(gaps)} untranslated strings (run scripts/messages.sh, translate, scripts/po.py fill):\n"
        + "\n".join(gaps[:80])
    )


def test_one_translation_per_string_across_apps(extracted):
    """The first catalog that has a msgid wins at run time, so two apps translating the same
    string differently would show whichever comes first: refuse that."""
    seen: dict[tuple[str, str | None, str], dict[str, list[str]]] = {}
    for po_path in sorted(extracted.rglob("locale/*/LC_MESSAGES/django.po")):
        lang = po_path.parent.parent.name
        for e in polib.pofile(str(po_path)):
            if e.obsolete or e.msgid_plural or not e.msgstr:
                continue
            seen.setdefault((lang, e.msgctxt, e.msgid), {}).setdefault(e.msgstr, []).append(
                str(po_path.relative_to(extracted))
            )
    clashes = [f"{k[0]} {k[2]!r}: {v}" for k, v in seen.items() if len(v) > 1]
    assert not clashes, (
        "different translations of one string (use a context if meant):\n" + "\n".join(clashes)
    )
