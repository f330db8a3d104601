"""Pages: the single-use credential link, and the operator's number pool."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from channeldesk.contracts import actions, areas
from channeldesk.contracts.forms import NumberBlockForm
from channeldesk.contracts.models import NumberArea, PhoneNumber
from channeldesk.core.errors import DomainError, Forbidden
from channeldesk.core.web import actor_required
from channeldesk.tenancy import permissions


@require_http_methods(["GET", "POST"])
def credentials(request):
    """The single-use credential link. GET only shows a button (no state change on GET, and
    link scanners in mail systems do not burn the link); POST reveals once."""
    token = (
        request.POST.get("token") if request.method == "POST" else request.GET.get("token")
    ) or ""
    shown = None
    if request.method == "POST":
        shown = actions.reveal_credentials(token)
        valid = shown is not None
    else:
        valid = actions.credential_link(token) is not None
    response = render(
        request,
        "contracts/credentials.html",
        {"token": token, "valid": valid, "shown": shown},
        status=200 if valid else 404,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@actor_required
def number_pool(request):
    actor = request.actor
    permissions.require(actor, "number_pool.manage")
    if not actor.is_operator:
        raise Forbidden("operator only")
    form = NumberBlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            n = actions.load_number_block(
                actor, form.cleaned_data["start"], form.cleaned_data["count"]
            )
        except DomainError as exc:
            if isinstance(exc, Forbidden):
                raise
            for e in exc.errors or []:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            if not exc.errors:
                form.add_error(None, exc.detail)
        else:
            messages.success(request, _("%(n)d numbers loaded into the pool.") % {"n": n})
            return redirect("contracts:number_pool")
    counts = {
        (r["country"], r["area"]): r
        for r in PhoneNumber.objects.values("country", "area").annotate(
            total=Count("id"), free=Count("id", filter=Q(account__isnull=True))
        )
    }
    rows = [
        {
            "country": a.country,
            "area": areas.label(a),
            "total": counts.get((a.country, a.area), {}).get("total", 0),
            "free": counts.get((a.country, a.area), {}).get("free", 0),
        }
        for a in NumberArea.objects.order_by("country", "area")
    ]
    return render(request, "contracts/number_pool.html", {"form": form, "rows": rows})
