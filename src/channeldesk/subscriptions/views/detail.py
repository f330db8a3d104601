"""The subscription page: its data (billing only for the bill-to side), the partner's changes
(number of users, auto-renew, suspend, reactivate, typed cancel), the product's settings and
the licenses (searchable table and pick list, keyset pages)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from channeldesk.catalog.catalog import localized
from channeldesk.core.errors import DomainError, Forbidden
from channeldesk.core.htmx import is_htmx, render_page
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required, form_errors
from channeldesk.subscriptions import actions, queries
from channeldesk.subscriptions.catalog_products import (
    effective_settings,
    product_name,
    setting_defs,
)
from channeldesk.subscriptions.forms import (
    CancelForm,
    LicenseCsvForm,
    ProductSettingsForm,
    QuantityForm,
)
from channeldesk.subscriptions.models import Subscription
from channeldesk.tenancy import permissions

PAGE = 50
# HTMX target -> the partial of detail.html that answers it
PARTIALS = {"licenses": "licenses", "license-table": "license_table", "pick-list": "pick_list"}


def _page(qs, order, cursor):
    try:
        return keyset(qs, order=order, limit=PAGE, cursor=cursor)
    except DomainError:
        return keyset(qs, order=order, limit=PAGE)


def _people_filter(q: str, prefix: str = "user__") -> Q:
    """Users whose e-mail or name starts with `q` (e-mails are stored lower-case)."""
    return Q(**{f"{prefix}email__startswith": q.lower()}) | Q(**{f"{prefix}name__istartswith": q})


def _query(request, **values) -> str:
    q = request.GET.copy()
    for k, v in values.items():
        q.pop(k, None)
        if v:
            q[k] = v
    return q.urlencode()


def _settings_rows(sub: Subscription) -> list[dict]:
    values = effective_settings(sub.product, sub.settings)
    rows = []
    for d in setting_defs(sub.product):
        v = values[d["key"]]
        if d["type"] == "bool":
            shown = _("Yes") if v else _("No")
        elif d["type"] == "choice":
            shown = next((localized(c["name"]) for c in d["choices"] if c["key"] == v), v)
        else:
            shown = str(v) if v not in ("", None) else "—"
        rows.append({"label": localized(d["name"]), "value": shown})
    return rows


def detail_context(request, sub: Subscription, **extra) -> dict:
    actor = request.actor
    get = request.GET if request.method == "GET" else {}
    lq = (get.get("lq") or "").strip()[:100]
    cq = (get.get("cq") or "").strip()[:100]
    lic_qs = queries.licenses(actor, sub)
    if lq:
        lic_qs = lic_qs.filter(_people_filter(lq))
    licenses = _page(lic_qs, ["user__email", "id"], get.get("lcursor"))
    can_assign = permissions.can(actor, "license.assign", sub.account)
    candidates = None
    if can_assign:
        cand_qs = queries.members_without_license(actor, sub)
        if cq:
            cand_qs = cand_qs.filter(_people_filter(cq))
        candidates = _page(cand_qs, ["user__email", "id"], get.get("ccursor"))
    can_edit_settings = sub.status != Subscription.Status.CANCELLED and (
        permissions.can_edit_product_settings(
            actor, sub.account, customer_managed=sub.customer_managed
        )
    )
    settings_form = extra.pop("settings_form", None)
    if settings_form is None and can_edit_settings:
        settings_form = ProductSettingsForm(
            setting_defs(sub.product), initial=effective_settings(sub.product, sub.settings)
        )
    return {
        "sub": sub,
        "product_name": product_name(sub.product),
        "billing": queries.sees_billing(actor),
        "monthly": queries.monthly_value(sub),
        "can_manage": permissions.can(actor, "subscription.manage", sub.account),
        "can_assign": can_assign and sub.status == Subscription.Status.ACTIVE,
        "licenses": licenses.items,
        "licenses_next": _query(request, lcursor=licenses.next_cursor)
        if licenses.next_cursor
        else "",
        "lq": lq,
        "candidates": candidates.items if candidates else [],
        "candidates_next": _query(request, ccursor=candidates.next_cursor)
        if candidates and candidates.next_cursor
        else "",
        "cq": cq,
        "paged": bool(get.get("lcursor") or get.get("ccursor")),
        "free": sub.quantity - sub.assigned,
        "settings_rows": _settings_rows(sub),
        "settings_form": settings_form if can_edit_settings else None,
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
    partial = PARTIALS.get(request.headers.get("HX-Target", "")) if is_htmx(request) else None
    return render_page(
        request, "subscriptions/detail.html", detail_context(request, sub), partial=partial
    )


def after(request, sub: Subscription, partial: str | None = None, **extra):
    """HTMX: re-render the changed part in place; otherwise back to the page (PRG)."""
    if partial and is_htmx(request):
        sub.refresh_from_db()
        return render_page(
            request,
            "subscriptions/detail.html",
            detail_context(request, sub, inline_messages=True, **extra),
            partial=partial,
        )
    return redirect("subscriptions:detail", subscription_id=sub.id)


def error_page(request, sub, exc: DomainError, status: int, **extra):
    if exc.status in (403, 404):
        raise exc
    messages.error(request, exc.detail)
    if is_htmx(request):
        return render_page(
            request,
            "subscriptions/detail.html",
            detail_context(request, sub, inline_messages=True, **extra),
            partial="licenses",
            status=status,
        )
    return render_page(
        request, "subscriptions/detail.html", detail_context(request, sub, **extra), status=status
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
            detail_context(request, sub, quantity_form=form),
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
            detail_context(request, sub, quantity_form=form),
            status=exc.status,
        )
    messages.success(request, _("Number of users changed."))
    return redirect("subscriptions:detail", subscription_id=sub.id)


@require_POST
@actor_required
def subscription_settings(request, subscription_id: str):
    """The product's settings: the partner, or the customer on a subscription it manages."""
    actor = request.actor
    sub = queries.get_subscription(actor, subscription_id)
    if not permissions.can_edit_product_settings(
        actor, sub.account, customer_managed=sub.customer_managed
    ):
        raise Forbidden(_("Your partner manages this product’s settings."))
    form = ProductSettingsForm(setting_defs(sub.product), request.POST)
    if form.is_valid():
        try:
            actions.update_subscription(actor, sub, settings=form.cleaned_data)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            for e in exc.errors:
                e.field = e.field.removeprefix("settings.")
            form_errors(form, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("subscriptions:detail", subscription_id=sub.id)
    return render_page(
        request,
        "subscriptions/detail.html",
        detail_context(request, sub, settings_form=form),
        status=422,
    )


@require_POST
@actor_required
def subscription_auto_renew(request, subscription_id: str):
    actor = request.actor
    sub = queries.get_subscription(actor, subscription_id)
    value = request.POST.get("auto_renew") == "on"
    try:
        actions.update_subscription(actor, sub, auto_renew=value)
    except DomainError as exc:
        return error_page(request, sub, exc, exc.status)
    messages.success(request, _("Auto-renew is on.") if value else _("Auto-renew is off."))
    return redirect("subscriptions:detail", subscription_id=sub.id)


def _status_change(request, subscription_id: str, change, done: str):
    actor = request.actor
    sub = queries.get_subscription(actor, subscription_id)
    try:
        change(actor, sub)
    except DomainError as exc:
        return error_page(request, sub, exc, exc.status)
    messages.success(request, done)
    return redirect("subscriptions:detail", subscription_id=sub.id)


@require_POST
@actor_required
def subscription_suspend(request, subscription_id: str):
    return _status_change(
        request, subscription_id, actions.suspend_subscription, _("Subscription suspended.")
    )


@require_POST
@actor_required
def subscription_reactivate(request, subscription_id: str):
    return _status_change(
        request, subscription_id, actions.reactivate_subscription, _("Subscription reactivated.")
    )


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
            detail_context(request, sub, cancel_form=form),
            status=422,
        )
    at_term_end = form.cleaned_data["when"] == "term_end"
    try:
        actions.cancel_subscription(actor, sub, at_term_end=at_term_end)
    except DomainError as exc:
        return error_page(request, sub, exc, exc.status, cancel_form=form)
    messages.success(
        request,
        _("The subscription ends at the end of the term.")
        if at_term_end
        else _("Subscription cancelled."),
    )
    return redirect("subscriptions:detail", subscription_id=sub.id)
