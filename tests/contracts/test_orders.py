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


def test_order_form_orders_a_base_package_with_its_sites(world, web_as):
    cf.pool("+494012345600", 10)
    cf.pool("+493012345600", 10)
    c = web_as(world.members["partner_admin"])
    url = f"/accounts/{world.a.customer.id}/orders/new"
    first = {
        "site_name": "Hamburg",
        "street": "Jungfernstieg 1",
        "postal_code": "20095",
        "city": "Hamburg",
        "country": "DE",
        "numbers": "2",
    }
    # "Add another site" keeps what was typed and adds an empty site (no JavaScript needed)
    r = c.post(url, {"kind": "base_package", "add_site": "1", **cf.site_form(first)})
    body = r.content.decode()
    assert r.status_code == 200 and 'value="Jungfernstieg 1"' in body
    assert body.count('data-testid="order-site"') == 2 and not Order.objects.exists()
    assert "DE 040 Hamburg" in body and "DE 030 Berlin" in body  # areas with free numbers
    second = {**first, "site_name": "Berlin", "street": "Unter den Linden 1", "city": "Berlin"}
    second.update(postal_code="10117", area="DE:30", numbers="1")
    r = c.post(
        url,
        {"kind": "base_package", "package_name": "CompanyFlex Nord", **cf.site_form(first, second)},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    order = Order.objects.get()
    assert [i.kind for i in order.items.all()] == ["base_package", "site_product", "site_product"]
    assert [i.params.get("site", {}).get("area") for i in order.items.all()] == [None, "40", "30"]
    # an area of another country is refused in the form
    bad = {**first, "country": "NL", "area": "DE:40"}
    r = c.post(url, {"kind": "base_package", **cf.site_form(bad)})
    assert r.status_code == 200 and "area code of the site&#x27;s country" in r.content.decode()
