"""Number pool, phone numbers overview, assignment, CSV export, query budgets."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from channeldesk.contracts import actions
from channeldesk.contracts.models import PhoneNumber
from channeldesk.core.errors import Conflict, ValidationFailed
from channeldesk.tenancy.actor import Actor
from tests import factories
from tests.contracts import factories as cf


def test_pool_blocks_are_validated_e164_and_unique(db, world):
    system = Actor.system()
    assert actions.load_number_block(system, "+49 30 1234 5600", 5) == 5
    assert set(PhoneNumber.objects.values_list("country", flat=True)) == {"DE"}
    with pytest.raises(Conflict):
        actions.load_number_block(system, "+493012345603", 5)  # overlaps
    assert PhoneNumber.objects.count() == 5  # nothing of the refused block
    with pytest.raises(ValidationFailed):
        actions.load_number_block(system, "0301234", 5)
    with pytest.raises(ValidationFailed):
        actions.load_number_block(system, "+999123", 1)
    with pytest.raises(ValidationFailed):
        actions.load_number_block(system, "+493012345700", 0)


def test_only_the_operator_loads_numbers(world):
    from channeldesk.core.errors import Forbidden

    with pytest.raises(Forbidden):
        actions.load_number_block(world.actor("partner_admin"), "+493012345600", 5)


def test_numbers_cli_loads_a_block(world, capsys):
    call_command("numbers", "load", "--start", "+31201234500", "--count", "10")
    assert "10 numbers loaded" in capsys.readouterr().out
    assert PhoneNumber.objects.filter(country="NL").count() == 10


def test_operator_page_loads_a_block(world, web_as):
    c = web_as(world.members["operator_admin"])
    r = c.post("/operator/number-pool", {"start": "+493012345600", "count": "3"})
    assert r.status_code == 302
    assert PhoneNumber.objects.filter(account__isnull=True).count() == 3
    r = c.post("/operator/number-pool", {"start": "+493012345600", "count": "3"})
    assert r.status_code == 200 and b"exist already" in r.content


@pytest.fixture
def numbered(world):
    pkg = cf.base_package(world.a.customer)
    site = cf.site(pkg, name="Head office", numbers=[f"+4930777000{i:02d}" for i in range(12)])
    return pkg, site


def test_assign_to_sip_trunk_and_to_a_users_seat(world, numbered, api_as):
    api = api_as(world.members["site_admin"])
    n = PhoneNumber.objects.order_by("e164").first()
    r = api.patch(f"/phone-numbers/{n.id}", {"usage": "sip_trunk"})
    assert r.status_code == 200 and r.json()["usage"] == "sip_trunk"
    member = world.members["member"].user
    # a seat is the user's extension in the cloud PBX's numbering plan (telephony)
    from channeldesk.telephony import actions as tel

    tel.declare_equipment(Actor.system(), world.a.customer, kind="cloud_pbx")
    tel.create_range(Actor.system(), world.a.customer, first="200", last="299")
    tel.create_extension(
        Actor.system(), world.a.customer, number="201", kind="user", user_id=member.id
    )
    r = api.patch(f"/phone-numbers/{n.id}", {"usage": "cloud_pbx", "user_id": member.id})
    assert r.status_code == 200
    assert r.json()["user"] == {"id": member.id, "name": member.display_name}
    # a user of another account is refused, nothing changes
    outsider = world.members["b_account_admin"].user
    r = api.patch(f"/phone-numbers/{n.id}", {"usage": "cloud_pbx", "user_id": outsider.id})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "user_id"
    assert PhoneNumber.objects.get(id=n.id).user_id == member.id
    r = api.patch(f"/phone-numbers/{n.id}", {"usage": "fax"})
    assert r.status_code == 422
    r = api.patch(f"/phone-numbers/{n.id}", {"usage": "unassigned", "account_id": "x"})
    assert r.status_code == 422
    stale = api.patch(f"/phone-numbers/{n.id}", {"usage": "unassigned"}, HTTP_IF_MATCH='"stale"')
    assert stale.status_code == 412


def test_numbers_of_another_tree_are_404(world, numbered, api_as):
    n = PhoneNumber.objects.first()
    api = api_as(world.members["b_account_admin"])
    assert api.patch(f"/phone-numbers/{n.id}", {"usage": "sip_trunk"}).status_code == 404
    assert api.post(f"/phone-numbers/{n.id}/acknowledge").status_code == 404
    assert api.get(f"/accounts/{world.a.customer.id}/phone-numbers").status_code == 404


def test_number_list_filters_search_and_query_budget(
    world, numbered, api_as, django_assert_max_num_queries
):
    _pkg, _site = numbered
    PhoneNumber.objects.filter(e164="+493077700005").update(is_new=True)
    api = api_as(world.members["account_admin"])
    with django_assert_max_num_queries(12):
        r = api.get(f"/accounts/{world.a.customer.id}/phone-numbers?limit=5")
    page1 = r.json()
    assert len(page1["items"]) == 5 and page1["next_cursor"]
    r = api.get(
        f"/accounts/{world.a.customer.id}/phone-numbers?limit=5&cursor={page1['next_cursor']}"
    )
    assert r.json()["items"][0]["e164"] == "+493077700005"
    assert [
        n["e164"]
        for n in api.get(f"/accounts/{world.a.customer.id}/phone-numbers?new=true").json()["items"]
    ] == ["+493077700005"]
    assert (
        len(api.get(f"/accounts/{world.a.customer.id}/phone-numbers?q=7770001").json()["items"])
        == 2
    )


def test_base_package_list_query_budget(world, api_as, django_assert_max_num_queries):
    for i in range(5):
        pkg = cf.base_package(world.a.customer, name=f"C{i}")
        cf.site(pkg, numbers=[f"+4930888{i:02d}001"])
        cf.resource(pkg, "budget")
    api = api_as(world.members["partner_admin"])
    with django_assert_max_num_queries(14):
        r = api.get(f"/accounts/{world.a.customer.id}/base-packages")
    assert len(r.json()["items"]) == 5


def test_csv_export_is_formula_safe_and_filtered(world, numbered, web_as):
    _pkg, site = numbered
    site.name = "=HYPERLINK(1)"
    site.save()
    c = web_as(world.members["account_admin"])
    r = c.get(f"/accounts/{world.a.customer.id}/phone-numbers.csv?q=7770001")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0][0] == "Phone number"
    assert [row[0] for row in rows[1:]] == [
        "'+4930777000" + "10",
        "'+4930777000" + "11",
    ]
    assert all(row[2] == "'=HYPERLINK(1)" for row in rows[1:])


def test_numbers_page_highlights_new_and_acknowledges(world, numbered, web_as):
    PhoneNumber.objects.filter(e164__in=["+493077700001", "+493077700002"]).update(is_new=True)
    c = web_as(world.members["account_admin"])
    r = c.get(f"/accounts/{world.a.customer.id}/phone-numbers?new=1")
    assert r.content.count(b'data-testid="new-flag"') == 2
    n = PhoneNumber.objects.get(e164="+493077700001")
    assert c.post(f"/phone-numbers/{n.id}/acknowledge").status_code == 302
    r = c.get(f"/accounts/{world.a.customer.id}/phone-numbers?new=1")
    assert r.content.count(b'data-testid="new-flag"') == 1
    c.post(f"/accounts/{world.a.customer.id}/phone-numbers/acknowledge")
    assert not PhoneNumber.objects.filter(is_new=True).exists()


def test_account_page_shows_each_base_package_as_its_own_section(world, web_as):
    p1 = cf.base_package(world.a.customer, name="Vertrag Eins")
    cf.site(p1, name="Standort Berlin")
    p2 = cf.base_package(world.a.customer, name="Vertrag Zwei")
    cf.site(p2, name="Standort München")
    r = web_as(world.members["partner_admin"]).get(f"/accounts/{world.a.customer.id}/")
    html = r.content.decode()
    assert html.count('data-testid="base-package"') == 2
    first, second = html.split('data-testid="base-package"')[1:]
    assert "Standort Berlin" in first and "Standort München" not in first
    assert "Standort München" in second
    assert "Order data" in html  # the partners' order data panel
    customer = web_as(world.members["account_admin"]).get(f"/accounts/{world.a.customer.id}/")
    assert "Order data" not in customer.content.decode()


def test_other_tree_never_sees_base_packages(db):
    world = factories.world()
    cf.base_package(world.a.customer, name="Secret Contract A")
    from django.test import Client

    c = Client()
    m = world.members["b_partner_admin"]
    c.force_login(m.user, backend="channeldesk.identity.backends.EmailBackend")
    s = c.session
    s["membership_id"] = m.id
    s.save()
    assert c.get(f"/accounts/{world.a.customer.id}/phone-numbers").status_code == 404
    assert "Secret Contract A" not in c.get(f"/accounts/{world.b.customer.id}/").content.decode()


def test_numbers_page_loads_the_user_picker_on_demand(world, numbered, web_as):
    from channeldesk.tenancy.roles import Role

    for i in range(30):
        factories.user(world.a.customer, Role.MEMBER, name=f"Picker {i:02d}")
    c = web_as(world.members["site_admin"])
    page = c.get(f"/accounts/{world.a.customer.id}/phone-numbers")
    body = page.content.decode()
    # 12 rows, no user list in any of them: the form comes when a row asks for it
    assert body.count('data-testid="assign-open"') == 12 and "Picker" not in body
    n = PhoneNumber.objects.order_by("e164").first()
    hx = {"HTTP_HX_REQUEST": "true"}
    form = c.get(f"/phone-numbers/{n.id}/assign", **hx).content.decode()
    assert "<html" not in form and 'data-testid="assign-form"' in form
    # the first 20 users by name ("No user" and 20), not all 33; the search narrows them
    assert form.count("<option value=") == 3 + 1 + 20  # 3 usages, "No user", 20 users
    found = c.get(f"/phone-numbers/{n.id}/assign?part=users&q=Picker 27", **hx).content.decode()
    assert "Picker 27" in found and "Picker 26" not in found and "<form" not in found
    full = c.get(f"/phone-numbers/{n.id}/assign?q=Picker 03")  # without JavaScript: a page
    assert "<html" in full.content.decode() and "Picker 03" in full.content.decode()
    r = c.post(f"/phone-numbers/{n.id}/assign", {"usage": "sip_trunk"})
    assert r.status_code == 302 and PhoneNumber.objects.get(id=n.id).usage == "sip_trunk"
