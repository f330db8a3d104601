"""/partner-invitations, /conversations (api.md: Partner relationships and messages)."""

from __future__ import annotations

from ninja import Router

from channeldesk.core.errors import ValidationFailed
from channeldesk.core.pagination import keyset
from channeldesk.relationships import actions, queries
from channeldesk.relationships.schemas import (
    ConversationIn,
    ConversationList,
    ConversationOut,
    InvitationIn,
    InvitationList,
    InvitationOut,
    MessageIn,
    MessageList,
    MessageOut,
    PartnerLinkList,
)
from channeldesk.tenancy import reach

router = Router(tags=["relationships"])


@router.get("/partner-invitations", response=InvitationList)
def invitation_list(
    request,
    direction: str | None = None,
    status: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
):
    qs = queries.invitations(request.auth, direction=direction, status=status)
    page = keyset(qs, order=["-id"], limit=limit, cursor=cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/partner-invitations", response={201: InvitationOut})
def invitation_create(request, payload: InvitationIn):
    actor = request.auth
    if (payload.partner_id is None) == (payload.account_id is None):
        raise ValidationFailed.field("partner_id", "Give either partner_id or account_id.")
    if payload.partner_id is not None:
        inv = actions.send_invitation(
            actor, partner=queries.listed_partner(actor, payload.partner_id)
        )
    else:
        inv = actions.send_invitation(
            actor, account=queries.invitable_account(actor, payload.account_id)
        )
    return 201, inv


@router.get("/partner-invitations/{invitation_id}", response=InvitationOut)
def invitation_get(request, invitation_id: str):
    return queries.invitation(request.auth, invitation_id)


@router.post("/partner-invitations/{invitation_id}/resend", response=InvitationOut)
def invitation_resend(request, invitation_id: str):
    return actions.resend_invitation(request.auth, queries.invitation(request.auth, invitation_id))


@router.post("/partner-invitations/{invitation_id}/cancel", response=InvitationOut)
def invitation_cancel(request, invitation_id: str):
    return actions.cancel_invitation(request.auth, queries.invitation(request.auth, invitation_id))


@router.post("/partner-invitations/{invitation_id}/accept", response=InvitationOut)
def invitation_accept(request, invitation_id: str):
    return actions.accept_invitation(request.auth, queries.invitation(request.auth, invitation_id))


@router.post("/partner-invitations/{invitation_id}/decline", response=InvitationOut)
def invitation_decline(request, invitation_id: str):
    return actions.decline_invitation(request.auth, queries.invitation(request.auth, invitation_id))


@router.get("/conversations", response=ConversationList)
def conversation_list(request, limit: int = 50, cursor: str | None = None):
    page = keyset(queries.conversations(request.auth), order=["-id"], limit=limit, cursor=cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/conversations", response={200: ConversationOut, 201: ConversationOut})
def conversation_open(request, payload: ConversationIn):
    """The conversation of an account with its current partner (created on first use)."""
    account = reach.organization_in_reach(request.auth, payload.account_id, kinds=("customer",))
    existing = queries.conversation_for_account(request.auth, account)
    if existing is not None:
        return 200, existing
    return 201, actions.open_conversation(request.auth, account)


@router.get("/conversations/{conversation_id}/messages", response=MessageList)
def message_list(request, conversation_id: str, limit: int = 50, cursor: str | None = None):
    conv = queries.conversation(request.auth, conversation_id)
    page = keyset(queries.messages(request.auth, conv), order=["-id"], limit=limit, cursor=cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/conversations/{conversation_id}/messages", response={201: MessageOut})
def message_post(request, conversation_id: str, payload: MessageIn):
    conv = queries.conversation(request.auth, conversation_id)
    return 201, actions.post_message(request.auth, conv, payload.text)


@router.get("/accounts/{account_id}/partner-links", response=PartnerLinkList)
def partner_links(request, account_id: str, limit: int = 50, cursor: str | None = None):
    """The account's partner history, newest first. Within reach only: a partner that lost the
    account gets 404 like for anything else of it."""
    account = queries.history_account(request.auth, account_id)
    qs = queries.partner_history(request.auth, account).select_related("account")
    page = keyset(qs, order=["-id"], limit=limit, cursor=cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}
