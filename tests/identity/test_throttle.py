"""quality.md 8: sign-in throttling per account across addresses (without locking the owner
out) and atomic counting (parallel guesses cannot get past a limit), on both databases."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client, RequestFactory

from channeldesk.core.errors import RateLimited
from channeldesk.identity import actions, signin
from channeldesk.identity.models import SignInAddress
from tests.factories import PASSWORD


def login(client: Client, email: str, password: str = PASSWORD):
    return client.post(
        "/api/v1/auth/login",
        {"email": email, "password": password},
        content_type="application/json",
    )


def test_many_addresses_guessing_one_account_are_slowed_but_the_owner_is_not(world):
    email = world.members["partner_admin"].user.email
    home = "198.51.100.20"
    assert login(Client(REMOTE_ADDR=home), email).status_code == 200  # the owner's address
    for n in range(signin.LOGIN_FAILURES_PER_ACCOUNT):
        r = login(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), email, "a wrong guess")
        assert r.status_code == 401, n
    # A new address is refused even with the right password...
    fresh = login(Client(REMOTE_ADDR="203.0.113.200"), email)
    assert fresh.status_code == 429 and 0 < int(fresh["Retry-After"]) <= signin.LOGIN_WINDOW
    # ...the owner's known address is not, and other accounts are untouched.
    assert login(Client(REMOTE_ADDR=home), email).status_code == 200
    other = world.members["member"].user.email
    assert login(Client(REMOTE_ADDR="203.0.113.201"), other).status_code == 200


def test_unknown_emails_are_counted_alike(world):
    """The same limits, the same answers: nothing tells a known e-mail from an unknown one."""
    answers = {}
    for email in (world.members["member"].user.email, "nobody.here@example.test"):
        codes = [
            login(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), email, "a wrong guess").status_code
            for n in range(signin.LOGIN_FAILURES_PER_ACCOUNT + 1)
        ]
        answers[email] = codes
    first, second = answers.values()
    assert first == second == [401] * signin.LOGIN_FAILURES_PER_ACCOUNT + [429]


def test_successful_sign_ins_do_not_use_up_the_address_limit(world):
    """Colleagues behind one address (an office NAT) signing in do not throttle each other."""
    office = Client(REMOTE_ADDR="192.0.2.99")
    for _ in range(signin.LOGIN_FAILURES_PER_ADDRESS + 5):
        assert login(office, world.members["site_admin"].user.email).status_code == 200


def test_known_addresses_are_stored_hashed_and_pruned(world):
    user = world.members["account_admin"].user
    assert login(Client(REMOTE_ADDR="192.0.2.44"), user.email).status_code == 200
    row = SignInAddress.objects.get(user=user)
    assert "192.0.2.44" not in row.address_hash and len(row.address_hash) == 64
    import datetime as dt

    from django.utils import timezone

    assert signin.prune_addresses(timezone.now() + dt.timedelta(days=91)) == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_cannot_get_past_the_limit():
    """20 guesses at once from one address at one account: exactly the limit reach the
    password check, the rest are refused (the count is taken atomically before the check)."""
    from tests import factories

    world = factories.world()
    email = world.members["partner_agent"].user.email
    results: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def guess() -> None:
        request = RequestFactory().post("/auth/login", REMOTE_ADDR="203.0.113.50")
        try:
            barrier.wait(timeout=30)
            try:
                actions.login(request, email, "parallel wrong guess")
                outcome = "signed in"
            except actions.InvalidCredentials:
                outcome = "checked"
            except RateLimited:
                outcome = "refused"
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results).count("checked") == signin.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS
    assert results.count("refused") == 20 - signin.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS
