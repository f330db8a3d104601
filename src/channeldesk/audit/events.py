"""Recording audit events (and fanning them out to webhooks) inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from channeldesk.core import context
from channeldesk.core.ids import new_id
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization

SECRET_MARKERS = ("password", "secret", "token", "credential")
MASK = "***"

# Event prefixes partners and the operator may subscribe to with webhooks (product.md §10).
WEBHOOK_EVENT_GROUPS = (
    "account",
    "onboarding",
    "invitation",
    "subscription",
    "license",
    "order",
    "invoice",
)


@functools.cache
def _secret(key: str) -> bool:
    return any(m in key.lower() for m in SECRET_MARKERS)


def mask(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if _secret(key):
            out[key] = MASK
        elif isinstance(value, dict):
            out[key] = mask(value)
        else:
            out[key] = _jsonable(value)
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """{field: {"before": x, "after": y}} for the fields whose value changed."""
    return {
        k: {"before": before.get(k), "after": after.get(k)}
        for k in after
        if before.get(k) != after.get(k)
    }


def record(
    actor: Actor | None,
    action: str,
    *,
    organization: Organization | None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    changes: dict[str, Any] | None = None,
    outcome: str = "ok",
) -> Any:
    """Write one audit event; must run inside the transaction of the change it describes."""
    from channeldesk.audit.models import AuditEvent

    info = context.current()
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    event = AuditEvent.objects.create(
        action=action,
        actor_user_id=(actor.user.id if actor and actor.user else ""),
        actor_label=(actor.label if actor else "anonymous"),
        actor_organization_id=(actor.organization.id if actor else ""),
        organization=organization,
        organization_path=organization.path if organization else "",
        target_type=target_type,
        target_id=target_id,
        changes=mask(changes or {}),
        ip=info.ip,
        request_id=info.request_id,
        outcome=outcome,
    )
    if (
        outcome == "ok"
        and organization is not None
        and action.split(".")[0] in WEBHOOK_EVENT_GROUPS
    ):
        from channeldesk.audit.webhooks import fan_out

        fan_out(event)
    return event


@dataclass(frozen=True)
class BulkEvent:
    """One event of `record_many`, by the values of its organization and target (bulk
    changes write rows, not model instances)."""

    organization_id: str
    organization_path: str
    target_type: str
    target_id: str
    changes: dict[str, Any]


def record_many(
    actor: Actor | None, action: str, items: list[BulkEvent], *, batch_size: int = 2000
) -> int:
    """`record` for a bulk change (a CSV import): one event per item, written in batches
    inside the caller's transaction, webhooks fanned out once per organization tree instead
    of once per event."""
    from channeldesk.audit.models import AuditEvent
    from channeldesk.core.bulk import insert

    info = context.current()
    common = {
        "action": action,
        "actor_user_id": actor.user.id if actor and actor.user else "",
        "actor_label": actor.label if actor else "anonymous",
        "actor_organization_id": actor.organization.id if actor else "",
        "ip": info.ip,
        "request_id": info.request_id,
        "outcome": "ok",
        "at": timezone.now(),
    }
    rows = [
        {
            **common,
            "id": new_id(),
            "organization_id": item.organization_id,
            "organization_path": item.organization_path,
            "target_type": item.target_type,
            "target_id": item.target_id,
            "changes": mask(item.changes),
        }
        for item in items
    ]
    insert(AuditEvent, rows, batch_size=batch_size)
    events = [AuditEvent(**row) for row in rows] if _has_webhooks(action) else []
    if events:
        from channeldesk.audit.webhooks import fan_out_many

        fan_out_many(events)
    return len(rows)


def _has_webhooks(action: str) -> bool:
    """Could any webhook want this event (its group is deliverable, and webhooks exist)?"""
    if action.split(".")[0] not in WEBHOOK_EVENT_GROUPS:
        return False
    from channeldesk.audit.models import Webhook

    return Webhook.objects.filter(active=True).exists()


def record_outside(actor: Actor | None, action: str, **kwargs: Any) -> None:
    """Log a failed login or a denied request: its own short transaction, since the request's
    work is being rolled back or never started."""
    with transaction.atomic():
        record(actor, action, **kwargs)


def record_denied(request: Any, status: int) -> None:
    """Log a request refused with 403 or 404 for a signed-in actor (quality.md 20).

    Anonymous 404s (scanners, typos) are not logged: they name nobody and would flood the
    trail. Only the path is kept, never the query string (it may carry a token)."""
    actor = getattr(request, "actor", None) or getattr(request, "auth", None)
    if not isinstance(actor, Actor) or actor.user is None:
        return
    try:
        record_outside(
            actor,
            "request.denied",
            organization=actor.organization,
            changes={"method": request.method, "path": request.path[:300], "status": status},
            outcome="denied",
        )
    except Exception:  # never turn a denial into a 500
        import logging

        logging.getLogger(__name__).exception("could not log a denied request")
