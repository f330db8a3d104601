"""The web session store: Django's database sessions, with the lookup every signed-in request
makes compiled once (core.statements) instead of built by the ORM each time."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from channeldesk.core.statements import prepared


class SessionStore(DbSessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        if not key:
            return None
        stmt = prepared(
            ("identity.session",),
            lambda m: Session.objects.filter(session_key=m.key).order_by()[:1],
        )
        found = stmt.instances((Session,), key=key)
        # An expired session is no session (as Django's `expire_date__gt=now`).
        if not found or found[0][0].expire_date <= timezone.now():
            self._session_key = None
            return None
        return found[0][0]
