from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from channeldesk.audit.models import AuditEvent, Webhook
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.actor import Actor

# Events whose payload is billing data (invoice totals, payment dates): shown only to roles
# with billing visibility (product.md §2: partner_agent has no billing).
BILLING_EVENTS = ("invoice.issued", "subscription.renewed")


def audit_events(
    actor: Actor,
    *,
    account_id: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events of organizations in reach (the event's organization path decides)."""
    if not permissions.role_allows(actor.role, "audit.view"):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.filter(reach.org_scope(actor, "organization"))
    if not permissions.can(actor, "billing.view"):
        qs = qs.exclude(action__in=BILLING_EVENTS)
    if account_id:
        qs = qs.filter(organization_id=account_id)
    if action:
        qs = qs.filter(action__startswith=action)
    if since:
        qs = qs.filter(at__gte=since)
    return qs


def webhooks(actor: Actor) -> QuerySet[Webhook]:
    return reach.visible(actor, Webhook).filter(organization=actor.organization)
