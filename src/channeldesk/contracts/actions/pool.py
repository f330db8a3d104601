"""The operator's number pool: loading validated E.164 blocks, each number with its area."""

from __future__ import annotations

import phonenumbers
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from channeldesk.audit.events import record
from channeldesk.contracts.actions.common import MAX_BLOCK
from channeldesk.contracts.areas import area_of
from channeldesk.contracts.models import NumberArea, PhoneNumber
from channeldesk.core.errors import Conflict, Forbidden, ValidationFailed
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor


def parse_block(start: str, count: int) -> tuple[list[tuple[str, str]], str]:
    """Validate a block of `count` consecutive numbers from `start` (E.164); returns the
    numbers with their area (national destination code) and the block's country."""
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
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        numbers.append((e164, area_of(parsed)))
    return numbers, region


@transaction.atomic
def load_number_block(actor: Actor, start: str, count: int) -> int:
    """Load a block of numbers into the operator's pool. Numbers are unique platform-wide:
    a block overlapping existing numbers is refused as a whole (409)."""
    permissions.require(actor, "number_pool.manage")
    if not (actor.is_system or actor.is_operator):
        raise Forbidden(_("Only the operator manages the number pool."))
    numbers, country = parse_block(start, count)
    e164s = [n for n, _area in numbers]
    taken = list(PhoneNumber.objects.filter(e164__in=e164s).values_list("e164", flat=True)[:5])
    if taken:
        raise Conflict(
            _("These numbers exist already: %(numbers)s") % {"numbers": ", ".join(taken)}
        )
    block = f"{e164s[0]}+{count}"
    try:
        with transaction.atomic():
            PhoneNumber.objects.bulk_create(
                [PhoneNumber(e164=n, country=country, area=a, block=block) for n, a in numbers]
            )
    except IntegrityError:
        raise Conflict(_("Some of these numbers were loaded concurrently.")) from None
    samples: dict[str, str] = {}
    for n, a in numbers:
        samples.setdefault(a, n)
    NumberArea.objects.bulk_create(
        [NumberArea(country=country, area=a, sample=n) for a, n in samples.items()],
        ignore_conflicts=True,
    )
    record(
        actor,
        "contract.number_block_loaded",
        organization=actor.organization,
        target_type="contracts.numberblock",
        target_id=block,
        changes={"start": e164s[0], "count": count, "country": country, "areas": sorted(samples)},
    )
    return count
