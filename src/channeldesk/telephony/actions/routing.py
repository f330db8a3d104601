"""Phone number -> extension routing: only the account's own phone numbers (contracts), never
another tenant's, never one the SIP trunk uses. The routing is the one source of truth of a
number's cloud PBX use; contracts' PhoneNumber.usage/user follow it (reflect_routing)."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from channeldesk.contracts.actions.numbers import reflect_routing
from channeldesk.contracts.models import PhoneNumber
from channeldesk.core.errors import Conflict, ValidationFailed
from channeldesk.telephony import validation as v
from channeldesk.telephony.models import Device, Extension
from channeldesk.tenancy.models import Organization

__all__ = ["account_number", "follow_extension_user", "reflect_routing"]


def account_number(account: Organization, value: object, field: str = "phone_number"):
    """The account's phone number for `value` (E.164 or national with +), locked; None for ""."""
    if isinstance(value, PhoneNumber):
        value = value.e164
    text = v.e164(str(value or ""), field)
    if not text:
        return None
    number = PhoneNumber.objects.select_for_update().filter(account=account, e164=text).first()
    if number is None:
        # The same answer whether the number is free, another tenant's or unknown.
        raise ValidationFailed.field(field, _("Choose one of the account's phone numbers."))
    if number.usage == PhoneNumber.Usage.SIP_TRUNK:
        raise Conflict(
            _("%(p)s is used by the SIP trunk. Change its usage on the phone numbers page first.")
            % {"p": number.e164}
        )
    return number


def follow_extension_user(e: Extension) -> int:
    """Phones on a user's extension belong to that user: they follow a change of its user."""
    return (
        Device.objects.filter(extension=e)
        .exclude(user=e.user)
        .update(user=e.user, version=F("version") + 1)
    )
