"""Dashboard, customer account list, create and the account page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from channeldesk.accounts import actions, queries
from channeldesk.accounts.forms import AccountForm
from channeldesk.catalog.catalog import current
from channeldesk.core import panels
from channeldesk.core.errors import DomainError
from channeldesk.core.htmx import render_page
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required, form_errors
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.roles import Status
from channeldesk.tenancy.validation import subdivision_choices


def _query_without_cursor(request) -> str:
    q = request.GET.copy()
    q.pop("cursor", None)
    return q.urlencode()


def _account_page(request, qs):
    try:
        limit = max(1, min(200, int(request.GET.get("limit", 50))))
    except ValueError:
        limit = 50
    try:
        return keyset(
            qs.select_related("parent"), order=["id"], limit=limit, cursor=request.GET.get("cursor")
        )
    except DomainError:
        return keyset(qs.select_related("parent"), order=["id"], limit=limit)


@require_GET
@actor_required
def dashboard(request):
    actor = request.actor
    if actor.is_customer:
        account = actor.organization
        return render(
            request,
            "accounts/dashboard_customer.html",
            {
                "account": account,
                "partner": reach.partner_of(actor),
                "region_name": current().name("regions", account.cloud_region),
                "panels": panels.render_slot("customer_dashboard", request, account),
            },
        )
    return account_list(request, dashboard=True)


@require_GET
@actor_required
def account_list(request, dashboard: bool = False):
    actor = request.actor
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status") or None
    if status not in (None, *Status.values):
        status = None
    page = _account_page(request, queries.accounts(actor, q=q, status=status))
    return render_page(
        request,
        "accounts/list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": Status.choices,
            "dashboard": dashboard,
            "can_create": permissions.can(actor, "account.create"),
            "query_without_cursor": _query_without_cursor(request),
            "panels": panels.render_slot("partner_dashboard", request, actor.organization)
            if dashboard
            else [],
        },
        partial="results",
    )


@require_http_methods(["GET", "POST"])
@actor_required
def account_create(request):
    actor = request.actor
    permissions.require(actor, "account.create")
    form = AccountForm(request.POST or None, creating=True, initial={"default_language": "en"})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v != "" or k in ("name",)}
        try:
            account = actions.create_account(actor, partner=None, **data)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("Customer account %(name)s created.") % {"name": account.name}
            )
            return redirect("accounts:detail", account_id=account.id)
    return render(request, "accounts/create.html", {"form": form})


@require_GET
@actor_required
def subdivisions(request):
    choices = subdivision_choices((request.GET.get("country") or "").upper()[:2])
    return render(request, "accounts/subdivision_options.html", {"choices": choices})


@require_GET
@actor_required
def account_detail(request, account_id: str):
    actor = request.actor
    account = queries.get_account(actor, account_id)
    cat = current()
    return render(
        request,
        "accounts/detail.html",
        {
            "account": account,
            "region_name": cat.name("regions", account.cloud_region),
            "platform_name": cat.name("platforms", account.platform),
            "billing_label": cat.billing_number_label(account.platform),
            "can_edit": permissions.can(actor, "account.edit", account),
            "business_type_name": cat.name("business_types", account.business_type)
            if account.business_type
            else "",
            "language_name": cat.name("languages", account.default_language),
            "panels": panels.render_slot("account_page", request, account),
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required
def account_edit(request, account_id: str):
    actor = request.actor
    account = queries.get_account(actor, account_id)
    permissions.require(actor, "account.edit", account)
    initial = {f: getattr(account, f) for f in actions.PROFILE_FIELDS}
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_account(actor, account, **form.cleaned_data)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Customer information saved."))
            return redirect("accounts:detail", account_id=account.id)
    return render(request, "accounts/edit.html", {"form": form, "account": account})
