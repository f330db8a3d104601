"""Invitation and password reset through a real SMTP server, up to the first sign-in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from channeldesk.identity.models import User, UserToken, hash_secret
from channeldesk.tenancy.models import Membership
from tests.conftest import body_of

BASE = "https://portal.example.test"
NEW_PASSWORD = "a long and fresh passphrase"
LINK = re.compile(re.escape(BASE) + r"/auth/set-password\?token=([A-Za-z0-9_\-]+)")


def json_post(client: Client, path: str, body: dict, **extra):
    return client.post(path, body, content_type="application/json", **extra)


def token_from(msg) -> str:
    text = body_of(msg)
    m = LINK.search(text)
    assert m, text
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert m.group(1) in html  # the HTML part carries the same link
    return m.group(1)


@pytest.fixture
def base_url(settings):
    settings.BASE_URL = BASE
    return BASE


def test_invitation_email_to_first_login_through_the_page(
    world, api_as, smtp_server, deliver, base_url, settings
):
    # Even where any Host is let through (CHANNELDESK_ALLOWED_HOSTS=*), links use BASE_URL.
    settings.ALLOWED_HOSTS = ["*"]
    api = api_as(world.members["partner_admin"])
    r = api.post(
        f"/partners/{world.a.reseller.id}/users",
        {"email": "New.Agent@Example.test", "name": "New Agent", "role": "partner_agent"},
        HTTP_HOST="attacker.example",  # the link must never come from the Host header
    )
    assert r.status_code == 201, r.content
    assert deliver() == 1
    [msg] = smtp_server.to("new.agent@example.test")
    assert "attacker.example" not in msg.as_string()
    token = token_from(msg)

    # Stored hashed, 7 days, at least 128 bits.
    row = UserToken.objects.get(token_hash=hash_secret(token))
    assert row.purpose == "invitation"
    assert len(token) >= 43
    lifetime = row.expires_at - row.created_at
    assert dt.timedelta(days=7) - dt.timedelta(minutes=1) < lifetime <= dt.timedelta(days=7)

    browser = Client()
    page = browser.get(f"/auth/set-password?token={token}")
    assert page.status_code == 200
    assert b"new.agent@example.test" in page.content and b'name="password2"' in page.content
    r = browser.post(
        f"/auth/set-password?token={token}",
        {"token": token, "name": "Nora Agent", "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert r.status_code == 302 and r["Location"] == "/"
    assert browser.get("/api/v1/me").json()["name"] == "Nora Agent"

    # Single use: the same link cannot set a password again.
    again = json_post(
        Client(), "/api/v1/auth/password/set", {"token": token, "password": "another passphrase x"}
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "token"

    # First sign-in through the API with the chosen password.
    r = json_post(
        Client(),
        "/api/v1/auth/login",
        {"email": "new.agent@example.test", "password": NEW_PASSWORD},
    )
    assert r.status_code == 200
    assert r.json()["memberships"] == [
        {
            "organization": {
                "id": world.a.reseller.id,
                "name": world.a.reseller.name,
                "kind": "reseller",
            },
            "role": "partner_agent",
        }
    ]


def test_invitation_through_the_api_and_expired_links(
    world, api_as, smtp_server, deliver, base_url
):
    api = api_as(world.members["account_admin"])
    r = api.post(
        f"/accounts/{world.a.customer.id}/users",
        {"email": "site@example.test", "name": "Site", "role": "site_admin"},
    )
    assert r.status_code == 201, r.content
    deliver()
    token = token_from(smtp_server.to("site@example.test")[0])

    # An expired link is refused and sets nothing.
    UserToken.objects.filter(token_hash=hash_secret(token)).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    r = json_post(Client(), "/api/v1/auth/password/set", {"token": token, "password": NEW_PASSWORD})
    assert r.status_code == 422
    assert not User.objects.get(email="site@example.test").has_usable_password()

    UserToken.objects.filter(token_hash=hash_secret(token)).update(
        expires_at=timezone.now() + dt.timedelta(days=1)
    )
    weak = json_post(Client(), "/api/v1/auth/password/set", {"token": token, "password": "short"})
    assert weak.status_code == 422 and weak.json()["errors"][0]["field"] == "password"
    ok = json_post(
        Client(), "/api/v1/auth/password/set", {"token": token, "password": NEW_PASSWORD}
    )
    assert ok.status_code == 204
    assert User.objects.get(email="site@example.test").check_password(NEW_PASSWORD)


def test_invitation_is_in_the_recipients_language(world, api_as, smtp_server, deliver, base_url):
    org = world.a.customer
    org.default_language = "de"
    org.save(update_fields=["default_language"])
    api_as(world.members["account_admin"]).post(
        f"/accounts/{org.id}/users", {"email": "de@example.test", "name": "D", "role": "member"}
    )
    deliver()
    [msg] = smtp_server.to("de@example.test")
    assert msg["Content-Language"] == "de"
    assert "Passwort" in body_of(msg)


def test_password_reset_is_always_202_and_the_link_lasts_one_hour(
    world, smtp_server, deliver, base_url
):
    unknown = json_post(Client(), "/api/v1/auth/password/reset", {"email": "nobody@example.test"})
    assert unknown.status_code == 202
    assert deliver() == 0

    member = world.members["member"]
    r = json_post(Client(), "/api/v1/auth/password/reset", {"email": member.user.email.upper()})
    assert r.status_code == 202
    assert deliver() == 1
    token = token_from(smtp_server.to(member.user.email)[0])
    row = UserToken.objects.get(token_hash=hash_secret(token))
    assert row.purpose == "reset"
    assert row.expires_at - row.created_at <= dt.timedelta(hours=1)
    assert row.expires_at - row.created_at > dt.timedelta(minutes=59)

    r = json_post(Client(), "/api/v1/auth/password/set", {"token": token, "password": NEW_PASSWORD})
    assert r.status_code == 204
    old = json_post(
        Client(),
        "/api/v1/auth/login",
        {"email": member.user.email, "password": "correct-horse-battery-staple"},
    )
    assert old.status_code == 401
    new = json_post(
        Client(), "/api/v1/auth/login", {"email": member.user.email, "password": NEW_PASSWORD}
    )
    assert new.status_code == 200


def test_reset_page_answers_the_same_for_unknown_addresses(world, smtp_server, deliver):
    known = Client().post("/auth/reset", {"email": world.members["member"].user.email})
    unknown = Client().post("/auth/reset", {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 200
    assert known.content.replace(b"nobody@example.test", b"").count(
        b"<form"
    ) == unknown.content.count(b"<form")
    assert deliver() == 1


def test_adding_an_existing_user_sends_a_sign_in_link_not_a_token(
    world, api_as, smtp_server, deliver, base_url
):
    existing = world.members["b_account_admin"].user
    r = api_as(world.members["partner_admin"]).post(
        f"/partners/{world.a.reseller.id}/users",
        {"email": existing.email, "name": "", "role": "partner_agent"},
    )
    assert r.status_code == 201
    deliver()
    [msg] = smtp_server.to(existing.email)
    assert f"{BASE}/auth/login" in body_of(msg)
    assert not UserToken.objects.filter(user=existing).exists()
    assert Membership.objects.filter(user=existing).count() == 2


def test_set_password_page_says_when_a_link_is_spent(db):
    page = Client().get("/auth/set-password?token=not-a-real-token")
    assert page.status_code == 200
    assert b'role="alert"' in page.content and b'name="password"' not in page.content
    assert b'href="/auth/reset"' in page.content


def test_invitation_e_mails_are_rate_limited_per_user(world, api_as):
    """quality.md 16: every invitation sends an e-mail; an admin cannot turn the platform into
    a mailer. Over the hourly limit: 429, no membership, no e-mail."""
    from channeldesk.identity.actions import INVITES_PER_HOUR
    from channeldesk.notifications.models import OutboxEmail

    api = api_as(world.members["account_admin"])
    url = f"/accounts/{world.a.customer.id}/users"
    for n in range(INVITES_PER_HOUR):
        r = api.post(url, {"email": f"many{n}@example.test", "name": "M", "role": "member"})
        assert r.status_code == 201, (n, r.content)
    r = api.post(url, {"email": "onetoomany@example.test", "name": "M", "role": "member"})
    assert r.status_code == 429 and r["Retry-After"]
    assert not Membership.objects.filter(user__email="onetoomany@example.test").exists()
    assert not OutboxEmail.objects.filter(to="onetoomany@example.test").exists()
