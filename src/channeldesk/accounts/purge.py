"""The scheduled purge of deleted accounts (quality.md 22): after the 30-day restore window
their personal data is erased and the audit trail keeps only pseudonyms."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from channeldesk.accounts.actions import RESTORE_WINDOW, _lock
from channeldesk.accounts.models import ProblemReport, SupportContact
from channeldesk.audit.erasure import pseudonym as pseudonym  # used by tests and callers
from channeldesk.audit.erasure import scrub
from channeldesk.audit.events import record
from channeldesk.identity.erasure import erase_user
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind, Status


@transaction.atomic
def purge_account(account: Organization) -> bool:
    """Erase the personal data of a deleted account whose restore window has passed: its
    users (those without another membership are erased, the others lose this membership),
    support contacts, problem reports, e-mails, the onboarding's entered data and connection
    secret, message texts; the audit trail stays with actors and personal values pseudonymised
    and without IP addresses. Returns False if there was nothing to do."""
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
    onboarding_ids = _erase_onboardings(account, replacements)
    _erase_conversations(account)
    SupportContact.objects.filter(account=account).delete()
    ProblemReport.objects.filter(account=account).delete()
    OutboxEmail.objects.filter(organization=account).exclude(
        status=OutboxEmail.Status.PENDING
    ).delete()
    OutboxEmail.objects.filter(organization=account).update(
        to="erased@erased.invalid", body_text="", body_html="", status=OutboxEmail.Status.FAILED
    )
    Notification.objects.filter(organization=account).delete()
    replacements = {k: v for k, v in replacements.items() if k and len(k) >= 3}
    # The trail of this account (and of the onboarding that created it, kept by the partner)
    # keeps what happened, not to whom, nor from where.
    trail = AuditEvent.objects.filter(
        Q(organization=account)
        | Q(target_type="onboarding.onboarding", target_id__in=onboarding_ids)
        | Q(actor_user_id__in=erased_ids)
    )
    trail.exclude(ip="").update(ip="")
    for event in trail.only("id", "target_type", "changes"):
        scrubbed = scrub(event.changes, replacements) if replacements else event.changes
        if event.target_type == "onboarding.onboarding" and "username" in scrubbed:
            scrubbed = {**scrubbed, "username": "erased"}  # the PBX login, matched by key
        if scrubbed != event.changes:
            AuditEvent.objects.filter(id=event.id).update(changes=scrubbed)
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


def _erase_onboardings(account: Organization, replacements: dict[str, str]) -> list[str]:
    """The completed onboarding of the account keeps its platform and dates; the entered
    people (admin and support contacts, imported users), the PBX user name, addresses and the
    encrypted connection secret go (the user name in the trail: see `purge_account`). The imported extensions go with the users they tie to."""
    from channeldesk.onboarding.models import Onboarding, SyncedExtension

    ids = []
    for draft in Onboarding.objects.select_for_update().filter(account=account):
        ids.append(draft.id)
        customer = draft.step("customer")
        for c in [*customer.get("admin_contacts", []), *customer.get("support_contacts", [])]:
            replacements.update({c.get("email", ""): "erased", c.get("name", ""): "erased"})
        for r in draft.step("sync").get("rows", []):
            replacements.update({r.get("email", ""): "erased", r.get("name", ""): "erased"})
        draft.data = {"customer": {"name": account.name, "country": account.country}}
        draft.connection_secret = ""
        draft.connection_detail = ""
        draft.save(update_fields=["data", "connection_secret", "connection_detail", "updated_at"])
    SyncedExtension.objects.filter(account=account).delete()
    return ids


def _erase_conversations(account: Organization) -> None:
    """Messages between the account and its partners: what was written goes, the thread's
    dates stay (the relationships app keeps conversations per account)."""
    from channeldesk.relationships.models import Message

    Message.objects.filter(conversation__account=account).exclude(text="").update(text="")


def purge_due(now: dt.datetime | None = None) -> int:
    """The periodic job: purge every account deleted more than 30 days ago."""
    cutoff = (now or timezone.now()) - RESTORE_WINDOW
    due = Organization.objects.filter(
        kind=Kind.CUSTOMER, status=Status.DELETED, purged_at__isnull=True, deleted_at__lte=cutoff
    ).values_list("id", flat=True)[:500]
    return sum(1 for pk in list(due) if purge_account(Organization.objects.get(pk=pk)))
