"""The customer's side of subscriptions: the customer-managed contact is a site admin and sees
no billing anywhere (HTML, JSON, exports, e-mails) even with base packages and invoices on the
account; the customer's admins are told of new, suspended, reactivated and cancelled
subscriptions; what happens to subscriptions when the account changes partner."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from channeldesk.audit.models import AuditEvent
from channeldesk.billing.actions import issue
from channeldesk.billing.sources import InvoiceDraft, LineDraft
from channeldesk.notifications.models import Notification
from channeldesk.relationships.models import PartnerLink
from channeldesk.subscriptions import actions
from channeldesk.subscriptions.billing import wholesale_drafts
from channeldesk.subscriptions.models import Subscription
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership
from channeldesk.tenancy.roles import Role
from tests import factories
from tests.conftest import body_of
from tests.contracts import factories as contracts
from tests.subscriptions.factories import subscription

pytestmark = pytest.mark.django_db

# Amounts that appear nowhere but in prices: the base package's, a site's, a resource's, an
# invoice's, the product's wholesale price and its monthly value.
PRICES = ("47.11", "13.37", "3.21", "20.01", "10.005", "1.95", "23.40")


def _contact(world, api_as, email="eva@kunde.example"):
    r = api_as(world.members["partner_admin"]).post(
        "/subscriptions",
        {
            "product": "signatures_m365",
            "account_id": world.a.customer.id,
            "quantity": 12,
            "customer_managed": True,
            "customer_contact": {"name": "Eva Kunde", "email": email},
        },
    )
    assert r.status_code == 201, r.content
    return Subscription.objects.get(id=r.json()["id"]), Membership.objects.get(
        user__email=email, organization=world.a.customer
    )


def test_the_contact_is_a_site_admin_and_sees_no_billing_anywhere(
    world, api_as, web_as, smtp_server, deliver
):
    account = world.a.customer
    pkg = contracts.base_package(account, fee="47.11")
    contracts.site(pkg, fee="13.37", numbers=["+4930555000111"])
    contracts.resource(pkg, "parallel_calls", price="3.21")
    issue(
        InvoiceDraft(
            source="test",
            key="contact",
            issuer_id=world.a.reseller.id,
            bill_to_id=account.id,
            currency="EUR",
            lines=[LineDraft("Item", Decimal("2"), Decimal("10.005"), "EUR")],
        ),
        "2026-02",
    )
    sub, contact = _contact(world, api_as)
    assert contact.role == Role.SITE_ADMIN == actions.CONTACT_ROLE
    # the partner changes things the contact is told about
    partner = api_as(world.members["partner_admin"])
    assert partner.patch(f"/subscriptions/{sub.id}", {"quantity": 20}).status_code == 200
    assert partner.post(f"/subscriptions/{sub.id}/suspend").status_code == 200
    assert partner.post(f"/subscriptions/{sub.id}/reactivate").status_code == 200

    web = web_as(contact)
    pages = [
        "/",
        "/subscriptions/",
        f"/subscriptions/{sub.id}/",
        f"/accounts/{account.id}/",
        f"/accounts/{account.id}/licenses",
        f"/accounts/{account.id}/phone-numbers",
        "/licenses/",
        "/notifications/",
    ]
    for path in pages:
        r = web.get(path)
        assert r.status_code == 200, path
        html = r.content.decode()
        for price in PRICES:
            assert price not in html, (path, price)
        assert "Next payment" not in html and "Monthly value" not in html, path
    assert web.get("/invoices/").status_code == 403
    api = api_as(contact)
    for path in (
        "/subscriptions",
        f"/subscriptions/{sub.id}",
        "/products",
        "/catalog",
        f"/accounts/{account.id}/base-packages",
        "/me/licenses",
        "/notifications",
    ):
        r = api.get(path)
        assert r.status_code == 200, (path, r.content)
        body = r.content.decode()
        for price in PRICES:
            assert price not in body, (path, price)
        assert "unit_price" not in body and "next_payment_date" not in body, path
    assert api.get("/invoices").status_code == 403
    for path in ("/subscriptions/export.csv", f"/accounts/{account.id}/phone-numbers.csv"):
        r = web.get(path)
        assert r.status_code == 200, path
        body = b"".join(r.streaming_content if r.streaming else [r.content]).decode()
        for price in PRICES:
            assert price not in body, (path, price)
    deliver()
    mails = smtp_server.to("eva@kunde.example")
    assert {m["Subject"] for m in mails} >= {
        "Signatures for Microsoft 365: number of users changed to 20",
        "Signatures for Microsoft 365 was suspended",
        "Signatures for Microsoft 365 is active again",
    }
    for m in mails:
        for price in PRICES:
            assert price not in body_of(m) and price not in m["Subject"]
    # license assignment and the account's users are the contact's job
    member = factories.user(account, Role.MEMBER).user
    r = api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [member.id]})
    assert r.status_code == 201, r.content


def test_an_existing_member_named_as_contact_becomes_site_admin(world, api_as):
    member = world.members["member"]
    _sub, contact = _contact(world, api_as, email=member.user.email)
    assert contact.id == member.id and contact.role == Role.SITE_ADMIN
    assert AuditEvent.objects.filter(action="user.role_changed", target_id=member.id).exists()
    # an account admin named as contact keeps its role
    admin = world.members["account_admin"]
    _contact(world, api_as, email=admin.user.email)
    admin.refresh_from_db()
    assert admin.role == Role.ACCOUNT_ADMIN


def test_the_customer_hears_of_new_suspended_reactivated_and_cancelled_subscriptions(
    world, api_as, smtp_server, deliver
):
    admin, site_admin = world.members["account_admin"], world.members["site_admin"]
    nl = factories.user(world.a.customer, Role.ACCOUNT_ADMIN, language="nl")
    partner = api_as(world.members["partner_admin"])
    r = partner.post(
        "/subscriptions",
        {"product": "meetings_pro", "account_id": world.a.customer.id, "quantity": 7},
    )
    sub_id = r.json()["id"]
    partner.post(f"/subscriptions/{sub_id}/suspend")
    partner.post(f"/subscriptions/{sub_id}/reactivate")
    partner.post(f"/subscriptions/{sub_id}/cancel", {"at_term_end": True})
    partner.post(f"/subscriptions/{sub_id}/reactivate")
    partner.post(f"/subscriptions/{sub_id}/cancel", {"at_term_end": False})
    deliver()
    subjects = [m["Subject"] for m in smtp_server.to(admin.user.email)]
    assert subjects == [
        "New subscription: Meetings Pro",
        "Meetings Pro was suspended",
        "Meetings Pro is active again",
        "Meetings Pro ends at the end of its term",
        "Meetings Pro is active again",
        "Meetings Pro has ended",
    ]
    created = smtp_server.to(admin.user.email)[0]
    assert f"{world.a.reseller.name} set up Meetings Pro for {world.a.customer.name} with 7" in (
        body_of(created)
    )
    assert len(smtp_server.to(site_admin.user.email)) == 6
    dutch = [m["Subject"] for m in smtp_server.to(nl.user.email)]
    assert dutch[0] == "Nieuw abonnement: Meetings Pro" and len(dutch) == 6
    for m in smtp_server.messages:
        text = body_of(m)
        assert "60.00" not in text and "EUR" not in text and "Next payment" not in text
    kinds = list(
        Notification.objects.filter(user=admin.user).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == [
        "subscription.created",
        "subscription.suspended",
        "subscription.reactivated",
        "subscription.cancelled",
        "subscription.reactivated",
        "subscription.cancelled",
    ]
    # members are not told; a brand-new customer (created by name) has nobody to tell yet
    assert smtp_server.to(world.members["member"].user.email) == []


def test_the_period_job_ending_a_subscription_tells_the_customer(world, smtp_server, deliver):
    sub = subscription(world.a.customer, start_date=dt.date(2025, 1, 31))
    actions.cancel_subscription(Actor.system(), sub, at_term_end=True)
    deliver()
    smtp_server.clear()
    Notification.objects.all().delete()
    actions.roll_forward(dt.date(2025, 3, 1))
    sub.refresh_from_db()
    assert sub.status == "cancelled"
    deliver()
    [mail] = smtp_server.to(world.members["account_admin"].user.email)
    assert mail["Subject"] == "Signatures for Microsoft 365 has ended"


def _accept_move(world, api_as, to_key: str, to_org):
    inv = api_as(world.members["account_admin"]).post(
        "/partner-invitations", {"partner_id": to_org.id}
    )
    assert inv.status_code == 201, inv.content
    r = api_as(world.members[to_key]).post(f"/partner-invitations/{inv.json()['id']}/accept")
    assert r.status_code == 200, r.content


def test_subscriptions_move_with_the_account_and_billing_follows_the_new_partner(
    world, api_as, settings
):
    """Decided: the subscriptions stay the account's (licenses kept); the old partner loses
    sight at once; payments due from the switch date are billed to the new partner at its own
    price (the catalog's at the switch); the move is in the partner history and audited for
    the new partner, never with prices in the customer's log."""
    customer = world.a.customer
    start = dt.date(2026, 1, 10)
    sub = subscription(customer, quantity=4, start_date=start)
    member = factories.user(customer, Role.MEMBER).user
    actions.assign_licenses(Actor.system(), sub, [member.id])
    # the old partner had negotiated nothing: its price was an older catalog price
    Subscription.objects.filter(id=sub.id).update(unit_price=Decimal("1.50"))
    old = api_as(world.members["partner_admin"])
    assert old.get(f"/subscriptions/{sub.id}").status_code == 200

    _accept_move(world, api_as, "b_partner_admin", world.b.reseller)
    link = PartnerLink.objects.get(account=customer, ended_at__isnull=True)
    sub.refresh_from_db()
    assert sub.status == "active" and sub.assigned == 1 and sub.unit_price == Decimal("1.95")
    assert old.get(f"/subscriptions/{sub.id}").status_code == 404
    assert all(s["id"] != sub.id for s in old.get("/subscriptions").json()["items"])
    new = api_as(world.members["b_partner_admin"])
    got = new.get(f"/subscriptions/{sub.id}").json()
    assert got["unit_price"] == {"amount": "1.95", "currency": "EUR"}
    assert new.patch(f"/subscriptions/{sub.id}", {"quantity": 6}).status_code == 200

    event = AuditEvent.objects.get(action="subscription.partner_changed")
    assert event.organization_id == world.b.reseller.id
    assert event.changes["partner"] == {"before": world.a.reseller.id, "after": world.b.reseller.id}
    assert event.changes["unit_price"] == {"before": "1.50 EUR", "after": "1.95 EUR"}
    customer_log = api_as(world.members["account_admin"]).get("/audit-events").content.decode()
    assert "subscription.partner_changed" not in customer_log and "1.95" not in customer_log

    # billing (payments due on the 10th): as if the switch had been on 15 March, February's
    # and March's payments go to the old partner, April's to the new one, at its price
    PartnerLink.objects.filter(id=link.id).update(
        started_at=link.started_at.replace(year=2026, month=3, day=15)
    )
    # (two-tier: the operator bills the reseller's distributor, which bills the reseller)
    old_chain = {world.a.distributor.id, world.a.reseller.id}
    assert {d.bill_to_id for d in wholesale_drafts("2026-02")} == old_chain
    assert {d.bill_to_id for d in wholesale_drafts("2026-03")} == old_chain
    drafts = {d.bill_to_id: d for d in wholesale_drafts("2026-04")}
    assert set(drafts) == {world.b.distributor.id, world.b.reseller.id}
    assert drafts[world.b.reseller.id].issuer_id == world.b.distributor.id
    for bill_to in drafts.values():
        [line] = bill_to.lines
        assert line.unit_price == Decimal("1.95") and line.quantity == 6
