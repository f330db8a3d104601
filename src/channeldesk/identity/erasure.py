"""Users without any membership left are soft-deleted, then erased (quality.md 22).

Removing a user's last membership marks the user `removed_at`; for RESTORE_WINDOW they can be
brought back by inviting the same e-mail again (their name, language and history return with
them). After it, the purge job erases the personal data — e-mail, name, password hash, tokens,
known sign-in addresses, notifications — and the audit trail names them by pseudonym.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from channeldesk.audit.erasure import pseudonym, pseudonymise_actor, scrub_events
from channeldesk.audit.events import record
from channeldesk.identity.models import SignInAddress, User, UserToken
from channeldesk.tenancy.actor import Actor

RESTORE_WINDOW = dt.timedelta(days=30)


def mark_if_unattached(user: User) -> bool:
    """After a membership ended: soft-delete `user` if it was their last one (in the caller's
    transaction). Returns True if the user is now removed."""
    from channeldesk.tenancy.models import Membership

    if Membership.objects.filter(user=user).exists():
        return False
    if user.removed_at is None:
        user.removed_at = timezone.now()
        user.save(update_fields=["removed_at"])
    return True


def erase_user(user: User, now: dt.datetime | None = None) -> dict[str, str]:
    """Erase the personal data of `user` (kept as a row so foreign keys and the audit trail
    stay whole). Returns {personal value: pseudonym} for scrubbing other records."""
    from channeldesk.notifications.models import Notification

    now = now or timezone.now()
    alias = pseudonym(user.id)
    replacements = {user.email: alias, **({user.name: alias} if user.name else {})}
    user.email = f"{alias}@erased.invalid"
    user.name = ""
    user.language = ""
    user.is_active = False
    user.set_unusable_password()
    user.erased_at = now
    user.save()
    UserToken.objects.filter(user=user).delete()
    SignInAddress.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    pseudonymise_actor(user.id)
    return replacements


@transaction.atomic
def purge_user(user_id: str, now: dt.datetime) -> bool:
    from channeldesk.audit.models import AuditEvent
    from channeldesk.tenancy.models import Membership

    user = User.objects.select_for_update().filter(pk=user_id, erased_at__isnull=True).first()
    if user is None or user.removed_at is None or user.removed_at > now - RESTORE_WINDOW:
        return False
    if Membership.objects.filter(user=user).exists():  # came back through a new membership
        user.removed_at = None
        user.save(update_fields=["removed_at"])
        return False
    email, since = user.email, user.created_at
    replacements = erase_user(user, now)
    # Events that mention the person (invited, removed, failed sign-ins with their e-mail).
    mentioning = AuditEvent.objects.annotate(text=Cast("changes", TextField())).filter(
        at__gte=since, text__contains=email
    )
    scrub_events(mentioning, replacements)
    record(Actor.system(), "user.purged", organization=None, target=user)
    return True


def purge_due(now: dt.datetime | None = None) -> int:
    """The periodic job: erase users removed from their last membership 30+ days ago."""
    now = now or timezone.now()
    due = User.objects.filter(
        removed_at__lte=now - RESTORE_WINDOW, erased_at__isnull=True
    ).values_list("id", flat=True)[:500]
    return sum(1 for pk in list(due) if purge_user(pk, now))
