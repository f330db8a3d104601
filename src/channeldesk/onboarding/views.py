"""The onboarding wizard: choose the platform, then one page per step, then review.

Buttons on every step: Next (validate and continue), Save and return (keep the draft, back to
the dashboard), Cancel (a link: this step's unsaved changes are dropped). In-page changes
(adding/removing contacts, testing the connection, checking the export file) post the form
and swap the step's form in place with HTMX; without JavaScript they reload the page.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from channeldesk.accounts.domains import split_domains
from channeldesk.catalog.catalog import current, localized
from channeldesk.core import throttle
from channeldesk.core.errors import Conflict, FieldError, ValidationFailed
from channeldesk.core.htmx import render_page
from channeldesk.core.web import actor_required
from channeldesk.onboarding import actions, queries
from channeldesk.onboarding.connection import check_connection
from channeldesk.onboarding.forms import (
    ConnectionForm,
    CustomerForm,
    GatewayForm,
    PbxForm,
    PlatformForm,
    SyncForm,
    contacts_from_post,
    role_choices,
)
from channeldesk.onboarding.models import STEP_LABELS, Onboarding
from channeldesk.onboarding.steps import CUSTOMER_FIELDS, MAX_CONTACTS, MAX_CSV_BYTES
from channeldesk.onboarding.wizard import (
    TEMPLATE,
    bind_errors,
    save_or_next,
    step_context,
    step_url,
)
from channeldesk.tenancy import permissions
from channeldesk.tenancy.validation import country_name, subdivision_choices


@require_http_methods(["GET", "POST"])
@actor_required
def start(request):
    actor = request.actor
    permissions.require(actor, "onboarding.manage", actor.organization)
    form = PlatformForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # No draft yet: it is created when the customer step is first saved, so that
        # Cancel on a brand-new onboarding leaves nothing behind.
        return redirect("onboarding:new", platform=form.cleaned_data["platform"])
    cat = current()
    platforms = [
        {
            "key": p["key"],
            "name": localized(p["name"]),
            "steps": [STEP_LABELS[s] for s in cat.platform_steps(p["key"])],
        }
        for p in cat.entries("platforms")
    ]
    return render_page(request, "onboarding/start.html", {"form": form, "platforms": platforms})


@require_http_methods(["GET", "POST"])
@actor_required
def new(request, platform: str):
    """The customer step of an onboarding not saved yet (see `start`)."""
    actor = request.actor
    permissions.require(actor, "onboarding.manage", actor.organization)
    if platform not in current().keys("platforms"):
        raise Http404
    draft = Onboarding(organization=actor.organization, created_by=actor.user, platform=platform)
    return _customer(request, draft)


@require_http_methods(["GET"])
@actor_required
def region_options(request):
    """The cloud location options with the one derived from `country` selected (HTMX: the
    customer step updates its cloud location when the country changes)."""
    cat = current()
    country = (request.GET.get("country") or "").upper()[:2]
    derived = cat.region_for_country(country) if country else ""
    return render_page(
        request,
        "onboarding/region_options.html",
        {"regions": cat.choices("regions"), "selected": derived},
    )


def _draft_for_wizard(request, onboarding_id: str) -> Onboarding:
    draft = queries.get_onboarding(request.actor, onboarding_id)
    permissions.require(request.actor, "onboarding.manage", draft.organization)
    return draft


def _platform_gone(request, draft: Onboarding):
    """A draft on a platform the catalog no longer offers: say so on the dashboard."""
    if draft.status != Onboarding.Status.DRAFT:
        return None
    try:
        actions.require_platform(draft)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect("dashboard")
    return None


@require_http_methods(["GET"])
@actor_required
def resume(request, onboarding_id: str):
    draft = _draft_for_wizard(request, onboarding_id)
    if draft.status == Onboarding.Status.COMPLETED and draft.account_id:
        return redirect("accounts:detail", account_id=draft.account_id)
    return _platform_gone(request, draft) or redirect(step_url(draft, draft.current_step))


@require_http_methods(["GET", "POST"])
@actor_required
def step(request, onboarding_id: str, step: str):
    draft = _draft_for_wizard(request, onboarding_id)
    if draft.status == Onboarding.Status.COMPLETED:
        if draft.account_id:
            return redirect("accounts:detail", account_id=draft.account_id)
        raise Http404
    gone = _platform_gone(request, draft)
    if gone is not None:
        return gone
    if step not in draft.steps:
        raise Http404
    return HANDLERS[step](request, draft)


# ---- customer ----------------------------------------------------------------------------


def _customer(request, draft: Onboarding):
    saved = draft.step("customer")
    errors: list[FieldError] = []
    if request.method == "POST":
        form = CustomerForm(request.POST)
        admins = contacts_from_post(request.POST, "admin", roles=False)
        supports = contacts_from_post(request.POST, "support", roles=True)
        op = request.POST.get("op", "next")
        if op in ("add_admin", "add_support") or op.startswith("remove_"):
            if op == "add_admin" and len(admins) < MAX_CONTACTS:
                admins.append({"name": "", "email": ""})
            elif op == "add_support" and len(supports) < MAX_CONTACTS:
                supports.append({"name": "", "email": "", "role": "other"})
            elif op.startswith("remove_admin:") or op.startswith("remove_support:"):
                kind, _sep, idx = op.partition(":")
                rows = admins if kind == "remove_admin" else supports
                if idx.isdigit() and int(idx) < len(rows):
                    rows.pop(int(idx))
            return _render_customer(request, draft, form, admins, supports, [], partial=True)
        payload: dict[str, Any] = {f: request.POST.get(f, "") for f in CUSTOMER_FIELDS}
        payload.update(
            domains=split_domains(request.POST.get("domains", "")),
            admin_contacts=admins,
            support_contacts=supports,
        )
        response, exc = save_or_next(request, draft, "customer", payload, op)
        if response is not None:
            return response
        errors = exc.errors if exc else []
    else:
        initial = (
            {f: saved.get(f, "") for f in CUSTOMER_FIELDS}
            if saved
            else {"default_language": getattr(request, "LANGUAGE_CODE", "") or "en"}
        )
        if saved:
            initial["domains"] = "\n".join(str(d) for d in saved.get("domains") or [])
        form = CustomerForm(initial=initial)
        admins = saved.get("admin_contacts") or [{"name": "", "email": ""}]
        supports = saved.get("support_contacts") or [
            {"name": "", "email": "", "role": "administrator"},
            {"name": "", "email": "", "role": "site_admin"},
        ]
    return _render_customer(request, draft, form, admins, supports, errors)


def _render_customer(request, draft, form, admins, supports, errors, *, partial=False):
    row_errors: dict[str, dict[int, dict[str, str]]] = {"admin": {}, "support": {}}
    group_errors: dict[str, list[str]] = {"admin": [], "support": []}
    for e in errors:
        if e.field.startswith("domains."):
            e.field = "domains"  # one text box for the API's per-position errors
    rest = bind_errors(form, errors) if errors else []
    for e in rest:
        parts = e.field.split(".")
        kind = {"admin_contacts": "admin", "support_contacts": "support"}.get(parts[0])
        if kind and len(parts) == 3 and parts[1].isdigit():
            row_errors[kind].setdefault(int(parts[1]), {})[parts[2]] = e.message
        elif kind:
            group_errors[kind].append(e.message)
        elif form.is_bound:
            form.add_error(None, e.message)

    def rows(items, kind):
        return [{"i": i, **c, "errors": row_errors[kind].get(i, {})} for i, c in enumerate(items)]

    warnings = []
    name = (form.data.get("name") if form.is_bound else form.initial.get("name")) or ""
    if name and not errors:
        warnings = queries.similar_accounts(request.actor, name)
    ctx = step_context(
        request,
        draft,
        "customer",
        form=form,
        admins=rows(admins, "admin"),
        supports=rows(supports, "support"),
        group_errors=group_errors,
        roles=role_choices(),
        similar=warnings,
        has_errors=bool(errors),
    )
    return render_page(request, TEMPLATE, ctx, partial="contacts" if partial else "stepform")


# ---- pbx ---------------------------------------------------------------------------------


def _pbx(request, draft: Onboarding):
    if request.method == "POST":
        form = PbxForm(request.POST, platform=draft.platform)
        payload = {f: request.POST.get(f, "") for f in ("pbx_type", "name", "software_version")}
        response, exc = save_or_next(request, draft, "pbx", payload, request.POST.get("op", "next"))
        if response is not None:
            return response
        if exc:
            bind_errors(form, exc.errors)
    else:
        form = PbxForm(initial=draft.step("pbx") or None, platform=draft.platform)
    return render_page(request, TEMPLATE, step_context(request, draft, "pbx", form=form))


# ---- connection --------------------------------------------------------------------------


def _connection(request, draft: Onboarding):
    has_password = bool(draft.connection_secret)
    if request.method == "POST":
        form = ConnectionForm(request.POST, has_password=has_password)
        payload = {f: request.POST.get(f, "") for f in ("host", "port", "username", "password")}
        op = request.POST.get("op", "next")
        response, exc = save_or_next(
            request, draft, "connection", payload, "stay" if op == "test" else op
        )
        if response is not None:
            return response
        if exc:
            bind_errors(form, exc.errors)
        elif op == "test":
            draft.refresh_from_db()
            host, port = actions.connection_target(request.actor, draft)
            throttle.hit(f"onboarding-test:{request.actor.user_id}", limit=30, window=60)
            result = check_connection(host, port, draft.connection_secret)
            draft = actions.record_connection_test(request.actor, draft, result)
            form = ConnectionForm(
                initial=draft.step("connection"), has_password=bool(draft.connection_secret)
            )
    else:
        form = ConnectionForm(initial=draft.step("connection") or None, has_password=has_password)
    ctx = step_context(request, draft, "connection", form=form)
    return render_page(request, TEMPLATE, ctx, partial="stepform")


# ---- gateway -----------------------------------------------------------------------------

SITE_FIELDS = ("street", "postal_code", "city", "country", "subdivision")


def _gateway(request, draft: Onboarding):
    if request.method == "POST":
        form = GatewayForm(request.POST)
        payload = {
            "serial_number": request.POST.get("serial_number", ""),
            "mac_address": request.POST.get("mac_address", ""),
            "site_address": {f: request.POST.get(f"site_{f}", "") for f in SITE_FIELDS},
        }
        response, exc = save_or_next(
            request, draft, "gateway", payload, request.POST.get("op", "next")
        )
        if response is not None:
            return response
        if exc:
            mapping = {f"site_address.{f}": f"site_{f}" for f in SITE_FIELDS}
            for e in bind_errors(form, exc.errors, mapping):
                form.add_error(None, e.message)
    else:
        saved = draft.step("gateway")
        site = saved.get("site_address") or {
            f: draft.step("customer").get(f, "") for f in SITE_FIELDS
        }
        initial = {
            "serial_number": saved.get("serial_number", ""),
            "mac_address": saved.get("mac_address", ""),
            **{f"site_{f}": site.get(f, "") for f in SITE_FIELDS},
        }
        form = GatewayForm(initial=initial)
    return render_page(request, TEMPLATE, step_context(request, draft, "gateway", form=form))


# ---- sync --------------------------------------------------------------------------------


def _stored_csv(draft: Onboarding) -> str:
    """The export file of the draft: the accepted rows, else a file kept by "Save and
    return" that was not accepted yet."""
    saved = draft.step("sync")
    rows = saved.get("rows") or []
    if not rows:
        pending = saved.get("csv")
        return pending if isinstance(pending, str) else ""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["email", "name", "extension"])
    for r in rows:
        w.writerow([r.get("email", ""), r.get("name", ""), r.get("extension", "")])
    return buf.getvalue()


CSV_COLUMNS = {
    "email": gettext_lazy("E-mail"),
    "name": gettext_lazy("Name"),
    "extension": gettext_lazy("Extension"),
    "row": gettext_lazy("whole row"),
}


def _csv_problems(form, errors: list[FieldError]) -> tuple[list[dict[str, Any]], list[str]]:
    """(row problems for the table, messages about the file as a whole)."""
    problems: list[dict[str, Any]] = []
    file_errors: list[str] = []
    for e in bind_errors(form, errors):
        parts = e.field.split(".")
        if len(parts) == 3 and parts[1].isdigit():
            row = int(parts[1])
            prefix = _("Row %(row)d: %(message)s") % {"row": row, "message": ""}
            problems.append(
                {
                    "row": row,
                    "column": CSV_COLUMNS.get(parts[2], parts[2]),
                    "message": e.message.removeprefix(prefix),
                }
            )
        else:
            file_errors.append(e.message)
    return problems, file_errors


def _read_upload(upload) -> str:
    if upload.size > MAX_CSV_BYTES:
        return "x" * (MAX_CSV_BYTES + 1)  # refused by the size rule, with its message
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _sync(request, draft: Onboarding):
    problems: list[dict[str, Any]] = []
    file_errors: list[str] = []
    accepted = False
    saved = draft.step("sync")
    pending = bool(saved.get("csv")) and not saved.get("rows")
    if request.method == "POST":
        form = SyncForm(request.POST, request.FILES, platform=draft.platform)
        op = request.POST.get("op", "next")
        upload = request.FILES.get("export_file")
        text = _read_upload(upload) if upload is not None else _stored_csv(draft)
        payload = {
            "pbx_type": request.POST.get("pbx_type", ""),
            "system_id": request.POST.get("system_id", ""),
            "csv": text,
        }
        if op == "check":
            # Checking keeps the file with the draft either way (a later "Save and return"
            # or a new session still has it); the problems are shown until it is corrected.
            draft = actions.save_step(request.actor, draft, "sync", payload, partial=True)
            exc = None
            if "sync" not in draft.completed_steps:
                try:
                    actions.clean_step(draft, "sync", payload)
                except ValidationFailed as failed:
                    exc = failed
        else:
            response, exc = save_or_next(request, draft, "sync", payload, op)
            if response is not None:
                return response
        if exc:
            problems, file_errors = _csv_problems(form, exc.errors)
            pending = bool(text) and len(text) <= MAX_CSV_BYTES
        else:
            accepted, pending = True, False
            draft.refresh_from_db()
    else:
        initial = {k: saved.get(k, "") for k in ("pbx_type", "system_id")}
        form = SyncForm(initial=initial, platform=draft.platform)
        if pending:
            # A file kept by "Save and return": show what still needs correcting.
            try:
                actions.clean_step(draft, "sync", {**saved, "csv": saved["csv"]})
            except ValidationFailed as exc:
                # A throwaway form: the fields on the page are shown as saved, unmarked.
                problems, file_errors = _csv_problems(SyncForm(platform=draft.platform), exc.errors)
    rows = [] if problems else (draft.step("sync").get("rows") or [])
    attention = queries.sync_attention(rows)
    ctx = step_context(
        request,
        draft,
        "sync",
        form=form,
        problems=problems,
        file_errors=file_errors,
        rows=rows[:200],
        row_count=len(rows),
        import_count=len(rows) - len(attention),
        attention=attention,
        accepted=accepted,
        pending_file=pending,
    )
    return render_page(request, TEMPLATE, ctx, partial="stepform")


# ---- review and completion ---------------------------------------------------------------


def _address(address: dict[str, Any]) -> dict[str, str]:
    """An address with its country and province/state named in the active language."""
    country = str(address.get("country", ""))
    sub = str(address.get("subdivision", ""))
    return {
        **{k: str(address.get(k, "")) for k in ("street", "postal_code", "city")},
        "country_name": country_name(country),
        "subdivision_name": dict(subdivision_choices(country)).get(sub, sub),
    }


def _review(request, draft: Onboarding):
    cat = current()
    customer = draft.step("customer")
    pbx = draft.step("pbx")
    sync = draft.step("sync")
    pbx_names = {t["key"]: localized(t["name"]) for t in cat.pbx_types(draft.platform)}
    gateway = draft.step("gateway")
    sync_rows = sync.get("rows") or []
    attention = queries.sync_attention(sync_rows)
    ctx = step_context(
        request,
        draft,
        "review",
        customer=customer,
        customer_address=_address(customer),
        region_name=cat.name("regions", customer["cloud_region"])
        if customer.get("cloud_region")
        else "",
        language_name=cat.name("languages", customer.get("default_language", "en")),
        business_type_name=cat.name("business_types", customer["business_type"])
        if customer.get("business_type")
        else "",
        support_rows=[
            {**c, "role_label": dict(role_choices()).get(c.get("role"), c.get("role"))}
            for c in customer.get("support_contacts") or []
        ],
        pbx=pbx,
        pbx_type_name=pbx_names.get(pbx.get("pbx_type", ""), ""),
        connection=draft.step("connection"),
        gateway=gateway,
        site_address=_address(gateway["site_address"]) if gateway.get("site_address") else None,
        sync=sync,
        sync_pbx_type_name=pbx_names.get(sync.get("pbx_type", ""), ""),
        sync_rows=sync_rows[:50],
        sync_count=len(sync_rows),
        sync_import_count=len(sync_rows) - len(attention),
        attention=attention,
        missing=[STEP_LABELS[s] for s in draft.missing_steps],
        similar=queries.similar_accounts(request.actor, draft.customer_name),
    )
    return render_page(request, TEMPLATE, ctx)


HANDLERS = {
    "customer": _customer,
    "pbx": _pbx,
    "connection": _connection,
    "gateway": _gateway,
    "sync": _sync,
    "review": _review,
}


@require_POST
@actor_required
def complete(request, onboarding_id: str):
    draft = _draft_for_wizard(request, onboarding_id)
    try:
        account = actions.complete_onboarding(request.actor, draft)
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.detail)
        return redirect(step_url(draft, "review"))
    messages.success(
        request,
        _("%(name)s is onboarded and active. The admin contacts were invited by e-mail.")
        % {"name": account.name},
    )
    draft.refresh_from_db()
    skipped = len(draft.step("sync").get("rows") or []) - draft.extensions.count()
    if skipped > 0:
        messages.warning(
            request,
            ngettext(
                "%(n)d user of the export file already had a login and was not imported; "
                "invite them from the users page if they should join.",
                "%(n)d users of the export file already had a login and were not imported; "
                "invite them from the users page if they should join.",
                skipped,
            )
            % {"n": skipped},
        )
    return redirect("accounts:detail", account_id=account.id)


@require_POST
@actor_required
def delete(request, onboarding_id: str):
    draft = _draft_for_wizard(request, onboarding_id)
    name = draft.customer_name
    actions.delete_onboarding(request.actor, draft)
    messages.success(
        request,
        _("The onboarding of %(name)s was deleted.") % {"name": name}
        if name
        else _("The onboarding draft was deleted."),
    )
    return redirect("dashboard")
