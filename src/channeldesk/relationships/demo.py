"""Demo data: a conversation between the first customer and its reseller, and a pending
request that the same reseller receives from another reseller's customer."""

from __future__ import annotations

from typing import Any

from channeldesk.relationships import actions
from channeldesk.relationships.models import PartnerInvitation
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Role


def _actor(org: Organization, role: str) -> Actor | None:
    m = Membership.objects.filter(organization=org, role=role).select_related("user").first()
    return Actor.of(m) if m else None


def extend(ctx: Any) -> None:
    if not ctx.accounts or PartnerInvitation.objects.exists():
        return
    first = ctx.accounts[0]
    reseller = Organization.objects.get(pk=first.parent_id)
    customer_admin = _actor(first, Role.ACCOUNT_ADMIN)
    partner_admin = _actor(reseller, Role.PARTNER_ADMIN)
    if customer_admin and partner_admin:
        conversation = actions.open_conversation(customer_admin, first)
        actions.post_message(
            customer_admin,
            conversation,
            "Guten Tag, wir eröffnen im Januar einen zweiten Standort. "
            "Können Sie uns ein Angebot für zwölf weitere Lizenzen schicken?",
        )
        actions.post_message(
            partner_admin,
            conversation,
            "Gern. Das Angebot kommt bis Freitag; die Rufnummern für den neuen Standort "
            "reservieren wir gleich mit.",
        )
    other = next((a for a in ctx.accounts if a.parent_id != reseller.id), None)
    if other is not None and reseller.listed:
        asker = _actor(other, Role.ACCOUNT_ADMIN)
        if asker is not None:
            actions.send_invitation(asker, partner=reseller)
