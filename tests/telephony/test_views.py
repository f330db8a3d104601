"""Telephony through the web UI (the account's Telephony page and its HTMX forms)."""

from __future__ import annotations

import re

import pytest

from channeldesk.audit.models import AuditEvent
from channeldesk.telephony import actions
from channeldesk.telephony.models import (
    AutoAttendant,
    Device,
    Extension,
    ExtensionRange,
    VoiceEquipment,
    WelcomeService,
)

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def url(world, suffix: str = "") -> str:
    return f"/accounts/{world.a.customer.id}/telephony/{suffix}"


def test_account_page_panel_links_to_telephony(world, web_as, cloud):
    html = web_as(world.members["account_admin"]).get(f"/accounts/{world.a.customer.id}/").content
    assert b'data-testid="telephony-link"' in html and b"Cloud PBX" in html
    html = web_as(world.members["member"]).get(f"/accounts/{world.a.customer.id}/").content
    assert b"telephony-link" not in html


def test_partner_declares_cloud_pbx_in_the_page(world, web_as):
    site = web_as(world.members["site_admin"])
    html = site.get(url(world)).content.decode()
    assert 'data-testid="no-cloud-pbx"' in html and "Declare voice equipment" not in html
    assert site.post(url(world, "equipment"), {"eq-kind": "cloud_pbx"}).status_code == 403
    partner = web_as(world.members["partner_agent"])
    assert "Declare voice equipment" in partner.get(url(world)).content.decode()
    r = partner.post(url(world, "equipment"), {"eq-kind": "cloud_pbx", "eq-name": "Main"})
    assert r.status_code == 302
    assert VoiceEquipment.objects.filter(account=world.a.customer, kind="cloud_pbx").exists()
    assert AuditEvent.objects.filter(action="telephony.voice_equipment_created").exists()
    # declaring it twice: the form says so, in place
    r = partner.post(url(world, "equipment"), {"eq-kind": "cloud_pbx"}, **HX)
    body = r.content.decode()
    assert r.status_code == 200 and "<html" not in body and "already declared" in body
    html = site.get(url(world)).content.decode()
    assert "Numbering plan" in html and "no-cloud-pbx" not in html


def test_features_without_cloud_pbx_are_refused(world, web_as):
    actions.declare_equipment(world.actor("partner_admin"), world.a.customer, kind="oxo_connect")
    site = web_as(world.members["site_admin"])
    r = site.post(url(world, "range"), {"range-first": "200", "range-last": "299"}, **HX)
    assert r.status_code == 200 and "no cloud PBX" in r.content.decode()
    assert not ExtensionRange.objects.exists()


def test_site_admin_builds_the_numbering_plan_in_place(world, web_as, cloud, site):
    site = web_as(world.members["site_admin"])
    r = site.post(
        url(world, "range"),
        {"range-first": "200", "range-last": "299", "range-label": "Staff"},
        **HX,
    )
    body = r.content.decode()
    assert r.status_code == 200 and "<html" not in body and "Extension range added." in body
    assert "Staff" in body
    r = site.post(url(world, "range"), {"range-first": "250", "range-last": "260"}, **HX)
    assert "overlaps the range 200–299" in r.content.decode()
    assert ExtensionRange.objects.count() == 1
    r = site.post(url(world, "plan"), {"plan-extension_length": "4"}, **HX)
    assert "cannot change while ranges or extensions exist" in r.content.decode()
    member = world.members["member"].user
    r = site.post(
        url(world, "extension"),
        {
            "ext-number": "201",
            "ext-kind": "user",
            "ext-user_id": member.email.upper(),  # the user by e-mail address
            "ext-phone_number": "+49 30 123456",
        },
        **HX,
    )
    assert "Extension added." in r.content.decode()
    ext = Extension.objects.get(number="201")
    assert ext.phone_number.e164 == "+4930123456" and ext.user_id == member.id
    r = site.post(
        url(world, "extension"),
        {"ext-number": "202", "ext-kind": "user", "ext-user_id": "nobody@example.test"},
        **HX,
    )
    assert "Choose a user of this account." in r.content.decode()
    r = site.post(
        url(world, "extension"), {"ext-number": "201", "ext-kind": "group", "ext-name": "x"}, **HX
    )
    assert "Extension 201 already exists." in r.content.decode()
    r = site.post(
        url(world, "extension"), {"ext-number": "999", "ext-kind": "group", "ext-name": "x"}, **HX
    )
    assert "not inside any range" in r.content.decode()


def test_emergency_number_blocks_extension_in_the_page(world, web_as, numbering, site):
    hq = site
    site = web_as(world.members["site_admin"])
    actions.create_range(world.actor("site_admin"), numbering, first="100", last="199")
    page = site.get(url(world)).content.decode()
    assert f'<option value="{hq.id}">Berlin HQ ({hq.address})</option>' in page
    r = site.post(url(world, "emergency"), {"em-site_product_id": hq.id, "em-number": "112"}, **HX)
    assert "Emergency number added." in r.content.decode()
    assert hq.address in r.content.decode()  # the caller location: the site's address
    r = site.post(
        url(world, "extension"), {"ext-number": "112", "ext-kind": "group", "ext-name": "x"}, **HX
    )
    assert "is an emergency number (site Berlin HQ)" in r.content.decode()
    assert not Extension.objects.filter(number="112").exists()


def test_devices_in_the_page(world, web_as, numbering):
    site = web_as(world.members["site_admin"])
    actions.create_extension(world.actor("site_admin"), numbering, number="220", kind="device")
    r = site.post(
        url(world, "device"),
        {"dev-model": "ALE-400", "dev-mac": "00-1a-2b-3c-4d-5e", "dev-extension": "220"},
        **HX,
    )
    body = r.content.decode()
    assert "Device added." in body and "00:1A:2B:3C:4D:5E" in body
    r = site.post(url(world, "device"), {"dev-model": "ALE-400", "dev-mac": "001A2B3C4D5E"}, **HX)
    assert "already registered" in r.content.decode()
    r = site.post(url(world, "device"), {"dev-model": "ALE-400", "dev-mac": "nonsense"}, **HX)
    assert "12 hexadecimal digits" in r.content.decode()
    # the extension in use cannot be removed; the error shows in place
    ext = Extension.objects.get(number="220")
    r = site.post(url(world, f"extension/{ext.id}/delete"), **HX)
    assert r.status_code == 200 and "used by a device or an attendant" in r.content.decode()
    dev = Device.objects.get()
    r = site.post(url(world, f"device/{dev.id}/delete"))
    assert r.status_code == 302 and not Device.objects.exists()


def test_attendant_and_welcome_in_the_page(world, web_as, numbering):
    site = web_as(world.members["site_admin"])
    actions.create_extension(
        world.actor("site_admin"), numbering, number="201", kind="group", name="Sales"
    )
    r = site.post(
        url(world, "attendant"),
        {
            "att-name": "Main menu",
            "att-greeting": "Press 1 for sales.",
            "att-timeout_seconds": "10",
            "att-timeout_destination": "201",
            "att-digit_1": "201",
            "att-mon_open": "08:00",
            "att-mon_close": "17:00",
        },
        **HX,
    )
    body = r.content.decode()
    assert "Attendant added." in body and 'data-testid="menu-1"' in body
    a = AutoAttendant.objects.get()
    assert a.options.get().destination.number == "201"
    assert a.business_hours["mon"] == {"open": "08:00", "close": "17:00"}
    r = site.post(
        url(world, "attendant"),
        {
            "att-name": "Late",
            "att-timeout_seconds": "10",
            "att-tue_open": "19:00",
            "att-tue_close": "07:00",
        },
        **HX,
    )
    assert "closing time must be after opening" in r.content.decode()
    r = site.post(url(world, "welcome"), {"wel-greeting": "Welcome!", "wel-enabled": "on"}, **HX)
    assert "Welcome service saved." in r.content.decode()
    r = site.post(url(world, "welcome"), {"wel-greeting": "Welcome!"}, **HX)  # switched off
    assert WelcomeService.objects.get().enabled is False
    assert 'data-testid="welcome-status">Off' in r.content.decode()


def test_account_admin_manages_but_does_not_declare(world, web_as, numbering):
    admin = web_as(world.members["account_admin"])
    html = admin.get(url(world)).content.decode()
    assert "200" in html and "Add range" in html and "Declare" not in html
    assert (
        admin.post(url(world, "range"), {"range-first": "300", "range-last": "399"}).status_code
        == 302
    )
    assert admin.post(url(world, "equipment"), {"eq-kind": "oxo_connect"}).status_code == 403
    assert web_as(world.members["member"]).get(url(world)).status_code == 403
    assert web_as(world.members["site_admin"]).post(url(world, "bogus")).status_code == 404
    other = f"/accounts/{world.b.customer.id}/telephony/"
    assert web_as(world.members["partner_admin"]).get(other).status_code == 404


def test_page_query_budget(world, web_as, numbering, django_assert_max_num_queries):
    actor = world.actor("site_admin")
    member = world.members["member"].user
    for i in range(10):
        e = actions.create_extension(
            actor, numbering, number=f"2{i:02d}", kind="user", user_id=member.id
        )
        actions.create_device(
            actor,
            numbering,
            model="ALE",
            mac=f"02:00:00:00:02:{i:02d}",
            user_id=member.id,
            extension=e.number,
        )
    for i in range(5):
        actions.create_attendant(
            actor, numbering, name=f"A{i}", menu={"1": "200"}, timeout_destination="201"
        )
    client = web_as(world.members["site_admin"])
    with django_assert_max_num_queries(30):
        assert client.get(url(world)).status_code == 200


def test_edit_pages(world, web_as, numbering, site):
    hq = site
    actor = world.actor("site_admin")
    member = world.members["member"].user
    e = actions.create_extension(actor, numbering, number="201", kind="user", user_id=member.id)
    actions.create_extension(actor, numbering, number="202", kind="group", name="Sales")
    d = actions.create_device(
        actor, numbering, model="ALE", mac="02:00:00:00:00:10", extension="201"
    )
    a = actions.create_attendant(actor, numbering, name="Main", menu={"1": "201"})
    actions.create_extension(actor, numbering, number="203", kind="device", name="Lobby")
    n = actions.create_emergency(actor, numbering, site_product_id=hq.id, number="112")
    r = ExtensionRange.objects.get(account=numbering)
    site = web_as(world.members["site_admin"])
    html = site.get(url(world, f"attendant/{a.id}/edit")).content.decode()
    assert 'name="att-digit_1" value="201"' in html and "Edit automated attendant" in html
    # attendant: route digit 1 elsewhere, add hours
    resp = site.post(
        url(world, f"attendant/{a.id}/edit"),
        {
            "att-name": "Main",
            "att-timeout_seconds": "12",
            "att-digit_1": "202",
            "att-fri_open": "09:00",
            "att-fri_close": "12:00",
        },
    )
    assert resp.status_code == 302
    a.refresh_from_db()
    assert a.options.get().destination.number == "202" and a.timeout_seconds == 12
    assert a.business_hours["fri"] == {"open": "09:00", "close": "12:00"}
    # device: move it, a taken MAC is refused
    actions.create_device(actor, numbering, model="ALE", mac="02:00:00:00:00:11")
    resp = site.post(
        url(world, f"device/{d.id}/edit"), {"dev-model": "ALE-500", "dev-mac": "020000000011"}
    )
    assert resp.status_code == 200 and "already registered" in resp.content.decode()
    resp = site.post(
        url(world, f"device/{d.id}/edit"),
        {"dev-model": "ALE-500", "dev-mac": "02:00:00:00:00:10", "dev-extension": "202"},
    )
    assert "not on a group or an attendant" in resp.content.decode()  # 202 is a group
    resp = site.post(
        url(world, f"device/{d.id}/edit"),
        {"dev-model": "ALE-500", "dev-mac": "02:00:00:00:00:10", "dev-extension": "203"},
    )
    d.refresh_from_db()
    assert resp.status_code == 302 and d.model == "ALE-500" and d.extension.number == "203"
    assert d.user is None  # a device extension's phone
    # extension: the kind stays, the number must stay in a range and off emergency numbers
    resp = site.post(
        url(world, f"extension/{e.id}/edit"),
        {"ext-number": "999", "ext-kind": "group", "ext-user_id": member.email},
    )
    assert "not inside any range" in resp.content.decode()
    resp = site.post(
        url(world, f"extension/{e.id}/edit"),
        {"ext-number": "250", "ext-kind": "group", "ext-user_id": member.email},
    )
    e.refresh_from_db()
    assert resp.status_code == 302 and e.number == "250" and e.kind == "user"
    # range: cannot shrink below its extensions
    resp = site.post(url(world, f"range/{r.id}/edit"), {"range-first": "200", "range-last": "240"})
    assert "fall outside the range" in resp.content.decode()
    # emergency number: cannot become an existing extension
    resp = site.post(
        url(world, f"emergency/{n.id}/edit"),
        {"em-site_product_id": hq.id, "em-number": "250"},
    )
    assert "Extension 250 already uses this number" in resp.content.decode()
    resp = site.post(
        url(world, f"emergency/{n.id}/edit"),
        {"em-site_product_id": hq.id, "em-number": "112", "em-caller_location": "HQ, floor 3"},
    )
    n.refresh_from_db()
    assert resp.status_code == 302 and n.caller_location == "HQ, floor 3"
    assert AuditEvent.objects.filter(action__endswith="_updated").count() == 4
    # the voice equipment's name is edited by the partner; the account admin edits the plan
    eq = VoiceEquipment.objects.get(account=numbering)
    partner = web_as(world.members["partner_admin"])
    resp = partner.post(url(world, f"equipment/{eq.id}/edit"), {"eq-name": "Head office PBX"})
    eq.refresh_from_db()
    assert resp.status_code == 302 and eq.name == "Head office PBX"
    assert site.get(url(world, f"equipment/{eq.id}/edit")).status_code == 403
    admin = web_as(world.members["account_admin"])
    assert admin.get(url(world, f"device/{d.id}/edit")).status_code == 200
    assert web_as(world.members["member"]).get(url(world, f"device/{d.id}/edit")).status_code == 403
    assert site.get(url(world, f"welcome/{d.id}/edit")).status_code == 404
    assert site.get(url(world, f"extension/{d.id}/edit")).status_code == 404


def test_lists_page_by_keyset_and_search(world, web_as, numbering):
    from channeldesk.telephony.views.page import SECTION_LIMIT

    actor = world.actor("site_admin")
    for i in range(SECTION_LIMIT + 5):
        actions.create_extension(actor, numbering, number=f"2{i:02d}", kind="group", name=f"G{i}")
    client = web_as(world.members["site_admin"])
    html = client.get(url(world)).content.decode()
    assert "<td>249</td>" in html and "<td>250</td>" not in html
    nxt = re.search(r'href="(\?extensions_cursor=[^"]+)"', html)
    assert nxt, "a next-page link for the extensions"
    html = client.get(url(world) + nxt.group(1).replace("&amp;", "&")).content.decode()
    assert "<td>250</td>" in html and "<td>254</td>" in html and "<td>249</td>" not in html
    assert "First page" in html
    # search, in place with HTMX
    r = client.get(url(world) + "?extensions_q=G17", **HX)
    body = r.content.decode()
    assert "<html" not in body and "<td>217</td>" in body and "<td>218</td>" not in body
    r = client.get(url(world) + "?extensions_q=nothing-like-this")
    assert "No extensions match." in r.content.decode()
    assert client.get(url(world) + "?extensions_cursor=@@").status_code == 200  # first page
