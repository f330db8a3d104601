"""Telephony through the REST API: every rule of product.md §9."""

from __future__ import annotations

import pytest

from channeldesk.audit.models import AuditEvent
from channeldesk.notifications.models import Notification
from channeldesk.telephony.models import Device, Extension, NumberingPlan, VoiceEquipment

pytestmark = pytest.mark.django_db


def acc(world, suffix: str = "") -> str:
    return f"/accounts/{world.a.customer.id}{suffix}"


def fields(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


# ---- voice equipment ---------------------------------------------------------------------


def test_partner_declares_cloud_pbx_and_the_account_is_told(world, api_as):
    api = api_as(world.members["partner_agent"])
    r = api.post(acc(world, "/voice-equipment"), {"kind": "cloud_pbx", "name": "Main PBX"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind"] == "cloud_pbx" and body["category"] == "cloud"
    assert body["kind_name"] == "Cloud PBX" and body["etag"]
    assert NumberingPlan.objects.filter(account=world.a.customer).exists()
    ev = AuditEvent.objects.get(action="telephony.voice_equipment_created")
    assert ev.organization_id == world.a.customer.id
    admin = world.members["account_admin"].user
    assert Notification.objects.filter(
        user=admin, kind="telephony.voice_equipment_created"
    ).exists()
    # the same kind twice -> 409; an unknown kind -> 422
    assert api.post(acc(world, "/voice-equipment"), {"kind": "cloud_pbx"}).status_code == 409
    r = api.post(acc(world, "/voice-equipment"), {"kind": "fax_machine"})
    assert r.status_code == 422 and fields(r) == ["kind"]
    listing = api.get(acc(world, "/voice-equipment")).json()
    assert [i["kind"] for i in listing["items"]] == ["cloud_pbx"]


def test_only_partners_declare_equipment(world, api_as):
    for key in ("account_admin", "site_admin"):
        r = api_as(world.members[key]).post(acc(world, "/voice-equipment"), {"kind": "oxo_connect"})
        assert r.status_code == 403, key
    # the customer sees it
    api_as(world.members["partner_admin"]).post(
        acc(world, "/voice-equipment"), {"kind": "oxo_connect"}
    )
    r = api_as(world.members["account_admin"]).get(acc(world, "/voice-equipment"))
    assert r.status_code == 200 and len(r.json()["items"]) == 1
    # another tenant's account does not exist for the partner
    other = f"/accounts/{world.b.customer.id}/voice-equipment"
    assert api_as(world.members["partner_admin"]).get(other).status_code == 404


def test_equipment_patch_etag_and_read_only_kind(world, api_as, cloud):
    api = api_as(world.members["partner_admin"])
    eq = VoiceEquipment.objects.get(account=cloud)
    url = acc(world, f"/voice-equipment/{eq.id}")
    got = api.get(url)
    etag = got["ETag"]
    assert api.patch(url, {"name": "PBX 1"}, HTTP_IF_MATCH='"stale-1"').status_code == 412
    r = api.patch(url, {"name": "PBX 1"}, HTTP_IF_MATCH=etag)
    assert r.status_code == 200 and r.json()["name"] == "PBX 1" and r["ETag"] != etag
    r = api.patch(url, {"kind": "oxo_connect"})
    assert r.status_code == 422 and fields(r) == ["kind"]


def test_without_cloud_pbx_features_answer_409(world, api_as):
    api = api_as(world.members["site_admin"])
    api_as(world.members["partner_admin"]).post(
        acc(world, "/voice-equipment"), {"kind": "omnipcx_enterprise"}
    )
    cases = [
        ("/devices", {"model": "8028s", "mac": "00:1a:2b:3c:4d:5e"}),
        ("/extensions", {"number": "200", "kind": "group", "name": "Sales"}),
        ("/extension-ranges", {"first": "200", "last": "299"}),
        ("/auto-attendants", {"name": "Main"}),
        ("/welcome-service", {"greeting": "Hello"}),
        ("/emergency-numbers", {"site_product_id": "01ANYSITE", "number": "112"}),
    ]
    for suffix, body in cases:
        r = api.post(acc(world, suffix), body)
        assert r.status_code == 409, suffix
        assert "cloud PBX" in r.json()["detail"]
        assert api.get(acc(world, suffix)).status_code == 409
    assert api.get(acc(world, "/numbering-plan")).status_code == 409


def test_removing_cloud_pbx_in_use_is_refused(world, api_as, numbering):
    api = api_as(world.members["partner_admin"])
    eq = VoiceEquipment.objects.get(account=numbering)
    r = api.delete(acc(world, f"/voice-equipment/{eq.id}"))
    assert r.status_code == 409
    rng = api.get(acc(world, "/extension-ranges")).json()["items"][0]
    assert api.delete(acc(world, f"/extension-ranges/{rng['id']}")).status_code == 204
    assert api.delete(acc(world, f"/voice-equipment/{eq.id}")).status_code == 204
    assert not NumberingPlan.objects.filter(account=numbering).exists()
    assert AuditEvent.objects.filter(action="telephony.voice_equipment_deleted").count() == 1


# ---- numbering plan ----------------------------------------------------------------------


def test_extension_length_fixed_once_ranges_exist(world, api_as, cloud):
    api = api_as(world.members["site_admin"])
    plan = api.get(acc(world, "/numbering-plan"))
    assert plan.json()["extension_length"] == 3
    r = api.patch(acc(world, "/numbering-plan"), {"extension_length": 9})
    assert r.status_code == 422 and fields(r) == ["extension_length"]
    r = api.patch(
        acc(world, "/numbering-plan"), {"extension_length": 4}, HTTP_IF_MATCH=plan["ETag"]
    )
    assert r.status_code == 200 and r.json()["extension_length"] == 4
    r = api.post(acc(world, "/extension-ranges"), {"first": "200", "last": "299"})
    assert r.status_code == 422 and fields(r) == ["first"]
    assert (
        api.post(acc(world, "/extension-ranges"), {"first": "2000", "last": "2999"}).status_code
        == 201
    )
    r = api.patch(acc(world, "/numbering-plan"), {"extension_length": 3})
    assert r.status_code == 409
    assert AuditEvent.objects.filter(action="telephony.numbering_plan_updated").count() == 1
    # the account_admin manages too ("the account manages", product.md §9); a member not
    admin = api_as(world.members["account_admin"])
    assert admin.get(acc(world, "/numbering-plan")).status_code == 200
    assert admin.patch(acc(world, "/numbering-plan"), {"extension_length": 5}).status_code == 409
    member = api_as(world.members["member"])
    assert member.patch(acc(world, "/numbering-plan"), {"extension_length": 5}).status_code == 403


def test_ranges_never_overlap(world, api_as, numbering):
    api = api_as(world.members["site_admin"])
    for first, last in (("250", "350"), ("100", "200"), ("299", "299"), ("100", "999")):
        r = api.post(acc(world, "/extension-ranges"), {"first": first, "last": last})
        assert r.status_code == 409, (first, last)
        assert "200–299" in r.json()["detail"]
    r = api.post(acc(world, "/extension-ranges"), {"first": "399", "last": "300"})
    assert r.status_code == 422 and fields(r) == ["last"]
    r = api.post(acc(world, "/extension-ranges"), {"first": "3a0", "last": "399"})
    assert r.status_code == 422 and fields(r) == ["first"]
    ok = api.post(
        acc(world, "/extension-ranges"), {"first": "300", "last": "399", "label": "Sales"}
    )
    assert ok.status_code == 201
    # growing into the neighbour is an overlap too
    r = api.patch(acc(world, f"/extension-ranges/{ok.json()['id']}"), {"first": "290"})
    assert r.status_code == 409


def test_range_keeps_its_extensions(world, api_as, numbering):
    api = api_as(world.members["site_admin"])
    rng = api.get(acc(world, "/extension-ranges")).json()["items"][0]
    api.post(acc(world, "/extensions"), {"number": "250", "kind": "group", "name": "Sales"})
    url = acc(world, f"/extension-ranges/{rng['id']}")
    assert api.patch(url, {"last": "249"}).status_code == 409
    assert api.delete(url).status_code == 409
    r = api.patch(url, {"last": "259"})
    assert r.status_code == 200 and r.json()["last"] == "259"


# ---- extensions --------------------------------------------------------------------------


def test_extensions_of_users_groups_devices_and_attendants(world, api_as, numbering, site):
    api = api_as(world.members["site_admin"])
    member = world.members["member"].user
    r = api.post(
        acc(world, "/extensions"),
        {"number": "201", "kind": "user", "user_id": member.id, "phone_number": "+49 30 1234567"},
    )
    assert r.status_code == 201, r.content
    assert r.json()["user"]["id"] == member.id and r.json()["phone_number"] == "+49301234567"
    r = api.post(acc(world, "/extensions"), {"number": "202", "kind": "user"})
    assert r.status_code == 422 and fields(r) == ["user_id"]
    outsider = world.members["b_account_admin"].user
    r = api.post(
        acc(world, "/extensions"), {"number": "202", "kind": "user", "user_id": outsider.id}
    )
    assert r.status_code == 422 and fields(r) == ["user_id"]
    r = api.post(acc(world, "/extensions"), {"number": "203", "kind": "group"})
    assert r.status_code == 422 and fields(r) == ["name"]
    r = api.post(acc(world, "/extensions"), {"number": "204", "kind": "attendant"})
    assert r.status_code == 422 and fields(r) == ["attendant_id"]
    r = api.post(acc(world, "/extensions"), {"number": "205", "kind": "device"})
    assert r.status_code == 201
    r = api.post(acc(world, "/extensions"), {"number": "206", "kind": "robot"})
    assert r.status_code == 422 and fields(r) == ["kind"]


def test_extension_rules(world, api_as, numbering, site):
    api = api_as(world.members["site_admin"])
    body = {"number": "210", "kind": "group", "name": "Support"}
    assert api.post(acc(world, "/extensions"), body).status_code == 201
    r = api.post(acc(world, "/extensions"), body)
    assert r.status_code == 409 and "210" in r.json()["detail"]
    r = api.post(acc(world, "/extensions"), {**body, "number": "510"})
    assert r.status_code == 422 and fields(r) == ["number"]
    r = api.post(acc(world, "/extensions"), {**body, "number": "21"})
    assert r.status_code == 422 and fields(r) == ["number"]
    r = api.post(acc(world, "/extensions"), {**body, "number": "211", "phone_number": "12345"})
    assert r.status_code == 422 and fields(r) == ["phone_number"]
    api.post(acc(world, "/extensions"), {**body, "number": "212", "phone_number": "+4930123456"})
    r = api.post(
        acc(world, "/extensions"), {**body, "number": "213", "phone_number": "+4930123456"}
    )
    assert r.status_code == 409 and "+4930123456" in r.json()["detail"]
    r = api.post(acc(world, "/extensions"), {**body, "number": "213", "extra": 1})
    assert r.status_code == 422 and fields(r) == ["extra"]
    assert AuditEvent.objects.filter(action="telephony.extension_created").count() == 2


def test_emergency_numbers_are_never_extensions(world, api_as, cloud, site):
    api = api_as(world.members["site_admin"])
    api.post(acc(world, "/extension-ranges"), {"first": "100", "last": "199"})
    r = api.post(acc(world, "/emergency-numbers"), {"site_product_id": site.id, "number": "112"})
    assert r.status_code == 201, r.content
    # the caller location is the site's address unless overridden
    assert r.json()["site"] == {"id": site.id, "name": "Berlin HQ"}
    assert r.json()["caller_location"] == site.address
    assert r.json()["location_overridden"] is False
    r = api.post(acc(world, "/extensions"), {"number": "112", "kind": "group", "name": "X"})
    assert r.status_code == 409 and "emergency" in r.json()["detail"]
    assert "Berlin HQ" in r.json()["detail"]
    # and the other way round: an existing extension blocks the emergency number
    api.post(acc(world, "/extensions"), {"number": "110", "kind": "group", "name": "Desk"})
    r = api.post(acc(world, "/emergency-numbers"), {"site_product_id": site.id, "number": "110"})
    assert r.status_code == 409
    # one number per site, validated fields, only the account's own sites
    r = api.post(acc(world, "/emergency-numbers"), {"site_product_id": site.id, "number": "112"})
    assert r.status_code == 409
    r = api.post(acc(world, "/emergency-numbers"), {"site_product_id": site.id, "number": "1x2"})
    assert r.status_code == 422 and fields(r) == ["number"]
    from tests.contracts import factories as cf

    foreign = cf.site(cf.base_package(world.b.customer), name="Elsewhere")
    r = api.post(acc(world, "/emergency-numbers"), {"site_product_id": foreign.id, "number": "113"})
    assert r.status_code == 422 and fields(r) == ["site_product_id"]
    assert "Elsewhere" not in r.content.decode()
    koeln = cf.site(site.base_package, name="Köln")
    r = api.post(
        acc(world, "/emergency-numbers"),
        {"site_product_id": koeln.id, "number": "112", "caller_location": "Domplatz 1, 2nd floor"},
    )
    assert r.status_code == 201 and r.json()["location_overridden"] is True
    # back to the site's address
    url = acc(world, f"/emergency-numbers/{r.json()['id']}")
    r = api.patch(url, {"caller_location": ""})
    assert r.status_code == 200 and r.json()["caller_location"] == koeln.address
    assert r.json()["location_overridden"] is False


# ---- devices -----------------------------------------------------------------------------


def test_devices_with_normalised_unique_mac(world, api_as, numbering):
    api = api_as(world.members["site_admin"])
    api.post(acc(world, "/extensions"), {"number": "220", "kind": "device"})
    r = api.post(
        acc(world, "/devices"),
        {"model": "ALE-300", "mac": "001a.2b3c.4d5e", "extension": "220"},
    )
    assert r.status_code == 201, r.content
    assert r.json()["user"] is None  # a device extension's phone has no user
    assert r.json()["mac"] == "00:1A:2B:3C:4D:5E" and r.json()["extension"] == "220"
    r = api.post(acc(world, "/devices"), {"model": "ALE-300", "mac": "00-1a-2b-3c-4d-5e"})
    assert r.status_code == 409 and "MAC" in r.json()["detail"]
    for bad in ("00:1A:2B:3C:4D", "GG:1A:2B:3C:4D:5E", "FF:FF:FF:FF:FF:FF", "01:00:5E:00:00:01"):
        r = api.post(acc(world, "/devices"), {"model": "ALE-300", "mac": bad})
        assert r.status_code == 422 and fields(r) == ["mac"], bad
    r = api.post(
        acc(world, "/devices"), {"model": "ALE-300", "mac": "00:1A:2B:3C:4D:5F", "extension": "299"}
    )
    assert r.status_code == 422 and fields(r) == ["extension"]
    r = api.post(acc(world, "/devices"), {"model": " ", "mac": "00:1A:2B:3C:4D:5F"})
    assert r.status_code == 422 and fields(r) == ["model"]
    # a MAC registered in another tenant is taken too (the message names no tenant)
    from channeldesk.telephony import actions

    actions.declare_equipment(world.actor("operator_admin"), world.b.customer, kind="cloud_pbx")
    actions.create_device(
        world.actor("operator_admin"), world.b.customer, model="X", mac="00:1A:2B:3C:4D:60"
    )
    r = api.post(acc(world, "/devices"), {"model": "ALE-300", "mac": "001A2B3C4D60"})
    assert r.status_code == 409 and world.b.customer.name not in r.json()["detail"]
    # the extension in use by a device cannot be removed
    ext = Extension.objects.get(account=numbering, number="220")
    assert api.delete(acc(world, f"/extensions/{ext.id}")).status_code == 409
    dev = Device.objects.get(account=numbering)
    r = api.patch(acc(world, f"/devices/{dev.id}"), {"extension": None, "user_id": None})
    assert r.status_code == 200 and r.json()["extension"] is None and r.json()["user"] is None
    assert api.delete(acc(world, f"/extensions/{ext.id}")).status_code == 204
    assert api.delete(acc(world, f"/devices/{dev.id}")).status_code == 204
    actions_seen = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "telephony.device_created",
        "telephony.device_updated",
        "telephony.device_deleted",
    } <= actions_seen


def test_other_tenant_items_are_404(world, api_as, numbering):
    from channeldesk.telephony import actions

    operator = world.actor("operator_admin")
    actions.declare_equipment(operator, world.b.customer, kind="cloud_pbx")
    d = actions.create_device(operator, world.b.customer, model="X", mac="02:00:00:00:00:01")
    api = api_as(world.members["site_admin"])
    # through the other account (out of reach) and through its own account path
    assert api.get(f"/accounts/{world.b.customer.id}/devices/{d.id}").status_code == 404
    assert api.get(acc(world, f"/devices/{d.id}")).status_code == 404
    assert api.delete(acc(world, f"/devices/{d.id}")).status_code == 404


# ---- attendants --------------------------------------------------------------------------


def test_attendant_routes_digits_to_existing_extensions(world, api_as, numbering):
    api = api_as(world.members["site_admin"])
    api.post(acc(world, "/extensions"), {"number": "201", "kind": "group", "name": "Sales"})
    api.post(acc(world, "/extensions"), {"number": "202", "kind": "group", "name": "Support"})
    hours = {"mon": {"open": "08:00", "close": "18:00"}, "sat": None}
    r = api.post(
        acc(world, "/auto-attendants"),
        {
            "name": "Main menu",
            "greeting": "Press 1 for sales, 2 for support.",
            "business_hours": hours,
            "menu": {"1": "201", "2": "202"},
            "timeout_seconds": 15,
            "timeout_destination": "201",
        },
    )
    assert r.status_code == 201, r.content
    a = r.json()
    assert a["menu"] == {"1": "201", "2": "202"} and a["timeout_destination"] == "201"
    assert a["business_hours"]["mon"] == {"open": "08:00", "close": "18:00"}
    assert a["business_hours"]["sun"] is None
    r = api.post(acc(world, "/auto-attendants"), {"name": "Bad", "menu": {"1": "299"}})
    assert r.status_code == 422 and fields(r) == ["menu.1"]
    r = api.post(acc(world, "/auto-attendants"), {"name": "Bad", "menu": {"x": "201"}})
    assert r.status_code == 422
    r = api.post(acc(world, "/auto-attendants"), {"name": "Bad", "timeout_destination": "250"})
    assert r.status_code == 422 and fields(r) == ["timeout_destination"]
    r = api.post(
        acc(world, "/auto-attendants"),
        {"name": "Bad", "business_hours": {"mon": {"open": "18:00", "close": "08:00"}}},
    )
    assert r.status_code == 422 and fields(r) == ["business_hours.mon"]
    r = api.post(acc(world, "/auto-attendants"), {"name": "Main menu"})
    assert r.status_code == 409
    # PATCH replaces the menu; If-Match honoured
    url = acc(world, f"/auto-attendants/{a['id']}")
    r = api.patch(url, {"menu": {"0": "202"}}, HTTP_IF_MATCH=a["etag"])
    assert r.status_code == 200 and r.json()["menu"] == {"0": "202"}
    assert api.patch(url, {"greeting": "x"}, HTTP_IF_MATCH=a["etag"]).status_code == 412
    # a destination in use cannot be removed; the attendant's own extension blocks deletion
    ext202 = Extension.objects.get(account=numbering, number="202")
    assert api.delete(acc(world, f"/extensions/{ext202.id}")).status_code == 409
    r = api.post(
        acc(world, "/extensions"), {"number": "200", "kind": "attendant", "attendant_id": a["id"]}
    )
    assert r.status_code == 201 and r.json()["attendant"]["name"] == "Main menu"
    assert api.delete(url).status_code == 409
    api.delete(acc(world, f"/extensions/{r.json()['id']}"))
    assert api.delete(url).status_code == 204
    assert AuditEvent.objects.filter(action__startswith="telephony.auto_attendant_").count() == 3


# ---- welcome service ---------------------------------------------------------------------


def test_welcome_service_on_off(world, api_as, cloud):
    api = api_as(world.members["partner_agent"])
    r = api.post(acc(world, "/welcome-service"), {"greeting": "Welcome to Customer A."})
    assert r.status_code == 201 and r.json()["enabled"] is True
    assert api.post(acc(world, "/welcome-service"), {"greeting": "again"}).status_code == 409
    url = acc(world, f"/welcome-service/{r.json()['id']}")
    r = api.patch(url, {"enabled": False})
    assert r.status_code == 200 and r.json()["enabled"] is False
    assert api.patch(url, {"greeting": ""}).status_code == 422
    assert api.patch(url, {"enabled": None}).status_code == 422
    ev = AuditEvent.objects.get(action="telephony.welcome_service_updated")
    assert ev.changes == {"enabled": {"before": True, "after": False}}
    assert api_as(world.members["account_admin"]).patch(url, {"enabled": True}).status_code == 200
    assert api_as(world.members["member"]).patch(url, {"enabled": True}).status_code == 403
    assert api.delete(url).status_code == 204


# ---- lists -------------------------------------------------------------------------------


def test_lists_are_keyset_paginated_within_budget(
    world, api_as, numbering, site, django_assert_max_num_queries
):
    from channeldesk.telephony import actions
    from tests.contracts import factories as cf

    actor = world.actor("site_admin")
    member = world.members["member"].user
    for i in range(7):
        e = actions.create_extension(
            actor, numbering, number=f"2{i:02d}", kind="user", user_id=member.id
        )
        actions.create_device(
            actor,
            numbering,
            model="ALE",
            mac=f"02:00:00:00:01:{i:02d}",
            user_id=member.id,
            extension=e.number,
        )
        other = cf.site(site.base_package, name=f"Site {i}")
        actions.create_emergency(actor, numbering, site_product_id=other.id, number="112")
    for i in range(4):
        actions.create_attendant(
            actor, numbering, name=f"A{i}", menu={"1": "200", "2": "201"}, timeout_destination="202"
        )
    api = api_as(world.members["site_admin"])
    for suffix, total in (
        ("/extensions", 7),
        ("/devices", 7),
        ("/emergency-numbers", 7),
        ("/auto-attendants", 4),
    ):
        seen: list[str] = []
        cursor = None
        while True:
            q = f"{suffix}?limit=3" + (f"&cursor={cursor}" if cursor else "")
            with django_assert_max_num_queries(10):
                body = api.get(acc(world, q)).json()
            seen += [i["id"] for i in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert len(seen) == total == len(set(seen)), suffix
    assert api.get(acc(world, "/devices?limit=0")).status_code == 422
    assert api.get(acc(world, "/devices?cursor=@@")).status_code == 422


def test_idempotent_device_creation(world, api_as, cloud):
    api = api_as(world.members["site_admin"])
    body = {"model": "ALE-300", "mac": "02:00:00:00:99:01"}
    first = api.post(acc(world, "/devices"), body, HTTP_IDEMPOTENCY_KEY="dev-1")
    again = api.post(acc(world, "/devices"), body, HTTP_IDEMPOTENCY_KEY="dev-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Device.objects.filter(account=cloud).count() == 1
    other = api.post(acc(world, "/devices"), {**body, "model": "X"}, HTTP_IDEMPOTENCY_KEY="dev-1")
    assert other.status_code == 422


def test_extension_audit_records_before_and_after(world, api_as, numbering, site):
    api = api_as(world.members["site_admin"])
    e = api.post(acc(world, "/extensions"), {"number": "230", "kind": "group", "name": "Desk"})
    r = api.patch(
        acc(world, f"/extensions/{e.json()['id']}"),
        {"number": "231", "phone_number": "+4930999888"},
    )
    assert r.status_code == 200 and r.json()["number"] == "231"
    ev = AuditEvent.objects.get(action="telephony.extension_updated")
    assert ev.changes["number"] == {"before": "230", "after": "231"}
    assert ev.changes["phone_number"] == {"before": None, "after": "+4930999888"}
    assert ev.organization_id == numbering.id


def test_german_error_messages(world, api_as, numbering):
    world.members["site_admin"].user.language = "de"
    world.members["site_admin"].user.save()
    api = api_as(world.members["site_admin"])
    r = api.post(
        acc(world, "/extension-ranges"), {"first": "250", "last": "260"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert r.status_code == 409
    assert "überschneidet" in r.json()["detail"], r.json()
