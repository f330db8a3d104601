"""Telephony changes (product.md §9). Every function is one audited transaction.

Numbering changes (ranges, extensions, devices, attendants, emergency numbers, the plan itself)
first lock the account's NumberingPlan row, so overlap and collision checks are never raced;
unique constraints back the same rules up (IntegrityError -> 409).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channeldesk.audit.events import diff, record
from channeldesk.catalog.catalog import current
from channeldesk.core.errors import Conflict, ValidationFailed
from channeldesk.identity.models import User
from channeldesk.notifications.actions import notify
from channeldesk.telephony import validation as v
from channeldesk.telephony.models import (
    AttendantOption,
    AutoAttendant,
    Device,
    EmergencyNumber,
    Extension,
    ExtensionRange,
    NumberingPlan,
    VoiceEquipment,
    WelcomeService,
)
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Role

MANAGE = "telephony.manage"
DECLARE = "telephony.declare_equipment"
NO_CLOUD_PBX = gettext_lazy(
    "This account has no cloud PBX. The partner must declare a cloud PBX before devices, "
    "numbering, attendants, the welcome service or emergency numbers can be managed."
)


# ---- helpers ----------------------------------------------------------------------------


def is_cloud(kind: str) -> bool:
    entry = current().get("voice_equipment", kind)
    return bool(entry and entry.get("kind") == "cloud")


def locked_plan(account: Organization) -> NumberingPlan:
    """The account's numbering plan, locked for this transaction; 409 without a cloud PBX."""
    plan = NumberingPlan.objects.select_for_update().filter(account=account).first()
    if plan is None:
        raise Conflict(str(NO_CLOUD_PBX))
    return plan


def _save(obj: Any, conflict: str, **kwargs: Any) -> None:
    """Save inside a savepoint; a unique constraint violated by a concurrent writer -> 409."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError:
        raise Conflict(conflict) from None


def _delete(obj: Any, conflict: str) -> None:
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError:
        raise Conflict(conflict) from None


def _text(value: Any, field: str, *, required: bool, max_length: int) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed.field(field, _("This field is required."))
    if len(text) > max_length:
        raise ValidationFailed.field(field, _("Use at most %(n)d characters.") % {"n": max_length})
    return text


def _member_user(account: Organization, user_id: str | None, field: str = "user_id") -> User | None:
    if not user_id:
        return None
    m = (
        Membership.objects.filter(organization=account, user_id=user_id)
        .select_related("user")
        .first()
    )
    if m is None:
        raise ValidationFailed.field(field, _("Choose a user of this account."))
    return m.user


def _extension(account: Organization, number: str | None, field: str) -> Extension | None:
    if number in (None, ""):
        return None
    ext = Extension.objects.filter(account=account, number=str(number).strip()).first()
    if ext is None:
        raise ValidationFailed.field(
            field, _("Extension %(n)s does not exist.") % {"n": str(number)[:8]}
        )
    return ext


def _apply(
    actor: Actor,
    obj: Any,
    event: str,
    account: Organization,
    snap: Callable[[Any], dict[str, Any]],
    before: dict[str, Any],
    conflict: str,
) -> Any:
    changes = diff(before, snap(obj))
    if changes:
        obj.version += 1
        _save(obj, conflict)
        record(actor, event, organization=account, target=obj, changes=changes)
    return obj


def _check_fields(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            raise ValidationFailed.field(key, _("This field cannot be changed."))


# ---- voice equipment --------------------------------------------------------------------


def equipment_snapshot(eq: VoiceEquipment) -> dict[str, Any]:
    return {"kind": eq.kind, "name": eq.name}


@transaction.atomic
def declare_equipment(
    actor: Actor, account: Organization, *, kind: str, name: str = ""
) -> VoiceEquipment:
    """The partner declares the account's voice equipment (catalog: cloud PBX, on-premises
    PBX types, third-party PBX). A cloud PBX brings the account's numbering plan."""
    permissions.require(actor, DECLARE, account)
    if kind not in current().keys("voice_equipment"):
        raise ValidationFailed.field("kind", _("Choose a kind of voice equipment."))
    name = _text(name, "name", required=False, max_length=200)
    Organization.objects.select_for_update().filter(pk=account.pk).first()
    if VoiceEquipment.objects.filter(account=account, kind=kind).exists():
        raise Conflict(_("This voice equipment is already declared for the account."))
    eq = VoiceEquipment(account=account, kind=kind, name=name)
    _save(eq, _("This voice equipment is already declared for the account."))
    if is_cloud(kind):
        NumberingPlan.objects.get_or_create(account=account)
    record(
        actor,
        "telephony.voice_equipment_created",
        organization=account,
        target=eq,
        changes=equipment_snapshot(eq),
    )
    admins = User.objects.filter(
        memberships__organization=account, memberships__role=Role.ACCOUNT_ADMIN, is_active=True
    )
    notify(
        list(admins),
        organization=account,
        kind="telephony.voice_equipment_created",
        text=gettext_lazy("Voice equipment was declared for your account: %(name)s")
        % {"name": current().name("voice_equipment", kind)},
        link=f"/accounts/{account.id}/telephony/",
    )
    return eq


@transaction.atomic
def update_equipment(actor: Actor, eq: VoiceEquipment, **data: Any) -> VoiceEquipment:
    permissions.require(actor, DECLARE, eq.account)
    _check_fields(data, ("name",))
    before = equipment_snapshot(eq)
    if "name" in data:
        eq.name = _text(data["name"], "name", required=False, max_length=200)
    return _apply(
        actor,
        eq,
        "telephony.voice_equipment_updated",
        eq.account,
        equipment_snapshot,
        before,
        _("Conflict"),
    )


@transaction.atomic
def remove_equipment(actor: Actor, eq: VoiceEquipment) -> None:
    account = eq.account
    permissions.require(actor, DECLARE, account)
    if is_cloud(eq.kind):
        plan = NumberingPlan.objects.select_for_update().filter(account=account).first()
        in_use = (
            ExtensionRange.objects.filter(account=account).exists()
            or Extension.objects.filter(account=account).exists()
            or Device.objects.filter(account=account).exists()
            or AutoAttendant.objects.filter(account=account).exists()
            or WelcomeService.objects.filter(account=account).exists()
            or EmergencyNumber.objects.filter(account=account).exists()
        )
        if in_use:
            raise Conflict(
                _(
                    "The cloud PBX still has devices, numbering, attendants, a welcome service "
                    "or emergency numbers. Remove them first."
                )
            )
        if plan is not None:
            plan.delete()
    record(
        actor,
        "telephony.voice_equipment_deleted",
        organization=account,
        target=eq,
        changes=equipment_snapshot(eq),
    )
    eq.delete()


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
        "phone_number": e.phone_number,
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
    emergency = EmergencyNumber.objects.filter(account=account, number=e.number).first()
    if emergency is not None:
        raise Conflict(
            _("%(n)s is an emergency number (site %(site)s) and cannot be an extension.")
            % {"n": e.number, "site": emergency.site}
        )
    if Extension.objects.filter(account=account, number=e.number).exclude(pk=e.pk).exists():
        raise Conflict(_("Extension %(n)s already exists.") % {"n": e.number})
    e.phone_number = v.e164(e.phone_number)
    if (
        e.phone_number
        and Extension.objects.filter(account=account, phone_number=e.phone_number)
        .exclude(pk=e.pk)
        .exists()
    ):
        raise Conflict(
            _("The phone number %(p)s is already routed to another extension.")
            % {"p": e.phone_number}
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
        phone_number=phone_number or "",
    )
    _check_extension(plan, e)
    _save(e, _duplicate_extension(e))
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
    if "number" in data:
        e.number = data["number"]  # attendant destinations follow the row, not the number
    if "name" in data:
        e.name = _text(data["name"], "name", required=False, max_length=100)
    if "user_id" in data:
        e.user = _member_user(account, data["user_id"])
    if "attendant_id" in data:
        e.attendant = _attendant(account, data["attendant_id"])
    if "phone_number" in data:
        e.phone_number = data["phone_number"] or ""
    _check_extension(plan, e)
    return _apply(
        actor,
        e,
        "telephony.extension_updated",
        account,
        extension_snapshot,
        before,
        _duplicate_extension(e),
    )


@transaction.atomic
def delete_extension(actor: Actor, e: Extension) -> None:
    account = e.account
    permissions.require(actor, MANAGE, account)
    locked_plan(account)
    changes = extension_snapshot(e)
    pk = e.pk
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


# ---- devices ----------------------------------------------------------------------------


def device_snapshot(d: Device) -> dict[str, Any]:
    return {
        "model": d.model,
        "mac": d.mac,
        "user_id": d.user_id,
        "extension": d.extension.number if d.extension_id and d.extension else None,
    }


MAC_TAKEN = gettext_lazy("This MAC address is already registered.")


@transaction.atomic
def create_device(
    actor: Actor,
    account: Organization,
    *,
    model: str,
    mac: str,
    user_id: str | None = None,
    extension: str | None = None,
) -> Device:
    permissions.require(actor, MANAGE, account)
    locked_plan(account)
    d = Device(
        account=account,
        model=_text(model, "model", required=True, max_length=100),
        mac=v.normalize_mac(mac),
        user=_member_user(account, user_id),
        extension=_extension(account, extension, "extension"),
    )
    if Device.objects.filter(mac=d.mac).exists():
        raise Conflict(str(MAC_TAKEN))
    _save(d, str(MAC_TAKEN))
    record(
        actor,
        "telephony.device_created",
        organization=account,
        target=d,
        changes=device_snapshot(d),
    )
    return d


@transaction.atomic
def update_device(actor: Actor, d: Device, **data: Any) -> Device:
    account = d.account
    permissions.require(actor, MANAGE, account)
    _check_fields(data, ("model", "mac", "user_id", "extension"))
    locked_plan(account)
    before = device_snapshot(d)
    if "model" in data:
        d.model = _text(data["model"], "model", required=True, max_length=100)
    if "mac" in data:
        d.mac = v.normalize_mac(data["mac"])
        if Device.objects.filter(mac=d.mac).exclude(pk=d.pk).exists():
            raise Conflict(str(MAC_TAKEN))
    if "user_id" in data:
        d.user = _member_user(account, data["user_id"])
    if "extension" in data:
        d.extension = _extension(account, data["extension"], "extension")
    return _apply(
        actor, d, "telephony.device_updated", account, device_snapshot, before, str(MAC_TAKEN)
    )


@transaction.atomic
def delete_device(actor: Actor, d: Device) -> None:
    account = d.account
    permissions.require(actor, MANAGE, account)
    locked_plan(account)
    record(
        actor,
        "telephony.device_deleted",
        organization=account,
        target=d,
        changes=device_snapshot(d),
    )
    d.delete()


# ---- automated attendants ---------------------------------------------------------------


def attendant_snapshot(a: AutoAttendant) -> dict[str, Any]:
    return {
        "name": a.name,
        "greeting": a.greeting,
        "business_hours": a.business_hours,
        "timeout_seconds": a.timeout_seconds,
        "timeout_destination": a.timeout_destination.number if a.timeout_destination else None,
        "menu": {o.digit: o.destination.number for o in a.options.select_related("destination")}
        if a.pk and not a._state.adding
        else {},
    }


def _menu(account: Organization, menu: Any) -> dict[str, Extension]:
    if menu is None:
        return {}
    if not isinstance(menu, dict):
        raise ValidationFailed.field("menu", _("Map digits to extensions."))
    out: dict[str, Extension] = {}
    for digit, number in menu.items():
        if digit not in v.MENU_KEYS:
            raise ValidationFailed.field(f"menu.{digit}"[:20], _("Use a digit 0–9, * or #."))
        ext = _extension(account, number, f"menu.{digit}")
        if ext is None:
            raise ValidationFailed.field(f"menu.{digit}", _("Choose a destination extension."))
        out[digit] = ext
    return out


def _set_menu(a: AutoAttendant, menu: dict[str, Extension]) -> None:
    a.options.all().delete()
    AttendantOption.objects.bulk_create(
        [AttendantOption(attendant=a, digit=d, destination=e) for d, e in sorted(menu.items())]
    )


def _timeout(value: Any) -> int:
    if not isinstance(value, int) or not 3 <= value <= 120:
        raise ValidationFailed.field(
            "timeout_seconds", _("The timeout is between 3 and 120 seconds.")
        )
    return value


ATTENDANT_NAME_TAKEN = gettext_lazy("An attendant with this name already exists.")


@transaction.atomic
def create_attendant(
    actor: Actor,
    account: Organization,
    *,
    name: str,
    greeting: str = "",
    business_hours: Any = None,
    menu: Any = None,
    timeout_seconds: int = 10,
    timeout_destination: str | None = None,
) -> AutoAttendant:
    permissions.require(actor, MANAGE, account)
    locked_plan(account)
    a = AutoAttendant(
        account=account,
        name=_text(name, "name", required=True, max_length=100),
        greeting=_text(greeting, "greeting", required=False, max_length=2000),
        business_hours=v.business_hours(business_hours),
        timeout_seconds=_timeout(timeout_seconds),
        timeout_destination=_extension(account, timeout_destination, "timeout_destination"),
    )
    options = _menu(account, menu)
    if AutoAttendant.objects.filter(account=account, name=a.name).exists():
        raise Conflict(str(ATTENDANT_NAME_TAKEN))
    _save(a, str(ATTENDANT_NAME_TAKEN))
    _set_menu(a, options)
    record(
        actor,
        "telephony.auto_attendant_created",
        organization=account,
        target=a,
        changes=attendant_snapshot(a),
    )
    return a


@transaction.atomic
def update_attendant(actor: Actor, a: AutoAttendant, **data: Any) -> AutoAttendant:
    account = a.account
    permissions.require(actor, MANAGE, account)
    _check_fields(
        data,
        ("name", "greeting", "business_hours", "menu", "timeout_seconds", "timeout_destination"),
    )
    locked_plan(account)
    before = attendant_snapshot(a)
    if "name" in data:
        a.name = _text(data["name"], "name", required=True, max_length=100)
        if AutoAttendant.objects.filter(account=account, name=a.name).exclude(pk=a.pk).exists():
            raise Conflict(str(ATTENDANT_NAME_TAKEN))
    if "greeting" in data:
        a.greeting = _text(data["greeting"], "greeting", required=False, max_length=2000)
    if "business_hours" in data:
        a.business_hours = v.business_hours(data["business_hours"])
    if "timeout_seconds" in data:
        a.timeout_seconds = _timeout(data["timeout_seconds"])
    if "timeout_destination" in data:
        a.timeout_destination = _extension(
            account, data["timeout_destination"], "timeout_destination"
        )
    if "menu" in data:
        _set_menu(a, _menu(account, data["menu"]))
    return _apply(
        actor,
        a,
        "telephony.auto_attendant_updated",
        account,
        attendant_snapshot,
        before,
        str(ATTENDANT_NAME_TAKEN),
    )


@transaction.atomic
def delete_attendant(actor: Actor, a: AutoAttendant) -> None:
    account = a.account
    permissions.require(actor, MANAGE, account)
    locked_plan(account)
    changes = attendant_snapshot(a)
    pk = a.pk
    _delete(a, _("The attendant still has an extension. Remove the extension first."))
    record(
        actor,
        "telephony.auto_attendant_deleted",
        organization=account,
        target_type="telephony.autoattendant",
        target_id=pk,
        changes=changes,
    )


# ---- welcome service --------------------------------------------------------------------


def welcome_snapshot(w: WelcomeService) -> dict[str, Any]:
    return {"greeting": w.greeting, "enabled": w.enabled}


WELCOME_EXISTS = gettext_lazy("The account already has a welcome service; change it instead.")


@transaction.atomic
def create_welcome(
    actor: Actor, account: Organization, *, greeting: str, enabled: bool = True
) -> WelcomeService:
    permissions.require(actor, MANAGE, account)
    locked_plan(account)
    w = WelcomeService(
        account=account,
        greeting=_text(greeting, "greeting", required=True, max_length=2000),
        enabled=bool(enabled),
    )
    if WelcomeService.objects.filter(account=account).exists():
        raise Conflict(str(WELCOME_EXISTS))
    _save(w, str(WELCOME_EXISTS))
    record(
        actor,
        "telephony.welcome_service_created",
        organization=account,
        target=w,
        changes=welcome_snapshot(w),
    )
    return w


@transaction.atomic
def update_welcome(actor: Actor, w: WelcomeService, **data: Any) -> WelcomeService:
    account = w.account
    permissions.require(actor, MANAGE, account)
    _check_fields(data, ("greeting", "enabled"))
    locked_plan(account)
    before = welcome_snapshot(w)
    if "greeting" in data:
        w.greeting = _text(data["greeting"], "greeting", required=True, max_length=2000)
    if "enabled" in data:
        if not isinstance(data["enabled"], bool):
            raise ValidationFailed.field("enabled", _("Choose on or off."))
        w.enabled = data["enabled"]
    return _apply(
        actor,
        w,
        "telephony.welcome_service_updated",
        account,
        welcome_snapshot,
        before,
        str(WELCOME_EXISTS),
    )


@transaction.atomic
def delete_welcome(actor: Actor, w: WelcomeService) -> None:
    account = w.account
    permissions.require(actor, MANAGE, account)
    locked_plan(account)
    record(
        actor,
        "telephony.welcome_service_deleted",
        organization=account,
        target=w,
        changes=welcome_snapshot(w),
    )
    w.delete()


# ---- emergency numbers ------------------------------------------------------------------


def emergency_snapshot(n: EmergencyNumber) -> dict[str, Any]:
    return {"site": n.site, "number": n.number, "caller_location": n.caller_location}


def _check_emergency(n: EmergencyNumber) -> None:
    n.site = _text(n.site, "site", required=True, max_length=100)
    n.number = v.digits(n.number, "number", lo=2, hi=8)
    n.caller_location = _text(n.caller_location, "caller_location", required=True, max_length=300)
    if Extension.objects.filter(account=n.account, number=n.number).exists():
        raise Conflict(
            _("Extension %(n)s already uses this number. Remove or renumber it first.")
            % {"n": n.number}
        )
    if (
        EmergencyNumber.objects.filter(account=n.account, site=n.site, number=n.number)
        .exclude(pk=n.pk)
        .exists()
    ):
        raise Conflict(str(EMERGENCY_TAKEN))


EMERGENCY_TAKEN = gettext_lazy("This emergency number is already set for the site.")


@transaction.atomic
def create_emergency(
    actor: Actor, account: Organization, *, site: str, number: str, caller_location: str
) -> EmergencyNumber:
    permissions.require(actor, MANAGE, account)
    locked_plan(account)
    n = EmergencyNumber(account=account, site=site, number=number, caller_location=caller_location)
    _check_emergency(n)
    _save(n, str(EMERGENCY_TAKEN))
    record(
        actor,
        "telephony.emergency_number_created",
        organization=account,
        target=n,
        changes=emergency_snapshot(n),
    )
    return n


@transaction.atomic
def update_emergency(actor: Actor, n: EmergencyNumber, **data: Any) -> EmergencyNumber:
    account = n.account
    permissions.require(actor, MANAGE, account)
    _check_fields(data, ("site", "number", "caller_location"))
    locked_plan(account)
    before = emergency_snapshot(n)
    for key in ("site", "number", "caller_location"):
        if key in data:
            setattr(n, key, data[key])
    _check_emergency(n)
    return _apply(
        actor,
        n,
        "telephony.emergency_number_updated",
        account,
        emergency_snapshot,
        before,
        str(EMERGENCY_TAKEN),
    )


@transaction.atomic
def delete_emergency(actor: Actor, n: EmergencyNumber) -> None:
    account = n.account
    permissions.require(actor, MANAGE, account)
    locked_plan(account)
    record(
        actor,
        "telephony.emergency_number_deleted",
        organization=account,
        target=n,
        changes=emergency_snapshot(n),
    )
    n.delete()
