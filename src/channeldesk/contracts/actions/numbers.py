"""Phone numbers of an account: acknowledge new ones, assign their usage."""

from __future__ import annotations

from collections.abc import Iterable

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


def reflect_routing(number_ids: Iterable[str | None]) -> None:
    """Make the numbers' usage and user mirror telephony's routing, the one source of truth of
    a cloud PBX seat: a number an extension routes is a cloud PBX seat (of the extension's
    user); one no extension routes any more is unassigned again. Runs in the caller's
    transaction, after the routing changed."""
    from channeldesk.telephony.models import Extension

    for number_id in sorted({i for i in number_ids if i}):
        number = PhoneNumber.objects.select_for_update().get(id=number_id)
        ext = Extension.objects.filter(phone_number_id=number_id).first()
        if ext is not None:
            usage = PhoneNumber.Usage.CLOUD_PBX
            user_id = ext.user_id if ext.kind == Extension.Kind.USER else None
        elif number.usage == PhoneNumber.Usage.CLOUD_PBX:
            usage, user_id = PhoneNumber.Usage.UNASSIGNED, None
        else:
            continue
        if (number.usage, number.user_id) != (usage, user_id):
            PhoneNumber.objects.filter(id=number_id).update(
                usage=usage, user_id=user_id, version=F("version") + 1
            )


@transaction.atomic
def set_number_usage(
    actor: Actor, number: PhoneNumber, usage: str, user_id: str | None = None
) -> PhoneNumber:
    """Assign a number: unassigned, to the SIP trunk, or to a user's cloud PBX seat. A seat is
    the routing of the number to the user's extension in the numbering plan (telephony), so
    the account needs a cloud PBX and the user an extension; leaving the seat removes the
    routing."""
    from channeldesk.telephony.actions.seats import route_to_seat, unroute
    from channeldesk.telephony.models import NumberingPlan

    account = number.account
    assert account is not None
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
    # The numbering plan first, then the number: the order every numbering change locks in.
    plan = NumberingPlan.objects.select_for_update().filter(account=account).first()
    locked = PhoneNumber.objects.select_for_update().get(id=number.id)
    before = {"usage": locked.usage, "user": locked.user_id}
    if user is not None:
        route_to_seat(actor, plan, locked, user)
    else:
        unroute(actor, locked)
        if usage != PhoneNumber.Usage.UNASSIGNED or locked.usage != usage:
            PhoneNumber.objects.filter(id=locked.id).update(
                usage=usage, user=None, version=F("version") + 1
            )
    reflect_routing([locked.id])
    locked.refresh_from_db()
    if (locked.usage, locked.user_id) != (before["usage"], before["user"]):
        record(
            actor,
            "contract.number_assigned",
            organization=account,
            target=locked,
            changes={
                "usage": {"before": before["usage"], "after": locked.usage},
                "user": {"before": before["user"], "after": locked.user_id},
            },
        )
    return locked
