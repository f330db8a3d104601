"""Next payment dates: start + period, month ends handled, rolled forward by the period job."""

from __future__ import annotations

import datetime as dt

import pytest

from channeldesk.audit.models import AuditEvent
from channeldesk.subscriptions import actions
from channeldesk.subscriptions.dates import add_months, payment_date
from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy.roles import Role
from tests import factories
from tests.subscriptions.factories import subscription

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 31), 2, D(2025, 3, 31)),
        (D(2025, 1, 31), 3, D(2025, 4, 30)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
    ],
)
def test_add_months_handles_month_ends(start, months, expected):
    assert add_months(start, months) == expected


def test_next_payment_date_is_start_plus_period(world):
    monthly = subscription(world.a.customer, start_date=D(2024, 1, 31))
    annual = subscription(world.a.customer, product="meetings_pro", start_date=D(2024, 2, 29))
    assert monthly.next_payment_date == D(2024, 2, 29)
    assert annual.next_payment_date == D(2025, 2, 28)


def test_period_job_rolls_forward_and_keeps_the_month_end_anchor(world):
    sub = subscription(world.a.customer, start_date=D(2025, 1, 31))
    assert sub.next_payment_date == D(2025, 2, 28)
    assert actions.roll_forward(D(2025, 2, 27)) == 0
    assert actions.roll_forward(D(2025, 2, 28)) == 1
    sub.refresh_from_db()
    assert sub.next_payment_date == D(2025, 3, 31)
    assert actions.roll_forward(D(2025, 3, 31)) == 1
    sub.refresh_from_db()
    assert sub.next_payment_date == D(2025, 4, 30)
    # Several periods missed at once: jumps to the first date after today.
    actions.roll_forward(D(2025, 8, 2))
    sub.refresh_from_db()
    assert sub.next_payment_date == D(2025, 8, 31)
    assert payment_date(sub.start_date, "monthly", sub.periods) == sub.next_payment_date
    assert AuditEvent.objects.filter(action="subscription.renewed", target_id=sub.id).count() == 3


def test_period_job_is_registered_with_the_worker(world):
    from channeldesk.core import jobs

    sub = subscription(world.a.customer, start_date=D(2020, 1, 31))
    assert "subscriptions.roll_forward" in jobs.run_due()
    sub.refresh_from_db()
    assert sub.next_payment_date > dt.date.today()
    assert sub.next_payment_date.day in (28, 29, 30, 31)


def test_term_end_cancellation_and_no_auto_renew_end_on_the_payment_date(world):
    a = subscription(world.a.customer, start_date=D(2025, 1, 10))
    b = subscription(world.a.customer, start_date=D(2025, 1, 10))
    member = factories.user(world.a.customer, Role.MEMBER).user
    actor = world.actor("partner_admin")
    actions.assign_licenses(actor, a, [member.id])
    actions.cancel_subscription(actor, a, at_term_end=True)
    actions.update_subscription(actor, b, auto_renew=False)
    actions.roll_forward(D(2025, 2, 9))
    a.refresh_from_db()
    assert a.status == Subscription.Status.ACTIVE
    actions.roll_forward(D(2025, 2, 10))
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == b.status == Subscription.Status.CANCELLED
    assert a.assigned == 0 and not License.objects.filter(subscription=a).exists()
