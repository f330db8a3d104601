"""The period job: next payment dates move forward by whole periods; subscriptions set to end
at the term end (or without auto-renew) end on that date."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from channeldesk.audit.events import record
from channeldesk.subscriptions import dates
from channeldesk.subscriptions.actions.changes import end_now
from channeldesk.subscriptions.actions.common import Sub, bill_to, bump
from channeldesk.subscriptions.actions.common import today as local_today
from channeldesk.subscriptions.models import Subscription
from channeldesk.tenancy.actor import Actor


def roll_forward(today: dt.date | None = None) -> int:
    """Move every due next payment date forward by whole periods; a subscription set to end
    at term end, or without auto-renew, ends on that date (its customer is told)."""
    today = today or local_today()
    done = 0
    due = Subscription.objects.filter(
        status__in=(Sub.ACTIVE, Sub.SUSPENDED), next_payment_date__lte=today
    ).values_list("pk", flat=True)
    for pk in list(due[:5000]):
        with transaction.atomic():
            sub = Subscription.objects.select_for_update().select_related("account").get(pk=pk)
            if sub.status == Sub.CANCELLED or sub.next_payment_date > today:
                continue
            system = Actor.system()
            if sub.cancel_at_term_end or not sub.auto_renew:
                end_now(system, sub, "ended")
            else:
                n = dates.periods_until_after(
                    sub.start_date, sub.billing_period, today, sub.periods
                )
                before = sub.next_payment_date
                bump(
                    sub,
                    periods=n,
                    next_payment_date=dates.payment_date(sub.start_date, sub.billing_period, n),
                )
                # Payment dates are billing data: the event belongs to the bill-to partner,
                # never to the customer's audit log.
                record(
                    system,
                    "subscription.renewed",
                    organization=bill_to(sub.account),
                    target=sub,
                    changes={
                        "next_payment_date": {"before": before, "after": sub.next_payment_date}
                    },
                )
            done += 1
    return done
