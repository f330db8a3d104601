"""ETag / If-Match for updates (quality.md 18)."""

from __future__ import annotations

from django.http import HttpRequest

from channeldesk.core.errors import PreconditionFailed


def check_if_match(request: HttpRequest, current_etag: str) -> None:
    """Refuse the update if the client's If-Match names another version (stale tag -> 412)."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    if current_etag not in tags:
        raise PreconditionFailed("The object was changed by someone else; reload and try again.")
