"""Invoices within reach of the bill-to rule (product.md §2)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from channeldesk.billing.models import Invoice
from channeldesk.contracts.pricing import money
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.actor import Actor


def invoices(actor: Actor) -> QuerySet[Invoice]:
    """Invoices addressed to the actor's organization (partners: and to their subtree)."""
    permissions.require(actor, "invoice.view")
    return reach.visible(actor, Invoice).select_related("issuer", "bill_to")


def get_invoice(actor: Actor, invoice_id: str) -> Invoice:
    inv = reach.get_visible(
        actor,
        Invoice,
        invoice_id,
        qs=reach.visible(actor, Invoice).select_related("issuer", "bill_to"),
    )
    permissions.require(actor, "invoice.view", inv.bill_to)
    return inv


def invoice_out(inv: Invoice, with_lines: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": inv.id,
        "number": inv.number,
        "issuer": {"id": inv.issuer.id, "name": inv.issuer.name},
        "bill_to": {"id": inv.bill_to.id, "name": inv.bill_to.name},
        "period": inv.period,
        "source": inv.source,
        "total": money(inv.total, inv.currency),
        "issued_at": inv.issued_at,
        "pdf_url": f"/api/v1/invoices/{inv.id}/pdf",
    }
    if with_lines:
        out["lines"] = [
            {
                "description": ln.description,
                "quantity": str(ln.quantity.normalize())
                if ln.quantity == ln.quantity.to_integral()
                else str(ln.quantity),
                "unit_price": {"amount": str(ln.unit_price_shown), "currency": inv.currency},
                "amount": money(ln.amount, inv.currency),
            }
            for ln in inv.lines.all()
        ]
    return out


def invoice_pdf(inv: Invoice, language: str) -> bytes:
    from channeldesk.billing.pdf import render_pdf

    return render_pdf(
        "billing/invoice_pdf.html",
        {"invoice": inv, "lines": list(inv.lines.all())},
        language,
    )
