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

    def _get_key(self, request):
        # The same CSRF check as the pages (token required; an opaque `Origin: null`, which
        # browsers send under Referrer-Policy: no-referrer, is judged by the token alone).
        from django.http import HttpResponseForbidden
        from ninja.errors import HttpError

        from channeldesk.core.middleware import CsrfMiddleware

        if not getattr(request, "_ninja_csrf_exempt", False):
            mware = CsrfMiddleware(lambda r: HttpResponseForbidden())
            request.csrf_processing_done = False
            mware.process_request(request)
            if mware.process_view(request, lambda r: None, (), {}) is not None:
                raise HttpError(403, "CSRF check failed")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        return getattr(request, "actor", None)
