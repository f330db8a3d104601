"""Sign-in, passwords, profile, language, API tokens and the users of an organization."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as django_logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channeldesk.core.errors import DomainError, Forbidden, NotFound, RateLimited
from channeldesk.core.pagination import keyset
from channeldesk.core.web import actor_required, flash_error, form_errors
from channeldesk.identity import actions, queries
from channeldesk.identity.api import start_session
from channeldesk.identity.forms import (
    InviteForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    ResetForm,
    SetPasswordForm,
    TokenForm,
)
from channeldesk.identity.middleware import SESSION_MEMBERSHIP
from channeldesk.identity.models import ApiToken
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind, Role


def _safe_next(request, default="/"):
    nxt = request.POST.get("next") or request.GET.get("next") or default
    ok = url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return nxt if ok and nxt.startswith("/") else default


@require_http_methods(["GET", "POST"])
def login_view(request):
    if getattr(request, "actor", None):
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    status, retry_after = 200, 0
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.login(request, form.cleaned_data["email"], form.cleaned_data["password"])
        except actions.InvalidCredentials as exc:
            form.add_error(None, str(exc))
            status = 401
        except RateLimited as exc:
            form.add_error(None, exc.detail)
            status, retry_after = 429, exc.retry_after
        else:
            start_session(request, user)
            return redirect(_safe_next(request))
    response = render(
        request, "identity/login.html", {"form": form, "next": _safe_next(request)}, status=status
    )
    if status == 429:
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def logout_view(request):
    django_logout(request)
    return redirect("/auth/login")


@require_http_methods(["GET", "POST"])
def set_password_view(request):
    token = request.GET.get("token") or request.POST.get("token") or ""
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.set_password_with_token(
                token, form.cleaned_data["password"], form.cleaned_data["name"]
            )
        except DomainError as exc:
            form_errors(form, exc)
        else:
            start_session(request, user)
            messages.success(request, _("Your password is set. Welcome to Channeldesk."))
            return redirect("/")
    token_user = queries.user_of_token(token)
    return render(
        request,
        "identity/set_password.html",
        {"form": form, "token": token, "usable": token_user is not None, "token_user": token_user},
    )


@require_http_methods(["GET", "POST"])
def reset_view(request):
    form = ResetForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        actions.request_password_reset(
            form.cleaned_data["email"], request.META.get("REMOTE_ADDR", "")
        )
        sent = True
    return render(request, "identity/reset.html", {"form": form, "sent": sent})


@require_POST
def set_language_view(request):
    lang = request.POST.get("language", "")
    nxt = _safe_next(request)
    response = redirect(nxt)
    if lang in dict(settings.LANGUAGES):
        actor = getattr(request, "actor", None)
        if actor is not None and actor.user is not None:
            actions.update_profile(actor, language=lang)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            lang,
            max_age=365 * 86400,
            samesite="Lax",
            secure=settings.SECURE,
            httponly=True,
        )
    return response


@require_POST
@actor_required
def switch_membership_view(request):
    wanted = request.POST.get("membership")
    if any(m.id == wanted for m in getattr(request, "memberships", [])):
        request.session[SESSION_MEMBERSHIP] = wanted
    return redirect("/")


@require_http_methods(["GET", "POST"])
@actor_required
def profile_view(request):
    actor = request.actor
    form = ProfileForm(
        request.POST if request.POST.get("form") == "profile" else None,
        initial={"name": actor.user.name, "language": actor.user.language},
        languages=settings.LANGUAGES,
    )
    pw_form = PasswordChangeForm(request.POST if request.POST.get("form") == "password" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "profile" and form.is_valid():
                actions.update_profile(
                    actor, name=form.cleaned_data["name"], language=form.cleaned_data["language"]
                )
                messages.success(request, _("Profile saved."))
                return redirect("profile")
            if request.POST.get("form") == "password" and pw_form.is_valid():
                user = actions.change_password(
                    actor,
                    pw_form.cleaned_data["current_password"],
                    pw_form.cleaned_data["new_password"],
                )
                start_session(request, user)  # other sessions end: the session hash changed
                messages.success(request, _("Password changed."))
                return redirect("profile")
        except DomainError as exc:
            form_errors(pw_form if request.POST.get("form") == "password" else form, exc)
    return render(request, "identity/profile.html", {"form": form, "pw_form": pw_form})


@require_GET
@actor_required
def export_view(request):
    """Download of the user's personal data as JSON (the same as GET /api/v1/me/export)."""
    import orjson

    data = queries.personal_data(request.actor.user)
    response = HttpResponse(
        orjson.dumps(data, option=orjson.OPT_INDENT_2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="channeldesk-personal-data.json"'
    return response


@require_http_methods(["GET", "POST"])
@actor_required
def tokens_view(request):
    actor = request.actor
    permissions.require(actor, "token.manage")
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = actions.create_token(
                actor,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
            created = {"token": token, "raw": raw}
            form = TokenForm()
        except DomainError as exc:
            form_errors(form, exc)
    tokens = queries.own_tokens(actor).order_by("-id")[:100]
    return render(
        request, "identity/tokens.html", {"form": form, "tokens": tokens, "created": created}
    )


@require_POST
@actor_required
def token_revoke_view(request, token_id: str):
    token = reach.get_visible(
        request.actor, ApiToken, token_id, qs=queries.own_tokens(request.actor)
    )
    actions.revoke_token(request.actor, token)
    messages.success(request, _("Token revoked."))
    return redirect("tokens")


@require_http_methods(["GET", "POST"])
@actor_required
def users_view(request, org_id: str | None = None):
    actor = request.actor
    org = reach.organization_in_reach(actor, org_id) if org_id else actor.organization
    admin_action = actions.user_admin_action(org)
    permissions.require(actor, admin_action.replace(".manage", ".view"), org)
    can_manage = permissions.can(actor, admin_action, org)
    roles = (
        [(r, Role(r).label) for r in permissions.grantable_roles(actor, org)] if can_manage else []
    )
    # The least powerful role is preselected: a hurried click never hands out admin rights.
    form = InviteForm(
        request.POST or None, roles=roles, initial={"role": roles[-1][0] if roles else ""}
    )
    if request.method == "POST":
        if not can_manage:
            raise Forbidden()
        if form.is_valid():
            try:
                actions.invite_user(actor, org, **form.cleaned_data)
            except DomainError as exc:
                form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect(request.path)
    page = keyset(
        queries.memberships_of(actor, org),
        order=["id"],
        limit=_int(request.GET.get("limit"), 50),
        cursor=request.GET.get("cursor"),
    )
    return render(
        request,
        "identity/users.html",
        {
            "org": org,
            "page": page,
            "form": form,
            "can_manage": can_manage,
            "roles": roles,
            # Each member's licenses (subscriptions' licenses-by-user page), for customers.
            "licenses_link": org.kind == Kind.CUSTOMER
            and permissions.can(actor, "license.view", org),
        },
    )


@require_POST
@actor_required
def user_change_view(request, org_id: str, membership_id: str):
    actor = request.actor
    org = reach.organization_in_reach(actor, org_id)
    m = queries.memberships_of(actor, org).filter(id=membership_id).first()
    if m is None:
        raise NotFound()
    try:
        if request.POST.get("op") == "remove":
            actions.remove_membership(actor, m)
            messages.success(request, _("User removed."))
        else:
            actions.change_role(actor, m, request.POST.get("role", ""))
            messages.success(request, _("Role changed."))
    except Forbidden:
        raise
    except DomainError as exc:
        flash_error(request, exc)
    return redirect("org-users", org_id=org.id)


def _int(value, default: int) -> int:
    try:
        return max(1, min(200, int(value)))
    except (TypeError, ValueError):
        return default


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


__all__ = ["Organization"]
