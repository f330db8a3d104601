"""The benchmark's dataset generator at a tiny scale: a tree the app itself accepts."""

from __future__ import annotations

import datetime as dt

import pytest
from bench.generate import DISTRIBUTORS, generate
from django.test import Client

from channeldesk.accounts.models import SupportContact
from channeldesk.audit.models import AuditEvent
from channeldesk.core.ids import is_id
from channeldesk.identity.models import User
from channeldesk.tenancy.models import Membership, Organization, search_key

pytestmark = pytest.mark.django_db

SCALE = 0.0002  # 200 customer accounts


@pytest.fixture
def data():
    return generate(SCALE, bulk=False, progress=lambda _: None)


def test_tree_shape_paths_and_keys_as_tenancy_computes_them(data):
    orgs = {o.id: o for o in Organization.objects.all()}
    kinds = [o.kind for o in orgs.values()]
    assert kinds.count("operator") == 1
    assert kinds.count("distributor") == DISTRIBUTORS
    assert kinds.count("reseller") == DISTRIBUTORS
    assert kinds.count("customer") == data["accounts"] == 200
    for o in orgs.values():
        assert is_id(o.id)
        parent = orgs.get(o.parent_id) if o.parent_id else None
        expected = Organization(id=o.id)
        expected.place_under(parent)
        assert (o.path, o.depth) == (expected.path, expected.depth)
        assert o.name_key == search_key(o.name)
        if o.kind == "customer":
            assert parent is not None and parent.kind in ("operator", "distributor", "reseller")
            assert o.cloud_region and o.platform and o.pbx_type


def test_ids_follow_creation_time(data):
    rows = list(
        Organization.objects.filter(kind="customer").order_by("id").values_list("created_at")
    )
    times = [r[0] for r in rows]
    assert times == sorted(times)
    assert times[0] < dt.datetime.now(dt.UTC) - dt.timedelta(days=300)


def test_users_memberships_contacts_and_audit(data):
    customers = Organization.objects.filter(kind="customer").count()
    assert User.objects.count() == Membership.objects.count() >= customers
    assert (
        SupportContact.objects.filter(role="administrator").values("account").distinct().count()
        == customers
    )
    assert AuditEvent.objects.filter(action="account.created").count() == customers
    assert data["counts"]["identity_user"] == User.objects.count()
    user = User.objects.get(email=data["principals"]["reseller"]["email"])
    assert user.check_password(data["password"])


def test_tokens_act_as_the_measured_principals(data):
    reseller = data["principals"]["reseller"]
    client = Client()
    auth = {"Authorization": f"Bearer {reseller['token']}"}
    response = client.get("/api/v1/accounts?limit=200", headers=auth)
    assert response.status_code == 200
    path = Organization.objects.get(id=reseller["organization_id"]).path
    in_reach = Organization.objects.filter(kind="customer", path__startswith=path)
    assert {i["id"] for i in response.json()["items"]} == set(in_reach.values_list("id", flat=True))
    assert data["sample_account_id"] in {i["id"] for i in response.json()["items"]}
    operator = {"Authorization": f"Bearer {data['principals']['operator']['token']}"}
    assert len(client.get("/api/v1/accounts?limit=200", headers=operator).json()["items"]) == 200
    search = {"Authorization": f"Bearer {data['search_tokens'][0]}"}
    assert client.get("/api/v1/partners/search?q=ab", headers=search).status_code == 200
