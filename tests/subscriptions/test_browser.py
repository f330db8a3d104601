"""Issue 6's "Done when", as a new user would try it: a reseller creates three subscriptions
(one for a new customer with self-service), the customer's contact signs in through the
e-mailed link and assigns licenses by CSV (all or nothing), edits the product's settings and
sees no billing; the reseller lowers the seats and is refused while they are assigned; the
list and the export show the right users, status and next payment dates; a colleague sees
its license on its own page."""

from __future__ import annotations

import csv
import io
import re

import pytest

from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy.roles import Role
from tests import factories
from tests.conftest import body_of, login, screenshot, without_tokens

PASSWORD = "alpine-meadow-passphrase"


def _new_subscription(page, product: str, customer: str, users: str, pick_existing: bool):
    page.goto("/subscriptions/")
    page.get_by_role("link", name="New customer subscription").click()
    page.get_by_label("Product").select_option(product)
    page.get_by_label("Customer company name").fill(customer)
    if pick_existing:
        page.get_by_label(f"Existing customer: {customer}").check()
    else:
        page.get_by_text(f"New customer named “{customer}”").wait_for()
    page.get_by_label("Number of users").fill(users)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reseller_creates_three_subscriptions_and_the_contact_distributes_licenses(
    page, browser, live_server, settings, smtp_server, deliver
):
    settings.BASE_URL = live_server.url
    world = factories.world()
    reseller = world.a.reseller
    reseller.country, reseller.postal_code = "DE", "10115"
    reseller.save()
    existing = world.a.customer
    admin = world.members["partner_admin"]

    login(page, admin.user.email)
    page.get_by_role("link", name="Subscriptions").first.click()
    page.wait_for_url("**/subscriptions/")
    page.console_errors.clear()  # the dashboard is not this app's page

    # 1: a new customer that manages the product itself
    _new_subscription(page, "signatures_m365", "Alpenglück GmbH", "25", pick_existing=False)
    page.get_by_label("Postal code of a new customer").fill("80331")
    page.get_by_label("Let the customer manage it").check()
    page.get_by_label("Customer contact name").fill("Greta Gipfel")
    page.get_by_label("Customer e-mail address").fill("greta@alpenglueck.example")
    screenshot(page, "subscriptions_new_dialog")
    page.get_by_role("button", name="Create").click()
    page.get_by_text("An invitation was e-mailed to greta@alpenglueck.example.").wait_for()
    assert page.get_by_test_id("quantity").inner_text() == "25"
    screenshot(page, "subscriptions_detail_reseller")

    # 2: an existing customer, a product without self-service: the option disappears
    _new_subscription(page, "softphone_app", existing.name, "1", pick_existing=True)
    page.get_by_test_id("no-self-service").wait_for()
    assert page.get_by_label("Let the customer manage it").count() == 0
    screenshot(page, "subscriptions_new_dialog_no_self_service")
    page.get_by_role("button", name="Create").click()
    page.get_by_text(
        f"Subscription to Softphone and mobile app for {existing.name} created."
    ).wait_for()
    # picking two users for one seat is refused in place (HTMX swaps the 409 fragment)
    page.get_by_label(world.members["member"].user.email).check()
    page.get_by_label(world.members["site_admin"].user.email).check()
    page.get_by_role("button", name="Assign", exact=True).click()
    page.locator("#licenses .msg.error").filter(has_text="Only 1 of 1 licenses are free").wait_for()
    screenshot(page, "subscriptions_assign_refused")

    # 3: the same customer, an annual product
    _new_subscription(page, "meetings_pro", existing.name, "12", pick_existing=True)
    page.get_by_role("button", name="Create").click()
    page.get_by_text(f"Subscription to Meetings Pro for {existing.name} created.").wait_for()
    assert Subscription.objects.count() == 3
    sub = Subscription.objects.get(account__name="Alpenglück GmbH")
    assert sub.customer_managed

    # the console: every subscription with users, status and next payment date; sort by product
    page.goto("/subscriptions/?sort=product")
    rows = page.locator("#results tbody tr")
    assert rows.count() == 3
    texts = [rows.nth(i).inner_text() for i in range(3)]
    assert texts[0].startswith(existing.name) and "Meetings Pro" in texts[0]
    for s in Subscription.objects.all():
        assert s.next_payment_date.isoformat() in page.content()
    assert page.get_by_test_id("total-users").inner_text() == "38"
    screenshot(page, "subscriptions_console")

    # the contact, in a browser of their own, from the e-mailed link
    assert deliver() >= 1
    [mail] = smtp_server.to("greta@alpenglueck.example")
    text = body_of(mail)
    assert "Signatures for Microsoft 365" in text and "EUR" not in text
    link = re.search(r"(https?://\S+/auth/set-password\?token=\S+)", text).group(1)
    assert link.startswith(live_server.url)
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

    # CSV with an unknown address: previewed, nothing can be applied until it is left out
    customer.get_by_label("…or paste e-mail addresses").fill(
        "greta@alpenglueck.example\nhans@alpenglueck.example\nnobody@elsewhere.example"
    )
    customer.get_by_role("button", name="Preview").click()
    preview = customer.get_by_test_id("csv-preview")
    preview.wait_for()
    assert "nobody@elsewhere.example" in preview.inner_text()
    assert customer.get_by_role("button", name=re.compile("Assign 2 licenses")).count() == 0
    screenshot(customer, "subscriptions_csv_preview")
    customer.get_by_role("button", name="Preview again without these addresses").click()
    customer.get_by_role("button", name="Assign 2 licenses").click()
    customer.get_by_text("2 licenses assigned.").wait_for()
    assert customer.get_by_test_id("license-count").inner_text() == "2"

    # the product's settings are the customer's here
    customer.get_by_label("Signature template").select_option("modern")
    customer.get_by_label("Legal disclaimer").fill("Diese E-Mail ist vertraulich.")
    customer.get_by_role("button", name="Save settings").click()
    customer.get_by_text("Settings saved.").wait_for()
    sub.refresh_from_db()
    assert sub.settings["signature_template"] == "modern"
    html = without_tokens(customer.content())
    assert "EUR" not in html and "Next payment" not in html
    screenshot(customer, "subscriptions_customer_detail")
    assert not [e for e in customer_errors if "Content Security Policy" in e]
    assert set(License.objects.filter(subscription=sub).values_list("user__email", flat=True)) == {
        "greta@alpenglueck.example",
        colleague.user.email,
    }
    context.close()

    # the colleague sees the license on its own page
    colleague_ctx = browser.new_context(base_url=live_server.url)
    hans = colleague_ctx.new_page()
    login(hans, colleague.user.email)
    hans.get_by_role("link", name="Your licenses").first.click()
    assert hans.get_by_test_id("my-license").count() == 1
    assert "Signatures for Microsoft 365" in hans.get_by_test_id("my-license").inner_text()
    screenshot(hans, "subscriptions_member_licenses")
    colleague_ctx.close()

    # back at the reseller: lowering the seats below the assigned licenses is refused
    page.goto(f"/subscriptions/{sub.id}/")
    page.get_by_label("Number of users").fill("1")
    page.get_by_role("button", name="Change number of users").click()
    page.get_by_text("2 licenses are assigned").wait_for()
    screenshot(page, "subscriptions_quantity_refused")
    page.goto(f"/subscriptions/{sub.id}/")
    page.get_by_role("button", name="Suspend").click()
    page.get_by_text("Subscription suspended.").wait_for()

    # the list and its export show users, licenses, status and next payment dates
    page.goto("/subscriptions/?sort=customer")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    exported = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert exported[0][:5] == [
        "Customer",
        "Product",
        "Number of users",
        "Licenses assigned",
        "Status",
    ]
    by_customer = {(r[0], r[1]): r for r in exported[1:]}
    row = by_customer[("Alpenglück GmbH", "Signatures for Microsoft 365")]
    assert row[2:6] == ["25", "2", "Suspended", sub.next_payment_date.isoformat()]
    meetings = Subscription.objects.get(product="meetings_pro")
    row = by_customer[(existing.name, "Meetings Pro")]
    assert row[2:6] == ["12", "0", "Active", meetings.next_payment_date.isoformat()]
    assert len(exported) == 4
    blocked = [e for e in page.console_errors if "Content Security Policy" in e]
    assert blocked == []
