"""Order details: the provisioning schedule, idempotent creation, order data for partners."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from channeldesk.contracts import actions
from channeldesk.contracts.models import Order
from tests.contracts import factories as cf


def test_provisioning_runs_next_day_at_six_in_the_operators_time_zone(settings):
    settings.PROVISIONING_DELAY_SECONDS = None
    settings.OPERATOR_TIME_ZONE = "Europe/Berlin"
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    late_evening = dt.datetime(2026, 3, 28, 23, 30, tzinfo=berlin)  # the night before DST
    at = actions.provisioning_time(late_evening.astimezone(dt.UTC))
    assert at.astimezone(berlin) == dt.datetime(2026, 3, 29, 6, 0, tzinfo=berlin)
    settings.PROVISIONING_DELAY_SECONDS = 0
    now = dt.datetime(2026, 3, 28, 12, 0, tzinfo=dt.UTC)
    assert actions.provisioning_time(now) == now


def test_order_post_is_idempotent(world, api_as):
    pkg = cf.base_package(world.a.customer)
    api = api_as(world.members["partner_admin"])
    body = {
        "account_id": world.a.customer.id,
        "items": [{"item": "budget_100", "base_package_id": pkg.id, "quantity": 2}],
    }
    first = api.post("/orders", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/orders", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["total"] == {"amount": "10.00", "currency": "EUR"}
    assert Order.objects.count() == 1
    other = api.post(
        "/orders", {**body, "items": body["items"][:1] * 2}, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422


def test_order_data_for_partners_without_prices_for_agents(world, api_as):
    pkg = cf.base_package(world.a.customer)
    actions.place_order(
        world.actor("partner_admin"),
        world.a.customer,
        [{"item": "flatrate_mobile", "base_package_id": pkg.id}],
    )
    admin = api_as(world.members["partner_admin"]).get(f"/accounts/{world.a.customer.id}/orders")
    assert admin.status_code == 200
    (order,) = admin.json()["items"]
    assert order["total"] == {"amount": "12.90", "currency": "EUR"}
    assert order["status"] == "confirmed"
    agent = api_as(world.members["partner_agent"]).get(f"/accounts/{world.a.customer.id}/orders")
    assert agent.status_code == 200 and agent.json()["items"][0]["total"] is None
    assert (
        api_as(world.members["account_admin"])
        .get(f"/accounts/{world.a.customer.id}/orders")
        .status_code
        == 403
    )
    assert api_as(world.members["b_partner_admin"]).get(f"/orders/{order['id']}").status_code == 404


def test_order_form_places_an_order_and_shows_errors(world, web_as):
    pkg = cf.base_package(world.a.customer)
    c = web_as(world.members["partner_admin"])
    url = f"/accounts/{world.a.customer.id}/orders/new"
    page = c.get(url)
    assert page.status_code == 200 and b"19.00 EUR" in page.content  # catalog prices shown
    r = c.post(url, {"kind": "site_product", "base_package": pkg.id, **cf.site_form(numbers="3")})
    assert r.status_code == 200 and b"This field is required." in r.content
    assert not Order.objects.exists()
    r = c.post(
        url,
        {
            "kind": "services",
            "base_package": pkg.id,
            "service": "budget_100",
            "quantity": "1",
            **cf.site_form(),
        },
    )
    assert r.status_code == 302
    order = Order.objects.get()
    assert r["Location"] == f"/orders/{order.id}"
    assert b"budget" in c.get(r["Location"]).content.lower()
