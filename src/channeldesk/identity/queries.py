from __future__ import annotations

from django.db.models import QuerySet

from channeldesk.identity.models import ApiToken
from channeldesk.tenancy import reach
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization


def own_tokens(actor: Actor) -> QuerySet[ApiToken]:
    return reach.visible(actor, ApiToken).filter(membership=actor.membership)


def memberships_of(actor: Actor, org: Organization) -> QuerySet[Membership]:
    return reach.visible(actor, Membership).filter(organization=org).select_related("user")


def org_user_row(m: Membership) -> dict:
    return {
        "id": m.user.id,
        "email": m.user.email,
        "name": m.user.name,
        "role": m.role,
        "membership_id": m.id,
        "created_at": m.created_at,
    }
