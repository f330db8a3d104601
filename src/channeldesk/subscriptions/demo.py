"""Demo data: subscriptions of the demo customers, some with licenses handed out."""

from __future__ import annotations

import datetime as dt

from channeldesk.subscriptions import actions
from channeldesk.subscriptions.catalog_products import products
from channeldesk.subscriptions.models import Subscription
from channeldesk.tenancy.models import Membership


def extend(ctx) -> None:
    keys = [p["key"] for p in products()]
    if not keys:
        return
    today = dt.date.today()
    for i, account in enumerate(ctx.accounts):
        if Subscription.objects.filter(account=account).exists():
            continue
        for j in range(1 + (i % 2)):
            product = keys[(i + j) % len(keys)]
            start = today - dt.timedelta(days=ctx.rnd.randint(0, 400))
            sub = actions.create_subscription(
                ctx.system,
                product_key=product,
                quantity=ctx.rnd.choice([5, 10, 12, 25, 40, 75, 150]),
                account=account,
                start_date=start,
            )
            members = list(
                Membership.objects.filter(organization=account).values_list("user_id", flat=True)
            )
            take = members[: ctx.rnd.randint(0, len(members))]
            if take:
                actions.assign_licenses(ctx.system, sub, take)
            if (i + j) % 9 == 4:
                actions.suspend_subscription(ctx.system, sub)
            elif (i + j) % 11 == 6:
                actions.cancel_subscription(ctx.system, sub, at_term_end=True)
    actions.roll_forward(today)
