"""Customer information through the API: validation rules and read-only fields."""

from __future__ import annotations

import pytest

from channeldesk.audit.models import AuditEvent
from channeldesk.tenancy.models import Organization


@pytest.mark.parametrize(
    "body, field",
    [
        ({"country": "XX"}, "country"),
        ({"country": "DEU"}, "country"),
        ({"subdivision": "US-CA"}, "subdivision"),  # account is in DE
        ({"postal_code": "1234"}, "postal_code"),  # DE: five digits
        ({"country": "NL", "subdivision": "", "postal_code": "10115"}, "postal_code"),
        ({"country": "US", "subdivision": "", "postal_code": "10001"}, "subdivision"),
        ({"country": "MX", "subdivision": "", "postal_code": "06600"}, "subdivision"),
        ({"country": "AE", "subdivision": "", "postal_code": ""}, "subdivision"),
        ({"country": "AE", "subdivision": "DE-BY", "postal_code": ""}, "subdivision"),
        ({"country": "GB", "subdivision": "", "postal_code": "12345"}, "postal_code"),
        ({"country": "CA", "subdivision": "CA-ON", "postal_code": "12345"}, "postal_code"),
        ({"name": "   "}, "name"),
        ({"default_language": "xx"}, "default_language"),
        ({"business_type": "piracy"}, "business_type"),
    ],
)
def test_profile_validation_names_the_field(world, api_as, body, field):
    acc = world.a.customer
    before = Organization.objects.get(id=acc.id)
    r = api_as(world.members["account_admin"]).patch(f"/accounts/{acc.id}", body)
    assert r.status_code == 422, r.content
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert field in [e["field"] for e in r.json()["errors"]]
    after = Organization.objects.get(id=acc.id)
    assert (after.country, after.postal_code, after.name, after.version) == (
        before.country,
        before.postal_code,
        before.name,
        before.version,
    )


@pytest.mark.parametrize(
    "body",
    [
        {"country": "NL", "subdivision": "", "postal_code": "1012 AB"},
        {"country": "US", "subdivision": "US-NY", "postal_code": "10001-1234"},
        {"country": "GB", "subdivision": "", "postal_code": "SW1A 1AA"},
        {"country": "CA", "subdivision": "CA-ON", "postal_code": "K1A 0B1"},
        {"country": "AT", "subdivision": "AT-9", "postal_code": "1010"},
        {"country": "CH", "subdivision": "", "postal_code": "8001"},
        {"country": "BE", "subdivision": "", "postal_code": "1000"},
        {"country": "FR", "subdivision": "", "postal_code": "75001"},
        {"country": "DE", "subdivision": "DE-BY", "postal_code": "80331"},
        {"country": "DE", "subdivision": "", "postal_code": "80331"},
        {"country": "HK", "subdivision": "", "postal_code": ""},
        {"country": "AE", "subdivision": "AE-DU", "postal_code": ""},
    ],
)
def test_valid_addresses_are_accepted(world, api_as, body):
    acc = world.a.customer
    r = api_as(world.members["partner_agent"]).patch(f"/accounts/{acc.id}", body)
    assert r.status_code == 200, r.content
    assert r.json()["country"] == body["country"]
    assert r.json()["subdivision"] == body["subdivision"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("id", "01ABC"),
        ("cloud_region", "us-east"),
        ("pbx_type", "mivoice_business"),
        ("status", "deactivated"),
        ("partner_id", "01ABC"),
        ("billing_customer_number", "4711"),
        ("created_at", "2020-01-01T00:00:00Z"),
    ],
)
def test_read_only_fields_in_patch_are_refused_by_name(world, api_as, field, value):
    acc = world.a.customer
    r = api_as(world.members["partner_admin"]).patch(f"/accounts/{acc.id}", {field: value})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == field
    after = Organization.objects.get(id=acc.id)
    assert after.cloud_region == "eu-central" and after.status == "active"
    assert after.billing_customer_number == "" and after.pbx_type == ""


def test_operator_admin_sets_the_billing_customer_number(world, api_as):
    acc = world.a.customer
    r = api_as(world.members["operator_admin"]).patch(
        f"/accounts/{acc.id}", {"billing_customer_number": "4711"}
    )
    assert r.status_code == 200
    assert r.json()["billing_customer_number"] == "4711"
    assert r.json()["billing_customer_number_label"] == "SAP customer number"


def test_billing_number_label_follows_the_platform_and_language(world, api_as):
    acc = world.a.customer
    acc.platform = "cloud_connect"
    acc.save()
    api = api_as(world.members["account_admin"])
    assert api.get(f"/accounts/{acc.id}").json()["billing_customer_number_label"] == (
        "Billing customer number"
    )


def test_profile_edit_is_audited_with_before_and_after(world, api_as):
    acc = world.a.customer
    r = api_as(world.members["account_admin"]).patch(
        f"/accounts/{acc.id}", {"city": "Hamburg", "postal_code": "20095"}
    )
    assert r.status_code == 200
    event = AuditEvent.objects.get(organization=acc, action="account.updated")
    assert event.changes["city"] == {"before": "Berlin", "after": "Hamburg"}


def _create(api, **fields):
    body = {"name": "Harbour Trading Ltd", "street": "1 Queen's Road", "city": "Hong Kong"}
    return api.post("/accounts", {**body, **fields})


def test_postal_code_required_only_where_the_country_uses_them(world, api_as):
    """Hong Kong and the Emirates have no postal codes: creating an account there needs none;
    a German address still does."""
    api = api_as(world.members["partner_agent"])
    r = _create(api, country="HK")
    assert r.status_code == 201, r.content
    assert r.json()["postal_code"] == ""
    r = _create(api, country="AE", subdivision="AE-DU", city="Dubai")
    assert r.status_code == 201, r.content
    r = _create(api, country="DE", city="Berlin")
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["postal_code"]


def test_the_catalog_decides_where_the_province_is_required(world, api_as, settings):
    """`addresses.subdivision_required` of the catalog in force is the rule: with DE listed,
    a German address needs its Land; with US no longer listed, a US one does not."""
    import yaml

    from channeldesk.catalog import catalog

    doc = yaml.safe_load(catalog.DEFAULT_FILE.read_text())
    doc["addresses"]["subdivision_required"] = ["DE"]
    catalog.load(yaml.safe_dump(doc, allow_unicode=True), source="test")
    catalog.invalidate()
    try:
        api = api_as(world.members["partner_agent"])
        r = _create(api, country="DE", city="Berlin", postal_code="10115")
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "subdivision"
        r = _create(api, country="DE", city="Berlin", postal_code="10115", subdivision="DE-BE")
        assert r.status_code == 201, r.content
        r = _create(api, country="US", city="New York", postal_code="10001")
        assert r.status_code == 201, r.content
    finally:
        catalog.invalidate()


def test_domains_are_account_fields(world, api_as, django_assert_max_num_queries):
    """The customer's e-mail domains: checked host names, each once, stored in one form and
    given back sorted in every account representation; replacing them is audited."""
    api = api_as(world.members["partner_agent"])
    r = _create(
        api,
        country="HK",
        domains=["Harbour.example", "xn--bcher-kva.example", "mail.harbour.example."],
    )
    assert r.status_code == 201, r.content
    acc_id = r.json()["id"]
    expected = ["bücher.example", "harbour.example", "mail.harbour.example"]
    assert r.json()["domains"] == expected
    assert api.get(f"/accounts/{acc_id}").json()["domains"] == expected
    for _ in range(20):
        factories_account = _create(api, country="HK", domains=["other.example"])
        assert factories_account.status_code == 201
    with django_assert_max_num_queries(8):
        listed = api.get("/accounts?limit=50").json()["items"]
    assert next(a for a in listed if a["id"] == acc_id)["domains"] == expected
    assert next(a for a in listed if a["id"] == world.a.customer.id)["domains"] == []
    created = AuditEvent.objects.get(target_id=acc_id, action="account.created")
    assert created.changes["domains"] == expected

    etag = api.get(f"/accounts/{acc_id}").headers["ETag"]
    r = api.patch(f"/accounts/{acc_id}", {"domains": ["harbour.example", "harbour.hk"]})
    assert r.status_code == 200, r.content
    assert r.json()["domains"] == ["harbour.example", "harbour.hk"] and r.json()["etag"] != etag
    event = AuditEvent.objects.get(target_id=acc_id, action="account.updated")
    assert event.changes["domains"] == {
        "before": expected,
        "after": ["harbour.example", "harbour.hk"],
    }
    # A PATCH without `domains` leaves them alone; an empty list removes them.
    api.patch(f"/accounts/{acc_id}", {"city": "Kowloon"})
    assert api.get(f"/accounts/{acc_id}").json()["domains"] == ["harbour.example", "harbour.hk"]
    assert api.patch(f"/accounts/{acc_id}", {"domains": []}).json()["domains"] == []


@pytest.mark.parametrize(
    "domains, field, words",
    [
        (["ok.example", "not a domain"], "domains.1", "not a valid domain"),
        (["localhost"], "domains.0", "not a valid domain"),
        (["192.168.1.10"], "domains.0", "not a valid domain"),
        (["anna@harbour.example"], "domains.0", "not an e-mail address"),
        (["harbour.example", "HARBOUR.example"], "domains.1", "listed twice"),
        (["-bad.example"], "domains.0", "not a valid domain"),
        ([f"d{i}.example" for i in range(101)], "domains", None),
    ],
)
def test_bad_domains_are_refused_by_position(world, api_as, domains, field, words):
    acc = world.a.customer
    api = api_as(world.members["account_admin"])
    r = api.patch(f"/accounts/{acc.id}", {"domains": domains, "city": "Potsdam"})
    assert r.status_code == 422, r.content
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert field in errors
    if words:
        assert words in errors[field]
    assert Organization.objects.get(id=acc.id).city == "Berlin"  # nothing written
    assert api.get(f"/accounts/{acc.id}").json()["domains"] == []


def test_members_cannot_change_domains(world, api_as):
    acc = world.a.customer
    r = api_as(world.members["member"]).patch(f"/accounts/{acc.id}", {"domains": ["x.example"]})
    assert r.status_code == 403
