"""New customer subscription (seed 004): for an existing account or a new one by name,
optionally managed by the customer's contact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from channeldesk.accounts.actions import create_account
from channeldesk.audit.events import record
from channeldesk.core.errors import Conflict, FieldError, ValidationFailed
from channeldesk.identity.models import User, UserToken, normalize_email
from channeldesk.notifications.outbox import language_for, queue_email
from channeldesk.subscriptions import dates
from channeldesk.subscriptions.actions.common import (
    INVITATION_LIFETIME,
    check_quantity,
    snapshot,
    tell_customer,
    today,
)
from channeldesk.subscriptions.catalog_products import product, product_name
from channeldesk.subscriptions.models import Subscription
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Kind, Role, Status
from channeldesk.tenancy.validation import raise_if

# The role a customer-managed subscription's contact gets (product.md §2): license
# assignment and users of the account, never invoices, prices or payment dates.
CONTACT_ROLE = Role.SITE_ADMIN


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
    invited (a site admin of the account) to manage the product's licenses and settings,
    never seeing billing. The admins of an existing account are told (no prices)."""
    permissions.require(actor, "subscription.manage", account)
    errors: list[FieldError] = []
    p = product(product_key or "")
    if p is None:
        errors.append(FieldError("product", _("Choose a product from the catalog.")))
    try:
        quantity = check_quantity(quantity)
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
    existing = account is not None
    if account is None:
        account = _new_account(actor, customer_name, customer_country, customer_postal_code)
    else:
        if account.kind != Kind.CUSTOMER:
            raise ValidationFailed.field("account_id", _("Choose a customer account."))
        if account.status != Status.ACTIVE:
            raise Conflict(_("The customer account is not active."))
        permissions.require(actor, "subscription.manage", account)
    start = start_date or today()
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
    record(actor, "subscription.created", organization=account, target=sub, changes=snapshot(sub))
    if customer_managed:
        sub.customer_contact = _invite_contact(actor, account, sub, contact_name, contact_email)
        sub.save(update_fields=["customer_contact"])
    if existing:
        # The contact has its own invitation e-mail; the other admins hear of it here.
        tell_customer(sub, "created", exclude=sub.customer_contact)
    return sub


def _new_account(actor: Actor, name: str, country: str, postal_code: str) -> Organization:
    own = actor.organization
    try:
        return create_account(
            actor,
            partner=None,
            name=name,
            country=country or own.country,
            postal_code=postal_code or own.postal_code,
            default_language=own.default_language or "en",
        )
    except ValidationFailed as exc:
        raise ValidationFailed(
            exc.detail,
            errors=[
                FieldError({"name": "customer_name"}.get(e.field, f"customer_{e.field}"), e.message)
                for e in exc.errors
            ],
        ) from None


def _invite_contact(
    actor: Actor, account: Organization, sub: Subscription, name: str, email: str
) -> User:
    """The customer's contact becomes a site admin of the account (an existing member is
    raised to it; an account or site admin stays as it is) and gets the invitation e-mail with
    a set-password link (user name = e-mail). The e-mail names the product, never a price."""
    permissions.require(actor, "account_user.manage", account)
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=email, name=name)
    membership = Membership.objects.filter(user=user, organization=account).first()
    if membership is None:
        membership = Membership.objects.create(user=user, organization=account, role=CONTACT_ROLE)
        record(
            actor,
            "user.invited",
            organization=account,
            target=membership,
            changes={"email": email, "role": CONTACT_ROLE, "new_user": created},
        )
    elif membership.role == Role.MEMBER:
        membership.role = CONTACT_ROLE
        membership.save(update_fields=["role"])
        record(
            actor,
            "user.role_changed",
            organization=account,
            target=membership,
            changes={"role": {"before": Role.MEMBER, "after": CONTACT_ROLE}},
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
