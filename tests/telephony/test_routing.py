"""Phone number -> extension routing uses the account's own numbers, and is the one source of
truth of a number's cloud PBX seat (the phone numbers overview follows it both ways). Phones
go on user or device extensions, with the extension's user."""

from __future__ import annotations

import pytest

from channeldesk.contracts.models import PhoneNumber
from channeldesk.telephony import actions
from channeldesk.telephony.models import Device, Extension
from tests.contracts import factories as cf

pytestmark = pytest.mark.django_db


def acc(world, suffix: str = "") -> str:
    return f"/accounts/{world.a.customer.id}{suffix}"


def fields(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def test_an_extension_routes_only_the_accounts_own_numbers(world, api_as, numbering, site):
    api = api_as(world.members["site_admin"])
    member = world.members["member"].user
    r = api.post(
        acc(world, "/extensions"),
        {"number": "201", "kind": "user", "user_id": member.id, "phone_number": "+4930123456"},
    )
    assert r.status_code == 201, r.content
    number = PhoneNumber.objects.get(e164="+4930123456")
    # the numbers overview follows the routing: a cloud PBX seat of the extension's user
    assert (number.usage, number.user_id) == ("cloud_pbx", member.id)
    listed = api.get(acc(world, "/phone-numbers?usage=cloud_pbx")).json()["items"]
    assert [(n["e164"], n["user"]["id"]) for n in listed] == [("+4930123456", member.id)]

    # another tenant's number and a number nobody has: the same answer, nothing revealed
    cf.site(cf.base_package(world.b.customer), numbers=["+4940555000"])
    for foreign in ("+4940555000", "+4940555001"):
        r = api.post(
            acc(world, "/extensions"),
            {"number": "202", "kind": "group", "name": "G", "phone_number": foreign},
        )
        assert r.status_code == 422 and fields(r) == ["phone_number"], foreign
        assert r.json()["errors"][0]["message"] == "Choose one of the account's phone numbers."
    # a number the SIP trunk uses is not routed to an extension
    PhoneNumber.objects.filter(e164="+4930123457").update(usage="sip_trunk")
    r = api.post(
        acc(world, "/extensions"),
        {"number": "202", "kind": "group", "name": "G", "phone_number": "+4930123457"},
    )
    assert r.status_code == 409 and "SIP trunk" in r.json()["detail"]

    # moving the routing: the old number is unassigned again, the new one follows
    ext = Extension.objects.get(number="201")
    r = api.patch(acc(world, f"/extensions/{ext.id}"), {"phone_number": "+4930999888"})
    assert r.status_code == 200
    assert PhoneNumber.objects.get(e164="+4930123456").usage == "unassigned"
    assert PhoneNumber.objects.get(e164="+4930999888").user_id == member.id
    # a group extension's number is a cloud PBX number without a user
    group = actions.create_extension(
        world.actor("site_admin"),
        numbering,
        number="250",
        kind="group",
        name="Sales",
        phone_number="+49301234567",
    )
    assert PhoneNumber.objects.get(e164="+49301234567").usage == "cloud_pbx"
    assert PhoneNumber.objects.get(e164="+49301234567").user_id is None
    actions.delete_extension(world.actor("site_admin"), group)
    assert PhoneNumber.objects.get(e164="+49301234567").usage == "unassigned"


def test_a_seat_set_on_the_numbers_page_is_the_users_extension(world, api_as, numbering, site):
    api = api_as(world.members["account_admin"])
    member = world.members["member"].user
    number = PhoneNumber.objects.get(e164="+4930123456")
    url = f"/phone-numbers/{number.id}"
    # the user needs an extension first
    r = api.patch(url, {"usage": "cloud_pbx", "user_id": member.id})
    assert r.status_code == 422 and fields(r) == ["user_id"]
    assert "no extension" in r.json()["errors"][0]["message"]
    ext = actions.create_extension(
        world.actor("site_admin"), numbering, number="201", kind="user", user_id=member.id
    )
    r = api.patch(url, {"usage": "cloud_pbx", "user_id": member.id})
    assert r.status_code == 200, r.content
    assert r.json()["usage"] == "cloud_pbx" and r.json()["user"]["id"] == member.id
    ext.refresh_from_db()
    assert ext.phone_number_id == number.id  # the routing is what changed
    # the user's only extension has a number: another seat for them is refused
    other = PhoneNumber.objects.get(e164="+4930123457")
    r = api.patch(f"/phone-numbers/{other.id}", {"usage": "cloud_pbx", "user_id": member.id})
    assert r.status_code == 409 and "201" in r.json()["detail"]
    # giving the number to the SIP trunk ends the routing
    r = api.patch(url, {"usage": "sip_trunk"})
    assert r.status_code == 200 and r.json()["usage"] == "sip_trunk" and r.json()["user"] is None
    ext.refresh_from_db()
    assert ext.phone_number_id is None


def test_no_seat_without_a_cloud_pbx(world, api_as, site):
    number = PhoneNumber.objects.get(e164="+4930123456")
    member = world.members["member"].user
    r = api_as(world.members["account_admin"]).patch(
        f"/phone-numbers/{number.id}", {"usage": "cloud_pbx", "user_id": member.id}
    )
    assert r.status_code == 409 and "cloud PBX" in r.json()["detail"]
    r = api_as(world.members["account_admin"]).patch(
        f"/phone-numbers/{number.id}", {"usage": "sip_trunk"}
    )
    assert r.status_code == 200 and r.json()["usage"] == "sip_trunk"


def test_phones_go_on_user_or_device_extensions_with_the_extensions_user(world, api_as, numbering):
    api = api_as(world.members["site_admin"])
    member = world.members["member"].user
    admin = world.members["account_admin"].user
    actor = world.actor("site_admin")
    actions.create_extension(actor, numbering, number="201", kind="user", user_id=member.id)
    actions.create_extension(actor, numbering, number="202", kind="group", name="Sales")
    actions.create_extension(actor, numbering, number="203", kind="device", name="Lobby")
    # on a user's extension the phone is that user's, also when no user is given
    r = api.post(
        acc(world, "/devices"), {"model": "A", "mac": "02:00:00:00:01:01", "extension": "201"}
    )
    assert r.status_code == 201 and r.json()["user"]["id"] == member.id
    r = api.post(
        acc(world, "/devices"),
        {"model": "A", "mac": "02:00:00:00:01:02", "extension": "201", "user_id": admin.id},
    )
    assert r.status_code == 422 and fields(r) == ["user_id"]
    # a group has no phone of its own; a device extension's phone has no user
    r = api.post(
        acc(world, "/devices"), {"model": "A", "mac": "02:00:00:00:01:03", "extension": "202"}
    )
    assert r.status_code == 422 and fields(r) == ["extension"]
    r = api.post(
        acc(world, "/devices"),
        {"model": "A", "mac": "02:00:00:00:01:04", "extension": "203", "user_id": admin.id},
    )
    assert r.status_code == 422 and fields(r) == ["user_id"]
    # without an extension any user of the account
    r = api.post(
        acc(world, "/devices"), {"model": "A", "mac": "02:00:00:00:01:05", "user_id": admin.id}
    )
    assert r.status_code == 201
    # the extension gets another user: its phone follows
    ext = Extension.objects.get(number="201")
    r = api.patch(acc(world, f"/extensions/{ext.id}"), {"user_id": admin.id})
    assert r.status_code == 200
    assert Device.objects.get(mac="02:00:00:00:01:01").user_id == admin.id
