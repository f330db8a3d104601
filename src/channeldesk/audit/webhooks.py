"""Webhook fan-out (in the change's transaction) and signed delivery (by the worker)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import orjson
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from channeldesk.audit.models import AuditEvent, Webhook, WebhookDelivery

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 5


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def _matches(webhook: Webhook, action: str) -> bool:
    return any(action == e or action.startswith(f"{e}.") for e in webhook.events)


def fan_out(event: AuditEvent, hooks: list[Webhook] | None = None) -> int:
    """Queue a delivery for every active webhook of the event organization's ancestors."""
    if hooks is None:
        hooks = list(_hooks_of(event.organization_path))
    payload = {
        "id": event.id,
        "event": event.action,
        "occurred_at": event.at.isoformat() if event.at else timezone.now().isoformat(),
        "organization_id": event.organization_id,
        "target": {"type": event.target_type, "id": event.target_id},
        "changes": event.changes,
    }
    rows = [
        WebhookDelivery(
            webhook=h, event=event.action, payload=payload, next_attempt_at=timezone.now()
        )
        for h in hooks
        if _matches(h, event.action)
    ]
    WebhookDelivery.objects.bulk_create(rows)
    if rows:
        from channeldesk.notifications.tasks import kick_worker

        kick_worker()
    return len(rows)


def _hooks_of(path: str):
    ancestors = [p for p in path.split("/") if p]
    return Webhook.objects.filter(organization_id__in=ancestors, active=True)


def fan_out_many(events: list[AuditEvent]) -> int:
    """fan_out for many events with two lookups per parent organization instead of one per
    event: the webhooks of the parent's ancestors (cached per parent path), and those of the
    events' own organizations (one query for all of them)."""
    own: dict[str, list[Webhook]] = {}
    for hook in Webhook.objects.filter(
        organization_id__in={e.organization_id for e in events}, active=True
    ):
        own.setdefault(hook.organization_id, []).append(hook)
    above: dict[str, list[Webhook]] = {}
    queued = 0
    for event in events:
        parent_path = event.organization_path.rstrip("/").rpartition("/")[0] + "/"
        if parent_path not in above:
            above[parent_path] = list(_hooks_of(parent_path))
        hooks = above[parent_path] + own.get(event.organization_id or "", [])
        if hooks:
            queued += fan_out(event, hooks)
    return queued


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def address_refused(url: str) -> str:
    """Why `url` must not be called (empty if it may). Partners choose webhook URLs, so a URL
    pointing into the platform's own network (loopback, private, link-local such as cloud
    metadata) is refused unless CHANNELDESK_WEBHOOK_ALLOW_PRIVATE is set (SSRF, API7)."""
    if getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False):
        return ""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        return f"cannot resolve {host}: {exc}"[:200]
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if not ip.is_global or ip.is_multicast:
            return f"{host} resolves to a non-public address"
    return ""


def deliver(delivery: WebhookDelivery) -> bool:
    body = orjson.dumps(delivery.payload)
    ts = str(int(timezone.now().timestamp()))
    req = urllib.request.Request(  # noqa: S310 - URL scheme validated on creation (http/https)
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Channeldesk-Webhooks/1",
            "X-Channeldesk-Event": delivery.event,
            "X-Channeldesk-Delivery": delivery.id,
            "X-Channeldesk-Signature": sign(delivery.webhook.secret, ts, body),
        },
    )
    delivery.attempts += 1
    refused = address_refused(delivery.webhook.url)
    try:
        if refused:
            raise ValueError(refused)
        # bandit B310 (file:/ URLs): webhook URLs are http(s) only (create_webhook).
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as resp:  # noqa: S310  # nosec B310
            delivery.last_status_code = resp.status
        ok = 200 <= (delivery.last_status_code or 0) < 300
        delivery.last_error = "" if ok else f"HTTP {delivery.last_status_code}"
    except urllib.error.HTTPError as exc:
        delivery.last_status_code, delivery.last_error, ok = exc.code, f"HTTP {exc.code}", False
    except (urllib.error.URLError, OSError, ValueError) as exc:
        delivery.last_error, ok = str(exc)[:500], False
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            "delivered",
            timezone.now(),
            None,
        )
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
    delivery.save()
    return ok


def deliver_due(limit: int = 50) -> int:
    """Deliver pending webhook deliveries whose time has come; returns how many were tried."""
    done = 0
    for _ in range(limit):
        with transaction.atomic():
            d = (
                WebhookDelivery.objects.select_for_update()
                .select_related("webhook")
                .filter(status="pending", next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at")
                .first()
            )
            if d is None:
                break
            # Claim it so a second worker does not send it too; a crash leaves it due again.
            d.next_attempt_at = timezone.now() + dt.timedelta(minutes=5)
            d.save(update_fields=["next_attempt_at"])
        deliver(d)
        done += 1
    return done
