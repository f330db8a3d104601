"""Keyset pagination: pages are addressed by the sort key of the last row, so a page costs the
same on row 50 as on row 5,000,000 and stays stable under inserts."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.db.models import Q, QuerySet

from channeldesk.core.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.field("limit", f"must be between 1 and {MAX_LIMIT}")
    return limit


def _encode(values: list[Any]) -> str:
    def default(v):
        if isinstance(v, dt.datetime | dt.date):
            return v.isoformat()
        if isinstance(v, decimal.Decimal):
            return str(v)
        raise TypeError

    raw = orjson.dumps(values, default=default)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, n: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = orjson.loads(raw)
    except (ValueError, orjson.JSONDecodeError):
        raise ValidationFailed.field("cursor", "is not a valid cursor") from None
    if not isinstance(values, list) or len(values) != n:
        raise ValidationFailed.field("cursor", "is not a valid cursor")
    if not all(isinstance(v, str | int | float | type(None)) for v in values):
        raise ValidationFailed.field("cursor", "is not a valid cursor")
    return values


def _value(row: Any, field: str) -> Any:
    if isinstance(row, dict):
        return row[field]
    obj = row
    for part in field.split("__"):
        obj = getattr(obj, part)
    return obj


def keyset(
    qs: QuerySet, *, order: Sequence[str], limit: int | None = None, cursor: str | None = None
) -> Page:
    """Return one page of `qs` ordered by `order` (the last field must be unique, e.g. "id")."""
    limit = clamp_limit(limit)
    fields = [f.lstrip("-") for f in order]
    if cursor:
        values = _decode(cursor, len(fields))
        condition = Q()
        for i, field in enumerate(fields):
            op = "lt" if order[i].startswith("-") else "gt"
            term = Q(**{f"{field}__{op}": values[i]})
            for j in range(i):
                term &= Q(**{fields[j]: values[j]})
            condition |= term
        qs = qs.filter(condition)
    rows = list(qs.order_by(*order)[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode([_value(rows[-1], f) for f in fields])
    return Page(items=rows, next_cursor=next_cursor)
