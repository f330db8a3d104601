"""Issue 7's "Done when", as a new user would: a direct customer's admin orders a second site on
its base package in the browser, gets the confirmation (with its PDF), the next-day credentials
link (the delay set to 0) and the notice that the site is available, opens the credentials once,
sees the new numbers marked new and acknowledges them, and opens the month's invoice, which
lists both sites, as PDF."""

from __future__ import annotations

import io
import re

import pytest
import weasyprint  # noqa: F401 - loading it takes seconds on a busy machine; not in a request
from django.utils import timezone
from pypdf import PdfReader

from channeldesk.billing.actions import run_billing
from channeldesk.billing.models import Invoice
from channeldesk.contracts.models import Order
from tests import factories
from tests.conftest import body_of, login, screenshot
from tests.contracts import factories as cf


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_order_a_site_see_it_provisioned_and_open_the_invoice(
    page, settings, run_worker, smtp_server, deliver
):
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
    # the area code comes from the city by default; Hamburg's is offered
    assert "DE 040 Hamburg" in page.get_by_label("Area code of the phone numbers").inner_text()
    screenshot(page, "contracts_order_form")
    page.get_by_role("button", name="Place order").click(timeout=60000)
    page.wait_for_url(re.compile(r".*/orders/(?!new)[^/]+$"), timeout=60000)
    assert page.get_by_test_id("order-status").inner_text() == "Confirmed"
    assert "area code 040" in page.content()
    screenshot(page, "contracts_order_confirmed")

    # The confirmation e-mail, its PDF made by the worker when it sends it.
    deliver()
    (confirmation,) = smtp_server.to(admin.user.email)
    number = page.locator("h1").inner_text().split()[1]
    assert number in confirmation["Subject"]
    (pdf,) = [
        p for p in confirmation.iter_attachments() if p.get_content_type() == "application/pdf"
    ]
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert number in pdf_text and "Branch Hamburg" in pdf_text
    smtp_server.clear()

    run_worker()  # the next-day provisioning, with the delay set to 0
    page.reload()
    assert page.get_by_test_id("order-status").inner_text() == "Completed"
    deliver()
    mails = smtp_server.to(admin.user.email)
    notice = next(m for m in mails if "available" in m["Subject"])
    assert "Branch Hamburg" in body_of(notice)
    credentials = next(m for m in mails if "credentials" in m["Subject"].lower())
    link = re.search(r"http\S+(/credentials\?token=\S+)", body_of(credentials)).group(1)
    page.goto(link)
    page.get_by_role("button", name="Show the access credentials").click()
    password = page.get_by_test_id("cred-password").inner_text()
    assert len(password) >= 20 and password.encode() not in credentials.as_bytes()
    screenshot(page, "contracts_credentials_shown")
    page.goto(link)  # single use: the link's page answers 404 now
    assert "not valid" in page.content()
    where[:] = [w for w in where if "/credentials?token=" not in w]  # that expected 404
    page.goto(f"/orders/{Order.objects.get(number=number).id}")
    page.get_by_role("link", name="See the base packages").click()
    sites = page.get_by_test_id("site-product")
    assert sites.count() == 2
    assert "Branch Hamburg" in sites.nth(1).inner_text()
    assert "3 new" in page.get_by_test_id("new-numbers").inner_text()
    screenshot(page, "contracts_account_base_packages")

    page.get_by_role("link", name="Phone numbers").first.click()
    assert page.get_by_test_id("new-flag").count() == 3
    assert all(
        n.startswith("+4940") for n in page.locator('tr[data-new="1"] strong').all_inner_texts()
    )
    screenshot(page, "contracts_phone_numbers_new")
    # The assign form of a row loads on demand (HTMX), with its user picker.
    page.get_by_test_id("assign-open").first.click()
    page.get_by_test_id("assign-form").wait_for()
    screenshot(page, "contracts_phone_numbers_assign")
    page.get_by_role("button", name="Acknowledge all new numbers").click()
    assert page.get_by_test_id("new-flag").count() == 0

    # A lost password: new credentials from the account page, a new single-use link.
    smtp_server.clear()
    page.goto(account_page)
    page.get_by_role("button", name="Send new credentials Branch Hamburg").click()
    assert "single-use links were sent" in page.content()
    deliver()
    assert any("credentials" in m["Subject"].lower() for m in smtp_server.to(admin.user.email))

    period = timezone.now().strftime("%Y-%m")
    run_billing(period)
    invoice = Invoice.objects.get(key=pkg.id, period=period)  # one invoice for the package
    page.get_by_role("link", name="Invoices").first.click()
    screenshot(page, "contracts_invoices")
    page.get_by_role("link", name=invoice.number, exact=True).click()
    assert "Branch Hamburg" in page.content() and "Head office Berlin" in page.content()
    screenshot(page, "contracts_invoice")
    href = page.get_by_test_id("invoice-pdf").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert invoice.number in text and "Branch Hamburg" in text
    assert not where, where
