"""Telephony configuration of a customer account (product.md §9).

The partner declares the account's voice equipment. With a cloud PBX the account also has a
numbering plan (one row per account: the serialization point for every numbering change),
extension ranges, extensions, phone devices, automated attendants, a welcome service and
emergency numbers per site.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from channeldesk.core.models import IdField
from channeldesk.tenancy.models import Organization


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    tenant_field = "account"

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'


class VoiceEquipment(Versioned):
    id = IdField()
    account = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="voice_equipment"
    )
    kind = models.CharField(max_length=50)  # catalog voice_equipment key
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "kind"], name="voice_equipment_unique_kind")
        ]
        indexes = [models.Index(fields=["account", "id"], name="voice_equipment_account")]


class NumberingPlan(Versioned):
    """Exists while the account has a cloud PBX; locked for every numbering change."""

    id = IdField()
    account = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="numbering_plan"
    )
    extension_length = models.PositiveSmallIntegerField(default=3)


class ExtensionRange(Versioned):
    id = IdField()
    account = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="extension_ranges"
    )
    first = models.CharField(max_length=8)
    last = models.CharField(max_length=8)
    label = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "first"], name="extension_range_first"),
            models.CheckConstraint(condition=Q(first__lte=models.F("last")), name="range_order"),
        ]
        indexes = [models.Index(fields=["account", "first"], name="extension_range_account")]


class AutoAttendant(Versioned):
    id = IdField()
    account = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="auto_attendants"
    )
    name = models.CharField(max_length=100)
    greeting = models.TextField(max_length=2000, blank=True)
    # {"mon": {"open": "08:00", "close": "18:00"}, "sat": null, ...}
    business_hours = models.JSONField(default=dict)
    timeout_seconds = models.PositiveSmallIntegerField(default=10)
    timeout_destination = models.ForeignKey(
        "Extension", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="auto_attendant_unique_name")
        ]
        indexes = [models.Index(fields=["account", "id"], name="auto_attendant_account")]


class Extension(Versioned):
    class Kind(models.TextChoices):
        USER = "user"
        DEVICE = "device"
        GROUP = "group"
        ATTENDANT = "attendant"

    id = IdField()
    account = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="extensions")
    number = models.CharField(max_length=8)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendant = models.ForeignKey(
        AutoAttendant, null=True, blank=True, on_delete=models.PROTECT, related_name="extensions"
    )
    # The account's phone number routed to this extension: the one source of truth of a
    # number's cloud PBX use (contracts' PhoneNumber.usage/user mirror it, see
    # contracts.actions.numbers.reflect_routing). One extension per number (one-to-one).
    phone_number = models.OneToOneField(
        "contracts.PhoneNumber",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="extension",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="extension_unique_number"),
        ]
        indexes = [models.Index(fields=["account", "number"], name="extension_account_number")]


class AttendantOption(models.Model):
    """One digit of an attendant's menu and the extension it routes to."""

    attendant = models.ForeignKey(AutoAttendant, on_delete=models.CASCADE, related_name="options")
    digit = models.CharField(max_length=1)
    destination = models.ForeignKey(Extension, on_delete=models.PROTECT, related_name="+")

    tenant_field = "attendant__account"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attendant", "digit"], name="attendant_unique_digit")
        ]


class Device(Versioned):
    id = IdField()
    account = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="devices")
    model = models.CharField(max_length=100)
    mac = models.CharField(max_length=17, unique=True)  # normalised AA:BB:CC:DD:EE:FF
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extension = models.ForeignKey(
        Extension, null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )

    class Meta:
        indexes = [models.Index(fields=["account", "id"], name="device_account")]


class WelcomeService(Versioned):
    id = IdField()
    account = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="welcome_service"
    )
    greeting = models.TextField(max_length=2000)
    enabled = models.BooleanField(default=True)


class EmergencyNumber(Versioned):
    """An emergency number of one of the account's sites (a contracts SiteProduct). The caller
    location sent with emergency calls is the site's address unless overridden."""

    id = IdField()
    account = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="emergency_numbers"
    )
    site_product = models.ForeignKey(
        "contracts.SiteProduct",
        null=True,  # rows from before sites were linked; editing them asks for the site
        on_delete=models.CASCADE,
        related_name="emergency_numbers",
    )
    number = models.CharField(max_length=8)
    caller_location = models.CharField(max_length=300)
    location_overridden = models.BooleanField(default=False)

    @property
    def site_name(self) -> str:
        return self.site_product.name if self.site_product_id and self.site_product else "—"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "site_product", "number"], name="emergency_unique_site_number"
            )
        ]
        indexes = [models.Index(fields=["account", "number"], name="emergency_account_number")]
