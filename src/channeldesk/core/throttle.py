"""Fixed-window rate limits stored in the database, so every web process shares them."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from channeldesk.core.errors import RateLimited
from channeldesk.core.models import Throttle
from channeldesk.core.statements import execute


@cache
def _upsert(vendor: str) -> str:
    table = connection.ops.quote_name(Throttle._meta.db_table)
    # Identifiers come from the model; every value is a parameter.
    return (
        f'INSERT INTO {table} ("key", "window_start", "count", "blocked_until") '  # noqa: S608  # nosec B608
        'VALUES (%s, %s, 1, NULL) ON CONFLICT ("key") DO UPDATE SET '
        f'"count" = CASE WHEN {table}."window_start" <= %s THEN 1 '
        f'ELSE {table}."count" + 1 END, '
        f'"window_start" = CASE WHEN {table}."window_start" <= %s THEN %s '
        f'ELSE {table}."window_start" END RETURNING "count", "window_start"'
    )


def hit(key: str, *, limit: int, window: int, message: str = "") -> None:
    """Count one attempt for `key`; raise RateLimited once more than `limit` fall in `window`
    seconds. One atomic upsert that returns the new count: no read-then-write, so parallel
    attempts each get their own number and no more than `limit` pass. Count the attempt
    before doing the work it guards (check, then act on a peeked count races)."""
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    at, expired = adapt(now), adapt(now - dt.timedelta(seconds=window))
    ((count, started),) = execute(_upsert(connection.vendor), [key[:200], at, expired, expired, at])
    if isinstance(started, str):  # SQLite may return the stored text (naive UTC)
        started = parse_datetime(started)
    if started is not None and timezone.is_naive(started):
        started = timezone.make_aware(started, dt.UTC)
    if count > limit:
        retry = window - int((now - (started or now)).total_seconds())
        raise RateLimited(message or "Too many requests, try again later.", retry_after=retry)


def refund(key: str) -> None:
    """Take back one attempt counted by `hit` (one that turned out not to be a guess, such as
    a successful sign-in). One statement; the count never drops below zero."""
    Throttle.objects.filter(key=key[:200], count__gt=0).update(count=F("count") - 1)


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
