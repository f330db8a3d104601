"""The reseller creates a customer-managed subscription for a new customer; the customer's
contact signs in through the e-mailed link, sees no billing and distributes licenses by CSV."""

from __future__ import annotations

import re

import pytest

from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy.roles import Role
from tests import factories
from tests.conftest import body_of, login, screenshot

PASSWORD = "alpine-meadow-passphrase"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reseller_creates_self_service_subscription_and_contact_signs_in(
    page, browser, live_server, settings, smtp_server, deliver
):
    settings.BASE_URL = live_server.url
    world = factories.world()
    reseller = world.a.reseller
    reseller.country, reseller.postal_code = "DE", "10115"
    reseller.save()
    admin = world.members["partner_admin"]

    login(page, admin.user.email)
    page.get_by_role("link", name="Subscriptions").first.click()
    page.wait_for_url("**/subscriptions/")
    page.console_errors.clear()  # the dashboard is not this app's page
    page.get_by_role("link", name="New customer subscription").click()
    page.get_by_label("Product").select_option("signatures_m365")
    page.get_by_label("Customer company name").fill("Alpenglück GmbH")
    page.get_by_text("New customer named “Alpenglück GmbH”").wait_for()
    page.get_by_label("Postal code of a new customer").fill("80331")
    page.get_by_label("Number of users").fill("25")
    page.get_by_label("Let the customer manage it").check()
    page.get_by_label("Customer contact name").fill("Greta Gipfel")
    page.get_by_label("Customer e-mail address").fill("greta@alpenglueck.example")
    screenshot(page, "subscriptions_new_dialog")
    page.get_by_role("button", name="Create").click()
    page.get_by_text("An invitation was e-mailed to greta@alpenglueck.example.").wait_for()
    assert page.get_by_test_id("quantity").inner_text() == "25"
    screenshot(page, "subscriptions_detail_reseller")
    sub = Subscription.objects.get()
    assert sub.customer_managed and sub.account.name == "Alpenglück GmbH"
    page.goto("/subscriptions/")
    assert sub.next_payment_date.isoformat() in page.content()
    screenshot(page, "subscriptions_console")

    assert deliver() >= 1
    [mail] = smtp_server.to("greta@alpenglueck.example")
    text = body_of(mail)
    assert "Signatures for Microsoft 365" in text and "EUR" not in text
    link = re.search(r"(https?://\S+/auth/set-password\?token=\S+)", text).group(1)
    assert link.startswith(live_server.url)

    # The customer's contact, in a browser of their own.
    context = browser.new_context(base_url=live_server.url)
    customer = context.new_page()
    customer_errors: list[str] = []
    customer.on("console", lambda m: customer_errors.append(m.text) if m.type == "error" else None)
    customer.goto(link)
    customer.get_by_label("Your name").fill("Greta Gipfel")
    customer.get_by_label("New password").fill(PASSWORD)
    customer.get_by_label("Repeat the password").fill(PASSWORD)
    screenshot(customer, "subscriptions_set_password")
    customer.get_by_role("button", name="Save password").click()
    customer.wait_for_url(lambda url: "set-password" not in url)
    customer.get_by_role("button", name="Sign out").click()
    login(customer, "greta@alpenglueck.example", PASSWORD)
    colleague = factories.user(sub.account, Role.MEMBER, email="hans@alpenglueck.example")
    customer.get_by_role("link", name="Subscriptions").first.click()
    html = customer.content()
    for marker in (
        "EUR",
        "1.95",
        "Next payment",
        "Monthly value",
        sub.next_payment_date.isoformat(),
    ):
        assert marker not in html, marker
    customer.get_by_role("link", name="Alpenglück GmbH").click()
    customer.get_by_label("…or paste e-mail addresses").fill(
        "greta@alpenglueck.example\nhans@alpenglueck.example\nnobody@elsewhere.example"
    )
    customer.get_by_role("button", name="Preview").click()
    customer.get_by_test_id("csv-preview").wait_for()
    assert "nobody@elsewhere.example" in customer.get_by_test_id("csv-preview").inner_text()
    screenshot(customer, "subscriptions_csv_preview")
    customer.get_by_role("button", name="Assign 2 licenses").click()
    customer.get_by_text("2 licenses assigned.").wait_for()
    assert customer.get_by_test_id("license-count").inner_text() == "2"
    html = customer.content()
    assert "EUR" not in html and "Next payment" not in html
    screenshot(customer, "subscriptions_customer_detail")
    assert not [e for e in customer_errors if "Content Security Policy" in e]
    assert set(License.objects.values_list("user__email", flat=True)) == {
        "greta@alpenglueck.example",
        colleague.user.email,
    }
    context.close()

    # Back at the reseller: lowering the seats below the assigned licenses is refused.
    page.goto(f"/subscriptions/{sub.id}/")
    page.get_by_label("Number of users").fill("1")
    page.get_by_role("button", name="Change number of users").click()
    page.get_by_text("2 licenses are assigned").wait_for()
    screenshot(page, "subscriptions_quantity_refused")
    blocked = [e for e in page.console_errors if "Content Security Policy" in e]
    assert blocked == []
