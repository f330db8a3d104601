"""Customer account actions: create and edit the profile (lifecycle and panels extend this)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from channeldesk.accounts.models import Account
from channeldesk.audit.events import diff, record
from channeldesk.catalog.catalog import current
from channeldesk.core.errors import FieldError, ValidationFailed
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind, Role, Status
from channeldesk.tenancy.validation import raise_if, validate_address

PROFILE_FIELDS = (
    "name",
    "street",
    "city",
    "postal_code",
    "country",
    "subdivision",
    "default_language",
    "business_type",
    "platform",
)
READ_ONLY_FIELDS = (
    "id",
    "cloud_region",
    "pbx_type",
    "status",
    "partner_id",
    "partner",
    "created_at",
    "updated_at",
    "etag",
    "billing_customer_number_label",
)
AUDITED_FIELDS = (*PROFILE_FIELDS, "cloud_region", "billing_customer_number", "pbx_type", "status")


def snapshot(account: Organization) -> dict[str, Any]:
    return {f: getattr(account, f) for f in AUDITED_FIELDS}


def _check_profile(data: dict[str, Any], *, creating: bool) -> None:
    cat = current()
    errors: list[FieldError] = []
    if "name" in data or creating:
        data["name"] = (data.get("name") or "").strip()[:200]
        if not data["name"]:
            errors.append(FieldError("name", _("Enter the customer name.")))
    errors += validate_address(data, required=creating)
    lang = data.get("default_language")
    if lang is not None and lang not in cat.keys("languages"):
        errors.append(FieldError("default_language", _("Unknown language.")))
    bt = data.get("business_type")
    if bt and bt not in cat.keys("business_types"):
        errors.append(FieldError("business_type", _("Unknown business type.")))
    platform = data.get("platform")
    if platform is not None and platform not in cat.keys("platforms"):
        errors.append(FieldError("platform", _("Unknown platform.")))
    region = data.get("cloud_region")
    if region is not None and region not in cat.keys("regions"):
        errors.append(FieldError("cloud_region", _("Unknown cloud location.")))
    raise_if(errors)


@transaction.atomic
def create_account(
    actor: Actor,
    *,
    partner: Organization | None,
    status: str = Status.ACTIVE,
    billing_customer_number: str | None = None,
    **data: Any,
) -> Account:
    """Create a customer account under `partner` (a reseller or distributor, or the operator
    for a direct customer). The cloud region defaults from the country and is fixed after."""
    parent = partner or (
        actor.organization if actor.is_partner else Organization.objects.get(kind=Kind.OPERATOR)
    )
    permissions.require(actor, "account.create", parent)
    if parent.kind == Kind.CUSTOMER:
        raise ValidationFailed.field("partner_id", _("A customer account cannot manage another."))
    if billing_customer_number and not permissions.can(actor, "account.billing_number.edit"):
        raise ValidationFailed.field("billing_customer_number", _("This field is read-only."))
    data = {k: v for k, v in data.items() if v is not None}
    _check_profile(data, creating=True)
    cat = current()
    account = Account(
        kind=Kind.CUSTOMER,
        status=status,
        **{k: v for k, v in data.items() if k in (*PROFILE_FIELDS, "cloud_region")},
    )
    if not account.cloud_region:
        account.cloud_region = cat.region_for_country(account.country)
    if not account.platform:
        account.platform = cat.default_platform()
    account.billing_customer_number = billing_customer_number or ""
    account.place_under(parent)
    account.save()
    record(
        actor, "account.created", organization=account, target=account, changes=snapshot(account)
    )
    return account


@transaction.atomic
def update_account(actor: Actor, account: Account, **data: Any) -> Account:
    """Edit the profile. Read-only fields are refused by name (422), never silently ignored."""
    for field in READ_ONLY_FIELDS:
        if data.get(field) is not None:
            raise ValidationFailed.field(field, _("This field is read-only."))
    if "billing_customer_number" in data and data["billing_customer_number"] is not None:
        if actor.role not in (Role.OPERATOR_ADMIN, "system"):
            raise ValidationFailed.field("billing_customer_number", _("This field is read-only."))
    permissions.require(actor, "account.edit", account)
    data = {k: v for k, v in data.items() if v is not None and k not in READ_ONLY_FIELDS}
    merged = {
        "country": account.country,
        "subdivision": account.subdivision,
        "postal_code": account.postal_code,
        **data,
    }
    if any(k in data for k in ("country", "subdivision", "postal_code")):
        _check_profile(merged, creating=False)
        data.update({k: merged[k] for k in ("country", "subdivision", "postal_code")})
    else:
        _check_profile(data, creating=False)
    before = snapshot(account)
    for k, v in data.items():
        setattr(account, k, v)
    changes = diff(before, snapshot(account))
    if changes:
        account.version += 1
        account.save()
        record(actor, "account.updated", organization=account, target=account, changes=changes)
    return account


def languages() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


def _clean_contact(name: str, email: str, role: str) -> tuple[str, str, str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from channeldesk.accounts.models import SupportContact

    errors: list[FieldError] = []
    name = (name or "").strip()[:200]
    email = (email or "").strip().lower()
    if not name:
        errors.append(FieldError("name", _("Enter a name.")))
    try:
        validate_email(email)
    except ValidationError:
        errors.append(FieldError("email", _("Enter a valid e-mail address.")))
    if role not in SupportContact.Role.values:
        errors.append(FieldError("role", _("Choose Administrator, Site admin or Other.")))
    raise_if(errors)
    return name, email, role


@transaction.atomic
def add_support_contact(actor: Actor, account: Organization, *, name: str, email: str, role: str):
    """Add a support contact (problem reports of the account are e-mailed to it)."""
    from channeldesk.accounts.models import SupportContact

    permissions.require(actor, "contacts.manage", account)
    name, email, role = _clean_contact(name, email, role)
    contact = SupportContact.objects.create(account=account, name=name, email=email, role=role)
    record(
        actor,
        "account.support_contact_added",
        organization=account,
        target=contact,
        changes={"name": name, "email": email, "role": role},
    )
    return contact
