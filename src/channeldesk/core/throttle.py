"""Fixed-window rate limits stored in the database, so every web process shares them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from channeldesk.core.errors import RateLimited
from channeldesk.core.models import Throttle


def hit(key: str, *, limit: int, window: int, message: str = "") -> None:
    """Count one attempt for `key`; raise RateLimited once more than `limit` fall in `window`
    seconds."""
    now = timezone.now()
    with transaction.atomic():
        row, _ = Throttle.objects.select_for_update().get_or_create(
            key=key[:200], defaults={"window_start": now, "count": 0}
        )
        if now - row.window_start >= dt.timedelta(seconds=window):
            row.window_start, row.count = now, 0
        row.count += 1
        row.save(update_fields=["window_start", "count"])
        count, started = row.count, row.window_start
    if count > limit:
        retry = window - int((now - started).total_seconds())
        raise RateLimited(message or "Too many requests, try again later.", retry_after=retry)


def peek(key: str, *, limit: int, window: int) -> int:
    """Seconds until `key` may be used again (0 if it may now), without counting."""
    row = Throttle.objects.filter(key=key[:200]).first()
    if row is None:
        return 0
    elapsed = (timezone.now() - row.window_start).total_seconds()
    if elapsed >= window or row.count < limit:
        return 0
    return max(1, int(window - elapsed))


def clear(key: str) -> None:
    Throttle.objects.filter(key=key[:200]).delete()
