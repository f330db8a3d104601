"""The web UI: console, dialog, subscription page, licenses, panels."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Role
from tests import factories
from tests.conftest import body_of, without_tokens
from tests.subscriptions.factories import subscription

BILLING_MARKERS = ("1.95", "EUR", "Next payment", "Monthly value", "Unit price")


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_console_lists_subscriptions_with_totals_and_payment_dates(world, web_as):
    sub = subscription(world.a.customer, quantity=10)
    subscription(world.b.customer, quantity=99)
    r = web_as(world.members["partner_admin"]).get("/subscriptions/")
    html = r.content.decode()
    assert r.status_code == 200
    assert world.a.customer.name in html and world.b.customer.name not in html
    assert sub.next_payment_date.isoformat() in html
    assert 'data-testid="total-users">10<' in html
    assert "19.50 EUR" in html
    assert "New customer subscription" in html


def test_console_filters_sorts_and_paginates(world, web_as):
    a = subscription(world.a.customer, quantity=3)
    b = subscription(world.a.sibling_customer, quantity=7, product="meetings_pro")
    c = web_as(world.members["distributor_admin"])
    html = c.get("/subscriptions/?product=meetings_pro").content.decode()
    assert world.a.sibling_customer.name in html and f"/subscriptions/{a.id}/" not in html
    html = c.get(f"/subscriptions/?q={world.a.customer.name}").content.decode()
    assert f"/subscriptions/{a.id}/" in html and f"/subscriptions/{b.id}/" not in html
    html = c.get("/subscriptions/?sort=-quantity").content.decode()
    assert html.index(f"/subscriptions/{b.id}/") < html.index(f"/subscriptions/{a.id}/")
    assert 'aria-sort="descending"' in html
    r = c.get("/subscriptions/?status=active", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "<html" not in r.content.decode()
    for i in range(55):
        subscription(world.a.customer, quantity=1)
    html = c.get("/subscriptions/").content.decode()
    assert 'rel="next"' in html


def test_csv_export_honours_filters_and_neutralises_formulas(world, web_as):
    evil = factories.org("customer", world.a.reseller, name='=HYPERLINK("http://x")')
    for name in ("+cmd", "-2+3", "@SUM(A1)"):
        subscription(factories.org("customer", world.a.reseller, name=name), quantity=2)
    subscription(evil, quantity=4)
    subscription(world.a.customer, quantity=5, product="meetings_pro")
    c = web_as(world.members["partner_admin"])
    rows = _csv(c.get("/subscriptions/export.csv?product=signatures_m365"))
    assert rows[0][:5] == ["Customer", "Product", "Number of users", "Licenses assigned", "Status"]
    assert "Next payment date" in rows[0]
    names = sorted(r[0] for r in rows[1:])
    assert names == sorted(['\'=HYPERLINK("http://x")', "'+cmd", "'-2+3", "'@SUM(A1)"])
    assert all(not r[0].startswith(("=", "+", "-", "@")) for r in rows[1:])
    rows = _csv(c.get("/subscriptions/export.csv?product=meetings_pro"))
    assert len(rows) == 2 and rows[1][0] == world.a.customer.name


def test_customer_sees_no_billing_in_html_or_export(world, web_as):
    sub = subscription(world.a.customer, quantity=10)
    c = web_as(world.members["account_admin"])
    for path in (
        "/subscriptions/",
        f"/subscriptions/{sub.id}/",
        f"/accounts/{world.a.customer.id}/",
        "/",
    ):
        html = without_tokens(c.get(path).content.decode())
        for marker in BILLING_MARKERS:
            assert marker not in html, (path, marker)
        assert sub.next_payment_date.isoformat() not in html, path
    rows = _csv(c.get("/subscriptions/export.csv"))
    assert rows[0] == ["Customer", "Product", "Number of users", "Licenses assigned", "Status"]
    assert "New customer subscription" not in c.get("/subscriptions/").content.decode()


def test_new_subscription_dialog_for_existing_and_new_customers(
    world, web_as, smtp_server, deliver
):
    reseller = world.a.reseller
    reseller.country, reseller.postal_code = "DE", "10115"
    reseller.save()
    c = web_as(world.members["partner_admin"])
    assert c.get("/subscriptions/new").status_code == 200
    html = c.get(
        f"/subscriptions/customers?customer_name={world.a.customer.name[:6]}"
    ).content.decode()
    assert world.a.customer.id in html and world.b.customer.id not in html
    r = c.post(
        "/subscriptions/new",
        {"product": "signatures_google", "account_id": world.a.customer.id, "quantity": "7"},
    )
    assert r.status_code == 302
    sub = Subscription.objects.get(account=world.a.customer)
    assert sub.quantity == 7 and sub.product == "signatures_google"
    r = c.post(
        "/subscriptions/new",
        {
            "product": "signatures_m365",
            "customer_name": "Kunde Neu AG",
            "customer_country": "DE",
            "customer_postal_code": "80331",
            "quantity": "40",
            "customer_managed": "on",
            "contact_name": "Nora Neu",
            "contact_email": "nora@kunde-neu.example",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    account = Organization.objects.get(name="Kunde Neu AG")
    assert account.parent_id == reseller.id and account.postal_code == "80331"
    deliver()
    [mail] = smtp_server.to("nora@kunde-neu.example")
    text = body_of(mail)
    assert "/auth/set-password?token=" in text and "Signatures for Microsoft 365" in text
    text = without_tokens(text)
    assert "EUR" not in text and "1.95" not in text


def test_dialog_refuses_bad_input_with_form_errors(world, web_as):
    c = web_as(world.members["partner_admin"])
    r = c.post(
        "/subscriptions/new",
        {
            "product": "softphone_app",
            "account_id": world.a.customer.id,
            "quantity": "5",
            "customer_managed": "on",
            "contact_name": "X",
            "contact_email": "x@example.test",
        },
    )
    assert r.status_code == 422
    assert "cannot be managed by the customer" in r.content.decode()
    r = c.post(
        "/subscriptions/new",
        {"product": "signatures_m365", "account_id": world.a.customer.id, "quantity": "100001"},
    )
    assert r.status_code == 422
    r = c.post("/subscriptions/new", {"product": "signatures_m365", "quantity": "3"})
    assert r.status_code == 422 and "Pick a customer" in r.content.decode()
    assert not Subscription.objects.exists()
    assert web_as(world.members["partner_agent"]).get("/subscriptions/new").status_code == 403


def test_lowering_seats_below_assigned_is_refused_in_the_ui(world, web_as):
    sub = subscription(world.a.customer, quantity=4)
    users = [factories.user(world.a.customer, Role.MEMBER).user for _ in range(3)]
    c = web_as(world.members["partner_admin"])
    r = c.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [u.id for u in users]})
    assert r.status_code == 302
    r = c.post(f"/subscriptions/{sub.id}/quantity", {"quantity": "2"})
    assert r.status_code == 409
    html = r.content.decode()
    assert "3 licenses are assigned" in html and "to 2" in html
    sub.refresh_from_db()
    assert sub.quantity == 4
    assert c.post(f"/subscriptions/{sub.id}/quantity", {"quantity": "3"}).status_code == 302
    sub.refresh_from_db()
    assert sub.quantity == 3


def test_suspend_reactivate_auto_renew_and_typed_cancel(world, web_as):
    sub = subscription(world.a.customer, quantity=4)
    c = web_as(world.members["partner_admin"])
    c.post(f"/subscriptions/{sub.id}/suspend")
    sub.refresh_from_db()
    assert sub.status == "suspended"
    c.post(f"/subscriptions/{sub.id}/reactivate")
    c.post(f"/subscriptions/{sub.id}/auto-renew", {})
    sub.refresh_from_db()
    assert sub.status == "active" and sub.auto_renew is False
    r = c.post(f"/subscriptions/{sub.id}/cancel", {"when": "now", "confirm": "wrong"})
    assert r.status_code == 422
    sub.refresh_from_db()
    assert sub.status == "active"
    r = c.post(f"/subscriptions/{sub.id}/cancel", {"when": "now", "confirm": world.a.customer.name})
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.status == "cancelled"
    assert (
        web_as(world.members["account_admin"]).post(f"/subscriptions/{sub.id}/suspend").status_code
        == 403
    )


def test_licenses_by_csv_preview_then_all_or_nothing(world, web_as):
    sub = subscription(world.a.customer, quantity=2)
    u1 = factories.user(world.a.customer, Role.MEMBER, email="ann@kunde.example").user
    u2 = factories.user(world.a.customer, Role.SITE_ADMIN, email="bob@kunde.example").user
    u3 = factories.user(world.a.customer, Role.MEMBER, email="cy@kunde.example").user
    c = web_as(world.members["account_admin"])
    upload = SimpleUploadedFile(
        "users.csv",
        b"email,name\nann@kunde.example,Ann\nBOB@kunde.example,Bob\nghost@nowhere.example,G\n",
    )
    r = c.post(f"/subscriptions/{sub.id}/licenses/csv", {"file": upload})
    html = r.content.decode()
    assert (
        r.status_code == 200
        and "ghost@nowhere.example" in html
        and "is not a user of the account" in html
    )
    # all or nothing, like the API: no Apply while an unknown address is in the list
    assert 'name="apply"' not in html and "Preview again without these addresses" in html
    assert not License.objects.exists()
    r = c.post(
        f"/subscriptions/{sub.id}/licenses/csv",
        {"apply": "1", "emails": "ann@kunde.example bob@kunde.example cy@kunde.example"},
    )
    assert r.status_code == 409 and not License.objects.exists()
    r = c.post(
        f"/subscriptions/{sub.id}/licenses/csv",
        {"apply": "1", "emails": "ann@kunde.example BOB@kunde.example ghost@x.example"},
    )
    assert r.status_code == 422 and "ghost@x.example" in r.content.decode()
    assert "Nothing was assigned." in r.content.decode() and not License.objects.exists()
    # "Preview again without these addresses" posts the known ones: now it can be applied
    r = c.post(
        f"/subscriptions/{sub.id}/licenses/csv", {"emails": "ann@kunde.example bob@kunde.example"}
    )
    assert r.status_code == 200 and 'name="apply"' in r.content.decode()
    r = c.post(
        f"/subscriptions/{sub.id}/licenses/csv",
        {"apply": "1", "emails": "ann@kunde.example BOB@kunde.example"},
    )
    assert r.status_code == 302
    assert set(License.objects.values_list("user_id", flat=True)) == {u1.id, u2.id}
    # Unassign in place (HTMX) and assign by picking.
    r = c.post(f"/subscriptions/{sub.id}/licenses/{u1.id}/unassign", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="licenses"' in r.content.decode()
    assert "<html" not in r.content.decode()
    r = c.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [u3.id]}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "cy@kunde.example" in r.content.decode()
    sub.refresh_from_db()
    assert sub.assigned == 2


def test_member_sees_own_licenses_on_the_dashboard(world, web_as):
    sub = subscription(world.a.customer, quantity=2, product="meetings_pro")
    member = world.members["member"]
    from channeldesk.subscriptions import actions

    actions.assign_licenses(world.actor("site_admin"), sub, [member.user.id])
    html = web_as(member).get("/").content.decode()
    assert "Your licenses" in html and "Meetings Pro" in html
    assert web_as(member).get("/subscriptions/").status_code == 403
    other = web_as(world.members["site_admin"]).get("/").content.decode()
    assert "You hold no licenses." in other


def test_account_page_shows_the_subscriptions_panel(world, web_as):
    sub = subscription(world.a.customer, quantity=6)
    html = (
        web_as(world.members["partner_agent"])
        .get(f"/accounts/{world.a.customer.id}/")
        .content.decode()
    )
    assert "Subscriptions" in html and f"/subscriptions/{sub.id}/" in html and "0 / 6" in html


def test_console_query_count_does_not_grow_with_rows(world, web_as, django_assert_max_num_queries):
    for _ in range(30):
        subscription(world.a.customer, quantity=2)
    c = web_as(world.members["partner_admin"])
    with django_assert_max_num_queries(20):
        r = c.get("/subscriptions/")
    assert r.status_code == 200


def test_console_speaks_german_and_dutch(world, web_as):
    subscription(world.a.customer, quantity=2)
    m = world.members["partner_admin"]
    for lang, expected in (("de", "Datum der nächsten Zahlung"), ("nl", "Nieuw klantabonnement")):
        m.user.language = lang
        m.user.save()
        html = web_as(m).get("/subscriptions/").content.decode()
        assert expected in html, lang


def test_renewals_stay_out_of_the_customers_audit_log(world, api_as):
    import datetime as dt

    from channeldesk.audit.models import AuditEvent
    from channeldesk.subscriptions import actions

    sub = subscription(world.a.customer, start_date=dt.date(2025, 1, 31))
    actions.roll_forward(dt.date(2025, 3, 1))
    event = AuditEvent.objects.get(action="subscription.renewed")
    assert event.organization_id == world.a.reseller.id
    sub.refresh_from_db()
    assert sub.next_payment_date == dt.date(2025, 3, 31)  # the renewal did happen
    assert event.target_id == sub.id
    body = api_as(world.members["account_admin"]).get("/audit-events").content.decode()
    assert "subscription.renewed" not in body and "2025-03-31" not in body
    # ... and the bill-to partner reads it in its own log
    partner_log = api_as(world.members["partner_admin"]).get("/audit-events").content.decode()
    assert "subscription.renewed" in partner_log and "2025-03-31" in partner_log


def test_csv_with_more_than_a_thousand_users(world, web_as):
    from channeldesk.identity.models import User
    from channeldesk.tenancy.models import Membership

    sub = subscription(world.a.customer, quantity=1300)
    users = User.objects.bulk_create(
        [User(email=f"user{i}@bulk.example", name=f"User {i}") for i in range(1200)]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organization=world.a.customer, role=Role.MEMBER) for u in users]
    )
    text = "\n".join(u.email for u in users)
    c = web_as(world.members["site_admin"])
    r = c.post(f"/subscriptions/{sub.id}/licenses/csv", {"emails": text})
    assert r.status_code == 200 and "1200 users will get a license." in r.content.decode()
    r = c.post(f"/subscriptions/{sub.id}/licenses/csv", {"apply": "1", "emails": text})
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.assigned == 1200 == License.objects.filter(subscription=sub).count()
