"""/accounts, its lifecycle and panels (support contacts, integrations, call services,
problem reports) and /accounts/{id}/users."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from channeldesk.accounts import actions, queries
from channeldesk.accounts.schemas import (
    AccountIn,
    AccountList,
    AccountOut,
    AccountPatch,
    CallServices,
    CallServicesPatch,
    IntegrationList,
    IntegrationOut,
    IntegrationPut,
    ProblemReportIn,
    ProblemReportList,
    ProblemReportOut,
    SupportContactIn,
    SupportContactList,
    SupportContactOut,
    SupportContactPatch,
)
from channeldesk.api import fast
from channeldesk.api.fast import Route
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


def _account_page(actor, q="", status=None, partner_id=None, limit=50, cursor=None) -> dict:
    return queries.account_page(
        actor, q=q[:100], status=status, partner_id=partner_id, limit=limit, cursor=cursor
    )


@router.get("/accounts", response=AccountList)
def account_list(
    request,
    q: str = "",
    status: Status | None = None,
    partner_id: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
):
    # Rows are built in AccountOut's shape: no per-row validation (see api.responses).
    return json_response(_account_page(request.auth, q, status, partner_id, limit, cursor))


@router.post("/accounts", response={201: AccountOut})
def account_create(request, payload: AccountIn):
    data = payload.dict()
    partner_id = data.pop("partner_id")
    partner = None
    if partner_id is not None:
        if not request.auth.is_operator:
            raise ValidationFailed.field("partner_id", _("Only the operator chooses the partner."))
        partner = reach.organization_in_reach(request.auth, partner_id, kinds=PARTNER_KINDS)
    account = actions.create_account(request.auth, partner=partner, **data)
    return 201, queries.account_out(account)


@router.get("/accounts/{account_id}", response=AccountOut)
def account_get(request, account_id: str):
    out = queries.account_one(request.auth, account_id)
    response = json_response(out)
    response["ETag"] = out["etag"]
    return response


# The same two reads, answered in front of Django for bearer tokens (api.fast).
fast_routes = [
    Route(
        re.compile(r"/api/v1/accounts"),
        _account_page,
        params={
            "q": fast.text,
            "status": fast.choice(*Status.values),
            "partner_id": fast.text,
            "limit": fast.limit,
            "cursor": fast.text,
        },
    ),
    Route(
        re.compile(r"/api/v1/accounts/(?P<account_id>[0-9A-Za-z]{1,64})"),
        queries.account_one,
        etag=True,
    ),
]


@router.patch("/accounts/{account_id}", response=AccountOut)
def account_patch(request, response: HttpResponse, account_id: str, payload: AccountPatch):
    account = queries.get_account(request.auth, account_id)
    check_if_match(request, account.etag)
    account = actions.update_account(
        request.auth,
        account,
        if_match=request.headers.get("If-Match"),
        **payload.dict(exclude_unset=True),
    )
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


# ---- lifecycle -----------------------------------------------------------------------------


@router.delete("/accounts/{account_id}", response=AccountOut)
def account_delete(request, account_id: str):
    """Soft delete (partner_admin, operator): restorable for 30 days, then purged."""
    account = actions.delete_account(request.auth, queries.get_account(request.auth, account_id))
    return queries.account_out(account)


@router.post("/accounts/{account_id}/deactivate", response=AccountOut)
def account_deactivate(request, account_id: str):
    account = queries.get_account(request.auth, account_id)
    return queries.account_out(actions.deactivate_account(request.auth, account))


@router.post("/accounts/{account_id}/reactivate", response=AccountOut)
def account_reactivate(request, account_id: str):
    account = queries.get_account(request.auth, account_id)
    return queries.account_out(actions.reactivate_account(request.auth, account))


@router.post("/accounts/{account_id}/restore", response=AccountOut)
def account_restore(request, account_id: str):
    account = queries.get_account(request.auth, account_id)
    return queries.account_out(actions.restore_account(request.auth, account))


# ---- support contacts ----------------------------------------------------------------------


@router.get("/accounts/{account_id}/support-contacts", response=SupportContactList)
def contact_list(request, account_id: str, limit: int = 50, cursor: str | None = None):
    account = queries.get_account(request.auth, account_id)
    page = keyset(
        queries.support_contacts(request.auth, account), order=["id"], limit=limit, cursor=cursor
    )
    return {
        "items": [queries.contact_out(c) for c in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/accounts/{account_id}/support-contacts", response={201: SupportContactOut})
def contact_create(request, account_id: str, payload: SupportContactIn):
    account = queries.get_account(request.auth, account_id)
    contact = actions.add_support_contact(request.auth, account, **payload.dict())
    return 201, queries.contact_out(contact)


@router.patch("/accounts/{account_id}/support-contacts/{contact_id}", response=SupportContactOut)
def contact_patch(
    request, response: HttpResponse, account_id: str, contact_id: str, payload: SupportContactPatch
):
    account = queries.get_account(request.auth, account_id)
    contact = queries.get_support_contact(request.auth, account, contact_id)
    check_if_match(request, contact.etag)
    contact = actions.update_support_contact(
        request.auth, contact, **payload.dict(exclude_unset=True)
    )
    response["ETag"] = contact.etag
    return queries.contact_out(contact)


@router.delete("/accounts/{account_id}/support-contacts/{contact_id}", response={204: None})
def contact_delete(request, account_id: str, contact_id: str):
    account = queries.get_account(request.auth, account_id)
    contact = queries.get_support_contact(request.auth, account, contact_id)
    actions.remove_support_contact(request.auth, contact)
    return 204, None


# ---- integrations and call services --------------------------------------------------------


@router.get("/accounts/{account_id}/integrations", response=IntegrationList)
def integration_list(request, account_id: str):
    account = queries.get_account(request.auth, account_id)
    return {"items": queries.integrations(account), "next_cursor": None}


@router.put("/accounts/{account_id}/integrations/{key}", response=IntegrationOut)
def integration_put(request, account_id: str, key: str, payload: IntegrationPut):
    """Enable or disable an integration and set its privileges. A dependency that is off or a
    gateway onboarding that has not completed is refused with 409 naming what is missing."""
    account = queries.get_account(request.auth, account_id)
    actions.set_integration(
        request.auth, account, key[:50], enabled=payload.enabled, privileges=payload.privileges
    )
    return next(i for i in queries.integrations(account) if i["key"] == key)


@router.get("/accounts/{account_id}/call-services", response=CallServices)
def call_services_get(request, response: HttpResponse, account_id: str):
    account = queries.get_account(request.auth, account_id)
    response["ETag"] = account.etag
    return {"bandwidth_optimization": account.bandwidth_optimization}


@router.patch("/accounts/{account_id}/call-services", response=CallServices)
def call_services_patch(
    request, response: HttpResponse, account_id: str, payload: CallServicesPatch
):
    account = queries.get_account(request.auth, account_id)
    check_if_match(request, account.etag)
    changed = actions.set_call_services(
        request.auth, account, bandwidth_optimization=payload.bandwidth_optimization
    )
    response["ETag"] = changed.etag
    return {"bandwidth_optimization": changed.bandwidth_optimization}


# ---- problem reports -----------------------------------------------------------------------


@router.get("/accounts/{account_id}/problem-reports", response=ProblemReportList)
def problem_report_list(request, account_id: str, limit: int = 50, cursor: str | None = None):
    account = queries.get_account(request.auth, account_id)
    qs = queries.problem_reports(request.auth, account).select_related("account")
    page = keyset(qs, order=["-id"], limit=limit, cursor=cursor)
    return {
        "items": [queries.report_out(r) for r in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/accounts/{account_id}/problem-reports", response={201: ProblemReportOut})
def problem_report_create(request, account_id: str, payload: ProblemReportIn):
    account = queries.get_account(request.auth, account_id)
    report = actions.file_problem_report(request.auth, account, **payload.dict())
    return 201, queries.report_out(report)


@router.get("/problem-reports", response=ProblemReportList)
def problem_report_all(
    request, account_id: str | None = None, limit: int = 50, cursor: str | None = None
):
    """Every problem report within reach, newest first (operator support's queue)."""
    account = queries.get_account(request.auth, account_id) if account_id else None
    qs = queries.problem_reports(request.auth, account).select_related("account")
    page = keyset(qs, order=["-id"], limit=limit, cursor=cursor)
    return {
        "items": [queries.report_out(r) for r in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/problem-reports/{report_id}/resolve", response=ProblemReportOut)
def problem_report_resolve(request, report_id: str):
    """Operator support marks a report as handled; already resolved -> 409."""
    report = queries.get_problem_report(request.auth, report_id)
    return queries.report_out(actions.resolve_problem_report(request.auth, report))
