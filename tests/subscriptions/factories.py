"""Subscriptions for tests, created through the real action (as the system actor)."""

from __future__ import annotations

import datetime as dt

from channeldesk.subscriptions import actions
from channeldesk.subscriptions.models import Subscription
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization


def subscription(
    account: Organization,
    *,
    quantity: int = 10,
    product: str = "signatures_m365",
    start_date: dt.date | None = None,
    customer_managed: bool = False,
) -> Subscription:
    return actions.create_subscription(
        Actor.system(),
        product_key=product,
        quantity=quantity,
        account=account,
        start_date=start_date,
        customer_managed=customer_managed,
        contact_name="Contact" if customer_managed else "",
        contact_email="contact@example.test" if customer_managed else "",
    )
