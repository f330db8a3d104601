"""/onboardings: drafts, steps, the connection test and completion (api.md, Onboarding)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Body, Router
from pydantic import ValidationError

from channeldesk.accounts.queries import account_out
from channeldesk.core.errors import FieldError, ValidationFailed
from channeldesk.core.pagination import clamp_limit, keyset
from channeldesk.onboarding import actions, queries
from channeldesk.onboarding.connection import check_connection
from channeldesk.onboarding.models import Onboarding
from channeldesk.onboarding.schemas import (
    STEP_SCHEMAS,
    CompletedOut,
    ConnectionTestOut,
    OnboardingIn,
    OnboardingList,
    OnboardingOut,
)

router = Router(tags=["onboarding"])


@router.get("/onboardings", response=OnboardingList)
def onboarding_list(
    request,
    status: Onboarding.Status | None = None,
    limit: int = 50,
    cursor: str | None = None,
):
    qs = queries.onboardings(request.auth, status=status)
    page = keyset(qs, order=["id"], limit=clamp_limit(limit), cursor=cursor)
    return {
        "items": [queries.onboarding_out(d) for d in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/onboardings", response={201: OnboardingOut})
def onboarding_create(request, payload: OnboardingIn):
    draft = actions.start_onboarding(request.auth, platform=payload.platform)
    return 201, queries.onboarding_out(draft)


@router.get("/onboardings/{onboarding_id}", response=OnboardingOut)
def onboarding_get(request, onboarding_id: str):
    draft = queries.get_onboarding(request.auth, onboarding_id)
    return queries.onboarding_out(draft, warnings=queries.duplicate_warnings(request.auth, draft))


@router.delete("/onboardings/{onboarding_id}", response={204: None})
def onboarding_delete(request, onboarding_id: str):
    actions.delete_onboarding(request.auth, queries.get_onboarding(request.auth, onboarding_id))
    return 204, None


def _parse_step(step: str, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValidationFailed.field("body", _("Expected a JSON object."))
    try:
        parsed = STEP_SCHEMAS[step].model_validate(body)
    except ValidationError as exc:
        errors = [
            FieldError(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()
        ]
        raise ValidationFailed(_("The request is not valid."), errors=errors) from None
    return parsed.model_dump(exclude_unset=step == "gateway")


@router.put("/onboardings/{onboarding_id}/steps/{step}", response=OnboardingOut)
def onboarding_step(request, onboarding_id: str, step: str, payload: dict = Body(...)):  # noqa: B008
    """Save one step. Bodies: see api.md; 409 when the step is not on the draft's platform."""
    draft = queries.get_onboarding(request.auth, onboarding_id)
    actions.check_step(request.auth, draft, step)
    draft = actions.save_step(request.auth, draft, step, _parse_step(step, payload))
    return queries.onboarding_out(draft, warnings=queries.duplicate_warnings(request.auth, draft))


@router.post("/onboardings/{onboarding_id}/connection-test", response=ConnectionTestOut)
def onboarding_connection_test(request, onboarding_id: str):
    """Really opens a TCP connection to the entered host and port (3 s timeout)."""
    from channeldesk.core import throttle

    draft = queries.get_onboarding(request.auth, onboarding_id)
    host, port = actions.connection_target(request.auth, draft)
    throttle.hit(f"onboarding-test:{request.auth.user_id}", limit=30, window=60)
    result = check_connection(host, port, draft.connection_secret)
    draft = actions.record_connection_test(request.auth, draft, result)
    return {
        "ok": draft.connection_ok,
        "detail": draft.connection_detail,
        "tested_at": draft.connection_tested_at,
    }


@router.post("/onboardings/{onboarding_id}/complete", response=CompletedOut)
def onboarding_complete(request, onboarding_id: str):
    draft = queries.get_onboarding(request.auth, onboarding_id)
    account = actions.complete_onboarding(request.auth, draft)
    return {"account": account_out(account)}
