from __future__ import annotations

from django.db.models import QuerySet

from channeldesk.core import throttle
from channeldesk.core.errors import ValidationFailed
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


def search_listed_partners(actor: Actor, q: str, *, kind: str | None = None) -> list[Organization]:
    """Prefix search over the partner directory: case- and accent-insensitive, at most 10,
    an index range scan on name_key (never a table scan), rate-limited per user."""
    key = search_key(q)
    if len(key) < 2:
        raise ValidationFailed.field("q", "Type at least 2 characters.")
    if actor.user_id:
        throttle.hit(f"partner-search:{actor.user_id}", limit=120, window=60)
    return list(listed_partners_by_prefix(actor, key, kind=kind)[:10])
