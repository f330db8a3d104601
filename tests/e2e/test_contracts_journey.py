"""A direct customer's admin orders a second site in the browser, sees it after provisioning
with its new numbers marked new, and opens the month's invoice PDF."""

from __future__ import annotations

import io

import pytest
import weasyprint  # noqa: F401 - loading it takes seconds on a busy machine; not in a request
from django.utils import timezone
from pypdf import PdfReader

from channeldesk.billing.actions import run_billing
from channeldesk.billing.models import Invoice
from tests import factories
from tests.conftest import login, screenshot
from tests.contracts import factories as cf


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_order_a_site_see_it_provisioned_and_open_the_invoice(page, settings, run_worker):
    settings.PROVISIONING_DELAY_SECONDS = 0
    world = factories.world()
    account = world.direct_customer
    account.street = "Friedrichstraße 1"
    account.save()
    admin = world.members["direct_account_admin"]
    pkg = cf.base_package(account, name="CompanyFlex")
    cf.site(pkg, name="Head office Berlin", numbers=["+493088880001", "+493088880002"])
    cf.resource(pkg, "parallel_calls")
    cf.pool("+494012345600", 10)

    # Console errors on this app's pages (the account page's own header belongs to accounts).
    account_page = f"/accounts/{account.id}/"
    where: list[str] = []
    page.on(
        "console",
        lambda m: (
            where.append(f"{page.url}: {m.text[:120]} {m.location.get('url')}")
            if m.type == "error"
            and not m.location.get("url", "").endswith((account_page, "/favicon.ico"))
            else None
        ),
    )
    login(page, admin.user.email)
    page.goto(f"/accounts/{account.id}/")
    page.get_by_role("link", name="Order", exact=True).click()
    page.get_by_label("An additional site product on a base package").check()
    page.get_by_label("Site name").fill("Branch Hamburg")
    page.get_by_label("Street address").fill("Mönckebergstraße 7")
    page.get_by_label("Postal code").fill("20095")
    page.get_by_label("City").fill("Hamburg")
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("How many phone numbers?").fill("3")
    screenshot(page, "contracts_order_form")
    page.get_by_role("button", name="Place order").click(timeout=60000)
    page.wait_for_url("**/orders/*", timeout=60000)
    assert page.get_by_test_id("order-status").inner_text() == "Confirmed"
    screenshot(page, "contracts_order_confirmed")

    run_worker()  # the next-day provisioning, with the delay set to 0
    page.reload()
    assert page.get_by_test_id("order-status").inner_text() == "Completed"
    page.get_by_role("link", name="See the base packages").click()
    sites = page.get_by_test_id("site-product")
    assert sites.count() == 2
    assert "Branch Hamburg" in sites.nth(1).inner_text()
    assert "3 new" in page.get_by_test_id("new-numbers").inner_text()
    screenshot(page, "contracts_account_base_packages")

    page.get_by_role("link", name="Phone numbers").first.click()
    assert page.get_by_test_id("new-flag").count() == 3
    screenshot(page, "contracts_phone_numbers_new")
    page.get_by_role("button", name="Acknowledge all new numbers").click()
    assert page.get_by_test_id("new-flag").count() == 0

    period = timezone.now().strftime("%Y-%m")
    run_billing(period)
    invoice = Invoice.objects.get(key=pkg.id, period=period)
    page.get_by_role("link", name="Invoices").first.click()
    page.get_by_role("link", name=invoice.number, exact=True).click()
    assert "Branch Hamburg" in page.content() and "Head office Berlin" in page.content()
    screenshot(page, "contracts_invoice")
    href = page.get_by_test_id("invoice-pdf").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert invoice.number in text and "Branch Hamburg" in text
    assert not where, where
