"""The billing run: one invoice per base package with every site and resource, registered
sources included, idempotent per period, gapless numbers per issuer even under concurrency."""

from __future__ import annotations

import io
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from pypdf import PdfReader

from channeldesk.billing import actions, sources
from channeldesk.billing.models import Invoice
from channeldesk.billing.sources import InvoiceDraft, LineDraft
from tests.contracts import factories as cf

# Contracts created now are billed from the current period on.
PERIOD = __import__("django.utils.timezone", fromlist=["now"]).now().strftime("%Y-%m")


@pytest.fixture
def contracts(world):
    """Two base packages of one customer (isolated contracts) and one of another."""
    a = world.a.customer
    p1 = cf.base_package(a, name="Contract 1", fee="49.00")
    cf.site(p1, name="Head office", numbers=["+493011110001", "+493011110002"])
    cf.site(p1, name="Branch Hamburg", fee="19.00", numbers=["+494011110001"])
    cf.resource(p1, "budget", price="5.00")
    cf.resource(p1, "flatrate", price="9.90")
    cf.resource(p1, "parallel_calls", price="15.00")
    p2 = cf.base_package(a, name="Contract 2", fee="49.00")
    cf.site(p2, name="Munich", numbers=[])
    p3 = cf.base_package(world.b.customer, name="Other")
    return p1, p2, p3


def test_one_invoice_per_base_package_listing_fee_sites_and_resources(world, contracts):
    p1, p2, _p3 = contracts
    result = actions.run_billing(PERIOD)
    assert result.issued == 3
    inv1 = Invoice.objects.get(key=p1.id)
    lines = [ln.description for ln in inv1.lines.all()]
    assert any(p1.number in d for d in lines)
    assert any("Head office" in d for d in lines)
    assert any("Branch Hamburg" in d for d in lines)
    assert any("budget" in d.lower() for d in lines)
    assert any("flatrate" in d.lower() for d in lines)
    assert any("parallel" in d.lower() for d in lines)
    assert not any("Munich" in d for d in lines)  # the other contract's site
    # 49 + 19 + 2 x 1 + 19 + 1 x 1 + 5 + 9.90 + 15 = 119.90, exact
    assert inv1.total == Decimal("119.90")
    assert inv1.bill_to_id == world.a.customer.id
    assert inv1.issuer_id == world.a.reseller.id
    inv2 = Invoice.objects.get(key=p2.id)
    assert inv2.total == Decimal("68.00")


def test_billing_run_twice_issues_the_same_invoices(contracts):
    first = actions.run_billing(PERIOD)
    before = list(Invoice.objects.order_by("id").values_list("id", "number", "total"))
    second = actions.run_billing(PERIOD)
    assert first.issued == 3 and second.issued == 0 and second.skipped == 3
    assert list(Invoice.objects.order_by("id").values_list("id", "number", "total")) == before


def test_packages_started_after_the_period_are_not_billed(world, contracts):
    import datetime as dt

    late = cf.base_package(world.a.customer, name="Later", start=dt.date(2099, 1, 1))
    actions.run_billing(PERIOD)
    assert Invoice.objects.filter(key=contracts[0].id).exists()
    assert not Invoice.objects.filter(key=late.id).exists()


def test_registered_sources_are_billed(world, contracts):
    def wholesale(period):
        return [
            InvoiceDraft(
                source="test.wholesale",
                key=world.a.reseller.id,
                issuer_id=world.a.distributor.id,
                bill_to_id=world.a.reseller.id,
                currency="EUR",
                lines=[LineDraft("Licences", Decimal("3"), Decimal("4.333"), "EUR")],
            )
        ]

    sources.register("test.wholesale", wholesale)
    try:
        actions.run_billing(PERIOD)
    finally:
        sources.SOURCES.pop("test.wholesale")
    inv = Invoice.objects.get(source="test.wholesale")
    assert inv.total == Decimal("13.00")  # 12.999 rounded half up to cents


def test_command_with_progress_and_pdf(contracts, capsys):
    call_command("billing", "run", "--period", PERIOD)
    out = capsys.readouterr()
    assert "3 invoices issued" in out.out
    assert "3/3" in out.err  # the progress bar
    assert "drafts" in out.out and " s)" in out.out  # the timing, for the closing note
    call_command("billing", "run", "--period", PERIOD, "--json")
    timing = __import__("json").loads(capsys.readouterr().out)
    assert timing["issued"] == 0 and timing["skipped"] == 3 and timing["drafts"] == 3
    assert timing["seconds_total"] >= timing["seconds_issue"] >= 0
    inv = Invoice.objects.get(key=contracts[0].id)
    from channeldesk.billing.queries import invoice_pdf

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(invoice_pdf(inv, "en"))).pages)
    assert inv.number in text and "Branch Hamburg" in text and "119.90" in text


def test_bad_period_is_refused(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("billing", "run", "--period", "2026-13")


def _three_runs_at_once() -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def run():
        try:
            barrier.wait()
            actions.run_billing(PERIOD)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_issue_gapless_unique_numbers():
    from tests import factories

    world = factories.world()
    # many contracts under one partner: one issuer, so the runs race for its counter
    for i in range(12):
        pkg = cf.base_package(world.a.customer, name=f"Contract {i}")
        cf.site(pkg, name=f"Site {i}")
    _three_runs_at_once()
    invoices = list(Invoice.objects.filter(issuer=world.a.reseller))
    assert len(invoices) == 12  # every package once
    assert sorted(i.sequence for i in invoices) == list(range(1, 13))  # no gaps, no duplicates
    assert len({i.number for i in invoices}) == 12


@pytest.mark.django_db(transaction=True)
def test_runs_in_batches_keep_numbers_gapless_per_issuer(monkeypatch):
    """The run issues BATCH drafts per transaction; with batches smaller than the run and
    three runs at once, every issuer's numbers are still 1..n, each draft issued once and
    audited once."""
    from channeldesk.audit.models import AuditEvent
    from tests import factories

    monkeypatch.setattr(actions, "BATCH", 5)
    world = factories.world()
    for i in range(9):
        cf.site(cf.base_package(world.a.customer, name=f"A {i}"), name=f"Site A{i}")
        cf.site(cf.base_package(world.b.customer, name=f"B {i}"), name=f"Site B{i}")
    _three_runs_at_once()
    for issuer in (world.a.reseller, world.b.reseller):
        invoices = list(Invoice.objects.filter(issuer=issuer))
        assert sorted(i.sequence for i in invoices) == list(range(1, 10))
        assert len({i.key for i in invoices}) == 9
        assert all(i.lines.count() >= 2 for i in invoices)  # base fee and the site
    events = AuditEvent.objects.filter(action="invoice.issued")
    assert events.count() == 18
    assert {e.target_id for e in events} == set(Invoice.objects.values_list("id", flat=True))
    assert actions.run_billing(PERIOD).issued == 0
