"""The operator's number pool: loading validated E.164 blocks."""

from __future__ import annotations

import logging

import phonenumbers
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from channeldesk.audit.events import record
from channeldesk.contracts.actions.common import MAX_BLOCK
from channeldesk.contracts.models import (
    PhoneNumber,
)
from channeldesk.core.errors import Conflict, Forbidden, ValidationFailed
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor

log = logging.getLogger(__name__)

# ---- the number pool -----------------------------------------------------------------------


def parse_block(start: str, count: int) -> tuple[list[str], str]:
    """Validate a block of `count` consecutive numbers from `start` (E.164); returns the
    numbers and their country."""
    if not isinstance(count, int) or not 1 <= count <= MAX_BLOCK:
        raise ValidationFailed.field(
            "count", _("Enter a count from 1 to %(max)d.") % {"max": MAX_BLOCK}
        )
    start = (start or "").strip().replace(" ", "")
    if not start.startswith("+") or not start[1:].isdigit() or len(start) > 16:
        raise ValidationFailed.field(
            "start", _("Enter the first number in E.164 form, e.g. +493012345600.")
        )
    numbers = []
    first = int(start[1:])
    region = ""
    for i in range(count):
        candidate = f"+{first + i}"
        try:
            parsed = phonenumbers.parse(candidate, None)
        except phonenumbers.NumberParseException:
            raise ValidationFailed.field(
                "start", _("%(n)s is not a valid phone number.") % {"n": candidate}
            ) from None
        if not phonenumbers.is_valid_number(parsed) or len(candidate) > 16:
            raise ValidationFailed.field(
                "start", _("%(n)s is not a valid phone number.") % {"n": candidate}
            )
        r = phonenumbers.region_code_for_number(parsed) or ""
        if region and r != region:
            raise ValidationFailed.field("count", _("A block must stay within one country."))
        region = r
        numbers.append(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    return numbers, region


@transaction.atomic
def load_number_block(actor: Actor, start: str, count: int) -> int:
    """Load a block of numbers into the operator's pool. Numbers are unique platform-wide:
    a block overlapping existing numbers is refused as a whole (409)."""
    permissions.require(actor, "number_pool.manage")
    if not (actor.is_system or actor.is_operator):
        raise Forbidden(_("Only the operator manages the number pool."))
    numbers, country = parse_block(start, count)
    taken = list(PhoneNumber.objects.filter(e164__in=numbers).values_list("e164", flat=True)[:5])
    if taken:
        raise Conflict(
            _("These numbers exist already: %(numbers)s") % {"numbers": ", ".join(taken)}
        )
    block = f"{numbers[0]}+{count}"
    try:
        with transaction.atomic():
            PhoneNumber.objects.bulk_create(
                [PhoneNumber(e164=n, country=country, block=block) for n in numbers]
            )
    except IntegrityError:
        raise Conflict(_("Some of these numbers were loaded concurrently.")) from None
    record(
        actor,
        "contract.number_block_loaded",
        organization=actor.organization,
        target_type="contracts.numberblock",
        target_id=block,
        changes={"start": numbers[0], "count": count, "country": country},
    )
    return count
