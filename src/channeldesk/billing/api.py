"""Invoices (api.md: GET /invoices, /invoices/{id}, /invoices/{id}/pdf)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import translation
from ninja import Router

from channeldesk.billing import queries
from channeldesk.billing.schemas import InvoiceList, InvoiceOut

router = Router(tags=["invoices"])


@router.get("/invoices", response=InvoiceList)
def invoice_list(request, period: str | None = None, limit: int = 50, cursor: str | None = None):
    from channeldesk.core.pagination import keyset

    qs = queries.invoices(request.auth)
    if period:
        qs = qs.filter(period=period[:7])
    page = keyset(qs, order=["-id"], limit=limit, cursor=cursor)
    return {
        "items": [queries.invoice_out(i, with_lines=False) for i in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get("/invoices/{invoice_id}", response=InvoiceOut)
def invoice_get(request, invoice_id: str):
    return queries.invoice_out(queries.get_invoice(request.auth, invoice_id))


@router.get("/invoices/{invoice_id}/pdf", response={200: None})
def invoice_pdf(request, invoice_id: str):
    inv = queries.get_invoice(request.auth, invoice_id)
    pdf = queries.invoice_pdf(inv, translation.get_language() or "en")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{inv.number}.pdf"'
    return response
