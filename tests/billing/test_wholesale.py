"""The billing run over real subscriptions: one wholesale invoice per partner and currency, the
two-tier channel (operator -> distributor -> reseller), numbers gapless per issuer, never
visible to customers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from channeldesk.billing import actions
from channeldesk.billing.models import BillingRun, Invoice
from channeldesk.subscriptions.models import Subscription
from channeldesk.tenancy.roles import Kind, Role
from tests import factories
from tests.subscriptions.factories import subscription

PERIOD = "2026-11"
START = dt.date(2026, 11, 5)
SOURCE = "subscriptions.wholesale"


@pytest.fixture
def subs(world):
    solo = factories.org(Kind.RESELLER, world.operator, name="Solo Reseller")
    solo_customer = factories.org(Kind.CUSTOMER, solo, name="Solo Customer")
    made = {
        "a": subscription(world.a.customer, quantity=10, start_date=START),
        "a_chf": subscription(world.a.customer, quantity=2, start_date=START),
        "a_sibling": subscription(world.a.sibling_customer, quantity=4, start_date=START),
        "b": subscription(world.b.customer, quantity=2, start_date=START),
        "solo": subscription(solo_customer, quantity=3, start_date=START),
        "direct": subscription(world.direct_customer, quantity=5, start_date=START),
    }
    # A subscription in another currency is billed on its own invoice.
    Subscription.objects.filter(id=made["a_chf"].id).update(
        currency="CHF", unit_price=Decimal("2.10")
    )
    return solo, made


def _wholesale(bill_to, currency="EUR") -> Invoice:
    return Invoice.objects.get(source=SOURCE, bill_to=bill_to, currency=currency, period=PERIOD)


def test_two_tier_wholesale_invoices_per_partner_and_currency(world, subs, api_as):
    solo, _made = subs
    result = actions.run_billing(PERIOD)
    invoices = list(Invoice.objects.filter(source=SOURCE, period=PERIOD))
    assert result.issued == len(invoices) == 9

    reseller_a = _wholesale(world.a.reseller)
    assert reseller_a.issuer_id == world.a.distributor.id  # the distributor bills its reseller
    assert reseller_a.total == Decimal("19.50")  # 10 x 1.95, exact
    (line,) = reseller_a.lines.all()
    assert world.a.customer.name in line.description and "2026-11-05" in line.description
    chf = _wholesale(world.a.reseller, "CHF")
    assert chf.issuer_id == world.a.distributor.id and chf.total == Decimal("4.20")

    distributor_a = _wholesale(world.a.distributor)
    assert distributor_a.issuer_id == world.operator.id  # the operator bills the distributor
    assert distributor_a.total == Decimal("27.30")  # (10 + 4) x 1.95, both resellers
    descriptions = [ln.description for ln in distributor_a.lines.all()]
    assert any(world.a.sibling_reseller.name in d for d in descriptions)
    assert _wholesale(world.a.distributor, "CHF").total == Decimal("4.20")
    assert _wholesale(world.a.sibling_reseller).issuer_id == world.a.distributor.id

    assert _wholesale(world.b.reseller).issuer_id == world.b.distributor.id
    assert _wholesale(world.b.distributor).issuer_id == world.operator.id
    # A reseller directly under the operator, and a direct customer: billed by the operator.
    assert _wholesale(solo).issuer_id == world.operator.id
    direct = _wholesale(world.direct_customer)
    assert direct.issuer_id == world.operator.id and direct.total == Decimal("9.75")

    # Numbers are sequential per issuer, without gaps or duplicates.
    by_issuer: dict[str, list[int]] = defaultdict(list)
    for inv in Invoice.objects.all():
        by_issuer[inv.issuer_id].append(inv.sequence)
    for issuer, seqs in by_issuer.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), issuer
    assert len(by_issuer[world.operator.id]) == 5
    assert len(by_issuer[world.a.distributor.id]) == 3

    # Running the period again issues nothing new.
    again = actions.run_billing(PERIOD)
    assert again.issued == 0 and again.skipped == 9
    assert Invoice.objects.count() == 9
    assert BillingRun.objects.get(period=PERIOD).issued == 9

    # Wholesale invoices follow the bill-to rule: never visible to the customers.
    def visible(member):
        r = api_as(member).get("/invoices?limit=100")
        assert r.status_code == 200, r.content
        return {i["id"] for i in r.json()["items"]}

    assert visible(world.members["account_admin"]) == set()
    reseller_sees = visible(world.members["partner_admin"])
    assert reseller_a.id in reseller_sees and chf.id in reseller_sees
    assert distributor_a.id not in reseller_sees  # what the distributor pays is its own
    assert distributor_a.id in visible(world.members["distributor_admin"])
    b_admin = factories.user(world.b.distributor, Role.PARTNER_ADMIN)
    assert reseller_a.id not in visible(b_admin)
    pdf = api_as(world.members["partner_admin"]).get(f"/invoices/{reseller_a.id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_subscriptions_not_due_in_the_period_are_not_billed(world, subs):
    actions.run_billing("2026-10")  # before every start date
    assert not Invoice.objects.filter(source=SOURCE).exists()
    annual = subscription(world.a.customer, quantity=1, product="meetings_pro", start_date=START)
    actions.run_billing("2026-12")  # monthly ones due again, the annual one not
    december = Invoice.objects.get(
        source=SOURCE, bill_to=world.a.reseller, currency="EUR", period="2026-12"
    )
    assert december.total == Decimal("19.50")
    assert all("Meetings" not in ln.description for ln in december.lines.all())
    assert annual.billing_period == "annual"


def test_the_wholesale_source_reads_in_a_fixed_number_of_queries(world, subs):
    """However many subscriptions, accounts and partners: the links, then the subscriptions
    with their account, partner and its parent (deferred fields read later would be one
    query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from channeldesk.subscriptions.billing import wholesale_drafts

    with CaptureQueriesContext(connection) as few:
        drafts = wholesale_drafts(PERIOD)
    assert len(drafts) == 9
    for i in range(5):
        subscription(factories.org(Kind.CUSTOMER, world.b.reseller), start_date=START)
    with CaptureQueriesContext(connection) as more:
        assert len(wholesale_drafts(PERIOD)) == 9
    assert len(more) == len(few) <= 3, [q["sql"] for q in more.captured_queries]
