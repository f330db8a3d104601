from __future__ import annotations

from django.db.models import QuerySet

from channeldesk.notifications.models import Notification, OutboxEmail
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.actor import Actor


def notifications(actor: Actor) -> QuerySet[Notification]:
    """The actor's own notifications (in the organization it acts for)."""
    if actor.user is None:
        return Notification.objects.none()
    return reach.visible(actor, Notification).filter(
        user=actor.user, organization=actor.organization
    )


def unread_count(actor: Actor) -> int:
    return notifications(actor).filter(read_at__isnull=True).count()


def outbox(actor: Actor, *, status: str | None = None) -> QuerySet[OutboxEmail]:
    if not permissions.role_allows(actor.role, "outbox.view"):
        return OutboxEmail.objects.none()
    qs = reach.visible(actor, OutboxEmail)
    if status:
        qs = qs.filter(status=status)
    return qs
