"""Onboarding actions: start a draft, save steps, test the connection, complete, delete."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from channeldesk.accounts import actions as account_actions
from channeldesk.accounts.domains import MAX_DOMAINS
from channeldesk.audit.events import record
from channeldesk.catalog.catalog import current
from channeldesk.core import crypto
from channeldesk.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from channeldesk.identity import actions as identity_actions
from channeldesk.identity.models import User, normalize_email
from channeldesk.onboarding import steps as step_rules
from channeldesk.onboarding.connection import TestResult
from channeldesk.onboarding.models import EDITABLE_STEPS, Onboarding, SyncedExtension
from channeldesk.onboarding.queries import existing_logins
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership
from channeldesk.tenancy.roles import Role, Status


def _locked(draft: Onboarding) -> Onboarding:
    """The draft re-read under a row lock; completed or deleted drafts cannot change."""
    row = Onboarding.objects.select_for_update().filter(id=draft.id).first()
    if row is None:
        raise NotFound("onboarding not found")
    if row.status != Onboarding.Status.DRAFT:
        raise Conflict(_("This onboarding is already completed."))
    return row


def require_platform(draft: Onboarding) -> None:
    """409 for a draft whose platform the catalog no longer offers (loading such a catalog is
    refused while drafts use the platform, but a draft must never turn into a 500)."""
    if draft.platform not in current().keys("platforms"):
        raise Conflict(
            _(
                "The platform %(platform)s of this onboarding is no longer offered. "
                "Delete the draft and start again with another platform."
            )
            % {"platform": draft.platform}
        )


@transaction.atomic
def start_onboarding(
    actor: Actor, *, platform: str, customer: dict[str, Any] | None = None, partial: bool = False
) -> Onboarding:
    """Start a draft. The wizard passes the first step (`customer`) along, so a draft exists
    only once its first step is saved: with Next it must validate (else nothing is stored),
    with Save and return (`partial`) it is kept as entered."""
    permissions.require(actor, "onboarding.manage", actor.organization)
    platform = (platform or "").strip()
    if platform not in current().keys("platforms"):
        raise ValidationFailed.field("platform", _("Choose a platform of the catalog."))
    draft = Onboarding.objects.create(
        organization=actor.organization, created_by=actor.user, platform=platform
    )
    record(
        actor,
        "onboarding.started",
        organization=actor.organization,
        target=draft,
        changes={"platform": platform},
    )
    if customer is not None:
        draft = save_step(actor, draft, "customer", customer, partial=partial)
    return draft


def check_step(actor: Actor, draft: Onboarding, step: str) -> None:
    """403 without the permission, 404 for an unknown step, 409 for one not on the platform."""
    permissions.require(actor, "onboarding.manage", draft.organization)
    _check_step(draft, step)


def _check_step(draft: Onboarding, step: str) -> None:
    if step not in EDITABLE_STEPS:
        raise NotFound("no such step")
    require_platform(draft)
    if step not in draft.steps:
        raise Conflict(
            _("The step %(step)s is not part of this platform's onboarding.") % {"step": step}
        )


def clean_step(draft: Onboarding, step: str, payload: dict[str, Any]) -> tuple[dict, str | None]:
    """(clean step data, new password or None) — raises ValidationFailed."""
    if step == "customer":
        return step_rules.clean_customer(payload), None
    if step == "pbx":
        return step_rules.clean_pbx(payload, draft.platform), None
    if step == "connection":
        data, password = step_rules.clean_connection(
            payload, has_password=bool(draft.connection_secret)
        )
        return data, password
    if step == "gateway":
        return step_rules.clean_gateway(payload, draft.step("customer")), None
    return step_rules.clean_sync(payload, draft.platform), None


def _raw(step: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What is kept of an invalid step on "Save and return": the entered values, bounded."""

    def text(v: Any) -> Any:
        if isinstance(v, str):
            return v[:300]
        if isinstance(v, int | float | bool) or v is None:
            return v
        if isinstance(v, dict):
            return {str(k)[:50]: text(x) for k, x in list(v.items())[:20]}
        if isinstance(v, list):
            return [text(x) for x in v[: max(step_rules.MAX_CONTACTS, MAX_DOMAINS)]]
        return str(v)[:300]

    kept = {k: text(v) for k, v in payload.items() if k not in ("password", "csv")}
    csv_text = payload.get("csv")
    if step == "sync" and isinstance(csv_text, str):
        # The uploaded file stays with the draft until it is corrected (Save and return);
        # one over the size limit is not kept.
        if len(csv_text.encode("utf-8", "replace")) <= step_rules.MAX_CSV_BYTES:
            kept["csv"] = csv_text
    return kept


@transaction.atomic
def save_step(
    actor: Actor, draft: Onboarding, step: str, payload: dict[str, Any], *, partial: bool = False
) -> Onboarding:
    """Validate and store a step (Next / API PUT). With `partial` (Save and return), an invalid
    step is kept as entered and stays incomplete instead of raising."""
    check_step(actor, draft, step)
    draft = _locked(draft)
    try:
        data, password = clean_step(draft, step, payload)
    except ValidationFailed:
        if not partial:
            raise
        data, password = _raw(step, payload), None
        done = False
    else:
        done = True
    changed_password = bool(password)
    if password:
        draft.connection_secret = crypto.encrypt(password)
    if step == "connection" and data != draft.step("connection"):
        # Another host/port: the earlier test result no longer applies.
        draft.connection_ok, draft.connection_detail, draft.connection_tested_at = None, "", None
    draft.data = {**draft.data, step: data}
    completed = [s for s in draft.completed_steps if s != step]
    draft.completed_steps = [s for s in draft.steps if s in {*completed, *([step] if done else [])}]
    draft.version += 1
    draft.save()
    changes: dict[str, Any] = {"step": step, "complete": done}
    if step == "connection":
        changes.update({k: data.get(k) for k in ("host", "port", "username")})
        if changed_password:
            changes["password"] = "changed"  # noqa: S105 - an audit marker, not a password
    elif step == "sync":
        changes.update(
            {
                "pbx_type": data.get("pbx_type"),
                "system_id": data.get("system_id"),
                "rows": len(data.get("rows", [])),
            }
        )
    elif step == "customer":
        changes.update(
            {
                "name": data.get("name"),
                "country": data.get("country"),
                "domains": data.get("domains"),
            }
        )
    else:
        changes.update(data)
    record(
        actor,
        "onboarding.step_saved",
        organization=draft.organization,
        target=draft,
        changes=changes,
    )
    return draft


@transaction.atomic
def record_connection_test(actor: Actor, draft: Onboarding, result: TestResult) -> Onboarding:
    permissions.require(actor, "onboarding.manage", draft.organization)
    draft = _locked(draft)
    draft.connection_ok = result.ok
    draft.connection_detail = result.detail[:300]
    draft.connection_tested_at = timezone.now()
    draft.save(
        update_fields=["connection_ok", "connection_detail", "connection_tested_at", "updated_at"]
    )
    record(
        actor,
        "onboarding.connection_tested",
        organization=draft.organization,
        target=draft,
        changes={"ok": result.ok, "detail": draft.connection_detail},
    )
    return draft


def connection_target(actor: Actor, draft: Onboarding) -> tuple[str, int]:
    """The host and port to test (the entered ones); 409 before they are entered."""
    permissions.require(actor, "onboarding.manage", draft.organization)
    _check_step(draft, "connection")
    if draft.status != Onboarding.Status.DRAFT:
        raise Conflict(_("This onboarding is already completed."))
    conn = draft.step("connection")
    host, port = conn.get("host"), conn.get("port")
    if not host or not isinstance(port, int) or "connection" not in draft.completed_steps:
        raise Conflict(_("Enter and save the connection details first."))
    return str(host), port


@transaction.atomic
def delete_onboarding(actor: Actor, draft: Onboarding) -> None:
    permissions.require(actor, "onboarding.manage", draft.organization)
    draft = _locked(draft)
    record(
        actor,
        "onboarding.deleted",
        organization=draft.organization,
        target=draft,
        changes={"customer": draft.customer_name, "platform": draft.platform},
    )
    draft.delete()


@transaction.atomic
def complete_onboarding(actor: Actor, draft: Onboarding):
    """Create the customer account (active) with its support contacts, PBX type, imported sync
    users, and invite the admin contacts as site_admin users — all or nothing."""
    permissions.require(actor, "onboarding.manage", draft.organization)
    draft = _locked(draft)
    require_platform(draft)
    missing = draft.missing_steps
    if missing:
        raise Conflict(
            _("These steps are not complete: %(steps)s") % {"steps": ", ".join(missing)},
            errors=[FieldError(s, _("This step is not complete.")) for s in missing],
        )
    # Re-check every step against today's catalog and rules.
    clean: dict[str, dict] = {}
    errors: list[FieldError] = []
    for step in draft.steps:
        if step == "review":
            continue
        payload = draft.step(step)
        if step == "sync":
            payload = {**payload, "csv": _rows_to_csv(payload)}
            payload.pop("rows", None)
        try:
            clean[step], _pw = clean_step(draft, step, payload)
        except ValidationFailed as exc:
            errors += [FieldError(f"{step}.{e.field}", e.message) for e in exc.errors]
    if errors:
        raise ValidationFailed(_("Some steps need to be corrected."), errors=errors)

    customer = clean["customer"]
    account = account_actions.create_account(
        actor,
        partner=draft.organization,
        status=Status.ACTIVE,
        platform=draft.platform,
        domains=customer["domains"],
        **{k: customer[k] for k in step_rules.CUSTOMER_FIELDS},
    )
    for c in customer["support_contacts"]:
        account_actions.add_support_contact(
            actor, account, name=c["name"], email=c["email"], role=c["role"]
        )
    pbx_type = (clean.get("pbx") or clean.get("sync") or {}).get("pbx_type")
    if pbx_type:
        account.pbx_type = pbx_type
        account.version += 1
        account.save(update_fields=["pbx_type", "version", "updated_at"])
        record(
            actor,
            "account.updated",
            organization=account,
            target=account,
            changes={"pbx_type": {"before": "", "after": account.pbx_type}},
        )
    invited: list[str] = []
    for c in customer["admin_contacts"]:
        identity_actions.invite_user(
            actor,
            account,
            email=c["email"],
            name=c["name"],
            role=Role.SITE_ADMIN,
            rate_limited=False,  # as many as the draft lists, confirmed on Review
        )
        invited.append(c["email"])
    imported = 0
    if "sync" in clean:
        imported = _import_sync_users(actor, draft, account, clean["sync"])
    # Rows of the export file left for an explicit invitation (existing logins).
    skipped = len(clean.get("sync", {}).get("rows", [])) - imported
    draft.status = Onboarding.Status.COMPLETED
    draft.account = account
    draft.completed_at = timezone.now()
    draft.version += 1
    draft.save()
    record(
        actor,
        "onboarding.completed",
        organization=account,
        target=draft,
        changes={
            "account": account.id,
            "platform": draft.platform,
            "pbx_type": account.pbx_type,
            "support_contacts": len(customer["support_contacts"]),
            "invited_site_admins": invited,
            "imported_users": imported,
            "skipped_existing_logins": skipped,
        },
    )
    return account


def _rows_to_csv(sync: dict[str, Any]) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["email", "name", "extension"])
    for r in sync.get("rows", []):
        w.writerow([r.get("email", ""), r.get("name", ""), r.get("extension", "")])
    return buf.getvalue()


def _import_sync_users(actor: Actor, draft: Onboarding, account, sync: dict[str, Any]) -> int:
    """The export file's users become members of the new account with their extensions.
    Nobody is e-mailed here: imported users get access through invitation or password reset.

    An address that already has a login (a user of another customer, a partner, the
    operator's staff) is never attached silently: such rows were shown as needing attention
    in the preview and on Review, and are skipped; an account admin invites them explicitly
    from the account's users page if they should join."""
    permissions.require(actor, "account_user.manage", account)
    all_emails = [normalize_email(r["email"]) for r in sync["rows"]]
    # Admin contacts invited a moment ago are already members: they keep their extension.
    members = {
        m.user.email: m.user
        for m in Membership.objects.filter(
            organization=account, user__email__in=all_emails
        ).select_related("user")
    }
    existing = existing_logins(all_emails) - set(members)
    rows = [r for r in sync["rows"] if normalize_email(r["email"]) not in existing]
    new_users = [
        User(email=normalize_email(r["email"]), name=r["name"])
        for r in rows
        if normalize_email(r["email"]) not in members
    ]
    for u in new_users:
        u.set_unusable_password()
    User.objects.bulk_create(new_users, batch_size=500)
    emails = [u.email for u in new_users]
    users = {**members, **{u.email: u for u in User.objects.filter(email__in=emails)}}
    Membership.objects.bulk_create(
        [Membership(user=users[e], organization=account, role=Role.MEMBER) for e in emails],
        batch_size=500,
    )
    SyncedExtension.objects.bulk_create(
        [
            SyncedExtension(
                account=account,
                user=users[normalize_email(r["email"])],
                extension=r["extension"],
                system_id=sync["system_id"],
                onboarding=draft,
            )
            for r in rows
        ],
        batch_size=500,
    )
    record(
        actor,
        "account.users_imported",
        organization=account,
        target=account,
        changes={
            "system_id": sync["system_id"],
            "users": len(rows),
            "new_users": len(new_users),
            "skipped_existing_logins": len(sync["rows"]) - len(rows),
        },
    )
    return len(rows)
