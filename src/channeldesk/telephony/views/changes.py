"""Changes from the Telephony page: add (in place with HTMX), remove, edit on its own page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from channeldesk.core.errors import DomainError
from channeldesk.core.htmx import is_htmx
from channeldesk.core.web import actor_required, form_errors
from channeldesk.identity.models import User
from channeldesk.telephony import actions, forms, queries
from channeldesk.telephony.views.page import attendant_choices, render_sections
from channeldesk.tenancy import permissions

SAVE_THINGS = ("plan", "range", "extension", "device", "attendant", "welcome", "emergency")


def _user_id(account, email: str | None) -> str | None:
    """The user of the account with this e-mail address; an unknown address gives an id the
    action refuses with its own field error ("Choose a user of this account.")."""
    email = (email or "").strip()
    if not email:
        return None
    user = (
        User.objects.filter(email__iexact=email, memberships__organization=account)
        .only("id")
        .first()
    )
    return user.id if user is not None else "unknown"


def _email(user) -> str:
    return user.email if user is not None else ""


def _form_for(thing: str, request, account, *, initial=None):
    actor = request.actor
    data = request.POST if request.method == "POST" else None
    kw: dict[str, Any] = {"initial": initial} if initial is not None else {}
    return {
        "equipment": lambda: forms.EquipmentForm(data, **kw),
        "equipment_name": lambda: forms.EquipmentNameForm(data, **kw),
        "plan": lambda: forms.PlanForm(data, **kw),
        "range": lambda: forms.RangeForm(data, **kw),
        "extension": lambda: forms.ExtensionForm(
            data, attendants=attendant_choices(actor, account), **kw
        ),
        "device": lambda: forms.DeviceForm(data, **kw),
        "attendant": lambda: forms.AttendantForm(data, **kw),
        "welcome": lambda: forms.WelcomeForm(data, **kw),
        "emergency": lambda: forms.EmergencyForm(data, sites=queries.sites(actor, account), **kw),
    }[thing]()


def _for_action(thing: str, account, data: dict[str, Any]) -> dict[str, Any]:
    """Form values as the actions take them: ids and numbers, None for empty."""
    out = dict(data)
    if "user_id" in out:
        out["user_id"] = _user_id(account, out["user_id"])
    for key in ("attendant_id", "extension", "timeout_destination"):
        if key in out:
            out[key] = out[key] or None
    if thing == "emergency" and not out.get("caller_location"):
        out["caller_location"] = None
    return out


def _do(thing: str, actor, account, data: dict[str, Any]) -> str:
    """Run the action behind a form; returns the confirmation text."""
    data = _for_action(thing, account, data)
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
        actions.create_extension(actor, account, **data)
        return _("Extension added.")
    if thing == "device":
        actions.create_device(actor, account, **data)
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
            return render_sections(request, account, notice=notice)
    return render_sections(request, account, bound={thing: form}, error=error)


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
    qs_fn, delete_fn, notice = lookups[thing]
    delete_fn(actor, queries.item(qs_fn(actor, account), item_id, thing))
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
        return render_sections(request, account, error=exc.detail)
    if not is_htmx(request):
        messages.success(request, notice)
        return redirect("telephony:page", account_id=account.id)
    return render_sections(request, account, notice=notice)


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


# thing -> (rows, form key, permission)
EDITABLE = {
    "equipment": (queries.equipment, "equipment_name", actions.DECLARE),
    "range": (queries.ranges, "range", actions.MANAGE),
    "extension": (queries.extensions, "extension", actions.MANAGE),
    "device": (queries.devices, "device", actions.MANAGE),
    "attendant": (queries.attendants, "attendant", actions.MANAGE),
    "emergency": (queries.emergency, "emergency", actions.MANAGE),
}


def _initial(thing: str, obj) -> dict[str, Any]:
    if thing == "equipment":
        return {"name": obj.name}
    if thing == "range":
        return {"first": obj.first, "last": obj.last, "label": obj.label}
    if thing == "extension":
        return {
            "number": obj.number,
            "kind": obj.kind,
            "name": obj.name,
            "user_id": _email(obj.user),
            "attendant_id": obj.attendant_id or "",
            "phone_number": obj.phone_number.e164 if obj.phone_number else "",
        }
    if thing == "device":
        return {
            "model": obj.model,
            "mac": obj.mac,
            "user_id": _email(obj.user),
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
    return {
        "site_product_id": obj.site_product_id or "",
        "number": obj.number,
        "caller_location": obj.caller_location if obj.location_overridden else "",
    }


def _update(thing: str, actor, account, obj, data: dict[str, Any]) -> None:
    data = _for_action(thing, account, data)
    if thing == "equipment":
        actions.update_equipment(actor, obj, **data)
    elif thing == "range":
        actions.update_range(actor, obj, **data)
    elif thing == "extension":
        data.pop("kind", None)  # fixed once created
        actions.update_extension(actor, obj, **data)
    elif thing == "device":
        actions.update_device(actor, obj, **data)
    elif thing == "attendant":
        actions.update_attendant(actor, obj, **data)
    else:
        if data.get("caller_location") is None:
            data["caller_location"] = ""  # back to the site's address
        actions.update_emergency(actor, obj, **data)


EDIT_TITLES = {
    "equipment": gettext_lazy("Edit voice equipment"),
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
    qs_fn, form_key, permission = EDITABLE[thing]
    obj = queries.item(qs_fn(actor, account), item_id, thing)
    permissions.require(actor, permission, account)
    form = _form_for(form_key, request, account, initial=_initial(thing, obj))
    if thing == "extension":
        form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            _update(thing, actor, account, obj, form.data_for_action())
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
