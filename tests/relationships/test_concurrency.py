"""One pending invitation per account, also when requests race (quality.md 19)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from channeldesk.relationships.models import PartnerInvitation
from tests.conftest import Api


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_send_yields_one_pending_invitation(world, api_as):
    from tests import factories

    token = factories.token(world.members["account_admin"])
    targets = [world.b.reseller.id, world.a.sibling_reseller.id]
    world.a.sibling_reseller.listed = True
    world.a.sibling_reseller.save()
    n = 6
    barrier = threading.Barrier(n)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def send(i: int) -> None:
        try:
            api = Api(token)
            barrier.wait(timeout=10)
            r = api.post("/partner-invitations", {"partner_id": targets[i % 2]})
            statuses.append(r.status_code)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(statuses) == [201] + [409] * (n - 1), statuses
    assert PartnerInvitation.objects.filter(account=world.a.customer, status="pending").count() == 1
