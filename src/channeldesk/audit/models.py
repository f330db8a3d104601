"""Append-only audit trail: one event per change, written in the change's transaction."""

from __future__ import annotations

from django.db import models

from channeldesk.core.ids import ID_LENGTH
from channeldesk.core.models import BinaryOrderedCharField, IdField


class AuditEvent(models.Model):
    id = IdField()
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=80)
    actor_user_id = models.CharField(max_length=ID_LENGTH, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    actor_organization_id = models.CharField(max_length=ID_LENGTH, blank=True)
    # The organization the change was made for; its path scopes who may read the event.
    organization = models.ForeignKey(
        "tenancy.Organization", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization_path = BinaryOrderedCharField(max_length=200, blank=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=12, default="ok")  # ok | denied | failed

    class Meta:
        indexes = [
            models.Index(fields=["organization", "id"], name="audit_org"),
            models.Index(fields=["organization_path", "id"], name="audit_path"),
            models.Index(fields=["action", "id"], name="audit_action"),
        ]

    tenant_field = "organization"

    def save(self, *args, **kwargs):
        if not self._state.adding and not getattr(self, "_pseudonymising", False):
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are append-only")


class Webhook(models.Model):
    """A partner's or the operator's subscription to events of its reach."""

    id = IdField()
    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=500)
    events = models.JSONField(
        default=list
    )  # event prefixes, e.g. ["account", "invitation.accepted"]
    secret = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "organization"


class WebhookDelivery(models.Model):
    id = IdField()
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=80)
    payload = models.JSONField()
    status = models.CharField(max_length=10, default="pending")  # pending | delivered | failed
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True)
    last_status_code = models.PositiveSmallIntegerField(null=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True)

    tenant_field = "webhook__organization"

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]
