"""The hot-path optimisations found with the benchmark keep the contract and the rules:
prebuilt list rows in the schema's exact shape, the one-statement bearer lookup with every
rule of actor_for_token, and the one-statement throttle."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
from django.utils import timezone

from channeldesk.accounts import queries
from channeldesk.accounts.models import Account
from channeldesk.accounts.schemas import AccountList, AccountOut
from channeldesk.core import throttle
from channeldesk.core.errors import RateLimited
from channeldesk.identity.models import ApiToken
from channeldesk.tenancy.roles import Status
from tests import factories

pytestmark = pytest.mark.django_db


def test_account_list_rows_equal_the_schema_representation(world, api_as):
    response = api_as(world.members["operator_admin"]).get("/accounts?limit=200")
    assert response.status_code == 200
    body = response.json()
    AccountList.model_validate(body)
    assert body["items"]
    for item in body["items"]:
        assert set(item) == set(AccountOut.model_fields)
        account = Account.objects.select_related("parent").get(id=item["id"])
        expected = AccountOut.model_validate(queries.account_out(account)).model_dump()
        assert item == orjson.loads(orjson.dumps(expected))
    partners = {i["id"]: i["partner"] for i in body["items"]}
    assert partners[world.a.customer.id] == {"id": world.a.reseller.id, "name": "Reseller A"}
    assert partners[world.direct_customer.id] is None


def test_account_list_keeps_reach_and_keyset(world, api_as):
    api = api_as(world.members["partner_admin"])
    first = api.get("/accounts?limit=1").json()
    assert [i["id"] for i in first["items"]] == [world.a.customer.id]
    assert first["next_cursor"] is None
    api = api_as(world.members["distributor_admin"])
    page = api.get("/accounts?limit=1").json()
    rest = api.get(f"/accounts?limit=1&cursor={page['next_cursor']}").json()
    ids = [page["items"][0]["id"], rest["items"][0]["id"]]
    assert sorted(ids) == sorted([world.a.customer.id, world.a.sibling_customer.id])
    assert rest["next_cursor"] is None


def _get(token: str):
    from django.test import Client

    return Client().get("/api/v1/accounts", headers={"Authorization": f"Bearer {token}"})


def test_bearer_rules(world):
    m = world.members["partner_admin"]
    raw = factories.token(m)
    assert _get(raw).status_code == 200
    token = ApiToken.objects.get(membership=m)
    assert token.last_used_at is not None
    assert _get(raw + "x").status_code == 401
    assert _get("not-a-token").status_code == 401

    ApiToken.objects.filter(id=token.id).update(expires_at=timezone.now() - dt.timedelta(1))
    assert _get(raw).status_code == 401
    ApiToken.objects.filter(id=token.id).update(expires_at=None, revoked_at=timezone.now())
    assert _get(raw).status_code == 401
    ApiToken.objects.filter(id=token.id).update(revoked_at=None)
    assert _get(raw).status_code == 200

    m.user.is_active = False
    m.user.save()
    assert _get(raw).status_code == 401
    m.user.is_active = True
    m.user.save()
    world.a.reseller.status = Status.DEACTIVATED
    world.a.reseller.save()
    assert _get(raw).status_code == 401


def test_throttle_counts_resets_and_refuses():
    for _ in range(3):
        throttle.hit("test:key", limit=3, window=60)
    with pytest.raises(RateLimited) as exc:
        throttle.hit("test:key", limit=3, window=60)
    assert 0 < exc.value.retry_after <= 60
    from channeldesk.core.models import Throttle

    Throttle.objects.filter(key="test:key").update(
        window_start=timezone.now() - dt.timedelta(seconds=61)
    )
    throttle.hit("test:key", limit=3, window=60)
    assert Throttle.objects.get(key="test:key").count == 1


def test_query_budgets_of_the_measured_endpoints(world, api_as, django_assert_max_num_queries):
    """Fixed per request, whatever the page size (the benchmark's query column)."""
    for _ in range(30):
        factories.org("customer", world.a.reseller)
    api = api_as(world.members["partner_admin"])
    api.get("/accounts")  # first use: token last-used write, catalog load
    # token lookup + page (+ the catalog's version check when its cache expires)
    with django_assert_max_num_queries(3):
        assert len(api.get("/accounts?limit=50").json()["items"]) == 31
    with django_assert_max_num_queries(3):
        assert api.get("/accounts?limit=50&q=Cust").status_code == 200
    with django_assert_max_num_queries(3):
        assert api.get(f"/accounts/{world.a.customer.id}").status_code == 200
    with django_assert_max_num_queries(4):  # + the rate-limit upsert
        assert api.get("/partners/search?q=re").status_code == 200
