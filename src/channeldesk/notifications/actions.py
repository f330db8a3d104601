"""In-app notifications."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone, translation

from channeldesk.notifications.models import Notification
from channeldesk.notifications.outbox import language_for
from channeldesk.tenancy.models import Organization


def notify(users, *, organization: Organization, kind: str, text, link: str = "") -> None:
    """Create one notification per user, its text rendered in each user's language."""
    rows = []
    for user in users:
        with translation.override(language_for(user, organization)):
            rows.append(
                Notification(
                    user=user, organization=organization, kind=kind, text=str(text)[:500], link=link
                )
            )
    Notification.objects.bulk_create(rows)


def mark_read(notifications: QuerySet[Notification]) -> int:
    return notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
