"""Subscriptions of customer accounts to catalog products, and the licenses handed to members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from channeldesk.core.models import IdField
from channeldesk.tenancy.models import Organization


class Subscription(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    class Period(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        ANNUAL = "annual", _("Annual")

    id = IdField()
    account = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="subscriptions"
    )
    product = models.CharField(max_length=50)
    quantity = models.PositiveIntegerField()
    # Maintained only by conditional UPDATEs (never read-then-write) so that assignments can
    # never exceed `quantity`, also under concurrent requests.
    assigned = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField()
    billing_period = models.CharField(max_length=10, choices=Period.choices)
    # Number of billing periods after start_date that the next payment is due: computing the
    # date from the start every time keeps month-end anchors (31 Jan -> 28/29 Feb -> 31 Mar).
    periods = models.PositiveIntegerField(default=1)
    next_payment_date = models.DateField()
    # Wholesale price at creation (the reseller's price; never shown to the customer).
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    auto_renew = models.BooleanField(default=True)
    cancel_at_term_end = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    customer_managed = models.BooleanField(default=False)
    customer_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The product's settings (catalog `settings:`) that were set; the others take the
    # catalog's default (catalog_products.effective_settings).
    settings = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    tenant_field = "account"

    class Meta:
        indexes = [
            models.Index(fields=["account", "id"], name="subscription_account"),
            models.Index(fields=["status", "next_payment_date"], name="subscription_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assigned__lte=models.F("quantity")),
                name="subscription_assigned_lte_quantity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"

    @property
    def etag(self) -> str:
        return f'"{self.id}-{self.version}"'


class License(models.Model):
    id = IdField()
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="licenses"
    )
    account = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="licenses"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "account"
    member_field = "user"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "user"], name="license_unique_user")
        ]
        indexes = [models.Index(fields=["user", "id"], name="license_user")]

    def __str__(self) -> str:
        return f"{self.subscription_id}:{self.user_id}"
