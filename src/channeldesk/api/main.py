"""The /api/v1 NinjaAPI: assembles each app's router, auth, error handlers and OpenAPI."""

from __future__ import annotations

import importlib
import logging

import orjson
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import BaseRenderer

from channeldesk.api.auth import BearerToken, SessionCookie
from channeldesk.api.problems import problem
from channeldesk.audit.events import record_denied
from channeldesk.core.errors import DomainError, RateLimited

log = logging.getLogger("channeldesk.api")


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)


PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


class ChanneldeskApi(NinjaAPI):
    """The NinjaAPI whose OpenAPI document also declares the errors every operation may
    answer: RFC 9457 problem+json for any 4xx (api.md Conventions), so clients and the
    schemathesis run (tests/security/test_schemathesis.py) can check error answers too."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        problem_response = {
            "description": "An RFC 9457 problem (validation errors list the fields).",
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation.setdefault("responses", {}).setdefault("4XX", problem_response)
        return schema


api = ChanneldeskApi(
    title="Channeldesk API",
    version="1",
    description="Channeldesk REST API v1. Errors are RFC 9457 problem+json.",
    urls_namespace="api",
    renderer=ORJSONRenderer(),
    auth=[BearerToken(), SessionCookie()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _loc(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data")]
    # Ninja nests the body under the parameter name; drop that wrapper when it is the first part.
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def _validation(request, exc: NinjaValidationError):
    errors = []
    for e in exc.errors:
        loc = list(e.get("loc", ()))
        if len(loc) >= 2 and loc[0] == "body":
            loc = loc[2:] if len(loc) > 2 else loc[1:]
        msg = e.get("msg", "invalid")
        errors.append({"field": _loc(loc), "message": str(msg)})
    return problem(422, "The request is not valid.", errors=errors)


@api.exception_handler(DomainError)
def _domain(request, exc: DomainError):
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    errors = (
        [{"field": e.field, "message": e.message} for e in exc.errors]
        if exc.status == 422
        else None
    )
    if exc.status == 422 and errors is None:
        errors = []
    if exc.status in (403, 404):
        record_denied(request, exc.status)
    return problem(exc.status, exc.detail, errors=errors, headers=headers, title=exc.title)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem(401, "Authentication required.", headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(AuthorizationError)
def _forbidden(request, exc):
    record_denied(request, 403)
    return problem(403, str(exc) or "Forbidden.")


@api.exception_handler(Http404)
def _not_found(request, exc):
    record_denied(request, 404)
    return problem(404, "Not found.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problem(exc.status_code, str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return problem(413, "The request body is too large.")


@api.exception_handler(Exception)
def _unexpected(request, exc):
    log.exception("unhandled API error (request %s)", getattr(request, "request_id", "-"))
    return problem(500, "Something went wrong on our side. The request id is in X-Request-Id.")


# Each domain app contributes `router` from its api.py (mounted at its own prefix).
ROUTERS = [
    ("channeldesk.identity.api", ""),
    ("channeldesk.tenancy.api", ""),
    ("channeldesk.accounts.api", ""),
    ("channeldesk.catalog.api", ""),
    ("channeldesk.onboarding.api", ""),
    ("channeldesk.relationships.api", ""),
    ("channeldesk.subscriptions.api", ""),
    ("channeldesk.contracts.api", ""),
    ("channeldesk.billing.api", ""),
    ("channeldesk.telephony.api", ""),
    ("channeldesk.notifications.api", ""),
    ("channeldesk.audit.api", ""),
]

FAST_ROUTES: list = []

for module_name, prefix in ROUTERS:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        continue
    api.add_router(prefix, module.router)
    # Hot reads an app also answers in front of Django for bearer tokens (api.fast).
    FAST_ROUTES.extend(getattr(module, "fast_routes", ()))
