"""Onboarding drafts (owned by the partner organization that started them) and the extensions
imported from a sync platform's export file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from channeldesk.core.models import IdField
from channeldesk.tenancy.models import Organization

STEP_LABELS = {
    "customer": _("Customer"),
    "pbx": _("PBX"),
    "connection": _("Connection"),
    "gateway": _("Gateway"),
    "sync": _("Sync"),
    "review": _("Review"),
}
EDITABLE_STEPS = ("customer", "pbx", "connection", "gateway", "sync")


class Onboarding(models.Model):
    """One customer being onboarded. Step data lives in `data` ({step: {...}}) except the PBX
    password, which is stored only encrypted (`connection_secret`)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Onboarding in progress")
        COMPLETED = "completed", _("Completed")

    id = IdField()
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="onboardings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    platform = models.CharField(max_length=50)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    data = models.JSONField(default=dict)
    completed_steps = models.JSONField(default=list)
    connection_secret = models.TextField(blank=True)
    connection_ok = models.BooleanField(null=True)
    connection_detail = models.CharField(max_length=300, blank=True)
    connection_tested_at = models.DateTimeField(null=True, blank=True)
    account = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "organization"

    class Meta:
        indexes = [
            models.Index(fields=["organization", "status", "id"], name="onboarding_org_status"),
        ]

    def __str__(self) -> str:
        return self.customer_name or str(self.id)

    @property
    def customer_name(self) -> str:
        return str(self.data.get("customer", {}).get("name", ""))

    @property
    def steps(self) -> list[str]:
        from channeldesk.catalog.catalog import current

        return current().platform_steps(self.platform)

    @property
    def missing_steps(self) -> list[str]:
        return [s for s in self.steps if s != "review" and s not in self.completed_steps]

    @property
    def current_step(self) -> str:
        missing = self.missing_steps
        return missing[0] if missing else "review"

    def step(self, name: str) -> dict:
        return dict(self.data.get(name) or {})


class SyncedExtension(models.Model):
    """A user's extension imported from the existing system's export file (sync platforms)."""

    id = IdField()
    account = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="synced_extensions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    extension = models.CharField(max_length=20)
    system_id = models.CharField(max_length=100)
    onboarding = models.ForeignKey(
        Onboarding, null=True, blank=True, on_delete=models.SET_NULL, related_name="extensions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "account"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "extension"], name="synced_extension_unique")
        ]

    def __str__(self) -> str:
        return self.extension
