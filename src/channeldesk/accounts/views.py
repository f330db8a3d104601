"""Dashboard, customer account list, create, and the account page with its panels, each
editable in place (HTMX) by those allowed; every handler also works without JavaScript."""

from __future__ import annotations

from html import escape

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channeldesk.accounts import actions, queries
from channeldesk.accounts.domains import domains_of
from channeldesk.accounts.forms import (
    AccountForm,
    ConfirmNameForm,
    ProblemReportForm,
    SupportContactForm,
)
from channeldesk.catalog.catalog import current, localized
from channeldesk.core import panels
from channeldesk.core.errors import DomainError
from channeldesk.core.htmx import is_htmx, render_page
from channeldesk.core.pagination import Page, keyset
from channeldesk.core.web import actor_required, form_errors
from channeldesk.tenancy import permissions
from channeldesk.tenancy.roles import Status
from channeldesk.tenancy.validation import country_name, subdivision_blank, subdivision_choices


def _profile_errors(form, exc: DomainError) -> None:
    """`form_errors`, with the API's per-position domain errors (`domains.2`) on the one
    domains text box."""
    for e in exc.errors:
        if e.field.startswith("domains."):
            e.field = "domains"
    form_errors(form, exc)


def _query_without_cursor(request) -> str:
    q = request.GET.copy()
    q.pop("cursor", None)
    return q.urlencode()


def _account_page(request, actor, *, q: str, status: str | None) -> Page:
    try:
        limit = max(1, min(200, int(request.GET.get("limit", 50))))
    except ValueError:
        limit = 50
    # The list's rows as dicts from a statement compiled once (queries.account_list_rows):
    # no model instances, and the template's lookups are dict lookups.
    try:
        page = queries.account_list_rows(
            actor, q=q, status=status, limit=limit, cursor=request.GET.get("cursor")
        )
    except DomainError:
        page = queries.account_list_rows(actor, q=q, status=status, limit=limit)
    _label_rows(page.items)
    return page


# One row of the accounts table. The rows are rendered with html.escape (which escapes exactly
# as Django's autoescape does) instead of the template engine: 50 rows of 5 cells through the
# engine were ~60 % of the page's time (bench/, issue 8). tests/accounts/test_views.py checks
# it against the same markup rendered by the engine.
ROW = (
    '<tr><td><a href="{url}">{name}</a></td><td>{city}</td><td>{country}</td><td>{partner}</td>'
    '<td><span class="status {status}">{label}</span></td></tr>'
)


def rows_html(rows: list[dict]) -> SafeString:
    direct = f'<span class="muted">{escape(_("direct"))}</span>'
    return mark_safe(  # noqa: S308  # nosec B308 B703 - every value is escaped below
        "".join(
            ROW.format(
                url=escape(r["detail_url"]),
                name=escape(r["name"]),
                city=escape(r["city"]),
                country=escape(r["country"]),
                partner=direct if r["partner"] is None else escape(r["partner"]),
                status=escape(r["status"]),
                label=escape(r["status_label"]),
            )
            for r in rows
        )
    )


def _label_rows(rows: list[dict]) -> None:
    """Each row's detail link and status label, computed once per page: the URL is reversed
    once and extended with the id, the translated labels are looked up from one dict (a
    reverse and a choices lookup per row were most of the list page's rendering time)."""
    marker = "0" * 26
    prefix, _, suffix = reverse("accounts:detail", args=[marker]).partition(marker)
    labels = {value: str(label) for value, label in Status.choices}
    for row in rows:
        row["detail_url"] = f"{prefix}{row['id']}{suffix}"
        row["status_label"] = labels.get(row["status"], row["status"])


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
    page = _account_page(request, actor, q=q, status=status)
    rows = rows_html(page.items)
    return render_page(
        request,
        "accounts/list.html",
        {
            "page": page,
            "rows": rows,
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
            _profile_errors(form, exc)
        else:
            messages.success(
                request, _("Customer account %(name)s created.") % {"name": account.name}
            )
            return redirect("accounts:detail", account_id=account.id)
    return render(request, "accounts/create.html", {"form": form})


@require_GET
@actor_required
def subdivisions(request):
    country = (request.GET.get("country") or request.GET.get("site_country") or "").upper()[:2]
    return render(
        request,
        "accounts/subdivision_options.html",
        {"choices": subdivision_choices(country), "blank": subdivision_blank(country)[1]},
    )


def _page_context(request, account, **extra) -> dict:
    """Everything the account page and each of its panels render from."""
    actor = request.actor
    cat = current()
    can_edit = permissions.can(actor, "account.edit", account)
    deleted = account.status == Status.DELETED
    ctx = {
        "account": account,
        "region_name": cat.name("regions", account.cloud_region),
        "platform_name": cat.name("platforms", account.platform),
        "pbx_type_name": next(
            (
                localized(t["name"])
                for t in cat.pbx_types(account.platform)
                if t["key"] == account.pbx_type
            ),
            account.pbx_type,
        ),
        "billing_label": cat.billing_number_label(account.platform),
        "business_type_name": cat.name("business_types", account.business_type)
        if account.business_type
        else "",
        "language_name": cat.name("languages", account.default_language),
        "domains": domains_of(account),
        "country_name": country_name(account.country),
        "subdivision_name": dict(subdivision_choices(account.country)).get(
            account.subdivision, account.subdivision
        ),
        "can_edit": can_edit and not deleted,
        "can_contacts": permissions.can(actor, "contacts.manage", account) and not deleted,
        "can_integrations": permissions.can(actor, "integrations.manage", account) and not deleted,
        "can_call_services": permissions.can(actor, "call_services.manage", account)
        and not deleted,
        "can_report": permissions.can(actor, "problem_report.create", account)
        and account.status == Status.ACTIVE,
        "can_deactivate": permissions.can(actor, "account.deactivate", account),
        "can_delete": permissions.can(actor, "account.delete", account),
        "contacts": list(queries.support_contacts(actor, account).order_by("id")),
        "integrations": queries.integrations(account),
        "contact_form": SupportContactForm(),
        "report_form": ProblemReportForm(),
        "confirm_form": ConfirmNameForm(expected=account.name),
        "panels": panels.render_slot("account_page", request, account),
        **extra,
    }
    try:
        ctx["reports"] = list(
            queries.problem_reports(actor, account).select_related("account").order_by("-id")[:5]
        )
    except DomainError:
        ctx["reports"] = None
    return ctx


def _panel(request, account, partial: str, **extra) -> HttpResponse:
    """The HTMX answer of a panel action: the panel re-rendered in place."""
    account.refresh_from_db()  # the action changed (and re-read) its own copy
    return render(
        request, f"accounts/detail.html#{partial}", _page_context(request, account, **extra)
    )


def _after(
    request, account, partial: str, *, error: DomainError | None = None, notice: str = "", **extra
) -> HttpResponse:
    """Answer a panel action: the panel for HTMX, else back to the page with a message."""
    if is_htmx(request):
        return _panel(
            request,
            account,
            partial,
            panel_error=error.detail if error else "",
            panel_notice=notice,
            **extra,
        )
    if error:
        messages.error(request, error.detail)
    elif notice:
        messages.success(request, notice)
    return redirect("accounts:detail", account_id=account.id)


@require_GET
@actor_required
def account_detail(request, account_id: str):
    account = queries.get_account(request.actor, account_id)
    return render(request, "accounts/detail.html", _page_context(request, account))


@require_GET
@actor_required
def account_info(request, account_id: str):
    """The customer information panel (what Cancel of the in-place edit shows again)."""
    account = queries.get_account(request.actor, account_id)
    return render_page(
        request, "accounts/detail.html", _page_context(request, account), partial="info"
    )


@require_http_methods(["GET", "POST"])
@actor_required
def account_edit(request, account_id: str):
    actor = request.actor
    account = queries.get_account(actor, account_id)
    permissions.require(actor, "account.edit", account)
    initial = {f: getattr(account, f) for f in actions.PROFILE_FIELDS}
    initial["domains"] = "\n".join(domains_of(account))
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_account(actor, account, **form.cleaned_data)
        except DomainError as exc:
            _profile_errors(form, exc)
        else:
            if is_htmx(request):
                return _panel(
                    request, account, "info", panel_notice=_("Customer information saved.")
                )
            messages.success(request, _("Customer information saved."))
            return redirect("accounts:detail", account_id=account.id)
    if is_htmx(request):
        return _panel(request, account, "info_form", form=form)
    return render(request, "accounts/edit.html", {"form": form, "account": account})


# ---- support contacts --------------------------------------------------------------------


@require_POST
@actor_required
def contact_add(request, account_id: str):
    actor = request.actor
    account = queries.get_account(actor, account_id)
    permissions.require(actor, "contacts.manage", account)
    form = SupportContactForm(request.POST)
    if form.is_valid():
        try:
            actions.add_support_contact(actor, account, **form.cleaned_data)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            return _after(request, account, "contacts", notice=_("Support contact added."))
    if is_htmx(request):
        return _panel(request, account, "contacts", contact_form=form)
    return render(
        request,
        "accounts/detail.html",
        _page_context(request, account, contact_form=form),
        status=422,
    )


@require_http_methods(["GET", "POST"])
@actor_required
def contact_edit(request, account_id: str, contact_id: str):
    actor = request.actor
    account = queries.get_account(actor, account_id)
    contact = queries.get_support_contact(actor, account, contact_id)
    permissions.require(actor, "contacts.manage", account)
    form = SupportContactForm(
        request.POST or None,
        initial={f: getattr(contact, f) for f in ("name", "email", "role", "language")},
        prefix=f"c{contact.id}",
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_support_contact(actor, contact, **form.cleaned_data)
        except DomainError as exc:
            if exc.errors:
                form_errors(form, exc)
            else:
                return _after(request, account, "contacts", error=exc)
        else:
            return _after(request, account, "contacts", notice=_("Support contact saved."))
    if is_htmx(request):
        return _panel(request, account, "contacts", editing=contact.id, edit_form=form)
    return render(
        request,
        "accounts/detail.html",
        _page_context(request, account, editing=contact.id, edit_form=form),
    )


@require_POST
@actor_required
def contact_remove(request, account_id: str, contact_id: str):
    actor = request.actor
    account = queries.get_account(actor, account_id)
    contact = queries.get_support_contact(actor, account, contact_id)
    try:
        actions.remove_support_contact(actor, contact)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _after(request, account, "contacts", error=exc)
    return _after(request, account, "contacts", notice=_("Support contact removed."))


# ---- integrations and call services ------------------------------------------------------


def _flag(request, name: str) -> bool:
    return request.POST.get(name) in ("1", "true", "on")


@require_POST
@actor_required
def integration_toggle(request, account_id: str, key: str):
    actor = request.actor
    account = queries.get_account(actor, account_id)
    privilege = request.POST.get("privilege")
    try:
        if privilege:
            state = next((i for i in queries.integrations(account) if i["key"] == key), None)
            actions.set_integration(
                actor,
                account,
                key,
                enabled=bool(state and state["enabled"]),
                privileges={privilege[:50]: _flag(request, "value")},
            )
        else:
            actions.set_integration(actor, account, key, enabled=_flag(request, "enabled"))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _after(request, account, "integrations", error=exc)
    return _after(request, account, "integrations")


@require_POST
@actor_required
def call_services(request, account_id: str):
    actor = request.actor
    account = queries.get_account(actor, account_id)
    try:
        actions.set_call_services(
            actor, account, bandwidth_optimization=_flag(request, "bandwidth_optimization")
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _after(request, account, "call_services", error=exc)
    return _after(request, account, "call_services")


# ---- problem reports ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def problem_reports(request, account_id: str):
    """GET: the account's problem reports; POST: file one."""
    actor = request.actor
    account = queries.get_account(actor, account_id)
    if request.method == "POST":
        permissions.require(actor, "problem_report.create", account)
        form = ProblemReportForm(request.POST)
        if form.is_valid():
            try:
                actions.file_problem_report(actor, account, **form.cleaned_data)
            except DomainError as exc:
                if exc.status == 409:
                    return _after(request, account, "reports", error=exc)
                form_errors(form, exc)
            else:
                return _after(
                    request,
                    account,
                    "reports",
                    notice=_("Thank you. Your report was sent to the account's support contacts."),
                )
        if is_htmx(request):
            return _panel(request, account, "reports", report_form=form)
        return render(
            request,
            "accounts/detail.html",
            _page_context(request, account, report_form=form),
            status=422,
        )
    qs = queries.problem_reports(actor, account).select_related("account")
    page = _keyset_page(request, qs)
    return render_page(
        request,
        "accounts/problem_reports.html",
        {"account": account, "page": page, "query_without_cursor": _query_without_cursor(request)},
        partial="results",
    )


@require_GET
@actor_required
def problem_report_queue(request):
    """Every problem report within the actor's reach (operator support handles them)."""
    qs = queries.problem_reports(request.actor).select_related("account")
    return render_page(
        request,
        "accounts/problem_reports.html",
        {
            "account": None,
            "can_handle": permissions.can(request.actor, "problem_report.handle"),
            "page": _keyset_page(request, qs),
            "query_without_cursor": _query_without_cursor(request),
        },
        partial="results",
    )


def _keyset_page(request, qs):
    try:
        limit = max(1, min(200, int(request.GET.get("limit", 50))))
    except ValueError:
        limit = 50
    try:
        page = keyset(qs, order=["-id"], limit=limit, cursor=request.GET.get("cursor"))
    except DomainError:
        page = keyset(qs, order=["-id"], limit=limit)
    cat = current()
    for r in page.items:
        r.integration_name = cat.name("integrations", r.integration) if r.integration else ""
    return page


@require_POST
@actor_required
def problem_report_resolve(request, report_id: str):
    report = queries.get_problem_report(request.actor, report_id)
    try:
        actions.resolve_problem_report(request.actor, report)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Problem report marked as resolved."))
    return redirect("accounts:problem-report-queue")


# ---- lifecycle ---------------------------------------------------------------------------


def _lifecycle(request, account_id: str, action, *, confirm: bool, done: str):
    actor = request.actor
    account = queries.get_account(actor, account_id)
    needed = (
        "account.delete"
        if action in (actions.delete_account, actions.restore_account)
        else "account.deactivate"
    )
    permissions.require(actor, needed, account)
    if confirm:
        form = ConfirmNameForm(request.POST, expected=account.name)
        if not form.is_valid():
            messages.error(request, str(form.errors["confirm_name"][0]))
            return redirect("accounts:detail", account_id=account.id)
    try:
        action(actor, account)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.detail)
    else:
        messages.success(request, done % {"name": account.name})
    return redirect("accounts:detail", account_id=account.id)


@require_POST
@actor_required
def account_deactivate(request, account_id: str):
    return _lifecycle(
        request,
        account_id,
        actions.deactivate_account,
        confirm=True,
        done=_("%(name)s is deactivated: its users can no longer sign in."),
    )


@require_POST
@actor_required
def account_reactivate(request, account_id: str):
    return _lifecycle(
        request,
        account_id,
        actions.reactivate_account,
        confirm=False,
        done=_("%(name)s is active again."),
    )


@require_POST
@actor_required
def account_delete(request, account_id: str):
    return _lifecycle(
        request,
        account_id,
        actions.delete_account,
        confirm=True,
        done=_("%(name)s is deleted. It can be restored for 30 days."),
    )


@require_POST
@actor_required
def account_restore(request, account_id: str):
    return _lifecycle(
        request,
        account_id,
        actions.restore_account,
        confirm=False,
        done=_("%(name)s is restored."),
    )
