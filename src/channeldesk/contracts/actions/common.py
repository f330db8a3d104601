"""Shared helpers of the contract actions: who gets e-mails, when provisioning runs."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from channeldesk.contracts.models import (
    Order,
)
from channeldesk.identity.models import User
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Kind, Role

log = logging.getLogger(__name__)

MAX_NUMBERS_PER_SITE = 100
MAX_BLOCK = 10000
CREDENTIAL_LINK_LIFETIME = dt.timedelta(days=7)


class ProvisioningFailed(Exception):
    """Provisioning cannot complete (e.g. the pool is exhausted); nothing of it is kept."""


# ---- helpers -----------------------------------------------------------------------------


def account_admins(account: Organization) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organization=account, role=Role.ACCOUNT_ADMIN, user__is_active=True
        )
        .select_related("user")
        .order_by("id")
    ]


def partner_admins(account: Organization) -> list[tuple[User, Organization]]:
    """The account's partner (its parent): its partner_admins; for a direct customer, the
    operator's admins."""
    parent = account.parent
    if parent is None:
        return []
    role = Role.OPERATOR_ADMIN if parent.kind == Kind.OPERATOR else Role.PARTNER_ADMIN
    return [
        (m.user, parent)
        for m in Membership.objects.filter(organization=parent, role=role, user__is_active=True)
        .select_related("user")
        .order_by("id")
    ]


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


def _enqueue_provisioning(order_id: str, at: dt.datetime) -> None:
    from channeldesk.contracts.tasks import provision_order_task

    transaction.on_commit(
        lambda: provision_order_task.using(run_after=at).enqueue(order_id), robust=False
    )


def _order_context(order: Order) -> dict[str, Any]:
    return {
        "order": order,
        "account": order.account,
        "items": list(order.items.all()),
    }


def order_pdf(order: Order, language: str) -> bytes:
    from channeldesk.billing.pdf import render_pdf

    return render_pdf("contracts/order_confirmation_pdf.html", _order_context(order), language)
