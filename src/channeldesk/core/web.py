"""Helpers for HTML views: require a signed-in actor, map domain errors to pages."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from channeldesk.audit.events import record_denied
from channeldesk.core.errors import DomainError, Forbidden, NotFound, RateLimited


def actor_required(view):
    """The view needs a signed-in actor; NotFound -> 404 page, Forbidden -> 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "actor", None) is None:
            return redirect(
                "/auth/login?" + urlencode({"next": request.get_full_path()})
                if request.method == "GET"
                else "/auth/login"
            )
        try:
            return view(request, *args, **kwargs)
        except (NotFound, Http404):
            record_denied(request, 404)
            raise Http404 from None
        except Forbidden:
            record_denied(request, 403)
            return render(request, "errors/403.html", status=403)
        except RateLimited as exc:
            response = HttpResponse(exc.detail, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        except DomainError as exc:
            # A domain error the view did not turn into a form error (a bad cursor or filter
            # in the query string, a state conflict): a plain error page, never a 500.
            titles = {409: _("Conflict"), 412: _("Changed meanwhile"), 422: _("Invalid request")}
            return render(
                request,
                "errors/error.html",
                {"title": titles.get(exc.status, _("Invalid request")), "detail": exc.detail},
                status=exc.status if exc.status in titles else 400,
            )

    return wrapper


def flash_error(request, exc: DomainError) -> None:
    messages.error(request, exc.detail)


def form_errors(form, exc: DomainError) -> None:
    """Put a domain error's field errors on the form (non-field if the field is not on it)."""
    if exc.errors:
        for e in exc.errors:
            form.add_error(e.field if e.field in form.fields else None, e.message)
    else:
        form.add_error(None, exc.detail)
