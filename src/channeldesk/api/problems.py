"""RFC 9457 problem+json answers for every error the API can give."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from django.http import HttpResponse

log = logging.getLogger("channeldesk.api")

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Validation failed",
    429: "Too many requests",
    500: "Internal server error",
}


def problem(
    status: int,
    detail: str = "",
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    title: str | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail or title or TITLES.get(status, "Error"),
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        orjson.dumps(body), status=status, content_type="application/problem+json"
    )
    for k, v in (headers or {}).items():
        response[k] = v
    return response
