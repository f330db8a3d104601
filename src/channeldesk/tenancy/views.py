"""Partner pages (operator and distributors)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from channeldesk.core.errors import DomainError, Forbidden
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required, form_errors
from channeldesk.tenancy import actions, permissions, queries, reach
from channeldesk.tenancy.forms import PartnerForm
from channeldesk.tenancy.roles import PARTNER_KINDS, Kind
from channeldesk.tenancy.validation import country_name


@require_GET
@actor_required
def partner_list(request):
    actor = request.actor
    if actor.is_customer:
        raise Forbidden("customers have no partner list")
    q = request.GET.get("q", "")[:100]
    try:
        page = keyset(
            queries.partners(actor, q=q).select_related("parent"),
            order=["id"],
            limit=50,
            cursor=request.GET.get("cursor"),
        )
    except DomainError:
        page = keyset(queries.partners(actor, q=q).select_related("parent"), order=["id"], limit=50)
    return render(
        request,
        "tenancy/partners.html",
        {
            "page": page,
            "q": q,
            "can_create": permissions.can(actor, "partner.create")
            and actor.kind in (Kind.OPERATOR, Kind.DISTRIBUTOR),
            "query_without_cursor": f"q={q}" if q else "",
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required
def partner_create(request):
    actor = request.actor
    permissions.require(actor, "partner.create")
    kinds = (
        [(Kind.DISTRIBUTOR, Kind.DISTRIBUTOR.label), (Kind.RESELLER, Kind.RESELLER.label)]
        if actor.kind == Kind.OPERATOR
        else [(Kind.RESELLER, Kind.RESELLER.label)]
    )
    form = PartnerForm(request.POST or None, kinds=kinds, initial={"default_language": "en"})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kind = data.pop("kind")
        try:
            org = actions.create_partner(actor, kind=kind, parent=None, **data)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Partner %(name)s created.") % {"name": org.name})
            return redirect("partners:detail", partner_id=org.id)
    return render(request, "tenancy/partner_form.html", {"form": form, "title": _("New partner")})


@require_GET
@actor_required
def partner_detail(request, partner_id: str):
    actor = request.actor
    org = reach.organization_in_reach(actor, partner_id, kinds=PARTNER_KINDS)
    return render(
        request,
        "tenancy/partner_detail.html",
        {
            "org": org,
            "country_name": country_name(org.country),
            "can_edit": permissions.can(actor, "partner.edit", org),
            "children": org.children.order_by("name")[:50],
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required
def partner_edit(request, partner_id: str):
    actor = request.actor
    org = reach.organization_in_reach(actor, partner_id, kinds=PARTNER_KINDS)
    permissions.require(actor, "partner.edit", org)
    fields = (
        "name",
        "street",
        "postal_code",
        "city",
        "country",
        "phone",
        "support_email",
        "default_language",
        "listed",
    )
    form = PartnerForm(request.POST or None, initial={f: getattr(org, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_partner(actor, org, **form.cleaned_data)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("partners:detail", partner_id=org.id)
    return render(
        request, "tenancy/partner_form.html", {"form": form, "title": org.name, "org": org}
    )
