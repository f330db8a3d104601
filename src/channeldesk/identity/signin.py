"""Checking credentials, throttled (quality.md 8).

Three fixed-window counters, each counted *before* the password is checked (one atomic upsert
per counter, so parallel guesses cannot slip past a limit):

- per account and address: 5 attempts in 15 minutes;
- per address: 30 attempts in 15 minutes (one address spraying many accounts);
- per account across all addresses: 20 attempts in 15 minutes (many addresses guessing one
  account) — except from addresses that signed in successfully to this account before
  (SignInAddress), so guessing from elsewhere slows the guesser but never locks the owner out.

A successful sign-in is not a guess: its attempt is taken back from the address and account
counters and the account-and-address counter starts again. Unknown e-mails and wrong passwords
get the same answer after the same work (a dummy hash, see backends.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from channeldesk.audit.events import record_outside
from channeldesk.core import throttle
from channeldesk.core.errors import RateLimited
from channeldesk.identity.models import SignInAddress, User, normalize_email

LOGIN_WINDOW = 15 * 60
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
LOGIN_FAILURES_PER_ADDRESS = 30
LOGIN_FAILURES_PER_ACCOUNT = 20
KNOWN_ADDRESS_DAYS = 90


class InvalidCredentials(Exception):
    pass


def address_hash(ip: str) -> str:
    """A keyed hash of a client address: known addresses are recognised without storing them."""
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()


def _is_known_address(email: str, ip: str) -> bool:
    return SignInAddress.objects.filter(user__email=email, address_hash=address_hash(ip)).exists()


def _remember_address(user: User, ip: str) -> None:
    SignInAddress.objects.update_or_create(
        user=user, address_hash=address_hash(ip), defaults={"last_seen_at": timezone.now()}
    )


def prune_addresses(now: dt.datetime | None = None) -> int:
    """The periodic job: forget addresses not used to sign in for KNOWN_ADDRESS_DAYS."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=KNOWN_ADDRESS_DAYS)
    return SignInAddress.objects.filter(last_seen_at__lt=cutoff).delete()[0]


def _count_attempt(keys: list[tuple[str, int]]) -> None:
    """Count the attempt on every counter, or on none: an attempt refused by one counter is
    taken back from those counted before it."""
    counted: list[str] = []
    try:
        for key, limit in keys:
            throttle.hit(
                key,
                limit=limit,
                window=LOGIN_WINDOW,
                message=_("Too many failed sign-in attempts. Try again later."),
            )
            counted.append(key)
    except RateLimited:
        for key in counted:
            throttle.refund(key)
        raise


def login(request: HttpRequest | None, email: str, password: str) -> User:
    """The user behind the credentials, or InvalidCredentials (same answer for an unknown
    e-mail and a wrong password), or RateLimited (429 with Retry-After)."""
    from channeldesk.identity.actions import usable_memberships

    ip = (request.META.get("REMOTE_ADDR", "") if request else "") or "-"
    email = normalize_email(email)
    pair_key, ip_key, account_key = f"login:{email}:{ip}", f"login-ip:{ip}", f"login-acct:{email}"
    keys = [
        (pair_key, LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS),
        (ip_key, LOGIN_FAILURES_PER_ADDRESS),
    ]
    if not _is_known_address(email, ip):
        keys.append((account_key, LOGIN_FAILURES_PER_ACCOUNT))
    _count_attempt(keys)
    user = authenticate(request, username=email, password=password)
    if user is None or not usable_memberships(user).exists():
        record_outside(
            None, "auth.login_failed", organization=None, changes={"email": email}, outcome="failed"
        )
        raise InvalidCredentials(_("E-mail or password is wrong."))
    throttle.clear(pair_key)
    for key, _limit in keys[1:]:
        throttle.refund(key)
    _remember_address(user, ip)
    return user
