from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channeldesk.audit import actions, queries
from channeldesk.audit.events import WEBHOOK_EVENT_GROUPS
from channeldesk.audit.models import Webhook, WebhookDelivery
from channeldesk.core import throttle
from channeldesk.core.csvsafe import safe_row
from channeldesk.core.errors import DomainError
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required, form_errors
from channeldesk.tenancy import permissions, reach


class WebhookForm(forms.Form):
    url = forms.URLField(label=gettext_lazy("Endpoint URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=[(g, g) for g in WEBHOOK_EVENT_GROUPS],
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Deliveries are signed with HMAC-SHA256 using the secret."),
    )


@require_GET
@actor_required
def audit_list(request):
    actor = request.actor
    permissions.require(actor, "audit.view")
    account_id = request.GET.get("account_id") or None
    action = (request.GET.get("action") or "")[:80] or None
    qs = queries.audit_events(actor, account_id=account_id, action=action)
    if request.GET.get("format") == "csv":
        # An export reads up to 10,000 events: rate limited per user and per organization
        # (quality.md 16), like the other exports.
        throttle.hit(f"export:audit:{actor.user_id}", limit=30, window=60)
        throttle.hit(f"export:audit:org:{actor.organization.id}", limit=120, window=60)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit.csv"'
        w = csv.writer(response)
        w.writerow(
            [
                "id",
                "at",
                "action",
                "actor",
                "organization_id",
                "target_type",
                "target_id",
                "changes",
                "ip",
                "request_id",
            ]
        )
        for e in qs.order_by("-id")[:10000].iterator():
            w.writerow(
                safe_row(
                    [
                        e.id,
                        e.at.isoformat(),
                        e.action,
                        e.actor_label,
                        e.organization_id,
                        e.target_type,
                        e.target_id,
                        e.changes,
                        e.ip,
                        e.request_id,
                    ]
                )
            )
        return response
    try:
        page = keyset(qs, order=["-id"], limit=50, cursor=request.GET.get("cursor"))
    except DomainError:
        page = keyset(qs, order=["-id"], limit=50)
    q = request.GET.copy()
    q.pop("cursor", None)
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "action": action or "",
            "account_id": account_id or "",
            "query_without_cursor": q.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required
def webhooks_view(request):
    """The organization's webhooks: subscribe, see recent deliveries, delete."""
    actor = request.actor
    permissions.require(actor, "webhook.manage", actor.organization)
    form = WebhookForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.create_webhook(
                actor, url=form.cleaned_data["url"], events=form.cleaned_data["events"]
            )
            form = WebhookForm()
        except DomainError as exc:
            form_errors(form, exc)
    hooks = list(queries.webhooks(actor).order_by("id")[:50])
    recent = {
        h.id: list(WebhookDelivery.objects.filter(webhook=h).order_by("-id")[:5]) for h in hooks
    }
    rows = [{"hook": h, "deliveries": recent[h.id]} for h in hooks]
    return render(request, "audit/webhooks.html", {"form": form, "rows": rows, "created": created})


@require_POST
@actor_required
def webhook_delete_view(request, webhook_id: str):
    hook = reach.get_visible(request.actor, Webhook, webhook_id, qs=queries.webhooks(request.actor))
    actions.delete_webhook(request.actor, hook)
    messages.success(request, _("Webhook deleted."))
    return redirect("audit:webhooks")
