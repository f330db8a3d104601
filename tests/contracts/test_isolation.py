"""Two base packages share nothing: resources and sites belong to one contract only."""

from __future__ import annotations

from channeldesk.contracts import actions
from tests.contracts import factories as cf


def test_two_base_packages_are_isolated_in_resources(world, api_as, settings):
    settings.PROVISIONING_DELAY_SECONDS = 0
    account = world.a.customer
    p1 = cf.base_package(account, name="Contract 1")
    cf.site(p1, name="Head office", numbers=["+493022220001"])
    cf.resource(p1, "budget")
    cf.resource(p1, "parallel_calls")
    p2 = cf.base_package(account, name="Contract 2")
    cf.site(p2, name="Munich", numbers=["+498922220001"])
    api = api_as(world.members["partner_admin"])
    r = api.get(f"/accounts/{account.id}/base-packages")
    assert r.status_code == 200
    by_id = {p["id"]: p for p in r.json()["items"]}
    one, two = by_id[p1.id], by_id[p2.id]
    assert one["resources"]["parallel_calls"] == 10
    assert len(one["resources"]["budgets"]) == 1
    assert two["resources"] == {"parallel_calls": 0, "budgets": [], "flatrates": [], "services": []}
    assert [s["name"] for s in one["site_products"]] == ["Head office"]
    assert [s["name"] for s in two["site_products"]] == ["Munich"]
    assert two["site_products"][0]["phone_numbers"] == ["+498922220001"]
    assert one["monthly_fee"] == {"amount": "49.00", "currency": "EUR"}

    # a service ordered on contract 2 lands on contract 2 only
    actions.provision_order(
        actions.place_order(
            world.actor("partner_admin"),
            account,
            [{"item": "flatrate_national", "base_package_id": p2.id}],
        ).id
    )
    assert p1.resources.filter(kind="flatrate").count() == 0
    assert p2.resources.filter(kind="flatrate").count() == 1


def test_an_order_cannot_name_another_accounts_base_package(world, api_as):
    foreign = cf.base_package(world.b.customer)
    r = api_as(world.members["partner_admin"]).post(
        "/orders",
        {
            "account_id": world.a.customer.id,
            "items": [{"item": "budget_100", "base_package_id": foreign.id}],
        },
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "items.0.base_package_id"


def test_account_admin_of_a_partner_customer_cannot_order(world, api_as):
    pkg = cf.base_package(world.a.customer)
    r = api_as(world.members["account_admin"]).post(
        "/orders",
        {
            "account_id": world.a.customer.id,
            "items": [{"item": "budget_100", "base_package_id": pkg.id}],
        },
    )
    assert r.status_code == 403


def test_prices_hidden_from_roles_without_billing_visibility(world, api_as):
    cf.base_package(world.a.customer)
    r = api_as(world.members["site_admin"]).get(f"/accounts/{world.a.customer.id}/base-packages")
    assert r.status_code == 200
    assert r.json()["items"][0]["monthly_fee"] is None


def test_order_validation_errors_are_422(world, api_as):
    pkg = cf.base_package(world.a.customer)
    api = api_as(world.members["partner_admin"])
    r = api.post(
        "/orders",
        {
            "account_id": world.a.customer.id,
            "items": [
                {
                    "item": "site_product",
                    "base_package_id": pkg.id,
                    "site": cf.site_body(country="XX"),
                    "numbers": 2,
                },
                {"item": "nope"},
            ],
        },
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"items.0.site.country", "items.1.item"} <= fields
    r = api.post("/orders", {"account_id": world.a.customer.id, "items": [], "status": "completed"})
    assert r.status_code == 422
