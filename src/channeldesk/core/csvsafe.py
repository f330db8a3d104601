"""CSV exports that spreadsheet programs cannot turn into formulas (quality.md 14)."""

from __future__ import annotations

from typing import Any

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def safe_row(values: list[Any]) -> list[str]:
    return [safe_cell(v) for v in values]
