"""Reading (a thread or a notification is read through a POST, never a GET), the notifications
page's request tabs, the thread's pages, its error answers, and the partner history (API and
pages, within reach only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from channeldesk.core.ids import new_id
from channeldesk.core.models import Throttle
from channeldesk.notifications.models import Notification
from channeldesk.relationships.models import Conversation, Message, PartnerLink

pytestmark = pytest.mark.django_db


def _switch(world, api_as, customer_key: str, new_partner_key: str, partner):
    """The customer admin asks `partner`; its admin accepts."""
    inv = api_as(world.members[customer_key]).post(
        "/partner-invitations", {"partner_id": partner.id}
    )
    assert inv.status_code == 201, inv.content
    r = api_as(world.members[new_partner_key]).post(
        f"/partner-invitations/{inv.json()['id']}/accept"
    )
    assert r.status_code == 200, r.content


def _thread(world, api_as):
    """Customer A with its reseller A; the customer writes, the reseller has it unread."""
    customer = api_as(world.members["account_admin"])
    conv = customer.post("/conversations", {"account_id": world.a.customer.id}).json()
    r = customer.post(f"/conversations/{conv['id']}/messages", {"text": "Hallo"})
    assert r.status_code == 201
    return Conversation.objects.get(id=conv["id"])


def _unread(membership, conv) -> int:
    return Notification.objects.filter(
        user=membership.user, link=f"/conversations/{conv.id}/", read_at__isnull=True
    ).count()


def test_opening_a_thread_reads_it_through_a_post(world, api_as, web_as):
    conv = _thread(world, api_as)
    partner = world.members["partner_admin"]
    assert _unread(partner, conv) == 1
    c = web_as(partner)
    page = c.get(f"/conversations/{conv.id}/").content.decode()
    # the GET changes nothing; the page posts the read when it loads (and without JS a button)
    assert _unread(partner, conv) == 1
    assert f'hx-post="/conversations/{conv.id}/read" hx-trigger="load"' in page
    assert "<noscript>" in page and "Mark as read" in page
    r = c.post(f"/conversations/{conv.id}/read", HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and _unread(partner, conv) == 0
    assert 'hx-trigger="load"' not in c.get(f"/conversations/{conv.id}/").content.decode()
    # only the reader's own notifications: the agent's stays unread until it reads
    agent = world.members["partner_agent"]
    assert _unread(agent, conv) == 1
    r = web_as(agent).post(f"/conversations/{conv.id}/read")
    assert r.status_code == 302 and r["Location"] == f"/conversations/{conv.id}/"
    assert _unread(agent, conv) == 0
    assert web_as(agent).get(f"/conversations/{conv.id}/read").status_code == 405
    # another tree cannot even find the thread
    assert (
        web_as(world.members["b_partner_admin"]).post(f"/conversations/{conv.id}/read").status_code
        == 404
    )


def test_opening_a_notification_reads_it_and_follows_its_link(world, api_as, web_as):
    conv = _thread(world, api_as)
    partner = world.members["partner_admin"]
    n = Notification.objects.get(user=partner.user, link=f"/conversations/{conv.id}/")
    c = web_as(partner)
    listing = c.get("/notifications/").content.decode()
    assert f'action="/notifications/{n.id}/open"' in listing
    assert c.get(f"/notifications/{n.id}/open").status_code == 405
    n.refresh_from_db()
    assert n.read_at is None
    r = c.post(f"/notifications/{n.id}/open")
    assert r.status_code == 302 and r["Location"] == f"/conversations/{conv.id}/"
    n.refresh_from_db()
    assert n.read_at is not None
    # somebody else's notification does not exist for me
    assert (
        web_as(world.members["partner_agent"]).post(f"/notifications/{n.id}/open").status_code
        == 404
    )
    # a link that leaves the site is never followed
    odd = Notification.objects.create(
        user=partner.user,
        organization=partner.organization,
        kind="test",
        text="x",
        link="//evil.example/",
    )
    r = c.post(f"/notifications/{odd.id}/open")
    assert r.status_code == 302 and r["Location"] == "/notifications/"


def test_notifications_page_has_the_request_tabs_with_pending_counts(world, api_as, web_as):
    api_as(world.members["account_admin"]).post(
        "/partner-invitations", {"partner_id": world.b.reseller.id}
    )
    html = web_as(world.members["b_partner_admin"]).get("/notifications/").content.decode()
    assert 'data-tab="all"' in html and 'aria-current="page"' in html
    assert 'href="/notifications/requests/?tab=received"' in html
    assert 'href="/notifications/requests/?tab=issued"' in html
    received = html[html.index('data-tab="received"') :].split("</a>")[0]
    assert '<span class="badge">1</span>' in received
    issued = web_as(world.members["account_admin"]).get("/notifications/").content.decode()
    assert '<span class="badge">1</span>' in issued[issued.index('data-tab="issued"') :]
    # the requests tabs are the same bar; a member has no request tabs at all
    tab = web_as(world.members["account_admin"]).get("/notifications/requests/?tab=issued")
    assert 'data-tab="all"' in tab.content.decode()
    member = web_as(world.members["member"]).get("/notifications/").content.decode()
    assert "tab=received" not in member


def test_the_thread_pages_back_to_older_messages(world, api_as, web_as):
    conv = _thread(world, api_as)
    author = world.members["account_admin"]
    # ids in creation order (within one millisecond new_id's random part decides)
    ids = sorted(new_id() for _ in range(40))
    Message.objects.bulk_create(
        [
            Message(
                id=ids[i],
                conversation=conv,
                author=author.user,
                author_organization=world.a.customer,
                text=f"Nachricht {i:02d}",
            )
            for i in range(40)
        ]
    )
    c = web_as(author)
    page = c.get(f"/conversations/{conv.id}/").content.decode()
    assert "Nachricht 39" in page and "Nachricht 10" in page and "Nachricht 09" not in page
    assert page.index("Nachricht 10") < page.index("Nachricht 39")  # oldest to newest
    older = page.split('data-testid="older-messages"')[0].rsplit('href="', 1)[1].split('"')[0]
    older_page = c.get(older.replace("&amp;", "&")).content.decode()
    assert "Nachricht 09" in older_page and "Nachricht 00" in older_page and "Hallo" in older_page
    assert "Nachricht 10" not in older_page and "Latest messages" in older_page
    assert 'data-testid="older-messages"' not in older_page
    # a broken cursor shows the latest page, never an error
    assert c.get(f"/conversations/{conv.id}/?cursor=%%%").status_code == 200


def test_thread_form_errors_come_back_as_the_fragment_with_their_status(world, api_as, web_as):
    conv = _thread(world, api_as)
    admin = world.members["account_admin"]
    c = web_as(admin)
    r = c.post(f"/conversations/{conv.id}/", {"text": "  "}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and 'id="thread"' in r.content.decode()
    assert "Write a message." in r.content.decode() and "<html" not in r.content.decode()
    Throttle.objects.update_or_create(
        key=f"conversation-post:{admin.user.id}",
        defaults={"window_start": timezone.now(), "count": 60},
    )
    r = c.post(f"/conversations/{conv.id}/", {"text": "Noch eine"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert 'id="thread"' in body and "Too many messages" in body and "Noch eine" in body
    assert Message.objects.filter(text="Noch eine").count() == 0


def test_partner_history_within_reach_only(world, api_as, web_as):
    customer = world.a.customer
    _switch(world, api_as, "account_admin", "b_partner_admin", world.b.reseller)
    new = api_as(world.members["b_partner_admin"])
    r = new.get(f"/accounts/{customer.id}/partner-links")
    assert r.status_code == 200, r.content
    [link] = r.json()["items"]
    assert link["previous_partner"]["id"] == world.a.reseller.id
    assert link["partner"]["id"] == world.b.reseller.id
    assert link["initiated_by"]["id"] == customer.id and link["ended_at"] is None
    links = f"/accounts/{customer.id}/partner-links"

    def status(key: str) -> int:
        return api_as(world.members[key]).get(links).status_code

    # the old partner lost the account: its history is gone with it (404, page and API)
    assert status("partner_admin") == 404 and status("distributor_admin") == 404
    page = web_as(world.members["partner_admin"]).get(f"/accounts/{customer.id}/partner-history")
    assert page.status_code == 404
    # the customer's own admin reads it; site admins and members do not handle relationships
    assert len(api_as(world.members["account_admin"]).get(links).json()["items"]) == 1
    assert status("site_admin") == 403 and status("member") == 403
    assert status("operator_support") == 200

    # back to reseller A, offered by it this time: two links, keyset pages, B loses sight
    r = api_as(world.members["partner_admin"]).post(
        "/partner-invitations", {"account_id": customer.id}
    )
    assert r.status_code == 201
    assert (
        api_as(world.members["account_admin"])
        .post(f"/partner-invitations/{r.json()['id']}/accept")
        .status_code
        == 200
    )
    old = api_as(world.members["partner_admin"])
    first = old.get(f"/accounts/{customer.id}/partner-links?limit=1").json()
    assert first["items"][0]["partner"]["id"] == world.a.reseller.id
    assert first["items"][0]["initiated_by"]["id"] == world.a.reseller.id
    second = old.get(
        f"/accounts/{customer.id}/partner-links?limit=1&cursor={first['next_cursor']}"
    ).json()
    assert second["items"][0]["partner"]["id"] == world.b.reseller.id
    assert second["items"][0]["ended_at"] is not None and second["next_cursor"] is None
    assert new.get(f"/accounts/{customer.id}/partner-links").status_code == 404
    assert PartnerLink.objects.filter(account=customer, ended_at__isnull=True).count() == 1

    # the pages: the account page's panel and the full history
    c = web_as(world.members["partner_admin"])
    account_page = c.get(f"/accounts/{customer.id}/").content.decode()
    assert 'id="account-partner"' in account_page and "Partner history" in account_page
    html = c.get(f"/accounts/{customer.id}/partner-history").content.decode()
    assert html.count("data-link=") == 2 and world.b.reseller.name in html
    dashboard = web_as(world.members["account_admin"]).get("/").content.decode()
    assert "Partner history" in dashboard and world.b.reseller.name in dashboard


def test_your_partner_panel_holds_define_partner_and_contact(world, web_as):
    """Seed 003: Define partner and Contact sit in the YOUR PARTNER panel; every user of the
    account sees the partner's details, only the admin acts."""
    reseller = world.a.reseller
    reseller.support_email, reseller.phone = "support@reseller-a.test", "+49 30 1234567"
    reseller.save()
    admin = web_as(world.members["account_admin"]).get("/").content.decode()
    panel = admin[admin.index('id="your-partner"') :].split("</section>")[0]
    assert reseller.name in panel and "support@reseller-a.test" in panel
    assert "+49 30 1234567" in panel and ">Contact<" in panel and "/partner/define" in panel
    member = web_as(world.members["member"]).get("/").content.decode()
    panel = member[member.index('id="your-partner"') :].split("</section>")[0]
    assert reseller.name in panel and ">Contact<" not in panel and "/partner/define" not in panel
    # a direct customer of the operator has no partner and defines one
    direct = web_as(world.members["direct_account_admin"]).get("/").content.decode()
    panel = direct[direct.index('id="your-partner"') :].split("</section>")[0]
    assert "No partner manages this account." in panel and "Define partner" in panel


def test_history_is_kept_with_dates(world, api_as):
    _switch(world, api_as, "account_admin", "b_partner_admin", world.b.reseller)
    link = PartnerLink.objects.get(account=world.a.customer)
    assert timezone.now() - link.started_at < dt.timedelta(minutes=1)
