"""Shared model building blocks."""

from __future__ import annotations

from django.db import models

from channeldesk.core.ids import ID_LENGTH, new_id


class IdField(models.CharField):
    """Primary key holding an opaque time-ordered id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", ID_LENGTH)
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("default", new_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


class BinaryOrderedCharField(models.CharField):
    """A CharField compared byte by byte on every database.

    Materialized paths are range-scanned (`path >= p AND path < p + '0'`); that only matches a
    prefix when the column sorts by code point, which PostgreSQL does only under the "C"
    collation (SQLite's default BINARY collation already does).
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class Throttle(models.Model):
    """A fixed-window counter shared by every process (rate limits, login throttling)."""

    key = models.CharField(max_length=200, primary_key=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    blocked_until = models.DateTimeField(null=True)


class IdempotencyRecord(models.Model):
    """The first response to a creating POST, replayed for the same key (quality.md 17)."""

    id = IdField()
    organization_id = models.CharField(max_length=ID_LENGTH)
    user_id = models.CharField(max_length=ID_LENGTH)
    key = models.CharField(max_length=255)
    method_path = models.CharField(max_length=300)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    # Headers that belong to the answer (ETag, Location): replayed with it.
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization_id", "user_id", "key"], name="idempotency_unique_key"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]


from channeldesk.core.jobs import JobRun  # noqa: E402,F401 - model registration
