"""Customer accounts are organizations of kind "customer" (tenancy.Organization)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from channeldesk.core.models import IdField
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind


class AccountManager(models.Manager["Account"]):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Kind.CUSTOMER)


class Account(Organization):
    objects: ClassVar[AccountManager] = AccountManager()  # type: ignore[misc]

    class Meta:
        proxy = True


class SupportContact(models.Model):
    """Receives every problem report of the account (seed 000/001)."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator")
        SITE_ADMIN = "site_admin", _("Site admin")
        OTHER = "other", _("Other")

    id = IdField()
    account = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="support_contacts"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    language = models.CharField(max_length=8, blank=True)  # empty: the account's default
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "account"

    class Meta:
        indexes = [models.Index(fields=["account", "id"], name="support_contact_account")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def etag(self) -> str:
        return f'"{self.id}-{self.version}"'


class AccountIntegration(models.Model):
    """An integration of the catalog switched on (or off again) for an account, with the state
    of each of its privileges. No row: never enabled."""

    id = IdField()
    account = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="integrations")
    key = models.CharField(max_length=50)
    enabled = models.BooleanField(default=False)
    privileges = models.JSONField(default=dict, blank=True)  # {privilege key: bool}
    updated_at = models.DateTimeField(auto_now=True)

    tenant_field = "account"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="account_integration_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.key}"


class ProblemReport(models.Model):
    """A problem a customer user reports; e-mailed to every support contact of the account."""

    id = IdField()
    account = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="problem_reports"
    )
    reporter = models.ForeignKey(
        "identity.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_email = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200)
    description = models.TextField(max_length=5000)
    integration = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Operator support handles reports: open until resolved.
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=254, blank=True)

    tenant_field = "account"

    class Meta:
        indexes = [
            models.Index(fields=["account", "id"], name="problem_report_account"),
        ]

    @property
    def status(self) -> str:
        return "resolved" if self.resolved_at else "open"

    def __str__(self) -> str:
        return self.subject


class AccountDomain(models.Model):
    """An e-mail domain of the customer (seed 001: the customer step defines its domains)."""

    id = IdField()
    account = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253)  # lower case, Unicode form (IDNA-checked)
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "account"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "domain"], name="account_domain_unique")
        ]

    def __str__(self) -> str:
        return self.domain
