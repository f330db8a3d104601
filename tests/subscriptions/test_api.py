"""Subscriptions and licenses through the REST API (api.md)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from channeldesk.audit.models import AuditEvent
from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind, Role
from tests import factories
from tests.conftest import body_of, without_tokens
from tests.subscriptions.factories import subscription

FIELDS = {
    "id",
    "account",
    "product",
    "quantity",
    "assigned",
    "status",
    "start_date",
    "billing_period",
    "next_payment_date",
    "auto_renew",
    "customer_managed",
    "etag",
}


def _members(account, n, role=Role.MEMBER):
    return [factories.user(account, role).user for _ in range(n)]


def test_partner_admin_creates_subscription_for_existing_account(world, api_as):
    api = api_as(world.members["partner_admin"])
    r = api.post(
        "/subscriptions",
        {"product": "signatures_m365", "account_id": world.a.customer.id, "quantity": 25},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert FIELDS <= set(body)
    assert body["account"] == {"id": world.a.customer.id, "name": world.a.customer.name}
    assert body["quantity"] == 25 and body["assigned"] == 0 and body["status"] == "active"
    start = dt.date.fromisoformat(body["start_date"])
    assert body["billing_period"] == "monthly"
    assert dt.date.fromisoformat(body["next_payment_date"]) > start
    assert body["unit_price"] == {"amount": "1.95", "currency": "EUR"}
    assert (
        AuditEvent.objects.filter(action="subscription.created", target_id=body["id"]).count() == 1
    )


def test_new_customer_by_name_is_created_under_the_reseller(world, api_as):
    reseller = world.a.reseller
    reseller.country, reseller.postal_code = "DE", "10115"
    reseller.save()
    api = api_as(world.members["partner_admin"])
    r = api.post(
        "/subscriptions",
        {"product": "softphone_app", "customer_name": "Neukunde GmbH", "quantity": 3},
    )
    assert r.status_code == 201, r.content
    account = Organization.objects.get(id=r.json()["account"]["id"])
    assert account.name == "Neukunde GmbH" and account.kind == Kind.CUSTOMER
    assert account.parent_id == reseller.id


@pytest.mark.parametrize("quantity", [0, -1, 100_001])
def test_quantity_must_be_between_1_and_100000(world, api_as, quantity):
    api = api_as(world.members["partner_admin"])
    r = api.post(
        "/subscriptions",
        {"product": "signatures_m365", "account_id": world.a.customer.id, "quantity": quantity},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "quantity"
    assert not Subscription.objects.exists()


def test_exactly_100000_users_is_accepted(world, api_as):
    r = api_as(world.members["partner_admin"]).post(
        "/subscriptions",
        {"product": "signatures_m365", "account_id": world.a.customer.id, "quantity": 100_000},
    )
    assert r.status_code == 201


def test_unknown_product_and_foreign_fields_are_refused(world, api_as):
    api = api_as(world.members["partner_admin"])
    r = api.post(
        "/subscriptions", {"product": "nope", "account_id": world.a.customer.id, "quantity": 1}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "product"
    r = api.post(
        "/subscriptions",
        {
            "product": "signatures_m365",
            "account_id": world.a.customer.id,
            "quantity": 1,
            "status": "cancelled",
        },
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "status"
    assert not Subscription.objects.exists()


def test_customer_management_only_for_self_service_products(world, api_as):
    r = api_as(world.members["partner_admin"]).post(
        "/subscriptions",
        {
            "product": "softphone_app",
            "account_id": world.a.customer.id,
            "quantity": 2,
            "customer_managed": True,
            "customer_contact": {"name": "Eva", "email": "eva@example.test"},
        },
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "customer_managed"
    assert not Subscription.objects.exists()


def test_account_in_another_tree_is_404(world, api_as):
    r = api_as(world.members["partner_admin"]).post(
        "/subscriptions",
        {"product": "signatures_m365", "account_id": world.b.customer.id, "quantity": 1},
    )
    assert r.status_code == 404


@pytest.mark.parametrize("who", ["partner_agent", "account_admin", "site_admin"])
def test_only_partner_admins_create_subscriptions(world, api_as, who):
    r = api_as(world.members[who]).post(
        "/subscriptions",
        {"product": "signatures_m365", "account_id": world.a.customer.id, "quantity": 1},
    )
    assert r.status_code == 403


def test_customer_managed_contact_is_invited_and_never_sees_billing(
    world, api_as, smtp_server, deliver, client
):
    api = api_as(world.members["partner_admin"])
    r = api.post(
        "/subscriptions",
        {
            "product": "signatures_m365",
            "account_id": world.a.customer.id,
            "quantity": 12,
            "customer_managed": True,
            "customer_contact": {"name": "Eva Kunde", "email": "Eva@Kunde.example"},
        },
    )
    assert r.status_code == 201, r.content
    sub_id = r.json()["id"]
    deliver()
    [mail] = smtp_server.to("eva@kunde.example")
    text = body_of(mail)
    assert "Signatures for Microsoft 365" in text
    assert "1.95" not in without_tokens(text) and "EUR" not in without_tokens(text)
    token = re.search(r"/auth/set-password\?token=(\S+)", text).group(1)
    r = client.post(
        "/api/v1/auth/password/set",
        {"token": token, "password": "a-long-secret-passphrase"},
        content_type="application/json",
    )
    assert r.status_code in (200, 204), r.content
    r = client.post(
        "/api/v1/auth/login",
        {"email": "eva@kunde.example", "password": "a-long-secret-passphrase"},
        content_type="application/json",
    )
    assert r.status_code == 200
    for path in ("/api/v1/subscriptions", f"/api/v1/subscriptions/{sub_id}", "/api/v1/products"):
        body = client.get(path).content.decode()
        assert "next_payment_date" not in body, path
        assert "unit_price" not in body and "monthly_value" not in body, path
        assert "1.95" not in body and "EUR" not in body, path
    item = client.get("/api/v1/subscriptions").json()["items"][0]
    assert item["quantity"] == 12 and item["customer_managed"] is True
    # ... and can manage the licenses.
    member = factories.user(world.a.customer, Role.MEMBER).user
    csrf = client.cookies["csrftoken"].value
    r = client.post(
        f"/api/v1/subscriptions/{sub_id}/licenses",
        {"user_ids": [member.id]},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert r.status_code == 201, r.content


def test_quantity_never_below_assigned(world, api_as):
    sub = subscription(world.a.customer, quantity=5)
    users = _members(world.a.customer, 4)
    api = api_as(world.members["partner_admin"])
    assert (
        api.post(
            f"/subscriptions/{sub.id}/licenses", {"user_ids": [u.id for u in users]}
        ).status_code
        == 201
    )
    r = api.patch(f"/subscriptions/{sub.id}", {"quantity": 3})
    assert r.status_code == 409
    assert "4" in r.json()["detail"] and "3" in r.json()["detail"]
    sub.refresh_from_db()
    assert sub.quantity == 5
    r = api.patch(f"/subscriptions/{sub.id}", {"quantity": 4})
    assert r.status_code == 200 and r.json()["quantity"] == 4
    assert AuditEvent.objects.filter(action="subscription.quantity_changed").count() == 1


def test_quantity_change_tells_the_customer_admins_without_prices(
    world, api_as, smtp_server, deliver
):
    sub = subscription(world.a.customer, quantity=5)
    r = api_as(world.members["partner_admin"]).patch(f"/subscriptions/{sub.id}", {"quantity": 8})
    assert r.status_code == 200
    deliver()
    admin = world.members["account_admin"].user
    [mail] = [m for m in smtp_server.to(admin.email) if "number of users" in m["Subject"]]
    text = body_of(mail)
    assert "5" in text and "8" in text and "EUR" not in text and "1.95" not in text


def test_patch_honours_if_match_and_refuses_read_only_fields(world, api_as):
    sub = subscription(world.a.customer, quantity=5)
    api = api_as(world.members["partner_admin"])
    etag = api.get(f"/subscriptions/{sub.id}")["ETag"]
    assert (
        api.patch(f"/subscriptions/{sub.id}", {"auto_renew": False}, HTTP_IF_MATCH=etag).status_code
        == 200
    )
    r = api.patch(f"/subscriptions/{sub.id}", {"quantity": 9}, HTTP_IF_MATCH=etag)
    assert r.status_code == 412
    r = api.patch(f"/subscriptions/{sub.id}", {"assigned": 2})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "assigned"
    sub.refresh_from_db()
    assert sub.quantity == 5 and sub.auto_renew is False


def test_suspend_reactivate_cancel(world, api_as):
    sub = subscription(world.a.customer, quantity=5)
    user = _members(world.a.customer, 1)[0]
    api = api_as(world.members["partner_admin"])
    assert api.post(f"/subscriptions/{sub.id}/suspend").json()["status"] == "suspended"
    assert api.post(f"/subscriptions/{sub.id}/suspend").status_code == 409
    r = api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [user.id]})
    assert r.status_code == 409
    assert api.post(f"/subscriptions/{sub.id}/reactivate").json()["status"] == "active"
    r = api.post(f"/subscriptions/{sub.id}/cancel", {"at_term_end": True})
    assert (
        r.status_code == 200 and r.json()["status"] == "active" and r.json()["cancel_at_term_end"]
    )
    assert api.post(f"/subscriptions/{sub.id}/reactivate").json()["cancel_at_term_end"] is False
    assert api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [user.id]}).status_code == 201
    r = api.post(f"/subscriptions/{sub.id}/cancel", {"at_term_end": False})
    body = r.json()
    assert (
        body["status"] == "cancelled"
        and body["assigned"] == 0
        and body["next_payment_date"] is None
    )
    assert not License.objects.filter(subscription=sub).exists()
    assert api.post(f"/subscriptions/{sub.id}/reactivate").status_code == 409
    assert api.patch(f"/subscriptions/{sub.id}", {"quantity": 9}).status_code == 409
    actions = list(AuditEvent.objects.filter(target_id=sub.id).values_list("action", flat=True))
    assert (
        actions.count("subscription.suspended") == 1
        and actions.count("subscription.cancelled") == 2
    )


def test_partner_agent_and_customers_cannot_change_subscriptions(world, api_as):
    sub = subscription(world.a.customer, quantity=5)
    for who in ("partner_agent", "account_admin", "site_admin"):
        api = api_as(world.members[who])
        assert api.patch(f"/subscriptions/{sub.id}", {"quantity": 9}).status_code == 403
        assert api.post(f"/subscriptions/{sub.id}/suspend").status_code == 403
        assert api.post(f"/subscriptions/{sub.id}/cancel").status_code == 403


def test_licenses_are_all_or_nothing(world, api_as):
    sub = subscription(world.a.customer, quantity=3)
    users = _members(world.a.customer, 4)
    api = api_as(world.members["site_admin"])
    r = api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [u.id for u in users]})
    assert r.status_code == 409
    assert not License.objects.exists()
    stranger = factories.user(world.b.customer, Role.MEMBER).user
    r = api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [users[0].id, stranger.id]})
    assert r.status_code == 422
    assert not License.objects.exists()
    r = api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [u.id for u in users[:3]]})
    assert r.status_code == 201 and len(r.json()) == 3
    sub.refresh_from_db()
    assert sub.assigned == 3
    # Already assigned users are left alone; one more is refused.
    assert (
        api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [users[0].id]}).status_code
        == 201
    )
    assert (
        api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [users[3].id]}).status_code
        == 409
    )
    listed = api.get(f"/subscriptions/{sub.id}/licenses").json()["items"]
    assert {i["user_id"] for i in listed} == {u.id for u in users[:3]}
    assert api.delete(f"/subscriptions/{sub.id}/licenses/{users[0].id}").status_code == 204
    assert api.delete(f"/subscriptions/{sub.id}/licenses/{users[0].id}").status_code == 404
    sub.refresh_from_db()
    assert sub.assigned == 2
    assert (
        api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [users[3].id]}).status_code
        == 201
    )
    assert AuditEvent.objects.filter(action="license.assigned").count() == 2
    assert AuditEvent.objects.filter(action="license.unassigned").count() == 1


def test_member_cannot_assign_and_sees_no_subscription_list(world, api_as):
    sub = subscription(world.a.customer, quantity=3)
    api = api_as(world.members["member"])
    me = world.members["member"].user
    assert api.post(f"/subscriptions/{sub.id}/licenses", {"user_ids": [me.id]}).status_code == 403
    assert api.get("/subscriptions").status_code == 403


def test_other_tree_cannot_see_or_touch_subscriptions(world, api_as):
    sub = subscription(world.a.customer, quantity=3)
    api = api_as(world.members["b_partner_admin"])
    assert api.get(f"/subscriptions/{sub.id}").status_code == 404
    assert api.patch(f"/subscriptions/{sub.id}", {"quantity": 1}).status_code == 404
    assert api.get("/subscriptions").json()["items"] == []


def test_list_filters_sorts_paginates_and_totals(world, api_as, django_assert_max_num_queries):
    a = subscription(world.a.customer, quantity=10)
    b = subscription(world.a.customer, quantity=5, product="meetings_pro")
    c = subscription(world.a.sibling_customer, quantity=1)
    api_as(world.members["partner_admin"]).post(f"/subscriptions/{a.id}/suspend")
    api = api_as(world.members["distributor_admin"])
    with django_assert_max_num_queries(12):
        body = api.get("/subscriptions?limit=2&sort=quantity").json()
    assert [i["id"] for i in body["items"]] == [c.id, b.id]
    rest = api.get(f"/subscriptions?limit=2&sort=quantity&cursor={body['next_cursor']}").json()
    assert [i["id"] for i in rest["items"]] == [a.id] and rest["next_cursor"] is None
    assert body["totals"]["subscriptions"] == 3 and body["totals"]["users"] == 16
    # monthly value of the active ones: 5 x 60/12 + 1 x 1.95
    assert body["totals"]["monthly_value"] == [{"amount": "26.95", "currency": "EUR"}]
    ids = lambda q: [i["id"] for i in api.get(f"/subscriptions?{q}").json()["items"]]  # noqa: E731
    assert ids("status=suspended") == [a.id]
    assert ids("product=meetings_pro") == [b.id]
    assert set(ids(f"q={world.a.sibling_customer.name[:9]}")) == {c.id}
    assert ids("sort=-quantity") == [a.id, b.id, c.id]
    assert api.get("/subscriptions?status=bogus").status_code == 422


def test_customer_lists_only_own_subscriptions_without_billing(world, api_as):
    subscription(world.a.customer, quantity=2)
    subscription(world.a.sibling_customer, quantity=2)
    body = api_as(world.members["account_admin"]).get("/subscriptions").json()
    assert len(body["items"]) == 1
    assert "next_payment_date" not in body["items"][0] and "unit_price" not in body["items"][0]
    assert "monthly_value" not in body["totals"]


def test_idempotency_key_replays_the_first_creation(world, api_as):
    api = api_as(world.members["partner_admin"])
    body = {"product": "signatures_m365", "account_id": world.a.customer.id, "quantity": 4}
    first = api.post("/subscriptions", body, HTTP_IDEMPOTENCY_KEY="sub-1")
    again = api.post("/subscriptions", body, HTTP_IDEMPOTENCY_KEY="sub-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Subscription.objects.count() == 1
    other = api.post("/subscriptions", {**body, "quantity": 5}, HTTP_IDEMPOTENCY_KEY="sub-1")
    assert other.status_code == 422


def test_license_list_query_budget(world, api_as, django_assert_max_num_queries):
    sub = subscription(world.a.customer, quantity=40)
    users = _members(world.a.customer, 30)
    api = api_as(world.members["account_admin"])
    assert (
        api.post(
            f"/subscriptions/{sub.id}/licenses", {"user_ids": [u.id for u in users]}
        ).status_code
        == 201
    )
    with django_assert_max_num_queries(12):
        body = api.get(f"/subscriptions/{sub.id}/licenses?limit=20").json()
    assert len(body["items"]) == 20 and body["next_cursor"]
    rest = api.get(f"/subscriptions/{sub.id}/licenses?cursor={body['next_cursor']}").json()
    assert len(rest["items"]) == 10


def test_cancel_without_a_body_cancels_now(world, api_as):
    sub = subscription(world.a.customer, quantity=2)
    api = api_as(world.members["partner_admin"])
    r = api.client.post(
        f"/api/v1/subscriptions/{sub.id}/cancel", "", content_type="application/json", **api.headers
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "cancelled"
