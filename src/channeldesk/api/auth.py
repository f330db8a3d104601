"""API authentication: bearer tokens, or the web session (with CSRF on unsafe methods)."""

from __future__ import annotations

from ninja.security import APIKeyCookie, HttpBearer

from channeldesk.identity.actions import actor_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        actor = actor_for_token(token)
        if actor is not None:
            request.actor = actor
        return actor


class SessionCookie(APIKeyCookie):
    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        return getattr(request, "actor", None)
