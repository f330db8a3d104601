from __future__ import annotations

import re

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from channeldesk.core.errors import DomainError
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required
from channeldesk.notifications import actions, queries
from channeldesk.notifications.models import OutboxEmail
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
        request, "notifications/list.html", {"page": page, "tab": request.GET.get("tab", "all")}
    )


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
