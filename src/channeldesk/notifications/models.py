"""E-mail outbox (written in the change's transaction, sent by the worker) and in-app
notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from channeldesk.core.models import BinaryOrderedCharField, IdField


class OutboxEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"
        HELD = "held"  # no SMTP_URL configured: kept for operators to read

    id = IdField()
    organization = models.ForeignKey(
        "tenancy.Organization", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization_path = BinaryOrderedCharField(max_length=200, blank=True)
    to = models.EmailField()
    language = models.CharField(max_length=8, default="en")
    template = models.CharField(max_length=80)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True)

    tenant_field = "organization"

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["to", "id"], name="outbox_to"),
        ]


class OutboxAttachment(models.Model):
    email = models.ForeignKey(OutboxEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    content = models.BinaryField()
    # Made when the e-mail is sent (outbox.register_renderer), not in the change's transaction:
    # e.g. the order confirmation PDF, which takes seconds to render. Stored once made.
    renderer = models.CharField(max_length=80, blank=True)
    renderer_args = models.JSONField(default=dict, blank=True)


class Notification(models.Model):
    id = IdField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=80)
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "organization"
    member_field = "user"

    class Meta:
        indexes = [models.Index(fields=["user", "read_at", "id"], name="notification_user")]
