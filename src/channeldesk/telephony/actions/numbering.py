"""The numbering plan: extension length, extension ranges and extensions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from channeldesk.audit.events import record
from channeldesk.core.errors import Conflict, ValidationFailed
from channeldesk.telephony import validation as v
from channeldesk.telephony.actions.common import (
    MANAGE,
    _apply,
    _check_fields,
    _delete,
    _member_user,
    _save,
    _text,
    locked_plan,
)
from channeldesk.telephony.actions.routing import (
    account_number,
    follow_extension_user,
    reflect_routing,
)
from channeldesk.telephony.models import (
    AutoAttendant,
    EmergencyNumber,
    Extension,
    ExtensionRange,
    NumberingPlan,
)
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization

# ---- numbering plan and ranges ----------------------------------------------------------


@transaction.atomic
def update_plan(actor: Actor, account: Organization, *, extension_length: int) -> NumberingPlan:
    permissions.require(actor, MANAGE, account)
    plan = locked_plan(account)
    lo, hi = v.MIN_EXTENSION_LENGTH, v.MAX_EXTENSION_LENGTH
    if not isinstance(extension_length, int) or not lo <= extension_length <= hi:
        raise ValidationFailed.field(
            "extension_length",
            _("The extension length is between %(lo)d and %(hi)d digits.") % {"lo": lo, "hi": hi},
        )
    if extension_length == plan.extension_length:
        return plan
    if (
        ExtensionRange.objects.filter(account=account).exists()
        or Extension.objects.filter(account=account).exists()
    ):
        raise Conflict(_("The extension length cannot change while ranges or extensions exist."))
    before = plan.extension_length
    plan.extension_length = extension_length
    plan.version += 1
    plan.save()
    record(
        actor,
        "telephony.numbering_plan_updated",
        organization=account,
        target=plan,
        changes={"extension_length": {"before": before, "after": extension_length}},
    )
    return plan


def range_snapshot(r: ExtensionRange) -> dict[str, Any]:
    return {"first": r.first, "last": r.last, "label": r.label}


def _check_range(plan: NumberingPlan, r: ExtensionRange) -> None:
    n = plan.extension_length
    r.first = v.digits(r.first, "first", length=n)
    r.last = v.digits(r.last, "last", length=n)
    if r.first > r.last:
        raise ValidationFailed.field("last", _("The last extension must not be below the first."))
    other = (
        ExtensionRange.objects.filter(account=plan.account, first__lte=r.last, last__gte=r.first)
        .exclude(pk=r.pk)
        .order_by("first")
        .first()
    )
    if other is not None:
        raise Conflict(
            _("The range overlaps the range %(first)s–%(last)s.")
            % {"first": other.first, "last": other.last}
        )


def _orphans(account: Organization, first: str, last: str, keep: ExtensionRange | None) -> bool:
    """Would extensions between first and last be left outside every range?"""
    inside = Extension.objects.filter(account=account, number__gte=first, number__lte=last)
    if keep is not None:
        inside = inside.exclude(number__gte=keep.first, number__lte=keep.last)
    return inside.exists()


@transaction.atomic
def create_range(
    actor: Actor, account: Organization, *, first: str, last: str, label: str = ""
) -> ExtensionRange:
    permissions.require(actor, MANAGE, account)
    plan = locked_plan(account)
    r = ExtensionRange(account=account, first=first, last=last)
    r.label = _text(label, "label", required=False, max_length=100)
    _check_range(plan, r)
    _save(r, _("A range starting at %(first)s already exists.") % {"first": r.first})
    record(
        actor,
        "telephony.extension_range_created",
        organization=account,
        target=r,
        changes=range_snapshot(r),
    )
    return r


@transaction.atomic
def update_range(actor: Actor, r: ExtensionRange, **data: Any) -> ExtensionRange:
    account = r.account
    permissions.require(actor, MANAGE, account)
    _check_fields(data, ("first", "last", "label"))
    plan = locked_plan(account)
    before = range_snapshot(r)
    old = ExtensionRange(first=r.first, last=r.last)
    for key in ("first", "last"):
        if data.get(key) is not None:
            setattr(r, key, data[key])
    if data.get("label") is not None:
        r.label = _text(data["label"], "label", required=False, max_length=100)
    _check_range(plan, r)
    if _orphans(account, old.first, old.last, keep=r):
        raise Conflict(_("Extensions in use would fall outside the range. Remove them first."))
    return _apply(
        actor,
        r,
        "telephony.extension_range_updated",
        account,
        range_snapshot,
        before,
        _("A range starting at %(first)s already exists.") % {"first": r.first},
    )


@transaction.atomic
def delete_range(actor: Actor, r: ExtensionRange) -> None:
    account = r.account
    permissions.require(actor, MANAGE, account)
    locked_plan(account)
    if _orphans(account, r.first, r.last, keep=None):
        raise Conflict(_("The range still holds extensions. Remove them first."))
    record(
        actor,
        "telephony.extension_range_deleted",
        organization=account,
        target=r,
        changes=range_snapshot(r),
    )
    r.delete()


# ---- extensions -------------------------------------------------------------------------


def extension_snapshot(e: Extension) -> dict[str, Any]:
    return {
        "number": e.number,
        "kind": e.kind,
        "name": e.name,
        "user_id": e.user_id,
        "attendant_id": e.attendant_id,
        "phone_number": e.phone_number.e164 if e.phone_number_id and e.phone_number else None,
    }


def _check_extension(plan: NumberingPlan, e: Extension) -> None:
    account = plan.account
    e.number = v.digits(e.number, "number", length=plan.extension_length)
    if not ExtensionRange.objects.filter(
        account=account, first__lte=e.number, last__gte=e.number
    ).exists():
        raise ValidationFailed.field(
            "number", _("The extension is not inside any range of the numbering plan.")
        )
    emergency = (
        EmergencyNumber.objects.filter(account=account, number=e.number)
        .select_related("site_product")
        .first()
    )
    if emergency is not None:
        raise Conflict(
            _("%(n)s is an emergency number (site %(site)s) and cannot be an extension.")
            % {"n": e.number, "site": emergency.site_name}
        )
    if Extension.objects.filter(account=account, number=e.number).exclude(pk=e.pk).exists():
        raise Conflict(_("Extension %(n)s already exists.") % {"n": e.number})
    if (
        e.phone_number_id
        and Extension.objects.filter(phone_number_id=e.phone_number_id).exclude(pk=e.pk).exists()
    ):
        raise Conflict(
            _("The phone number %(p)s is already routed to another extension.")
            % {"p": e.phone_number.e164 if e.phone_number else ""}
        )
    if e.kind == Extension.Kind.USER and e.user_id is None:
        raise ValidationFailed.field("user_id", _("Choose the user of this extension."))
    if e.kind == Extension.Kind.ATTENDANT and e.attendant_id is None:
        raise ValidationFailed.field("attendant_id", _("Choose the attendant of this extension."))
    if e.kind == Extension.Kind.GROUP and not e.name:
        raise ValidationFailed.field("name", _("Name the group."))
    if e.kind != Extension.Kind.USER:
        e.user = None
    if e.kind != Extension.Kind.ATTENDANT:
        e.attendant = None


def _attendant(account: Organization, attendant_id: str | None) -> AutoAttendant | None:
    if not attendant_id:
        return None
    a = AutoAttendant.objects.filter(account=account, pk=attendant_id).first()
    if a is None:
        raise ValidationFailed.field("attendant_id", _("Choose an attendant of this account."))
    return a


def _duplicate_extension(e: Extension) -> str:
    return _("Extension %(n)s or its phone number is already in use.") % {"n": e.number}


@transaction.atomic
def create_extension(
    actor: Actor,
    account: Organization,
    *,
    number: str,
    kind: str,
    name: str = "",
    user_id: str | None = None,
    attendant_id: str | None = None,
    phone_number: str | None = None,
) -> Extension:
    permissions.require(actor, MANAGE, account)
    plan = locked_plan(account)
    if kind not in Extension.Kind.values:
        raise ValidationFailed.field("kind", _("Choose user, device, group or attendant."))
    e = Extension(
        account=account,
        number=number,
        kind=kind,
        name=_text(name, "name", required=False, max_length=100),
        user=_member_user(account, user_id),
        attendant=_attendant(account, attendant_id),
        phone_number=account_number(account, phone_number),
    )
    _check_extension(plan, e)
    _save(e, _duplicate_extension(e))
    reflect_routing([e.phone_number_id])
    record(
        actor,
        "telephony.extension_created",
        organization=account,
        target=e,
        changes=extension_snapshot(e),
    )
    return e


@transaction.atomic
def update_extension(actor: Actor, e: Extension, **data: Any) -> Extension:
    account = e.account
    permissions.require(actor, MANAGE, account)
    _check_fields(data, ("number", "name", "user_id", "attendant_id", "phone_number"))
    plan = locked_plan(account)
    before = extension_snapshot(e)
    old_number, old_user = e.phone_number_id, e.user_id
    if "number" in data:
        e.number = data["number"]  # attendant destinations follow the row, not the number
    if "name" in data:
        e.name = _text(data["name"], "name", required=False, max_length=100)
    if "user_id" in data:
        e.user = _member_user(account, data["user_id"])
    if "attendant_id" in data:
        e.attendant = _attendant(account, data["attendant_id"])
    if "phone_number" in data:
        e.phone_number = account_number(account, data["phone_number"])
    _check_extension(plan, e)
    _apply(
        actor,
        e,
        "telephony.extension_updated",
        account,
        extension_snapshot,
        before,
        _duplicate_extension(e),
    )
    if e.user_id != old_user:
        follow_extension_user(e)
    reflect_routing([old_number, e.phone_number_id])
    return e


@transaction.atomic
def delete_extension(actor: Actor, e: Extension) -> None:
    account = e.account
    permissions.require(actor, MANAGE, account)
    locked_plan(account)
    changes = extension_snapshot(e)
    pk, routed = e.pk, e.phone_number_id
    _delete(
        e,
        _("Extension %(n)s is used by a device or an attendant. Change them first.")
        % {"n": e.number},
    )
    record(
        actor,
        "telephony.extension_deleted",
        organization=account,
        target_type="telephony.extension",
        target_id=pk,
        changes=changes,
    )
    reflect_routing([routed])
