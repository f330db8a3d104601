"""Keeping the audit trail when personal data is erased (quality.md 22): the trail keeps what
happened, with a stable pseudonym in place of the person."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings


def pseudonym(user_id: str) -> str:
    """A stable stand-in for an erased user in the audit trail (same user -> same pseudonym)."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{user_id}".encode()).hexdigest()[:12]
    return f"erased-user-{digest}"


def scrub(value: Any, replacements: dict[str, str]) -> Any:
    """`value` (an event's changes) with every occurrence of a key of `replacements` replaced."""
    if isinstance(value, str):
        for old, new in replacements.items():
            if old:
                value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {k: scrub(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, replacements) for v in value]
    return value


def pseudonymise_actor(user_id: str) -> int:
    """Events the user acted in name them by pseudonym only (the one sanctioned change of
    the append-only trail)."""
    from channeldesk.audit.models import AuditEvent

    return AuditEvent.objects.filter(actor_user_id=user_id).update(actor_label=pseudonym(user_id))


def scrub_events(events, replacements: dict[str, str]) -> int:
    """Replace personal values in the changes of `events` (a queryset). Returns the count."""
    from channeldesk.audit.models import AuditEvent

    replacements = {k: v for k, v in replacements.items() if k and len(k) >= 3}
    if not replacements:
        return 0
    changed = 0
    for event in events.only("id", "changes").iterator():
        scrubbed = scrub(event.changes, replacements)
        if scrubbed != event.changes:
            AuditEvent.objects.filter(id=event.id).update(changes=scrubbed)
            changed += 1
    return changed
