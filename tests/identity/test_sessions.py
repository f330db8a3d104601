"""Sign-in and sign-out (API and pages), session rotation, expiry, throttling, passwords."""

from __future__ import annotations

import time

import pytest
from argon2 import PasswordHasher, Type
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client

from channeldesk.audit.models import AuditEvent
from channeldesk.identity import actions
from channeldesk.identity.models import User
from channeldesk.tenancy import actions as tenancy_actions
from channeldesk.tenancy.roles import Status
from tests.factories import PASSWORD


def login(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(
        "/api/v1/auth/login",
        {"email": email, "password": password},
        content_type="application/json",
        **extra,
    )


def test_api_login_sets_session_and_csrf_cookies_and_rotates_the_session(world):
    email = world.members["partner_admin"].user.email
    c = Client()
    pre = SessionStore()
    pre["note"] = "before sign-in"
    pre.save()
    c.cookies[settings.SESSION_COOKIE_NAME] = pre.session_key
    r = login(c, email.upper())
    assert r.status_code == 200
    assert r.json()["email"] == email
    new_key = c.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != pre.session_key
    assert not Session.objects.filter(session_key=pre.session_key).exists()
    assert c.cookies["csrftoken"].value
    cookie = r.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert c.get("/api/v1/me").status_code == 200


def test_bad_credentials_are_401_with_the_same_answer_for_unknown_emails(world):
    email = world.members["member"].user.email
    wrong = login(Client(), email, "wrong password here")
    unknown = login(Client(), "nobody@example.test", "wrong password here")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    failed = AuditEvent.objects.filter(action="auth.login_failed", outcome="failed")
    assert failed.count() == 2
    assert "password" not in str(list(failed.values_list("changes", flat=True))).replace(
        "***", ""
    ) or all(c.get("password") in (None, "***") for c in failed.values_list("changes", flat=True))


def test_logout_ends_the_session(world):
    c = Client()
    login(c, world.members["member"].user.email)
    key = c.cookies[settings.SESSION_COOKIE_NAME].value
    assert c.post("/api/v1/auth/logout", content_type="application/json").status_code == 204
    assert not Session.objects.filter(session_key=key).exists()
    # Replaying the old cookie does not bring the session back.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get("/api/v1/me").status_code == 401


def test_login_and_logout_pages(world):
    c = Client()
    page = c.get("/auth/login")
    assert page.status_code == 200 and b'autocomplete="current-password"' in page.content
    bad = c.post("/auth/login", {"email": world.members["member"].user.email, "password": "nope"})
    assert bad.status_code == 401
    r = c.post(
        "/auth/login",
        {"email": world.members["member"].user.email, "password": PASSWORD, "next": "/me"},
    )
    assert r.status_code == 302 and r["Location"] == "/me"
    assert c.get("/me").status_code == 200
    # An off-site next is ignored (no open redirect).
    c2 = Client()
    r = c2.post(
        "/auth/login",
        {
            "email": world.members["member"].user.email,
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert r["Location"] == "/"
    assert c.post("/auth/logout").status_code == 302
    assert c.get("/me")["Location"].startswith("/auth/login")


def _age_session(client: Client, **shift: float) -> None:
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    s = SessionStore(session_key=key)
    for field, seconds in shift.items():
        s[field] = s[field] - seconds
    s.save()


def test_idle_session_expires(world):
    c = Client()
    login(c, world.members["member"].user.email)
    _age_session(c, seen=settings.SESSION_IDLE_SECONDS + 5)
    assert c.get("/api/v1/me").status_code == 401


def test_session_expires_after_the_absolute_lifetime_even_when_active(world):
    c = Client()
    login(c, world.members["member"].user.email)
    # Active a minute ago, but signed in longer ago than the absolute lifetime.
    _age_session(c, started=settings.SESSION_COOKIE_AGE + 5)
    assert c.get("/api/v1/me").status_code == 401


def test_password_change_ends_the_other_sessions(world):
    email = world.members["account_admin"].user.email
    here, elsewhere = Client(), Client()
    login(here, email)
    login(elsewhere, email)
    r = here.post(
        "/me",
        {
            "form": "password",
            "current_password": PASSWORD,
            "new_password": "a brand new long passphrase",
        },
    )
    assert r.status_code == 302
    assert here.get("/api/v1/me").status_code == 200
    assert elsewhere.get("/api/v1/me").status_code == 401


def test_login_is_throttled_per_account_and_address_without_locking_out_others(world):
    email = world.members["partner_agent"].user.email
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(actions.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert login(attacker, email, "guessing wrong").status_code == 401
    blocked = login(attacker, email, PASSWORD)
    assert blocked.status_code == 429
    assert 0 < int(blocked["Retry-After"]) <= actions.LOGIN_WINDOW
    # The owner, from their own address, still signs in.
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert login(owner, email, PASSWORD).status_code == 200
    # And the page answers 429 with Retry-After too.
    page = attacker.post("/auth/login", {"email": email, "password": PASSWORD})
    assert page.status_code == 429 and int(page["Retry-After"]) > 0


def test_login_is_throttled_per_address(world):
    spray = Client(REMOTE_ADDR="203.0.113.77")
    for i in range(actions.LOGIN_FAILURES_PER_ADDRESS):
        assert login(spray, f"user{i}@example.test", "guessing wrong").status_code == 401
    r = login(spray, world.members["member"].user.email, PASSWORD)
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert login(other, world.members["member"].user.email, PASSWORD).status_code == 200


def test_successful_login_clears_the_account_counter(world):
    email = world.members["site_admin"].user.email
    c = Client(REMOTE_ADDR="192.0.2.5")
    for _ in range(actions.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS - 1):
        login(c, email, "wrong one")
    assert login(c, email).status_code == 200
    for _ in range(actions.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS - 1):
        assert login(Client(REMOTE_ADDR="192.0.2.5"), email, "wrong one").status_code == 401


def test_passwords_are_argon2id_at_asvs_parameters(world):
    user = world.members["member"].user
    user.set_password("a perfectly fine passphrase")
    algo, variant, version, params, *_ = user.password.split("$")
    assert (algo, variant, version) == ("argon2", "argon2id", "v=19")
    fields = dict(p.split("=") for p in params.split(","))
    assert int(fields["m"]) >= 19456 and int(fields["t"]) >= 2 and fields["p"] == "1"


def test_weaker_hash_is_upgraded_at_login(world):
    user = world.members["member"].user
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID)
    User.objects.filter(pk=user.pk).update(password="argon2" + weak.hash("an old weak hash pw"))
    assert login(Client(), user.email, "an old weak hash pw").status_code == 200
    stored = User.objects.get(pk=user.pk).password
    assert "m=19456,t=2,p=1" in stored


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("elevenchars", False),  # 11
        ("twelve chars", True),  # 12
        ("x" * 64 + " passphrase", True),  # long passphrases allowed
        ("z" * 129, False),  # bounded
        ("password1234", False),  # common list
        ("qwertyuiop123", False),  # common list
        ("websolutions", False),  # the larger breached list (not in Django's)
        ("chickenwing101", False),
        ("P@ssw0rd2026!", False),  # a listed word behind substitutions and a suffix
        ("Sunshine12345", False),
        ("!!iloveyou2026", False),
        ("zzzzzzzzzzzz", False),  # fewer than five different characters
        ("Dragon!!2026x", True),  # listed word inside, but not just decorated
    ],
)
def test_password_rules(world, password, ok):
    user = world.members["member"].user
    if ok:
        actions.validate_new_password(password, user)
    else:
        with pytest.raises(actions.ValidationFailed):
            actions.validate_new_password(password, user)


def test_no_composition_rules(world):
    actions.validate_new_password("all lower case words only", world.members["member"].user)


def test_deactivated_organization_cannot_sign_in_and_its_sessions_end(world):
    m = world.members["partner_agent"]
    c = Client()
    login(c, m.user.email)
    assert c.get("/api/v1/me").status_code == 200
    tenancy_actions.set_partner_status(
        world.actor("operator_admin"), m.organization, Status.DEACTIVATED
    )
    assert c.get("/api/v1/me").status_code == 401
    assert login(Client(), m.user.email).status_code == 401


def test_removed_membership_ends_the_session_at_the_next_request(world):
    m = world.members["member"]
    c = Client()
    login(c, m.user.email)
    actions.remove_membership(world.actor("account_admin"), m)
    assert c.get("/api/v1/me").status_code == 401


def test_language_choice_is_remembered_per_user(world):
    m = world.members["partner_admin"]
    c = Client()
    login(c, m.user.email)
    r = c.post("/language", {"language": "de", "next": "/me"})
    assert r.status_code == 302 and r["Location"] == "/me"
    assert User.objects.get(pk=m.user.pk).language == "de"
    # Another device, no language cookie: the page is German.
    other = Client()
    login(other, m.user.email)
    page = other.get("/me")
    assert b'<html lang="de">' in page.content
    assert b"Profil" in page.content


def test_session_seen_time_is_refreshed(world):
    c = Client()
    login(c, world.members["member"].user.email)
    _age_session(c, seen=120)
    before = time.time()
    c.get("/api/v1/me")
    s = SessionStore(session_key=c.cookies[settings.SESSION_COOKIE_NAME].value)
    assert s["seen"] >= before - 1
