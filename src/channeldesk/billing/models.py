"""Invoices and the per-issuer number sequences that keep their numbers gapless."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from channeldesk.core.models import IdField
from channeldesk.tenancy.models import Organization


class NumberSequence(models.Model):
    """One counter row per numbering scope (e.g. invoices of one issuer, order numbers).

    Incremented under a row lock inside the transaction that uses the number, so a rolled-back
    transaction gives its number back and two concurrent transactions never draw the same one.
    """

    key = models.CharField(max_length=80, primary_key=True)
    last = models.PositiveBigIntegerField(default=0)


class Invoice(models.Model):
    id = IdField()
    number = models.CharField(max_length=40)
    sequence = models.PositiveBigIntegerField()
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    bill_to = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="invoices")
    source = models.CharField(max_length=60)
    key = models.CharField(max_length=80)
    period = models.CharField(max_length=7)  # YYYY-MM
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    issued_at = models.DateTimeField(auto_now_add=True)

    # Billing visibility follows the bill-to party (product.md §2).
    tenant_field = "bill_to"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "key", "period"], name="invoice_once_per_period"
            ),
            models.UniqueConstraint(fields=["issuer", "sequence"], name="invoice_number_unique"),
        ]
        indexes = [
            models.Index(fields=["bill_to", "id"], name="invoice_bill_to"),
            models.Index(fields=["period", "id"], name="invoice_period"),
        ]

    def __str__(self) -> str:
        return self.number


def unit_price_shown(value: Decimal) -> Decimal:
    """A unit price with its own precision: at least 2, at most 4 decimals (10.005, 1.95).
    Rounding it to cents would show a unit price that does not multiply to the amount. A
    Decimal, so that templates localize it (10,005 in German)."""
    exact = Decimal(value).quantize(Decimal("0.0001"))
    for places in ("0.01", "0.001"):
        shorter = exact.quantize(Decimal(places))
        if shorter == exact:
            return shorter
    return exact


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(max_digits=14, decimal_places=4)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["position"]

    @property
    def unit_price_shown(self) -> Decimal:
        return unit_price_shown(self.unit_price)


class BillingRun(models.Model):
    """A finished run for a period; the monthly job skips periods already run (a new run by
    hand is still safe: it issues nothing new)."""

    period = models.CharField(max_length=7, primary_key=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    issued = models.PositiveIntegerField(default=0)
