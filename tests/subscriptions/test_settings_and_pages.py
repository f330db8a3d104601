"""Product settings (catalog definitions, PATCH and the subscription page), the license pages
(a member's own, an account's by user, GET /me/licenses) and the UI at scale (sort by product
name, the account panel past 20, searchable and paged license table and pick list, the
self-service part of the dialog)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from channeldesk.audit.models import AuditEvent
from channeldesk.catalog.catalog import DEFAULT_FILE, CatalogError, parse
from channeldesk.identity.models import User
from channeldesk.subscriptions import actions
from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership
from channeldesk.tenancy.roles import Role
from tests import factories
from tests.subscriptions.factories import subscription

pytestmark = pytest.mark.django_db


# ---- catalog definitions ---------------------------------------------------------------------


def _catalog_with(settings_yaml: str) -> str:
    text = DEFAULT_FILE.read_text()
    marker = "  - key: softphone_app\n"
    head, tail = text.split(marker, 1)
    block, rest = tail.split("    settings:\n", 1)
    after = rest.split("\n  - key: meetings_pro", 1)[1]
    return (
        head
        + marker
        + block
        + "    settings:\n"
        + settings_yaml
        + "\n  - key: meetings_pro"
        + after
    )


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("      - {key: x, type: colour, name: X, default: 1}", "type must be one of"),
        ("      - {key: x, type: bool, name: X, default: yes please}", "true or false"),
        ("      - {key: x, type: bool, name: {en: X}, default: true}", "name lacks de, nl"),
        ("      - {key: x, type: choice, name: X, choices: [], default: a}", "needs choices"),
        (
            "      - {key: x, type: choice, name: X, choices: [{key: a, name: A}], default: b}",
            "one of its choices",
        ),
        ("      - {key: x, type: integer, name: X, min: 5, max: 1, default: 3}", "between"),
        ("      - {key: x, type: text, name: X, max_length: 3, default: long}", "at most 3"),
        (
            "      - {key: x, type: bool, name: X, default: true}\n"
            "      - {key: x, type: bool, name: X, default: true}",
            "duplicate key",
        ),
    ],
)
def test_the_catalog_refuses_bad_setting_definitions(yaml, message):
    with pytest.raises(CatalogError, match=message):
        parse(_catalog_with(yaml))


def test_default_catalog_products_have_settings():
    doc = parse(DEFAULT_FILE.read_text())
    keys = {p["key"]: [s["key"] for s in p.get("settings", [])] for p in doc["products"]}
    assert keys["signatures_m365"] == ["signature_template", "apply_to_replies", "disclaimer"]
    assert keys["softphone_app"] == ["allow_mobile"]


# ---- PATCH settings --------------------------------------------------------------------------


def test_partner_patches_settings_validated_against_the_catalog(world, api_as):
    sub = subscription(world.a.customer)
    api = api_as(world.members["partner_agent"])  # settings are no billing: agents too
    got = api.get(f"/subscriptions/{sub.id}").json()
    assert got["settings"] == {
        "signature_template": "classic",
        "apply_to_replies": True,
        "disclaimer": "",
    }
    r = api.patch(
        f"/subscriptions/{sub.id}",
        {"settings": {"signature_template": "modern", "apply_to_replies": False}},
        HTTP_IF_MATCH=got["etag"],
    )
    assert r.status_code == 200, r.content
    assert r.json()["settings"]["signature_template"] == "modern"
    assert r.json()["settings"]["apply_to_replies"] is False
    event = AuditEvent.objects.get(action="subscription.settings_changed")
    assert event.changes == {
        "signature_template": {"before": "classic", "after": "modern"},
        "apply_to_replies": {"before": True, "after": False},
    }
    # the old tag is stale now
    stale = api.patch(
        f"/subscriptions/{sub.id}", {"settings": {"disclaimer": "x"}}, HTTP_IF_MATCH=got["etag"]
    )
    assert stale.status_code == 412
    # every bad value is named; nothing is written
    r = api.patch(
        f"/subscriptions/{sub.id}",
        {
            "settings": {
                "signature_template": "baroque",
                "apply_to_replies": "yes",
                "disclaimer": "d" * 501,
                "colour": "red",
            }
        },
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {
        "settings.signature_template",
        "settings.apply_to_replies",
        "settings.disclaimer",
        "settings.colour",
    }
    sub.refresh_from_db()
    assert sub.settings == {"signature_template": "modern", "apply_to_replies": False}
    # an agent still may not change the number of users
    assert api.patch(f"/subscriptions/{sub.id}", {"quantity": 3}).status_code == 403
    meetings = subscription(world.a.customer, product="meetings_pro")
    r = api.patch(f"/subscriptions/{meetings.id}", {"settings": {"max_participants": 1}})
    assert r.status_code == 422 and "from 2 to 1000" in r.content.decode()
    r = api.patch(f"/subscriptions/{meetings.id}", {"settings": {"max_participants": True}})
    assert r.status_code == 422


def test_customers_edit_settings_only_when_they_manage_the_subscription(world, api_as):
    admin = api_as(world.members["account_admin"])
    partner_managed = subscription(world.a.customer)
    r = admin.patch(f"/subscriptions/{partner_managed.id}", {"settings": {"disclaimer": "x"}})
    assert r.status_code == 403
    managed = subscription(world.a.customer, customer_managed=True)
    for key in ("account_admin", "site_admin"):
        r = api_as(world.members[key]).patch(
            f"/subscriptions/{managed.id}", {"settings": {"disclaimer": f"by {key}"}}
        )
        assert r.status_code == 200, (key, r.content)
    assert api_as(world.members["member"]).patch(
        f"/subscriptions/{managed.id}", {"settings": {"disclaimer": "m"}}
    ).status_code in (403, 404)
    # the customer still cannot touch what the partner decides
    assert admin.patch(f"/subscriptions/{managed.id}", {"auto_renew": False}).status_code == 403
    # another tree does not find it; a distributor reads only
    assert (
        api_as(world.members["b_partner_admin"])
        .patch(f"/subscriptions/{managed.id}", {"settings": {"disclaimer": "b"}})
        .status_code
        == 404
    )
    assert (
        api_as(world.members["distributor_admin"])
        .patch(f"/subscriptions/{managed.id}", {"settings": {"disclaimer": "d"}})
        .status_code
        == 403
    )
    cancelled = subscription(world.a.customer, customer_managed=True)
    actions.cancel_subscription(Actor.system(), cancelled, at_term_end=False)
    r = admin.patch(f"/subscriptions/{cancelled.id}", {"settings": {"disclaimer": "x"}})
    assert r.status_code == 409
    assert admin.patch(f"/subscriptions/{managed.id}", {"settings": None}).status_code == 422


def test_settings_on_the_subscription_page(world, web_as):
    managed = subscription(world.a.customer, customer_managed=True)
    c = web_as(world.members["site_admin"])
    html = c.get(f"/subscriptions/{managed.id}/").content.decode()
    assert 'action="/subscriptions/' in html and "Signature template" in html
    assert 'name="settings-apply_to_replies"' in html and "Save settings" in html
    r = c.post(
        f"/subscriptions/{managed.id}/settings",
        {
            "settings-signature_template": "minimal",
            "settings-disclaimer": "Vertraulich.",
        },
    )
    assert r.status_code == 302
    managed.refresh_from_db()
    assert managed.settings == {
        "signature_template": "minimal",
        "apply_to_replies": False,  # an unticked box
        "disclaimer": "Vertraulich.",
    }
    r = c.post(f"/subscriptions/{managed.id}/settings", {"settings-signature_template": "baroque"})
    assert r.status_code == 422 and "Select a valid choice" in r.content.decode()
    # partner-managed: the customer reads the values, the form is the partner's
    other = subscription(world.a.customer)
    html = web_as(world.members["account_admin"]).get(f"/subscriptions/{other.id}/").content
    assert b'data-testid="settings"' in html and b"Save settings" not in html
    assert "Your partner manages this product’s settings.".encode() in html
    assert (
        web_as(world.members["account_admin"])
        .post(f"/subscriptions/{other.id}/settings", {"settings-disclaimer": "x"})
        .status_code
        == 403
    )
    softphone = subscription(world.a.customer, product="softphone_app")
    html = web_as(world.members["partner_admin"]).get(f"/subscriptions/{softphone.id}/").content
    assert b"Allow the mobile app" in html


# ---- license pages ---------------------------------------------------------------------------


def test_a_member_sees_its_own_licenses_page_and_api(world, api_as, web_as):
    member = world.members["member"]
    sub = subscription(world.a.customer)
    actions.assign_licenses(Actor.system(), sub, [member.user.id])
    other = subscription(world.a.customer, product="meetings_pro")
    actions.assign_licenses(Actor.system(), other, [world.members["site_admin"].user.id])
    c = web_as(member)
    assert c.get("/subscriptions/").status_code == 403
    html = c.get("/licenses/").content.decode()
    assert html.count('data-testid="my-license"') == 1
    assert "Signatures for Microsoft 365" in html and "Meetings Pro" not in html
    assert 'href="/licenses/"' in c.get("/").content.decode()  # the menu entry
    r = api_as(member).get("/me/licenses")
    assert r.status_code == 200
    [item] = r.json()["items"]
    assert item["product"] == "signatures_m365" and item["subscription_id"] == sub.id
    assert item["status"] == "active" and "unit_price" not in item
    assert api_as(world.members["partner_admin"]).get("/me/licenses").json()["items"] == []


def test_admins_see_a_users_licenses(world, web_as):
    account = world.a.customer
    sub = subscription(account)
    meet = subscription(account, product="meetings_pro")
    ann = factories.user(account, Role.MEMBER, email="ann@kunde.example", name="Ann").user
    bob = factories.user(account, Role.MEMBER, email="bob@kunde.example", name="Bob").user
    actions.assign_licenses(Actor.system(), sub, [ann.id, bob.id])
    actions.assign_licenses(Actor.system(), meet, [ann.id])
    for key in ("account_admin", "site_admin", "partner_agent", "operator_support"):
        c = web_as(world.members[key])
        html = c.get(f"/accounts/{account.id}/licenses").content.decode()
        assert html.count("data-license=") == 3, key
    c = web_as(world.members["account_admin"])
    users_page = c.get(reverse("org-users", args=[account.id])).content.decode()
    assert f'href="/accounts/{account.id}/licenses?user={ann.id}"' in users_page  # linked
    html = c.get(f"/accounts/{account.id}/licenses?user={ann.id}").content.decode()
    assert "Licenses of Ann" in html and html.count("data-license=") == 2
    html = c.get(f"/accounts/{account.id}/licenses?q=BO").content.decode()
    assert html.count("data-license=") == 1 and "bob@kunde.example" in html
    r = c.get(f"/accounts/{account.id}/licenses?q=bo", HTTP_HX_REQUEST="true")
    assert 'id="results"' in r.content.decode()
    assert (
        c.get(
            f"/accounts/{account.id}/licenses?user={world.members['b_account_admin'].user.id}"
        ).status_code
        == 404
    )
    assert (
        web_as(world.members["member"]).get(f"/accounts/{account.id}/licenses").status_code == 403
    )
    assert (
        web_as(world.members["b_partner_admin"]).get(f"/accounts/{account.id}/licenses").status_code
        == 404
    )
    page = c.get(f"/accounts/{account.id}/").content.decode()
    assert f'href="/accounts/{account.id}/licenses"' in page


# ---- the UI at scale -------------------------------------------------------------------------


def test_sort_by_product_name_in_the_readers_language(world, web_as, api_as):
    for product in ("softphone_app", "meetings_pro", "signatures_google", "signatures_m365"):
        subscription(world.a.customer, product=product)
    api = api_as(world.members["partner_admin"])
    names = [s["product_name"] for s in api.get("/subscriptions?sort=product").json()["items"]]
    assert names == sorted(names) and names[0] == "Meetings Pro"
    desc = [s["product_name"] for s in api.get("/subscriptions?sort=-product").json()["items"]]
    assert desc == list(reversed(names))
    # keyset pages follow the same order
    first = api.get("/subscriptions?sort=product&limit=2").json()
    rest = api.get(f"/subscriptions?sort=product&limit=2&cursor={first['next_cursor']}").json()
    assert [s["product_name"] for s in first["items"] + rest["items"]] == names
    m = world.members["partner_admin"]
    m.user.language = "de"
    m.user.save()
    c = web_as(m)
    html = c.get("/subscriptions/?sort=product").content.decode().split("<tbody>")[1]
    german = ["Meetings Pro", "Signaturen für Google Workspace", "Signaturen für Microsoft 365"]
    positions = [html.index(n) for n in german]
    assert positions == sorted(positions)
    assert c.get("/subscriptions/export.csv?sort=product").status_code == 200


def test_the_account_panel_links_to_all_subscriptions_past_20(world, web_as):
    account = world.a.customer
    for _ in range(21):
        subscription(account, quantity=1)
    c = web_as(world.members["partner_admin"])
    html = c.get(f"/accounts/{account.id}/").content.decode()
    assert 'data-testid="all-subscriptions"' in html
    listing = c.get(f"/subscriptions/?account_id={account.id}").content.decode()
    assert f"Subscriptions of {account.name}" in listing
    assert 'data-testid="total-subscriptions">21<' in listing
    other = factories.org("customer", world.a.reseller, name="Kleinkunde")
    subscription(other)
    html = c.get(f"/accounts/{other.id}/").content.decode()
    assert 'data-testid="all-subscriptions"' not in html


def test_license_table_and_pick_list_are_searchable_and_paged(world, web_as):
    account = world.a.customer
    sub = subscription(account, quantity=600)
    users = User.objects.bulk_create(
        [User(email=f"user{i:03d}@bulk.example", name=f"User {i:03d}") for i in range(560)]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organization=account, role=Role.MEMBER) for u in users]
    )
    actions.assign_licenses(Actor.system(), sub, [u.id for u in users[:520]])
    c = web_as(world.members["account_admin"])
    html = c.get(f"/subscriptions/{sub.id}/").content.decode()
    assert html.count("data-license=") == 50 and "More licenses" in html
    assert html.count('name="user_ids"') == 43  # 40 bulk users + the world's three
    # the license table's next page, in place (HTMX), and a search
    nxt = html.split('rel="next"')[0].rsplit('hx-get="', 1)[1].split('"')[0].replace("&amp;", "&")
    r = c.get(
        f"/subscriptions/{sub.id}/{nxt}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="license-table"
    )
    part = r.content.decode()
    assert part.startswith('\n  <div id="license-table"') or 'id="license-table"' in part[:80]
    assert "user050@bulk.example" in part and "user049@bulk.example" not in part
    r = c.get(
        f"/subscriptions/{sub.id}/?lq=USER51",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="license-table",
    )
    assert r.content.decode().count("data-license=") == 10  # user510..user519
    r = c.get(
        f"/subscriptions/{sub.id}/?cq=user55", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="pick-list"
    )
    part = r.content.decode()
    assert 'id="pick-list"' in part and part.count('name="user_ids"') == 10
    assert License.objects.filter(subscription=sub).count() == 520


def test_the_dialog_offers_self_service_only_for_products_offering_it(world, web_as):
    c = web_as(world.members["partner_admin"])
    page = c.get("/subscriptions/new").content.decode()
    assert 'hx-get="/subscriptions/new"' in page and 'hx-target="#self-service"' in page
    assert "Let the customer manage it" in page  # no product chosen yet
    r = c.get(
        "/subscriptions/new?product=softphone_app",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="self-service",
    )
    part = r.content.decode()
    assert 'id="self-service"' in part and "<html" not in part
    assert "Let the customer manage it" not in part and 'data-testid="no-self-service"' in part
    r = c.get(
        "/subscriptions/new?product=signatures_m365",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="self-service",
    )
    assert "Let the customer manage it" in r.content.decode()
    assert not Subscription.objects.exists()
