"""Changing a subscription: number of users, auto-renew, the product's settings, suspend,
reactivate, cancel. The customer's admins hear of every change that affects them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channeldesk.audit.events import record
from channeldesk.core.errors import Conflict, Forbidden
from channeldesk.core.etag import require_match
from channeldesk.notifications.actions import notify
from channeldesk.notifications.outbox import language_for, queue_email
from channeldesk.subscriptions.actions.common import (
    LazyText,
    Sub,
    bump,
    check_quantity,
    customer_admins,
    locked,
    snapshot,
    tell_customer,
)
from channeldesk.subscriptions.catalog_products import (
    clean_settings,
    effective_settings,
    product_name,
)
from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor

UNSET: Any = object()


@transaction.atomic
def update_subscription(
    actor: Actor,
    sub: Subscription,
    *,
    quantity: Any = None,
    auto_renew: bool | None = None,
    settings: Any = UNSET,
    if_match: str | None = None,
) -> Subscription:
    """Change the number of users (never below the licenses assigned: 409 with both numbers),
    auto-renew (the partner: subscription.manage) and/or the product's settings (the partner,
    or the customer when it manages the subscription itself)."""
    if quantity is not None or auto_renew is not None:
        permissions.require(actor, "subscription.manage", sub.account)
    if settings is not UNSET and not permissions.can_edit_product_settings(
        actor, sub.account, customer_managed=sub.customer_managed
    ):
        raise Forbidden(_("Your partner manages this product’s settings."))
    sub = locked(sub)
    require_match(if_match, sub.etag)
    if quantity is not None:
        quantity = check_quantity(quantity)
    if sub.status == Sub.CANCELLED and (
        quantity is not None or auto_renew is not None or settings is not UNSET
    ):
        raise Conflict(_("A cancelled subscription cannot be changed."))
    if settings is not UNSET:
        _change_settings(actor, sub, settings)
    if quantity is not None and quantity != sub.quantity:
        before = sub.quantity
        # Conditional update: the check and the write are one statement.
        changed = Subscription.objects.filter(pk=sub.pk, assigned__lte=quantity).update(
            quantity=quantity, version=F("version") + 1, updated_at=timezone.now()
        )
        sub.refresh_from_db()
        if not changed:
            raise Conflict(
                _(
                    "%(assigned)s licenses are assigned; the number of users cannot be lowered "
                    "to %(quantity)s. Unassign licenses first."
                )
                % {"assigned": sub.assigned, "quantity": quantity}
            )
        record(
            actor,
            "subscription.quantity_changed",
            organization=sub.account,
            target=sub,
            changes={"quantity": {"before": before, "after": quantity}},
        )
        _tell_customer_quantity(sub, before)
    if auto_renew is not None and bool(auto_renew) != sub.auto_renew:
        before_ar = sub.auto_renew
        bump(sub, auto_renew=bool(auto_renew))
        record(
            actor,
            "subscription.updated",
            organization=sub.account,
            target=sub,
            changes={"auto_renew": {"before": before_ar, "after": sub.auto_renew}},
        )
    return sub


def _change_settings(actor: Actor, sub: Subscription, values: Any) -> None:
    """Validated against the catalog's definition of the product's settings (422 naming each
    bad one); only changed values are written and audited."""
    clean = clean_settings(sub.product, values)
    before = effective_settings(sub.product, sub.settings)
    changes = {
        k: {"before": before.get(k), "after": v} for k, v in clean.items() if before.get(k) != v
    }
    if not changes:
        return
    bump(sub, settings={**(sub.settings or {}), **clean})
    record(
        actor,
        "subscription.settings_changed",
        organization=sub.account,
        target=sub,
        changes=changes,
    )


def _tell_customer_quantity(sub: Subscription, before: int) -> None:
    """The customer's admins learn the new number of users (no prices, no dates)."""
    admins = customer_admins(sub.account)
    link = f"/subscriptions/{sub.id}/"
    for user in admins:
        language = language_for(user, sub.account)
        queue_email(
            to=user.email,
            template="subscription_quantity_changed",
            context={
                "user": user,
                "organization": sub.account.name,
                "product": product_name(sub.product, language),
                "before": before,
                "after": sub.quantity,
                "assigned": sub.assigned,
                "link": f"{settings.BASE_URL}{link}",
            },
            language=language,
            organization=sub.account,
        )
    notify(
        admins,
        organization=sub.account,
        kind="subscription.quantity_changed",
        text=LazyText(
            gettext_lazy("Number of users of %(product)s changed from %(before)s to %(after)s."),
            product=sub.product,
            before=before,
            after=sub.quantity,
        ),
        link=link,
    )


def set_status(actor: Actor, sub: Subscription, action: str, **fields: Any) -> Subscription:
    before = snapshot(sub)
    bump(sub, **fields)
    after = snapshot(sub)
    changes = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    for k in ("cancel_at_term_end",):
        if k in fields:
            changes[k] = fields[k]
    record(actor, action, organization=sub.account, target=sub, changes=changes)
    return sub


@transaction.atomic
def suspend_subscription(actor: Actor, sub: Subscription) -> Subscription:
    permissions.require(actor, "subscription.manage", sub.account)
    sub = locked(sub)
    if sub.status != Sub.ACTIVE:
        raise Conflict(_("Only an active subscription can be suspended."))
    set_status(actor, sub, "subscription.suspended", status=Sub.SUSPENDED)
    tell_customer(sub, "suspended")
    return sub


@transaction.atomic
def reactivate_subscription(actor: Actor, sub: Subscription) -> Subscription:
    """Suspended -> active; an active subscription set to end at term end keeps running."""
    permissions.require(actor, "subscription.manage", sub.account)
    sub = locked(sub)
    if sub.status == Sub.CANCELLED:
        raise Conflict(_("A cancelled subscription cannot be reactivated."))
    if sub.status == Sub.ACTIVE and not sub.cancel_at_term_end:
        raise Conflict(_("The subscription is already active."))
    set_status(actor, sub, "subscription.reactivated", status=Sub.ACTIVE, cancel_at_term_end=False)
    tell_customer(sub, "reactivated")
    return sub


@transaction.atomic
def cancel_subscription(actor: Actor, sub: Subscription, *, at_term_end: bool) -> Subscription:
    """Cancel now (status cancelled at once, licenses released) or at the term end (the
    period job ends it on the next payment date)."""
    permissions.require(actor, "subscription.manage", sub.account)
    sub = locked(sub)
    if sub.status == Sub.CANCELLED:
        raise Conflict(_("The subscription is already cancelled."))
    if at_term_end:
        if sub.cancel_at_term_end:
            raise Conflict(_("The subscription already ends at the term end."))
        set_status(actor, sub, "subscription.cancelled", cancel_at_term_end=True)
        tell_customer(sub, "ends_at_term_end")
        return sub
    end_now(actor, sub, "cancelled")
    return sub


def end_now(actor: Actor, sub: Subscription, event: str) -> None:
    """Status cancelled at once and every license released (cancel now, or the period job at
    the term end); the customer's admins are told."""
    released = License.objects.filter(subscription=sub).delete()[0]
    set_status(
        actor,
        sub,
        "subscription.cancelled",
        status=Sub.CANCELLED,
        cancelled_at=timezone.now(),
        assigned=0,
        cancel_at_term_end=False,
    )
    if released:
        record(
            actor,
            "license.unassigned",
            organization=sub.account,
            target=sub,
            changes={"released": released},
        )
    tell_customer(sub, event)
