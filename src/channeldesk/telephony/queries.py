"""Reading telephony configuration: every query starts from tenancy.reach."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from channeldesk.accounts.models import Account
from channeldesk.catalog.catalog import current
from channeldesk.core.errors import Conflict
from channeldesk.telephony.actions import NO_CLOUD_PBX
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
from channeldesk.telephony.validation import WEEKDAYS
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.actor import Actor


def get_account(actor: Actor, account_id: str) -> Account:
    """The account if in reach (404 otherwise) and the actor may see its telephony (403)."""
    account = reach.get_visible(actor, Account, account_id)
    permissions.require(actor, "telephony.view", account)
    return account


def plan_of(account) -> NumberingPlan | None:
    return NumberingPlan.objects.filter(account=account).first()


def require_plan(account) -> NumberingPlan:
    plan = plan_of(account)
    if plan is None:
        raise Conflict(str(NO_CLOUD_PBX))
    return plan


def equipment(actor: Actor, account) -> QuerySet[VoiceEquipment]:
    return reach.visible(actor, VoiceEquipment).filter(account=account)


def ranges(actor: Actor, account) -> QuerySet[ExtensionRange]:
    return reach.visible(actor, ExtensionRange).filter(account=account)


def extensions(actor: Actor, account) -> QuerySet[Extension]:
    return (
        reach.visible(actor, Extension)
        .filter(account=account)
        .select_related("user", "attendant", "phone_number")
    )


def devices(actor: Actor, account) -> QuerySet[Device]:
    return reach.visible(actor, Device).filter(account=account).select_related("user", "extension")


def attendants(actor: Actor, account) -> QuerySet[AutoAttendant]:
    return (
        reach.visible(actor, AutoAttendant)
        .filter(account=account)
        .select_related("timeout_destination")
        .prefetch_related(
            Prefetch(
                "options",
                queryset=AttendantOption.objects.select_related("destination").order_by("digit"),
            )
        )
    )


def welcome(actor: Actor, account) -> QuerySet[WelcomeService]:
    return reach.visible(actor, WelcomeService).filter(account=account)


def emergency(actor: Actor, account) -> QuerySet[EmergencyNumber]:
    return (
        reach.visible(actor, EmergencyNumber).filter(account=account).select_related("site_product")
    )


def sites(actor: Actor, account, limit: int = 200) -> list:
    """The account's site products (for emergency numbers), through reach."""
    from channeldesk.contracts.models import SiteProduct

    return list(
        reach.visible(actor, SiteProduct)
        .filter(base_package__account=account)
        .only("id", "name", "street", "postal_code", "city", "country")
        .order_by("name", "id")[:limit]
    )


def item(qs: QuerySet, item_id: str, label: str):
    from channeldesk.core.errors import NotFound

    try:
        return qs.get(pk=item_id)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("%(thing)s not found") % {"thing": label}) from None


# ---- representations --------------------------------------------------------------------


def _base(obj) -> dict[str, Any]:
    return {
        "id": obj.id,
        "created_at": obj.created_at,
        "updated_at": obj.updated_at,
        "etag": obj.etag,
    }


def equipment_out(eq: VoiceEquipment) -> dict[str, Any]:
    entry = current().get("voice_equipment", eq.kind) or {}
    return {
        **_base(eq),
        "kind": eq.kind,
        "kind_name": current().name("voice_equipment", eq.kind),
        "category": entry.get("kind", ""),
        "name": eq.name,
    }


def plan_out(plan: NumberingPlan) -> dict[str, Any]:
    return {**_base(plan), "extension_length": plan.extension_length}


def range_out(r: ExtensionRange) -> dict[str, Any]:
    return {**_base(r), "first": r.first, "last": r.last, "label": r.label}


def _user(u) -> dict[str, Any] | None:
    return {"id": u.id, "name": u.name, "email": u.email} if u is not None else None


def extension_out(e: Extension) -> dict[str, Any]:
    return {
        **_base(e),
        "number": e.number,
        "kind": e.kind,
        "name": e.name,
        "user": _user(e.user),
        "attendant": {"id": e.attendant.id, "name": e.attendant.name} if e.attendant else None,
        "phone_number": e.phone_number.e164 if e.phone_number else None,
    }


def device_out(d: Device) -> dict[str, Any]:
    return {
        **_base(d),
        "model": d.model,
        "mac": d.mac,
        "user": _user(d.user),
        "extension": d.extension.number if d.extension else None,
    }


def attendant_out(a: AutoAttendant) -> dict[str, Any]:
    hours = {d: (a.business_hours or {}).get(d) for d in WEEKDAYS}
    return {
        **_base(a),
        "name": a.name,
        "greeting": a.greeting,
        "business_hours": hours,
        "menu": {o.digit: o.destination.number for o in a.options.all()},
        "timeout_seconds": a.timeout_seconds,
        "timeout_destination": a.timeout_destination.number if a.timeout_destination else None,
    }


def welcome_out(w: WelcomeService) -> dict[str, Any]:
    return {**_base(w), "greeting": w.greeting, "enabled": w.enabled}


def emergency_out(n: EmergencyNumber) -> dict[str, Any]:
    return {
        **_base(n),
        "site": {"id": n.site_product.id, "name": n.site_product.name} if n.site_product else None,
        "number": n.number,
        "caller_location": n.caller_location,
        "location_overridden": n.location_overridden,
    }
