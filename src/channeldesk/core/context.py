"""Per-request context (address, request id) available to actions, and the shell context
processor for templates."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass
class RequestInfo:
    request_id: str = ""
    ip: str = ""


_current: contextvars.ContextVar[RequestInfo] = contextvars.ContextVar(
    "channeldesk_request",
    default=RequestInfo(),  # noqa: B039 - immutable default use
)


def current() -> RequestInfo:
    return _current.get()


def bind(info: RequestInfo) -> contextvars.Token[RequestInfo]:
    return _current.set(info)


def reset(token: contextvars.Token[RequestInfo]) -> None:
    _current.reset(token)


def shell(request):
    """Template context for the layout: actor, navigation, unread count, languages."""
    from channeldesk.core.navigation import shell_context

    return shell_context(request)
