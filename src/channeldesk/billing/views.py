"""Invoices pages: the list (bill-to rule), one invoice, its PDF."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from channeldesk.billing import queries
from channeldesk.core.errors import DomainError
from channeldesk.core.htmx import render_page
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required


@require_GET
@actor_required
def invoice_list(request):
    actor = request.actor
    qs = queries.invoices(actor)
    period = (request.GET.get("period") or "")[:7]
    if period:
        qs = qs.filter(period=period)
    try:
        page = keyset(qs, order=["-id"], limit=50, cursor=request.GET.get("cursor"))
    except DomainError:
        page = keyset(qs, order=["-id"], limit=50)
    q = request.GET.copy()
    q.pop("cursor", None)
    return render_page(
        request,
        "billing/list.html",
        {"page": page, "period": period, "query_without_cursor": q.urlencode()},
        partial="results",
    )


@require_GET
@actor_required
def invoice_detail(request, invoice_id: str):
    inv = queries.get_invoice(request.actor, invoice_id)
    return render(request, "billing/detail.html", {"invoice": inv, "lines": list(inv.lines.all())})


@require_GET
@actor_required
def invoice_pdf(request, invoice_id: str):
    inv = queries.get_invoice(request.actor, invoice_id)
    pdf = queries.invoice_pdf(inv, translation.get_language() or "en")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{inv.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
