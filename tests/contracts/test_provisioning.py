"""Provisioning in detail: numbers from the site's area, a new base package with its included
resources and sites, services, IP connections from the catalog, and the stale-claim sweep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import yaml
from django.utils import timezone

from channeldesk.audit.models import AuditEvent
from channeldesk.billing.actions import run_billing
from channeldesk.billing.models import Invoice
from channeldesk.catalog import catalog
from channeldesk.contracts import actions
from channeldesk.contracts.models import (
    BasePackage,
    IpConnection,
    Order,
    PhoneNumber,
    Resource,
    SiteProduct,
)
from channeldesk.core.errors import Conflict
from tests.contracts import factories as cf

PERIOD = timezone.now().strftime("%Y-%m")


def _site_order(world, pkg, **site):
    return actions.place_order(
        world.actor("partner_admin"),
        world.a.customer,
        [
            {
                "item": "site_product",
                "base_package_id": pkg.id,
                "site": cf.site_body(**site),
                "numbers": 3,
            }
        ],
    )


@pytest.fixture
def berlin_and_hamburg(db):
    cf.pool("+493012345600", 10)
    cf.pool("+494012345600", 10)


def test_a_hamburg_site_gets_040_numbers_not_berlin_030(world, berlin_and_hamburg):
    pkg = cf.base_package(world.a.customer)
    order = _site_order(world, pkg)  # city Hamburg, no area given
    assert order.items.get().params["site"]["area"] == "40"
    assert "area code 040" in order.items.get().description
    assert actions.provision_order(order.id) == "completed"
    site = SiteProduct.objects.get(order=order)
    numbers = sorted(site.numbers.values_list("e164", flat=True))
    assert len(numbers) == 3 and all(n.startswith("+4940") for n in numbers), numbers
    assert site.area == "40"
    # Berlin's numbers are untouched
    assert PhoneNumber.objects.filter(area="30", account__isnull=True).count() == 10
    # a Berlin site ("Berlin" matches 030), and a Hamburg site asking for Berlin numbers
    berlin = _site_order(world, pkg, city="Berlin", postal_code="10115")
    assert berlin.items.get().params["site"]["area"] == "30"
    chosen = _site_order(world, pkg, area="030")
    assert chosen.items.get().params["site"]["area"] == "30"


def test_a_city_without_numbers_in_the_pool_asks_for_the_area(world, berlin_and_hamburg, api_as):
    pkg = cf.base_package(world.a.customer)
    api = api_as(world.members["partner_admin"])
    body = {
        "account_id": world.a.customer.id,
        "items": [
            {
                "item": "site_product",
                "base_package_id": pkg.id,
                "site": cf.site_body(city="München", postal_code="80331"),
                "numbers": 2,
            }
        ],
    }
    r = api.post("/orders", body)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["items.0.site.area"]
    body["items"][0]["site"]["area"] = "089"  # not an area of the pool
    assert api.post("/orders", body).status_code == 422
    body["items"][0]["site"]["area"] = "040"
    assert api.post("/orders", body).status_code == 201
    body["items"][0]["site"].update(country="NL", area=None)  # no Dutch numbers at all
    r = api.post("/orders", body)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "items.0.site.country"
    assert Order.objects.count() == 1


def test_a_new_base_package_comes_with_its_resources_and_sites(world, berlin_and_hamburg):
    order = actions.place_order(
        world.actor("partner_admin"),
        world.a.customer,
        [
            {"item": "base_package", "name": "CompanyFlex Nord"},
            {"item": "site_product", "site": cf.site_body(), "numbers": 2},
            {
                "item": "site_product",
                "site": cf.site_body(name="Berlin", city="Berlin"),
                "numbers": 1,
            },
        ],
    )
    assert order.total == Decimal("49.00") + 2 * Decimal("19.00") + 3 * Decimal("1.00")
    assert "includes 2 parallel calls, National flatrate" in order.items.first().description
    assert actions.provision_order(order.id) == "completed"
    pkg = BasePackage.objects.get(name="CompanyFlex Nord")
    included = {(r.item, r.included, r.monthly_price) for r in pkg.resources.all()}
    assert included == {
        ("parallel_calls_2", True, Decimal("0.00")),
        ("flatrate_national", True, Decimal("0.00")),
    }
    assert sorted(pkg.site_products.values_list("name", flat=True)) == ["Berlin", "Branch Hamburg"]
    conn = IpConnection.objects.get(site_product__name="Branch Hamburg")
    assert (conn.type, conn.bandwidth) == ("FTTH", "100 Mbit/s")  # from the catalog
    run_billing(PERIOD)
    lines = [(ln.description, ln.amount) for ln in Invoice.objects.get(key=pkg.id).lines.all()]
    assert ("2 parallel calls (included in the base package)", Decimal("0.00")) in lines
    assert any("Berlin" in d for d, _a in lines) and any("Hamburg" in d for d, _a in lines)


def test_services_are_orderable_on_a_base_package_and_billed_once_or_monthly(world):
    pkg = cf.base_package(world.a.customer)
    order = actions.place_order(
        world.actor("partner_admin"),
        world.a.customer,
        [
            {"item": "service_training", "base_package_id": pkg.id, "quantity": 2},
            {"item": "service_change_management", "base_package_id": pkg.id},
        ],
    )
    assert order.total == Decimal("29.00")  # per month
    assert order.one_time_total == Decimal("700.00")  # 2 x training
    assert actions.provision_order(order.id) == "completed"
    services = pkg.resources.filter(kind=Resource.Kind.SERVICE)
    assert sorted(services.values_list("item", "charge")) == [
        ("service_change_management", "monthly"),
        ("service_training", "once"),
        ("service_training", "once"),
    ]
    run_billing(PERIOD)
    lines = [(ln.description, ln.amount) for ln in Invoice.objects.get(key=pkg.id).lines.all()]
    assert lines.count(("Training (one-time)", Decimal("350.00"))) == 2
    assert ("Change management", Decimal("29.00")) in lines
    # next month: the monthly service again, the one-time ones not
    nxt = (timezone.now().replace(day=1) + dt.timedelta(days=32)).strftime("%Y-%m")
    run_billing(nxt)
    later = [ln.description for ln in Invoice.objects.get(key=pkg.id, period=nxt).lines.all()]
    assert "Change management" in later and not any("Training" in d for d in later)


@pytest.fixture
def own_catalog():
    """A test's own catalog version; the cached one is dropped before and after."""
    catalog.invalidate()
    yield _catalog_with_site_connection
    catalog.invalidate()


def _catalog_with_site_connection(conn):
    doc = yaml.safe_load(catalog.DEFAULT_FILE.read_text())
    for e in doc["contract_items"]:
        if e["key"] == "site_product":
            if conn is None:
                e.pop("ip_connection")
            else:
                e["ip_connection"] = conn
    catalog.load(yaml.safe_dump(doc, allow_unicode=True))
    catalog.invalidate()


def test_access_identifier_collisions_fail_the_order_instead_of_a_site_without_connection(
    world, berlin_and_hamburg, api_as, own_catalog
):
    pkg = cf.base_package(world.a.customer)
    other = cf.site(cf.base_package(world.b.customer), name="Taken")
    other.ip_connections.all().delete()
    # One digit: AK0..AK9, all taken, so every draw collides.
    IpConnection.objects.bulk_create(
        IpConnection(site_product=other, type="FTTH", bandwidth="1", access_identifier=f"AK{i}")
        for i in range(10)
    )
    own_catalog({"type": "FTTH", "bandwidth": "1 Gbit/s", "identifier_digits": 1})
    order = _site_order(world, pkg)
    assert actions.provision_order(order.id) == "failed"
    order.refresh_from_db()
    assert order.failure_code == "access_identifier"
    assert not SiteProduct.objects.filter(order=order).exists()
    assert PhoneNumber.objects.filter(account__isnull=True).count() == 20
    operator = api_as(world.members["operator_admin"]).get(f"/orders/{order.id}").json()
    assert "after 5 attempts" in operator["failure_reason"]
    partner = api_as(world.members["partner_admin"]).get(f"/orders/{order.id}").json()
    assert "attempts" not in partner["failure_reason"]


def test_a_catalog_without_the_ip_connection_fails_clearly(world, berlin_and_hamburg, own_catalog):
    pkg = cf.base_package(world.a.customer)
    order = _site_order(world, pkg)
    own_catalog(None)
    assert actions.provision_order(order.id) == "failed"
    order.refresh_from_db()
    assert order.failure_code == "item_missing"
    assert order.failure_params == {"item": "site_product.ip_connection"}
    assert not SiteProduct.objects.filter(order=order).exists()


@pytest.mark.django_db(transaction=True)
def test_an_order_left_in_provisioning_by_a_crashed_worker_is_provisioned_again(
    settings, run_worker
):
    from tests import factories

    settings.PROVISIONING_DELAY_SECONDS = 3600  # not due on its own within the test
    world = factories.world()
    cf.pool("+494012345600", 10)
    pkg = cf.base_package(world.a.customer)
    order = _site_order(world, pkg)
    # What a worker that died mid-provisioning leaves: the claim, and nothing else (its
    # transaction never committed).
    claimed = timezone.now() - actions.STALE_CLAIM - dt.timedelta(minutes=1)
    Order.objects.filter(id=order.id).update(status="provisioning", attempts=1, claimed_at=claimed)
    fresh = _site_order(world, pkg, name="Fresh claim")
    Order.objects.filter(id=fresh.id).update(
        status="provisioning", attempts=1, claimed_at=timezone.now()
    )
    with pytest.raises(Conflict):
        actions.retry_order(world.actor("partner_admin"), fresh)  # a live worker has it

    assert actions.sweep_stale_claims() == 1
    order.refresh_from_db()
    assert order.status == "confirmed"
    assert AuditEvent.objects.filter(action="order.requeued", target_id=order.id).exists()
    run_worker()
    order.refresh_from_db()
    assert order.status == "completed" and order.attempts == 2
    assert SiteProduct.objects.filter(order=order).count() == 1
    assert Order.objects.get(id=fresh.id).status == "provisioning"  # left to its worker


@pytest.mark.django_db(transaction=True)
def test_retry_accepts_a_stale_claim_and_the_sweep_gives_up_after_three_attempts(
    settings, run_worker
):
    from tests import factories

    settings.PROVISIONING_DELAY_SECONDS = 3600
    world = factories.world()
    cf.pool("+494012345600", 10)
    pkg = cf.base_package(world.a.customer)
    order = _site_order(world, pkg)
    stale = timezone.now() - actions.STALE_CLAIM - dt.timedelta(minutes=1)
    Order.objects.filter(id=order.id).update(status="provisioning", attempts=1, claimed_at=stale)
    assert actions.retry_order(world.actor("partner_admin"), order).status == "confirmed"
    run_worker()
    assert Order.objects.get(id=order.id).status == "completed"

    looping = _site_order(world, pkg, name="Crashes every time")
    Order.objects.filter(id=looping.id).update(status="provisioning", attempts=3, claimed_at=stale)
    actions.sweep_stale_claims()
    looping.refresh_from_db()
    assert looping.status == "failed" and looping.failure_code == "interrupted"
    assert not SiteProduct.objects.filter(order=looping).exists()
