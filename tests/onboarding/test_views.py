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
    "subdivision": "DE-BY",
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


def start(client, platform="cloud_gateway") -> str:
    """Choose the platform: the customer step of a not yet saved onboarding (no draft)."""
    before = Onboarding.objects.count()
    r = client.post("/onboarding/new", {"platform": platform})
    assert r.status_code == 302, r.content
    assert r["Location"] == f"/onboarding/new/{platform}/"
    assert Onboarding.objects.count() == before
    return r["Location"]


def new_draft(client, platform="cloud_gateway", **customer) -> Onboarding:
    """A draft whose customer step is saved (the first save creates the draft)."""
    r = client.post(start(client, platform), {**CUSTOMER, **customer, "op": "next"})
    assert r.status_code == 302, r.content
    draft = Onboarding.objects.latest("id")
    assert r["Location"] == f"/onboarding/{draft.id}/{draft.steps[1]}"
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
    url = start(c)
    page = c.get(url).content.decode()
    assert 'name="support-1-role"' in page and "statistics only" in page
    # HTMX: add an admin contact row; only the contacts partial comes back
    r = c.post(url, {**CUSTOMER, "op": "add_admin"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "<html" not in body and 'name="admin-1-name"' in body
    assert 'value="anna@holz.example"' in body  # unsaved input kept
    r = c.post(url, {**CUSTOMER, "op": "remove_support:1"}, HTTP_HX_REQUEST="true")
    assert 'name="support-1-name"' not in r.content.decode()
    assert not Onboarding.objects.exists()  # nothing saved by in-page changes
    # leaving the step without a Site admin names exactly that, and stores nothing
    data = {**CUSTOMER, "support-1-role": "other", "op": "next"}
    r = c.post(url, data)
    text = r.content.decode()
    assert r.status_code == 200
    assert "Add at least one support contact with the role Site admin." in text
    assert "role Administrator." not in text
    assert not Onboarding.objects.exists()
    # bad domains are named in the one text box
    r = c.post(url, {**CUSTOMER, "domains": "holz.example\nnot a domain", "op": "next"})
    assert "not a valid domain name" in r.content.decode()
    assert not Onboarding.objects.exists()
    # valid -> the draft is created and the next step follows
    r = c.post(url, {**CUSTOMER, "domains": "Holz.example, zimmerei-holz.example", "op": "next"})
    assert r.status_code == 302 and r["Location"].endswith("/pbx")
    d = Onboarding.objects.get()
    assert d.completed_steps == ["customer"] and d.step("customer")["cloud_region"] == "eu-central"
    assert d.step("customer")["domains"] == ["holz.example", "zimmerei-holz.example"]
    page = c.get(f"/onboarding/{d.id}/customer").content.decode()
    assert "holz.example\nzimmerei-holz.example</textarea>" in page


def test_cancel_on_a_new_onboarding_leaves_no_draft(world, web_as):
    """Cancel is a link back to the dashboard; before the first save there is no draft, so
    nothing "(no name yet)" is left in "Onboarding in progress"."""
    c = web_as(world.members["partner_agent"])
    url = start(c)
    page = c.get(url).content.decode()
    assert 'href="/">' in page  # Cancel
    c.post(url, {**CUSTOMER, "op": "add_support"}, HTTP_HX_REQUEST="true")
    dash = c.get("/").content.decode()
    assert not Onboarding.objects.exists()
    assert "no name yet" not in dash
    assert c.get("/onboarding/new/teleporter/").status_code == 404  # not a catalog platform


def test_region_options_follow_the_country(world, web_as):
    c = web_as(world.members["partner_agent"])
    body = c.get("/onboarding/regions?country=GB").content.decode()
    assert '<option value="uk" selected>' in body
    assert "selected" not in c.get("/onboarding/regions").content.decode()


def test_duplicate_name_warning_does_not_block(world, web_as):
    c = web_as(world.members["partner_agent"])
    r = c.post(start(c), {**CUSTOMER, "name": "Customer A", "op": "next"}, follow=True)
    d = Onboarding.objects.get()
    text = r.content.decode()
    assert r.request["PATH_INFO"].endswith("/pbx")
    assert "A customer with a similar name already exists: Customer A" in text
    assert "Customer B" not in text  # the other tree is never mentioned
    review = c.get(f"/onboarding/{d.id}/review").content.decode()
    assert "similar name" in review


def test_save_and_return_keeps_invalid_draft(world, web_as):
    c = web_as(world.members["partner_agent"])
    r = c.post(start(c), {"name": "Halbfertig AG", "op": "save"})
    assert r.status_code == 302 and r["Location"] == "/"
    d = Onboarding.objects.get()
    assert d.customer_name == "Halbfertig AG" and d.completed_steps == []
    dash = c.get("/").content.decode()
    assert "Halbfertig AG" in dash and f"/onboarding/{d.id}/" in dash
    r = c.get(f"/onboarding/{d.id}/")
    assert r["Location"].endswith("/customer")
    assert 'value="Halbfertig AG"' in c.get(r["Location"]).content.decode()


def test_gateway_flow_with_connection_test(world, web_as):
    c = web_as(world.members["partner_admin"])
    d = new_draft(c)
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
            "site_street": "Ringstraße 1",
            "site_postal_code": "1010",
            "site_city": "Wien",
            "site_country": "AT",
            "site_subdivision": "AT-9",
            "op": "next",
        },
    )
    assert r["Location"].endswith("/review")
    review = c.get(r["Location"]).content.decode()
    assert "00:1A:2B:3C:4D:5E" in review and "MiVoice Office 400" in review
    assert "pbx-pass-123" not in review
    # everything entered, countries and provinces named (not coded), each part editable
    assert "Ringstraße 1<br>1010 Wien<br>Wien, Austria" in review
    assert "Waldweg 3<br>80331 München<br>Bayern, Germany" in review
    for step in ("customer", "pbx", "connection", "gateway"):
        assert f'href="/onboarding/{d.id}/{step}"' in review
    assert "Anna Admin &lt;anna@holz.example&gt;" in review and "Site admin" in review
    assert "127.0.0.1:4443" in review and "PBX 1" in review and "7.2" in review
    r = c.post(f"/onboarding/{d.id}/complete")
    account = Account.objects.get(name="Zimmerei Holz KG")
    assert r["Location"] == f"/accounts/{account.id}/"
    assert account.status == "active" and account.pbx_type == "mivoice_office_400"


def test_sync_file_preview(world, web_as):
    c = web_as(world.members["partner_agent"])
    d = new_draft(c, "smb_sync")
    page = c.get(f"/onboarding/{d.id}/sync").content.decode()
    assert 'name="pbx_type"' in page and "Virtual Appliance" in page
    step = {"pbx_type": "smbc", "system_id": "VA-1"}
    bad = SimpleUploadedFile("users.csv", b"email,name,extension\nnope,A,1\nb@x.example,B,202\n")
    r = c.post(f"/onboarding/{d.id}/sync", {**step, "export_file": bad, "op": "check"})
    text = r.content.decode()
    assert "The file was not accepted: 2 problems." in text
    assert "Not a valid e-mail address." in text and "2 to 8 digits" in text
    assert "sync" not in Onboarding.objects.get(id=d.id).completed_steps
    good = SimpleUploadedFile("users.csv", SYNC_CSV.encode())
    r = c.post(f"/onboarding/{d.id}/sync", {**step, "export_file": good, "op": "check"})
    assert "2 users will be imported" in r.content.decode()
    # Next without a new file keeps the accepted one
    r = c.post(f"/onboarding/{d.id}/sync", {**step, "op": "next"})
    assert r["Location"].endswith("/review")
    review = c.get(r["Location"]).content.decode()
    assert "SMB Controller" in review and "VA-1" in review
    r = c.post(f"/onboarding/{d.id}/complete")
    assert Account.objects.get(name="Zimmerei Holz KG").pbx_type == "smbc"


def test_save_and_return_on_sync_keeps_the_uploaded_file(world, web_as):
    """An export file that is not accepted yet stays with the draft on "Save and return":
    resuming shows its problems again, and correcting another field does not lose it."""
    c = web_as(world.members["partner_agent"])
    d = new_draft(c, "smb_sync")
    text = "email,name,extension\nok@x.example,Okay,201\nbroken,Nobody,202\n"
    upload = SimpleUploadedFile("users.csv", text.encode())
    r = c.post(f"/onboarding/{d.id}/sync", {"system_id": "", "export_file": upload, "op": "save"})
    assert r["Location"] == "/"
    d.refresh_from_db()
    assert d.step("sync")["csv"] == text and "sync" not in d.completed_steps
    page = c.get(f"/onboarding/{d.id}/sync").content.decode()
    assert "The export file you uploaded is kept" in page
    assert "The file was not accepted: 1 problem." in page
    # the kept file is checked again without uploading it anew
    r = c.post(f"/onboarding/{d.id}/sync", {"pbx_type": "smbc", "system_id": "VA-1", "op": "check"})
    assert "The file was not accepted: 1 problem." in r.content.decode()
    fixed = SimpleUploadedFile("users.csv", text.replace("broken", "fixed@x.example").encode())
    r = c.post(
        f"/onboarding/{d.id}/sync",
        {"pbx_type": "smbc", "system_id": "VA-1", "export_file": fixed, "op": "next"},
    )
    assert r["Location"].endswith("/review")
    d.refresh_from_db()
    assert [row["email"] for row in d.step("sync")["rows"]] == ["ok@x.example", "fixed@x.example"]
    assert "csv" not in d.step("sync")


def test_sync_preview_names_rows_with_existing_logins(world, web_as):
    c = web_as(world.members["partner_agent"])
    d = new_draft(c, "smb_sync")
    staff = world.members["operator_support"].user.email
    upload = SimpleUploadedFile(
        "users.csv", f"email,name,extension\n{staff},Staff,201\nnew@x.example,New,202\n".encode()
    )
    r = c.post(
        f"/onboarding/{d.id}/sync",
        {"pbx_type": "smbc", "system_id": "VA-1", "export_file": upload, "op": "check"},
    )
    page = r.content.decode()
    assert "1 user will be imported" in page
    assert "1 row needs attention and will not be imported." in page and staff in page
    review = c.get(f"/onboarding/{d.id}/review").content.decode()
    assert "1 row needs attention" in review and staff in review
    r = c.post(f"/onboarding/{d.id}/complete", follow=True)
    assert "1 user of the export file already had a login" in r.content.decode()


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
