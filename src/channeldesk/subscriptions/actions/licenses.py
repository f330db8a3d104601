"""Licenses of a subscription handed to members of the account (product.md §7): never more
than the number of users, also under concurrent requests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channeldesk.audit.events import record
from channeldesk.core.bulk import insert
from channeldesk.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from channeldesk.core.ids import new_id
from channeldesk.notifications.actions import notify
from channeldesk.subscriptions.actions.common import (
    MAX_QUANTITY,
    LazyText,
    Sub,
    account_members,
    chunks,
    locked,
)
from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor


class Member(NamedTuple):
    """What an assignment needs of a member: the id, the e-mail (audit), the language."""

    id: str
    email: str
    language: str


@transaction.atomic
def assign_licenses(actor: Actor, sub: Subscription, user_ids: Iterable[str]) -> list[str]:
    """Assign licenses to members of the account, all or nothing: unknown users -> 422 (none
    assigned), more than the free licenses -> 409 (none assigned). Users that already hold a
    license of this subscription are left as they are. Returns the new licenses' ids.

    Written for 10,000 users in one call (bench/, issue 8): members are read as values, and
    licenses and notifications inserted in bulk (core.bulk)."""
    permissions.require(actor, "license.assign", sub.account)
    ids = list(dict.fromkeys(str(u) for u in user_ids))
    if not ids:
        raise ValidationFailed.field("user_ids", _("Choose at least one user."))
    if len(ids) > MAX_QUANTITY:
        raise ValidationFailed.field("user_ids", _("Too many users at once."))
    # The row lock serializes assignments on this subscription (PostgreSQL); on SQLite every
    # write transaction is BEGIN IMMEDIATE, which serializes them as well.
    sub = locked(sub)
    if sub.status != Sub.ACTIVE:
        raise Conflict(_("Licenses can only be assigned on an active subscription."))
    members = {
        user_id: Member(user_id, email, language)
        for part in chunks(ids)
        for user_id, email, language in account_members(sub.account)
        .filter(user_id__in=part)
        .values_list("user_id", "user__email", "user__language")
    }
    unknown = [i for i in ids if i not in members]
    if unknown:
        raise ValidationFailed(
            _("Not users of this account: %(ids)s") % {"ids": ", ".join(unknown[:20])},
            errors=[
                FieldError("user_ids", _("%(id)s is not a user of this account.") % {"id": i})
                for i in unknown[:50]
            ],
        )
    held = {
        u
        for part in chunks(ids)
        for u in License.objects.filter(subscription=sub, user_id__in=part).values_list(
            "user_id", flat=True
        )
    }
    new = [i for i in ids if i not in held]
    if not new:
        return []
    n = len(new)
    changed = Subscription.objects.filter(
        pk=sub.pk, status=Sub.ACTIVE, assigned__lte=F("quantity") - n
    ).update(assigned=F("assigned") + n, version=F("version") + 1, updated_at=timezone.now())
    if not changed:
        sub.refresh_from_db()
        raise Conflict(
            _(
                "Only %(free)s of %(quantity)s licenses are free; %(wanted)s were asked for. "
                "Nothing was assigned."
            )
            % {"free": sub.quantity - sub.assigned, "quantity": sub.quantity, "wanted": n}
        )
    now = timezone.now()
    rows: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "subscription_id": sub.id,
            "account_id": sub.account_id,
            "user_id": i,
            "assigned_at": now,
        }
        for i in new
    ]
    insert(License, rows)
    record(
        actor,
        "license.assigned",
        organization=sub.account,
        target=sub,
        changes={
            "users": [members[i].email for i in new[:1000]],
            "count": len(new),
            "product": sub.product,
        },
    )
    link = "/licenses/"
    notify(
        [members[i] for i in new],
        organization=sub.account,
        kind="license.assigned",
        text=LazyText(gettext_lazy("You received a license for %(product)s."), product=sub.product),
        link=link,
    )
    sub.refresh_from_db()
    return [r["id"] for r in rows]


@transaction.atomic
def unassign_license(actor: Actor, sub: Subscription, user_id: str) -> None:
    permissions.require(actor, "license.assign", sub.account)
    sub = locked(sub)
    lic = License.objects.filter(subscription=sub, user_id=user_id).select_related("user").first()
    if lic is None:
        raise NotFound(_("This user holds no license of the subscription."))
    email = lic.user.email
    lic.delete()
    Subscription.objects.filter(pk=sub.pk, assigned__gt=0).update(
        assigned=F("assigned") - 1, version=F("version") + 1, updated_at=timezone.now()
    )
    record(
        actor,
        "license.unassigned",
        organization=sub.account,
        target=sub,
        changes={"users": [email], "product": sub.product},
    )
