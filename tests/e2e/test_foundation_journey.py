"""A partner admin in a real browser: sign in, switch to German, see the dashboard in German,
invite a user, and keep screenshots of every step."""

from __future__ import annotations

import pytest

from channeldesk.identity.models import User
from channeldesk.notifications.models import OutboxEmail
from channeldesk.tenancy.models import Membership
from tests import factories
from tests.conftest import login, screenshot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_in_switch_to_german_and_invite_a_user(page, live_server):
    w = factories.world()
    admin = w.members["partner_admin"]

    page.goto("/auth/login")
    screenshot(page, "foundation-01-login")
    login(page, admin.user.email)
    page.wait_for_selector("main h1")
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "foundation-02-dashboard-en")

    page.select_option("#language", "de")  # submits itself (app.js)
    page.wait_for_function("document.documentElement.lang === 'de'")
    nav = page.get_by_role("navigation", name="Hauptmenü")
    assert nav.get_by_role("link", name="Dashboard").is_visible()
    assert nav.get_by_role("link", name="Kundenkonten").is_visible()
    assert page.get_by_role("button", name="Abmelden").is_visible()
    assert w.a.customer.name in page.content()
    screenshot(page, "foundation-03-dashboard-de")
    assert User.objects.get(pk=admin.user.pk).language == "de"

    nav.get_by_role("link", name="Benutzer").click()
    page.wait_for_selector("text=Benutzer einladen")
    form = page.locator("form", has=page.locator("#id_email"))
    form.get_by_label("E-Mail").fill("neue.kollegin@example.test")
    form.get_by_label("Name").fill("Neue Kollegin")
    form.get_by_label("Rolle").select_option("partner_agent")
    page.get_by_role("button", name="Einladung senden").click()
    page.wait_for_selector("text=Einladung an neue.kollegin@example.test gesendet.")
    assert page.get_by_role("cell", name="neue.kollegin@example.test", exact=True).is_visible()
    screenshot(page, "foundation-04-users-invited-de")

    m = Membership.objects.get(user__email="neue.kollegin@example.test")
    assert (m.organization_id, m.role) == (w.a.reseller.id, "partner_agent")
    assert OutboxEmail.objects.filter(to="neue.kollegin@example.test").exists()

    # Keyboard: the skip link is the first stop and leads to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert not page.console_errors, page.console_errors  # type: ignore[attr-defined]

    page.goto("/me")
    screenshot(page, "foundation-05-profile-de")
    page.goto("/audit/webhooks/")
    page.get_by_label("Endpunkt-URL").fill("https://hooks.example.test/channeldesk")
    page.get_by_label("account").check()
    page.get_by_role("button", name="Webhook hinzufügen").click()
    page.wait_for_selector("[data-testid=webhook-secret]")
    screenshot(page, "foundation-06-webhooks-de")

    # Sign out, then the operator reads the invitation in the outbox (no SMTP_URL here).
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/auth/login")
    login(page, w.members["operator_support"].user.email)
    page.goto("/notifications/outbox/")
    page.get_by_role("row").filter(has_text="neue.kollegin@example.test").get_by_role(
        "link"
    ).click()
    page.wait_for_selector("text=set-password?token=…")
    screenshot(page, "foundation-07-outbox-email")
