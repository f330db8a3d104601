from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from channeldesk.audit import queries
from channeldesk.core.csvsafe import safe_row
from channeldesk.core.errors import DomainError
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required
from channeldesk.tenancy import permissions


@require_GET
@actor_required
def audit_list(request):
    actor = request.actor
    permissions.require(actor, "audit.view")
    account_id = request.GET.get("account_id") or None
    action = (request.GET.get("action") or "")[:80] or None
    qs = queries.audit_events(actor, account_id=account_id, action=action)
    if request.GET.get("format") == "csv":
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
