"""A partner declares a cloud PBX for a customer; the customer's site admin adds a device and an
extension range, and an attendant routes digit 1 to an extension (real Chromium)."""

from __future__ import annotations

import pytest

from channeldesk.telephony.models import AutoAttendant, Device
from tests.conftest import login, screenshot


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cloud_pbx_device_range_and_attendant(world, page, live_server):
    customer = world.a.customer
    partner = world.members["partner_admin"].user
    site_admin = world.members["site_admin"].user

    # The partner opens the customer's account page and follows the Telephony panel.
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    login(page, partner.email)
    page.goto(f"/accounts/{customer.id}/")
    page.get_by_test_id("telephony-link").click()
    page.wait_for_url(f"**/accounts/{customer.id}/telephony/")
    page.get_by_label("Equipment type").select_option("cloud_pbx")
    page.get_by_label("Name (optional)").fill("Headquarters PBX")
    page.get_by_role("button", name="Declare").click()
    page.get_by_test_id("notice").wait_for()
    assert page.get_by_role("heading", name="Numbering plan").is_visible()
    screenshot(page, "telephony_1_partner_declared_cloud_pbx")
    page.get_by_role("button", name="Sign out").click()

    # The site admin builds the numbering plan and adds a device.
    login(page, site_admin.email)
    page.goto(f"/accounts/{customer.id}/telephony/")
    page.get_by_label("First extension").fill("200")
    page.get_by_label("Last extension").fill("299")
    page.get_by_label("Label (optional)").fill("Staff")
    page.get_by_role("button", name="Add range").click()
    page.get_by_text("Extension range added.").wait_for()

    # An overlapping range is refused in place.
    page.get_by_label("First extension").fill("250")
    page.get_by_label("Last extension").fill("350")
    page.get_by_role("button", name="Add range").click()
    page.get_by_text("The range overlaps the range 200–299.").wait_for()
    screenshot(page, "telephony_2_overlap_refused")

    page.locator("#id_ext-number").fill("201")
    page.locator("#id_ext-kind").select_option("group")
    page.locator("#id_ext-name").fill("Sales")
    page.get_by_role("button", name="Add extension").click()
    page.get_by_text("Extension added.").wait_for()

    page.locator("#id_ext-number").fill("202")
    page.locator("#id_ext-kind").select_option("device")
    page.locator("#id_ext-name").fill("Reception")
    page.get_by_role("button", name="Add extension").click()
    page.get_by_role("cell", name="Reception", exact=True).wait_for()  # the swap is done

    page.locator("#id_dev-model").fill("ALE-300 DeskPhone")
    page.locator("#id_dev-mac").fill("00-1a-2b-3c-4d-5e")
    page.locator("#id_dev-extension").fill("202")
    page.get_by_role("button", name="Add device").click()
    page.get_by_text("Device added.").wait_for()
    assert page.get_by_text("00:1A:2B:3C:4D:5E").is_visible()
    screenshot(page, "telephony_3_range_extension_device")

    # The automated attendant routes digit 1 to extension 201.
    page.locator("#id_att-name").fill("Main menu")
    page.locator("#id_att-greeting").fill("Welcome. Press 1 for sales.")
    page.get_by_label("Digit 1", exact=True).fill("201")
    page.get_by_label("Monday opens").fill("08:00")
    page.get_by_label("Monday closes").fill("18:00")
    page.get_by_role("button", name="Add attendant").click()
    page.get_by_text("Attendant added.").wait_for()
    assert page.get_by_test_id("menu-1").inner_text() == "1 → 201"
    screenshot(page, "telephony_4_attendant_routes_digit_1")

    a = AutoAttendant.objects.get(account=customer)
    assert a.options.get(digit="1").destination.number == "201"
    assert Device.objects.get(account=customer).mac == "00:1A:2B:3C:4D:5E"
    assert not missing, missing  # every page resource loaded (the favicon is not one)
    # No console error at all: no CSP violation (inline style or script), no failed request.
    assert not page.console_errors, page.console_errors
