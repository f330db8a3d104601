"""API tokens: shown once, stored hashed, Bearer auth, immediate revocation, last use, expiry."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from channeldesk.identity import actions
from channeldesk.identity.models import ApiToken, hash_secret
from channeldesk.tenancy import actions as tenancy_actions
from channeldesk.tenancy.roles import Status


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_is_shown_once_stored_hashed_and_works_as_bearer(world, api_as):
    api = api_as(world.members["partner_admin"])
    r = api.post("/tokens", {"name": "CI", "expires_in_days": 30})
    assert r.status_code == 201
    raw = r.json()["token"]
    row = ApiToken.objects.get(id=r.json()["id"])
    assert row.token_hash == hash_secret(raw) and raw not in row.token_hash
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    listed = api.get("/tokens").json()["items"]
    assert raw not in str(listed)
    assert {t["name"] for t in listed} >= {"CI"}
    me = Client().get("/api/v1/me", **bearer(raw))
    assert me.status_code == 200
    assert me.json()["email"] == world.members["partner_admin"].user.email
    assert ApiToken.objects.get(id=row.id).last_used_at is not None


def test_revoked_token_fails_on_the_next_request(world, api_as):
    api = api_as(world.members["account_admin"])
    created = api.post("/tokens", {"name": "script"}).json()
    c = Client()
    assert c.get("/api/v1/me", **bearer(created["token"])).status_code == 200
    assert api.delete(f"/tokens/{created['id']}").status_code == 204
    r = c.get("/api/v1/me", **bearer(created["token"]))
    assert r.status_code == 401
    assert r["Content-Type"] == "application/problem+json"


def test_expired_and_unknown_tokens_are_401(world, api_as):
    raw = api_as(world.members["partner_admin"]).post("/tokens", {"name": "short"}).json()
    ApiToken.objects.filter(id=raw["id"]).update(expires_at=timezone.now() - dt.timedelta(1))
    assert Client().get("/api/v1/me", **bearer(raw["token"])).status_code == 401
    assert Client().get("/api/v1/me", **bearer("cdk_not-a-token")).status_code == 401
    assert Client().get("/api/v1/me", **bearer("x" * 5000)).status_code == 401
    assert Client().get("/api/v1/me").status_code == 401


def test_tokens_stop_at_once_when_the_organization_is_deactivated(world, api_as):
    m = world.members["partner_agent"]
    api = api_as(m)
    assert api.get("/me").status_code == 200
    tenancy_actions.set_partner_status(
        world.actor("operator_admin"), m.organization, Status.DEACTIVATED
    )
    assert api.get("/me").status_code == 401


def test_tokens_stop_when_the_membership_is_removed(world, api_as):
    m = world.members["site_admin"]
    api = api_as(m)
    assert api.get("/me").status_code == 200
    actions.remove_membership(world.actor("account_admin"), m)
    assert api.get("/me").status_code == 401


def test_tokens_stop_when_the_user_is_deactivated(world, api_as):
    m = world.members["member"]
    api = api_as(m)
    m.user.is_active = False
    m.user.save(update_fields=["is_active"])
    assert api.get("/me").status_code == 401


def test_someone_elses_token_cannot_be_revoked(world, api_as):
    other = api_as(world.members["b_partner_admin"]).post("/tokens", {"name": "b"}).json()
    r = api_as(world.members["partner_admin"]).delete(f"/tokens/{other['id']}")
    assert r.status_code == 404
    assert ApiToken.objects.get(id=other["id"]).revoked_at is None


def test_roles_without_token_right_cannot_create_tokens(world, api_as):
    assert api_as(world.members["member"]).post("/tokens", {"name": "m"}).status_code == 403


def test_tokens_page_shows_the_token_once(world, web_as):
    c = web_as(world.members["partner_admin"])
    r = c.post("/tokens", {"name": "From the page", "expires_in_days": "7"})
    assert r.status_code == 200
    raw = r.context["created"]["raw"]
    assert raw.encode() in r.content
    again = c.get("/tokens")
    assert raw.encode() not in again.content and b"From the page" in again.content
