"""Organization lists: keyset pagination stable under inserts, search, query budgets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Kind, Role
from tests import factories
from tests.security.test_api_conventions import run_parallel


def test_partner_list_pages_are_stable_under_inserts(world, api_as):
    for i in range(7):
        factories.org(Kind.RESELLER, world.a.distributor, name=f"Page Reseller {i}")
    api = api_as(world.members["distributor_admin"])
    first = api.get("/partners?limit=3").json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    factories.org(Kind.RESELLER, world.a.distributor, name="Inserted Meanwhile")
    seen = [p["id"] for p in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api.get(f"/partners?limit=3&cursor={cursor}").json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen))
    assert world.b.reseller.id not in seen
    names = {o.name for o in Organization.objects.filter(id__in=seen)}
    assert {f"Page Reseller {i}" for i in range(7)} <= names


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("operator_admin", "/partners?limit=50"),
        ("distributor_admin", "/partners?q=Page&limit=50"),
        ("operator_admin", "/audit-events?limit=50"),
        ("partner_admin", "/tokens"),
        ("operator_admin", "/operator/users"),
        ("account_admin", "/notifications"),
        ("operator_admin", "/outbox"),
    ],
)
def test_list_endpoints_keep_a_query_budget(
    world, api_as, django_assert_max_num_queries, role, path
):
    for i in range(30):
        o = factories.org(Kind.RESELLER, world.a.distributor, name=f"Page Reseller {i}")
        factories.user(o, Role.PARTNER_ADMIN)
    api = api_as(world.members[role])
    api.get("/me")  # warm up: token last-used write
    with django_assert_max_num_queries(8):
        r = api.get(path)
    assert r.status_code == 200


def test_partner_users_list_has_no_n_plus_one(world, api_as, django_assert_max_num_queries):
    for _ in range(25):
        factories.user(world.a.reseller, Role.PARTNER_AGENT)
    api = api_as(world.members["partner_admin"])
    api.get("/me")
    with django_assert_max_num_queries(8):
        r = api.get(f"/partners/{world.a.reseller.id}/users?limit=50")
    assert len(r.json()["items"]) >= 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_invitations_of_one_address_make_one_membership():
    w = factories.world()
    raw = factories.token(w.members["partner_admin"])

    def invite(i):
        return (
            Client()
            .post(
                f"/api/v1/partners/{w.a.reseller.id}/users",
                {"email": "twice@example.test", "name": "Twice", "role": "partner_agent"},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw}",
            )
            .status_code
        )

    results = run_parallel(6, invite)
    assert sorted(results) == [201, 409, 409, 409, 409, 409], results
    assert Membership.objects.filter(user__email="twice@example.test").count() == 1
    connection.close()
