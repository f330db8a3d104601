"""Background work: deliver the outbox (e-mails, webhooks)."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task


@task
def run_outbox() -> int:
    from channeldesk.audit.webhooks import deliver_due as deliver_webhooks
    from channeldesk.notifications.outbox import deliver_due as deliver_emails

    return deliver_emails() + deliver_webhooks()


def kick_worker() -> None:
    """Ask the worker to deliver soon after this transaction commits. The worker's periodic
    sweep delivers anyway; this only cuts the wait."""
    transaction.on_commit(_enqueue, robust=True)


def _enqueue() -> None:
    run_outbox.enqueue()
