"""Reading invitations, links and conversations; every query starts from tenancy.reach."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet

from channeldesk.core.errors import Forbidden, NotFound, ValidationFailed
from channeldesk.relationships.models import (
    Conversation,
    InvitationStatus,
    Message,
    PartnerInvitation,
    PartnerLink,
)
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.queries import search_listed_partners
from channeldesk.tenancy.roles import Kind

DIRECTIONS = ("issued", "received")


def invitations(
    actor: Actor, *, direction: str | None = None, status: str | None = None
) -> QuerySet[PartnerInvitation]:
    """Invitations the actor's organization issued or received (the operator sees all).

    An invitation has two tenants, issuer and recipient; only those two parties see it (not,
    e.g., the current partner of an account that asks another one)."""
    permissions.require(actor, "invitation.view")
    qs = PartnerInvitation.objects.filter(
        reach.org_scope(actor, "issuer") | reach.org_scope(actor, "recipient")
    )
    own = actor.organization
    if not (actor.is_system or actor.is_operator):
        qs = qs.filter(Q(issuer=own) | Q(recipient=own))
    if direction is not None:
        if direction not in DIRECTIONS:
            raise ValidationFailed.field("direction", "must be issued or received")
        qs = qs.filter(**{"issuer" if direction == "issued" else "recipient": own})
    if status:
        if status not in InvitationStatus.values:
            raise ValidationFailed.field(
                "status", "must be one of " + ", ".join(InvitationStatus.values)
            )
        qs = qs.filter(status=status)
    return qs.select_related("account", "partner", "issuer", "recipient", "issued_by")


def invitation(actor: Actor, invitation_id: Any) -> PartnerInvitation:
    return reach.get_visible(actor, PartnerInvitation, invitation_id, qs=invitations(actor))


def pending_invitation_for(actor: Actor, account: Organization) -> PartnerInvitation | None:
    return invitations(actor).filter(account=account, status=InvitationStatus.PENDING).first()


def listed_partner(actor: Actor, partner_id: Any) -> Organization:
    """A partner from the directory (listed partners are findable by everyone)."""
    return reach.get_visible(
        actor, Organization, partner_id, qs=reach.listed_partners(actor).filter(status="active")
    )


def invitable_account(actor: Actor, account_id: Any) -> Organization:
    """An existing customer account a reseller may invite: known by its id (the customer
    gives it), active. Unknown ids are 404 like everything else."""
    if actor.kind != Kind.RESELLER:
        raise NotFound("Not found.")
    qs = Organization.objects.filter(kind=Kind.CUSTOMER, status="active")
    return reach.get_visible(actor, Organization, account_id, qs=qs)


def directory_search(actor: Actor, q: str) -> list[Organization]:
    """Type-ahead for "Define partner": resellers for a customer account, distributors for a
    reseller ("become a reseller of this dealer")."""
    if actor.kind not in (Kind.CUSTOMER, Kind.RESELLER):
        raise Forbidden("Only customer accounts and resellers look for a partner.")
    kind = Kind.DISTRIBUTOR if actor.kind == Kind.RESELLER else Kind.RESELLER
    return search_listed_partners(actor, q, kind=kind)


def links(actor: Actor, account: Organization) -> QuerySet[PartnerLink]:
    return (
        reach.visible(actor, PartnerLink)
        .filter(account=account)
        .select_related("partner", "previous_partner", "invitation__issuer")
    )


def history_account(actor: Actor, account_id: Any) -> Organization:
    """The account (or reseller) whose partner history is asked for: in reach (a partner that
    lost the account gets 404 like for anything else), and a relationship reader."""
    account = reach.organization_in_reach(actor, account_id, kinds=(Kind.CUSTOMER, Kind.RESELLER))
    permissions.require(actor, "invitation.view", account)
    return account


def partner_history(actor: Actor, account: Organization) -> QuerySet[PartnerLink]:
    """Every partner link of `account`, newest first: previous partner, new partner, the
    organization that asked for the change, when it started and ended."""
    permissions.require(actor, "invitation.view", account)
    return links(actor, account)


# ---- conversations -------------------------------------------------------------------------


def conversations(actor: Actor) -> QuerySet[Conversation]:
    """Conversations with the *current* partner only: when an account changes partner, the
    previous partner's thread disappears for it at once (it no longer reaches the account)."""
    permissions.require(actor, "conversation.view")
    qs = reach.visible(actor, Conversation).filter(partner_id=F("account__parent_id"))
    if actor.is_partner:
        qs = qs.filter(partner=actor.organization)
    return qs.select_related("account", "partner")


def conversation(actor: Actor, conversation_id: Any) -> Conversation:
    qs = reach.visible(actor, Conversation).filter(partner_id=F("account__parent_id"))
    conv = reach.get_visible(
        actor, Conversation, conversation_id, qs=qs.select_related("account", "partner")
    )
    permissions.require(actor, "conversation.view")
    if actor.is_partner and conv.partner_id != actor.organization.id:
        # A distributor reaches its resellers' customers but is not part of their threads.
        raise Forbidden("Only the account and its partner take part in the conversation.")
    return conv


def conversation_for_account(actor: Actor, account: Organization) -> Conversation | None:
    return conversations(actor).filter(account=account).first()


def messages(actor: Actor, conv: Conversation) -> QuerySet[Message]:
    return (
        reach.visible(actor, Message)
        .filter(conversation=conv)
        .select_related("author", "author_organization")
    )


def unread_in_thread(actor: Actor, conv: Conversation) -> int:
    """The actor's unread notifications of this thread's messages."""
    from channeldesk.notifications.queries import notifications

    return notifications(actor).filter(unread_filter(conv), read_at__isnull=True).count()


def unread_filter(conversation: Conversation) -> Q:
    """The notifications a message of this thread raised."""
    return Q(kind="conversation.message_posted", link=f"/conversations/{conversation.id}/")
