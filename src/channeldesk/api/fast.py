"""The hottest bearer-token reads, answered in front of Django's request cycle (issue 8).

Django's handler, its middleware chain and Ninja's operation cost more than the reads
themselves (measured in bench/: ~160 µs for an empty Django view with no middleware at all,
against ~120 µs for the raw baseline's whole account read). `FastReads` wraps the WSGI
application and answers a few GET routes itself, through the *same* query functions the Ninja
routes call (accounts.queries.account_page, ...), with the same authentication
(api.auth.actor_for_bearer) and the same headers.

It only ever answers the plain successful case. Everything else goes to Django unchanged:
another method or path, no bearer token, an unknown, repeated or unusual query parameter, a
cookie or header that could change the answer, a host Django would refuse, an invalid token,
and any domain error (a 404 for an id outside reach, a 422) — Django then answers it, audits
the denial and renders the problem document exactly as for any other route. The one error
answered here is a rate limit (429), because falling back would count the request twice.

tests/api/test_fast.py replays requests of every role against both paths and requires equal
status, headers and bodies.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.core import signals
from django.http.request import split_domain_port, validate_host
from django.utils import translation
from django.utils.translation import trans_real

from channeldesk.api.auth import actor_for_bearer
from channeldesk.api.problems import problem
from channeldesk.api.responses import dumps
from channeldesk.core import context
from channeldesk.core.errors import RateLimited
from channeldesk.core.middleware import request_id, security_headers
from channeldesk.tenancy.actor import Actor

log = logging.getLogger("channeldesk.api")

# Query values taken as they come; anything else is Django's to validate and refuse.
LIMIT = re.compile(r"[1-9][0-9]{0,2}")
PLAIN = re.compile(r"[^\x00-\x1f\x7f]{0,300}")


def limit(value: str) -> int | None:
    return int(value) if LIMIT.fullmatch(value) else None


def text(value: str) -> str | None:
    return value if PLAIN.fullmatch(value) else None


def choice(*allowed: str) -> Callable[[str], str | None]:
    return lambda value: value if value in allowed else None


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    # handler(actor, **path_and_query_values) -> the JSON document
    handler: Callable[..., dict[str, Any]]
    params: dict[str, Callable[[str], Any]] = field(default_factory=dict)
    etag: bool = False  # answer the document's etag as the ETag header


class _LanguageProbe:
    """What Django's LocaleMiddleware reads from a request (language cookie, Accept-Language)."""

    def __init__(self, environ: dict[str, Any], cookie: str | None) -> None:
        self.META = environ
        self.COOKIES = {settings.LANGUAGE_COOKIE_NAME: cookie} if cookie else {}
        self.path_info = environ.get("PATH_INFO", "")


class FastReads:
    def __init__(self, app: Callable, routes: Iterable[Route]) -> None:
        self.app = app
        self.routes = list(routes)
        self.cookie_name = settings.LANGUAGE_COOKIE_NAME

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        answer = None
        if environ.get("REQUEST_METHOD") == "GET":
            answer = self._answer(environ)
        if answer is None:
            return self.app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def _answer(self, environ: dict[str, Any]) -> tuple[str, list, bytes] | None:
        path = environ.get("PATH_INFO", "")
        # Split as Ninja's HttpBearer does, so both see the same token.
        scheme, *rest = environ.get("HTTP_AUTHORIZATION", "").split(" ")
        if scheme.lower() != "bearer" or not rest or not path.startswith("/api/v1/"):
            return None
        for route in self.routes:
            match = route.pattern.fullmatch(path)
            if match is not None:
                break
        else:
            return None
        values = self._values(route, match, environ)
        if values is None:
            return None
        language = self._language(environ)
        if language is None:
            return None
        # The request signals as Django's handler sends them: their receivers check the
        # database connections (close_old_connections: CONN_MAX_AGE, errors, health) and
        # reset the query log. A connection that broke before the request fails the read,
        # and Django then answers afresh.
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            return self._run(route, values, environ, " ".join(rest), language)
        except Exception:  # Django answers (and logs) whatever went wrong
            log.debug("fast read fell back to Django", exc_info=True)
            return None
        finally:
            signals.request_finished.send(sender=self.__class__)

    def _values(self, route: Route, match: re.Match, environ: dict) -> dict[str, Any] | None:
        query = environ.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in environ.get("PATH_INFO", ""):
            return None
        if "HTTP_COOKIE" in environ and self.cookie_name in environ["HTTP_COOKIE"]:
            return None  # a language cookie: Django reads it
        if settings.DEBUG or settings.USE_X_FORWARDED_HOST:
            return None
        domain, _port = split_domain_port(environ.get("HTTP_HOST", ""))
        if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
            return None  # Django answers 400
        values: dict[str, Any] = dict(match.groupdict())
        try:
            pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
        except ValueError:
            return None
        for name, raw in pairs:
            parse = route.params.get(name)
            if parse is None or name in values:
                return None  # unknown or repeated: Django decides
            value = parse(raw)
            if value is None:
                return None
            values[name] = value
        return values

    def _language(self, environ: dict[str, Any]) -> str | None:
        accept = environ.get("HTTP_ACCEPT_LANGUAGE", "")
        if len(accept) > 200:
            return None
        probe: Any = _LanguageProbe(environ, None)  # duck-types the request it reads
        return trans_real.get_language_from_request(probe)

    def _run(
        self, route: Route, values: dict, environ: dict, token: str, language: str
    ) -> tuple[str, list, bytes] | None:
        rid = request_id(environ.get("HTTP_X_REQUEST_ID", ""))
        ctx = context.bind(context.RequestInfo(request_id=rid, ip=environ.get("REMOTE_ADDR", "")))
        try:
            with translation.override(language):
                actor: Actor | None = actor_for_bearer(token, reuse=True)
                if actor is None:
                    return None
                try:
                    document = route.handler(actor, **values)
                except RateLimited as exc:
                    response = problem(
                        429,
                        exc.detail,
                        headers={"Retry-After": str(exc.retry_after)},
                        title=exc.title,
                    )
                    return self._respond(response, environ, rid, language)
        finally:
            context.reset(ctx)
        body = dumps(document)
        headers = [("Content-Type", "application/json")]
        if route.etag:
            headers.append(("ETag", document["etag"]))
        headers.append(("Content-Length", str(len(body))))
        return "200 OK", self._common(headers, environ, rid, language), body

    def _respond(self, response, environ: dict, rid: str, language: str):
        body = response.content
        headers = [*response.items(), ("Content-Length", str(len(body)))]
        status = f"{response.status_code} {response.reason_phrase}"
        return status, self._common(headers, environ, rid, language), body

    def _common(self, headers: list, environ: dict, rid: str, language: str) -> list:
        # The order Django's middleware adds them in: LocaleMiddleware, SecurityHeaders,
        # RequestContext.
        headers += [("Vary", "Accept-Language"), ("Content-Language", language)]
        headers += security_headers(environ.get("PATH_INFO", ""))
        headers.append(("X-Request-Id", rid))
        return headers
