"""Webhook subscriptions."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.translation import gettext as _

from channeldesk.audit.events import WEBHOOK_EVENT_GROUPS, record
from channeldesk.audit.models import Webhook
from channeldesk.core.errors import ValidationFailed
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor


@transaction.atomic
def create_webhook(actor: Actor, *, url: str, events: list[str]) -> Webhook:
    permissions.require(actor, "webhook.manage", actor.organization)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed.field("url", _("Enter an http(s) URL."))
    for e in events:
        if e.split(".")[0] not in WEBHOOK_EVENT_GROUPS:
            raise ValidationFailed.field("events", _("Unknown event: %(e)s") % {"e": e})
    hook = Webhook.objects.create(
        organization=actor.organization,
        url=url,
        events=sorted(set(events)),
        secret=secrets.token_urlsafe(32),
    )
    record(
        actor,
        "webhook.created",
        organization=actor.organization,
        target=hook,
        changes={"url": url, "events": hook.events},
    )
    return hook


@transaction.atomic
def delete_webhook(actor: Actor, hook: Webhook) -> None:
    permissions.require(actor, "webhook.manage", hook.organization)
    record(
        actor,
        "webhook.deleted",
        organization=hook.organization,
        target=hook,
        changes={"url": hook.url},
    )
    hook.delete()
