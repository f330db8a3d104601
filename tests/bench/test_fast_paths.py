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


def test_account_detail_row_equals_the_schema_representation(world, api_as):
    api = api_as(world.members["operator_admin"])
    for account in (world.a.customer, world.direct_customer):
        response = api.get(f"/accounts/{account.id}")
        assert response.status_code == 200
        account = Account.objects.select_related("parent").get(id=account.id)
        expected = AccountOut.model_validate(queries.account_out(account)).model_dump()
        assert response.json() == orjson.loads(orjson.dumps(expected))
        assert response.headers["ETag"] == account.etag
        assert response.headers["Content-Type"] == "application/json"
    assert api.get(f"/accounts/{world.a.customer.id}").json()["partner"]["name"] == "Reseller A"


def test_account_detail_keeps_reach_and_the_etag_flow(world, api_as):
    reseller_b = api_as(world.members["partner_admin"])
    assert reseller_b.get(f"/accounts/{world.a.customer.id}").status_code == 200
    other = world.direct_customer
    assert reseller_b.get(f"/accounts/{other.id}").status_code == 404
    assert reseller_b.get("/accounts/not-an-id").status_code == 404
    assert reseller_b.get(f"/accounts/{world.a.reseller.id}").status_code == 404  # not a customer
    etag = reseller_b.get(f"/accounts/{world.a.customer.id}").headers["ETag"]
    patched = reseller_b.patch(
        f"/accounts/{world.a.customer.id}", {"city": "Delft"}, headers={"If-Match": etag}
    )
    assert patched.status_code == 200
    assert reseller_b.get(f"/accounts/{world.a.customer.id}").headers["ETag"] != etag


class _Recorder:
    calls: list[str] = []

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _Recorder.calls.append(request.path)
        return self.get_response(request)


def test_session_middleware_is_skipped_only_for_bearer_api_requests(rf):
    from django.conf import settings
    from django.http import HttpResponse
    from django.utils.module_loading import import_string

    from channeldesk.core.middleware import web_only

    wrapped = web_only(_Recorder)(lambda r: HttpResponse("ok"))
    _Recorder.calls = []
    bearer = {"Authorization": "Bearer cdk_x"}
    wrapped(rf.get("/api/v1/accounts", headers=bearer))
    wrapped(rf.get("/api/v1/accounts", headers={"Authorization": "bearer cdk_x"}))
    assert _Recorder.calls == []
    wrapped(rf.get("/api/v1/accounts"))  # session-authenticated API call
    wrapped(rf.get("/api/v1/accounts", headers={"Authorization": "Basic eDp5"}))
    wrapped(rf.post("/api/v1/auth/login", headers=bearer))  # sign-in always needs the session
    wrapped(rf.get("/accounts/", headers=bearer))  # pages
    web = ["/api/v1/accounts", "/api/v1/accounts", "/api/v1/auth/login", "/accounts/"]
    assert _Recorder.calls == web
    # In effect: the session-bound middleware of the stack is wrapped, the rest is not.
    names = {import_string(m).__name__ for m in settings.MIDDLEWARE}
    assert {
        "WebOnlySessionMiddleware",
        "WebOnlyCsrfMiddleware",
        "WebOnlyAuthenticationMiddleware",
        "WebOnlyMessageMiddleware",
    } <= names
    assert {"RequestContextMiddleware", "SecurityHeadersMiddleware", "ApiMiddleware"} <= names


def test_bearer_requests_keep_headers_api_checks_and_ignore_sessions(world, api_as, web_as):
    from django.test import Client

    token = factories.token(world.members["partner_admin"])
    client = web_as(world.members["operator_admin"])  # a session cookie of someone else
    ok = client.get(
        "/api/v1/accounts", headers={"Authorization": f"Bearer {token}", "X-Request-Id": "abc-1"}
    )
    assert ok.status_code == 200
    assert {i["id"] for i in ok.json()["items"]} == {world.a.customer.id}  # the token's reach
    assert ok.headers["X-Request-Id"] == "abc-1"
    assert ok.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in ok.headers and ok.headers["X-Frame-Options"] == "DENY"
    assert "sessionid" not in ok.cookies and "csrftoken" not in ok.cookies
    bad = client.get("/api/v1/accounts", headers={"Authorization": "Bearer cdk_wrong"})
    assert bad.status_code == 401  # the session does not stand in for a bad token
    auth = {"Authorization": f"Bearer {token}"}
    assert (
        Client().post("/api/v1/accounts", "x", content_type="text/plain", headers=auth)
    ).status_code == 415
    big = "[" + "1," * 3_000_000 + "1]"
    assert (
        Client().post("/api/v1/accounts", big, content_type="application/json", headers=auth)
    ).status_code == 413
    # The web pages still have their session and their CSRF check (process_view).
    assert client.get("/accounts/").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post("/language", {"language": "nl"}).status_code == 403


def test_account_list_page_rows_link_and_label_as_before(
    world, web_as, django_assert_max_num_queries
):
    from django.urls import reverse
    from django.utils import translation

    Account.objects.filter(id=world.a.sibling_customer.id).update(status=Status.DEACTIVATED)
    member = world.members["distributor_admin"]
    member.user.language = "de"
    member.user.save(update_fields=["language"])
    client = web_as(member)
    client.get("/accounts/")
    for _ in range(3):
        factories.org("customer", world.a.reseller)
    # session, user, memberships, page, unread count (+ catalog version): no query per row
    with django_assert_max_num_queries(7):
        html = client.get("/accounts/").content.decode()
    with translation.override("de"):
        active, deactivated = str(Status.ACTIVE.label), str(Status.DEACTIVATED.label)
    assert active != "Active"  # the German catalog is in use
    for account, label, status in (
        (world.a.customer, active, "active"),
        (world.a.sibling_customer, deactivated, "deactivated"),
    ):
        row = html.split(f'<a href="{reverse("accounts:detail", args=[account.id])}">', 1)[1]
        row = row.split("</tr>", 1)[0]
        assert row.startswith(account.name)
        assert f'<span class="status {status}">{label}</span>' in row
    assert world.b.customer.name not in html


def test_partner_search_rows_equal_the_orm_search(world, api_as):
    from channeldesk.tenancy.queries import search_listed_partner_rows, search_listed_partners

    for i in range(12):
        factories.org("reseller", world.a.distributor, name=f"Récolte {i:02}", listed=True)
    factories.org("reseller", world.a.distributor, name="Recolte hidden", listed=False)
    actor = world.actor("b_partner_admin")
    for q, kind in (("reco", None), ("RÉCO", "reseller"), ("reco", "distributor"), ("di", None)):
        rows = search_listed_partner_rows(actor, q, kind=kind)
        expected = search_listed_partners(actor, q, kind=kind)
        assert rows == [
            {"id": o.id, "name": o.name, "city": o.city, "country": o.country} for o in expected
        ]
    assert len(search_listed_partner_rows(actor, "reco")) == 10
    assert search_listed_partner_rows(actor, "reco", kind="customer") == []
    api = api_as(world.members["b_partner_admin"])
    body = api.get("/partners/search?q=r%C3%A9colte%200").json()
    assert [i["name"] for i in body["items"]] == [f"Récolte {i:02}" for i in range(10)]
    assert api.get("/partners/search?q=r").status_code == 422
    assert api.get("/partners/search?q=%25%27").json() == {"items": []}  # no pattern, bound
