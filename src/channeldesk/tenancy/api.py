"""/partners, /partners/{id}/users, /operator/users."""

from __future__ import annotations

import re

from django.http import HttpResponse
from ninja import Router

from channeldesk.api import fast
from channeldesk.api.fast import Route
from channeldesk.api.responses import json_response
from channeldesk.core.etag import check_if_match
from channeldesk.core.pagination import keyset
from channeldesk.identity import actions as identity_actions
from channeldesk.identity.api import list_org_users, membership_in
from channeldesk.identity.queries import org_user_row
from channeldesk.identity.schemas import OrgUserList, OrgUserOut, UserInviteIn, UserPatch
from channeldesk.tenancy import actions, queries, reach
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import PARTNER_KINDS, Kind
from channeldesk.tenancy.schemas import (
    PartnerIn,
    PartnerList,
    PartnerOut,
    PartnerPatch,
    PartnerSearchOut,
)

router = Router(tags=["organizations"])


def _partner(request, partner_id: str) -> Organization:
    return reach.organization_in_reach(request.auth, partner_id, kinds=PARTNER_KINDS)


@router.get("/partners", response=PartnerList)
def partner_list(
    request, q: str = "", kind: str | None = None, limit: int = 50, cursor: str | None = None
):
    page = keyset(
        queries.partners(request.auth, q=q[:100], kind=kind),
        order=["id"],
        limit=limit,
        cursor=cursor,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/partners", response={201: PartnerOut})
def partner_create(request, response: HttpResponse, payload: PartnerIn):
    data = payload.dict()
    parent_id = data.pop("parent_id")
    parent = None
    if parent_id is not None:
        if not request.auth.is_operator:
            from channeldesk.core.errors import ValidationFailed

            raise ValidationFailed.field("parent_id", "Only the operator chooses the parent.")
        parent = reach.organization_in_reach(request.auth, parent_id)
    org = actions.create_partner(request.auth, parent=parent, **data)
    response["Location"] = f"/api/v1/partners/{org.id}"
    response["ETag"] = org.etag
    return 201, org


def _partner_search(actor, q: str = "", kind: str | None = None) -> dict:
    return {"items": queries.search_listed_partner_rows(actor, q[:100], kind=kind)}


@router.get("/partners/search", response=PartnerSearchOut)
def partner_search(request, q: str = "", kind: str | None = None):
    return json_response(_partner_search(request.auth, q, kind))


# Answered in front of Django for bearer tokens (api.fast).
fast_routes = [
    Route(
        re.compile(r"/api/v1/partners/search"),
        _partner_search,
        params={"q": fast.text, "kind": fast.text},
    )
]


@router.get("/partners/{partner_id}", response=PartnerOut)
def partner_get(request, partner_id: str):
    return _partner(request, partner_id)


@router.patch("/partners/{partner_id}", response=PartnerOut)
def partner_patch(request, partner_id: str, payload: PartnerPatch):
    org = _partner(request, partner_id)
    check_if_match(request, org.etag)
    return actions.update_partner(
        request.auth,
        org,
        if_match=request.headers.get("If-Match"),
        **payload.dict(exclude_unset=True),
    )


@router.get("/partners/{partner_id}/users", response=OrgUserList)
def partner_users(request, partner_id: str, limit: int = 50, cursor: str | None = None):
    return list_org_users(request.auth, _partner(request, partner_id), limit, cursor)


@router.post("/partners/{partner_id}/users", response={201: OrgUserOut})
def partner_user_invite(request, partner_id: str, payload: UserInviteIn):
    m = identity_actions.invite_user(
        request.auth,
        _partner(request, partner_id),
        email=payload.email,
        name=payload.name,
        role=payload.role,
    )
    return 201, org_user_row(m)


@router.patch("/partners/{partner_id}/users/{user_id}", response=OrgUserOut)
def partner_user_patch(request, partner_id: str, user_id: str, payload: UserPatch):
    org = _partner(request, partner_id)
    return org_user_row(
        identity_actions.change_role(
            request.auth, membership_in(request.auth, org, user_id), payload.role
        )
    )


@router.delete("/partners/{partner_id}/users/{user_id}", response={204: None})
def partner_user_delete(request, partner_id: str, user_id: str):
    org = _partner(request, partner_id)
    identity_actions.remove_membership(request.auth, membership_in(request.auth, org, user_id))
    return 204, None


def _operator_org(request) -> Organization:
    org = reach.visible_organizations(request.auth).filter(kind=Kind.OPERATOR).first()
    if org is None:
        from channeldesk.core.errors import NotFound

        raise NotFound("Not found.")
    return org


@router.get("/operator/users", response=OrgUserList)
def operator_users(request, limit: int = 50, cursor: str | None = None):
    return list_org_users(request.auth, _operator_org(request), limit, cursor)


@router.post("/operator/users", response={201: OrgUserOut})
def operator_user_invite(request, payload: UserInviteIn):
    m = identity_actions.invite_user(
        request.auth,
        _operator_org(request),
        email=payload.email,
        name=payload.name,
        role=payload.role,
    )
    return 201, org_user_row(m)


@router.patch("/operator/users/{user_id}", response=OrgUserOut)
def operator_user_patch(request, user_id: str, payload: UserPatch):
    org = _operator_org(request)
    return org_user_row(
        identity_actions.change_role(
            request.auth, membership_in(request.auth, org, user_id), payload.role
        )
    )


@router.delete("/operator/users/{user_id}", response={204: None})
def operator_user_delete(request, user_id: str):
    org = _operator_org(request)
    identity_actions.remove_membership(request.auth, membership_in(request.auth, org, user_id))
    return 204, None
