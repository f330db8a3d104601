"""Subscription and license actions (product.md §7, seed 004/003).

Every action is one transaction: permission check, rows, audit event, e-mails and in-app
notifications. The number of assigned licenses is changed only by conditional UPDATEs on the
locked subscription row, so it never exceeds the number of users, also under concurrency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channeldesk.accounts.actions import create_account
from channeldesk.audit.events import record
from channeldesk.core.errors import Conflict, FieldError, ValidationFailed
from channeldesk.identity.models import User, UserToken, normalize_email
from channeldesk.notifications.actions import notify
from channeldesk.notifications.outbox import language_for, queue_email
from channeldesk.subscriptions import dates
from channeldesk.subscriptions.catalog_products import product, product_name
from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Kind, Role, Status
from channeldesk.tenancy.validation import raise_if

MAX_QUANTITY = 100_000
INVITATION_LIFETIME = dt.timedelta(days=7)
Sub = Subscription.Status


def _today() -> dt.date:
    return timezone.localdate()


def _check_quantity(quantity: Any) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationFailed.field("quantity", _("Enter a whole number of users."))
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationFailed.field(
            "quantity", _("Enter a number of users from 1 to %(max)s.") % {"max": "100,000"}
        )
    return quantity


def _snapshot(sub: Subscription) -> dict[str, Any]:
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


def _customer_admins(account: Organization) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organization=account, role=Role.ACCOUNT_ADMIN
        ).select_related("user")
    ]


@transaction.atomic
def create_subscription(
    actor: Actor,
    *,
    product_key: str,
    quantity: Any,
    account: Organization | None = None,
    customer_name: str = "",
    customer_country: str = "",
    customer_postal_code: str = "",
    customer_managed: bool = False,
    contact_name: str = "",
    contact_email: str = "",
    start_date: dt.date | None = None,
) -> Subscription:
    """New customer subscription: for an existing account in reach, or a new account created
    by name under the actor's organization. With `customer_managed` the customer's contact is
    invited (account admin of the account) to manage licenses, never seeing billing."""
    permissions.require(actor, "subscription.manage", account)
    errors: list[FieldError] = []
    p = product(product_key or "")
    if p is None:
        errors.append(FieldError("product", _("Choose a product from the catalog.")))
    try:
        quantity = _check_quantity(quantity)
    except ValidationFailed as exc:
        errors += exc.errors
    customer_name = (customer_name or "").strip()
    if account is None and not customer_name:
        errors.append(FieldError("customer_name", _("Pick a customer or enter a company name.")))
    if account is not None and customer_name:
        errors.append(
            FieldError("customer_name", _("Give either an existing customer or a new name."))
        )
    contact_email = normalize_email(contact_email or "")
    contact_name = (contact_name or "").strip()[:200]
    if customer_managed:
        if p is not None and not p.get("self_service"):
            errors.append(
                FieldError(
                    "customer_managed",
                    _("This product cannot be managed by the customer."),
                )
            )
        if not contact_name:
            errors.append(FieldError("customer_contact.name", _("Enter the contact's name.")))
        try:
            validate_email(contact_email)
        except ValidationError:
            errors.append(FieldError("customer_contact.email", _("Enter a valid e-mail address.")))
    raise_if(errors)
    assert p is not None
    if account is None:
        own = actor.organization
        try:
            account = create_account(
                actor,
                partner=None,
                name=customer_name,
                country=customer_country or own.country,
                postal_code=customer_postal_code or own.postal_code,
                default_language=own.default_language or "en",
            )
        except ValidationFailed as exc:
            raise ValidationFailed(
                exc.detail,
                errors=[
                    FieldError(
                        {"name": "customer_name"}.get(e.field, f"customer_{e.field}"), e.message
                    )
                    for e in exc.errors
                ],
            ) from None
    else:
        if account.kind != Kind.CUSTOMER:
            raise ValidationFailed.field("account_id", _("Choose a customer account."))
        if account.status != Status.ACTIVE:
            raise Conflict(_("The customer account is not active."))
        permissions.require(actor, "subscription.manage", account)
    start = start_date or _today()
    # A start in the past (imports, demo data) is brought up to date by the period job.
    periods = 1
    sub = Subscription.objects.create(
        account=account,
        product=p["key"],
        quantity=quantity,
        start_date=start,
        billing_period=p["billing_period"],
        periods=periods,
        next_payment_date=dates.payment_date(start, p["billing_period"], periods),
        unit_price=Decimal(str(p["unit_price"])),
        currency=p["currency"],
        customer_managed=bool(customer_managed),
    )
    record(actor, "subscription.created", organization=account, target=sub, changes=_snapshot(sub))
    if customer_managed:
        sub.customer_contact = _invite_contact(actor, account, sub, contact_name, contact_email)
        sub.save(update_fields=["customer_contact"])
    return sub


def _invite_contact(
    actor: Actor, account: Organization, sub: Subscription, name: str, email: str
) -> User:
    """The customer's contact becomes an account admin and gets the invitation e-mail with a
    set-password link (user name = e-mail). The e-mail names the product, never a price."""
    permissions.require(actor, "account_user.manage", account)
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=email, name=name)
    if not Membership.objects.filter(user=user, organization=account).exists():
        membership = Membership.objects.create(
            user=user, organization=account, role=Role.ACCOUNT_ADMIN
        )
        record(
            actor,
            "user.invited",
            organization=account,
            target=membership,
            changes={"email": email, "role": Role.ACCOUNT_ADMIN, "new_user": created},
        )
    if user.has_usable_password():
        link = f"{settings.BASE_URL}/auth/login"
    else:
        raw = UserToken.issue(user, UserToken.Purpose.INVITATION, INVITATION_LIFETIME)
        link = f"{settings.BASE_URL}/auth/set-password?token={raw}"
    language = language_for(user, account)
    queue_email(
        to=user.email,
        template="subscription_invitation",
        context={
            "user": user,
            "organization": account.name,
            "partner": actor.organization.name,
            "product": product_name(sub.product, language),
            "link": link,
            "needs_password": not user.has_usable_password(),
        },
        language=language,
        organization=account,
    )
    record(
        actor,
        "subscription.customer_invited",
        organization=account,
        target=sub,
        changes={"email": email},
    )
    return user


def _locked(sub: Subscription) -> Subscription:
    return Subscription.objects.select_for_update().select_related("account").get(pk=sub.pk)


def _bump(sub: Subscription, **fields: Any) -> None:
    fields["version"] = F("version") + 1
    fields["updated_at"] = timezone.now()
    Subscription.objects.filter(pk=sub.pk).update(**fields)
    sub.refresh_from_db()


@transaction.atomic
def update_subscription(
    actor: Actor, sub: Subscription, *, quantity: Any = None, auto_renew: bool | None = None
) -> Subscription:
    """Change the number of users (never below the licenses assigned: 409 with both numbers)
    and/or auto-renew."""
    permissions.require(actor, "subscription.manage", sub.account)
    sub = _locked(sub)
    if quantity is not None:
        quantity = _check_quantity(quantity)
    if sub.status == Sub.CANCELLED and (quantity is not None or auto_renew is not None):
        raise Conflict(_("A cancelled subscription cannot be changed."))
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
        _bump(sub, auto_renew=bool(auto_renew))
        record(
            actor,
            "subscription.updated",
            organization=sub.account,
            target=sub,
            changes={"auto_renew": {"before": before_ar, "after": sub.auto_renew}},
        )
    return sub


def _tell_customer_quantity(sub: Subscription, before: int) -> None:
    """The customer's admins learn the new number of users (no prices, no dates)."""
    admins = _customer_admins(sub.account)
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
        text=_LazyText(
            gettext_lazy("Number of users of %(product)s changed from %(before)s to %(after)s."),
            product=sub.product,
            before=before,
            after=sub.quantity,
        ),
        link=link,
    )


class _LazyText:
    """Rendered with str() inside notify()'s per-recipient language override."""

    def __init__(self, template, *, product: str, **values: Any) -> None:
        self.template, self.product, self.values = template, product, values

    def __str__(self) -> str:
        return str(self.template) % {"product": product_name(self.product), **self.values}


def _set_status(actor: Actor, sub: Subscription, action: str, **fields: Any) -> Subscription:
    before = _snapshot(sub)
    _bump(sub, **fields)
    after = _snapshot(sub)
    changes = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    for k in ("cancel_at_term_end",):
        if k in fields:
            changes[k] = fields[k]
    record(actor, action, organization=sub.account, target=sub, changes=changes)
    return sub


@transaction.atomic
def suspend_subscription(actor: Actor, sub: Subscription) -> Subscription:
    permissions.require(actor, "subscription.manage", sub.account)
    sub = _locked(sub)
    if sub.status != Sub.ACTIVE:
        raise Conflict(_("Only an active subscription can be suspended."))
    return _set_status(actor, sub, "subscription.suspended", status=Sub.SUSPENDED)


@transaction.atomic
def reactivate_subscription(actor: Actor, sub: Subscription) -> Subscription:
    """Suspended -> active; an active subscription set to end at term end keeps running."""
    permissions.require(actor, "subscription.manage", sub.account)
    sub = _locked(sub)
    if sub.status == Sub.CANCELLED:
        raise Conflict(_("A cancelled subscription cannot be reactivated."))
    if sub.status == Sub.ACTIVE and not sub.cancel_at_term_end:
        raise Conflict(_("The subscription is already active."))
    return _set_status(
        actor, sub, "subscription.reactivated", status=Sub.ACTIVE, cancel_at_term_end=False
    )


@transaction.atomic
def cancel_subscription(actor: Actor, sub: Subscription, *, at_term_end: bool) -> Subscription:
    """Cancel now (status cancelled at once, licenses released) or at the term end (the
    period job ends it on the next payment date)."""
    permissions.require(actor, "subscription.manage", sub.account)
    sub = _locked(sub)
    if sub.status == Sub.CANCELLED:
        raise Conflict(_("The subscription is already cancelled."))
    if at_term_end:
        if sub.cancel_at_term_end:
            raise Conflict(_("The subscription already ends at the term end."))
        return _set_status(actor, sub, "subscription.cancelled", cancel_at_term_end=True)
    released = License.objects.filter(subscription=sub).delete()[0]
    _set_status(
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
    return sub


def _chunks(ids: list[str], size: int = 500):
    """Keep IN lists below SQLite's bound-parameter limit."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def account_members(account: Organization):
    return Membership.objects.filter(organization=account).select_related("user")


@transaction.atomic
def assign_licenses(actor: Actor, sub: Subscription, user_ids: Iterable[str]) -> list[License]:
    """Assign licenses to members of the account, all or nothing: unknown users -> 422 (none
    assigned), more than the free licenses -> 409 (none assigned). Users that already hold a
    license of this subscription are left as they are."""
    permissions.require(actor, "license.assign", sub.account)
    ids = list(dict.fromkeys(str(u) for u in user_ids))
    if not ids:
        raise ValidationFailed.field("user_ids", _("Choose at least one user."))
    if len(ids) > MAX_QUANTITY:
        raise ValidationFailed.field("user_ids", _("Too many users at once."))
    # The row lock serializes assignments on this subscription (PostgreSQL); on SQLite every
    # write transaction is BEGIN IMMEDIATE, which serializes them as well.
    sub = _locked(sub)
    if sub.status != Sub.ACTIVE:
        raise Conflict(_("Licenses can only be assigned on an active subscription."))
    members = {
        m.user_id: m.user
        for part in _chunks(ids)
        for m in account_members(sub.account).filter(user_id__in=part)
    }
    unknown = [i for i in ids if i not in members]
    if unknown:
        raise ValidationFailed(
            _("Not users of this account: %(ids)s") % {"ids": ", ".join(unknown[:20])},
            errors=[
                FieldError("user_ids", _("%(id)s is not a user of this account.") % {"id": i})
                for i in unknown[:50]
            ],
        )
    held = {
        u
        for part in _chunks(ids)
        for u in License.objects.filter(subscription=sub, user_id__in=part).values_list(
            "user_id", flat=True
        )
    }
    new = [i for i in ids if i not in held]
    if not new:
        return []
    n = len(new)
    changed = Subscription.objects.filter(
        pk=sub.pk, status=Sub.ACTIVE, assigned__lte=F("quantity") - n
    ).update(assigned=F("assigned") + n, version=F("version") + 1, updated_at=timezone.now())
    if not changed:
        sub.refresh_from_db()
        raise Conflict(
            _(
                "Only %(free)s of %(quantity)s licenses are free; %(wanted)s were asked for. "
                "Nothing was assigned."
            )
            % {"free": sub.quantity - sub.assigned, "quantity": sub.quantity, "wanted": n}
        )
    licenses = License.objects.bulk_create(
        [License(subscription=sub, account=sub.account, user_id=i) for i in new],
        batch_size=500,
    )
    record(
        actor,
        "license.assigned",
        organization=sub.account,
        target=sub,
        changes={
            "users": [members[i].email for i in new[:1000]],
            "count": len(new),
            "product": sub.product,
        },
    )
    link = "/"
    notify(
        [members[i] for i in new],
        organization=sub.account,
        kind="license.assigned",
        text=_LazyText(
            gettext_lazy("You received a license for %(product)s."), product=sub.product
        ),
        link=link,
    )
    sub.refresh_from_db()
    return licenses


@transaction.atomic
def unassign_license(actor: Actor, sub: Subscription, user_id: str) -> None:
    permissions.require(actor, "license.assign", sub.account)
    sub = _locked(sub)
    lic = License.objects.filter(subscription=sub, user_id=user_id).select_related("user").first()
    if lic is None:
        from channeldesk.core.errors import NotFound

        raise NotFound(_("This user holds no license of the subscription."))
    email = lic.user.email
    lic.delete()
    Subscription.objects.filter(pk=sub.pk, assigned__gt=0).update(
        assigned=F("assigned") - 1, version=F("version") + 1, updated_at=timezone.now()
    )
    record(
        actor,
        "license.unassigned",
        organization=sub.account,
        target=sub,
        changes={"users": [email], "product": sub.product},
    )


def _bill_to(account: Organization) -> Organization:
    parent = account.parent
    if parent is not None and parent.kind in (Kind.DISTRIBUTOR, Kind.RESELLER):
        return parent
    return account


def roll_forward(today: dt.date | None = None) -> int:
    """The period job: move every due next payment date forward by whole periods; a
    subscription set to end at term end, or without auto-renew, ends on that date."""
    today = today or _today()
    done = 0
    due = Subscription.objects.filter(
        status__in=(Sub.ACTIVE, Sub.SUSPENDED), next_payment_date__lte=today
    ).values_list("pk", flat=True)
    for pk in list(due[:5000]):
        with transaction.atomic():
            sub = Subscription.objects.select_for_update().select_related("account").get(pk=pk)
            if sub.status == Sub.CANCELLED or sub.next_payment_date > today:
                continue
            system = Actor.system()
            if sub.cancel_at_term_end or not sub.auto_renew:
                License.objects.filter(subscription=sub).delete()
                _set_status(
                    system,
                    sub,
                    "subscription.cancelled",
                    status=Sub.CANCELLED,
                    cancelled_at=timezone.now(),
                    assigned=0,
                    cancel_at_term_end=False,
                )
            else:
                n = dates.periods_until_after(
                    sub.start_date, sub.billing_period, today, sub.periods
                )
                before = sub.next_payment_date
                _bump(
                    sub,
                    periods=n,
                    next_payment_date=dates.payment_date(sub.start_date, sub.billing_period, n),
                )
                # Payment dates are billing data: the event belongs to the bill-to partner,
                # never to the customer's audit log.
                record(
                    system,
                    "subscription.renewed",
                    organization=_bill_to(sub.account),
                    target=sub,
                    changes={
                        "next_payment_date": {"before": before, "after": sub.next_payment_date}
                    },
                )
            done += 1
    return done
