"""Customer accounts are organizations of kind "customer" (tenancy.Organization)."""

from __future__ import annotations

from django.db import models

from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind


class AccountManager(models.Manager["Account"]):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Kind.CUSTOMER)


class Account(Organization):
    objects = AccountManager()

    tenant_field = ""

    class Meta:
        proxy = True
