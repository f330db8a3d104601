"""The full life cycle of a partner invitation through the API (product.md §6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from channeldesk.audit.models import AuditEvent
from channeldesk.core import jobs
from channeldesk.notifications.models import Notification
from channeldesk.relationships.models import PartnerInvitation, PartnerLink
from channeldesk.tenancy.models import Organization

pytestmark = pytest.mark.django_db


def _age(inv_id: str, **delta) -> None:
    """Let time pass for one invitation (the clock is not ours to mock)."""
    inv = PartnerInvitation.objects.get(id=inv_id)
    PartnerInvitation.objects.filter(id=inv_id).update(
        last_sent_at=inv.last_sent_at - dt.timedelta(**delta),
        expires_at=inv.expires_at - dt.timedelta(**delta),
    )


def test_full_life_cycle_send_resend_cancel_decline_accept_expire(world, api_as):
    customer = api_as(world.members["account_admin"])
    new_partner = api_as(world.members["b_partner_admin"])
    old_partner = api_as(world.members["partner_admin"])
    account = world.a.customer
    target = world.b.reseller

    # send
    r = customer.post("/partner-invitations", {"partner_id": target.id})
    assert r.status_code == 201, r.content
    first = r.json()
    assert first["status"] == "pending"
    assert first["direction"] == "account_to_partner"
    assert first["partner"]["id"] == target.id and first["account"]["id"] == account.id
    # the partner is told in-app
    assert Notification.objects.filter(
        user=world.members["b_partner_admin"].user, kind="invitation.sent"
    ).exists()

    # resend limit: once per hour -> 429 with Retry-After
    r = customer.post(f"/partner-invitations/{first['id']}/resend")
    assert r.status_code == 429
    assert 0 < int(r["Retry-After"]) <= 3600
    _age(first["id"], minutes=61)
    r = customer.post(f"/partner-invitations/{first['id']}/resend")
    assert r.status_code == 200, r.content
    assert r.json()["send_count"] == 2

    # one pending at a time
    assert customer.post("/partner-invitations", {"partner_id": target.id}).status_code == 409

    # the partner cannot cancel, the customer cannot accept its own request
    assert new_partner.post(f"/partner-invitations/{first['id']}/cancel").status_code == 403
    assert customer.post(f"/partner-invitations/{first['id']}/accept").status_code == 403
    # someone else entirely does not see it
    assert old_partner.get(f"/partner-invitations/{first['id']}").status_code == 404

    # cancel
    r = customer.post(f"/partner-invitations/{first['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert customer.post(f"/partner-invitations/{first['id']}/cancel").status_code == 409

    # send again, decline
    r = customer.post("/partner-invitations", {"partner_id": target.id})
    assert r.status_code == 201
    second = r.json()
    received = new_partner.get("/partner-invitations?direction=received&status=pending").json()
    assert [i["id"] for i in received["items"]] == [second["id"]]
    issued = customer.get("/partner-invitations?direction=issued").json()
    assert {i["id"] for i in issued["items"]} == {first["id"], second["id"]}
    r = new_partner.post(f"/partner-invitations/{second['id']}/decline")
    assert r.status_code == 200 and r.json()["status"] == "declined"

    # send again, accept
    third = customer.post("/partner-invitations", {"partner_id": target.id}).json()
    assert old_partner.get(f"/accounts/{account.id}").status_code == 200
    r = new_partner.post(f"/partner-invitations/{third['id']}/accept")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted"
    account.refresh_from_db()
    assert account.parent_id == target.id
    assert account.path == f"{target.path}{account.id}/"
    assert account.depth == target.depth + 1
    # reach follows at once: the new partner sees the account, the old one gets 404
    assert new_partner.get(f"/accounts/{account.id}").status_code == 200
    assert old_partner.get(f"/accounts/{account.id}").status_code == 404
    assert customer.get("/me").status_code == 200
    # history kept: who, when, from which partner to which
    link = PartnerLink.objects.get(account=account, ended_at__isnull=True)
    assert link.partner_id == target.id
    assert link.previous_partner_id == world.a.reseller.id
    assert link.started_by_id == world.members["b_partner_admin"].user.id
    # audited; both sides notified in-app
    assert (
        AuditEvent.objects.filter(action="invitation.accepted", target_id=third["id"]).count() == 1
    )
    assert AuditEvent.objects.filter(
        action="account.partner_changed", target_id=account.id
    ).exists()
    for key in ("account_admin", "b_partner_admin"):
        assert Notification.objects.filter(
            user=world.members[key].user, kind="invitation.accepted"
        ).exists()
    # accepting twice is a conflict
    assert new_partner.post(f"/partner-invitations/{third['id']}/accept").status_code == 409

    # expiry: a pending invitation older than 30 days expires through the periodic job
    fourth = customer.post("/partner-invitations", {"partner_id": world.a.reseller.id}).json()
    assert fourth["status"] == "pending"
    _age(fourth["id"], days=31)
    # what the worker does every few seconds: run the periodic jobs that are due
    assert "partner-invitations-expire" in jobs.run_due()
    r = customer.get(f"/partner-invitations/{fourth['id']}")
    assert r.json()["status"] == "expired"
    assert (
        customer.get("/partner-invitations?status=expired").json()["items"][0]["id"] == fourth["id"]
    )
    assert Notification.objects.filter(
        user=world.members["account_admin"].user, kind="invitation.expired"
    ).exists()
    assert (
        AuditEvent.objects.filter(action="invitation.expired", target_id=fourth["id"]).count() == 1
    )
    # after expiry a new invitation may be sent
    assert (
        customer.post("/partner-invitations", {"partner_id": world.a.reseller.id}).status_code
        == 201
    )


def test_validation_and_reach_of_invitation_requests(world, api_as):
    customer = api_as(world.members["account_admin"])
    assert customer.post("/partner-invitations", {}).status_code == 422
    r = customer.post("/partner-invitations", {"partner_id": "x", "account_id": "y"})
    assert r.status_code == 422
    r = customer.post(
        "/partner-invitations", {"partner_id": world.b.reseller.id, "status": "accepted"}
    )
    assert r.status_code == 422
    # unlisted partner: not in the directory -> 404
    assert not world.b.sibling_reseller.listed
    r = customer.post("/partner-invitations", {"partner_id": world.b.sibling_reseller.id})
    assert r.status_code == 404
    # a distributor is not a customer's partner
    r = customer.post("/partner-invitations", {"partner_id": world.b.distributor.id})
    assert r.status_code == 422
    # the current partner is already the partner
    r = customer.post("/partner-invitations", {"partner_id": world.a.reseller.id})
    assert r.status_code == 409
    assert customer.get("/partner-invitations?direction=sideways").status_code == 422
    assert customer.get("/partner-invitations?status=nope").status_code == 422
    # a site admin may not invite
    assert (
        api_as(world.members["site_admin"])
        .post("/partner-invitations", {"partner_id": world.b.reseller.id})
        .status_code
        == 403
    )
    assert PartnerInvitation.objects.count() == 0


def test_partner_invites_existing_account_and_account_admin_accepts(world, api_as):
    partner = api_as(world.members["b_partner_admin"])
    account = world.a.customer
    r = partner.post("/partner-invitations", {"account_id": account.id})
    assert r.status_code == 201, r.content
    inv = r.json()
    assert inv["direction"] == "partner_to_account"
    assert inv["recipient"]["id"] == account.id
    # unknown ids stay 404
    assert partner.post("/partner-invitations", {"account_id": "0" * 26}).status_code == 404
    # the account's site admin cannot answer; its account admin can
    assert api_as(world.members["site_admin"]).post(
        f"/partner-invitations/{inv['id']}/accept"
    ).status_code in (403, 404)
    admin = api_as(world.members["account_admin"])
    received = admin.get("/partner-invitations?direction=received").json()["items"]
    assert [i["id"] for i in received] == [inv["id"]]
    r = admin.post(f"/partner-invitations/{inv['id']}/accept")
    assert r.status_code == 200, r.content
    account.refresh_from_db()
    assert account.parent_id == world.b.reseller.id
    assert partner.get(f"/accounts/{account.id}").status_code == 200
    assert api_as(world.members["partner_admin"]).get(f"/accounts/{account.id}").status_code == 404


def test_reseller_becomes_a_reseller_of_a_distributor_with_its_customers(world, api_as):
    reseller = api_as(world.members["partner_admin"])
    moving, customer = world.a.reseller, world.a.customer
    r = reseller.post("/partner-invitations", {"partner_id": world.b.distributor.id})
    assert r.status_code == 201, r.content
    inv = r.json()
    assert inv["direction"] == "reseller_to_distributor"
    distributor = api_as(factories_admin(world.b.distributor))
    r = distributor.post(f"/partner-invitations/{inv['id']}/accept")
    assert r.status_code == 200, r.content
    moving.refresh_from_db()
    customer.refresh_from_db()
    assert moving.parent_id == world.b.distributor.id
    assert customer.path == f"{world.b.distributor.path}{moving.id}/{customer.id}/"
    assert customer.depth == 3
    # the old distributor lost the reseller and its customer; the new one reads both
    old = api_as(world.members["distributor_admin"])
    assert old.get(f"/partners/{moving.id}").status_code == 404
    assert old.get(f"/accounts/{customer.id}").status_code == 404
    assert distributor.get(f"/accounts/{customer.id}").status_code == 200
    assert Organization.objects.get(id=customer.id).parent_id == moving.id


def factories_admin(org):
    from channeldesk.tenancy.roles import Role
    from tests import factories

    return factories.user(org, Role.PARTNER_ADMIN)


def test_expired_but_not_yet_swept_invitation_cannot_be_accepted(world, api_as):
    customer = api_as(world.members["account_admin"])
    inv = customer.post("/partner-invitations", {"partner_id": world.b.reseller.id}).json()
    PartnerInvitation.objects.filter(id=inv["id"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    r = api_as(world.members["b_partner_admin"]).post(f"/partner-invitations/{inv['id']}/accept")
    assert r.status_code == 409
    world.a.customer.refresh_from_db()
    assert world.a.customer.parent_id == world.a.reseller.id
    # sending a new one sweeps the stale one
    assert (
        customer.post("/partner-invitations", {"partner_id": world.b.reseller.id}).status_code
        == 201
    )
    assert PartnerInvitation.objects.get(id=inv["id"]).status == "expired"


def test_send_with_the_same_idempotency_key_replays_the_first_answer(world, api_as):
    customer = api_as(world.members["account_admin"])
    body = {"partner_id": world.b.reseller.id}
    first = customer.post("/partner-invitations", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = customer.post("/partner-invitations", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert PartnerInvitation.objects.count() == 1
    other = customer.post(
        "/partner-invitations", {"partner_id": world.a.reseller.id}, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422
