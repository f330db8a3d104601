"""E-mails over real SMTP in the recipient's language, and the account<->partner thread."""

from __future__ import annotations

import pytest

from channeldesk.notifications.models import Notification
from channeldesk.relationships.models import Message
from channeldesk.tenancy.roles import Role
from tests import factories
from tests.conftest import body_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    """A Dutch-speaking customer admin and a German-speaking admin of the new reseller."""
    nl = factories.user(
        world.a.customer, Role.ACCOUNT_ADMIN, email="anouk@klant.test", language="nl"
    )
    de = factories.user(
        world.b.reseller, Role.PARTNER_ADMIN, email="jonas@haendler.test", language="de"
    )
    return nl, de


def test_invitation_emails_reach_each_side_in_its_language(
    world, api_as, people, smtp_server, deliver
):
    nl, de = people
    customer, partner = api_as(nl), api_as(de)
    inv = customer.post("/partner-invitations", {"partner_id": world.b.reseller.id}).json()
    deliver()
    [received] = smtp_server.to("jonas@haendler.test")
    assert received["Subject"] == f"{world.a.customer.name} bittet Sie, sein Partner zu werden"
    body = body_of(received)
    assert "Hallo" in body and "Erhaltene Anfragen" in body
    assert "http://" in body and "/notifications/requests/?tab=received" in body

    smtp_server.clear()
    assert partner.post(f"/partner-invitations/{inv['id']}/accept").status_code == 200
    deliver()
    [to_customer] = smtp_server.to("anouk@klant.test")
    assert to_customer["Subject"] == (
        f"{world.b.reseller.name} is nu de partner van {world.a.customer.name}"
    )
    assert "heeft het verzoek geaccepteerd" in body_of(to_customer)
    [to_partner] = smtp_server.to("jonas@haendler.test")
    assert to_partner["Subject"] == (
        f"{world.b.reseller.name} ist jetzt Partner von {world.a.customer.name}"
    )
    # the old partner's people get nothing by e-mail that names the new partner
    old = world.members["partner_admin"].user.email
    assert all(world.b.reseller.name not in body_of(m) for m in smtp_server.to(old))


def test_declined_invitation_is_emailed_to_the_issuer_in_dutch(
    world, api_as, people, smtp_server, deliver
):
    nl, de = people
    inv = api_as(nl).post("/partner-invitations", {"partner_id": world.b.reseller.id}).json()
    api_as(de).post(f"/partner-invitations/{inv['id']}/decline")
    deliver()
    [declined] = [m for m in smtp_server.to("anouk@klant.test") if "afgewezen" in m["Subject"]]
    assert declined["Subject"] == f"{world.b.reseller.name} heeft uw verzoek afgewezen"


def test_messages_go_back_and_forth_as_thread_email_and_unread_notification(
    world, api_as, people, smtp_server, deliver
):
    nl, de = people
    customer, partner = api_as(nl), api_as(de)
    inv = customer.post("/partner-invitations", {"partner_id": world.b.reseller.id}).json()
    partner.post(f"/partner-invitations/{inv['id']}/accept")
    [conv] = customer.get("/conversations").json()["items"]
    assert conv["partner"]["id"] == world.b.reseller.id
    assert customer.post("/conversations", {"account_id": world.a.customer.id}).status_code == 200
    deliver()
    smtp_server.clear()

    r = customer.post(f"/conversations/{conv['id']}/messages", {"text": "Können Sie uns helfen?"})
    assert r.status_code == 201, r.content
    assert r.json()["organization"]["id"] == world.a.customer.id
    deliver()
    [mail] = smtp_server.to("jonas@haendler.test")
    assert mail["Subject"] == f"Neue Nachricht von {world.a.customer.name}"
    assert "Können Sie uns helfen?" in body_of(mail)
    unread = partner.get("/notifications?unread=true").json()
    assert unread["unread"] >= 1
    assert any(n["kind"] == "conversation.message_posted" for n in unread["items"])

    r = partner.post(f"/conversations/{conv['id']}/messages", {"text": "Natuurlijk, morgen."})
    assert r.status_code == 201
    deliver()
    reply = [m for m in smtp_server.to("anouk@klant.test") if "bericht" in m["Subject"]]
    assert reply and reply[0]["Subject"] == f"Nieuw bericht van {world.b.reseller.name}"
    # answering marks the thread's notifications read for the one who answers
    assert not Notification.objects.filter(
        user=de.user, kind="conversation.message_posted", read_at__isnull=True
    ).exists()
    thread = customer.get(f"/conversations/{conv['id']}/messages").json()["items"]
    assert [m["text"] for m in thread] == ["Natuurlijk, morgen.", "Können Sie uns helfen?"]
    # validation
    assert customer.post(f"/conversations/{conv['id']}/messages", {"text": ""}).status_code == 422
    assert (
        customer.post(
            f"/conversations/{conv['id']}/messages", {"text": "x", "author": "y"}
        ).status_code
        == 422
    )
    assert Message.objects.count() == 2


def test_switching_partner_takes_the_thread_away_from_the_old_partner(world, api_as, web_as):
    customer = api_as(world.members["account_admin"])
    old = api_as(world.members["partner_admin"])
    r = old.post("/conversations", {"account_id": world.a.customer.id})
    assert r.status_code == 201
    conv_id = r.json()["id"]
    assert old.post(f"/conversations/{conv_id}/messages", {"text": "Hi"}).status_code == 201
    inv = customer.post("/partner-invitations", {"partner_id": world.b.reseller.id}).json()
    api_as(world.members["b_partner_admin"]).post(f"/partner-invitations/{inv['id']}/accept")
    assert old.get(f"/conversations/{conv_id}/messages").status_code == 404
    assert (
        old.post(f"/conversations/{conv_id}/messages", {"text": "Still there?"}).status_code == 404
    )
    assert (
        web_as(world.members["partner_admin"]).get(f"/conversations/{conv_id}/").status_code == 404
    )
    assert customer.get(f"/conversations/{conv_id}/messages").status_code == 404
    [current] = customer.get("/conversations").json()["items"]
    assert current["partner"]["id"] == world.b.reseller.id


def test_conversation_list_stays_within_a_query_budget(
    world, api_as, django_assert_max_num_queries
):
    partner = api_as(world.members["partner_admin"])
    for i in range(5):
        acct = factories.org("customer", world.a.reseller, name=f"Budget {i}")
        partner.post("/conversations", {"account_id": acct.id})
    with django_assert_max_num_queries(8):
        assert len(partner.get("/conversations").json()["items"]) == 5
    for i in range(5):
        factories.org("reseller", world.operator, name=f"Zulu {i}", listed=True)
    customer = api_as(world.members["account_admin"])
    for i in range(3):
        inv = customer.post(
            "/partner-invitations",
            {"partner_id": factories.org("reseller", world.operator, listed=True).id},
        ).json()
        customer.post(f"/partner-invitations/{inv['id']}/cancel")
    with django_assert_max_num_queries(8):
        assert len(customer.get("/partner-invitations?direction=issued").json()["items"]) == 3
