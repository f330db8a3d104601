"""Keyset pagination: pages are addressed by the sort key of the last row, so a page costs the
same on row 50 as on row 5,000,000 and stays stable under inserts."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
from collections.abc import Callable, Sequence
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


def decode_cursor(cursor: str | None, n: int) -> list[Any] | None:
    """The sort-key values of a cursor (None for the first page); 422 when malformed."""
    return _decode(cursor, n) if cursor else None


def keyset_queryset(
    qs: QuerySet,
    *,
    order: Sequence[str],
    limit: int,
    after: Sequence[Any] | None = None,
    rows: Callable[[QuerySet], QuerySet] | None = None,
) -> QuerySet:
    """`qs` ordered by `order`, after the row whose sort key is `after`, `limit + 1` rows (the
    extra one tells whether there is a next page). See `keyset`."""
    fields = [f.lstrip("-") for f in order]
    if after is not None:
        condition = Q()
        for i, field in enumerate(fields):
            op = "lt" if order[i].startswith("-") else "gt"
            term = Q(**{f"{field}__{op}": after[i]})
            for j in range(i):
                term &= Q(**{fields[j]: after[j]})
            condition |= term
        if len(fields) > 1:
            # The same rows, but the index range can start at the cursor (an OR alone makes
            # the database scan from the first row of the order on every page).
            first = "lte" if order[0].startswith("-") else "gte"
            condition &= Q(**{f"{fields[0]}__{first}": after[0]})
        qs = qs.filter(condition)
    if rows is not None:
        keys = qs.order_by(*order).values("pk")[: limit + 1]
        qs = rows(qs.model._default_manager.filter(pk__in=keys))
    return qs.order_by(*order)[: limit + 1]


def page_of(items: list[Any], *, order: Sequence[str], limit: int) -> Page:
    """The page of `limit` rows out of the `limit + 1` a keyset query fetched."""
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = _encode([_value(items[-1], f.lstrip("-")) for f in order])
    return Page(items=items, next_cursor=next_cursor)


def keyset(
    qs: QuerySet,
    *,
    order: Sequence[str],
    limit: int | None = None,
    cursor: str | None = None,
    rows: Callable[[QuerySet], QuerySet] | None = None,
) -> Page:
    """Return one page of `qs` ordered by `order` (the last field must be unique, e.g. "id").

    `rows`: `qs` then only finds the page's primary keys (a subquery the database can answer
    from an index covering the filter and the order, e.g. org_kind_path for reach + id), and
    `rows(queryset of those keys)` loads the wide rows and joins for them alone. Measured by the benchmark (bench/): a distributor's
    accounts page at 100 k accounts went from ~100 ms to ~4 ms of SQL."""
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, len(order))
    items = list(keyset_queryset(qs, order=order, limit=limit, after=after, rows=rows))
    return page_of(items, order=order, limit=limit)
