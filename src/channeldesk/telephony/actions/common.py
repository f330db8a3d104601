"""Shared helpers of the telephony actions: the plan lock, savepoint saves, field checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channeldesk.audit.events import diff, record
from channeldesk.catalog.catalog import current
from channeldesk.core.errors import Conflict, ValidationFailed
from channeldesk.identity.models import User
from channeldesk.telephony.models import (
    Extension,
    NumberingPlan,
)
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization

MANAGE = "telephony.manage"
DECLARE = "telephony.declare_equipment"
NO_CLOUD_PBX = gettext_lazy(
    "This account has no cloud PBX. The partner must declare a cloud PBX before devices, "
    "numbering, attendants, the welcome service or emergency numbers can be managed."
)


# ---- helpers ----------------------------------------------------------------------------


def is_cloud(kind: str) -> bool:
    entry = current().get("voice_equipment", kind)
    return bool(entry and entry.get("kind") == "cloud")


def locked_plan(account: Organization) -> NumberingPlan:
    """The account's numbering plan, locked for this transaction; 409 without a cloud PBX."""
    plan = NumberingPlan.objects.select_for_update().filter(account=account).first()
    if plan is None:
        raise Conflict(str(NO_CLOUD_PBX))
    return plan


def _save(obj: Any, conflict: str, **kwargs: Any) -> None:
    """Save inside a savepoint; a unique constraint violated by a concurrent writer -> 409."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError:
        raise Conflict(conflict) from None


def _delete(obj: Any, conflict: str) -> None:
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError:
        raise Conflict(conflict) from None


def _text(value: Any, field: str, *, required: bool, max_length: int) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed.field(field, _("This field is required."))
    if len(text) > max_length:
        raise ValidationFailed.field(field, _("Use at most %(n)d characters.") % {"n": max_length})
    return text


def _member_user(account: Organization, user_id: str | None, field: str = "user_id") -> User | None:
    if not user_id:
        return None
    m = (
        Membership.objects.filter(organization=account, user_id=user_id)
        .select_related("user")
        .first()
    )
    if m is None:
        raise ValidationFailed.field(field, _("Choose a user of this account."))
    return m.user


def _extension(account: Organization, number: str | None, field: str) -> Extension | None:
    if number in (None, ""):
        return None
    ext = Extension.objects.filter(account=account, number=str(number).strip()).first()
    if ext is None:
        raise ValidationFailed.field(
            field, _("Extension %(n)s does not exist.") % {"n": str(number)[:8]}
        )
    return ext


def _apply(
    actor: Actor,
    obj: Any,
    event: str,
    account: Organization,
    snap: Callable[[Any], dict[str, Any]],
    before: dict[str, Any],
    conflict: str,
) -> Any:
    changes = diff(before, snap(obj))
    if changes:
        obj.version += 1
        _save(obj, conflict)
        record(actor, event, organization=account, target=obj, changes=changes)
    return obj


def _check_fields(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            raise ValidationFailed.field(key, _("This field cannot be changed."))
