"""Pages: phone numbers overview, ordering, order status, credential links, number pool."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channeldesk.contracts import actions, pricing, queries
from channeldesk.contracts.forms import ERROR_FIELDS, AssignForm, NumberBlockForm, OrderForm
from channeldesk.contracts.models import BasePackage, Order, PhoneNumber
from channeldesk.core.csvsafe import safe_row
from channeldesk.core.errors import DomainError, Forbidden
from channeldesk.core.htmx import render_page
from channeldesk.core.pagination import keyset
from channeldesk.core.throttle import hit
from channeldesk.core.web import actor_required, flash_error
from channeldesk.identity.models import User
from channeldesk.tenancy import permissions


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


def _account_users(account) -> list[User]:
    return list(
        User.objects.filter(memberships__organization=account, is_active=True).order_by(
            "name", "id"
        )[:500]
    )


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
    from channeldesk.contracts.models import SiteProduct

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
            "users": _account_users(account) if can_manage else [],
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


@require_POST
@actor_required
def number_assign(request, number_id: str):
    actor = request.actor
    number = queries.get_phone_number(actor, number_id)
    form = AssignForm(request.POST, users=_account_users(number.account))
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


@require_http_methods(["GET", "POST"])
@actor_required
def order_new(request, account_id: str):
    actor = request.actor
    account = queries.account_or_404(actor, account_id)
    if not permissions.can(actor, "order.create", account):
        raise Forbidden("not allowed")
    packages = list(BasePackage.objects.filter(account=account).order_by("id"))
    preset = request.GET.get("base_package")
    form = OrderForm(
        request.POST or None,
        packages=packages,
        initial={
            "kind": "site_product" if packages else "base_package",
            "base_package": preset,
            "country": account.country,
            "quantity": 1,
            "numbers": 5,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            order = actions.place_order(actor, account, form.items())
        except DomainError as exc:
            if isinstance(exc, Forbidden):
                raise
            for e in exc.errors:
                form.add_error(ERROR_FIELDS.get(e.field), e.message)
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
            "packages": packages,
            "prices": queries.sees_prices(actor, account),
            "price_list": [
                {
                    "name": pricing.name(e),
                    "price": pricing.price(e),
                    "currency": e.get("currency", "EUR"),
                    "number_price": pricing.price(e, "number_price")
                    if e.get("number_price")
                    else None,
                }
                for e in pricing.items()
                if e.get("kind") in pricing.ORDERABLE_KINDS
            ],
        },
    )


@require_GET
@actor_required
def order_detail(request, order_id: str):
    actor = request.actor
    order = queries.get_order(actor, order_id)
    return render_page(
        request,
        "contracts/order_detail.html",
        {
            "order": order,
            "items": list(order.items.all()),
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
    countries = (
        PhoneNumber.objects.values("country")
        .annotate(total=Count("id"), free=Count("id", filter=Q(account__isnull=True)))
        .order_by("country")
    )
    return render(request, "contracts/number_pool.html", {"form": form, "countries": countries})
