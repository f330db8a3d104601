"""What every wizard step shares: the step indicator and context, binding the step rules'
errors to a form, and Next / Save and return (the first save of a new onboarding creates
its draft)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms.utils import ErrorDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from channeldesk.catalog.catalog import current
from channeldesk.core.errors import FieldError, ValidationFailed
from channeldesk.onboarding import actions, queries
from channeldesk.onboarding.models import STEP_LABELS, Onboarding

TEMPLATE = "onboarding/step.html"


def step_url(draft: Onboarding, step: str) -> str:
    return reverse("onboarding:step", args=[draft.id, step])


def step_context(request, draft: Onboarding, step: str, **extra: Any) -> dict[str, Any]:
    steps = draft.steps
    indicator = [
        {
            "key": s,
            "label": STEP_LABELS[s],
            "number": i + 1,
            "done": s in draft.completed_steps,
            "current": s == step,
            "url": "" if draft._state.adding else step_url(draft, s),
        }
        for i, s in enumerate(steps)
    ]
    idx = steps.index(step)
    return {
        "draft": draft,
        "step": step,
        "step_label": STEP_LABELS[step],
        "step_number": idx + 1,
        "step_count": len(steps),
        "indicator": indicator,
        "platform_name": current().name("platforms", draft.platform),
        "is_last": step == "review",
        **extra,
    }


def _next_step(draft: Onboarding, step: str) -> str:
    steps = draft.steps
    return steps[min(steps.index(step) + 1, len(steps) - 1)]


def bind_errors(form, errors: list[FieldError], mapping: dict[str, str] | None = None):
    """Put domain errors on a bound form without running Django's own validation (the rules
    live in steps.py); returns the errors that belong to no form field."""
    form.cleaned_data = {}
    form._errors = ErrorDict()
    rest = []
    for e in errors:
        name = (mapping or {}).get(e.field, e.field)
        if name in form.fields:
            form.add_error(name, e.message)
        else:
            rest.append(e)
    return rest


def save_or_next(request, draft: Onboarding, step: str, payload: dict[str, Any], op: str):
    """Save and return / Next. Returns a response, or the ValidationFailed to show."""
    actor = request.actor
    if draft._state.adding:  # the first save of a new onboarding creates the draft

        def store(partial: bool) -> Onboarding:
            return actions.start_onboarding(
                actor, platform=draft.platform, customer=payload, partial=partial
            )
    else:

        def store(partial: bool) -> Onboarding:
            return actions.save_step(actor, draft, step, payload, partial=partial)

    if op == "save":
        store(True)
        messages.success(
            request,
            _("The onboarding of %(name)s is saved. Resume it from the dashboard.")
            % {"name": draft.customer_name or payload.get("name") or _("a new customer")},
        )
        return redirect("dashboard"), None
    try:
        draft = store(False)
    except ValidationFailed as exc:
        return None, exc
    if step == "customer":
        for w in queries.duplicate_warnings(actor, draft):
            messages.warning(request, w["message"])
    if op == "stay":
        return None, None
    return redirect(step_url(draft, _next_step(draft, step))), None
