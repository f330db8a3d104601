"""Shared helpers of the contract actions: who gets e-mails, when provisioning runs."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from channeldesk.contracts.failures import ProvisioningFailed
from channeldesk.identity.models import User
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Kind, Role

MAX_NUMBERS_PER_SITE = 100
MAX_SITES_PER_ORDER = 10
MAX_BLOCK = 10000
CREDENTIAL_LINK_LIFETIME = dt.timedelta(days=7)
# A worker that claimed an order and has not finished it after this long has died (one
# provisioning takes well under a second): the sweep puts the order back in the queue.
STALE_CLAIM = dt.timedelta(minutes=15)
MAX_ATTEMPTS = 3

__all__ = ["ProvisioningFailed"]


def account_admins(account: Organization) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organization=account, role=Role.ACCOUNT_ADMIN, user__is_active=True
        )
        .select_related("user")
        .order_by("id")
    ]


def admins_of(org: Organization) -> list[tuple[User, Organization]]:
    role = Role.OPERATOR_ADMIN if org.kind == Kind.OPERATOR else Role.PARTNER_ADMIN
    return [
        (m.user, org)
        for m in Membership.objects.filter(organization=org, role=role, user__is_active=True)
        .select_related("user")
        .order_by("id")
    ]


def partner_admins(account: Organization) -> list[tuple[User, Organization]]:
    """The account's partner (its parent): its partner_admins; for a direct customer, the
    operator's admins."""
    parent = account.parent
    return admins_of(parent) if parent is not None else []


def operator_admins() -> list[tuple[User, Organization]]:
    operator = Organization.objects.filter(kind=Kind.OPERATOR).first()
    return admins_of(operator) if operator is not None else []


def provisioning_time(now: dt.datetime | None = None) -> dt.datetime:
    """When provisioning runs: after PROVISIONING_DELAY_SECONDS, or by default the next day
    at 06:00 in the operator's time zone (the seed: credentials "am Folgetag")."""
    now = now or timezone.now()
    delay = settings.PROVISIONING_DELAY_SECONDS
    if delay is not None:
        return now + dt.timedelta(seconds=delay)
    tz = zoneinfo.ZoneInfo(settings.OPERATOR_TIME_ZONE)
    local = now.astimezone(tz)
    next_day = (local + dt.timedelta(days=1)).date()
    return dt.datetime.combine(next_day, dt.time(6, 0), tzinfo=tz)


def enqueue_provisioning(order_id: str, at: dt.datetime) -> None:
    from channeldesk.contracts.tasks import provision_order_task

    transaction.on_commit(
        lambda: provision_order_task.using(run_after=at).enqueue(order_id), robust=False
    )
