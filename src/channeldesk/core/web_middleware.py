"""The session-bound middleware, skipped for bearer-token API requests (core.middleware.web_only).
Listed in settings.MIDDLEWARE in place of the originals."""

from __future__ import annotations

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware

from channeldesk.core.middleware import CsrfMiddleware, web_only

Session = web_only(SessionMiddleware)
Csrf = web_only(CsrfMiddleware)
Authentication = web_only(AuthenticationMiddleware)
Messages = web_only(MessageMiddleware)
