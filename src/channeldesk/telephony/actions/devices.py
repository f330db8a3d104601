"""Phone devices with a unique, normalised MAC address."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from channeldesk.audit.events import record
from channeldesk.core.errors import Conflict
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
from channeldesk.telephony.models import (
    Device,
)
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
