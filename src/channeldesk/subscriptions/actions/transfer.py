"""A customer account changes partner (relationships.accept_invitation): what happens to its
subscriptions.

They move with the account: they belong to it, its licenses stay assigned and its users notice
nothing. The previous partner loses sight of them at once (reach follows the account); the new
partner sees and manages them from the switch on and is billed for every payment falling due
from the switch date (subscriptions.billing looks up the partner link in force on the due
date), at its own wholesale price: the product's catalog price at the switch. The switch is in
the account's partner-link history; each open subscription's move is audited for the new
partner (its bill-to side: the event carries prices, so never in the customer's log)."""

from __future__ import annotations

from decimal import Decimal

from channeldesk.audit.events import record
from channeldesk.subscriptions.actions.common import Sub, bump
from channeldesk.subscriptions.catalog_products import product
from channeldesk.subscriptions.models import Subscription
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization


def follow_partner_change(
    actor: Actor, account: Organization, previous: Organization | None, partner: Organization
) -> int:
    """Runs inside the acceptance's transaction; returns the number of subscriptions moved."""
    moved = 0
    for sub in (
        Subscription.objects.select_for_update()
        .filter(account=account)
        .exclude(status=Sub.CANCELLED)
        .order_by("id")
    ):
        p = product(sub.product)
        price = Decimal(str(p["unit_price"])) if p else sub.unit_price
        currency = p["currency"] if p else sub.currency
        before_price, before_currency = sub.unit_price, sub.currency
        bump(sub, unit_price=price, currency=currency)
        changes: dict = {
            "partner": {"before": previous.id if previous else None, "after": partner.id}
        }
        if (before_price, before_currency) != (price, currency):
            changes["unit_price"] = {
                "before": f"{before_price} {before_currency}",
                "after": f"{price} {currency}",
            }
        record(
            actor, "subscription.partner_changed", organization=partner, target=sub, changes=changes
        )
        moved += 1
    return moved
