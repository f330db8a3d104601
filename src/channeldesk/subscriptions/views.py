"""Reseller subscriptions console, new customer subscription dialog, subscription page with
license distribution; panels for the account page and the customer dashboard."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channeldesk.accounts.queries import accounts as visible_accounts
from channeldesk.accounts.queries import get_account
from channeldesk.core import throttle
from channeldesk.core.csvsafe import safe_row
from channeldesk.core.errors import DomainError, Forbidden, ValidationFailed
from channeldesk.core.htmx import is_htmx, render_page
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required, form_errors
from channeldesk.subscriptions import actions, queries
from channeldesk.subscriptions.catalog_products import product_choices, product_name
from channeldesk.subscriptions.forms import (
    CancelForm,
    LicenseCsvForm,
    QuantityForm,
    SubscriptionForm,
)
from channeldesk.subscriptions.models import Subscription
from channeldesk.tenancy import permissions
from channeldesk.tenancy.roles import Kind

MAX_CSV_BYTES = 1_000_000
COLUMNS = [
    ("customer", "Customer"),
    ("product", "Product"),
    ("quantity", "Number of users"),
    ("assigned", "Licenses assigned"),
    ("status", "Status"),
    ("next_payment_date", "Next payment date"),
]


def _filters(request) -> dict:
    status = request.GET.get("status") or None
    if status not in (None, *Subscription.Status.values):
        status = None
    product = request.GET.get("product") or None
    if product not in (None, *(k for k, _ in product_choices())):
        product = None
    return {"status": status, "product": product, "q": request.GET.get("q", "")[:100]}


def _query_without(request, *names: str) -> str:
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
    for key, _label in COLUMNS:
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
    try:
        page = keyset(qs, order=order, limit=50, cursor=request.GET.get("cursor"))
    except DomainError:
        page = keyset(qs, order=order, limit=50)
    rows = [
        {"sub": s, "product_name": product_name(s.product), "monthly": queries.monthly_value(s)}
        for s in page.items
    ]
    return render_page(
        request,
        "subscriptions/list.html",
        {
            "page": page,
            "rows": rows,
            **f,
            "sort": sort,
            "columns": _columns(actor, sort),
            "statuses": Subscription.Status.choices,
            "products": product_choices(),
            "totals": queries.totals(qs, actor),
            "billing": queries.sees_billing(actor),
            "can_create": _can_create(actor),
            "query_without_cursor": _query_without(request, "cursor"),
            "query_without_sort": _query_without(request, "cursor", "sort"),
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


def _can_create(actor) -> bool:
    """Resellers (for their customers) and the operator create subscriptions; a distributor
    only reads its resellers' customers (product.md §1)."""
    return permissions.can(actor, "subscription.manage") and actor.kind in (
        Kind.RESELLER,
        Kind.OPERATOR,
    )


def _require_creator(actor) -> None:
    if not _can_create(actor):
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
    actor = request.actor
    _require_creator(actor)
    form = SubscriptionForm(
        request.POST or None,
        initial={
            "customer_country": actor.organization.country,
            "customer_postal_code": actor.organization.postal_code,
        },
    )
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
    return render_page(
        request,
        "subscriptions/create.html",
        {
            "form": form,
            "matches": matches,
            "name": request.POST.get("customer_name", ""),
            "selected": request.POST.get("account_id", ""),
        },
        status=422 if request.method == "POST" else 200,
    )


def _map_contact_errors(exc: DomainError) -> None:
    for e in exc.errors:
        if e.field.startswith("customer_contact."):
            e.field = "contact_" + e.field.split(".", 1)[1]


def _detail_context(request, sub: Subscription, **extra) -> dict:
    actor = request.actor
    lic_qs = queries.licenses(actor, sub)
    licenses = list(lic_qs.order_by("user__email")[:500])
    can_assign = permissions.can(actor, "license.assign", sub.account)
    return {
        "sub": sub,
        "product_name": product_name(sub.product),
        "billing": queries.sees_billing(actor),
        "monthly": queries.monthly_value(sub),
        "can_manage": permissions.can(actor, "subscription.manage", sub.account),
        "can_assign": can_assign and sub.status == Subscription.Status.ACTIVE,
        "licenses": licenses,
        "license_count": sub.assigned,
        "free": sub.quantity - sub.assigned,
        "candidates": list(queries.members_without_license(actor, sub)[:500]) if can_assign else [],
        "quantity_form": extra.pop("quantity_form", None)
        or QuantityForm(initial={"quantity": sub.quantity}),
        "cancel_form": extra.pop("cancel_form", None) or CancelForm(),
        "csv_form": extra.pop("csv_form", None) or LicenseCsvForm(),
        **extra,
    }


@require_GET
@actor_required
def subscription_detail(request, subscription_id: str):
    sub = queries.get_subscription(request.actor, subscription_id)
    return render_page(request, "subscriptions/detail.html", _detail_context(request, sub))


def _after(request, sub: Subscription, partial: str | None = None, **extra):
    """HTMX: re-render the changed part in place; otherwise back to the page (PRG)."""
    if partial and is_htmx(request):
        sub.refresh_from_db()
        return render_page(
            request,
            "subscriptions/detail.html",
            _detail_context(request, sub, inline_messages=True, **extra),
            partial=partial,
        )
    return redirect("subscriptions:detail", subscription_id=sub.id)


def _error_page(request, sub, exc: DomainError, status: int, **extra):
    if exc.status in (403, 404):
        raise exc
    messages.error(request, exc.detail)
    if is_htmx(request):
        return render_page(
            request,
            "subscriptions/detail.html",
            _detail_context(request, sub, inline_messages=True, **extra),
            partial="licenses",
            status=status,
        )
    return render_page(
        request, "subscriptions/detail.html", _detail_context(request, sub, **extra), status=status
    )


@require_POST
@actor_required
def subscription_quantity(request, subscription_id: str):
    actor = request.actor
    sub = queries.get_subscription(actor, subscription_id)
    form = QuantityForm(request.POST)
    if not form.is_valid():
        permissions.require(actor, "subscription.manage", sub.account)
        return render_page(
            request,
            "subscriptions/detail.html",
            _detail_context(request, sub, quantity_form=form),
            status=422,
        )
    try:
        actions.update_subscription(actor, sub, quantity=form.cleaned_data["quantity"])
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        form_errors(form, exc)
        return render_page(
            request,
            "subscriptions/detail.html",
            _detail_context(request, sub, quantity_form=form),
            status=exc.status,
        )
    messages.success(request, _("Number of users changed."))
    return redirect("subscriptions:detail", subscription_id=sub.id)


@require_POST
@actor_required
def subscription_auto_renew(request, subscription_id: str):
    actor = request.actor
    sub = queries.get_subscription(actor, subscription_id)
    value = request.POST.get("auto_renew") == "on"
    try:
        actions.update_subscription(actor, sub, auto_renew=value)
    except DomainError as exc:
        return _error_page(request, sub, exc, exc.status)
    messages.success(request, _("Auto-renew is on.") if value else _("Auto-renew is off."))
    return redirect("subscriptions:detail", subscription_id=sub.id)


@require_POST
@actor_required
def subscription_suspend(request, subscription_id: str):
    actor = request.actor
    sub = queries.get_subscription(actor, subscription_id)
    try:
        actions.suspend_subscription(actor, sub)
    except DomainError as exc:
        return _error_page(request, sub, exc, exc.status)
    messages.success(request, _("Subscription suspended."))
    return redirect("subscriptions:detail", subscription_id=sub.id)


@require_POST
@actor_required
def subscription_reactivate(request, subscription_id: str):
    actor = request.actor
    sub = queries.get_subscription(actor, subscription_id)
    try:
        actions.reactivate_subscription(actor, sub)
    except DomainError as exc:
        return _error_page(request, sub, exc, exc.status)
    messages.success(request, _("Subscription reactivated."))
    return redirect("subscriptions:detail", subscription_id=sub.id)


@require_POST
@actor_required
def subscription_cancel(request, subscription_id: str):
    """Cancelling is dangerous: the customer name must be typed to confirm (quality.md 12)."""
    actor = request.actor
    sub = queries.get_subscription(actor, subscription_id)
    permissions.require(actor, "subscription.manage", sub.account)
    form = CancelForm(request.POST)
    if form.is_valid() and form.cleaned_data["confirm"].strip() != sub.account.name:
        form.add_error("confirm", _("Type the customer name exactly to confirm."))
    if not form.is_valid():
        return render_page(
            request,
            "subscriptions/detail.html",
            _detail_context(request, sub, cancel_form=form),
            status=422,
        )
    at_term_end = form.cleaned_data["when"] == "term_end"
    try:
        actions.cancel_subscription(actor, sub, at_term_end=at_term_end)
    except DomainError as exc:
        return _error_page(request, sub, exc, exc.status, cancel_form=form)
    messages.success(
        request,
        _("The subscription ends at the end of the term.")
        if at_term_end
        else _("Subscription cancelled."),
    )
    return redirect("subscriptions:detail", subscription_id=sub.id)


@require_POST
@actor_required
def license_assign(request, subscription_id: str):
    """Assign to one or several picked users (all or nothing)."""
    actor = request.actor
    sub = queries.get_subscription(actor, subscription_id)
    user_ids = request.POST.getlist("user_ids")[:1000]
    try:
        if not user_ids:
            raise ValidationFailed.field("user_ids", _("Choose at least one user."))
        created = actions.assign_licenses(actor, sub, user_ids)
    except DomainError as exc:
        return _error_page(request, sub, exc, exc.status)
    messages.success(request, _("%(n)s licenses assigned.") % {"n": len(created)})
    return _after(request, sub, "licenses")


def _csv_text(form: LicenseCsvForm) -> str:
    upload = form.cleaned_data.get("file")
    text = form.cleaned_data.get("emails") or ""
    if upload:
        if upload.size > MAX_CSV_BYTES:
            raise ValidationFailed.field("file", _("The file is larger than 1 MB."))
        raw = upload.read(MAX_CSV_BYTES + 1)
        try:
            text += "\n" + raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed.field("file", _("The file is not UTF-8 text.")) from None
    return text


@require_POST
@actor_required
def license_csv(request, subscription_id: str):
    """CSV of e-mails: first a preview (unknown e-mails listed), then applied all or nothing."""
    actor = request.actor
    sub = queries.get_subscription(actor, subscription_id)
    permissions.require(actor, "license.assign", sub.account)
    if request.POST.get("apply"):
        # The previewed addresses come back as text (not one field per user: thousands of
        # fields would exceed the request limits); what is assigned is recomputed from them.
        text = (request.POST.get("emails") or "")[: MAX_CSV_BYTES * 2]
        ids = [u.id for u in queries.preview_csv(actor, sub, text)["assign"]]
        try:
            if not ids:
                raise ValidationFailed.field("user_ids", _("No known users to assign."))
            created = actions.assign_licenses(actor, sub, ids)
        except DomainError as exc:
            return _error_page(request, sub, exc, exc.status)
        messages.success(request, _("%(n)s licenses assigned.") % {"n": len(created)})
        return redirect("subscriptions:detail", subscription_id=sub.id)
    form = LicenseCsvForm(request.POST, request.FILES)
    preview: dict | None = None
    if form.is_valid():
        try:
            text = _csv_text(form)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            preview = queries.preview_csv(actor, sub, text)
            if not preview["emails"]:
                form.add_error(None, _("No e-mail addresses found."))
                preview = None
    return render_page(
        request,
        "subscriptions/detail.html",
        _detail_context(request, sub, csv_form=form, preview=preview),
        status=200 if preview else 422,
    )


@require_POST
@actor_required
def license_unassign(request, subscription_id: str, user_id: str):
    actor = request.actor
    sub = queries.get_subscription(actor, subscription_id)
    try:
        actions.unassign_license(actor, sub, user_id)
    except DomainError as exc:
        return _error_page(request, sub, exc, exc.status)
    messages.success(request, _("License unassigned."))
    return _after(request, sub, "licenses")


# ---- panels on other apps' pages ---------------------------------------------------------


def account_panel(request, account):
    """The account page's Subscriptions panel: every subscription with its licenses."""
    actor = request.actor
    if not permissions.can(actor, "subscription.view"):
        return None
    subs = list(queries.subscriptions(actor, account_id=account.id).order_by("-id")[:20])
    return {
        "account": account,
        "rows": [{"sub": s, "product_name": product_name(s.product)} for s in subs],
        "billing": queries.sees_billing(actor),
        "can_create": _can_create(actor) and permissions.can(actor, "subscription.manage", account),
    }


def my_licenses_panel(request, account):
    """The customer dashboard: the signed-in member's own licenses."""
    actor = request.actor
    lics = list(queries.my_licenses(actor)[:50])
    return {
        "rows": [
            {"license": lic, "product_name": product_name(lic.subscription.product)} for lic in lics
        ]
    }
