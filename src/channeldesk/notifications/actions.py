"""In-app notifications."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone, translation

from channeldesk.core.bulk import insert
from channeldesk.core.ids import new_id
from channeldesk.notifications.models import Notification
from channeldesk.notifications.outbox import language_for
from channeldesk.tenancy.models import Organization


def notify(users, *, organization: Organization, kind: str, text, link: str = "") -> None:
    """Create one notification per user, its text rendered in each user's language (once
    per language: a license assignment may notify 10,000 users at once)."""
    texts: dict[str, str] = {}
    rows = []
    for user in users:
        lang = language_for(user, organization)
        if lang not in texts:
            with translation.override(lang):
                texts[lang] = str(text)[:500]
        rows.append(
            {
                "id": new_id(),
                "user_id": user.id,
                "organization_id": organization.id,
                "kind": kind,
                "text": texts[lang],
                "link": link,
            }
        )
    insert(Notification, rows)


def mark_read(notifications: QuerySet[Notification]) -> int:
    return notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
