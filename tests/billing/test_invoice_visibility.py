"""Invoices follow the bill-to rule: customers see theirs, partners their subtree's, a
reseller's wholesale invoice is never visible to its customers."""

from __future__ import annotations

from decimal import Decimal

from channeldesk.billing.actions import issue
from channeldesk.billing.sources import InvoiceDraft, LineDraft


def _issue(issuer, bill_to, key):
    return issue(
        InvoiceDraft(
            source="test",
            key=key,
            issuer_id=issuer.id,
            bill_to_id=bill_to.id,
            currency="EUR",
            lines=[LineDraft("Item", Decimal("2"), Decimal("10.005"), "EUR")],
        ),
        "2026-02",
    )


def test_bill_to_rule(world, api_as, django_assert_max_num_queries):
    customer_inv = _issue(world.a.reseller, world.a.customer, "c")
    wholesale = _issue(world.a.distributor, world.a.reseller, "w")
    other = _issue(world.b.reseller, world.b.customer, "o")
    assert customer_inv.total == Decimal("20.01")

    def ids(member):
        r = api_as(world.members[member]).get("/invoices")
        assert r.status_code == 200, r.content
        return {i["id"] for i in r.json()["items"]}

    assert ids("account_admin") == {customer_inv.id}
    assert ids("partner_admin") == {customer_inv.id, wholesale.id}
    assert ids("distributor_admin") == {customer_inv.id, wholesale.id}
    assert other.id in ids("operator_admin")
    api = api_as(world.members["account_admin"])
    assert api.get(f"/invoices/{wholesale.id}").status_code == 404
    assert api.get(f"/invoices/{other.id}/pdf").status_code == 404
    r = api.get(f"/invoices/{customer_inv.id}")
    assert r.json()["total"] == {"amount": "20.01", "currency": "EUR"}
    # The unit price keeps its precision; 2 x 10.005 = 20.01 after rounding the amount.
    assert r.json()["lines"][0]["unit_price"] == {"amount": "10.005", "currency": "EUR"}
    assert r.json()["lines"][0]["amount"] == {"amount": "20.01", "currency": "EUR"}
    pdf = api.get(f"/invoices/{customer_inv.id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for role in ("partner_agent", "site_admin", "member"):
        assert api_as(world.members[role]).get("/invoices").status_code == 403
    with django_assert_max_num_queries(10):
        api_as(world.members["operator_admin"]).get("/invoices")
