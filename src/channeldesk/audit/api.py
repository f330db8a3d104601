"""/audit-events, /accounts/{id}/audit-events, /webhooks."""

from __future__ import annotations

import datetime as dt

from ninja import Router

from channeldesk.accounts.queries import get_account
from channeldesk.audit import actions, queries
from channeldesk.audit.models import Webhook, WebhookDelivery
from channeldesk.audit.schemas import (
    AuditEventList,
    DeliveryList,
    WebhookCreatedOut,
    WebhookIn,
    WebhookList,
)
from channeldesk.core import throttle
from channeldesk.core.pagination import keyset
from channeldesk.tenancy import permissions, reach

router = Router(tags=["audit"])

# The trail is the largest table and its filters scan it (quality.md 16): per user and per
# organization, a minute's worth of pages.
LIST_PER_USER_PER_MINUTE = 120
LIST_PER_ORGANIZATION_PER_MINUTE = 600


def _limit(actor) -> None:
    throttle.hit(f"audit-list:{actor.user_id}", limit=LIST_PER_USER_PER_MINUTE, window=60)
    throttle.hit(
        f"audit-list:org:{actor.organization.id}",
        limit=LIST_PER_ORGANIZATION_PER_MINUTE,
        window=60,
    )


@router.get("/audit-events", response=AuditEventList)
def audit_events(
    request,
    account_id: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
):
    actor = request.auth
    permissions.require(actor, "audit.view")
    _limit(actor)
    if account_id:
        get_account(actor, account_id)  # 404 outside reach
    qs = queries.audit_events(
        actor, account_id=account_id, action=(action or "")[:80] or None, since=since
    )
    page = keyset(qs, order=["-id"], limit=limit, cursor=cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/accounts/{account_id}/audit-events", response=AuditEventList)
def account_audit_events(request, account_id: str, limit: int = 50, cursor: str | None = None):
    actor = request.auth
    account = get_account(actor, account_id)
    permissions.require(actor, "audit.view", account)
    _limit(actor)
    page = keyset(
        queries.audit_events(actor, account_id=account.id),
        order=["-id"],
        limit=limit,
        cursor=cursor,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/webhooks", response=WebhookList)
def webhook_list(request, limit: int = 50, cursor: str | None = None):
    permissions.require(request.auth, "webhook.manage")
    page = keyset(queries.webhooks(request.auth), order=["id"], limit=limit, cursor=cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/webhooks", response={201: WebhookCreatedOut})
def webhook_create(request, payload: WebhookIn):
    return 201, actions.create_webhook(request.auth, url=payload.url, events=payload.events)


@router.delete("/webhooks/{webhook_id}", response={204: None})
def webhook_delete(request, webhook_id: str):
    hook = reach.get_visible(request.auth, Webhook, webhook_id, qs=queries.webhooks(request.auth))
    actions.delete_webhook(request.auth, hook)
    return 204, None


@router.get("/webhooks/{webhook_id}/deliveries", response=DeliveryList)
def webhook_deliveries(request, webhook_id: str, limit: int = 50, cursor: str | None = None):
    hook = reach.get_visible(request.auth, Webhook, webhook_id, qs=queries.webhooks(request.auth))
    permissions.require(request.auth, "webhook.manage", hook.organization)
    page = keyset(
        WebhookDelivery.objects.filter(webhook=hook), order=["-id"], limit=limit, cursor=cursor
    )
    return {"items": page.items, "next_cursor": page.next_cursor}
