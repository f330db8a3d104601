"""Reads of contracts, numbers and orders, always starting from tenancy.reach."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import translation

from channeldesk.contracts import failures
from channeldesk.contracts.areas import dialled
from channeldesk.contracts.models import BasePackage, Order, PhoneNumber, Resource, SiteProduct
from channeldesk.contracts.pricing import money
from channeldesk.contracts.rendering import describe
from channeldesk.core.errors import NotFound
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization


def sees_prices(actor: Actor, org: Organization | None = None) -> bool:
    """Prices follow the bill-to rule: only roles with billing visibility see them."""
    return permissions.can(actor, "billing.view", org)


def may_view_orders(actor: Actor) -> bool:
    return permissions.can(actor, "order.create") or permissions.can(actor, "order_data.view")


def base_packages(actor: Actor, account: Organization) -> QuerySet[BasePackage]:
    permissions.require(actor, "contract.view", account)
    return (
        reach.visible(actor, BasePackage)
        .filter(account=account)
        .prefetch_related(
            Prefetch("resources", queryset=Resource.objects.order_by("id")),
            Prefetch(
                "site_products",
                queryset=SiteProduct.objects.order_by("id").prefetch_related(
                    "ip_connections", "numbers"
                ),
            ),
        )
        .order_by("id")
    )


def get_base_package(actor: Actor, package_id: str) -> BasePackage:
    pkg = reach.get_visible(actor, BasePackage, package_id)
    permissions.require(actor, "contract.view", pkg.account)
    return base_packages(actor, pkg.account).get(id=pkg.id)


def get_site_product(actor: Actor, site_id: str) -> SiteProduct:
    site = reach.get_visible(
        actor,
        SiteProduct,
        site_id,
        qs=reach.visible(actor, SiteProduct).select_related(
            "base_package", "base_package__account"
        ),
    )
    permissions.require(actor, "contract.view", site.base_package.account)
    return site


def resources_of(pkg: BasePackage) -> dict[str, Any]:
    res = list(pkg.resources.all())
    return {
        "parallel_calls": sum(r.quantity for r in res if r.kind == Resource.Kind.PARALLEL_CALLS),
        "budgets": [r for r in res if r.kind == Resource.Kind.BUDGET],
        "flatrates": [r for r in res if r.kind == Resource.Kind.FLATRATE],
        "services": [r for r in res if r.kind == Resource.Kind.SERVICE],
        "all": res,
    }


def base_package_out(pkg: BasePackage, prices: bool) -> dict[str, Any]:
    r = resources_of(pkg)
    return {
        "id": pkg.id,
        "account_id": pkg.account_id,
        "number": pkg.number,
        "name": pkg.name,
        "start_date": pkg.start_date,
        "monthly_fee": money(pkg.monthly_fee, pkg.currency) if prices else None,
        "resources": {
            "parallel_calls": r["parallel_calls"],
            "budgets": [
                {
                    "id": b.id,
                    "name": b.name,
                    "amount": money(b.amount, b.currency),
                    "period": b.period,
                    "monthly_price": money(b.monthly_price, b.currency) if prices else None,
                }
                for b in r["budgets"]
            ],
            "flatrates": [
                {
                    "id": f.id,
                    "name": f.name,
                    "scope": f.scope,
                    "monthly_price": money(f.monthly_price, f.currency) if prices else None,
                }
                for f in r["flatrates"]
            ],
            "services": [
                {
                    "id": v.id,
                    "item": v.item,
                    "name": v.name,
                    "charge": v.charge,
                    "price": money(
                        v.one_time_price if v.charge == "once" else v.monthly_price, v.currency
                    )
                    if prices
                    else None,
                    "created_at": v.created_at,
                }
                for v in r["services"]
            ],
        },
        "site_products": [
            {
                "id": s.id,
                "name": s.name,
                "address": {
                    "street": s.street,
                    "postal_code": s.postal_code,
                    "city": s.city,
                    "country": s.country,
                },
                "area": dialled(s.country, s.area),
                "monthly_fee": money(s.monthly_fee, s.currency) if prices else None,
                "ip_connections": [
                    {
                        "id": c.id,
                        "type": c.type,
                        "bandwidth": c.bandwidth,
                        "access_identifier": c.access_identifier,
                    }
                    for c in s.ip_connections.all()
                ],
                "phone_numbers": sorted(n.e164 for n in s.numbers.all()),
                "created_at": s.created_at,
            }
            for s in pkg.site_products.all()
        ],
        "created_at": pkg.created_at,
    }


# ---- phone numbers -----------------------------------------------------------------------


def phone_numbers(
    actor: Actor,
    account: Organization,
    *,
    new: bool | None = None,
    usage: str | None = None,
    base_package_id: str | None = None,
    site_product_id: str | None = None,
    q: str = "",
) -> QuerySet[PhoneNumber]:
    permissions.require(actor, "contract.view", account)
    qs = (
        reach.visible(actor, PhoneNumber)
        .filter(account=account)
        .select_related("base_package", "site_product", "user")
    )
    if new is not None:
        qs = qs.filter(is_new=new)
    if usage:
        qs = qs.filter(usage=usage)
    if base_package_id:
        qs = qs.filter(base_package_id=base_package_id)
    if site_product_id:
        qs = qs.filter(site_product_id=site_product_id)
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        cond = Q(site_product__name__icontains=q[:100]) | Q(user__name__icontains=q[:100])
        if digits:
            cond |= Q(e164__contains=digits)
        qs = qs.filter(cond)
    return qs


def get_phone_number(actor: Actor, number_id: str) -> PhoneNumber:
    number = reach.get_visible(
        actor,
        PhoneNumber,
        number_id,
        qs=reach.visible(actor, PhoneNumber).filter(account__isnull=False),
    )
    permissions.require(actor, "contract.view", number.account)
    return number


def phone_number_out(n: PhoneNumber) -> dict[str, Any]:
    return {
        "id": n.id,
        "e164": n.e164,
        "area": dialled(n.country, n.area),
        "base_package": {"id": n.base_package.id, "number": n.base_package.number}
        if n.base_package
        else None,
        "site_product": {"id": n.site_product.id, "name": n.site_product.name}
        if n.site_product
        else None,
        "usage": n.usage,
        "user": {"id": n.user.id, "name": n.user.display_name} if n.user else None,
        "new": n.is_new,
        "allocated_at": n.allocated_at,
        "etag": n.etag,
    }


# ---- orders --------------------------------------------------------------------------------


def orders(actor: Actor, account: Organization | None = None) -> QuerySet[Order]:
    if not may_view_orders(actor):
        return Order.objects.none()
    qs = reach.visible(actor, Order).select_related("account")
    if account is not None:
        qs = qs.filter(account=account)
    return qs


def get_order(actor: Actor, order_id: str) -> Order:
    order = reach.get_visible(
        actor, Order, order_id, qs=reach.visible(actor, Order).select_related("account")
    )
    if not may_view_orders(actor):
        from channeldesk.core.errors import Forbidden

        raise Forbidden("You are not allowed to see orders.")
    return order


def failure_reason(actor: Actor, order: Order) -> str:
    """In the reader's language; the pool's details only for the operator."""
    return failures.reason(
        order.failure_code, order.failure_params, operator=actor.is_operator, lang=None
    )


def order_out(
    order: Order, prices: bool, items: list | None = None, *, actor: Actor
) -> dict[str, Any]:
    rows = items if items is not None else list(order.items.all())
    lang = translation.get_language() or "en"
    return {
        "id": order.id,
        "number": order.number,
        "account": {"id": order.account.id, "name": order.account.name},
        "status": order.status,
        "items": [
            {
                "item": i.item,
                "kind": i.kind,
                "description": describe(i, lang),
                "quantity": i.quantity,
                "base_package_id": i.base_package_id,
                "charge": i.charge,
                "unit_price": money(i.unit_price, i.currency) if prices else None,
                "amount": money(i.amount, i.currency) if prices else None,
            }
            for i in rows
        ],
        "total": money(order.total, order.currency) if prices else None,
        "one_time_total": money(order.one_time_total, order.currency) if prices else None,
        "failure_reason": failure_reason(actor, order) or None,
        "created_at": order.created_at,
        "provisioned_at": order.provisioned_at,
    }


def items_by_order(order_ids: list[str]) -> dict[str, list]:
    from channeldesk.contracts.models import OrderItem

    out: dict[str, list] = defaultdict(list)
    for i in OrderItem.objects.filter(order_id__in=order_ids).order_by("position"):
        out[i.order_id].append(i)
    return out


def account_or_404(actor: Actor, account_id: str) -> Organization:
    from channeldesk.accounts.queries import get_account

    try:
        return get_account(actor, account_id)
    except NotFound:
        raise


def account_users(account: Organization, q: str = "", limit: int = 20) -> list:
    """Active users of the account (its memberships), by name; `q` searches name and e-mail."""
    from channeldesk.identity.models import User

    qs = User.objects.filter(memberships__organization=account, is_active=True)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q))
    return list(qs.order_by("name", "id")[:limit])
