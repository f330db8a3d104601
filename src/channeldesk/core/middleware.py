"""Request id + client address binding, and security headers (quality.md 11)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware

from channeldesk.core import context

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)
# The interactive API docs (Swagger UI from django-ninja's static files, started by a static
# script, no inline script) set style attributes at run time; they carry no personal data.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; object-src 'none'; "
    "frame-ancestors 'none'"
)


def _has_nul(request) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    ctype = request.META.get("CONTENT_TYPE", "")
    if request.method in ("POST", "PUT", "PATCH") and ctype.startswith("application/json"):
        try:
            body = request.body
        except Exception:  # too large: the API answers 413 later
            return False
        return b"\\u0000" in body or b"\x00" in body
    return False


def _bad_request(request, detail: str):
    from django.http import HttpResponse

    if request.path.startswith("/api/"):
        from channeldesk.api.problems import problem

        return problem(400, detail)
    return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")


def request_id(given: str) -> str:
    """The client's X-Request-Id when it is a short alphanumeric id, else a new one."""
    if not given or len(given) > 64 or not given.replace("-", "").isalnum():
        return secrets.token_hex(8)
    return given


def security_headers(path: str) -> list[tuple[str, str]]:
    """The headers every answer carries unless the view set them itself (quality.md 11)."""
    headers = [
        ("Content-Security-Policy", DOCS_CSP if path == "/api/v1/docs" else CSP),
        ("X-Content-Type-Options", "nosniff"),
        # No URL (set-password tokens included) ever leaves in a Referer; CsrfMiddleware
        # below copes with the "Origin: null" this makes browsers send on form posts.
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
    ]
    if settings.SECURE:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    if not path.startswith(settings.STATIC_URL):
        # Pages and API answers carry personal data: never stored by caches.
        headers.append(("Cache-Control", "no-store"))
    return headers


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request_id(request.headers.get("X-Request-Id", ""))
        request.request_id = rid
        if _has_nul(request):
            # NUL cannot be stored (PostgreSQL refuses it in text) and is never meaningful in
            # a path, a query or a JSON string: refuse it before any view sees it.
            response = _bad_request(request, "NUL characters are not allowed.")
            response["X-Request-Id"] = rid
            return response
        token = context.bind(
            context.RequestInfo(request_id=rid, ip=request.META.get("REMOTE_ADDR", ""))
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-Id"] = rid
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in security_headers(request.path):
            response.setdefault(name, value)
        return response


class CsrfMiddleware(CsrfViewMiddleware):
    """Django's CSRF protection, adapted to `Referrer-Policy: no-referrer`.

    Under that policy browsers send form posts with `Origin: null` and no Referer, which
    Django's origin/referer checks refuse — every sign-in form would fail. An opaque origin
    proves nothing either way, so for it the check rests on the CSRF token (a secret from a
    SameSite=Lax cookie that a foreign site cannot read or send), which is still required.
    A real foreign Origin is still refused."""

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if request.META.get("HTTP_ORIGIN") == "null" and not request.META.get("HTTP_REFERER"):
            del request.META["HTTP_ORIGIN"]
            request._csrf_opaque_origin = True
        return super().process_view(request, callback, callback_args, callback_kwargs)

    def _check_referer(self, request):
        if getattr(request, "_csrf_opaque_origin", False):
            return
        super()._check_referer(request)


def is_bearer_api(request) -> bool:
    """An API request that carries a bearer token. It is authenticated by the token alone
    (ActorMiddleware never reads the session for it, and a browser cannot send the header
    cross-site, so CSRF does not apply): the session, CSRF, authentication and messages
    middleware have nothing to do for it. Sign-in (/auth/) always takes the full path."""
    path = request.path
    return (
        path.startswith("/api/v1/")
        and not path.startswith("/api/v1/auth/")
        and request.META.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "
    )


def web_only(middleware: type) -> type:
    """`middleware`, skipped for bearer API requests (see is_bearer_api; measured ~10 % of an
    account read in bench/). Security headers, request id and ApiMiddleware stay on every
    request."""

    class WebOnly:
        def __init__(self, get_response):
            self.get_response = get_response
            self.inner = middleware(get_response)

        def __call__(self, request):
            if is_bearer_api(request):
                return self.get_response(request)
            return self.inner(request)

    # The handler calls view/exception/template hooks on the instances of MIDDLEWARE (CSRF
    # checks in process_view): the wrapper forwards them, skipped for the same requests.
    for hook in ("process_view", "process_exception", "process_template_response"):
        if hasattr(middleware, hook):
            setattr(WebOnly, hook, _forward(hook))
    WebOnly.__name__ = WebOnly.__qualname__ = f"WebOnly{middleware.__name__}"
    return WebOnly


def _forward(hook: str):
    def method(self, request, *args):
        if is_bearer_api(request):
            return args[-1] if hook == "process_template_response" else None
        return getattr(self.inner, hook)(request, *args)

    method.__name__ = hook
    return method
