"""Phone devices with a unique, normalised MAC address."""

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
    _extension,
    _member_user,
    _save,
    _text,
    locked_plan,
)
from channeldesk.telephony.models import Device, Extension
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization

# ---- devices ----------------------------------------------------------------------------


def device_snapshot(d: Device) -> dict[str, Any]:
    return {
        "model": d.model,
        "mac": d.mac,
        "user_id": d.user_id,
        "extension": d.extension.number if d.extension_id and d.extension else None,
    }


MAC_TAKEN = gettext_lazy("This MAC address is already registered.")


def _check_extension_user(d: Device, *, user_given: bool) -> None:
    """A phone registers on a user's extension (then it is that user's phone) or on a device
    extension (a shared phone without a user, e.g. in a meeting room) -- never on a group or
    an attendant, which have no phone of their own."""
    ext = d.extension
    if ext is None:
        return
    if ext.kind == Extension.Kind.USER:
        if not user_given or d.user_id is None:
            d.user = ext.user
        elif d.user_id != ext.user_id:
            raise ValidationFailed.field(
                "user_id",
                _("The phone's user must be the user of extension %(n)s.") % {"n": ext.number},
            )
    elif ext.kind == Extension.Kind.DEVICE:
        if user_given and d.user_id is not None:
            raise ValidationFailed.field(
                "user_id",
                _(
                    "Extension %(n)s is a device extension without a user: leave the user "
                    "empty, or put the phone on the user's extension."
                )
                % {"n": ext.number},
            )
        d.user = None
    else:
        raise ValidationFailed.field(
            "extension",
            _("A phone goes on a user or device extension, not on a group or an attendant."),
        )


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
    _check_extension_user(d, user_given=bool(user_id))
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
    if "extension" in data or "user_id" in data:
        _check_extension_user(d, user_given=bool(data.get("user_id")))
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
