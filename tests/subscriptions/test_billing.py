"""The wholesale billing source: one draft per partner, one line per subscription due."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from channeldesk.billing import sources
from channeldesk.subscriptions import actions
from tests.subscriptions.factories import subscription

D = dt.date


def test_wholesale_source_bills_the_reseller_per_subscription(world):
    """Tree A is two-tier: the distributor bills its resellers, the operator the distributor."""
    assert "subscriptions.wholesale" in sources.SOURCES
    source = sources.SOURCES["subscriptions.wholesale"]
    m = subscription(world.a.customer, quantity=10, start_date=D(2025, 1, 31))
    y = subscription(world.a.customer, quantity=4, product="meetings_pro", start_date=D(2025, 3, 5))
    subscription(world.a.sibling_customer, quantity=2, start_date=D(2025, 1, 1))
    s = subscription(world.b.customer, quantity=7, start_date=D(2025, 1, 1))
    actions.suspend_subscription(world.actor("operator_admin"), s)
    drafts = {d.bill_to_id: d for d in source("2025-02")}
    assert set(drafts) == {world.a.reseller.id, world.a.sibling_reseller.id, world.a.distributor.id}
    a = drafts[world.a.reseller.id]
    assert a.issuer_id == world.a.distributor.id and a.currency == "EUR"
    distributor = drafts[world.a.distributor.id]
    assert distributor.issuer_id == world.operator.id
    assert len(distributor.lines) == 2  # both resellers' customers
    assert [(line.quantity, line.unit_price) for line in a.lines] == [
        (Decimal(10), Decimal("1.95"))
    ]
    assert (
        "2025-02-28" in a.lines[0].description and world.a.customer.name in a.lines[0].description
    )
    march = {d.bill_to_id: d for d in source("2025-03")}[world.a.reseller.id]
    assert sorted(line.unit_price for line in march.lines) == [Decimal("1.95"), Decimal("60.00")]
    april = {d.bill_to_id: d for d in source("2025-04")}[world.a.reseller.id]
    assert len(april.lines) == 1  # the annual one is billed once a year
    assert m.id and y.id
