"""A failed provisioning: the order is marked failed with a reason code, and the people who can
act are told, each in their language and with only the details they may read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from channeldesk.audit.events import record
from channeldesk.contracts import failures
from channeldesk.contracts.actions.common import operator_admins, partner_admins
from channeldesk.contracts.models import Order
from channeldesk.identity.models import User
from channeldesk.notifications.actions import notify
from channeldesk.notifications.outbox import language_for, queue_email
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind


def recipients(order: Order, code: str) -> list[tuple[User, Organization]]:
    """The account's partner admins (the operator's for a direct customer), the orderer, and
    the operator's admins when only the operator can remove the cause (e.g. its pool)."""
    out = partner_admins(order.account)
    if code in failures.OPERATOR_SIDE:
        out += operator_admins()
    if order.ordered_by is not None:
        out.append((order.ordered_by, order.ordered_by_organization))
    seen: set[str] = set()
    unique = []
    for user, org in out:
        if user.id not in seen:
            seen.add(user.id)
            unique.append((user, org))
    return unique


def fail(order: Order, code: str, params: dict[str, Any], *, attempt: int) -> bool:
    """Mark the order failed (only while it still holds claim `attempt`) and tell people."""
    with transaction.atomic():
        updated = Order.objects.filter(
            id=order.id, status=Order.Status.PROVISIONING, attempts=attempt
        ).update(status=Order.Status.FAILED, failure_code=code, failure_params=params)
        if not updated:
            return False
        order.refresh_from_db()
        account = order.account
        record(
            Actor.system(),
            "order.failed",
            organization=account,
            target=order,
            changes={"reason": code, **{k: v for k, v in params.items() if k != "error"}},
        )
        people = recipients(order, code)
        for user, org in people:
            lang = language_for(user, org)
            queue_email(
                to=user.email,
                template="order_failed",
                context={
                    "user": user,
                    "order": order,
                    "account": account,
                    "reason": failures.reason(
                        code, params, operator=org.kind == Kind.OPERATOR, lang=lang
                    ),
                    "link": f"{settings.BASE_URL}/orders/{order.id}",
                },
                language=lang,
                organization=account,
            )
        for operator in (True, False):
            users = [u for u, org in people if (org.kind == Kind.OPERATOR) == operator]
            if users:
                notify(
                    users,
                    organization=account,
                    kind="order.failed",
                    text=_failed_text(order.number, account.name, code, params, operator),
                    link=f"/orders/{order.id}",
                )
    return True


def _render_failed_text(
    number: str, account: str, code: str, params: dict[str, Any], operator: bool
) -> str:
    reason = failures.reason(code, params, operator=operator, lang=None)
    return _("Order %(number)s for %(account)s failed: %(reason)s") % {
        "number": number,
        "account": account,
        "reason": reason,
    }


# Rendered per recipient, in their language, by notify().
_failed_text = lazy(_render_failed_text, str)
