from __future__ import annotations

import re

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from channeldesk.core.errors import DomainError
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required
from channeldesk.notifications import actions, queries, tabs
from channeldesk.notifications.models import Notification, OutboxEmail
from channeldesk.tenancy import permissions, reach

SECRET_LINK = re.compile(r"([?&]token=)[A-Za-z0-9_\-]+")


@require_GET
@actor_required
def notification_list(request):
    qs = queries.notifications(request.actor)
    try:
        page = keyset(qs, order=["-id"], limit=50, cursor=request.GET.get("cursor"))
    except DomainError:
        page = keyset(qs, order=["-id"], limit=50)
    return render(
        request,
        "notifications/list.html",
        {"page": page, "tabs": tabs.for_actor(request.actor, "all")},
    )


@require_POST
@actor_required
def open_notification(request, notification_id: str):
    """Open a notification: it is read from now on, and the browser goes where it points
    (a POST, so no GET ever changes state). Links are the app's own paths; anything else
    leads back to the list."""
    actor = request.actor
    n = reach.get_visible(actor, Notification, notification_id, qs=queries.notifications(actor))
    actions.mark_read(Notification.objects.filter(id=n.id))
    link = n.link or ""
    if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notifications:list")


@require_POST
@actor_required
def mark_all_read(request):
    actions.mark_read(queries.notifications(request.actor))
    return redirect("notifications:list")


@require_GET
@actor_required
def outbox_list(request):
    permissions.require(request.actor, "outbox.view")
    status = request.GET.get("status") or None
    qs = queries.outbox(request.actor, status=status)
    try:
        page = keyset(qs, order=["-id"], limit=50, cursor=request.GET.get("cursor"))
    except DomainError:
        page = keyset(qs, order=["-id"], limit=50)
    return render(
        request,
        "notifications/outbox.html",
        {"page": page, "status": status or "", "statuses": OutboxEmail.Status.choices},
    )


@require_GET
@actor_required
def outbox_detail(request, email_id: str):
    permissions.require(request.actor, "outbox.view")
    email = reach.get_visible(
        request.actor, OutboxEmail, email_id, qs=queries.outbox(request.actor)
    )
    body = email.body_text
    if not permissions.can(request.actor, "outbox.secret_links.view"):
        # Read-only operators see that a link was sent, not the secret in it: a set-password
        # token would let them take over the account it was sent for.
        body = SECRET_LINK.sub(r"\1…", body)
    return render(request, "notifications/outbox_detail.html", {"email": email, "body": body})
