"""The account's Telephony page: one page, one HTMX partial with every section."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channeldesk.catalog.catalog import current
from channeldesk.core.errors import DomainError
from channeldesk.core.htmx import is_htmx, render_page
from channeldesk.core.web import actor_required, form_errors
from channeldesk.telephony import actions, forms, queries
from channeldesk.tenancy import permissions
from channeldesk.tenancy.models import Membership

LIMIT = 200  # rows per section on the page; the API pages through everything


def _users(account) -> list[tuple[str, str]]:
    rows = Membership.objects.filter(organization=account).select_related("user").order_by("id")
    return [(m.user.id, m.user.name or m.user.email) for m in rows[:LIMIT]]


def _context(request, account, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    actor = request.actor
    plan = queries.plan_of(account)
    exts = list(queries.extensions(actor, account).order_by("number")[:LIMIT]) if plan else []
    atts = list(queries.attendants(actor, account).order_by("name")[:LIMIT]) if plan else []
    users = _users(account) if plan else []
    ext_choices = [(e.number, f"{e.number} {e.name}".strip()) for e in exts]
    att_choices = [(a.id, a.name) for a in atts]
    welcome = queries.welcome(actor, account).first() if plan else None
    made = {
        "equipment": forms.EquipmentForm(),
        "plan": forms.PlanForm(initial={"extension_length": plan.extension_length if plan else 3}),
        "range": forms.RangeForm(),
        "extension": forms.ExtensionForm(users=users, attendants=att_choices),
        "device": forms.DeviceForm(users=users, extensions=ext_choices),
        "attendant": forms.AttendantForm(extensions=ext_choices),
        "welcome": forms.WelcomeForm(
            initial={"greeting": welcome.greeting, "enabled": welcome.enabled} if welcome else None
        ),
        "emergency": forms.EmergencyForm(),
    }
    for key, form in (bound or {}).items():
        made[key] = form
    return {
        "account": account,
        "plan": plan,
        "can_manage": permissions.can(actor, actions.MANAGE, account),
        "can_declare": permissions.can(actor, actions.DECLARE, account),
        "equipment": [
            queries.equipment_out(e) for e in queries.equipment(actor, account).order_by("id")
        ],
        "ranges": list(queries.ranges(actor, account).order_by("first")[:LIMIT]) if plan else [],
        "extensions": exts,
        "devices": list(queries.devices(actor, account).order_by("id")[:LIMIT]) if plan else [],
        "attendants": [_attendant_row(a) for a in atts],
        "welcome": welcome,
        "emergency": list(queries.emergency(actor, account).order_by("site", "number")[:LIMIT])
        if plan
        else [],
        "forms": made,
    }


def _attendant_row(a) -> dict[str, Any]:
    row = queries.attendant_out(a)
    row["hours_lines"] = [
        f"{forms.WEEKDAY_LABELS[day]} {h['open']}–{h['close']}"
        for day, h in row["business_hours"].items()
        if h
    ]
    return row


def _render(request, account, *, bound=None, notice: str = "", error: str = ""):
    ctx = _context(request, account, bound)
    ctx["notice"] = notice
    ctx["error"] = error
    return render_page(request, "telephony/page.html", ctx, partial="sections")


@require_GET
@actor_required
def page(request, account_id: str):
    account = queries.get_account(request.actor, account_id)
    return _render(request, account)


def _users_and_choices(request, account):
    plan = queries.plan_of(account)
    if plan is None:
        return [], [], []
    users = _users(account)
    exts = queries.extensions(request.actor, account).order_by("number")[:LIMIT]
    atts = queries.attendants(request.actor, account).order_by("name")[:LIMIT]
    return (
        users,
        [(e.number, f"{e.number} {e.name}".strip()) for e in exts],
        [(a.id, a.name) for a in atts],
    )


def _form_for(thing: str, request, account):
    users, ext_choices, att_choices = _users_and_choices(request, account)
    data = request.POST
    return {
        "equipment": lambda: forms.EquipmentForm(data),
        "plan": lambda: forms.PlanForm(data),
        "range": lambda: forms.RangeForm(data),
        "extension": lambda: forms.ExtensionForm(data, users=users, attendants=att_choices),
        "device": lambda: forms.DeviceForm(data, users=users, extensions=ext_choices),
        "attendant": lambda: forms.AttendantForm(data, extensions=ext_choices),
        "welcome": lambda: forms.WelcomeForm(data),
        "emergency": lambda: forms.EmergencyForm(data),
    }[thing]()


def _do(thing: str, actor, account, data: dict[str, Any]) -> str:
    """Run the action behind a form; returns the confirmation text."""
    if thing == "equipment":
        actions.declare_equipment(actor, account, **data)
        return _("Voice equipment declared.")
    if thing == "plan":
        actions.update_plan(actor, account, **data)
        return _("Numbering plan saved.")
    if thing == "range":
        actions.create_range(actor, account, **data)
        return _("Extension range added.")
    if thing == "extension":
        ext: dict[str, Any] = {k: (v or None) if k.endswith("_id") else v for k, v in data.items()}
        actions.create_extension(actor, account, **ext)
        return _("Extension added.")
    if thing == "device":
        dev: dict[str, Any] = {k: (v if k == "model" else v or None) for k, v in data.items()}
        actions.create_device(actor, account, **dev)
        return _("Device added.")
    if thing == "attendant":
        actions.create_attendant(actor, account, **data)
        return _("Attendant added.")
    if thing == "welcome":
        existing = queries.welcome(actor, account).first()
        if existing is None:
            actions.create_welcome(actor, account, **data)
        else:
            actions.update_welcome(actor, existing, **data)
        return _("Welcome service saved.")
    actions.create_emergency(actor, account, **data)
    return _("Emergency number added.")


SAVE_THINGS = ("plan", "range", "extension", "device", "attendant", "welcome", "emergency")


def _save(request, account_id: str, thing: str):
    actor = request.actor
    account = queries.get_account(actor, account_id)
    permissions.require(actor, actions.DECLARE if thing == "equipment" else actions.MANAGE, account)
    form = _form_for(thing, request, account)
    error = ""
    if form.is_valid():
        try:
            notice = _do(thing, actor, account, form.data_for_action())
        except DomainError as exc:
            form_errors(form, exc)
            if thing != "equipment" and queries.plan_of(account) is None:
                error = exc.detail  # the section's form is not shown without a cloud PBX
        else:
            if not is_htmx(request):
                messages.success(request, notice)
                return redirect("telephony:page", account_id=account.id)
            return _render(request, account, notice=notice)
    return _render(request, account, bound={thing: form}, error=error)


@require_POST
@actor_required
def equipment_add(request, account_id: str):
    return _save(request, account_id, "equipment")


@require_POST
@actor_required
def save(request, account_id: str, thing: str):
    if thing not in SAVE_THINGS:
        raise Http404
    return _save(request, account_id, thing)


def _remove(request, account, thing: str, item_id: str) -> str:
    actor = request.actor
    if thing == "equipment":
        actions.remove_equipment(
            actor, queries.item(queries.equipment(actor, account), item_id, "Voice equipment")
        )
        return _("Voice equipment removed.")
    lookups: dict[str, tuple[Any, Any, Any]] = {
        "range": (queries.ranges, actions.delete_range, _("Extension range removed.")),
        "extension": (queries.extensions, actions.delete_extension, _("Extension removed.")),
        "device": (queries.devices, actions.delete_device, _("Device removed.")),
        "attendant": (queries.attendants, actions.delete_attendant, _("Attendant removed.")),
        "welcome": (queries.welcome, actions.delete_welcome, _("Welcome service removed.")),
        "emergency": (queries.emergency, actions.delete_emergency, _("Emergency number removed.")),
    }
    if thing not in lookups:
        raise Http404
    qs_fn, delete, notice = lookups[thing]
    delete(actor, queries.item(qs_fn(actor, account), item_id, thing))
    return str(notice)


def _delete(request, account_id: str, thing: str, item_id: str):
    account = queries.get_account(request.actor, account_id)
    try:
        notice = _remove(request, account, thing, item_id)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        if not is_htmx(request):
            messages.error(request, exc.detail)
            return redirect("telephony:page", account_id=account.id)
        ctx = _context(request, account)
        ctx["error"] = exc.detail
        return render_page(request, "telephony/page.html", ctx, partial="sections")
    if not is_htmx(request):
        messages.success(request, notice)
        return redirect("telephony:page", account_id=account.id)
    return _render(request, account, notice=notice)


@require_POST
@actor_required
def equipment_delete(request, account_id: str, item_id: str):
    return _delete(request, account_id, "equipment", item_id)


@require_POST
@actor_required
def delete(request, account_id: str, thing: str, item_id: str):
    if thing not in SAVE_THINGS or thing == "plan":
        raise Http404
    return _delete(request, account_id, thing, item_id)


EDITABLE = {
    "range": (queries.ranges, forms.RangeForm),
    "extension": (queries.extensions, forms.ExtensionForm),
    "device": (queries.devices, forms.DeviceForm),
    "attendant": (queries.attendants, forms.AttendantForm),
    "emergency": (queries.emergency, forms.EmergencyForm),
}


def _initial(thing: str, obj) -> dict[str, Any]:
    if thing == "range":
        return {"first": obj.first, "last": obj.last, "label": obj.label}
    if thing == "extension":
        return {
            "number": obj.number,
            "kind": obj.kind,
            "name": obj.name,
            "user_id": obj.user_id or "",
            "attendant_id": obj.attendant_id or "",
            "phone_number": obj.phone_number,
        }
    if thing == "device":
        return {
            "model": obj.model,
            "mac": obj.mac,
            "user_id": obj.user_id or "",
            "extension": obj.extension.number if obj.extension else "",
        }
    if thing == "attendant":
        out = queries.attendant_out(obj)
        initial: dict[str, Any] = {
            "name": obj.name,
            "greeting": obj.greeting,
            "timeout_seconds": obj.timeout_seconds,
            "timeout_destination": out["timeout_destination"] or "",
        }
        for day, hours in out["business_hours"].items():
            if hours:
                initial[f"{day}_open"], initial[f"{day}_close"] = hours["open"], hours["close"]
        for digit, number in out["menu"].items():
            initial[f"digit_{digit}"] = number
        return initial
    return {"site": obj.site, "number": obj.number, "caller_location": obj.caller_location}


def _update(thing: str, actor, obj, data: dict[str, Any]) -> None:
    if thing == "range":
        actions.update_range(actor, obj, **data)
    elif thing == "extension":
        data.pop("kind", None)  # fixed once created
        for key in ("user_id", "attendant_id"):
            data[key] = data.get(key) or None
        actions.update_extension(actor, obj, **data)
    elif thing == "device":
        data["user_id"] = data.get("user_id") or None
        data["extension"] = data.get("extension") or None
        actions.update_device(actor, obj, **data)
    elif thing == "attendant":
        actions.update_attendant(actor, obj, **data)
    else:
        actions.update_emergency(actor, obj, **data)


EDIT_TITLES = {
    "range": gettext_lazy("Edit extension range"),
    "extension": gettext_lazy("Edit extension"),
    "device": gettext_lazy("Edit phone device"),
    "attendant": gettext_lazy("Edit automated attendant"),
    "emergency": gettext_lazy("Edit emergency number"),
}


@require_http_methods(["GET", "POST"])
@actor_required
def edit(request, account_id: str, thing: str, item_id: str):
    if thing not in EDITABLE:
        raise Http404
    actor = request.actor
    account = queries.get_account(actor, account_id)
    qs_fn, form_class = EDITABLE[thing]
    obj = queries.item(qs_fn(actor, account), item_id, thing)
    permissions.require(actor, actions.MANAGE, account)
    users, ext_choices, att_choices = _users_and_choices(request, account)
    extra: dict[str, Any] = {
        "range": {},
        "extension": {"users": users, "attendants": att_choices},
        "device": {"users": users, "extensions": ext_choices},
        "attendant": {"extensions": ext_choices},
        "emergency": {},
    }[thing]
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial=_initial(thing, obj), **extra)
    if thing == "extension":
        form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            _update(thing, actor, obj, form.data_for_action())
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("telephony:page", account_id=account.id)
    return render(
        request,
        "telephony/edit.html",
        {"account": account, "form": form, "thing": thing, "title": EDIT_TITLES[thing]},
    )


def panel_context(request, account) -> dict | None:
    """The small Telephony panel on the account page (summary and link)."""
    actor = getattr(request, "actor", None)
    if actor is None or not permissions.can(actor, "telephony.view", account):
        return None
    kinds = list(queries.equipment(actor, account).values_list("kind", flat=True))
    plan = queries.plan_of(account) if any(actions.is_cloud(k) for k in kinds) else None
    return {
        "account": account,
        "equipment": [current().name("voice_equipment", k) for k in kinds],
        "plan": plan,
        "extension_count": queries.extensions(actor, account).count() if plan else 0,
        "device_count": queries.devices(actor, account).count() if plan else 0,
    }
