"""Panels on other apps' pages: the account page's Subscriptions panel and the customer
dashboard's Your licenses."""

from __future__ import annotations

from channeldesk.subscriptions import queries
from channeldesk.subscriptions.catalog_products import product_name
from channeldesk.subscriptions.views.console import can_create
from channeldesk.tenancy import permissions

PANEL_ROWS = 20


def account_panel(request, account):
    """The account page's Subscriptions panel: the first 20 subscriptions with their licenses,
    and a link to all of them past that."""
    actor = request.actor
    if not permissions.can(actor, "subscription.view"):
        return None
    subs = list(
        queries.subscriptions(actor, account_id=account.id).order_by("-id")[: PANEL_ROWS + 1]
    )
    return {
        "account": account,
        "rows": [{"sub": s, "product_name": product_name(s.product)} for s in subs[:PANEL_ROWS]],
        "more": len(subs) > PANEL_ROWS,
        "billing": queries.sees_billing(actor),
        "can_create": can_create(actor) and permissions.can(actor, "subscription.manage", account),
        "licenses_by_user": permissions.can(actor, "account_user.view", account)
        and permissions.can(actor, "license.view", account),
    }


def my_licenses_panel(request, account):
    """The customer dashboard: the signed-in member's own licenses."""
    actor = request.actor
    lics = list(queries.my_licenses(actor)[:11])
    return {
        "rows": [
            {"license": lic, "product_name": product_name(lic.subscription.product)}
            for lic in lics[:10]
        ],
        "more": len(lics) > 10,
    }
