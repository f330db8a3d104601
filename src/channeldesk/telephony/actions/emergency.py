"""Emergency numbers per site (never usable as extensions). A site is one of the account's site
products (contracts); the caller location sent with emergency calls is the site's address,
unless an override is given (e.g. the floor and room)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channeldesk.audit.events import record
from channeldesk.contracts.models import SiteProduct
from channeldesk.core.errors import Conflict, ValidationFailed
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
    return {
        "site_product_id": n.site_product_id,
        "number": n.number,
        "caller_location": n.caller_location,
        "location_overridden": n.location_overridden,
    }


def _site(account: Organization, site_product_id: Any) -> SiteProduct:
    site = (
        SiteProduct.objects.filter(base_package__account=account, id=str(site_product_id or ""))
        .only("id", "name", "street", "postal_code", "city", "country")
        .first()
    )
    if site is None:
        raise ValidationFailed.field("site_product_id", _("Choose one of the account's sites."))
    return site


def _locate(n: EmergencyNumber, site: SiteProduct, override: Any) -> None:
    """The caller location: the override if one is given, else the site's address."""
    text = _text(override, "caller_location", required=False, max_length=300)
    n.location_overridden = bool(text)
    n.caller_location = text or site.address


def _check_emergency(n: EmergencyNumber) -> None:
    n.number = v.digits(n.number, "number", lo=2, hi=8)
    if Extension.objects.filter(account=n.account, number=n.number).exists():
        raise Conflict(
            _("Extension %(n)s already uses this number. Remove or renumber it first.")
            % {"n": n.number}
        )
    if (
        EmergencyNumber.objects.filter(
            account=n.account, site_product_id=n.site_product_id, number=n.number
        )
        .exclude(pk=n.pk)
        .exists()
    ):
        raise Conflict(str(EMERGENCY_TAKEN))


EMERGENCY_TAKEN = gettext_lazy("This emergency number is already set for the site.")


@transaction.atomic
def create_emergency(
    actor: Actor,
    account: Organization,
    *,
    site_product_id: str,
    number: str,
    caller_location: str | None = None,
) -> EmergencyNumber:
    permissions.require(actor, MANAGE, account)
    locked_plan(account)
    site = _site(account, site_product_id)
    n = EmergencyNumber(account=account, site_product=site, number=number)
    _locate(n, site, caller_location)
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
    _check_fields(data, ("site_product_id", "number", "caller_location"))
    locked_plan(account)
    before = emergency_snapshot(n)
    site = _site(account, data.get("site_product_id") or n.site_product_id)
    if site.id != n.site_product_id and "caller_location" not in data:
        # another site: its address, unless the location was typed in
        data["caller_location"] = n.caller_location if n.location_overridden else None
    n.site_product = site
    if "number" in data:
        n.number = data["number"]
    if "caller_location" in data:
        _locate(n, site, data["caller_location"])
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
