"""API authentication: bearer tokens, or the web session (with CSRF on unsafe methods).

The bearer lookup runs on every API request, so it is one prepared statement (token, membership,
user and organization joined) built once from the models' columns, instead of an ORM query
compiled per request (measured by the benchmark, bench/). The rules are those of
identity.actions.actor_for_token: unrevoked, unexpired, active user, active organization, and
last-used time written at most once a minute.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from channeldesk.core.statements import execute
from channeldesk.identity.models import ApiToken, User, hash_secret
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Status

_JOINED: list[tuple[type[Model], str]] = [
    (ApiToken, "t"),
    (Membership, "m"),
    (User, "u"),
    (Organization, "o"),
]


# The columns that decide a request's reach and permissions (api.fast): the actor's other
# fields stay deferred and are read from the database if anything touches them.
NARROW: dict[type[Model], tuple[str, ...]] = {
    ApiToken: ("id", "membership_id", "expires_at", "last_used_at", "revoked_at"),
    Membership: ("id", "role", "user_id", "organization_id"),
    User: ("id", "email", "is_active"),
    Organization: ("id", "kind", "path", "depth", "status"),
}


@cache
def _statement(vendor: str, narrow: bool = False) -> tuple[str, list[tuple[type[Model], list]]]:
    """SQL and, per model, its (attname, column, converters) in select order."""
    qn = connection.ops.quote_name
    columns: list[str] = []
    plan = []
    for model, alias in _JOINED:
        fields = []
        for f in model._meta.concrete_fields:
            if narrow and f.attname not in NARROW[model]:
                continue
            columns.append(f"{alias}.{qn(str(f.column))}")
            col = f.get_col(alias)
            converters = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
            fields.append((f.attname, col, converters))
        plan.append((model, fields))
    # Identifiers only, from the models; the token hash is a parameter.
    sql = (
        f"SELECT {', '.join(columns)} FROM {qn(ApiToken._meta.db_table)} t"  # noqa: S608  # nosec B608
        f" JOIN {qn(Membership._meta.db_table)} m ON t.{qn('membership_id')} = m.{qn('id')}"
        f" JOIN {qn(User._meta.db_table)} u ON m.{qn('user_id')} = u.{qn('id')}"
        f" JOIN {qn(Organization._meta.db_table)} o ON m.{qn('organization_id')} = o.{qn('id')}"
        f" WHERE t.{qn('token_hash')} = %s AND t.{qn('revoked_at')} IS NULL"
    )
    return sql, plan


def _load(row: tuple, narrow: bool) -> list[Any]:
    _, plan = _statement(connection.vendor, narrow)
    out, i = [], 0
    for model, fields in plan:
        names, values = [], []
        for (attname, col, converters), value in zip(fields, row[i : i + len(fields)], strict=True):
            for conv in converters:
                value = conv(value, col, connection)
            names.append(attname)
            values.append(value)
        out.append(model.from_db(connection.alias, names, values))
        i += len(fields)
    return out


# Actors built from recent rows, for `reuse` (api.fast): the row is still read on every
# request, so a revoked token, a deactivated user or organization and a changed role are seen
# at once; only the model instances of an unchanged row are not built again.
_recent: dict[str, tuple[tuple, ApiToken, Actor]] = {}
_RECENT_MAX = 2048


def actor_for_bearer(raw: str, *, reuse: bool = False) -> Actor | None:
    """The actor behind a bearer token, or None (same rules as actor_for_token).

    `reuse`: the caller only reads and never changes the actor's objects (api.fast): only the
    columns of NARROW are read (the rest is deferred), and an actor built from an identical
    row may be handed out again."""
    if not raw.startswith(ApiToken.PREFIX) or len(raw) > 100:
        return None
    digest = hash_secret(raw)
    sql, _ = _statement(connection.vendor, reuse)
    rows = execute(sql, [digest])
    if not rows:
        return None
    row = rows[0]
    cached = _recent.get(digest) if reuse else None
    if cached is not None and cached[0] == row:
        _, token, actor = cached
    else:
        token, membership, user, org = _load(row, reuse)
        membership.user = user
        membership.organization = org
        token.membership = membership
        if not user.is_active or org.status != Status.ACTIVE:
            return None
        actor = Actor.of(membership, via_token=token.id)
        if reuse:
            if len(_recent) >= _RECENT_MAX:
                _recent.clear()
            _recent[digest] = (row, token, actor)
    if not token.is_valid:  # expiry depends on the time, not only on the row
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        # At most one write a minute per token: last-used time without a write per request.
        ApiToken.objects.filter(id=token.id).update(last_used_at=now)
    return actor


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        actor = actor_for_bearer(token)
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
