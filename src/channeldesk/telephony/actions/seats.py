"""A user's cloud PBX seat, set from the phone numbers page: the number is routed to the user's
extension (the numbering plan stays the one place that says where a number rings)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from channeldesk.audit.events import record
from channeldesk.contracts.models import PhoneNumber
from channeldesk.core.errors import Conflict, ValidationFailed
from channeldesk.identity.models import User
from channeldesk.telephony.actions.common import NO_CLOUD_PBX
from channeldesk.telephony.actions.numbering import extension_snapshot
from channeldesk.telephony.models import Extension, NumberingPlan
from channeldesk.tenancy.actor import Actor


def _set(actor: Actor, ext: Extension, number: PhoneNumber | None) -> None:
    before = extension_snapshot(ext)
    ext.phone_number = number
    ext.version += 1
    ext.save(update_fields=["phone_number", "version", "updated_at"])
    record(
        actor,
        "telephony.extension_updated",
        organization=ext.account,
        target=ext,
        changes={
            "phone_number": {"before": before["phone_number"], "after": number and number.e164}
        },
    )


def unroute(actor: Actor, number: PhoneNumber) -> None:
    """The number rings no extension any more."""
    ext = Extension.objects.select_for_update().filter(phone_number=number).first()
    if ext is not None:
        _set(actor, ext, None)


def route_to_seat(
    actor: Actor, plan: NumberingPlan | None, number: PhoneNumber, user: User
) -> Extension:
    """Route `number` to `user`'s extension (the first one without a number). `plan` is the
    account's numbering plan, already locked by the caller."""
    if plan is None:
        raise Conflict(str(NO_CLOUD_PBX))
    exts = list(
        # of=("self",): the nullable phone_number join is read, not locked (PostgreSQL
        # refuses FOR UPDATE on the nullable side of an outer join).
        Extension.objects.select_for_update(of=("self",))
        .filter(account=plan.account, kind=Extension.Kind.USER, user=user)
        .select_related("phone_number")
        .order_by("number")
    )
    if not exts:
        raise ValidationFailed.field(
            "user_id",
            _(
                "%(user)s has no extension in the numbering plan. Add one on the Telephony "
                "page first."
            )
            % {"user": user.display_name},
        )
    current = next((e for e in exts if e.phone_number_id == number.id), None)
    if current is not None:
        return current
    free = next((e for e in exts if e.phone_number_id is None), None)
    if free is None:
        taken = exts[0]
        raise Conflict(
            _(
                "Extension %(ext)s of %(user)s already has the number %(p)s. Give that number "
                "another usage first."
            )
            % {
                "ext": taken.number,
                "user": user.display_name,
                "p": taken.phone_number.e164 if taken.phone_number else "",
            }
        )
    unroute(actor, number)
    _set(actor, free, number)
    return free
