"""The scheduled purge of deleted accounts (quality.md 22): after the 30-day restore window
their personal data is erased and the audit trail keeps only pseudonyms."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from channeldesk.accounts.actions import RESTORE_WINDOW, _lock
from channeldesk.accounts.models import ProblemReport, SupportContact
from channeldesk.audit.erasure import pseudonym as pseudonym  # used by tests and callers
from channeldesk.audit.erasure import scrub_events
from channeldesk.audit.events import record
from channeldesk.identity.erasure import erase_user
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind, Status


@transaction.atomic
def purge_account(account: Organization) -> bool:
    """Erase the personal data of a deleted account whose restore window has passed: its
    users (those without another membership are erased, the others lose this membership),
    support contacts, problem reports, e-mails; the audit trail stays with actors and
    personal values pseudonymised. Returns False if there was nothing to do."""
    from channeldesk.audit.models import AuditEvent
    from channeldesk.notifications.models import Notification, OutboxEmail
    from channeldesk.tenancy.actor import Actor as _Actor
    from channeldesk.tenancy.models import Membership

    account = _lock(account)
    if account.status != Status.DELETED or account.purged_at is not None:
        return False
    now = timezone.now()
    replacements: dict[str, str] = {}
    erased_ids: list[str] = []
    for m in Membership.objects.filter(organization=account).select_related("user"):
        user = m.user
        only_here = not Membership.objects.filter(user=user).exclude(organization=account).exists()
        if only_here:
            replacements.update(erase_user(user, now))  # the audit actor is pseudonymised too
            erased_ids.append(user.id)
        m.delete()  # its API tokens go with it
    for c in SupportContact.objects.filter(account=account):
        replacements.update({c.email: "erased-contact", c.name: "erased-contact"})
    for r in ProblemReport.objects.filter(account=account):
        replacements.update({r.reporter_email: "erased", r.reporter_name: "erased"})
    SupportContact.objects.filter(account=account).delete()
    ProblemReport.objects.filter(account=account).delete()
    OutboxEmail.objects.filter(organization=account).exclude(
        status=OutboxEmail.Status.PENDING
    ).delete()
    OutboxEmail.objects.filter(organization=account).update(
        to="erased@erased.invalid", body_text="", body_html="", status=OutboxEmail.Status.FAILED
    )
    Notification.objects.filter(organization=account).delete()
    # The trail of this account keeps what happened, not to whom.
    scrub_events(AuditEvent.objects.filter(organization=account), replacements)
    account.street = ""
    account.phone = ""
    account.support_email = ""
    account.purged_at = now
    account.save()
    record(
        _Actor.system(),
        "account.purged",
        organization=account,
        target=account,
        changes={"erased_users": len(erased_ids)},
    )
    return True


def purge_due(now: dt.datetime | None = None) -> int:
    """The periodic job: purge every account deleted more than 30 days ago."""
    cutoff = (now or timezone.now()) - RESTORE_WINDOW
    due = Organization.objects.filter(
        kind=Kind.CUSTOMER, status=Status.DELETED, purged_at__isnull=True, deleted_at__lte=cutoff
    ).values_list("id", flat=True)[:500]
    return sum(1 for pk in list(due) if purge_account(Organization.objects.get(pk=pk)))
