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
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "account"

    class Meta:
        indexes = [models.Index(fields=["account", "id"], name="support_contact_account")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
