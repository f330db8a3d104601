"""The partner dashboard's "onboarding in progress" panel."""

from __future__ import annotations

from channeldesk.catalog.catalog import current
from channeldesk.onboarding import queries
from channeldesk.onboarding.models import STEP_LABELS
from channeldesk.tenancy import permissions

PANEL_ROWS = 20


def drafts_panel(request, organization) -> dict | None:
    actor = getattr(request, "actor", None)
    if actor is None or actor.is_customer or not permissions.can(actor, "onboarding.view"):
        return None
    from django.urls import reverse

    cat = current()
    rows = list(
        queries.drafts(actor)
        .select_related("organization")
        .order_by("-updated_at", "-id")[: PANEL_ROWS + 1]
    )
    drafts = [
        {
            "name": d.customer_name,
            "platform_name": cat.name("platforms", d.platform),
            "step_label": STEP_LABELS[d.current_step],
            "updated_at": d.updated_at,
            "can_manage": permissions.can(actor, "onboarding.manage", d.organization),
            "resume_url": reverse("onboarding:resume", args=[d.id]),
            "delete_url": reverse("onboarding:delete", args=[d.id]),
        }
        for d in rows[:PANEL_ROWS]
    ]
    return {
        "drafts": drafts,
        "more": len(rows) > PANEL_ROWS,
        "shown": PANEL_ROWS,
        "can_start": permissions.can(actor, "onboarding.manage", actor.organization),
    }
