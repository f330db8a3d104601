"""Pages: placing an order, an order's status, retrying it, new site credentials."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channeldesk.contracts import actions, pricing, queries, rendering
from channeldesk.contracts.forms import (
    OrderForm,
    SiteFormSet,
    area_choices,
    order_items,
    place_errors,
)
from channeldesk.contracts.models import BasePackage, Order
from channeldesk.core.errors import DomainError, Forbidden
from channeldesk.core.htmx import render_page
from channeldesk.core.web import actor_required, flash_error
from channeldesk.tenancy import permissions


def _price_list() -> list[dict[str, Any]]:
    return [
        {
            "name": pricing.name(e),
            "price": pricing.unit_price(e),
            "currency": e.get("currency", "EUR"),
            "once": pricing.charge(e) == "once",
            "number_price": pricing.price(e, "number_price") if e.get("number_price") else None,
        }
        for e in pricing.items()
        if e.get("kind") in pricing.ORDERABLE_KINDS
    ]


def _as_initial(data, prefix: str, count: int) -> list[dict[str, Any]]:
    fields = ("site_name", "street", "postal_code", "city", "country", "area", "numbers")
    return [{f: data.get(f"{prefix}-{i}-{f}", "") for f in fields} for i in range(count)]


@require_http_methods(["GET", "POST"])
@actor_required
def order_new(request, account_id: str):
    actor = request.actor
    account = queries.account_or_404(actor, account_id)
    if not permissions.can(actor, "order.create", account):
        raise Forbidden("not allowed")
    packages = list(BasePackage.objects.filter(account=account).order_by("id"))
    offered = area_choices()
    site_kw: dict[str, Any] = {"form_kwargs": {"areas_offered": offered}, "prefix": "sites"}
    initial = {
        "kind": "site_product" if packages else "base_package",
        "base_package": request.GET.get("base_package"),
        "quantity": 1,
    }
    site_initial = [{"country": account.country, "numbers": 5}]
    if request.method == "POST" and "add_site" in request.POST:
        # Another empty site below the ones typed so far (works without JavaScript).
        count = min(int(request.POST.get("sites-TOTAL_FORMS") or 1), actions.MAX_SITES_PER_ORDER)
        kept = _as_initial(request.POST, "sites", count)
        if count < actions.MAX_SITES_PER_ORDER:
            kept.append({"country": request.POST.get("sites-0-country") or account.country})
        form = OrderForm(
            initial={k: request.POST.get(k) for k in ("kind", "base_package", "package_name")},
            packages=packages,
        )
        sites = SiteFormSet(initial=kept, **site_kw)
    else:
        data = request.POST if request.method == "POST" else None
        form = OrderForm(data, packages=packages, initial=initial)
        sites = SiteFormSet(data, initial=site_initial, **site_kw)
        if data is not None and form.is_valid() and sites.is_valid():
            items, where = order_items(form, sites)
            try:
                order = actions.place_order(actor, account, items)
            except DomainError as exc:
                if isinstance(exc, Forbidden):
                    raise
                place_errors(form, where, exc.errors)
                if not exc.errors:
                    form.add_error(None, exc.detail)
            else:
                messages.success(
                    request,
                    _("Order %(number)s is confirmed. A confirmation was sent by e-mail.")
                    % {"number": order.number},
                )
                return redirect("contracts:order_detail", order_id=order.id)
    return render(
        request,
        "contracts/order_new.html",
        {
            "account": account,
            "form": form,
            "sites": sites,
            "packages": packages,
            "prices": queries.sees_prices(actor, account),
            "price_list": _price_list(),
            "max_sites": actions.MAX_SITES_PER_ORDER,
        },
    )


@require_GET
@actor_required
def order_detail(request, order_id: str):
    actor = request.actor
    order = queries.get_order(actor, order_id)
    lang = translation.get_language() or "en"
    items = rendering.lines(order, lang)
    return render_page(
        request,
        "contracts/order_detail.html",
        {
            "order": order,
            "items": items,
            "has_one_time": any(i.once for i in items),
            "failure_reason": queries.failure_reason(actor, order),
            "prices": queries.sees_prices(actor, order.account),
            "may_retry": order.status == Order.Status.FAILED
            and permissions.can(actor, "order.create", order.account),
            "pending": order.status in (Order.Status.CONFIRMED, Order.Status.PROVISIONING),
        },
        partial="status",
    )


@require_POST
@actor_required
def order_retry(request, order_id: str):
    actor = request.actor
    order = queries.get_order(actor, order_id)
    try:
        actions.retry_order(actor, order)
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        flash_error(request, exc)
    else:
        messages.success(
            request,
            _("Order %(number)s is queued for provisioning again.") % {"number": order.number},
        )
    return redirect("contracts:order_detail", order_id=order.id)


@require_POST
@actor_required
def site_credentials(request, site_id: str):
    """New access credentials for a site: links go to the account admins by e-mail."""
    actor = request.actor
    site = queries.get_site_product(actor, site_id)
    account = site.base_package.account
    try:
        sent = actions.reissue_credentials(actor, site)
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        flash_error(request, exc)
    else:
        messages.success(
            request,
            _(
                "New access credentials for %(site)s were created. %(n)d single-use links "
                "were sent by e-mail; earlier links no longer work."
            )
            % {"site": site.name, "n": sent},
        )
    return redirect("accounts:detail", account.id)
