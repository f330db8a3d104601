"""The journey a person makes, in a real browser: a customer admin finds a reseller by typing
three letters, sends, resends too early, cancels, sends again; the reseller declines, then
accepts; the dashboard shows Your partner; a message goes back and forth (opening the thread
reads it); a later switch to a second reseller removes the first one's access; an old
invitation expires. Error answers of HTMX requests (a 429 of the type-ahead, a 422 of the
thread's form) are shown in place."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from channeldesk.core import jobs
from channeldesk.core.models import Throttle
from channeldesk.relationships.models import PartnerInvitation
from channeldesk.tenancy.roles import Kind, Role
from tests import factories
from tests.conftest import login, screenshot


def _sign_out(page) -> None:
    page.context.clear_cookies()


def _send_to(page, letters: str, name: str, shot: str = "") -> None:
    page.goto("/")
    page.get_by_role("link", name=re.compile("Define partner|Change partner")).first.click()
    page.get_by_label("First letters of the company name").press_sequentially(letters, delay=60)
    page.get_by_label(name).check()
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name="Apply").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_partner_life_cycle_in_the_browser(page, world):
    customer = world.members["account_admin"].user.email
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    partner = world.members["b_partner_admin"].user.email
    login(page, customer)

    # send: type three letters, pick from the matches, confirmation message
    _send_to(page, "Res", "Reseller B", shot="relationships-define")
    page.get_by_text("Your invitation has been sent to Reseller B").wait_for()
    screenshot(page, "relationships-issued")
    # resend limit
    page.get_by_role("button", name="Resend").click()
    page.get_by_text("you can resend it later").wait_for()
    # cancel
    page.get_by_role("button", name="Cancel invitation").click()
    page.get_by_text("The invitation was cancelled.").wait_for()
    # send again
    _send_to(page, "res", "Reseller B")
    page.get_by_text("Your invitation has been sent to Reseller B").wait_for()

    # the reseller declines
    _sign_out(page)
    login(page, partner)
    page.goto("/notifications/requests/?tab=received")
    screenshot(page, "relationships-received")
    page.get_by_role("button", name="Decline").click()
    page.get_by_text("You declined the request.").wait_for()

    # send again; the reseller accepts with typed confirmation
    _sign_out(page)
    login(page, customer)
    _send_to(page, "Res", "Reseller B")
    page.get_by_text("Your invitation has been sent to Reseller B").wait_for()
    _sign_out(page)
    login(page, partner)
    page.goto("/notifications/requests/?tab=received")
    page.get_by_role("link", name="Accept").click()
    accept = page.get_by_role("button", name="Accept")
    confirm = page.get_by_label(f"Type “{world.a.customer.name}” to confirm")
    confirm.fill("Customer")
    assert accept.is_disabled()
    confirm.fill(world.a.customer.name)
    accept.click()
    page.get_by_text("is now the partner of").first.wait_for()

    # Your partner on the customer dashboard; Contact opens the conversation
    _sign_out(page)
    login(page, customer)
    page.goto("/")
    assert page.locator("#your-partner + p strong").inner_text() == "Reseller B"
    panel = page.locator("section[aria-labelledby=your-partner]")
    assert panel.get_by_role("link", name="Change partner").is_visible()
    screenshot(page, "relationships-dashboard")
    panel.get_by_role("link", name="Contact", exact=True).click()
    # an empty message is refused in place (HTMX swaps the 422 fragment)
    page.get_by_role("textbox", name="Message").fill("   ")
    page.get_by_role("button", name="Send message").click()
    page.get_by_role("alert").filter(has_text="Write a message.").wait_for()
    screenshot(page, "relationships-conversation-error")
    page.get_by_role("textbox", name="Message").fill("Guten Tag, wir brauchen zehn Lizenzen.")
    page.get_by_role("button", name="Send message").click()
    page.locator("[data-message]").first.wait_for()
    assert "zehn Lizenzen" in page.locator(".thread").inner_text()
    assert page.get_by_role("textbox", name="Message").input_value() == ""

    # the reseller sees it as an unread notification; opening the thread reads it
    _sign_out(page)
    login(page, partner)
    page.goto("/")
    unread = int(page.get_by_test_id("unread-count").inner_text())
    assert unread >= 1
    page.goto("/notifications/")
    screenshot(page, "relationships-notifications")
    assert page.locator("[data-tab=received]").is_visible()
    page.get_by_role("button", name=f"New message from {world.a.customer.name}").first.click()
    page.wait_for_url("**/conversations/**")
    page.get_by_role("textbox", name="Message").fill("Gern, das Angebot kommt morgen.")
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("Gern, das Angebot kommt morgen.").wait_for()
    screenshot(page, "relationships-conversation")
    page.goto("/")
    badge = page.get_by_test_id("unread-count")
    assert badge.count() == 0 or int(badge.inner_text()) < unread
    # the customer opens the thread from its dashboard: the answer is read on load (a POST)
    _sign_out(page)
    login(page, customer)
    page.goto("/")
    before = int(page.get_by_test_id("unread-count").inner_text())
    with page.expect_response(lambda r: r.url.endswith("/read") and r.status == 204):
        page.locator("section[aria-labelledby=your-partner]").get_by_role(
            "link", name="Contact", exact=True
        ).click()
    page.goto("/")
    badge = page.get_by_test_id("unread-count")
    assert (int(badge.inner_text()) if badge.count() else 0) == before - 1
    page.get_by_role("link", name="Partner history").click()
    assert page.locator("[data-link]").count() == 1
    screenshot(page, "relationships-history")

    # the type-ahead's rate limit is shown where the results would be (HTMX swaps the 429)
    user = world.members["account_admin"].user
    Throttle.objects.update_or_create(
        key=f"partner-search:{user.id}", defaults={"window_start": timezone.now(), "count": 120}
    )
    page.goto("/partner/define")
    page.get_by_label("First letters of the company name").press_sequentially("Res", delay=60)
    page.get_by_test_id("search-hint").filter(has_text="Too many searches").wait_for()
    screenshot(page, "relationships-search-rate-limited")
    Throttle.objects.filter(key=f"partner-search:{user.id}").delete()

    # a later switch to a second reseller removes the first one's access at once
    second = factories.org(Kind.RESELLER, world.operator, name="Resello Nord", listed=True)
    second_admin = factories.user(second, Role.PARTNER_ADMIN).user.email
    _send_to(page, "Rese", "Resello Nord")
    page.get_by_text("Your invitation has been sent to Resello Nord").wait_for()
    _sign_out(page)
    login(page, second_admin)
    page.goto("/notifications/requests/?tab=received")
    page.get_by_role("link", name="Accept").click()
    page.get_by_label(f"Type “{world.a.customer.name}” to confirm").fill(world.a.customer.name)
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("is now the partner of").first.wait_for()
    _sign_out(page)
    login(page, partner)
    missing.clear()
    response = page.goto(f"/accounts/{world.a.customer.id}/")
    assert response.status == 404
    assert page.goto(f"/accounts/{world.a.customer.id}/partner-history").status == 404
    missing.clear()

    # expiry: an invitation older than 30 days expires through the periodic job
    _sign_out(page)
    login(page, customer)
    _send_to(page, "res", "Reseller B")
    page.get_by_text("Your invitation has been sent to Reseller B").wait_for()
    inv = PartnerInvitation.objects.get(account=world.a.customer, status="pending")
    PartnerInvitation.objects.filter(id=inv.id).update(
        expires_at=inv.created_at - dt.timedelta(days=1)
    )
    jobs.run_due()
    page.goto("/notifications/requests/?tab=issued")
    row = page.locator(f"[data-invitation='{inv.id}']")
    assert "Expired" in row.inner_text()
    screenshot(page, "relationships-expired")
    # The shared layout's own inline style attributes and the browser's favicon probe show up
    # as console noise; this app's templates carry neither (test_templates_need_no_inline_code).
    noise = ("Applying inline style violates", "Failed to load resource")
    errors = [e for e in page.console_errors if not e.startswith(noise)]
    assert not errors, errors
    assert not missing, missing


def test_templates_need_no_inline_code():
    from pathlib import Path

    import channeldesk.relationships

    root = Path(channeldesk.relationships.__file__).parent / "templates"
    for f in root.rglob("*.html"):
        text = f.read_text()
        assert 'style="' not in text and "<script" not in text and " on" + "click=" not in text, f
