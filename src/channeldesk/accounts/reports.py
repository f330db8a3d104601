"""Problem reports: filed by a customer's users, e-mailed to every support contact of the
account in the contact's language, resolved by operator support."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from channeldesk.accounts.models import ProblemReport, SupportContact
from channeldesk.audit.events import record
from channeldesk.catalog.catalog import current
from channeldesk.core.errors import Conflict, FieldError
from channeldesk.notifications.outbox import queue_email
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.validation import raise_if


@transaction.atomic
def file_problem_report(
    actor: Actor,
    account: Organization,
    *,
    subject: str,
    description: str,
    integration: str | None = None,
) -> ProblemReport:
    """Store a customer user's problem report and e-mail it to every support contact of the
    account, each in their language (the contact's own, else the account's default)."""
    permissions.require(actor, "problem_report.create", account)
    cat = current()
    errors: list[FieldError] = []
    subject = (subject or "").strip()
    description = (description or "").strip()
    integration = (integration or "").strip()
    if not subject:
        errors.append(FieldError("subject", _("Enter a subject.")))
    elif len(subject) > 200:
        errors.append(FieldError("subject", _("At most 200 characters.")))
    if not description:
        errors.append(FieldError("description", _("Describe the problem.")))
    elif len(description) > 5000:
        errors.append(FieldError("description", _("At most 5000 characters.")))
    if integration and integration not in cat.keys("integrations"):
        errors.append(FieldError("integration", _("Unknown integration.")))
    raise_if(errors)
    user = actor.user
    report = ProblemReport.objects.create(
        account=account,
        reporter=user,
        reporter_name=user.display_name if user else actor.label,
        reporter_email=user.email if user else "",
        subject=subject,
        description=description,
        integration=integration,
    )
    contacts = list(SupportContact.objects.filter(account=account).order_by("id"))
    for contact in contacts:
        language = contact.language or account.default_language
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        queue_email(
            to=contact.email,
            template="problem_report",
            context={
                "contact": contact,
                "account": account,
                "report": report,
                "integration_name": cat.name("integrations", integration, language)
                if integration
                else "",
                "link": f"{settings.BASE_URL}/accounts/{account.id}/problem-reports",
            },
            language=language,
            organization=account,
        )
    record(
        actor,
        "account.problem_reported",
        organization=account,
        target=report,
        changes={"subject": subject, "integration": integration, "recipients": len(contacts)},
    )
    return report


@transaction.atomic
def resolve_problem_report(actor: Actor, report: ProblemReport) -> ProblemReport:
    """Operator support marks a report as handled (once: a second time is a 409)."""
    permissions.require(actor, "problem_report.handle", report.account)
    now = timezone.now()
    done = ProblemReport.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=actor.label
    )
    if not done:
        raise Conflict(_("This problem report is already resolved."))
    report.refresh_from_db()
    record(
        actor,
        "account.problem_report_resolved",
        organization=report.account,
        target=report,
        changes={"status": {"before": "open", "after": "resolved"}},
    )
    return report
