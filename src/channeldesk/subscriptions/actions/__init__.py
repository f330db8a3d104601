"""Subscription and license actions (product.md §7, seed 004/003).

Every action is one transaction: permission check, rows, audit event, e-mails and in-app
notifications. The number of assigned licenses is changed only by conditional UPDATEs on the
locked subscription row, so it never exceeds the number of users, also under concurrency.
"""

from channeldesk.subscriptions.actions.changes import (
    cancel_subscription,
    reactivate_subscription,
    suspend_subscription,
    update_subscription,
)
from channeldesk.subscriptions.actions.common import MAX_QUANTITY, account_members
from channeldesk.subscriptions.actions.create import CONTACT_ROLE, create_subscription
from channeldesk.subscriptions.actions.licenses import assign_licenses, unassign_license
from channeldesk.subscriptions.actions.periods import roll_forward
from channeldesk.subscriptions.actions.transfer import follow_partner_change

__all__ = [
    "CONTACT_ROLE",
    "MAX_QUANTITY",
    "account_members",
    "assign_licenses",
    "cancel_subscription",
    "create_subscription",
    "follow_partner_change",
    "reactivate_subscription",
    "roll_forward",
    "suspend_subscription",
    "unassign_license",
    "update_subscription",
]
