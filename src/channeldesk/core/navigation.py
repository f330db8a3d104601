"""The layout's context: who is acting, the navigation their role gets, unread count."""

from __future__ import annotations

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from channeldesk.tenancy import permissions

# (url name, label, permission needed, kinds that see it)
NAV = [
    ("dashboard", _("Dashboard"), "org.view", None),
    ("accounts:list", _("Customer accounts"), "org.view", ("operator", "distributor", "reseller")),
    ("partners:list", _("Partners"), "org.view", ("operator", "distributor")),
    ("users", _("Users"), "org.view", None),
    ("audit:list", _("Audit log"), "audit.view", None),
    ("tokens", _("API tokens"), "token.manage", None),
    ("audit:webhooks", _("Webhooks"), "webhook.manage", ("operator", "distributor", "reseller")),
    ("notifications:outbox", _("E-mail outbox"), "outbox.view", ("operator",)),
]

EXTRA_NAV: list[tuple[str, object, str, tuple[str, ...] | None]] = []


def register(
    url_name: str,
    label,
    action: str,
    kinds: tuple[str, ...] | None = None,
    *,
    after: str | None = None,
) -> None:
    """Apps add their own entries at import time (AppConfig.ready)."""
    entry = (url_name, label, action, kinds)
    if entry in EXTRA_NAV:
        return
    EXTRA_NAV.append(entry)


def url(name: str) -> str:
    """reverse(name) for the layout's argument-free links, reversed once per script prefix
    (a reverse per link and page was measured in bench/)."""
    key = (name, get_script_prefix())
    found = _urls.get(key)
    if found is None:
        found = _urls[key] = reverse(name)
    return found


_urls: dict[tuple[str, str], str] = {}


def shell_context(request) -> dict:
    actor = getattr(request, "actor", None)
    ctx: dict = {
        "languages": settings.LANGUAGES,
        "actor": actor,
        # The layout's own links (template variables: no "-" or ":" in their names).
        "shell_urls": {
            "notifications": url("notifications:list"),
            "switch_membership": url("switch-membership"),
            "profile": url("profile"),
            "logout": url("logout"),
            "set_language": url("set-language"),
        },
    }
    if actor is None:
        return ctx
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else None
    items = []
    for url_name, label, action, kinds in [*NAV[:3], *EXTRA_NAV, *NAV[3:]]:
        if kinds and actor.kind not in kinds:
            continue
        if url_name == "users":  # the same check the users page makes (members get no list)
            from channeldesk.identity.actions import user_admin_action

            action = user_admin_action(actor.organization).replace(".manage", ".view")
        if permissions.can(actor, action):
            items.append(
                {
                    "url_name": url_name,
                    "label": label,
                    "href": url(url_name),
                    "current": current == url_name,
                }
            )
    ctx["nav"] = items
    ctx["memberships"] = getattr(request, "memberships", [])
    from channeldesk.notifications.queries import unread_count

    ctx["unread_count"] = unread_count(actor)
    return ctx
