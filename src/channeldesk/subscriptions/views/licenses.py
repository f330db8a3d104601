"""Handing out licenses (one by one, picked, or by a CSV of e-mails, all or nothing), the
member's own licenses page and the account's licenses by user."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from channeldesk.core.errors import DomainError, NotFound, ValidationFailed
from channeldesk.core.htmx import render_page
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required, form_errors
from channeldesk.subscriptions import actions, queries
from channeldesk.subscriptions.catalog_products import product_name
from channeldesk.subscriptions.forms import LicenseCsvForm
from channeldesk.subscriptions.views.console import query_without
from channeldesk.subscriptions.views.detail import after, detail_context, error_page
from channeldesk.tenancy import permissions

MAX_CSV_BYTES = 1_000_000


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
        return error_page(request, sub, exc, exc.status)
    messages.success(request, _("%(n)s licenses assigned.") % {"n": len(created)})
    return after(request, sub, "licenses")


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
    """CSV of e-mails: first a preview (unknown e-mails listed), then applied all or nothing
    like the API: while any address is not a user of the account nothing is assigned."""
    actor = request.actor
    sub = queries.get_subscription(actor, subscription_id)
    permissions.require(actor, "license.assign", sub.account)
    if request.POST.get("apply"):
        # Every previewed address comes back as text (not one field per user: thousands of
        # fields would exceed the request limits); the check is made again on them.
        text = (request.POST.get("emails") or "")[: MAX_CSV_BYTES * 2]
        checked = queries.preview_csv(actor, sub, text)
        try:
            if checked["unknown"]:
                raise ValidationFailed(
                    ngettext(
                        "%(n)s address is not a user of the account (%(emails)s). "
                        "Nothing was assigned.",
                        "%(n)s addresses are not users of the account (%(emails)s). "
                        "Nothing was assigned.",
                        len(checked["unknown"]),
                    )
                    % {
                        "n": len(checked["unknown"]),
                        "emails": ", ".join(checked["unknown"][:10]),
                    }
                )
            ids = [u.id for u in checked["assign"]]
            if not ids:
                raise ValidationFailed.field("user_ids", _("No known users to assign."))
            created = actions.assign_licenses(actor, sub, ids)
        except DomainError as exc:
            return error_page(request, sub, exc, exc.status)
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
        detail_context(request, sub, csv_form=form, preview=preview),
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
        return error_page(request, sub, exc, exc.status)
    messages.success(request, _("License unassigned."))
    return after(request, sub, "licenses")


def _keyset_page(qs, request, order):
    try:
        return keyset(qs, order=order, limit=50, cursor=request.GET.get("cursor"))
    except DomainError:
        return keyset(qs, order=order, limit=50)


def _rows(licenses) -> list[dict]:
    return [
        {"license": lic, "product_name": product_name(lic.subscription.product)} for lic in licenses
    ]


@require_GET
@actor_required
def my_licenses(request):
    """The signed-in user's own licenses (members included: product.md §2 "own licenses")."""
    actor = request.actor
    page = _keyset_page(queries.my_licenses(actor), request, ["id"])
    return render_page(
        request,
        "subscriptions/my_licenses.html",
        {"rows": _rows(page.items), "page": page, "query_without_cursor": ""},
    )


@require_GET
@actor_required
def account_licenses(request, account_id: str):
    """Who holds which license in an account: search by e-mail or name, or one user's
    licenses (`?user=`), for those who see the account's users."""
    actor = request.actor
    account = queries.license_account(actor, account_id)
    q = (request.GET.get("q") or "").strip()[:100]
    holder = None
    user_id = request.GET.get("user") or ""
    if user_id:
        holder = queries.account_member(actor, account, user_id)
        if holder is None:
            raise NotFound("Not found.")
    qs = queries.account_licenses(actor, account, q=q, user=holder)
    page = _keyset_page(qs, request, ["user__email", "id"])
    return render_page(
        request,
        "subscriptions/account_licenses.html",
        {
            "account": account,
            "holder": holder,
            "q": q,
            "rows": _rows(page.items),
            "page": page,
            "query_without_cursor": query_without(request, "cursor"),
        },
        partial="results",
    )
