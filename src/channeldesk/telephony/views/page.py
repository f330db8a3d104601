"""The account's Telephony page: one page, one HTMX partial with every section. Each list is
paged by keyset (SECTION_LIMIT rows) and searchable, with `<section>_q` and `<section>_cursor`
in the query string, so the page stays light for an account with thousands of extensions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.views.decorators.http import require_GET

from channeldesk.catalog.catalog import current
from channeldesk.core.errors import DomainError
from channeldesk.core.htmx import render_page
from channeldesk.core.pagination import Page, keyset
from channeldesk.core.web import actor_required
from channeldesk.telephony import actions, forms, queries
from channeldesk.tenancy import permissions

SECTION_LIMIT = 50


def _search_ranges(q: str) -> Q:
    return Q(first__startswith=q) | Q(last__startswith=q) | Q(label__icontains=q)


def _search_extensions(q: str) -> Q:
    return (
        Q(number__startswith=q)
        | Q(name__icontains=q)
        | Q(user__name__icontains=q)
        | Q(user__email__icontains=q)
        | Q(phone_number__e164__contains=q.lstrip("+"))
    )


def _search_devices(q: str) -> Q:
    mac = q.upper().replace("-", ":")
    return (
        Q(model__icontains=q)
        | Q(mac__contains=mac)
        | Q(user__name__icontains=q)
        | Q(user__email__icontains=q)
        | Q(extension__number__startswith=q)
    )


def _search_attendants(q: str) -> Q:
    return Q(name__icontains=q) | Q(greeting__icontains=q)


def _search_emergency(q: str) -> Q:
    return (
        Q(number__startswith=q)
        | Q(site_product__name__icontains=q)
        | Q(caller_location__icontains=q)
    )


@dataclass(frozen=True)
class Section:
    rows: Callable[..., QuerySet]
    order: tuple[str, ...]
    search: Callable[[str], Q]


SECTIONS: dict[str, Section] = {
    "ranges": Section(queries.ranges, ("first", "id"), _search_ranges),
    "extensions": Section(queries.extensions, ("number", "id"), _search_extensions),
    "devices": Section(queries.devices, ("mac", "id"), _search_devices),
    "attendants": Section(queries.attendants, ("name", "id"), _search_attendants),
    "emergency": Section(queries.emergency, ("number", "id"), _search_emergency),
}


@dataclass
class Listing:
    """One section's page of rows, its search and the links to page on."""

    name: str
    page: Page
    q: str
    first_url: str
    next_url: str

    @property
    def items(self) -> list[Any]:
        return self.page.items


def _url(params: QueryDict, **changes: str | None) -> str:
    q = params.copy()
    for key, value in changes.items():
        q.pop(key, None)
        if value:
            q[key] = value
    return f"?{q.urlencode()}" if q else "?"


def _listing(request, actor, account, name: str) -> Listing:
    section = SECTIONS[name]
    params = request.GET
    q = (params.get(f"{name}_q") or "").strip()[:100]
    qs = section.rows(actor, account)
    if q:
        qs = qs.filter(section.search(q))
    cursor = params.get(f"{name}_cursor")
    try:
        page = keyset(qs, order=list(section.order), limit=SECTION_LIMIT, cursor=cursor)
    except DomainError:  # a stale or tampered cursor: the first page
        page = keyset(qs, order=list(section.order), limit=SECTION_LIMIT)
    return Listing(
        name=name,
        page=page,
        q=q,
        first_url=_url(params, **{f"{name}_cursor": None}) if cursor else "",
        next_url=_url(params, **{f"{name}_cursor": page.next_cursor}) if page.next_cursor else "",
    )


def _attendant_row(a) -> dict[str, Any]:
    row = queries.attendant_out(a)
    row["hours_lines"] = [
        f"{forms.WEEKDAY_LABELS[day]} {h['open']}–{h['close']}"
        for day, h in row["business_hours"].items()
        if h
    ]
    return row


def attendant_choices(actor, account) -> list[tuple[str, str]]:
    return [(a.id, a.name) for a in queries.attendants(actor, account).order_by("name")[:200]]


def empty_forms(actor, account, plan) -> dict[str, Any]:
    welcome = queries.welcome(actor, account).first() if plan else None
    return {
        "equipment": forms.EquipmentForm(),
        "plan": forms.PlanForm(initial={"extension_length": plan.extension_length if plan else 3}),
        "range": forms.RangeForm(),
        "extension": forms.ExtensionForm(
            attendants=attendant_choices(actor, account) if plan else []
        ),
        "device": forms.DeviceForm(),
        "attendant": forms.AttendantForm(),
        "welcome": forms.WelcomeForm(
            initial={"greeting": welcome.greeting, "enabled": welcome.enabled} if welcome else None
        ),
        "emergency": forms.EmergencyForm(sites=queries.sites(actor, account) if plan else []),
    }


def context(request, account, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    actor = request.actor
    plan = queries.plan_of(account)
    made = empty_forms(actor, account, plan)
    made.update(bound or {})
    lists = {name: _listing(request, actor, account, name) for name in SECTIONS} if plan else {}
    if plan:
        lists["attendants"].page.items = [_attendant_row(a) for a in lists["attendants"].items]
    return {
        "account": account,
        "plan": plan,
        "can_manage": permissions.can(actor, actions.MANAGE, account),
        "can_declare": permissions.can(actor, actions.DECLARE, account),
        "equipment": [
            queries.equipment_out(e) for e in queries.equipment(actor, account).order_by("id")
        ],
        "lists": lists,
        "welcome": queries.welcome(actor, account).first() if plan else None,
        "forms": made,
    }


def render_sections(request, account, *, bound=None, notice: str = "", error: str = ""):
    ctx = context(request, account, bound)
    ctx["notice"] = notice
    ctx["error"] = error
    return render_page(request, "telephony/page.html", ctx, partial="sections")


@require_GET
@actor_required
def page(request, account_id: str):
    account = queries.get_account(request.actor, account_id)
    return render_sections(request, account)


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
