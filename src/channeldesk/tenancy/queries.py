from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from channeldesk.core import throttle
from channeldesk.core.errors import ValidationFailed
from channeldesk.core.statements import execute
from channeldesk.tenancy import reach
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization, search_key
from channeldesk.tenancy.roles import PARTNER_KINDS


def partners(actor: Actor, *, q: str = "", kind: str | None = None) -> QuerySet[Organization]:
    qs = reach.visible_organizations(actor).filter(kind__in=PARTNER_KINDS)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        key = search_key(q)
        qs = qs.filter(name_key__gte=key, name_key__lt=key + "\uffff")
    return qs


def listed_partners_by_prefix(
    actor: Actor, key: str, *, kind: str | None = None
) -> QuerySet[Organization]:
    """Listed partners whose search key starts with `key`: a range on name_key, which the
    partial index org_listed_name (listed, active) serves without a table scan."""
    qs = reach.listed_partners(actor).filter(name_key__gte=key, name_key__lt=key + "\uffff")
    if kind:
        # Same reason as in reach.listed_partners: keep the planner on the name_key range.
        qs = qs.exclude(kind__in=[k for k in PARTNER_KINDS if k != kind])
    return qs.order_by("name_key", "id").only("id", "name", "city", "country")


def _search_key_checked(actor: Actor, q: str) -> str:
    key = search_key(q)
    if len(key) < 2:
        raise ValidationFailed.field("q", "Type at least 2 characters.")
    if actor.user_id:
        throttle.hit(f"partner-search:{actor.user_id}", limit=120, window=60)
    return key


def search_listed_partners(actor: Actor, q: str, *, kind: str | None = None) -> list[Organization]:
    """Prefix search over the partner directory: case- and accent-insensitive, at most 10,
    an index range scan on name_key (never a table scan), rate-limited per user."""
    key = _search_key_checked(actor, q)
    return list(listed_partners_by_prefix(actor, key, kind=kind)[:10])


SEARCH_FIELDS = ("id", "name", "city", "country")
_SENTINEL = "\x00prefix\x00"  # stands for the search key in the compiled statement


_statements: dict[tuple[str, str | None], tuple[str, tuple]] = {}


def _prefix_statement(actor: Actor, kind: str | None) -> tuple[str, tuple]:
    """listed_partners_by_prefix(...)[:10] compiled once per database and kind (the directory
    is the same for every actor): its SQL and parameters, the key marked by _SENTINEL."""
    cache_key = (connection.vendor, kind)
    if cache_key not in _statements:
        qs = listed_partners_by_prefix(actor, _SENTINEL, kind=kind)[:10]
        sql, params = qs.values_list(*SEARCH_FIELDS).query.sql_with_params()
        marked = sum(isinstance(p, str) and p.startswith(_SENTINEL) for p in params)
        if marked != 2:  # the range's two ends; anything else is a changed query shape
            raise RuntimeError("partner search statement: unexpected parameters")
        _statements[cache_key] = (sql, tuple(params))
    return _statements[cache_key]


def search_listed_partner_rows(actor: Actor, q: str, *, kind: str | None = None) -> list[dict]:
    """search_listed_partners as {id, name, city, country} rows for the API: the same query
    (same rules, same index range), compiled once instead of on every keystroke; the key is
    a bound parameter."""
    key = _search_key_checked(actor, q)
    if kind not in (None, *PARTNER_KINDS):
        return []
    sql, params = _prefix_statement(actor, kind)
    bound = [
        key + p[len(_SENTINEL) :] if isinstance(p, str) and p.startswith(_SENTINEL) else p
        for p in params
    ]
    return [dict(zip(SEARCH_FIELDS, row, strict=True)) for row in execute(sql, bound)]
