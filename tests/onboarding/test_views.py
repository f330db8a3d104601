"""The wizard's pages through the Django test client (the browser tests drive the same pages
in Chromium)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from channeldesk.accounts.models import Account
from channeldesk.onboarding.models import Onboarding
from tests.onboarding.helpers import SYNC_CSV, closed_port, tcp_listener

pytestmark = pytest.mark.django_db

CUSTOMER = {
    "name": "Zimmerei Holz KG",
    "street": "Waldweg 3",
    "postal_code": "80331",
    "city": "München",
    "country": "DE",
    "default_language": "de",
    "business_type": "manufacturing",
    "cloud_region": "",
    "admin-0-name": "Anna Admin",
    "admin-0-email": "anna@holz.example",
    "support-0-name": "Bernd",
    "support-0-email": "bernd@holz.example",
    "support-0-role": "administrator",
    "support-1-name": "Carla",
    "support-1-email": "carla@holz.example",
    "support-1-role": "site_admin",
}


def new_draft(client, platform="cloud_gateway") -> Onboarding:
    r = client.post("/onboarding/new", {"platform": platform})
    assert r.status_code == 302, r.content
    draft = Onboarding.objects.latest("id")
    assert r["Location"] == f"/onboarding/{draft.id}/customer"
    return draft


def test_start_page_and_navigation(world, web_as):
    c = web_as(world.members["partner_agent"])
    r = c.get("/")
    assert b"/onboarding/new" in r.content  # nav entry and panel button
    assert "Onboarding in progress" in r.content.decode()
    r = c.get("/onboarding/new")
    assert r.status_code == 200 and b"SMB Controller" in r.content
    assert c.post("/onboarding/new", {"platform": "nope"}).status_code == 200


def test_customer_step_contacts_inline_and_rules(world, web_as):
    c = web_as(world.members["partner_agent"])
    d = new_draft(c)
    url = f"/onboarding/{d.id}/customer"
    page = c.get(url).content.decode()
    assert 'name="support-1-role"' in page and "statistics only" in page
    # HTMX: add an admin contact row; only the contacts partial comes back
    r = c.post(url, {**CUSTOMER, "op": "add_admin"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "<html" not in body and 'name="admin-1-name"' in body
    assert 'value="anna@holz.example"' in body  # unsaved input kept
    r = c.post(url, {**CUSTOMER, "op": "remove_support:1"}, HTTP_HX_REQUEST="true")
    assert 'name="support-1-name"' not in r.content.decode()
    assert Onboarding.objects.get(id=d.id).data == {}  # nothing saved by in-page changes
    # leaving the step without a Site admin names exactly that
    data = {**CUSTOMER, "support-1-role": "other", "op": "next"}
    r = c.post(url, data)
    text = r.content.decode()
    assert r.status_code == 200
    assert "Add at least one support contact with the role Site admin." in text
    assert "role Administrator." not in text
    # valid -> next step
    r = c.post(url, {**CUSTOMER, "op": "next"})
    assert r.status_code == 302 and r["Location"].endswith("/pbx")
    d.refresh_from_db()
    assert d.completed_steps == ["customer"] and d.step("customer")["cloud_region"] == "eu-central"


def test_region_options_follow_the_country(world, web_as):
    c = web_as(world.members["partner_agent"])
    body = c.get("/onboarding/regions?country=GB").content.decode()
    assert '<option value="uk" selected>' in body
    assert "selected" not in c.get("/onboarding/regions").content.decode()


def test_duplicate_name_warning_does_not_block(world, web_as):
    c = web_as(world.members["partner_agent"])
    d = new_draft(c)
    r = c.post(
        f"/onboarding/{d.id}/customer",
        {**CUSTOMER, "name": "Customer A", "op": "next"},
        follow=True,
    )
    text = r.content.decode()
    assert r.request["PATH_INFO"].endswith("/pbx")
    assert "A customer with a similar name already exists: Customer A" in text
    assert "Customer B" not in text  # the other tree is never mentioned
    review = c.get(f"/onboarding/{d.id}/review").content.decode()
    assert "similar name" in review


def test_save_and_return_keeps_invalid_draft(world, web_as):
    c = web_as(world.members["partner_agent"])
    d = new_draft(c)
    r = c.post(f"/onboarding/{d.id}/customer", {"name": "Halbfertig AG", "op": "save"})
    assert r.status_code == 302 and r["Location"] == "/"
    d.refresh_from_db()
    assert d.customer_name == "Halbfertig AG" and d.completed_steps == []
    dash = c.get("/").content.decode()
    assert "Halbfertig AG" in dash and f"/onboarding/{d.id}/" in dash
    r = c.get(f"/onboarding/{d.id}/")
    assert r["Location"].endswith("/customer")
    assert 'value="Halbfertig AG"' in c.get(r["Location"]).content.decode()


def test_gateway_flow_with_connection_test(world, web_as):
    c = web_as(world.members["partner_admin"])
    d = new_draft(c)
    c.post(f"/onboarding/{d.id}/customer", {**CUSTOMER, "op": "next"})
    r = c.post(
        f"/onboarding/{d.id}/pbx",
        {
            "pbx_type": "mivoice_office_400",
            "name": "PBX 1",
            "software_version": "7.2",
            "op": "next",
        },
    )
    assert r["Location"].endswith("/connection")
    conn = {"host": "127.0.0.1", "username": "admin", "password": "pbx-pass-123"}
    with tcp_listener() as port:
        r = c.post(
            f"/onboarding/{d.id}/connection",
            {**conn, "port": port, "op": "test"},
            HTTP_HX_REQUEST="true",
        )
        body = r.content.decode()
        assert "Connection test succeeded" in body and "pbx-pass-123" not in body
    r = c.post(f"/onboarding/{d.id}/connection", {**conn, "port": closed_port(), "op": "test"})
    assert "Connection test failed" in r.content.decode()
    r = c.post(
        f"/onboarding/{d.id}/connection", {**conn, "password": "", "port": 4443, "op": "next"}
    )
    assert r["Location"].endswith("/gateway")
    page = c.get(f"/onboarding/{d.id}/gateway").content.decode()
    assert 'value="Waldweg 3"' in page  # site address defaults to the customer's
    r = c.post(
        f"/onboarding/{d.id}/gateway",
        {
            "serial_number": "GW1",
            "mac_address": "xx",
            "site_street": "Waldweg 3",
            "site_postal_code": "80331",
            "site_city": "München",
            "site_country": "DE",
            "op": "next",
        },
    )
    assert "serial number" in r.content.decode() and "MAC address" in r.content.decode()
    r = c.post(
        f"/onboarding/{d.id}/gateway",
        {
            "serial_number": "GW-0001",
            "mac_address": "001a2b3c4d5e",
            "site_street": "Waldweg 3",
            "site_postal_code": "80331",
            "site_city": "München",
            "site_country": "DE",
            "op": "next",
        },
    )
    assert r["Location"].endswith("/review")
    review = c.get(r["Location"]).content.decode()
    assert "00:1A:2B:3C:4D:5E" in review and "MiVoice Office 400" in review
    assert "pbx-pass-123" not in review
    r = c.post(f"/onboarding/{d.id}/complete")
    account = Account.objects.get(name="Zimmerei Holz KG")
    assert r["Location"] == f"/accounts/{account.id}/"
    assert account.status == "active" and account.pbx_type == "mivoice_office_400"


def test_sync_file_preview(world, web_as):
    c = web_as(world.members["partner_agent"])
    d = new_draft(c, "smb_sync")
    c.post(f"/onboarding/{d.id}/customer", {**CUSTOMER, "op": "next"})
    bad = SimpleUploadedFile("users.csv", b"email,name,extension\nnope,A,1\nb@x.example,B,202\n")
    r = c.post(f"/onboarding/{d.id}/sync", {"system_id": "VA-1", "export_file": bad, "op": "check"})
    text = r.content.decode()
    assert "The file was not accepted: 2 problems." in text
    assert "Not a valid e-mail address." in text and "2 to 8 digits" in text
    assert "sync" not in Onboarding.objects.get(id=d.id).completed_steps
    good = SimpleUploadedFile("users.csv", SYNC_CSV.encode())
    r = c.post(
        f"/onboarding/{d.id}/sync", {"system_id": "VA-1", "export_file": good, "op": "check"}
    )
    assert "2 users will be imported" in r.content.decode()
    # Next without a new file keeps the accepted one
    r = c.post(f"/onboarding/{d.id}/sync", {"system_id": "VA-1", "op": "next"})
    assert r["Location"].endswith("/review")


def test_pages_are_in_reach(world, web_as):
    d = new_draft(web_as(world.members["partner_agent"]))
    assert (
        web_as(world.members["b_partner_admin"]).get(f"/onboarding/{d.id}/customer").status_code
        == 404
    )
    assert (
        web_as(world.members["distributor_admin"]).get(f"/onboarding/{d.id}/customer").status_code
        == 403
    )
    other = web_as(world.members["b_partner_admin"])
    assert other.post(f"/onboarding/{d.id}/delete").status_code == 404
    assert web_as(world.members["account_admin"]).get("/onboarding/new").status_code == 403
    c = web_as(world.members["partner_agent"])
    assert c.get(f"/onboarding/{d.id}/sync").status_code == 404  # not on this platform
    assert c.post(f"/onboarding/{d.id}/delete").status_code == 302
    assert not Onboarding.objects.filter(id=d.id).exists()
