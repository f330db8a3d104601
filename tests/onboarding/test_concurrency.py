"""Completing the same draft twice at once creates exactly one account."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from channeldesk.accounts.models import Account
from tests.onboarding.helpers import customer_body

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_completion_creates_one_account(world, api_as):
    api = api_as(world.members["partner_agent"])
    oid = api.post("/onboardings", {"platform": "smb_sync"}).json()["id"]
    assert api.put(f"/onboardings/{oid}/steps/customer", customer_body()).status_code == 200
    assert (
        api.put(
            f"/onboardings/{oid}/steps/sync",
            {
                "pbx_type": "virtual_appliance",
                "system_id": "VA-1",
                "csv": "a@x.example,A,21\nb@x.example,B,22\n",
            },
        ).status_code
        == 200
    )
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def complete(client) -> None:
        try:
            barrier.wait(10)
            statuses.append(client.post(f"/onboardings/{oid}/complete").status_code)
        finally:
            connection.close()

    clients = [api_as(world.members["partner_agent"]) for _ in range(4)]
    threads = [threading.Thread(target=complete, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(statuses) == [200, 409, 409, 409]
    assert Account.objects.filter(name="Bäckerei Sonnenschein GmbH").count() == 1
