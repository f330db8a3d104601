"""api.fast answers the hottest bearer reads in front of Django: it must answer exactly what
Django answers (status, headers, body) for every role and tenant relation, answer the plain
successful case itself, and leave everything else to Django."""

from __future__ import annotations

import io
import sys
from urllib.parse import urlencode

import pytest
from django.core.handlers.wsgi import WSGIHandler

from channeldesk.api.fast import FastReads
from channeldesk.api.main import FAST_ROUTES
from channeldesk.audit.models import AuditEvent
from channeldesk.tenancy.roles import Status
from tests import factories

# Real requests end with Django's connection housekeeping (close_old_connections), which
# only keeps the connection outside a transaction: these tests commit like a server does.
pytestmark = pytest.mark.django_db(transaction=True)

# The principals of tree A (the world's other members are targets, not callers).
TARGETS = ("b_", "a_sibling_", "direct_")


class Counting:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self) -> None:
        self.app = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


def _environ(path: str, query: dict | str, token: str | None, extra: dict) -> dict:
    qs = query if isinstance(query, str) else urlencode(query)
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": qs,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_REQUEST_ID": "parity-1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    if token is not None:
        env["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    env.update(extra)
    return env


def _call(app, env: dict):
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers

    chunks = app(dict(env, **{"wsgi.input": io.BytesIO(b"")}), start_response)
    body = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return seen["status"], [(k.lower(), v) for k, v in seen["headers"]], body


@pytest.fixture
def apps():
    django_app = Counting()
    return FastReads(django_app, FAST_ROUTES), django_app


def _compare(apps, path, query, token, *, extra=None, fast: bool | None = None):
    """Same answer from both; `fast`: True = api.fast answered, False = Django did."""
    fast_app, django_app = apps
    env = _environ(path, query, token, extra or {})
    before = django_app.calls
    got = _call(fast_app, env)
    answered_fast = django_app.calls == before
    want = _call(django_app, env)
    assert got[0] == want[0], (path, query, got[2][:300], want[2][:300])
    assert got[2] == want[2], (path, query)
    got_h, want_h = sorted(got[1]), sorted(want[1])
    if env["HTTP_X_REQUEST_ID"] != "parity-1":  # refused: each side makes a fresh random id
        ids = [dict(h).pop("x-request-id") for h in (got_h, want_h)]
        assert all(len(i) == 16 and int(i, 16) >= 0 for i in ids)
        got_h, want_h = ([x for x in h if x[0] != "x-request-id"] for h in (got_h, want_h))
    assert got_h == want_h, (path, query)
    if fast is not None:
        assert answered_fast is fast, (path, query, got[0])
    if answered_fast:  # api.fast answers only successes (and a rate limit)
        assert got[0].startswith(("200", "429")), (path, query, got[0])
    return (*got, answered_fast)


def test_fast_routes_cover_the_hot_reads():
    patterns = {r.pattern.pattern for r in FAST_ROUTES}
    assert r"/api/v1/accounts" in patterns
    assert r"/api/v1/partners/search" in patterns
    assert any(p.startswith(r"/api/v1/accounts/") for p in patterns)


def test_account_reads_are_the_same_for_every_role_and_relation(world, apps):
    ids = {
        "own customer": world.a.customer.id,
        "sibling customer": world.a.sibling_customer.id,
        "other tree": world.b.customer.id,
        "direct": world.direct_customer.id,
        "a reseller": world.a.reseller.id,
        "unknown": "01AAAAAAAAAAAAAAAAAAAAAAAA",
    }
    for key in [k for k in world.members if not k.startswith(TARGETS)]:
        token = factories.token(world.members[key])
        status, _, _, fast = _compare(apps, "/api/v1/accounts", {}, token)
        assert status.startswith("200") and fast, (key, status)
        for label, account_id in ids.items():
            status, headers, _, fast = _compare(apps, f"/api/v1/accounts/{account_id}", {}, token)
            if status.startswith("200"):
                assert fast and dict(headers)["etag"].startswith(f'"{account_id}-')
            else:
                assert status.startswith("404"), (key, label, status)


def test_account_list_parameters(world, apps):
    token = factories.token(world.members["distributor_admin"])
    first = _compare(apps, "/api/v1/accounts", {"limit": "1"}, token, fast=True)
    import orjson

    cursor = orjson.loads(first[2])["next_cursor"]
    assert cursor
    cases = [
        ({"limit": "1", "cursor": cursor}, True),
        ({"q": "cust"}, True),
        ({"q": "Çust"}, True),
        ({"q": ""}, True),
        ({"status": "active"}, True),
        ({"status": "deleted", "limit": "200"}, True),
        ({"partner_id": world.a.reseller.id}, True),
        ({"partner_id": world.b.reseller.id}, True),
        ({"partner_id": ""}, True),
        ({"cursor": ""}, True),
        ({"q": "x" * 250}, True),
        # Django decides (and refuses or accepts) everything unusual:
        ({"status": "bogus"}, False),
        ({"status": ""}, False),
        ({"limit": "0"}, False),
        ({"limit": "201"}, False),
        ({"limit": "050"}, False),
        ({"limit": "abc"}, False),
        ({"cursor": "not-a-cursor"}, False),
        ({"cursor": "WzFd"}, False),  # [1]: a number where the id is a string
        ({"unknown": "1"}, False),
        ("limit=1&limit=2", False),
        ("q=%00", False),
        ("a=b=c&&", False),
    ]
    for query, fast in cases:
        _compare(apps, "/api/v1/accounts", query, token, fast=fast)
    assert {s for s in Status.values} >= {"active", "deleted"}


def test_languages_and_headers(world, apps):
    token = factories.token(world.members["partner_admin"])
    path = f"/api/v1/accounts/{world.a.customer.id}"
    for lang in ("de", "nl", "en-GB,en;q=0.8", "fr", "de-CH;q=0.9, nl;q=1", "*", ";;;"):
        status, *_ = _compare(
            apps, path, {}, token, extra={"HTTP_ACCEPT_LANGUAGE": lang}, fast=True
        )
        assert status.startswith("200")
    _compare(apps, path, {}, token, extra={"HTTP_COOKIE": "channeldesk_language=de"}, fast=False)
    _compare(apps, path, {}, token, extra={"HTTP_X_REQUEST_ID": "bad id!"}, fast=True)
    _compare(apps, path, {}, token, extra={"HTTP_HOST": "evil.example:80"})


def test_authentication_failures_are_djangos(world, apps, django_user_model):
    member = world.members["partner_admin"]
    token = factories.token(member)
    path = f"/api/v1/accounts/{world.a.customer.id}"
    for bad in (None, "", "cdk_wrong", "x" * 200):
        status, *_ = _compare(apps, path, {}, bad, fast=False)
        assert status.startswith("401")
    _compare(apps, path, {}, token, extra={"HTTP_AUTHORIZATION": f"Bearer  {token}"}, fast=False)
    _compare(apps, path, {}, token, extra={"HTTP_AUTHORIZATION": f"bearer {token}"}, fast=True)
    # Revocation and deactivation are seen on the very next request (no stale actor).
    _compare(apps, path, {}, token, fast=True)
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    status, *_ = _compare(apps, path, {}, token, fast=False)
    assert status.startswith("401")
    member.user.is_active = True
    member.user.save(update_fields=["is_active"])
    _compare(apps, path, {}, token, fast=True)
    member.role = "partner_agent"
    member.save(update_fields=["role"])
    _compare(apps, path, {}, token, fast=True)
    member.organization.status = "deactivated"
    member.organization.save(update_fields=["status"])
    status, *_ = _compare(apps, path, {}, token, fast=False)
    assert status.startswith("401")


def test_denials_stay_audited(world, apps):
    token = factories.token(world.members["partner_admin"])
    before = AuditEvent.objects.filter(action="request.denied").count()
    fast_app, _ = apps
    _call(fast_app, _environ(f"/api/v1/accounts/{world.b.customer.id}", {}, token, {}))
    assert AuditEvent.objects.filter(action="request.denied").count() == before + 1


def test_partner_search_is_the_same(world, apps):
    token = factories.token(world.members["account_admin"])
    for query, fast in [
        ({"q": "re"}, True),
        ({"q": "RÉS"}, True),
        ({"q": "re", "kind": "reseller"}, True),
        ({"q": "di", "kind": "distributor"}, True),
        ({"q": "re", "kind": ""}, True),
        ({"q": "re", "kind": "operator"}, True),
        ({"q": "r"}, False),
        ({"q": ""}, False),
        ({}, False),
    ]:
        _compare(apps, "/api/v1/partners/search", query, token, fast=fast)


def test_partner_search_rate_limit_is_answered_once(world, apps):
    """429 from the fast path itself: falling back would count the request twice."""
    fast_app, django_app = apps
    token = factories.token(world.members["account_admin"])
    env = _environ("/api/v1/partners/search", {"q": "re"}, token, {})
    statuses = [_call(fast_app, env)[0] for _ in range(121)]
    assert all(s.startswith("200") for s in statuses[:120])
    assert statuses[120].startswith("429")
    status, headers, body = _call(fast_app, env)
    assert status.startswith("429") and dict(headers)["retry-after"]
    assert b"Too many requests" in body
    calls = django_app.calls
    want = _call(django_app, env)
    assert django_app.calls == calls + 1
    assert want[0] == status and want[2] == body


def test_subscription_list_is_the_same_for_every_role(world, apps):
    from tests.subscriptions.factories import subscription

    for account in (world.a.customer, world.a.sibling_customer, world.b.customer):
        subscription(account, quantity=3)
        subscription(account, quantity=5, product="meetings_pro")
    annual = subscription(world.a.customer, quantity=2)
    annual.status = "suspended"
    annual.save(update_fields=["status"])
    for key in [k for k in world.members if not k.startswith(TARGETS)]:
        token = factories.token(world.members[key])
        status, *_ = _compare(apps, "/api/v1/subscriptions", {}, token)
        assert status.startswith(("200", "403")), (key, status)
    token = factories.token(world.members["distributor_admin"])
    first = _compare(apps, "/api/v1/subscriptions", {"limit": "2"}, token, fast=True)
    import orjson

    cursor = orjson.loads(first[2])["next_cursor"]
    for query, fast in [
        ({"limit": "2", "cursor": cursor}, True),
        ({"status": "active"}, True),
        ({"status": "suspended"}, True),
        ({"product": "meetings_pro"}, True),
        ({"q": "sibling"}, True),
        ({"account_id": world.a.customer.id}, True),
        ({"account_id": world.b.customer.id}, True),
        ({"sort": "customer"}, True),
        ({"sort": "-customer", "limit": "1"}, True),
        ({"sort": "quantity"}, True),
        ({"sort": "-next_payment_date"}, True),
        ({"sort": "bogus"}, True),
        ({"status": "bogus"}, False),
        ({"limit": "999"}, False),
        ({"cursor": "WzFd"}, True),  # [1]: the ORM's keyset compares it as the id's text
    ]:
        _compare(apps, "/api/v1/subscriptions", query, token, fast=fast)
    for sort in ("customer", "quantity", "-next_payment_date", "product"):
        page = orjson.loads(
            _compare(apps, "/api/v1/subscriptions", {"sort": sort, "limit": "1"}, token)[2]
        )
        _compare(
            apps,
            "/api/v1/subscriptions",
            {"sort": sort, "limit": "1", "cursor": page["next_cursor"]},
            token,
            fast=True,
        )
