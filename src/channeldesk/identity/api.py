"""/auth/*, /me, /tokens."""

from __future__ import annotations

from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.http import HttpRequest
from django.middleware.csrf import get_token
from ninja import Router

from channeldesk.core.errors import NotFound, ValidationFailed
from channeldesk.core.pagination import keyset
from channeldesk.identity import actions, queries
from channeldesk.identity.middleware import SESSION_MEMBERSHIP, SESSION_SEEN, SESSION_STARTED
from channeldesk.identity.models import ApiToken
from channeldesk.identity.schemas import (
    LoginIn,
    MeOut,
    MePatch,
    OrgUserList,
    PasswordResetIn,
    PasswordSetIn,
    TokenCreatedOut,
    TokenIn,
    TokenList,
)
from channeldesk.tenancy import reach
from channeldesk.tenancy.models import Organization

router = Router(tags=["identity"])


def me_payload(user, memberships) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "language": user.language,
        "memberships": [
            {
                "organization": {
                    "id": m.organization.id,
                    "name": m.organization.name,
                    "kind": m.organization.kind,
                },
                "role": m.role,
            }
            for m in memberships
        ],
    }


def start_session(request: HttpRequest, user) -> None:
    """Sign in with a fresh session id (rotation at login) and a fresh CSRF token."""
    import time

    django_login(request, user, backend="channeldesk.identity.backends.EmailBackend")
    first = actions.usable_memberships(user).first()
    request.session[SESSION_MEMBERSHIP] = first.id if first else None
    request.session[SESSION_SEEN] = request.session[SESSION_STARTED] = time.time()


@router.post("/auth/login", auth=None, response={200: MeOut})
def login(request, payload: LoginIn):
    try:
        user = actions.login(request, payload.email, payload.password)
    except actions.InvalidCredentials as exc:
        from channeldesk.api.problems import problem

        return problem(401, str(exc))
    start_session(request, user)
    get_token(request)
    return me_payload(user, actions.usable_memberships(user))


@router.post("/auth/logout", auth=None, response={204: None})
def logout(request):
    django_logout(request)
    return 204, None


@router.post("/auth/password/set", auth=None, response={204: None})
def password_set(request, payload: PasswordSetIn):
    actions.set_password_with_token(payload.token, payload.password, payload.name)
    return 204, None


@router.post("/auth/password/reset", auth=None, response={202: None})
def password_reset(request, payload: PasswordResetIn):
    actions.request_password_reset(payload.email, request.META.get("REMOTE_ADDR", ""))
    return 202, None


@router.get("/me", response=MeOut)
def me(request):
    actor = request.auth
    return me_payload(actor.user, actions.usable_memberships(actor.user))


@router.patch("/me", response=MeOut)
def me_patch(request, payload: MePatch):
    actor = request.auth
    actions.update_profile(actor, name=payload.name, language=payload.language)
    return me_payload(actor.user, actions.usable_memberships(actor.user))


@router.get("/me/export")
def me_export(request):
    """Personal-data export of the calling user (machine-readable JSON)."""
    return queries.personal_data(request.auth.user)


@router.get("/tokens", response=TokenList)
def tokens(request, limit: int = 50, cursor: str | None = None):
    page = keyset(queries.own_tokens(request.auth), order=["-id"], limit=limit, cursor=cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/tokens", response={201: TokenCreatedOut})
def token_create(request, payload: TokenIn):
    token, raw = actions.create_token(
        request.auth, name=payload.name, expires_in_days=payload.expires_in_days
    )
    return 201, {"id": token.id, "name": token.name, "token": raw, "expires_at": token.expires_at}


@router.delete("/tokens/{token_id}", response={204: None})
def token_revoke(request, token_id: str):
    token = reach.get_visible(request.auth, ApiToken, token_id, qs=queries.own_tokens(request.auth))
    actions.revoke_token(request.auth, token)
    return 204, None


# Users of an organization: shared by /partners/{id}/users, /accounts/{id}/users, /operator/users.


def list_org_users(actor, org: Organization, limit: int, cursor: str | None) -> dict:
    from channeldesk.tenancy import permissions

    view_action = actions.user_admin_action(org).replace(".manage", ".view")
    permissions.require(actor, view_action, org)
    page = keyset(queries.memberships_of(actor, org), order=["id"], limit=limit, cursor=cursor)
    return {"items": [queries.org_user_row(m) for m in page.items], "next_cursor": page.next_cursor}


def membership_in(actor, org: Organization, user_id: str):
    m = queries.memberships_of(actor, org).filter(user_id=user_id).first()
    if m is None:
        raise NotFound("User not found.")
    return m


__all__ = ["OrgUserList", "ValidationFailed", "list_org_users", "membership_in", "router"]
