"""Base packages (contracts) with their central resources and site products, phone numbers,
the operator's number pool, orders and the single-use credential links (seed 002)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from channeldesk.core.models import IdField
from channeldesk.tenancy.models import Organization


class BasePackage(models.Model):
    """A contract under the account's customer number. Its resources and site products belong
    to it alone: a second base package shares nothing with the first."""

    id = IdField()
    account = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    start_date = models.DateField()
    monthly_fee = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "account"

    class Meta:
        indexes = [models.Index(fields=["account", "id"], name="base_package_account")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Charge(models.TextChoices):
    MONTHLY = "monthly", _("per month")
    ONCE = "once", _("one-time")


class Resource(models.Model):
    """A central resource of a base package (parallel calls, a budget, a flatrate) or a service
    booked on it (seed 002 "Serviceleistungen": on-site analysis, training, ...). Resources
    included in the base package (catalog `includes`) cost nothing of their own."""

    class Kind(models.TextChoices):
        PARALLEL_CALLS = "parallel_calls", _("Parallel calls")
        BUDGET = "budget", _("Budget")
        FLATRATE = "flatrate", _("Flatrate")
        SERVICE = "service", _("Service")

    id = IdField()
    base_package = models.ForeignKey(
        BasePackage, on_delete=models.CASCADE, related_name="resources"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    item = models.CharField(max_length=50)  # catalog key
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=0)  # parallel calls
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True)  # budget
    period = models.CharField(max_length=20, blank=True)  # budget
    scope = models.CharField(max_length=30, blank=True)  # flatrate
    monthly_price = models.DecimalField(max_digits=12, decimal_places=2)
    # A one-time service is billed once, in the period it was provisioned.
    charge = models.CharField(max_length=10, choices=Charge.choices, default=Charge.MONTHLY)
    one_time_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    included = models.BooleanField(default=False)  # part of the base package
    currency = models.CharField(max_length=3, default="EUR")
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "base_package__account"

    class Meta:
        indexes = [models.Index(fields=["base_package", "id"], name="resource_package")]


class SiteProduct(models.Model):
    id = IdField()
    base_package = models.ForeignKey(
        BasePackage, on_delete=models.CASCADE, related_name="site_products"
    )
    name = models.CharField(max_length=200)
    street = models.CharField(max_length=200)
    postal_code = models.CharField(max_length=20)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2)
    area = models.CharField(max_length=8, blank=True)  # national destination code of its numbers
    monthly_fee = models.DecimalField(max_digits=12, decimal_places=2)
    number_fee = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, default="EUR")
    username = models.CharField(max_length=100, blank=True)  # access credentials (user name)
    order = models.ForeignKey("Order", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "base_package__account"

    class Meta:
        indexes = [models.Index(fields=["base_package", "id"], name="site_product_package")]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}, {self.country}"


class IpConnection(models.Model):
    id = IdField()
    site_product = models.ForeignKey(
        SiteProduct, on_delete=models.CASCADE, related_name="ip_connections"
    )
    type = models.CharField(max_length=50)
    bandwidth = models.CharField(max_length=50)
    access_identifier = models.CharField(max_length=60, unique=True)

    tenant_field = "site_product__base_package__account"


class PhoneNumber(models.Model):
    """An E.164 number, unique platform-wide. In the operator's pool while `account` is null."""

    class Usage(models.TextChoices):
        UNASSIGNED = "unassigned", _("Unassigned")
        SIP_TRUNK = "sip_trunk", _("SIP trunk")
        CLOUD_PBX = "cloud_pbx", _("Cloud PBX seat")

    id = IdField()
    e164 = models.CharField(max_length=16, unique=True)
    country = models.CharField(max_length=2)
    # The national destination code (area code without the trunk prefix): "40" for Hamburg.
    area = models.CharField(max_length=8, blank=True)
    block = models.CharField(max_length=40)  # the loaded block it came from
    account = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    base_package = models.ForeignKey(
        BasePackage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    site_product = models.ForeignKey(
        SiteProduct, null=True, blank=True, on_delete=models.SET_NULL, related_name="numbers"
    )
    usage = models.CharField(max_length=20, choices=Usage.choices, default=Usage.UNASSIGNED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_new = models.BooleanField(default=False)
    allocated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    tenant_field = "account"

    class Meta:
        indexes = [
            models.Index(fields=["account", "e164"], name="number_account"),
            models.Index(
                fields=["country", "area", "e164"],
                name="number_pool_free_area",
                condition=models.Q(account__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.e164

    @property
    def etag(self) -> str:
        return f'"{self.id}-{self.version}"'


class Order(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        PROVISIONING = "provisioning", _("Provisioning")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    id = IdField()
    number = models.CharField(max_length=30, unique=True)
    account = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ordered_by_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    currency = models.CharField(max_length=3, default="EUR")
    total = models.DecimalField(max_digits=14, decimal_places=2)  # per month
    one_time_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    # Why provisioning failed, as a code and its parameters (contracts.failures): rendered in
    # each reader's language, with pool details only for the operator.
    failure_code = models.CharField(max_length=40, blank=True)
    failure_params = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)  # when a worker took it
    provisioned_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "account"

    class Meta:
        indexes = [
            models.Index(fields=["account", "id"], name="order_account"),
            models.Index(
                fields=["claimed_at"],
                name="order_provisioning",
                condition=models.Q(status="provisioning"),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderItem(models.Model):
    """One ordered item with its price at order time and what provisioning needs to build it."""

    id = IdField()
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    item = models.CharField(max_length=50)  # catalog key
    kind = models.CharField(max_length=20)
    # In English at order time; shown in the reader's language from the catalog and params
    # (contracts.describe), this text only when the catalog no longer has the item.
    description = models.CharField(max_length=300)
    charge = models.CharField(max_length=10, choices=Charge.choices, default=Charge.MONTHLY)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    base_package = models.ForeignKey(
        BasePackage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    params = models.JSONField(default=dict)  # site address and area, number count, package name

    class Meta:
        ordering = ["position"]


class CredentialLink(models.Model):
    """A single-use, expiring link through which one account admin views the access
    credentials of a new site product. The password is stored only encrypted with a key
    derived from the link's token (which we never store), and erased once viewed."""

    id = IdField()
    site_product = models.ForeignKey(SiteProduct, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    ciphertext = models.BinaryField(null=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "site_product__base_package__account"


class NumberArea(models.Model):
    """An area of the number pool: a country and national destination code ("DE", "40") that
    blocks were loaded for. Orders choose from these; `sample` is one of its numbers, from
    which the area's place name is looked up (phonenumbers' geocoder)."""

    country = models.CharField(max_length=2)
    area = models.CharField(max_length=8, blank=True)
    sample = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "area"], name="number_area_unique")
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.area}"
