"""Tabs of the notifications page that other apps add (relationships: Received and Issued
requests, seed 003), so that the page shows them without knowing those apps.

An app registers in its AppConfig.ready():

    tabs.register("received", _("Received requests"), "relationships:requests",
                  query="tab=received", action="invitation.view", count=fn)

`count(actor)` returns the number shown as a badge on the tab (0: none).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from channeldesk.tenancy import permissions


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any
    url_name: str
    query: str
    action: str
    count: Callable[[Any], int] | None


_TABS: list[Tab] = []


def register(
    key: str,
    label: Any,
    url_name: str,
    *,
    action: str,
    query: str = "",
    count: Callable[[Any], int] | None = None,
) -> None:
    if any(t.key == key for t in _TABS):
        return
    _TABS.append(Tab(key, label, url_name, query, action, count))


def for_actor(actor, current: str) -> list[dict[str, Any]]:
    """The tab bar: "All notifications" first, then the registered tabs the actor may use."""
    from django.utils.translation import gettext as _

    out = [
        {
            "key": "all",
            "label": _("All notifications"),
            "url": reverse("notifications:list"),
            "count": 0,
            "current": current == "all",
        }
    ]
    for t in _TABS:
        if not permissions.can(actor, t.action):
            continue
        url = reverse(t.url_name) + (f"?{t.query}" if t.query else "")
        out.append(
            {
                "key": t.key,
                "label": t.label,
                "url": url,
                "count": t.count(actor) if t.count else 0,
                "current": current == t.key,
            }
        )
    return out
