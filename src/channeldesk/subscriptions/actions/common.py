"""What the subscription actions share: limits, the locked row, the version bump, the audit
snapshot, and telling the customer's admins (in-app and by e-mail, never a price)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channeldesk.core.errors import ValidationFailed
from channeldesk.identity.models import User
from channeldesk.notifications.actions import notify
from channeldesk.notifications.outbox import language_for, queue_email
from channeldesk.subscriptions.catalog_products import product_name
from channeldesk.subscriptions.models import Subscription
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Kind, Role

MAX_QUANTITY = 100_000
INVITATION_LIFETIME = dt.timedelta(days=7)
Sub = Subscription.Status


def today() -> dt.date:
    return timezone.localdate()


def check_quantity(quantity: Any) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationFailed.field("quantity", _("Enter a whole number of users."))
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationFailed.field(
            "quantity", _("Enter a number of users from 1 to %(max)s.") % {"max": "100,000"}
        )
    return quantity


def snapshot(sub: Subscription) -> dict[str, Any]:
    return {
        "account": sub.account_id,
        "product": sub.product,
        "quantity": sub.quantity,
        "status": sub.status,
        "start_date": sub.start_date,
        "billing_period": sub.billing_period,
        "auto_renew": sub.auto_renew,
        "customer_managed": sub.customer_managed,
    }


def locked(sub: Subscription) -> Subscription:
    return Subscription.objects.select_for_update().select_related("account").get(pk=sub.pk)


def bump(sub: Subscription, **fields: Any) -> None:
    fields["version"] = F("version") + 1
    fields["updated_at"] = timezone.now()
    Subscription.objects.filter(pk=sub.pk).update(**fields)
    sub.refresh_from_db()


def chunks(ids: list[str], size: int = 500):
    """Keep IN lists below SQLite's bound-parameter limit."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def account_members(account: Organization):
    return Membership.objects.filter(organization=account).select_related("user")


def bill_to(account: Organization) -> Organization:
    parent = account.parent
    if parent is not None and parent.kind in (Kind.DISTRIBUTOR, Kind.RESELLER):
        return parent
    return account


class LazyText:
    """Rendered with str() inside notify()'s per-recipient language override."""

    def __init__(self, template, *, product: str, **values: Any) -> None:
        self.template, self.product, self.values = template, product, values

    def __str__(self) -> str:
        return str(self.template) % {"product": product_name(self.product), **self.values}


# ---- telling the customer ------------------------------------------------------------------

# Who hears about the account's subscriptions: its admins, and its site admins (they hand out
# the licenses; a customer-managed subscription's contact is one).
CUSTOMER_ADMIN_ROLES = (Role.ACCOUNT_ADMIN, Role.SITE_ADMIN)

# event -> in-app text (the e-mail's wording is in email/subscription_changed.*)
CUSTOMER_TEXTS = {
    "created": gettext_lazy("%(partner)s set up %(product)s for %(quantity)s users."),
    "suspended": gettext_lazy("%(product)s was suspended."),
    "reactivated": gettext_lazy("%(product)s is active again."),
    "cancelled": gettext_lazy("%(product)s was cancelled; its licenses were released."),
    "ends_at_term_end": gettext_lazy("%(product)s ends at the end of its current term."),
    "ended": gettext_lazy("%(product)s has ended; its licenses were released."),
}


def customer_admins(account: Organization, *, exclude: User | None = None) -> list[User]:
    qs = User.objects.filter(
        memberships__organization=account,
        memberships__role__in=CUSTOMER_ADMIN_ROLES,
        is_active=True,
    ).order_by("id")
    if exclude is not None:
        qs = qs.exclude(id=exclude.id)
    return list(qs.distinct())


def tell_customer(sub: Subscription, event: str, *, exclude: User | None = None) -> None:
    """The customer's admins learn what happened to a subscription, in their language: an
    in-app notification and an e-mail. Never a price, a payment date or billing data."""
    account = sub.account
    admins = customer_admins(account, exclude=exclude)
    if not admins:
        return
    parent = account.parent
    partner_name = parent.name if parent is not None else ""
    link = f"/subscriptions/{sub.id}/"
    for user in admins:
        language = language_for(user, account)
        queue_email(
            to=user.email,
            template="subscription_changed",
            context={
                "user": user,
                "event": event,
                "organization": account.name,
                "partner": partner_name,
                "product": product_name(sub.product, language),
                "quantity": sub.quantity,
                "link": f"{settings.BASE_URL}{link}",
            },
            language=language,
            organization=account,
        )
    notify(
        admins,
        organization=account,
        kind=f"subscription.{'cancelled' if event in ('ends_at_term_end', 'ended') else event}",
        text=LazyText(
            CUSTOMER_TEXTS[event],
            product=sub.product,
            partner=partner_name,
            quantity=sub.quantity,
        ),
        link=link,
    )
