"""/accounts and /accounts/{id}/users."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router

from channeldesk.accounts import actions, queries
from channeldesk.accounts.schemas import AccountIn, AccountList, AccountOut, AccountPatch
from channeldesk.api.responses import json_response
from channeldesk.core.errors import ValidationFailed
from channeldesk.core.etag import check_if_match
from channeldesk.core.pagination import keyset
from channeldesk.identity import actions as identity_actions
from channeldesk.identity.api import list_org_users, membership_in
from channeldesk.identity.queries import org_user_row
from channeldesk.identity.schemas import OrgUserList, OrgUserOut, UserInviteIn, UserPatch
from channeldesk.tenancy import reach
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import PARTNER_KINDS, Status

router = Router(tags=["accounts"])


@router.get("/accounts", response=AccountList)
def account_list(
    request,
    q: str = "",
    status: Status | None = None,
    partner_id: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
):
    qs = queries.accounts(request.auth, q=q[:100], status=status, partner_id=partner_id)
    page = keyset(qs, order=["id"], limit=limit, cursor=cursor, rows=queries.account_values)
    # Rows are built in AccountOut's shape: no per-row validation (see api.responses).
    return json_response(
        {"items": queries.account_rows_out(page.items), "next_cursor": page.next_cursor}
    )


@router.post("/accounts", response={201: AccountOut})
def account_create(request, payload: AccountIn):
    data = payload.dict()
    partner_id = data.pop("partner_id")
    partner = None
    if partner_id is not None:
        if not request.auth.is_operator:
            raise ValidationFailed.field("partner_id", "Only the operator chooses the partner.")
        partner = reach.organization_in_reach(request.auth, partner_id, kinds=PARTNER_KINDS)
    account = actions.create_account(request.auth, partner=partner, **data)
    return 201, queries.account_out(account)


@router.get("/accounts/{account_id}", response=AccountOut)
def account_get(request, response: HttpResponse, account_id: str):
    account = queries.get_account(request.auth, account_id)
    response["ETag"] = account.etag
    return queries.account_out(account)


@router.patch("/accounts/{account_id}", response=AccountOut)
def account_patch(request, response: HttpResponse, account_id: str, payload: AccountPatch):
    account = queries.get_account(request.auth, account_id)
    check_if_match(request, account.etag)
    account = actions.update_account(request.auth, account, **payload.dict(exclude_unset=True))
    response["ETag"] = account.etag
    return queries.account_out(account)


def _account_org(request, account_id: str) -> Organization:
    return queries.get_account(request.auth, account_id)


@router.get("/accounts/{account_id}/users", response=OrgUserList)
def account_users(request, account_id: str, limit: int = 50, cursor: str | None = None):
    return list_org_users(request.auth, _account_org(request, account_id), limit, cursor)


@router.post("/accounts/{account_id}/users", response={201: OrgUserOut})
def account_user_invite(request, account_id: str, payload: UserInviteIn):
    m = identity_actions.invite_user(
        request.auth,
        _account_org(request, account_id),
        email=payload.email,
        name=payload.name,
        role=payload.role,
    )
    return 201, org_user_row(m)


@router.patch("/accounts/{account_id}/users/{user_id}", response=OrgUserOut)
def account_user_patch(request, account_id: str, user_id: str, payload: UserPatch):
    org = _account_org(request, account_id)
    return org_user_row(
        identity_actions.change_role(
            request.auth, membership_in(request.auth, org, user_id), payload.role
        )
    )


@router.delete("/accounts/{account_id}/users/{user_id}", response={204: None})
def account_user_delete(request, account_id: str, user_id: str):
    org = _account_org(request, account_id)
    identity_actions.remove_membership(request.auth, membership_in(request.auth, org, user_id))
    return 204, None
