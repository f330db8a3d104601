"""Authorization matrix entries of the relationships app (product.md §2, §6).

Invitations belong to two organizations (issuer and recipient); only those two parties (and
the operator) see one. The builders therefore create, per principal, an invitation in which the
principal's organization takes the side the route needs; routes on conversations target the
customer account whose thread it is.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.security.matrix import (
    ANY,
    OP_ADMIN,
    OPERATOR,
    PARTNERS,
    REACH,
    Entry,
    grant,
    merge,
    path,
    with_body,
)

API = "/api/v1"
CUSTOMER_ADMIN = {"account_admin"}
RESELLER_PEOPLE = {"partner_admin", "partner_agent"}
DISTRIBUTOR_PEOPLE = {"distributor_admin", "distributor_agent"}
VIEWERS = OPERATOR | PARTNERS | CUSTOMER_ADMIN


def _invitation(world, principal, side: str):
    """A pending invitation in which the principal's organization is `side` (issuer or
    recipient) when its kind can be; the operator gets one between tree A and tree B."""
    from channeldesk.relationships.models import Direction, PartnerInvitation

    org = principal.organization
    b_reseller, b_customer = world.b.reseller, world.b.customer
    if org.kind == "customer":
        if side == "issuer":
            spec = (Direction.ACCOUNT_TO_PARTNER, org, b_reseller, org, b_reseller)
        else:
            spec = (Direction.PARTNER_TO_ACCOUNT, org, b_reseller, b_reseller, org)
    elif org.kind == "reseller":
        if side == "issuer":
            spec = (Direction.PARTNER_TO_ACCOUNT, b_customer, org, org, b_customer)
        else:
            spec = (Direction.ACCOUNT_TO_PARTNER, b_customer, org, b_customer, org)
    elif org.kind == "distributor":
        s = world.b.sibling_reseller
        spec = (Direction.RESELLER_TO_DISTRIBUTOR, s, org, s, org)
    else:
        a = world.a.customer
        spec = (Direction.ACCOUNT_TO_PARTNER, a, b_reseller, a, b_reseller)
    direction, account, partner, issuer, recipient = spec
    now = timezone.now()
    return PartnerInvitation.objects.create(
        direction=direction,
        account=account,
        partner=partner,
        issuer=issuer,
        recipient=recipient,
        last_sent_at=now - dt.timedelta(hours=2),
        expires_at=now + dt.timedelta(days=28),
    )


def inv_path(template: str, side: str):
    def build(world, target, principal):
        return template.format(id=_invitation(world, principal, side).id), {}

    return build


def _conversation(world, target):
    from channeldesk.relationships.models import Conversation

    return Conversation.objects.get_or_create(account=target, partner=target.parent)[0]


def conv_path(template: str, body=None):
    def build(world, target, principal):
        return template.format(id=_conversation(world, target).id), body or {}

    return build


def _partner_body(world, target, principal):
    kind = principal.organization.kind
    return {"partner_id": (world.b.distributor if kind == "reseller" else world.b.reseller).id}


def _define_body(world, target, principal):
    return {**_partner_body(world, target, principal), "become_reseller": "1"}


ISSUERS = RESELLER_PEOPLE | CUSTOMER_ADMIN
RESPONDERS = RESELLER_PEOPLE | DISTRIBUTOR_PEOPLE | CUSTOMER_ADMIN
# Operator admins may call the collection POST; it answers 422 (no partner for an operator).
SENDERS = ISSUERS | DISTRIBUTOR_PEOPLE | OP_ADMIN
THREAD_PEOPLE = merge(grant(CUSTOMER_ADMIN, {"own"}), grant(RESELLER_PEOPLE, {"child"}))
THREAD_READERS = merge(THREAD_PEOPLE, grant(OPERATOR, ANY))
# The partner history: whoever reads the account's relationships, within reach only.
HISTORY_READERS = merge(
    grant(OPERATOR, ANY), grant(PARTNERS, REACH), grant(CUSTOMER_ADMIN, {"own"})
)

ENTRIES: list[Entry] = [
    Entry(
        "GET",
        f"{API}/partner-invitations",
        grant(VIEWERS),
        build=path(f"{API}/partner-invitations"),
    ),
    Entry(
        "POST",
        f"{API}/partner-invitations",
        grant(SENDERS),
        build=with_body(path(f"{API}/partner-invitations"), _partner_body),
        ok={422},  # the body does not fit every sender's situation: validated after the grant
    ),
    Entry(
        "GET",
        f"{API}/partner-invitations/{{invitation_id}}",
        grant(VIEWERS),
        build=inv_path(f"{API}/partner-invitations/{{id}}", "issuer"),
    ),
    Entry(
        "POST",
        f"{API}/partner-invitations/{{invitation_id}}/resend",
        grant(ISSUERS),
        build=inv_path(f"{API}/partner-invitations/{{id}}/resend", "issuer"),
    ),
    Entry(
        "POST",
        f"{API}/partner-invitations/{{invitation_id}}/cancel",
        grant(ISSUERS),
        build=inv_path(f"{API}/partner-invitations/{{id}}/cancel", "issuer"),
    ),
    Entry(
        "POST",
        f"{API}/partner-invitations/{{invitation_id}}/accept",
        grant(RESPONDERS),
        build=inv_path(f"{API}/partner-invitations/{{id}}/accept", "recipient"),
    ),
    Entry(
        "POST",
        f"{API}/partner-invitations/{{invitation_id}}/decline",
        grant(RESPONDERS),
        build=inv_path(f"{API}/partner-invitations/{{id}}/decline", "recipient"),
    ),
    Entry("GET", f"{API}/conversations", grant(VIEWERS), build=path(f"{API}/conversations")),
    Entry(
        "POST",
        f"{API}/conversations",
        THREAD_PEOPLE,
        target="customer",
        build=lambda w, t, p: (f"{API}/conversations", {"account_id": t.id}),
    ),
    Entry(
        "GET",
        f"{API}/conversations/{{conversation_id}}/messages",
        THREAD_READERS,
        target="customer",
        build=conv_path(f"{API}/conversations/{{id}}/messages"),
    ),
    Entry(
        "POST",
        f"{API}/conversations/{{conversation_id}}/messages",
        THREAD_PEOPLE,
        target="customer",
        build=conv_path(f"{API}/conversations/{{id}}/messages", {"text": "Hello"}),
    ),
    Entry(
        "GET",
        f"{API}/accounts/{{account_id}}/partner-links",
        HISTORY_READERS,
        target="customer",
        build=lambda w, t, p: (f"{API}/accounts/{t.id}/partner-links", {}),
    ),
    # ---- pages ----
    Entry("GET", "relationships:define", grant(ISSUERS), build=path("/partner/define")),
    Entry(
        "POST",
        "relationships:define",
        grant(ISSUERS),
        build=with_body(path("/partner/define"), _define_body),
    ),
    Entry("GET", "relationships:search", grant(ISSUERS), build=path("/partner/search?q=re")),
    Entry("GET", "relationships:requests", grant(VIEWERS), build=path("/notifications/requests/")),
    Entry(
        "POST",
        "relationships:resend",
        grant(ISSUERS),
        build=inv_path("/notifications/requests/{id}/resend", "issuer"),
    ),
    Entry(
        "POST",
        "relationships:cancel",
        grant(ISSUERS),
        build=inv_path("/notifications/requests/{id}/cancel", "issuer"),
    ),
    Entry(
        "GET",
        "relationships:accept",
        grant(VIEWERS),
        build=inv_path("/notifications/requests/{id}/accept", "recipient"),
        note="the confirmation page; the POST decides",
    ),
    Entry(
        "POST",
        "relationships:accept",
        grant(RESPONDERS),
        build=lambda w, t, p: (
            lambda inv: (
                f"/notifications/requests/{inv.id}/accept",
                {"confirm": inv.account.name},
            )
        )(_invitation(w, p, "recipient")),
    ),
    Entry(
        "POST",
        "relationships:decline",
        grant(RESPONDERS),
        build=inv_path("/notifications/requests/{id}/decline", "recipient"),
    ),
    Entry(
        "POST",
        "relationships:contact",
        THREAD_PEOPLE,
        target="customer",
        build=lambda w, t, p: ("/conversations/contact", {"account_id": t.id}),
    ),
    Entry(
        "GET",
        "relationships:conversation",
        THREAD_READERS,
        target="customer",
        build=conv_path("/conversations/{id}/"),
    ),
    Entry(
        "POST",
        "relationships:conversation",
        THREAD_PEOPLE,
        target="customer",
        build=conv_path("/conversations/{id}/", {"text": "Hello"}),
    ),
    Entry(
        "POST",
        "relationships:read",
        THREAD_READERS,
        target="customer",
        build=conv_path("/conversations/{id}/read"),
    ),
    Entry(
        "GET",
        "relationships:history",
        HISTORY_READERS,
        target="customer",
        build=lambda w, t, p: (f"/accounts/{t.id}/partner-history", {}),
    ),
]
