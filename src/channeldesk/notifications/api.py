"""/notifications, /outbox (operators)."""

from __future__ import annotations

from ninja import Router

from channeldesk.core.pagination import keyset
from channeldesk.notifications import actions, queries
from channeldesk.notifications.models import Notification
from channeldesk.notifications.schemas import NotificationList, NotificationOut, OutboxList
from channeldesk.tenancy import permissions, reach

router = Router(tags=["notifications"])


@router.get("/notifications", response=NotificationList)
def notification_list(request, unread: bool = False, limit: int = 50, cursor: str | None = None):
    qs = queries.notifications(request.auth)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    page = keyset(qs, order=["-id"], limit=limit, cursor=cursor)
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "unread": queries.unread_count(request.auth),
    }


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def notification_read(request, notification_id: str):
    n = reach.get_visible(
        request.auth, Notification, notification_id, qs=queries.notifications(request.auth)
    )
    actions.mark_read(Notification.objects.filter(id=n.id))
    n.refresh_from_db()
    return n


@router.get("/outbox", response=OutboxList)
def outbox(request, status: str | None = None, limit: int = 50, cursor: str | None = None):
    permissions.require(request.auth, "outbox.view")
    page = keyset(
        queries.outbox(request.auth, status=status), order=["-id"], limit=limit, cursor=cursor
    )
    return {"items": page.items, "next_cursor": page.next_cursor}
