"""Licenses never exceed the number of users, also under many parallel requests."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from channeldesk.subscriptions.models import License
from channeldesk.tenancy.roles import Role
from tests import factories
from tests.conftest import Api
from tests.subscriptions.factories import subscription


@pytest.mark.django_db(transaction=True)
def test_licenses_never_exceed_quantity_under_concurrency():
    world = factories.world()
    sub = subscription(world.a.customer, quantity=10)
    users = [factories.user(world.a.customer, Role.MEMBER).user.id for _ in range(100)]
    token = factories.token(world.members["site_admin"])
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(100)

    def assign(user_id: str) -> None:
        try:
            api = Api(token)
            start.wait()
            r = api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [user_id]})
            with lock:
                statuses.append(r.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(statuses) == 100
    assert statuses.count(201) == 10, sorted(statuses)
    assert set(statuses) <= {201, 409}, sorted(statuses)
    assert License.objects.filter(subscription=sub).count() == 10
    sub.refresh_from_db()
    assert sub.assigned == 10
    print("database:", connection.vendor)


@pytest.mark.django_db(transaction=True)
def test_parallel_bulk_assignments_and_quantity_lowering_keep_the_invariant():
    world = factories.world()
    sub = subscription(world.a.customer, quantity=30)
    users = [factories.user(world.a.customer, Role.MEMBER).user.id for _ in range(40)]
    admin_token = factories.token(world.members["account_admin"])
    partner_token = factories.token(world.members["partner_admin"])
    start = threading.Barrier(9)

    def assign(chunk: list[str]) -> None:
        try:
            start.wait()
            Api(admin_token).post(f"/subscriptions/{sub.id}/licenses", {"user_ids": chunk})
        finally:
            connections.close_all()

    def lower() -> None:
        try:
            start.wait()
            Api(partner_token).patch(f"/subscriptions/{sub.id}", {"quantity": 12})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(users[i : i + 5],)) for i in range(0, 40, 5)]
    threads.append(threading.Thread(target=lower))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sub.refresh_from_db()
    count = License.objects.filter(subscription=sub).count()
    assert count == sub.assigned <= sub.quantity
