"""10,000 licenses in one request (issue 8's bulk target; the time is the benchmark's): every
user gets one, the count and the seats agree, one audit event, a notification each."""

from __future__ import annotations

import pytest

from channeldesk.audit.models import AuditEvent
from channeldesk.core.bulk import insert
from channeldesk.core.ids import new_id
from channeldesk.identity.models import User
from channeldesk.notifications.models import Notification
from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy.models import Membership
from tests.subscriptions.factories import subscription

pytestmark = pytest.mark.django_db

N = 10_000


def test_ten_thousand_licenses_in_one_request(world, api_as):
    account = world.a.customer
    users = [
        {
            "id": new_id(),
            "email": f"bulk{i:05d}@example.test",
            "name": f"Bulk {i}",
            "language": "nl",
        }
        for i in range(N)
    ]
    insert(User, users)
    insert(
        Membership,
        [
            {"id": new_id(), "user_id": u["id"], "organization_id": account.id, "role": "member"}
            for u in users
        ],
    )
    sub = subscription(account, quantity=N)
    ids = [u["id"] for u in users]
    api = api_as(world.members["partner_admin"])
    response = api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": ids})
    assert response.status_code == 201, response.content[:300]
    body = response.json()
    assert len(body) == N and {r["user_id"] for r in body} == set(ids)
    assert body[0]["email"].endswith("@example.test") and body[0]["assigned_at"]
    assert License.objects.filter(subscription=sub).count() == N
    assert Subscription.objects.get(id=sub.id).assigned == N
    event = AuditEvent.objects.get(action="license.assigned", target_id=sub.id)
    assert event.changes["count"] == N
    texts = Notification.objects.filter(kind="license.assigned", organization=account)
    assert texts.count() == N
    assert texts.values("text").distinct().count() == 1  # all in Dutch, rendered once
    # One more is over the seats: 409, nothing changes.
    extra = User.objects.create(email="one.more@example.test", name="One more")
    Membership.objects.create(user=extra, organization=account, role="member")
    again = api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [extra.id]})
    assert again.status_code == 409
    assert License.objects.filter(subscription=sub).count() == N
    too_many = api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [*ids, extra.id]})
    assert too_many.status_code == 422
