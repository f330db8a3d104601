"""Customer account actions: profile, support contacts, integrations and privileges, call
services, problem reports and the lifecycle (deactivate, reactivate, delete, restore, purge)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from channeldesk.accounts import domains as account_domains
from channeldesk.accounts.models import Account, AccountIntegration, SupportContact

# Problem reports live in reports.py; callers keep using them from here.
from channeldesk.accounts.reports import file_problem_report as file_problem_report
from channeldesk.accounts.reports import resolve_problem_report as resolve_problem_report
from channeldesk.audit.events import diff, record
from channeldesk.catalog.catalog import current
from channeldesk.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from channeldesk.core.etag import require_match
from channeldesk.core.ids import new_id
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization, search_key
from channeldesk.tenancy.roles import Kind, Status
from channeldesk.tenancy.validation import raise_if, subdivision_required, validate_address

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


def snapshot(account: Organization | dict[str, Any]) -> dict[str, Any]:
    if isinstance(account, dict):  # a row of new_account_row
        return {f: account.get(f, "") for f in AUDITED_FIELDS}
    return {f: getattr(account, f) for f in AUDITED_FIELDS}


def _check_profile(
    data: dict[str, Any], *, creating: bool, domains: Any = None
) -> list[str] | None:
    """Validate the profile fields in `data` (normalising them) and `domains` if given;
    returns the clean domains (None when not given)."""
    cat = current()
    errors: list[FieldError] = []
    if "name" in data or creating:
        data["name"] = (data.get("name") or "").strip()[:200]
        if not data["name"]:
            errors.append(FieldError("name", _("Enter the customer name.")))
    address_errors = validate_address(data, required=creating)
    if (
        not creating
        and subdivision_required(data.get("country") or "")
        and not data.get("subdivision")
        and not any(e.field in ("country", "subdivision") for e in address_errors)
    ):
        address_errors.append(FieldError("subdivision", _("Choose the province/state.")))
    errors += address_errors
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
    clean, domain_errors = account_domains.clean_domains(domains)
    errors += domain_errors
    raise_if(errors)
    return clean if domains is not None else None


@transaction.atomic
def create_account(
    actor: Actor,
    *,
    partner: Organization | None,
    status: str = Status.ACTIVE,
    billing_customer_number: str | None = None,
    domains: list[str] | None = None,
    **data: Any,
) -> Account:
    """Create a customer account under `partner` (a reseller or distributor, or the operator
    for a direct customer). The cloud region defaults from the country and is fixed after."""
    parent = partner or default_parent(actor)
    account, clean_domains = new_account(
        actor,
        parent,
        data,
        status=status,
        billing_customer_number=billing_customer_number,
        domains=domains,
    )
    account.save()
    after = account_domains.replace_domains(account, clean_domains or [])[1]
    record(
        actor,
        "account.created",
        organization=account,
        target=account,
        changes={**snapshot(account), "domains": after},
    )
    return account


def default_parent(actor: Actor) -> Organization:
    """Where an actor's new accounts go when no partner is chosen: under the partner itself,
    or directly under the operator."""
    if actor.is_partner:
        return actor.organization
    return Organization.objects.get(kind=Kind.OPERATOR)


def new_account(
    actor: Actor,
    parent: Organization,
    data: dict[str, Any],
    *,
    status: str = Status.ACTIVE,
    billing_customer_number: str | None = None,
    domains: list[str] | None = None,
) -> tuple[Account, list[str] | None]:
    """A validated, unsaved customer account under `parent` and its clean e-mail domains:
    ValidationFailed names every bad field; Forbidden when the actor may not create there."""
    row, clean_domains = new_account_row(
        actor,
        parent,
        data,
        status=status,
        billing_customer_number=billing_customer_number,
        domains=domains,
    )
    account = Account(**{k: v for k, v in row.items() if k != "parent_id"})
    account.parent = parent
    return account, clean_domains


def new_account_row(
    actor: Actor,
    parent: Organization,
    data: dict[str, Any],
    *,
    status: str = Status.ACTIVE,
    billing_customer_number: str | None = None,
    domains: list[str] | None = None,
) -> tuple[dict[str, Any], list[str] | None]:
    """`new_account` as the row's values (attname -> value) and the clean domains: the CSV
    import inserts these without building a model instance per row (core.bulk)."""
    permissions.require(actor, "account.create", parent)
    if parent.kind == Kind.CUSTOMER:
        raise ValidationFailed.field("partner_id", _("A customer account cannot manage another."))
    if billing_customer_number and not permissions.can(actor, "account.billing_number.edit"):
        raise ValidationFailed.field("billing_customer_number", _("This field is read-only."))
    data = {k: v for k, v in data.items() if v is not None}
    clean_domains = _check_profile(data, creating=True, domains=domains)
    cat = current()
    row: dict[str, Any] = {k: v for k, v in data.items() if k in (*PROFILE_FIELDS, "cloud_region")}
    row.setdefault("cloud_region", "")
    row.setdefault("platform", "")
    if not row["cloud_region"]:
        row["cloud_region"] = cat.region_for_country(row.get("country", ""))
    if not row["platform"]:
        row["platform"] = cat.default_platform()
    account_id = new_id()
    row.update(
        id=account_id,
        kind=Kind.CUSTOMER,
        status=status,
        billing_customer_number=billing_customer_number or "",
        parent_id=parent.id,
        path=f"{parent.path}{account_id}/",
        depth=parent.depth + 1,
        name_key=search_key(row["name"]),
    )
    for name in AUDITED_FIELDS:  # what the model would start with (e.g. the language "en")
        if name not in row:
            row[name] = Account._meta.get_field(name).get_default()  # type: ignore[union-attr]
    return row, clean_domains


@transaction.atomic
def update_account(
    actor: Actor, account: Account, *, if_match: str | None = None, **data: Any
) -> Account:
    """Edit the profile. Read-only fields are refused by name (422), never silently ignored.
    The row is locked and `if_match` compared under the lock (no lost update)."""
    for field in READ_ONLY_FIELDS:
        if data.get(field) is not None:
            raise ValidationFailed.field(field, _("This field is read-only."))
    if "billing_customer_number" in data and data["billing_customer_number"] is not None:
        if not permissions.can(actor, "account.billing_number.edit", account):
            raise ValidationFailed.field("billing_customer_number", _("This field is read-only."))
    permissions.require(actor, "account.edit", account)
    account = Account.objects.select_for_update().get(pk=account.pk)
    require_match(if_match, account.etag)
    _not_deleted(account)
    data = {k: v for k, v in data.items() if v is not None and k not in READ_ONLY_FIELDS}
    domains = data.pop("domains", None)
    merged = {
        "country": account.country,
        "subdivision": account.subdivision,
        "postal_code": account.postal_code,
        **data,
    }
    if any(k in data for k in ("country", "subdivision", "postal_code")):
        clean_domains = _check_profile(merged, creating=False, domains=domains)
        data.update({k: merged[k] for k in ("country", "subdivision", "postal_code")})
    else:
        clean_domains = _check_profile(data, creating=False, domains=domains)
    before = snapshot(account)
    for k, v in data.items():
        setattr(account, k, v)
    changes = diff(before, snapshot(account))
    if clean_domains is not None:
        old, new = account_domains.replace_domains(account, clean_domains)
        if old != new:
            changes["domains"] = {"before": old, "after": new}
    if changes:
        account.version += 1
        account.save()
        record(actor, "account.updated", organization=account, target=account, changes=changes)
    return account


def languages() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


def _lock(account: Organization) -> Organization:
    """Re-read the account row under a lock: invariants over the account's contacts and
    integrations are checked and changed by one request at a time."""
    return Organization.objects.select_for_update().get(pk=account.pk)


def _not_deleted(account: Organization) -> None:
    if account.status == Status.DELETED:
        raise Conflict(_("This account is deleted. Restore it before changing it."))


# ---- support contacts ----------------------------------------------------------------------


def _clean_contact(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the given contact fields (only those present) and normalise them."""
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = (data["name"] or "").strip()[:200]
        if not out["name"]:
            errors.append(FieldError("name", _("Enter a name.")))
    if "email" in data:
        out["email"] = (data["email"] or "").strip().lower()
        try:
            validate_email(out["email"])
        except ValidationError:
            errors.append(FieldError("email", _("Enter a valid e-mail address.")))
    if "role" in data:
        out["role"] = data["role"]
        if out["role"] not in SupportContact.Role.values:
            errors.append(FieldError("role", _("Choose Administrator, Site admin or Other.")))
    if "language" in data:
        out["language"] = data["language"] or ""
        if out["language"] and out["language"] not in current().keys("languages"):
            errors.append(FieldError("language", _("Unknown language.")))
    raise_if(errors)
    return out


@transaction.atomic
def add_support_contact(
    actor: Actor,
    account: Organization,
    *,
    name: str,
    email: str,
    role: str,
    language: str = "",
) -> SupportContact:
    """Add a support contact (problem reports of the account are e-mailed to it)."""
    permissions.require(actor, "contacts.manage", account)
    _not_deleted(account)
    data = _clean_contact({"name": name, "email": email, "role": role, "language": language})
    contact = SupportContact.objects.create(account=account, **data)
    record(
        actor,
        "account.support_contact_added",
        organization=account,
        target=contact,
        changes=data,
    )
    return contact


def _last_administrator(contact: SupportContact) -> bool:
    return (
        contact.role == SupportContact.Role.ADMINISTRATOR
        and not SupportContact.objects.filter(
            account_id=contact.account_id, role=SupportContact.Role.ADMINISTRATOR
        )
        .exclude(pk=contact.pk)
        .exists()
    )


def _last_admin_message() -> str:
    return _(
        "This is the account's last Administrator support contact. Add another Administrator "
        "first: at least one must always remain."
    )


@transaction.atomic
def update_support_contact(actor: Actor, contact: SupportContact, **data: Any) -> SupportContact:
    """Change a contact's name, e-mail, role or language; the last Administrator keeps its
    role (409)."""
    account = contact.account
    permissions.require(actor, "contacts.manage", account)
    _not_deleted(account)
    _lock(account)
    contact = SupportContact.objects.get(pk=contact.pk)
    data = _clean_contact({k: v for k, v in data.items() if v is not None})
    if data.get("role", contact.role) != SupportContact.Role.ADMINISTRATOR and _last_administrator(
        contact
    ):
        raise Conflict(_last_admin_message())
    before = {f: getattr(contact, f) for f in data}
    for k, v in data.items():
        setattr(contact, k, v)
    changes = diff(before, {f: getattr(contact, f) for f in data})
    if changes:
        contact.version += 1
        contact.save()
        record(
            actor,
            "account.support_contact_changed",
            organization=account,
            target=contact,
            changes=changes,
        )
    return contact


@transaction.atomic
def remove_support_contact(actor: Actor, contact: SupportContact) -> None:
    """Remove a contact; the last Administrator cannot be removed (409)."""
    account = contact.account
    permissions.require(actor, "contacts.manage", account)
    _not_deleted(account)
    _lock(account)
    contact = SupportContact.objects.get(pk=contact.pk)
    if _last_administrator(contact):
        raise Conflict(_last_admin_message())
    record(
        actor,
        "account.support_contact_removed",
        organization=account,
        target=contact,
        changes={"name": contact.name, "email": contact.email, "role": contact.role},
    )
    contact.delete()


# ---- integrations and privileges ---------------------------------------------------------


def integration_states(account: Organization) -> dict[str, AccountIntegration]:
    return {i.key: i for i in AccountIntegration.objects.filter(account=account)}


@transaction.atomic
def set_integration(
    actor: Actor,
    account: Organization,
    key: str,
    *,
    enabled: bool,
    privileges: dict[str, bool] | None = None,
) -> AccountIntegration:
    """Switch an integration on or off, or change its privileges.

    Enabling turns on every privilege the integration brings (then each has its own toggle);
    disabling turns them off. A dependency that is off, a gateway onboarding that has not
    completed, or an enabled integration depending on this one is a refusal (409) naming it.
    """
    cat = current()
    entry = cat.get("integrations", key)
    if entry is None:
        raise NotFound(_("Unknown integration."))
    permissions.require(actor, "integrations.manage", account)
    _not_deleted(account)
    account = _lock(account)
    states = integration_states(account)
    row = states.get(key) or AccountIntegration(account=account, key=key)
    own_privileges = list(entry.get("privileges", []))
    privileges = privileges or {}
    unknown = [p for p in privileges if p not in own_privileges]
    if unknown:
        raise ValidationFailed.field(
            f"privileges.{unknown[0]}",
            _("%(integration)s has no privilege %(privilege)s.")
            % {"integration": cat.name("integrations", key), "privilege": unknown[0]},
        )
    if not enabled and any(privileges.values()):
        raise ValidationFailed.field(
            "privileges", _("Privileges can only be on while the integration is enabled.")
        )
    name = cat.name("integrations", key)
    if enabled and not row.enabled:
        missing = [
            cat.name("integrations", dep)
            for dep in entry.get("depends_on", [])
            if not (states.get(dep) and states[dep].enabled)
        ]
        if missing:
            raise Conflict(
                _("%(integration)s needs %(missing)s to be enabled first.")
                % {"integration": name, "missing": ", ".join(missing)}
            )
        if entry.get("requires_gateway_onboarding") and not account.pbx_type:
            raise Conflict(
                _(
                    "%(integration)s is available after the gateway onboarding of this account "
                    "has been completed."
                )
                % {"integration": name}
            )
    if not enabled and row.enabled:
        dependants = [
            cat.name("integrations", e["key"])
            for e in cat.entries("integrations")
            if key in e.get("depends_on", []) and states.get(e["key"]) and states[e["key"]].enabled
        ]
        if dependants:
            raise Conflict(
                _("%(dependants)s depend on %(integration)s; turn them off first.")
                % {"dependants": ", ".join(dependants), "integration": name}
            )
    before = {"enabled": row.enabled, "privileges": dict(row.privileges)}
    if enabled:
        current_privileges = (
            {p: bool(row.privileges.get(p)) for p in own_privileges}
            if row.enabled
            else dict.fromkeys(own_privileges, True)
        )
        current_privileges.update({p: bool(v) for p, v in privileges.items()})
    else:
        current_privileges = dict.fromkeys(own_privileges, False)
    row.enabled = enabled
    row.privileges = current_privileges
    after = {"enabled": row.enabled, "privileges": dict(row.privileges)}
    if before != after:
        row.save()
        if before["enabled"] != enabled:
            event = "account.integration_enabled" if enabled else "account.integration_disabled"
        else:
            event = "account.privileges_changed"
        record(
            actor,
            event,
            organization=account,
            target_type="accounts.accountintegration",
            target_id=key,
            changes=diff(before, after),
        )
    return row


# ---- call services -------------------------------------------------------------------------


@transaction.atomic
def set_call_services(
    actor: Actor, account: Organization, *, bandwidth_optimization: bool
) -> Organization:
    permissions.require(actor, "call_services.manage", account)
    _not_deleted(account)
    account = _lock(account)
    if account.bandwidth_optimization != bandwidth_optimization:
        before = account.bandwidth_optimization
        account.bandwidth_optimization = bandwidth_optimization
        account.version += 1
        account.save(update_fields=["bandwidth_optimization", "version", "updated_at"])
        record(
            actor,
            "account.call_services_changed",
            organization=account,
            target=account,
            changes={"bandwidth_optimization": {"before": before, "after": bandwidth_optimization}},
        )
    return account


# ---- lifecycle -----------------------------------------------------------------------------

RESTORE_WINDOW = dt.timedelta(days=30)


def _set_status(
    actor: Actor,
    account: Organization,
    action: str,
    event: str,
    *,
    to: str,
    allowed_from: tuple[str, ...],
    conflict: str,
    **extra: Any,
) -> Organization:
    permissions.require(actor, action, account)
    account = _lock(account)
    if account.status not in allowed_from:
        raise Conflict(conflict)
    before = account.status
    now = timezone.now()
    account.status = to
    account.status_changed_at = now
    for k, v in extra.items():
        setattr(account, k, now if v == "now" else v)
    account.version += 1
    account.save()
    record(
        actor,
        event,
        organization=account,
        target=account,
        changes={"status": {"before": before, "after": to}},
    )
    return account


@transaction.atomic
def deactivate_account(actor: Actor, account: Organization) -> Organization:
    """Deactivate: the account's users can no longer sign in and their tokens stop at once
    (identity only lets members of active organizations act)."""
    return _set_status(
        actor,
        account,
        "account.deactivate",
        "account.deactivated",
        to=Status.DEACTIVATED,
        allowed_from=(Status.ACTIVE,),
        conflict=_("Only an active account can be deactivated."),
    )


@transaction.atomic
def reactivate_account(actor: Actor, account: Organization) -> Organization:
    return _set_status(
        actor,
        account,
        "account.deactivate",
        "account.reactivated",
        to=Status.ACTIVE,
        allowed_from=(Status.DEACTIVATED,),
        conflict=_("Only a deactivated account can be reactivated."),
    )


@transaction.atomic
def delete_account(actor: Actor, account: Organization) -> Organization:
    """Soft delete: restorable for 30 days, then purged."""
    return _set_status(
        actor,
        account,
        "account.delete",
        "account.deleted",
        to=Status.DELETED,
        allowed_from=(Status.ACTIVE, Status.DEACTIVATED),
        conflict=_("This account is already deleted."),
        deleted_at="now",
    )


def _status_before_deletion(account: Organization) -> str:
    from channeldesk.audit.models import AuditEvent

    event = (
        AuditEvent.objects.filter(
            organization=account, action="account.deleted", target_id=account.id
        )
        .order_by("-id")
        .first()
    )
    before = (event.changes.get("status") or {}).get("before") if event else None
    return before if before in (Status.ACTIVE, Status.DEACTIVATED) else Status.ACTIVE


@transaction.atomic
def restore_account(actor: Actor, account: Organization) -> Organization:
    """Undo a deletion within 30 days; the account returns to its status before deletion."""
    permissions.require(actor, "account.delete", account)
    locked = _lock(account)
    if locked.status != Status.DELETED:
        raise Conflict(_("Only a deleted account can be restored."))
    if locked.purged_at or (
        locked.deleted_at and timezone.now() - locked.deleted_at > RESTORE_WINDOW
    ):
        raise Conflict(_("The 30-day restore window of this account has passed."))
    return _set_status(
        actor,
        locked,
        "account.delete",
        "account.restored",
        to=_status_before_deletion(locked),
        allowed_from=(Status.DELETED,),
        conflict=_("Only a deleted account can be restored."),
        deleted_at=None,
    )
