"""Panels on the account page: the base packages (one section each) and the order data."""

from __future__ import annotations

from channeldesk.catalog.catalog import current
from channeldesk.contracts import queries
from channeldesk.contracts.areas import dialled
from channeldesk.tenancy import permissions


def base_packages(request, account) -> dict | None:
    actor = request.actor
    if not permissions.can(actor, "contract.view", account):
        return None
    pkgs = list(queries.base_packages(actor, account))
    packages = [(p, queries.resources_of(p)) for p in pkgs]
    cat = current()
    for pkg, res in packages:
        for r in res["all"]:  # shown in the user's language, not as stored at order time
            r.display_name = cat.name("contract_items", r.item) if r.item else r.name
        for s in pkg.site_products.all():
            setattr(s, "area_code", dialled(s.country, s.area))  # noqa: B010 - for the template
    return {
        "account": account,
        "packages": packages,
        "prices": queries.sees_prices(actor, account),
        "may_order": permissions.can(actor, "order.create", account),
        "may_reissue": permissions.can(actor, "credentials.reissue", account),
        "new_numbers": queries.phone_numbers(actor, account, new=True).count(),
    }


def order_data(request, account) -> dict | None:
    actor = request.actor
    if not permissions.can(actor, "order_data.view", account):
        return None
    orders = list(queries.orders(actor, account).order_by("-id")[:10])
    return {
        "account": account,
        "orders": orders,
        "prices": queries.sees_prices(actor, account),
        "may_order": permissions.can(actor, "order.create", account),
    }
