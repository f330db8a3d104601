"""ETag / If-Match for updates (quality.md 18).

Checking the tag before the update's transaction is not enough: two PATCHes with the same tag
could both pass and the second would overwrite the first. Actions therefore lock the row
(`select_for_update`) and compare the tag again with `require_match` inside the transaction.
"""

from __future__ import annotations

from django.http import HttpRequest

from channeldesk.core.errors import PreconditionFailed


def require_match(if_match: str | None, current_etag: str) -> None:
    """Refuse the update if `if_match` (the header's value) names another version -> 412."""
    if not if_match or if_match.strip() == "*":
        return
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    if current_etag not in tags:
        raise PreconditionFailed("The object was changed by someone else; reload and try again.")


def check_if_match(request: HttpRequest, current_etag: str) -> None:
    """Early check against the request's If-Match header (the action re-checks under lock)."""
    require_match(request.headers.get("If-Match"), current_etag)
