"""The reseller's subscriptions console (seed 004) with its CSV export, and the New customer
subscription dialog."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from channeldesk.accounts.queries import accounts as visible_accounts
from channeldesk.accounts.queries import get_account
from channeldesk.core import throttle
from channeldesk.core.csvsafe import safe_row
from channeldesk.core.errors import DomainError, Forbidden
from channeldesk.core.htmx import render_page
from channeldesk.core.ids import is_id
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required, form_errors
from channeldesk.subscriptions import actions, queries
from channeldesk.subscriptions.catalog_products import product, product_choices, product_name
from channeldesk.subscriptions.forms import SubscriptionForm
from channeldesk.subscriptions.models import Subscription
from channeldesk.tenancy import permissions
from channeldesk.tenancy.roles import Kind

COLUMNS = (
    "customer",
    "product",
    "quantity",
    "assigned",
    "status",
    "next_payment_date",
)


def _filters(request) -> dict:
    status = request.GET.get("status") or None
    if status not in (None, *Subscription.Status.values):
        status = None
    product_key = request.GET.get("product") or None
    if product_key not in (None, *(k for k, _ in product_choices())):
        product_key = None
    account_id = request.GET.get("account_id") or None
    if account_id is not None and not is_id(account_id):
        account_id = None
    return {
        "status": status,
        "product": product_key,
        "q": request.GET.get("q", "")[:100],
        "account_id": account_id,
    }


def query_without(request, *names: str) -> str:
    q = request.GET.copy()
    for n in names:
        q.pop(n, None)
    return q.urlencode()


def _columns(actor, sort: str) -> list[dict]:
    billing = queries.sees_billing(actor)
    labels = {
        "customer": _("Customer"),
        "product": _("Product"),
        "quantity": _("Number of users"),
        "assigned": _("Licenses assigned"),
        "status": _("Status"),
        "next_payment_date": _("Next payment date"),
    }
    out = []
    for key in COLUMNS:
        if key in queries.BILLING_SORTS and not billing:
            continue
        current = sort.lstrip("-") == key
        desc = current and sort.startswith("-")
        out.append(
            {
                "key": key,
                "label": labels[key],
                "sort": ("" if desc else "-") + key if current else key,
                "aria": ("descending" if desc else "ascending") if current else "none",
            }
        )
    return out


@require_GET
@actor_required
def subscription_list(request):
    actor = request.actor
    f = _filters(request)
    qs = queries.subscriptions(actor, **f)
    sort, order = queries.ordering(actor, request.GET.get("sort"))
    listed = queries.with_sort_keys(qs, order)
    try:
        page = keyset(listed, order=order, limit=50, cursor=request.GET.get("cursor"))
    except DomainError:
        page = keyset(listed, order=order, limit=50)
    rows = [
        {"sub": s, "product_name": product_name(s.product), "monthly": queries.monthly_value(s)}
        for s in page.items
    ]
    account = None
    if f["account_id"]:
        account = next((r["sub"].account for r in rows), None)
    return render_page(
        request,
        "subscriptions/list.html",
        {
            "page": page,
            "rows": rows,
            **f,
            "account": account,
            "sort": sort,
            "columns": _columns(actor, sort),
            "statuses": Subscription.Status.choices,
            "products": product_choices(),
            "totals": queries.totals(qs, actor),
            "billing": queries.sees_billing(actor),
            "can_create": can_create(actor),
            "query_without_cursor": query_without(request, "cursor"),
            "query_without_sort": query_without(request, "cursor", "sort"),
        },
        partial="results",
    )


class _Echo:
    def write(self, value):
        return value


@require_GET
@actor_required
def subscription_export(request):
    """CSV of the filtered list (every page); cells cannot become spreadsheet formulas."""
    actor = request.actor
    f = _filters(request)
    qs = queries.subscriptions(actor, **f)
    throttle.hit(f"export:subscriptions:{actor.user_id}", limit=30, window=60)
    _sort, order = queries.ordering(actor, request.GET.get("sort"))
    qs = queries.with_sort_keys(qs, order)
    billing = queries.sees_billing(actor)
    writer = csv.writer(_Echo())
    head = [_("Customer"), _("Product"), _("Number of users"), _("Licenses assigned"), _("Status")]
    if billing:
        head += [_("Next payment date"), _("Monthly value"), _("Currency")]
    language = translation.get_language()

    def rows():
        yield writer.writerow(safe_row(head))
        for s in qs.order_by(*order).iterator(chunk_size=1000):
            with translation.override(language):
                row = [
                    s.account.name,
                    product_name(s.product),
                    s.quantity,
                    s.assigned,
                    str(s.get_status_display()),
                ]
            if billing:
                row += [
                    "" if s.status == Subscription.Status.CANCELLED else s.next_payment_date,
                    queries.monthly_value(s),
                    s.currency,
                ]
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="subscriptions.csv"'
    return response


def can_create(actor) -> bool:
    """Resellers (for their customers) and the operator create subscriptions; a distributor
    only reads its resellers' customers (product.md §1)."""
    return permissions.can(actor, "subscription.manage") and actor.kind in (
        Kind.RESELLER,
        Kind.OPERATOR,
    )


def _require_creator(actor) -> None:
    if not can_create(actor):
        raise Forbidden(_("You are not allowed to create subscriptions."))


@require_GET
@actor_required
def customer_matches(request):
    """Type-ahead of the dialog: existing customers in reach matching the typed name."""
    actor = request.actor
    _require_creator(actor)
    name = (request.GET.get("customer_name") or "").strip()[:100]
    throttle.hit(f"search:subscription-customers:{actor.user_id}", limit=120, window=60)
    matches = []
    if len(name) >= 2:
        matches = list(visible_accounts(actor, q=name, status="active").order_by("name_key")[:10])
    exact = any(a.name.casefold() == name.casefold() for a in matches)
    return render_page(
        request,
        "subscriptions/customer_matches.html",
        {"name": name, "matches": matches, "exact": exact},
    )


@require_http_methods(["GET", "POST"])
@actor_required
def subscription_create(request):
    """The dialog. Choosing a product re-renders the self-service part (HTMX GET with
    ?product=): "Let the customer manage it" appears only for products offering it; the
    action refuses it for the others whatever is posted."""
    actor = request.actor
    _require_creator(actor)
    initial = {
        "customer_country": actor.organization.country,
        "customer_postal_code": actor.organization.postal_code,
    }
    if request.method == "GET" and request.GET.get("product"):
        initial["product"] = request.GET["product"][:50]
    form = SubscriptionForm(request.POST or None, initial=initial)
    matches: list = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            account = get_account(actor, d["account_id"]) if d["account_id"] else None
            sub = actions.create_subscription(
                actor,
                product_key=d["product"],
                quantity=d["quantity"],
                account=account,
                customer_name="" if account else d["customer_name"],
                customer_country=d["customer_country"],
                customer_postal_code=d["customer_postal_code"],
                customer_managed=d["customer_managed"],
                contact_name=d["contact_name"],
                contact_email=d["contact_email"],
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _map_contact_errors(exc)
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Subscription to %(product)s for %(customer)s created.")
                % {"product": product_name(sub.product), "customer": sub.account.name},
            )
            if sub.customer_managed and sub.customer_contact:
                messages.success(
                    request,
                    _("An invitation was e-mailed to %(email)s.")
                    % {"email": sub.customer_contact.email},
                )
            return redirect("subscriptions:detail", subscription_id=sub.id)
    if request.method == "POST":
        name = (request.POST.get("customer_name") or "").strip()
        if len(name) >= 2:
            matches = list(visible_accounts(actor, q=name[:100], status="active")[:10])
    chosen = product(
        (request.POST.get("product") if request.method == "POST" else initial.get("product")) or ""
    )
    return render_page(
        request,
        "subscriptions/create.html",
        {
            "form": form,
            "matches": matches,
            "name": request.POST.get("customer_name", ""),
            "selected": request.POST.get("account_id", ""),
            "chosen": chosen,
            "chosen_name": product_name(chosen["key"]) if chosen else "",
            "self_service": chosen is None or bool(chosen.get("self_service")),
        },
        partial="self_service" if request.headers.get("HX-Target") == "self-service" else None,
        status=422 if request.method == "POST" else 200,
    )


def _map_contact_errors(exc: DomainError) -> None:
    for e in exc.errors:
        if e.field.startswith("customer_contact."):
            e.field = "contact_" + e.field.split(".", 1)[1]
