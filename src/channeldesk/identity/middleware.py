"""Resolve the acting membership of a signed-in web user on every request.

A session ends when idle too long, when the user's organization is no longer active, or when
the membership is gone: revocation takes effect on the next request (quality.md 6, 10).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils import translation

from channeldesk.identity.actions import usable_membership_list
from channeldesk.tenancy.actor import Actor

SESSION_MEMBERSHIP = "membership_id"
SESSION_SEEN = "seen"
SESSION_STARTED = "started"


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = None
        if request.path.startswith("/api/") and "Authorization" in request.headers:
            return self.get_response(request)  # bearer requests never touch the session
        user = request.user
        if user.is_authenticated:
            now = time.time()
            seen = request.session.get(SESSION_SEEN, now)
            started = request.session.get(SESSION_STARTED, now)
            # Idle and absolute limits: saving the session slides the cookie's expiry, so the
            # absolute lifetime is checked against the sign-in time kept in the session.
            if (
                now - seen > settings.SESSION_IDLE_SECONDS
                or now - started > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
            else:
                memberships = usable_membership_list(user)
                chosen = request.session.get(SESSION_MEMBERSHIP)
                membership = next((m for m in memberships if m.id == chosen), None) or (
                    memberships[0] if memberships else None
                )
                if membership is None:
                    logout(request)
                else:
                    request.actor = Actor.of(membership)
                    request.memberships = memberships
                    if now - seen > 60 or SESSION_SEEN not in request.session:
                        request.session[SESSION_SEEN] = now
                    lang = user.language or membership.organization.default_language
                    if lang in dict(settings.LANGUAGES):
                        translation.activate(lang)
                        request.LANGUAGE_CODE = lang
        return self.get_response(request)
