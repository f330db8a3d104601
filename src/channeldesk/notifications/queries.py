from __future__ import annotations

from django.db.models import Count, QuerySet

from channeldesk.core.statements import prepared
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
    """On every page (the header's badge): a statement compiled once per shape."""
    if actor.user is None:
        return 0
    shape, marked, values = reach.prepared_scope(actor)
    stmt = prepared(
        ("notifications.unread", shape),
        lambda m: (
            notifications(marked)
            .filter(read_at__isnull=True)
            .order_by()
            .values("user")
            .annotate(n=Count("id"))
        ),
    )
    rows = stmt.rows(**values)
    return rows[0]["n"] if rows else 0


def outbox(actor: Actor, *, status: str | None = None) -> QuerySet[OutboxEmail]:
    if not permissions.role_allows(actor.role, "outbox.view"):
        return OutboxEmail.objects.none()
    qs = reach.visible(actor, OutboxEmail)
    if status:
        qs = qs.filter(status=status)
    return qs
