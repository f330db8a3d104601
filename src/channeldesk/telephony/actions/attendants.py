"""Automated attendants and the welcome service."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channeldesk.audit.events import record
from channeldesk.core.errors import Conflict, ValidationFailed
from channeldesk.telephony import validation as v
from channeldesk.telephony.actions.common import (
    MANAGE,
    _apply,
    _check_fields,
    _delete,
    _extension,
    _save,
    _text,
    locked_plan,
)
from channeldesk.telephony.models import (
    AttendantOption,
    AutoAttendant,
    Extension,
    WelcomeService,
)
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization

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
