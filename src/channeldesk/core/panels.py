"""Slots on shared pages that other apps fill with panels, so that no app edits another's
templates: the account page, the customer dashboard and the partner dashboard.

An app registers in its AppConfig.ready():

    panels.register("account_page", "subscriptions/panel_account.html", context_fn, order=40)

`context_fn(request, obj)` returns the panel's context dict, or None to leave the panel out
(e.g. the actor may not see it). It must start its queries from tenancy.reach.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SLOTS = ("account_page", "customer_dashboard", "partner_dashboard")


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int


_PANELS: dict[str, list[Panel]] = {s: [] for s in SLOTS}


def register(
    slot: str, template: str, context: Callable[[Any, Any], dict | None], *, order: int = 50
) -> None:
    if slot not in _PANELS:
        raise KeyError(slot)
    if any(p.template == template for p in _PANELS[slot]):
        return
    _PANELS[slot].append(Panel(slot, template, context, order))
    _PANELS[slot].sort(key=lambda p: p.order)


def render_slot(slot: str, request, obj) -> list[dict]:
    """[{"template": ..., "ctx": {...}}] for the panels that apply."""
    out = []
    for p in _PANELS[slot]:
        ctx = p.context(request, obj)
        if ctx is not None:
            out.append({"template": p.template, "ctx": ctx})
    return out
