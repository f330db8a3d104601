"""The HTML side: define partner, issued/received requests, typed confirmation, dashboard
panel with Contact, the conversation page."""

from __future__ import annotations

import pytest

from channeldesk.relationships.models import PartnerInvitation

pytestmark = pytest.mark.django_db


def test_customer_defines_a_partner_and_manages_the_issued_request(world, web_as):
    c = web_as(world.members["account_admin"])
    page = c.get("/partner/define").content.decode()
    assert 'hx-get="/partner/search"' in page and "delay:300ms" in page
    r = c.post("/partner/define", {"partner_id": world.b.reseller.id})
    assert r.status_code == 302 and r["Location"].endswith("?tab=issued")
    listing = c.get(r["Location"]).content.decode()
    assert "Your invitation has been sent to Reseller B" in listing
    inv = PartnerInvitation.objects.get(account=world.a.customer)
    assert f"/notifications/requests/{inv.id}/resend" in listing
    # a second one is refused with a form error, nothing written
    r = c.post("/partner/define", {"partner_id": world.b.reseller.id})
    assert r.status_code == 422
    assert "already a pending invitation" in r.content.decode()
    # resend too early: a message and Retry-After, nothing sent
    r = c.post(f"/notifications/requests/{inv.id}/resend")
    assert r.status_code == 302 and int(r["Retry-After"]) > 0
    assert "later" in c.get("/notifications/requests/?tab=issued").content.decode()
    r = c.post(f"/notifications/requests/{inv.id}/cancel")
    inv.refresh_from_db()
    assert inv.status == "cancelled"
    # the dashboard offers to define a partner again
    assert "/partner/define" in c.get("/").content.decode()


def test_partner_accepts_with_typed_confirmation_and_dashboard_shows_contact(world, web_as):
    c = web_as(world.members["account_admin"])
    c.post("/partner/define", {"partner_id": world.b.reseller.id})
    inv = PartnerInvitation.objects.get(account=world.a.customer)
    p = web_as(world.members["b_partner_admin"])
    received = p.get("/notifications/requests/?tab=received").content.decode()
    assert (
        world.a.customer.name in received and f"/notifications/requests/{inv.id}/accept" in received
    )
    partner_home = p.get("/").content.decode()
    assert "Received requests" in partner_home and world.a.customer.name in partner_home
    page = p.get(f"/notifications/requests/{inv.id}/accept").content.decode()
    assert f'data-confirm-expected="{world.a.customer.name}"' in page
    r = p.post(f"/notifications/requests/{inv.id}/accept", {"confirm": "wrong"})
    assert r.status_code == 422
    inv.refresh_from_db()
    assert inv.status == "pending"
    r = p.post(f"/notifications/requests/{inv.id}/accept", {"confirm": world.a.customer.name})
    assert r.status_code == 302
    inv.refresh_from_db()
    assert inv.status == "accepted"
    # the new partner's account page offers the conversation
    account_page = p.get(f"/accounts/{world.a.customer.id}/").content.decode()
    assert 'id="account-conversation"' in account_page and "Open conversation" in account_page
    # old partner: the account page is gone at once
    old = web_as(world.members["partner_admin"])
    assert old.get(f"/accounts/{world.a.customer.id}/").status_code == 404
    # customer dashboard: Your partner + Contact opening the conversation
    home = c.get("/").content.decode()
    assert "Reseller B" in home and "Contact" in home and "History" in home
    r = c.post("/conversations/contact")
    assert r.status_code == 302 and "/conversations/" in r["Location"]
    thread = c.get(r["Location"]).content.decode()
    assert "Conversation with Reseller B" in thread
    r = c.post(r["Location"], {"text": "Hallo!"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "Hallo!" in r.content.decode()
    assert "<html" not in r.content.decode()
    r = c.post(r.request["PATH_INFO"], {"text": "   "}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "Write a message." in r.content.decode()


def test_requests_page_tabs_and_german_labels(world, web_as):
    p = web_as(world.members["b_partner_admin"])
    html = p.get("/notifications/requests/?tab=issued", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "/notifications/" in html and "tab=received" in html
    r = p.get("/notifications/requests/?tab=issued&status=pending", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="requests"' in r.content.decode()
    assert "<html" not in r.content.decode()


def test_reseller_pages_invite_an_account_by_id_and_ask_a_distributor(world, web_as):
    p = web_as(world.members["b_partner_admin"])
    page = p.get("/partner/define").content.decode()
    # one Define partner form (seed 003): the reseller ticks "Become a reseller of this dealer"
    assert "<h1>Define partner</h1>" in page and 'name="become_reseller"' in page
    assert "Become a reseller of this dealer" in page and 'name="account_id"' in page
    r = p.post("/partner/define", {"account_id": "0" * 26})
    assert r.status_code == 422 and "No customer account with this ID." in r.content.decode()
    r = p.post("/partner/define", {"account_id": world.a.customer.id})
    assert r.status_code == 302
    # the account admin answers under Received requests
    c = web_as(world.members["account_admin"])
    received = c.get("/notifications/requests/?tab=received").content.decode()
    inv = PartnerInvitation.objects.get(account=world.a.customer, status="pending")
    assert inv.direction == "partner_to_account" and inv.id in received
    c.post(f"/notifications/requests/{inv.id}/decline")
    inv.refresh_from_db()
    assert inv.status == "declined"
    # the reseller asks a distributor to take it on: without the tick it is told what to do
    r = p.post("/partner/define", {"partner_id": world.a.distributor.id})
    assert r.status_code == 422 and "tick “Become a reseller of this dealer”" in r.content.decode()
    assert not PartnerInvitation.objects.filter(account=world.b.reseller).exists()
    r = p.post("/partner/define", {"partner_id": world.a.distributor.id, "become_reseller": "1"})
    assert r.status_code == 302
    ask = PartnerInvitation.objects.get(account=world.b.reseller, status="pending")
    assert ask.direction == "reseller_to_distributor"
    d = web_as(world.members["distributor_admin"])
    r = d.post(f"/notifications/requests/{ask.id}/accept", {"confirm": world.b.reseller.name})
    assert r.status_code == 302
    world.b.reseller.refresh_from_db()
    assert world.b.reseller.parent_id == world.a.distributor.id
    # a distributor has no define page of its own
    assert d.get("/partner/define").status_code == 403
