"""Authorization matrix entries of the notifications page's own routes (beyond the
foundation's list and mark-all-read): everyone opens their own notifications only."""

from __future__ import annotations

from tests.security.matrix import EVERYONE, Entry, _notification, grant

ENTRIES = [
    Entry(
        "POST",
        "notifications:open",
        grant(EVERYONE),
        build=lambda w, t, p: (f"/notifications/{_notification(p).id}/open", {}),
        note="marks the notification read and follows its link",
    ),
]
