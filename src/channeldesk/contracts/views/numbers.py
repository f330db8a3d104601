"""Pages: the phone numbers overview, acknowledging new numbers, assigning a number."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channeldesk.contracts import actions, queries
from channeldesk.contracts.forms import AssignForm
from channeldesk.contracts.models import PhoneNumber, SiteProduct
from channeldesk.core.csvsafe import safe_row
from channeldesk.core.errors import DomainError, Forbidden
from channeldesk.core.htmx import is_htmx, render_page
from channeldesk.core.pagination import keyset
from channeldesk.core.throttle import hit
from channeldesk.core.web import actor_required, flash_error
from channeldesk.tenancy import permissions

USER_PICKS = 20  # users offered at once in the assign form; the search narrows them


def _number_filters(request) -> dict:
    g = request.GET
    new = g.get("new")
    usage = g.get("usage") or None
    return {
        "new": True if new == "1" else None,
        "usage": usage if usage in PhoneNumber.Usage.values else None,
        "base_package_id": (g.get("base_package") or "")[:26] or None,
        "site_product_id": (g.get("site") or "")[:26] or None,
        "q": (g.get("q") or "")[:100],
    }


@require_GET
@actor_required
def numbers(request, account_id: str):
    actor = request.actor
    account = queries.account_or_404(actor, account_id)
    filters = _number_filters(request)
    qs = queries.phone_numbers(actor, account, **filters)
    try:
        page = keyset(qs, order=["e164"], limit=100, cursor=request.GET.get("cursor"))
    except DomainError:
        page = keyset(qs, order=["e164"], limit=100)
    packages = list(
        queries.base_packages(actor, account).prefetch_related(None).only("id", "number", "name")
    )
    sites = list(SiteProduct.objects.filter(base_package__in=packages).order_by("name")[:500])
    q = request.GET.copy()
    q.pop("cursor", None)
    can_manage = permissions.can(actor, "phone_number.manage", account)
    return render_page(
        request,
        "contracts/numbers.html",
        {
            "account": account,
            "page": page,
            "filters": filters,
            "packages": packages,
            "sites": sites,
            "usages": PhoneNumber.Usage.choices,
            "can_manage": can_manage,
            "new_count": queries.phone_numbers(actor, account, new=True).count(),
            "query_without_cursor": q.urlencode(),
        },
        partial="results",
    )


@require_GET
@actor_required
def numbers_csv(request, account_id: str):
    actor = request.actor
    account = queries.account_or_404(actor, account_id)
    hit(f"export:{actor.user_id}", limit=30, window=60)
    qs = queries.phone_numbers(actor, account, **_number_filters(request)).order_by("e164")[:100000]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="phone-numbers.csv"'
    w = csv.writer(response)
    w.writerow([_("Phone number"), _("Base package"), _("Site"), _("Usage"), _("User"), _("New")])
    for n in qs.iterator(chunk_size=1000):
        w.writerow(
            safe_row(
                [
                    n.e164,
                    n.base_package.number if n.base_package else "",
                    n.site_product.name if n.site_product else "",
                    n.get_usage_display(),
                    n.user.display_name if n.user else "",
                    _("yes") if n.is_new else "",
                ]
            )
        )
    return response


@require_POST
@actor_required
def number_acknowledge(request, number_id: str):
    actor = request.actor
    number = queries.get_phone_number(actor, number_id)
    actions.acknowledge_number(actor, number)
    return redirect(f"/accounts/{number.account_id}/phone-numbers?{request.GET.urlencode()}")


@require_POST
@actor_required
def numbers_acknowledge_all(request, account_id: str):
    actor = request.actor
    account = queries.account_or_404(actor, account_id)
    permissions.require(actor, "contract.view", account)
    n = actions.acknowledge_all(actor, account)
    messages.success(request, _("%(n)d new numbers acknowledged.") % {"n": n})
    return redirect("contracts:numbers", account_id=account.id)


@require_http_methods(["GET", "POST"])
@actor_required
def number_assign(request, number_id: str):
    """GET: the assign form of one number, loaded into its row on demand (HTMX) or as a page;
    its user picker offers the first USER_PICKS users matching `q`. POST: save."""
    actor = request.actor
    number = queries.get_phone_number(actor, number_id)
    account = number.account
    assert account is not None  # get_phone_number: numbers of an account only
    permissions.require(actor, "phone_number.manage", account)
    if request.method == "GET":
        q = (request.GET.get("q") or "").strip()[:100]
        users = queries.account_users(account, q, USER_PICKS)
        if number.user is not None and all(u.id != number.user_id for u in users):
            users.insert(0, number.user)
        context = {
            "n": number,
            "account": number.account,
            "users": users,
            "q": q,
            "usages": PhoneNumber.Usage.choices,
        }
        if is_htmx(request) and request.GET.get("part") == "users":
            return render_page(request, "contracts/number_assign.html", context, partial="users")
        return render_page(request, "contracts/number_assign.html", context, partial="form")
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid usage and user."))
    else:
        try:
            actions.set_number_usage(
                actor, number, form.cleaned_data["usage"], form.cleaned_data["user_id"] or None
            )
        except DomainError as exc:
            if isinstance(exc, Forbidden):
                raise
            flash_error(request, exc)
        else:
            messages.success(request, _("%(n)s saved.") % {"n": number.e164})
    return redirect("contracts:numbers", account_id=number.account_id)
