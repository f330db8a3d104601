"""The organization tree and memberships.

Every tenant is an Organization; `path` is the materialized path of ids from the operator down
to the organization itself ("/OP/DIST/RES/CUST/"), so a subtree is one index range scan.
"""

from __future__ import annotations

import unicodedata
from typing import ClassVar

from django.conf import settings
from django.db import models

from channeldesk.core.ids import ID_LENGTH
from channeldesk.core.models import BinaryOrderedCharField, IdField
from channeldesk.tenancy.roles import Kind, Role, Status


def search_key(text: str) -> str:
    """Case- and accent-insensitive form used for prefix search ("Müller" -> "muller")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def subtree_upper(path: str) -> str:
    """Exclusive upper bound of the paths below `path` ('/' + 1 == '0')."""
    return path[:-1] + "0"


class Organization(models.Model):
    # Organizations are tenant-owned by themselves (see tenancy.reach).
    tenant_field: ClassVar[str] = ""

    id = IdField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=200)
    # Byte-ordered so the prefix range (key <= name_key < key + U+FFFF) holds under any
    # database collation (PostgreSQL clusters usually run a linguistic one).
    name_key = BinaryOrderedCharField(max_length=200, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = BinaryOrderedCharField(max_length=(ID_LENGTH + 1) * 5 + 1, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)

    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)
    subdivision = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    support_email = models.EmailField(blank=True)
    default_language = models.CharField(max_length=8, default="en")

    # Customer-account fields (product.md §3); empty for partners and the operator.
    business_type = models.CharField(max_length=50, blank=True)
    cloud_region = models.CharField(max_length=50, blank=True)
    platform = models.CharField(max_length=50, blank=True)
    pbx_type = models.CharField(max_length=50, blank=True)
    billing_customer_number = models.CharField(max_length=50, blank=True)
    bandwidth_optimization = models.BooleanField(default=False)

    # Partner fields.
    listed = models.BooleanField(default=False)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["path"], name="org_path"),
            models.Index(fields=["kind", "path", "id"], name="org_kind_path"),
            models.Index(fields=["kind", "id"], name="org_kind_id"),
            models.Index(fields=["parent", "kind", "id"], name="org_parent_kind"),
            models.Index(fields=["name_key"], name="org_name_key"),
            # Accounts searched by name, read in name order (accounts.queries.search_order).
            models.Index(fields=["kind", "name_key", "id"], name="org_kind_name"),
            models.Index(
                fields=["name_key"],
                name="org_listed_name",
                condition=models.Q(listed=True, status="active"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def etag(self) -> str:
        return f'"{self.id}-{self.version}"'

    @property
    def is_partner(self) -> bool:
        return self.kind in (Kind.DISTRIBUTOR, Kind.RESELLER)

    def place_under(self, parent: Organization | None) -> None:
        """Set parent, path and depth (the id must be set)."""
        self.parent = parent
        self.path = (parent.path if parent else "/") + f"{self.id}/"
        self.depth = (parent.depth + 1) if parent else 0

    def save(self, *args, **kwargs):
        self.name_key = search_key(self.name)
        if not self.path:
            self.place_under(self.parent)
        super().save(*args, **kwargs)


class Membership(models.Model):
    id = IdField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    # Memberships belong to their organization for reach purposes.
    tenant_field = "organization"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]
        indexes = [models.Index(fields=["organization", "id"], name="membership_org")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organization_id}:{self.role}"
