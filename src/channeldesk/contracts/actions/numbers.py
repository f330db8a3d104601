"""Phone numbers of an account: acknowledge new ones, assign their usage."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from channeldesk.audit.events import record
from channeldesk.contracts.models import (
    PhoneNumber,
)
from channeldesk.core.errors import ValidationFailed
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization

log = logging.getLogger(__name__)

# ---- phone numbers -----------------------------------------------------------------------


@transaction.atomic
def acknowledge_number(actor: Actor, number: PhoneNumber) -> PhoneNumber:
    """Stop highlighting a newly provisioned number."""
    permissions.require(actor, "phone_number.manage", number.account)
    if number.is_new:
        PhoneNumber.objects.filter(id=number.id).update(is_new=False, version=F("version") + 1)
        number.refresh_from_db()
        record(
            actor,
            "contract.number_acknowledged",
            organization=number.account,
            target=number,
            changes={"e164": number.e164},
        )
    return number


@transaction.atomic
def acknowledge_all(actor: Actor, account: Organization) -> int:
    permissions.require(actor, "phone_number.manage", account)
    n = PhoneNumber.objects.filter(account=account, is_new=True).update(
        is_new=False, version=F("version") + 1
    )
    if n:
        record(
            actor,
            "contract.numbers_acknowledged",
            organization=account,
            target=account,
            changes={"count": n},
        )
    return n


@transaction.atomic
def set_number_usage(
    actor: Actor, number: PhoneNumber, usage: str, user_id: str | None = None
) -> PhoneNumber:
    """Assign a number: unassigned, to the SIP trunk, or to a user's cloud-PBX seat (the user
    must belong to the number's account)."""
    account = number.account
    permissions.require(actor, "phone_number.manage", account)
    if usage not in PhoneNumber.Usage.values:
        raise ValidationFailed.field("usage", _("Choose unassigned, SIP trunk or cloud PBX seat."))
    user = None
    if usage == PhoneNumber.Usage.CLOUD_PBX:
        if not user_id:
            raise ValidationFailed.field("user_id", _("Choose the user of the seat."))
        m = (
            Membership.objects.filter(organization=account, user_id=user_id)
            .select_related("user")
            .first()
        )
        if m is None:
            raise ValidationFailed.field("user_id", _("This user is not a user of the account."))
        user = m.user
    elif user_id:
        raise ValidationFailed.field("user_id", _("Only a cloud PBX seat has a user."))
    locked = PhoneNumber.objects.select_for_update().get(id=number.id)
    before = {"usage": locked.usage, "user": locked.user_id}
    locked.usage = usage
    locked.user = user
    locked.version += 1
    locked.save(update_fields=["usage", "user", "version"])
    record(
        actor,
        "contract.number_assigned",
        organization=account,
        target=locked,
        changes={
            "usage": {"before": before["usage"], "after": usage},
            "user": {"before": before["user"], "after": user.id if user else None},
        },
    )
    return locked
