"""A search of the accounts list by name answers in name order (accounts.queries.search_order),
page by page through the keyset on (name_key, id), in the API and on the page; the database
reads the page in index order instead of sorting every match (the plan, on both databases)."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from channeldesk.accounts.queries import _accounts
from channeldesk.core.pagination import keyset_queryset
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization, search_key
from channeldesk.tenancy.roles import Kind

pytestmark = pytest.mark.django_db

NAMES = ["Müller Zahn", "mueller", "Muller Bau", "Müller Auto", "Müller Auto", "Mulde", "Nord"]


def _plant(world) -> list[Organization]:
    made = []
    for name in NAMES:
        org = Organization(kind=Kind.CUSTOMER, name=name, country="DE", status="active")
        org.place_under(world.a.reseller)
        org.save()
        made.append(org)
    return made


def _expected(orgs, prefix: str) -> list[str]:
    key = search_key(prefix)
    hits = [o for o in orgs if o.name_key.startswith(key)]
    return [o.id for o in sorted(hits, key=lambda o: (o.name_key, o.id))]


def test_search_pages_in_name_order_through_the_api(world, api_as):
    orgs = _plant(world)
    api = api_as(world.members["partner_admin"])
    seen: list[str] = []
    url = "/accounts?q=mul&limit=2"
    while url:
        r = api.get(url)
        assert r.status_code == 200, r.content
        body = r.json()
        assert len(body["items"]) <= 2
        seen += [i["id"] for i in body["items"]]
        url = f"/accounts?q=mul&limit=2&cursor={body['next_cursor']}" if body["next_cursor"] else ""
    assert seen == _expected(orgs, "mul")  # "Mulde", "Muller Bau", "Müller Auto" x2, ...
    assert len(seen) == 5 and len(set(seen)) == 5
    # without q the list stays in creation (id) order
    items = api.get("/accounts?limit=200").json()["items"]
    ids = [i["id"] for i in items]
    assert ids == sorted(ids)
    # a cursor of the other order is refused, not misread
    id_cursor = api.get("/accounts?limit=1").json()["next_cursor"]
    r = api.get(f"/accounts?q=mul&cursor={id_cursor}")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cursor"


def test_search_pages_in_name_order_on_the_page(world, web_as):
    orgs = _plant(world)
    web = web_as(world.members["partner_admin"])
    html = web.get("/accounts/?q=mül").content.decode()
    shown = re.findall(r'href="/accounts/([0-9A-Z]{26})/"', html)
    assert shown == _expected(orgs, "mül")


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("EXPLAIN " + sql, params)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(r[-1]) for r in cur.fetchall())


# (principal, q) -> the index SQLite reads the page's keys from, and whether it then sorts
# them all: a reseller's few hundred accounts by path (then sorted); a distributor's or the
# operator's many in the order of the list, stopping at the limit.
PLANS = {
    ("partner_admin", ""): ("org_kind_path", True),
    ("partner_admin", "mül"): ("org_kind_path", True),
    ("distributor_admin", ""): ("org_kind_id", False),
    ("distributor_admin", "mül"): ("org_kind_name", False),
    ("operator_admin", ""): ("org_kind_id", False),
    ("operator_admin", "mül"): ("org_kind_name", False),
}


@pytest.mark.parametrize(("principal", "q"), list(PLANS))
def test_each_reach_reads_the_index_that_stops_at_the_limit(world, principal, q):
    _plant(world)
    actor = Actor.of(world.members[principal])
    qs = keyset_queryset(
        _accounts(actor, key=search_key(q) if q else None, status=None, partner_id=None),
        order=["name_key", "id"] if q else ["id"],
        limit=50,
        rows=lambda keys: keys.values("id", "name", "name_key"),
    )
    plan = _plan(qs)
    if connection.vendor == "postgresql":
        assert "Seq Scan" not in plan, plan
        return
    index, sorts = PLANS[(principal, q)]
    inner = plan.split("LIST SUBQUERY")[-1].split("SEARCH T2")[0]
    assert f"INDEX {index} " in inner, plan
    assert ("USE TEMP B-TREE FOR ORDER BY" in inner) is sorts, plan
