"""API conventions of api.md and quality.md 4, 10, 11, 13, 17, 18: idempotency, If-Match, mass
assignment, content type and size, malformed input, CSRF and security headers."""

from __future__ import annotations

import base64
import re
import threading

import pytest
from django.db import connection
from django.test import Client

from channeldesk.api.main import api as ninja_api
from channeldesk.identity.models import ApiToken, User
from channeldesk.tenancy.models import Membership, Organization
from tests import factories
from tests.factories import PASSWORD


def run_parallel(n: int, fn) -> list:
    """Run fn(i) in n threads released together; each thread uses its own DB connection."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # surfaced by the assertions on results
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


# ---- Idempotency-Key ---------------------------------------------------------------------


def test_same_key_and_body_replays_the_first_response(world, api_as):
    api = api_as(world.members["operator_admin"])
    body = {"kind": "distributor", "name": "Idem Distribution", "country": "DE"}
    first = api.post("/partners", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/partners", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    # The replay is the first answer: its ETag and Location too.
    assert again["ETag"] == first["ETag"] and first["ETag"]
    assert again["Location"] == first["Location"] == f"/api/v1/partners/{first.json()['id']}"
    assert Organization.objects.filter(name="Idem Distribution").count() == 1
    other = api.post("/partners", {**body, "name": "Other"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Organization.objects.filter(name="Other").exists()
    # Keys are per user: another user's same key is a new request.
    api2 = api_as(factories.user(world.operator, "operator_admin"))
    assert (
        api2.post("/partners", body, HTTP_IDEMPOTENCY_KEY="k-1").json()["id"] != first.json()["id"]
    )


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_duplicates_have_exactly_one_effect():
    w = factories.world()
    raw = factories.token(w.members["operator_admin"])
    body = {"kind": "reseller", "name": "Race Reseller", "country": "NL"}

    def post(i):
        r = Client().post(
            "/api/v1/partners",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
            HTTP_IDEMPOTENCY_KEY="race-key",
        )
        return r.status_code, (r.json().get("id") if r.status_code == 201 else None)

    results = run_parallel(50, post)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Organization.objects.filter(name="Race Reseller").count() == 1
    statuses = {s for s, _ in results}
    assert statuses <= {201, 409}, results
    ids = {i for s, i in results if s == 201}
    assert len(ids) == 1


# ---- If-Match ----------------------------------------------------------------------------


def test_stale_if_match_is_412_and_changes_nothing(world, api_as):
    api = api_as(world.members["partner_admin"])
    url = f"/partners/{world.a.reseller.id}"
    etag = api.get(url).json()["etag"]
    assert api.patch(url, {"city": "Utrecht"}, HTTP_IF_MATCH=etag).status_code == 200
    stale = api.patch(url, {"city": "Gouda"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert Organization.objects.get(id=world.a.reseller.id).city == "Utrecht"


@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_with_the_same_etag_lose_no_update():
    w = factories.world()
    raw = factories.token(w.members["partner_admin"])
    url = f"/api/v1/partners/{w.a.reseller.id}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for round_ in range(3):
        etag = Client().get(url, **auth).json()["etag"]

        def patch(i, etag=etag, round_=round_):
            r = Client().patch(
                url,
                {"city": f"City {round_}-{i}"},
                content_type="application/json",
                HTTP_IF_MATCH=etag,
                **auth,
            )
            return r.status_code, f"City {round_}-{i}"

        results = run_parallel(4, patch)
        assert sorted(s for s, _ in results) == [200, 412, 412, 412], results
        winner = next(city for s, city in results if s == 200)
        assert Organization.objects.get(id=w.a.reseller.id).city == winner


@pytest.mark.django_db(transaction=True)
def test_concurrent_account_patches_with_the_same_etag_lose_no_update():
    w = factories.world()
    raw = factories.token(w.members["partner_admin"])
    url = f"/api/v1/accounts/{w.a.customer.id}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    etag = Client().get(url, **auth).json()["etag"]

    def patch(i):
        r = Client().patch(
            url,
            {"name": f"Customer {i}"},
            content_type="application/json",
            HTTP_IF_MATCH=etag,
            **auth,
        )
        return r.status_code, f"Customer {i}"

    results = run_parallel(4, patch)
    assert sorted(s for s, _ in results) == [200, 412, 412, 412], results
    winner = next(name for s, name in results if s == 200)
    assert Organization.objects.get(id=w.a.customer.id).name == winner


# ---- mass assignment ---------------------------------------------------------------------


def _fields(r) -> set[str]:
    return {e["field"] for e in r.json().get("errors", [])}


def test_read_only_and_foreign_fields_are_refused_with_422(world, api_as):
    partner = api_as(world.members["partner_admin"])
    reseller = world.a.reseller
    for body, field in [
        ({"status": "deactivated"}, "status"),
        ({"parent_id": world.b.distributor.id}, "parent_id"),
        ({"kind": "distributor"}, "kind"),
        ({"id": "01ABC"}, "id"),
    ]:
        r = partner.patch(f"/partners/{reseller.id}", body)
        assert r.status_code == 422, (body, r.content)
        assert field in _fields(r), r.json()
    fresh = Organization.objects.get(id=reseller.id)
    assert (fresh.status, fresh.parent_id, fresh.kind) == (
        reseller.status,
        reseller.parent_id,
        reseller.kind,
    )

    account = world.a.customer
    for body, field in [
        ({"status": "active"}, "status"),
        ({"partner_id": world.b.reseller.id}, "partner_id"),
        ({"billing_customer_number": "4711"}, "billing_customer_number"),
        ({"cloud_region": "us-east"}, "cloud_region"),
        ({"pbx_type": "x"}, "pbx_type"),
    ]:
        r = partner.patch(f"/accounts/{account.id}", body)
        assert r.status_code == 422, (body, r.content)
        assert field in _fields(r), r.json()
    fresh = Organization.objects.get(id=account.id)
    assert fresh.parent_id == account.parent_id
    assert fresh.billing_customer_number == account.billing_customer_number

    # A distributor may not choose where its partners go.
    r = api_as(world.members["distributor_admin"]).post(
        "/partners", {"kind": "reseller", "name": "Placed", "parent_id": world.b.distributor.id}
    )
    assert r.status_code == 422 and "parent_id" in _fields(r)
    assert not Organization.objects.filter(name="Placed").exists()


def test_role_and_identity_fields_cannot_be_smuggled(world, api_as):
    admin = api_as(world.members["partner_admin"])
    r = admin.post(
        f"/partners/{world.a.reseller.id}/users",
        {"email": "boss@example.test", "name": "Boss", "role": "operator_admin"},
    )
    assert r.status_code == 422 and "role" in _fields(r)
    assert not User.objects.filter(email="boss@example.test").exists()
    target = world.members["partner_agent"]
    r = admin.patch(
        f"/partners/{world.a.reseller.id}/users/{target.user.id}", {"role": "operator_admin"}
    )
    assert r.status_code == 422
    assert Membership.objects.get(id=target.id).role == "partner_agent"
    r = admin.patch("/me", {"email": "other@example.test"})
    assert r.status_code == 422 and "email" in _fields(r)
    r = admin.post("/tokens", {"name": "x", "membership_id": world.members["operator_admin"].id})
    assert r.status_code == 422 and "membership_id" in _fields(r)
    assert not ApiToken.objects.filter(name="x").exists()


# ---- content type, size, malformed input -------------------------------------------------


def test_wrong_content_type_is_415_and_oversized_body_413(world, api_as):
    api = api_as(world.members["partner_admin"])
    r = api.client.post(
        "/api/v1/tokens", "name=x", content_type="application/x-www-form-urlencoded", **api.headers
    )
    assert r.status_code == 415
    big = '{"name": "' + "x" * (3 * 1024 * 1024) + '"}'
    r = api.client.post("/api/v1/tokens", big, content_type="application/json", **api.headers)
    assert r.status_code == 413
    assert r["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "query",
    [
        "cursor=!!!",
        "cursor=" + base64.urlsafe_b64encode(b"[1,2,3]").decode(),
        "cursor=" + base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        "cursor=" + base64.urlsafe_b64encode(b"[[1]]").decode(),
        "limit=0",
        "limit=100000",
        "limit=abc",
        "limit=-1",
    ],
)
def test_bad_paging_is_422(world, api_as, query):
    r = api_as(world.members["operator_admin"]).get(f"/partners?{query}")
    assert r.status_code == 422, r.content
    assert r.json()["errors"]


def test_malformed_bodies_and_ids_are_4xx_never_5xx(world, api_as):
    api = api_as(world.members["partner_admin"])
    for body in ('{"name": 123}', '{"name": ["a"]}', "[]", "null", '"text"', "{bad json", "{}"):
        r = api.client.post("/api/v1/tokens", body, content_type="application/json", **api.headers)
        assert 400 <= r.status_code < 500 and r.status_code != 415, (body, r.status_code)
    r = api.post("/tokens", {"name": "t", "expires_in_days": 10**30})
    assert r.status_code == 422
    for bad_id in ("x" * 300, "..%2F..%2Fetc", "01" * 13, "' OR 1=1 --"):
        r = api.get(f"/partners/{bad_id}")
        assert r.status_code == 404, (bad_id, r.status_code)
    # NUL bytes (PostgreSQL cannot store them) are refused up front, wherever they are.
    assert api.get("/partners/%00").status_code == 400
    assert api.get("/partners?q=a%00b").status_code == 400
    r = api.client.post(
        "/api/v1/tokens", '{"name": "a\\u0000b"}', content_type="application/json", **api.headers
    )
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    r = api.patch(f"/partners/{world.a.reseller.id}", {"listed": "maybe"})
    assert r.status_code == 422
    r = api.get("/audit-events?since=not-a-date")
    assert r.status_code == 422


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "not-an-id", path)


def test_every_operation_survives_garbage(world, api_as):
    """A cheap sweep over the served OpenAPI document: every operation with nonsense ids,
    cursors and bodies answers 4xx, never 5xx."""
    api = api_as(world.members["operator_admin"])
    schema = ninja_api.get_openapi_schema()
    bad = []
    for p, methods in schema["paths"].items():
        url = _fill(p)
        for method in methods:
            if method == "get":
                responses = [api.client.get(url + "?cursor=%%%&limit=7", **api.headers)]
            elif method == "delete":
                responses = [api.client.delete(url, **api.headers)]
            else:
                fn = getattr(api.client, method)
                responses = [
                    fn(url, body, content_type="application/json", **api.headers)
                    for body in ('{"x": [1, {"y": null}]}', "[]", '{"name": 7, "id": {}}')
                ]
            bad += [(method, url, r.status_code) for r in responses if r.status_code >= 500]
    assert not bad


# ---- CSRF and headers --------------------------------------------------------------------


def test_session_requests_need_the_csrf_token_bearer_requests_do_not(world):
    m = world.members["partner_admin"]
    c = Client(enforce_csrf_checks=True)
    r = c.post(
        "/api/v1/auth/login",
        {"email": m.user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 200
    csrf = c.cookies["csrftoken"].value
    without = c.post("/api/v1/tokens", {"name": "no csrf"}, content_type="application/json")
    assert without.status_code == 403
    assert not ApiToken.objects.filter(name="no csrf").exists()
    patched = c.patch("/api/v1/me", {"name": "Evil"}, content_type="application/json")
    assert patched.status_code == 403
    ok = c.post(
        "/api/v1/tokens",
        {"name": "with csrf"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert ok.status_code == 201
    raw = ok.json()["token"]
    bearer = Client(enforce_csrf_checks=True).post(
        "/api/v1/tokens",
        {"name": "bearer"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert bearer.status_code == 201
    # Pages: a form post without the token is refused.
    page = c.post("/language", {"language": "nl"})
    assert page.status_code == 403
    assert User.objects.get(pk=m.user.pk).language != "nl"


def test_security_headers_on_pages_and_api(world, web_as):
    c = web_as(world.members["partner_admin"])
    for url in ("/", "/me", "/auth/login", "/api/v1/me"):
        r = c.get(url, follow=False)
        csp = r["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert r["X-Content-Type-Options"] == "nosniff"
        assert r["Referrer-Policy"] == "no-referrer"
        assert "no-store" in r["Cache-Control"]
    static = c.get("/static/css/app.css")
    assert "no-store" not in static.get("Cache-Control", "")


INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(rb"\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(rb'\sstyle="', re.I)


def test_foundation_pages_have_no_inline_script_or_style(world, web_as):
    pages = {
        "operator_admin": [
            "/",
            "/users",
            "/audit/",
            "/notifications/",
            "/notifications/outbox/",
            "/audit/webhooks/",
            "/tokens",
            "/me",
            "/partners/",
        ],
        "partner_admin": ["/", "/users", "/audit/", "/audit/webhooks/", "/tokens", "/me"],
        "account_admin": ["/", "/users", "/me", "/notifications/"],
    }
    for role, urls in pages.items():
        c = web_as(world.members[role])
        for url in urls:
            r = c.get(url)
            assert r.status_code == 200, (role, url, r.status_code)
            assert not INLINE_SCRIPT.search(r.content), (role, url)
            assert not EVENT_HANDLER.search(r.content), (role, url)
            assert not STYLE_ATTR.search(r.content), (role, url)
    for url in ("/auth/login", "/auth/reset", "/auth/set-password?token=x"):
        r = Client().get(url)
        assert not INLINE_SCRIPT.search(r.content) and not STYLE_ATTR.search(r.content), url


def test_hsts_only_over_tls(world, settings):
    assert "Strict-Transport-Security" not in Client().get("/auth/login")
    settings.SECURE = True
    r = Client().get("/auth/login")
    assert r["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_state_change_on_get(world, web_as):
    c = web_as(world.members["partner_admin"])
    token = world.members["partner_admin"].tokens.create(name="g", token_hash="h" * 64, hint="x")
    for url in (
        "/auth/logout",
        "/language?language=nl",
        f"/tokens/{token.id}/revoke",
        "/notifications/read",
        "/membership",
    ):
        assert c.get(url).status_code == 405, url
    assert c.get("/me").status_code == 200  # still signed in
    token.refresh_from_db()
    assert token.revoked_at is None


def test_malformed_content_length_is_4xx_never_5xx(world, api_as):
    api = api_as(world.members["partner_admin"])
    for length in ("abc", "-1", "1e9", " "):
        r = api.client.post(
            "/api/v1/tokens",
            '{"name": "t"}',
            content_type="application/json",
            CONTENT_LENGTH=length,
            **api.headers,
        )
        assert 400 <= r.status_code < 500, (length, r.status_code)
