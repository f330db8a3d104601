"""Onboarding drafts within reach, and their API / template representations."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from channeldesk.accounts.models import Account
from channeldesk.onboarding.models import Onboarding
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import search_key

LEGAL_SUFFIXES = re.compile(
    r"\b(gmbh|mbh|ag|kg|ug|bv|b\.v\.|nv|n\.v\.|vof|ltd|limited|inc|llc|plc|sa|sarl|co)\b\.?",
)


def onboardings(actor: Actor, *, status: str | None = None) -> QuerySet[Onboarding]:
    permissions.require(actor, "onboarding.view")
    qs = reach.visible(actor, Onboarding)
    if status:
        qs = qs.filter(status=status)
    return qs


def drafts(actor: Actor) -> QuerySet[Onboarding]:
    return onboardings(actor, status=Onboarding.Status.DRAFT)


def get_onboarding(actor: Actor, onboarding_id: str) -> Onboarding:
    draft = reach.get_visible(actor, Onboarding, onboarding_id)
    permissions.require(actor, "onboarding.view", draft.organization)
    return draft


def similar_accounts(actor: Actor, name: str, limit: int = 5) -> list[str]:
    """Names of customer accounts in reach whose name is like `name` (duplicate warning)."""
    key = LEGAL_SUFFIXES.sub("", search_key(name or "")).strip(" .,-")
    if len(key) < 3:
        return []
    qs = reach.visible(actor, Account).filter(name_key__startswith=key)
    return list(qs.order_by("name_key").values_list("name", flat=True)[:limit])


def onboarding_out(draft: Onboarding, *, warnings: list[dict] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for step in draft.steps:
        if step == "review":
            continue
        d = draft.step(step)
        if step == "connection":
            d = {k: d.get(k) for k in ("host", "port", "username") if k in d}
            d["password_set"] = bool(draft.connection_secret)
        elif step == "sync":
            rows = d.get("rows", [])
            d = {
                "pbx_type": d.get("pbx_type", ""),
                "system_id": d.get("system_id", ""),
                "rows": rows,
                "needs_attention": sync_attention(rows) if draft.status == "draft" else [],
                # An uploaded file kept by "Save and return" that was not accepted yet.
                "file_pending": bool(d.get("csv")) and not rows,
            }
        data[step] = d
    return {
        "id": draft.id,
        "platform": draft.platform,
        "steps": draft.steps,
        "current_step": draft.current_step,
        "completed_steps": list(draft.completed_steps),
        "status": draft.status,
        "data": data,
        "connection_test": {
            "ok": draft.connection_ok,
            "detail": draft.connection_detail,
            "tested_at": draft.connection_tested_at,
        }
        if draft.connection_tested_at
        else None,
        "account_id": draft.account_id,
        "warnings": warnings or [],
        "created_at": draft.created_at,
        "updated_at": draft.updated_at,
    }


def existing_logins(emails: list[str]) -> set[str]:
    """The addresses of an export file that already have a login here (any organization)."""
    from channeldesk.identity.models import User, normalize_email

    wanted = {normalize_email(e) for e in emails if e}
    return set(User.objects.filter(email__in=wanted).values_list("email", flat=True))


def sync_attention(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the export file that will not be imported: their address already has a login
    (of another organization). They are never attached silently (see actions)."""
    from django.utils.translation import gettext as _

    existing = existing_logins([str(r.get("email", "")) for r in rows])
    reason = _(
        "This address already has a login for another organization. The row is not imported; "
        "after completing, invite the person from the account's users page if they should join."
    )
    return [
        {**{k: r.get(k, "") for k in ("email", "name", "extension")}, "reason": reason}
        for r in rows
        if str(r.get("email", "")).lower() in existing
    ]


def duplicate_warnings(actor: Actor, draft: Onboarding) -> list[dict[str, Any]]:
    from django.utils.translation import gettext as _

    if draft.status != Onboarding.Status.DRAFT:
        return []
    names = similar_accounts(actor, draft.customer_name)
    if not names:
        return []
    return [
        {
            "field": "customer.name",
            "message": _("A customer with a similar name already exists: %(names)s")
            % {"names": ", ".join(names)},
            "matches": names,
        }
    ]
