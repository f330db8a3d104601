from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field


class OrgRef(Schema):
    id: str
    name: str
    kind: str


class InvitationIn(Schema):
    """`{partner_id}` asks that partner to take the caller's organization on (customer side, or
    a reseller asking a distributor); `{account_id}` is a reseller inviting an existing account."""

    model_config = ConfigDict(extra="forbid")

    partner_id: str | None = Field(default=None, max_length=26)
    account_id: str | None = Field(default=None, max_length=26)


class InvitationOut(Schema):
    id: str
    direction: str
    status: str
    account: OrgRef
    partner: OrgRef
    issuer: OrgRef
    recipient: OrgRef
    created_at: dt.datetime
    last_sent_at: dt.datetime
    send_count: int
    expires_at: dt.datetime
    responded_at: dt.datetime | None


class InvitationList(Schema):
    items: list[InvitationOut]
    next_cursor: str | None


class ConversationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(max_length=26)


class ConversationOut(Schema):
    id: str
    account: OrgRef
    partner: OrgRef
    created_at: dt.datetime
    last_message_at: dt.datetime | None


class ConversationList(Schema):
    items: list[ConversationOut]
    next_cursor: str | None


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5000)


class MessageOut(Schema):
    id: str
    text: str
    author_name: str
    organization: OrgRef
    created_at: dt.datetime

    @staticmethod
    def resolve_author_name(obj) -> str:
        return obj.author.display_name if obj.author else ""

    @staticmethod
    def resolve_organization(obj):
        return obj.author_organization


class MessageList(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class PartnerLinkOut(Schema):
    """One partner change of an account: from `previous_partner` to `partner`, asked for by
    `initiated_by` (the organization that sent the request; none for links made by the
    operator), in force from `started_at` until `ended_at`."""

    id: str
    account: OrgRef
    previous_partner: OrgRef | None
    partner: OrgRef
    initiated_by: OrgRef | None
    started_at: dt.datetime
    ended_at: dt.datetime | None

    @staticmethod
    def resolve_initiated_by(obj):
        return obj.invitation.issuer if obj.invitation_id else None


class PartnerLinkList(Schema):
    items: list[PartnerLinkOut]
    next_cursor: str | None
