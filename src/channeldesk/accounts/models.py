"""Customer accounts are organizations of kind "customer" (tenancy.Organization)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind


class AccountManager(models.Manager["Account"]):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Kind.CUSTOMER)


class Account(Organization):
    objects: ClassVar[AccountManager] = AccountManager()  # type: ignore[misc]

    class Meta:
        proxy = True
