"""Emergency numbers per site (never usable as extensions)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channeldesk.audit.events import record
from channeldesk.core.errors import Conflict
from channeldesk.telephony import validation as v
from channeldesk.telephony.actions.common import (
    MANAGE,
    _apply,
    _check_fields,
    _save,
    _text,
    locked_plan,
)
from channeldesk.telephony.models import (
    EmergencyNumber,
    Extension,
)
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization

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
