"""What an actor can reach: the starting point of every tenant-owned query.

- operator: every organization;
- distributor / reseller: its own organization and its subtree (materialized-path range);
- customer: its own organization only.

Tenant-owned models declare `tenant_field`, the ORM path to the Organization that owns a row
("" for Organization itself). Models whose rows a plain member may see only when they are the
member's own declare `member_field` (path to the user). Rows outside reach do not exist for the
actor: `get_visible` raises NotFound (404), never Forbidden.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import CharField, F, Func, Model, Q, QuerySet
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from channeldesk.core.errors import NotFound
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization, subtree_upper
from channeldesk.tenancy.roles import Kind, Role

M = TypeVar("M", bound=Model)


def _prefix(field: str) -> str:
    return f"{field}__" if field else ""


class Unindexed(Func):
    """`column || ''`: the same value, but no index on the column serves a condition on it
    (SQLite and PostgreSQL alike). For steering a plan, see `org_scope(indexed=False)`."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


def org_scope(actor: Actor, field: str = "", *, indexed: bool = True) -> Q:
    """Q selecting the organizations (at ORM path `field`) within the actor's reach.

    `indexed=False` writes the subtree's path range so that no path index serves it: the
    database then reads the index of the query's order and checks the path on each row
    (with the path in that index, without visiting the table). Right for a large subtree
    (a distributor's), where a path range read first would be sorted whole before the
    LIMIT; a reseller's few hundred accounts are best read by path (the default)."""
    p = _prefix(field)
    org = actor.organization
    if actor.is_system or org.kind == Kind.OPERATOR:
        return Q()
    if org.kind in (Kind.DISTRIBUTOR, Kind.RESELLER):
        if not indexed:
            path = Unindexed(F(f"{p}path"))
            return Q(GreaterThanOrEqual(path, org.path), LessThan(path, subtree_upper(org.path)))
        return Q(**{f"{p}path__gte": org.path, f"{p}path__lt": subtree_upper(org.path)})
    return Q(**{f"{p}id" if field else "id": org.id})


def visible[M: Model](actor: Actor, model: type[M], *, indexed: bool = True) -> QuerySet[M]:
    """All rows of `model` the actor may see (`indexed`: see `org_scope`)."""
    qs: QuerySet[M] = model._default_manager.all()
    field = getattr(model, "tenant_field", None)
    if field is None:
        raise TypeError(f"{model.__name__} declares no tenant_field")
    qs = qs.filter(org_scope(actor, field, indexed=indexed))
    member_field = getattr(model, "member_field", None)
    if member_field and actor.role == Role.MEMBER and actor.user is not None:
        qs = qs.filter(**{member_field: actor.user.id})
    return qs


def manageable[M: Model](actor: Actor, model: type[M], action: str) -> QuerySet[M]:
    """Rows of `model` on which the actor may perform `action`."""
    if not permissions.role_allows(actor.role, action):
        return model._default_manager.none()
    qs = visible(actor, model)
    if permissions.is_write(action) and actor.kind == Kind.DISTRIBUTOR:
        field = model.tenant_field  # type: ignore[attr-defined]
        qs = qs.filter(**{f"{_prefix(field)}depth__lte": actor.organization.depth + 1})
    return qs


def get_visible[M: Model](
    actor: Actor, model: type[M], pk: Any, qs: QuerySet[M] | None = None
) -> M:
    """The row `pk` if the actor can see it; NotFound otherwise (also for malformed ids)."""
    base = qs if qs is not None else visible(actor, model)
    try:
        return base.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise NotFound(f"{model._meta.verbose_name} not found") from None


def prepared_scope(actor: Actor) -> tuple[tuple, Actor, dict[str, Any]]:
    """The actor's reach for a statement compiled once and reused (core.statements):
    (shape key, a stand-in actor whose reach values are marks, the values to bind).

    The stand-in has the actor's kind, depth and role, so `visible`/`manageable` and the
    permission checks build the same filters; only the organization's path and id and the
    user's id are placeholders. The key names every difference in the SQL that `org_scope`
    and `visible` make."""
    org = actor.organization
    if actor.is_system or org.kind == Kind.OPERATOR:
        scope = "all"
    elif org.kind in (Kind.DISTRIBUTOR, Kind.RESELLER):
        scope = "subtree"
    else:
        scope = "own"
    key = (scope, org.kind, org.depth, actor.role, actor.user is not None)
    stand_in = _stand_ins.get(key)
    if stand_in is None:
        stand_in = _stand_ins[key] = _stand_in(actor)
    values: dict[str, Any] = {"reach_org": org.id, "reach_stem": org.path[:-1]}
    if actor.user is not None:
        values["reach_user"] = actor.user.id
    return key, stand_in, values


_stand_ins: dict[tuple, Actor] = {}


def _stand_in(actor: Actor) -> Actor:
    from channeldesk.core.statements import mark
    from channeldesk.identity.models import User

    org = actor.organization
    # subtree_upper(path) = path[:-1] + "0": both range ends are the stem plus a suffix.
    stand_in = Organization(
        id=mark("reach_org"), kind=org.kind, path=mark("reach_stem") + "/", depth=org.depth
    )
    user = User(id=mark("reach_user")) if actor.user is not None else None
    return Actor(organization=stand_in, role=actor.role, user=user)


def visible_organizations(actor: Actor) -> QuerySet[Organization]:
    return Organization.objects.filter(org_scope(actor))


def in_reach(actor: Actor, org: Organization) -> bool:
    """Is `org` inside the actor's reach (for ids passed in bodies and queries)?"""
    if actor.is_system or actor.kind == Kind.OPERATOR:
        return True
    if actor.kind == Kind.CUSTOMER:
        return org.id == actor.organization.id
    return org.path.startswith(actor.organization.path)


def organization_in_reach(
    actor: Actor, org_id: Any, *, kinds: tuple[str, ...] | None = None
) -> Organization:
    qs = visible_organizations(actor)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return get_visible(actor, Organization, org_id, qs=qs)


def partner_of(actor: Actor) -> Organization | None:
    """The managing partner of a customer actor's account (its parent), if it is a partner."""
    if actor.kind != Kind.CUSTOMER:
        return None
    parent = actor.organization.parent
    if parent is not None and parent.kind in (Kind.DISTRIBUTOR, Kind.RESELLER):
        return parent
    return None


def listed_partners(actor: Actor) -> QuerySet[Organization]:
    """The partner directory: partners that chose to be listed are findable by any signed-in
    actor (product.md §6), in addition to its reach. Only public fields may be shown."""
    # The kind is excluded rather than matched: an equality on kind would tempt SQLite's
    # planner (no statistics) onto org_kind_id instead of the name_key range of the type-ahead.
    return Organization.objects.filter(listed=True, status="active").exclude(
        kind__in=(Kind.OPERATOR, Kind.CUSTOMER)
    )
