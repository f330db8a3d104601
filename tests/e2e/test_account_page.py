"""A person's journey through the account page, in a real browser (Chromium)."""

from __future__ import annotations

import pytest

from channeldesk.accounts.models import AccountIntegration
from channeldesk.tenancy.models import Organization
from tests import factories
from tests.conftest import login, screenshot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_account_admin_in_german_then_partner_deactivates(page, live_server, browser):
    world = factories.world()
    acc = world.a.customer
    admin = world.members["account_admin"].user
    admin.language = "de"
    admin.save()

    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} @ {m.location.get('url')}")
            if m.type == "error"
            and "favicon.ico" not in str(m.location.get("url"))
            # htmx (not our markup) tries an inline style when it swaps a form with errors; the
            # CSP blocks it harmlessly. Reported to the lead.
            and "Applying inline style" not in m.text
            else None
        ),
    )

    # --- the account admin edits the customer information in German ---
    login(page, admin.email)
    page.goto(f"/accounts/{acc.id}/")
    assert page.get_by_role("heading", name="Kundeninformationen").is_visible()
    page.locator("#panel-info").get_by_role("link", name="Bearbeiten").click()
    form = page.locator("#panel-info form")
    form.wait_for()
    screenshot(page, "accounts-01-edit-customer-information-de")
    page.get_by_label("Kundenname").fill("Bäckerei Schmidt GmbH")
    page.get_by_label("Land").select_option("AT")
    # The province/state list follows the country.
    page.locator("#id_subdivision option[value='AT-9']").wait_for(state="attached")
    assert page.locator("#id_subdivision option[value='DE-BE']").count() == 0
    page.get_by_label("Provinz/Staat").select_option("AT-9")
    page.get_by_label("Postleitzahl").fill("10")
    page.get_by_label("Stadt").fill("Wien")
    page.locator("#panel-info").get_by_role("button", name="Speichern").click()
    page.locator("#panel-info .has-error #id_postal_code").wait_for()
    assert page.locator("#id_postal_code_error").is_visible()
    screenshot(page, "accounts-02-postal-code-error-de")
    page.get_by_label("Postleitzahl").fill("1010")
    # the e-mail domains: one per line, checked; a bad one is named in the form
    page.get_by_label("E-Mail-Domains").fill("baeckerei-schmidt.at\nschmidt@baeckerei.at")
    page.locator("#panel-info").get_by_role("button", name="Speichern").click()
    page.locator("#panel-info .has-error #id_domains").wait_for()
    assert "keine E-Mail-Adresse" in page.locator("#id_domains_error").inner_text()
    screenshot(page, "accounts-02b-domain-error-de")
    page.get_by_label("E-Mail-Domains").fill("Baeckerei-Schmidt.at\nbäckerei-schmidt.at")
    page.locator("#panel-info").get_by_role("button", name="Speichern").click()
    page.get_by_text("Kundeninformationen gespeichert.").wait_for()
    assert page.get_by_test_id("info-name").inner_text() == "Bäckerei Schmidt GmbH"
    assert page.locator("h1#account-title").inner_text().startswith("Bäckerei Schmidt GmbH")
    assert page.locator("h1#account-title").count() == 1
    assert "Wien" in page.get_by_test_id("info-city").inner_text()
    assert page.get_by_test_id("info-domains").inner_text().split("\n") == [
        "baeckerei-schmidt.at",
        "bäckerei-schmidt.at",
    ]
    screenshot(page, "accounts-02c-customer-information-saved-de")
    acc.refresh_from_db()
    assert (acc.country, acc.subdivision, acc.postal_code) == ("AT", "AT-9", "1010")
    # editing again shows the domains as they are stored, one per line
    page.locator("#panel-info").get_by_role("link", name="Bearbeiten").click()
    page.locator("#panel-info form").wait_for()
    assert page.get_by_label("E-Mail-Domains").input_value() == (
        "baeckerei-schmidt.at\nbäckerei-schmidt.at"
    )
    page.locator("#panel-info").get_by_role("link", name="Abbrechen").click()
    page.get_by_test_id("info-domains").wait_for()

    # --- toggles an integration and sees its privileges appear ---
    meetings = page.get_by_test_id("integration-meetings")
    assert page.get_by_test_id("privilege-meetings-allow_guest_access").count() == 0
    meetings.get_by_role("switch", name="Meetings").click()
    privilege = page.get_by_test_id("privilege-meetings-allow_guest_access")
    privilege.wait_for()
    assert "Gastzugang erlauben" in privilege.inner_text()
    assert privilege.get_by_role("switch").get_attribute("aria-checked") == "true"
    privilege.get_by_role("switch").click()
    page.locator(
        "[data-testid='privilege-meetings-allow_guest_access'] [aria-checked='false']"
    ).wait_for()
    assert AccountIntegration.objects.get(account=acc, key="meetings").privileges == {
        "allow_guest_access": False
    }
    # A dependency that is off is a clear refusal.
    page.get_by_test_id("integration-directory_sync").get_by_role("switch").click()
    page.get_by_test_id("integration-error").wait_for()
    assert "Single Sign-On" in page.get_by_test_id("integration-error").inner_text()
    page.get_by_test_id("integration-meetings").scroll_into_view_if_needed()
    screenshot(page, "accounts-03-integrations-de")

    # --- copies the Account ID ---
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    copy = page.locator("#panel-info").get_by_role("button", name="Konto-ID kopieren")
    copy.click()
    page.locator("#panel-info").get_by_text("Kopiert").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == acc.id
    screenshot(page, "accounts-04-account-id-copied-de")
    assert not problems, problems

    # --- the partner admin deactivates the account, typing its name ---
    partner_ctx = browser.new_context(
        viewport={"width": 1280, "height": 860}, base_url=live_server.url
    )
    partner = partner_ctx.new_page()
    partner.set_default_timeout(15000)
    login(partner, world.members["partner_admin"].user.email)
    partner.goto(f"/accounts/{acc.id}/")
    button = partner.get_by_role("button", name="Deactivate account")
    # The button stays disabled while the typed name does not match (the server checks too).
    partner.locator("#deactivate-confirm").fill("Bäckerei Schmidt")
    assert button.is_disabled()
    partner.locator("#deactivate-confirm").fill("Bäckerei Schmidt GmbH")
    screenshot(partner, "accounts-05-deactivate-confirm")
    button.click()
    partner.get_by_text("its users can no longer sign in").wait_for()
    assert partner.get_by_test_id("account-status").inner_text() == "Deactivated"
    screenshot(partner, "accounts-06-deactivated")
    assert Organization.objects.get(id=acc.id).status == "deactivated"
    partner_ctx.close()

    # --- its users can no longer sign in; the open session ends at the next request ---
    page.goto(f"/accounts/{acc.id}/")
    page.wait_for_url(lambda url: "/auth/login" in url)
    page.locator("#id_email").fill(world.members["member"].user.email)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.locator(".form-errors").wait_for()
    assert "/auth/login" in page.url
    screenshot(page, "accounts-07-member-cannot-sign-in")
