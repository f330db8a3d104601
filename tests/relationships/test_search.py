"""Type-ahead over listed partners: prefix, case- and accent-insensitive, ≤10, ≥2 characters,
rate-limited per user, served by an index (product.md §6)."""

from __future__ import annotations

import pytest
from django.db import connection

from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import search_key
from channeldesk.tenancy.queries import listed_partners_by_prefix
from channeldesk.tenancy.roles import Kind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(world):
    op = world.operator
    made = {
        "muller": factories.org(
            Kind.RESELLER,
            op,
            name="Müller Kommunikation GmbH",
            listed=True,
            city="München",
            country="DE",
        ),
        "mulder": factories.org(
            Kind.RESELLER, op, name="mulder ICT", listed=True, city="Zwolle", country="NL"
        ),
        "hidden": factories.org(Kind.RESELLER, op, name="Muster Unlisted", listed=False),
        "inactive": factories.org(
            Kind.RESELLER, op, name="Mumble Gone", listed=True, status="deactivated"
        ),
        "dist": factories.org(Kind.DISTRIBUTOR, op, name="Mundus Distribution", listed=True),
    }
    for i in range(12):
        factories.org(
            Kind.RESELLER, op, name=f"Zeta Voice {i:02d}", listed=True, city="Graz", country="AT"
        )
    return made


def test_prefix_search_is_case_and_accent_insensitive_with_city_and_country(
    world, api_as, directory
):
    api = api_as(world.members["account_admin"])
    items = api.get("/partners/search?q=MU").json()["items"]
    names = [i["name"] for i in items]
    assert "Müller Kommunikation GmbH" in names and "mulder ICT" in names
    assert "Muster Unlisted" not in names and "Mumble Gone" not in names
    muller = next(i for i in items if i["name"].startswith("Müller"))
    assert muller == {
        "id": directory["muller"].id,
        "name": "Müller Kommunikation GmbH",
        "city": "München",
        "country": "DE",
    }
    assert [i["name"] for i in api.get("/partners/search?q=MÜLL").json()["items"]] == [
        "Müller Kommunikation GmbH"
    ]
    assert len(api.get("/partners/search?q=zeta").json()["items"]) == 10
    r = api.get("/partners/search?q=m")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "q"


def test_the_html_type_ahead_offers_resellers_to_customers_and_distributors_to_resellers(
    world, web_as, directory
):
    customer = web_as(world.members["account_admin"])
    html = customer.get("/partner/search?q=mu", HTTP_HX_REQUEST="true").content.decode()
    assert "Müller Kommunikation GmbH" in html and "München, DE" in html
    assert "Mundus Distribution" not in html
    assert "Type at least 2 characters" in customer.get("/partner/search?q=m").content.decode()
    reseller = web_as(world.members["partner_admin"])
    html = reseller.get("/partner/search?q=mu").content.decode()
    assert "Mundus Distribution" in html and "Müller" not in html


def test_type_ahead_is_rate_limited_per_user(world, web_as, directory):
    client = web_as(world.members["account_admin"])
    for _ in range(120):
        assert client.get("/partner/search?q=zeta").status_code == 200
    r = client.get("/partner/search?q=zeta")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    # another user is not affected
    other = web_as(world.members["a_sibling_account_admin"])
    assert other.get("/partner/search?q=zeta").status_code == 200


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Tiny test tables make a sequential scan the cheapest plan; forbidding it shows
            # whether an index can serve the query at all (if none can, the plan still says
            # "Seq Scan").
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("EXPLAIN " + sql, params)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        rows = cur.fetchall()
    return "\n".join(str(r[-1]) for r in rows)


def test_type_ahead_query_plan_is_an_index_range_scan(world, directory):
    actor = Actor.of(world.members["account_admin"])
    qs = listed_partners_by_prefix(actor, search_key("Mü"), kind=Kind.RESELLER)[:10]
    plan = _plan(qs)
    if connection.vendor == "postgresql":
        assert "Seq Scan" not in plan, plan
        assert "org_listed_name" in plan or "org_name_key" in plan, plan
        assert "name_key" in plan, plan
    else:
        assert "SCAN tenancy_organization\n" not in plan + "\n", plan
        assert (
            "SEARCH tenancy_organization USING INDEX org_listed_name (name_key>? AND name_key<?)"
            in plan
            or (
                "SEARCH tenancy_organization USING INDEX org_name_key (name_key>? AND name_key<?)"
                in plan
            )
        ), plan


def test_a_partner_chooses_whether_it_is_listed(world, api_as):
    reseller = api_as(world.members["b_partner_admin"])
    customer = api_as(world.members["account_admin"])

    def names() -> list[str]:
        items = customer.get("/partners/search?q=reseller b").json()["items"]
        return [i["name"] for i in items]

    assert names() == ["Reseller B"]
    etag = reseller.get(f"/partners/{world.b.reseller.id}").json()["etag"]
    r = reseller.patch(f"/partners/{world.b.reseller.id}", {"listed": False}, HTTP_IF_MATCH=etag)
    assert r.status_code == 200 and r.json()["listed"] is False
    assert names() == []
    # and an unlisted partner cannot be asked by id either
    r = customer.post("/partner-invitations", {"partner_id": world.b.reseller.id})
    assert r.status_code == 404
