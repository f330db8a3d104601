"""Voice equipment declared by the partner (a cloud PBX brings the numbering plan)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channeldesk.audit.events import record
from channeldesk.catalog.catalog import current
from channeldesk.core.errors import Conflict, ValidationFailed
from channeldesk.identity.models import User
from channeldesk.notifications.actions import notify
from channeldesk.telephony.actions.common import (
    DECLARE,
    _apply,
    _check_fields,
    _save,
    _text,
    is_cloud,
)
from channeldesk.telephony.models import (
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
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Role

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
