"""The onboarding API end to end and every validation rule (api.md, Onboarding)."""

from __future__ import annotations

import pytest

from channeldesk.accounts.models import Account, SupportContact
from channeldesk.audit.models import AuditEvent
from channeldesk.onboarding.models import Onboarding, SyncedExtension
from channeldesk.tenancy.models import Membership
from tests.conftest import body_of
from tests.onboarding.helpers import (
    closed_port,
    connection_body,
    customer_body,
    gateway_body,
    pbx_body,
    sync_body,
    tcp_listener,
)

pytestmark = pytest.mark.django_db


def start(api, platform="cloud_gateway") -> dict:
    r = api.post("/onboardings", {"platform": platform})
    assert r.status_code == 201, r.content
    return r.json()


def fields(r) -> dict[str, str]:
    assert r.status_code == 422, r.content
    return {e["field"]: e["message"] for e in r.json()["errors"]}


def test_gateway_onboarding_end_to_end(world, api_as, smtp_server, deliver):
    api = api_as(world.members["partner_agent"])
    d = start(api)
    assert d["steps"] == ["customer", "pbx", "connection", "gateway", "review"]
    assert d["current_step"] == "customer" and d["status"] == "draft"
    oid = d["id"]
    assert api.put(f"/onboardings/{oid}/steps/customer", customer_body()).status_code == 200
    assert api.put(f"/onboardings/{oid}/steps/pbx", pbx_body()).status_code == 200
    with tcp_listener() as port:
        r = api.put(f"/onboardings/{oid}/steps/connection", connection_body(port))
        assert r.status_code == 200
        conn = r.json()["data"]["connection"]
        assert conn == {
            "host": "127.0.0.1",
            "port": port,
            "username": "admin",
            "password_set": True,
        }
        assert b"s3cret-pbx!" not in r.content
        t = api.post(f"/onboardings/{oid}/connection-test")
        assert t.status_code == 200, t.content
        assert t.json()["ok"] is True and "127.0.0.1" in t.json()["detail"]
        assert t.json()["tested_at"]
    r = api.put(f"/onboardings/{oid}/steps/gateway", gateway_body())
    assert r.json()["data"]["gateway"]["mac_address"] == "00:1A:2B:3C:4D:5E"
    assert r.json()["data"]["gateway"]["site_address"]["city"] == "Berlin"  # customer's default
    assert r.json()["current_step"] == "review"
    assert r.json()["connection_test"]["ok"] is True

    r = api.post(f"/onboardings/{oid}/complete")
    assert r.status_code == 200, r.content
    acc = r.json()["account"]
    assert acc["status"] == "active" and acc["pbx_type"] == "mivoice_business"
    assert acc["name"] == "Bäckerei Sonnenschein GmbH" and acc["cloud_region"] == "eu-central"
    assert acc["partner"]["id"] == world.a.reseller.id
    account = Account.objects.get(id=acc["id"])
    roles = sorted(SupportContact.objects.filter(account=account).values_list("role", flat=True))
    assert roles == ["administrator", "site_admin"]
    admin = Membership.objects.get(organization=account, user__email="anna@sonnenschein.example")
    assert admin.role == "site_admin"
    assert Onboarding.objects.get(id=oid).status == "completed"
    actions = set(AuditEvent.objects.filter(organization=account).values_list("action", flat=True))
    assert {
        "account.created",
        "account.support_contact_added",
        "account.updated",
        "user.invited",
        "onboarding.completed",
    } <= actions
    # the password never reaches the audit log
    assert not AuditEvent.objects.filter(changes__icontains="s3cret").exists()

    # the site-admin invitation arrives over SMTP, in the account's language (de)
    deliver()
    msgs = smtp_server.to("anna@sonnenschein.example")
    assert len(msgs) == 1
    text = body_of(msgs[0])
    assert "/auth/set-password?token=" in text
    assert msgs[0]["Subject"] == "Einladung zu Bäckerei Sonnenschein GmbH in Channeldesk"
    assert "Legen Sie Ihr Passwort über diesen Link fest" in text
    assert "Set your password" not in text
    # completing twice is a conflict
    assert api.post(f"/onboardings/{oid}/complete").status_code == 409


def test_sync_onboarding_imports_users(world, api_as, smtp_server, deliver):
    api = api_as(world.members["partner_admin"])
    d = start(api, "smb_sync")
    assert d["steps"] == ["customer", "sync", "review"]
    oid = d["id"]
    api.put(
        f"/onboardings/{oid}/steps/customer",
        customer_body(
            name="Bakkerij Zon B.V.",
            country="NL",
            postal_code="1012 AB",
            city="Amsterdam",
            default_language="nl",
        ),
    )
    r = api.put(f"/onboardings/{oid}/steps/sync", sync_body(pbx_type="virtual_appliance"))
    assert r.status_code == 200, r.content
    assert len(r.json()["data"]["sync"]["rows"]) == 2
    assert r.json()["data"]["sync"]["pbx_type"] == "virtual_appliance"
    assert r.json()["data"]["sync"]["needs_attention"] == []
    r = api.post(f"/onboardings/{oid}/complete")
    assert r.status_code == 200, r.content
    acc = r.json()["account"]
    assert acc["platform"] == "smb_sync" and acc["cloud_region"] == "eu-west"
    assert acc["pbx_type"] == "virtual_appliance"  # chosen in the Sync step
    exts = dict(
        SyncedExtension.objects.filter(account_id=acc["id"]).values_list("user__email", "extension")
    )
    assert exts == {"user.one@sync.example": "201", "user.two@sync.example": "202"}
    assert (
        Membership.objects.filter(
            organization_id=acc["id"], role="member", user__email__endswith="@sync.example"
        ).count()
        == 2
    )
    deliver()
    assert len(smtp_server.to("anna@sonnenschein.example")) == 1
    assert smtp_server.to("user.one@sync.example") == []  # imported, not mailed


def test_sync_never_attaches_existing_logins(world, api_as):
    """Rows whose address already has a login (operator staff, another customer's user, a
    partner) are shown as needing attention in the preview and skipped on completion: nobody
    of another tenant is attached to the new account silently."""
    api = api_as(world.members["partner_agent"])
    oid = start(api, "smb_sync")["id"]
    api.put(f"/onboardings/{oid}/steps/customer", customer_body())
    staff = world.members["operator_admin"].user
    other_customer = world.members["b_account_admin"].user
    csv = (
        "email,name,extension\n"
        f"{staff.email.upper()},Operator Staff,301\n"
        "new.person@sync.example,New Person,302\n"
        f"{other_customer.email},Somebody Else,303\n"
        "anna@sonnenschein.example,Anna Admin,304\n"  # an admin contact of this onboarding
    )
    r = api.put(f"/onboardings/{oid}/steps/sync", sync_body(csv=csv))
    assert r.status_code == 200, r.content
    attention = r.json()["data"]["sync"]["needs_attention"]
    assert [a["email"] for a in attention] == [staff.email, other_customer.email]
    assert "already has a login" in attention[0]["reason"]
    assert attention[0]["extension"] == "301"

    r = api.post(f"/onboardings/{oid}/complete")
    assert r.status_code == 200, r.content
    acc_id = r.json()["account"]["id"]
    members = dict(
        Membership.objects.filter(organization_id=acc_id).values_list("user__email", "role")
    )
    assert members == {
        "new.person@sync.example": "member",
        "anna@sonnenschein.example": "site_admin",  # invited admin contact, keeps the role
    }
    exts = dict(
        SyncedExtension.objects.filter(account_id=acc_id).values_list("user__email", "extension")
    )
    assert exts == {"new.person@sync.example": "302", "anna@sonnenschein.example": "304"}
    # the other tenants' users are untouched
    assert list(
        Membership.objects.filter(user=staff).values_list("organization_id", flat=True)
    ) == [world.operator.id]
    event = AuditEvent.objects.get(organization_id=acc_id, action="account.users_imported")
    assert event.changes["skipped_existing_logins"] == 2 and event.changes["users"] == 2


@pytest.mark.parametrize(
    "body, field",
    [
        (sync_body(pbx_type="mivoice_business"), "pbx_type"),  # another platform's type
        (sync_body(pbx_type=""), "pbx_type"),  # two types to choose from: no silent default
    ],
)
def test_sync_pbx_type_is_one_of_the_platforms(world, api_as, body, field):
    api = api_as(world.members["partner_agent"])
    oid = start(api, "smb_sync")["id"]
    assert field in fields(api.put(f"/onboardings/{oid}/steps/sync", body))


def test_customer_step_defines_the_domains(world, api_as):
    """Seed 001: the customer step defines the customer's domains; they are checked there and
    become the account's domains on completion (audited with the account)."""
    api = api_as(world.members["partner_agent"])
    oid = start(api, "smb_sync")["id"]
    bad = customer_body(domains=["sonnenschein.example", "sonnenschein .example", "x@y.example"])
    errors = fields(api.put(f"/onboardings/{oid}/steps/customer", bad))
    assert set(errors) >= {"domains.1", "domains.2"}
    dup = customer_body(domains=["sonnenschein.example", "Sonnenschein.EXAMPLE"])
    assert "listed twice" in fields(api.put(f"/onboardings/{oid}/steps/customer", dup))["domains.1"]
    good = customer_body(domains=["sonnenschein.example", "Bäckerei-Sonnenschein.example"])
    r = api.put(f"/onboardings/{oid}/steps/customer", good)
    assert r.status_code == 200, r.content
    assert r.json()["data"]["customer"]["domains"] == [
        "sonnenschein.example",
        "bäckerei-sonnenschein.example",
    ]
    api.put(f"/onboardings/{oid}/steps/sync", sync_body())
    r = api.post(f"/onboardings/{oid}/complete")
    assert r.status_code == 200, r.content
    assert r.json()["account"]["domains"] == [
        "bäckerei-sonnenschein.example",
        "sonnenschein.example",
    ]
    created = AuditEvent.objects.get(target_id=r.json()["account"]["id"], action="account.created")
    assert created.changes["domains"] == r.json()["account"]["domains"]


def test_step_not_on_platform_is_409(world, api_as):
    api = api_as(world.members["partner_agent"])
    sync = start(api, "smb_sync")["id"]
    gw = start(api)["id"]
    assert api.put(f"/onboardings/{sync}/steps/pbx", pbx_body()).status_code == 409
    assert api.put(f"/onboardings/{sync}/steps/connection", connection_body()).status_code == 409
    assert api.put(f"/onboardings/{gw}/steps/sync", sync_body()).status_code == 409
    assert api.put(f"/onboardings/{gw}/steps/review", {}).status_code == 404
    assert api.put(f"/onboardings/{gw}/steps/nonsense", {}).status_code == 404


def test_complete_with_missing_steps_lists_them(world, api_as):
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    api.put(f"/onboardings/{oid}/steps/customer", customer_body())
    r = api.post(f"/onboardings/{oid}/complete")
    assert r.status_code == 409
    detail = r.json()["detail"]
    assert "pbx" in detail and "connection" in detail and "gateway" in detail
    assert "customer" not in detail
    assert not Account.objects.filter(name="Bäckerei Sonnenschein GmbH").exists()


def test_create_validation(world, api_as):
    api = api_as(world.members["partner_agent"])
    assert "platform" in fields(api.post("/onboardings", {"platform": "nope"}))
    assert (
        api.post("/onboardings", {"platform": "cloud_gateway", "status": "completed"}).status_code
        == 422
    )


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"name": "  "}, "name"),
        ({"street": ""}, "street"),
        ({"city": ""}, "city"),
        ({"country": "XX"}, "country"),
        ({"postal_code": "1234"}, "postal_code"),
        ({"postal_code": ""}, "postal_code"),
        ({"country": "US", "postal_code": "10001", "subdivision": ""}, "subdivision"),
        ({"country": "DE", "subdivision": "US-NY"}, "subdivision"),
        ({"default_language": "xx"}, "default_language"),
        ({"business_type": "spaceflight"}, "business_type"),
        ({"cloud_region": "mars-1"}, "cloud_region"),
        ({"admin_contacts": [{"name": "", "email": "a@b.example"}]}, "admin_contacts.0.name"),
        ({"admin_contacts": [{"name": "A", "email": "not-an-email"}]}, "admin_contacts.0.email"),
        (
            {
                "admin_contacts": [
                    {"name": "A", "email": "a@b.example"},
                    {"name": "B", "email": "A@b.example"},
                ]
            },
            "admin_contacts.1.email",
        ),
        (
            {
                "support_contacts": [
                    {"name": "X", "email": "x@y.example", "role": "boss"},
                    {"name": "Y", "email": "y@y.example", "role": "site_admin"},
                ]
            },
            "support_contacts.0.role",
        ),
        (
            {
                "support_contacts": [
                    {"name": "", "email": "x@y.example", "role": "administrator"},
                    {"name": "Y", "email": "y@y.example", "role": "site_admin"},
                ]
            },
            "support_contacts.0.name",
        ),
        (
            {
                "support_contacts": [
                    {"name": "X", "email": "x", "role": "administrator"},
                    {"name": "Y", "email": "y@y.example", "role": "site_admin"},
                ]
            },
            "support_contacts.0.email",
        ),
        ({"admin_contacts": "nobody"}, "admin_contacts"),
        ({"status": "active"}, "status"),
    ],
)
def test_customer_step_validation(world, api_as, override, field):
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    r = api.put(f"/onboardings/{oid}/steps/customer", customer_body(**override))
    errs = fields(r)
    assert any(f == field or f.startswith(field + ".") for f in errs), errs
    assert Onboarding.objects.get(id=oid).completed_steps == []


def test_support_contact_roles_error_names_what_is_missing(world, api_as):
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    other = {"name": "O", "email": "o@x.example", "role": "other"}
    admin = {"name": "A", "email": "a@x.example", "role": "administrator"}
    site = {"name": "S", "email": "s@x.example", "role": "site_admin"}
    msgs = lambda contacts: [  # noqa: E731
        e["message"]
        for e in api.put(
            f"/onboardings/{oid}/steps/customer", customer_body(support_contacts=contacts)
        ).json()["errors"]
        if e["field"] == "support_contacts"
    ]
    only_other = msgs([other])
    assert len(only_other) == 2
    assert any("Administrator" in m for m in only_other)
    assert any("Site admin" in m for m in only_other)
    assert msgs([admin]) == ["Add at least one support contact with the role Site admin."]
    assert msgs([site]) == ["Add at least one support contact with the role Administrator."]
    assert msgs([]) and len(msgs([])) == 2
    r = api.put(
        f"/onboardings/{oid}/steps/customer", customer_body(support_contacts=[admin, site, other])
    )
    assert r.status_code == 200


def test_cloud_location_defaults_from_country(world, api_as):
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    r = api.put(
        f"/onboardings/{oid}/steps/customer",
        customer_body(country="GB", postal_code="SW1A 1AA", city="London"),
    )
    assert r.json()["data"]["customer"]["cloud_region"] == "uk"
    r = api.put(f"/onboardings/{oid}/steps/customer", customer_body(cloud_region="us-east"))
    assert r.json()["data"]["customer"]["cloud_region"] == "us-east"


def test_duplicate_name_warns_but_does_not_block(world, api_as):
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    # "Customer A" exists under reseller A; "Customer B" is in the other tree (not in reach).
    r = api.put(f"/onboardings/{oid}/steps/customer", customer_body(name="Customer A GmbH"))
    assert r.status_code == 200
    assert r.json()["warnings"][0]["matches"] == ["Customer A"]
    r = api.put(f"/onboardings/{oid}/steps/customer", customer_body(name="Customer B"))
    assert r.json()["warnings"] == []  # another tenant's customer is never revealed
    assert "customer" in r.json()["completed_steps"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"pbx_type": "smbc"}, "pbx_type"),  # a type of another platform
        ({"pbx_type": ""}, "pbx_type"),
        ({"name": ""}, "name"),
        ({"software_version": ""}, "software_version"),
        ({"software_version": "<script>"}, "software_version"),
    ],
)
def test_pbx_step_validation(world, api_as, body, field):
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    assert field in fields(api.put(f"/onboardings/{oid}/steps/pbx", pbx_body(**body)))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"host": ""}, "host"),
        ({"host": "bad host!"}, "host"),
        ({"port": 0}, "port"),
        ({"port": 70000}, "port"),
        ({"port": None}, "port"),
        ({"port": "http"}, "port"),
        ({"username": ""}, "username"),
        ({"password": ""}, "password"),
    ],
)
def test_connection_step_validation(world, api_as, body, field):
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    assert field in fields(api.put(f"/onboardings/{oid}/steps/connection", connection_body(**body)))


def test_connection_password_encrypted_and_kept(world, api_as):
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    assert api.put(f"/onboardings/{oid}/steps/connection", connection_body()).status_code == 200
    row = Onboarding.objects.get(id=oid)
    assert "s3cret-pbx!" not in row.connection_secret and row.connection_secret
    assert "s3cret" not in str(row.data)
    from channeldesk.core import crypto

    assert crypto.decrypt(row.connection_secret) == "s3cret-pbx!"
    # an empty password keeps the stored one
    r = api.put(f"/onboardings/{oid}/steps/connection", connection_body(password="", port=5060))
    assert r.status_code == 200 and r.json()["data"]["connection"]["password_set"] is True
    assert crypto.decrypt(Onboarding.objects.get(id=oid).connection_secret) == "s3cret-pbx!"
    ev = AuditEvent.objects.filter(action="onboarding.step_saved", target_id=oid).first()
    assert ev.changes["password"] == "***"


def test_connection_test_failure_on_closed_port(world, api_as):
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    assert api.post(f"/onboardings/{oid}/connection-test").status_code == 409  # nothing entered
    api.put(f"/onboardings/{oid}/steps/connection", connection_body(closed_port()))
    r = api.post(f"/onboardings/{oid}/connection-test")
    assert r.status_code == 200
    assert r.json()["ok"] is False and "refused" in r.json()["detail"]
    stored = api.get(f"/onboardings/{oid}").json()["connection_test"]
    assert stored["ok"] is False and stored["tested_at"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"serial_number": "x"}, "serial_number"),
        ({"serial_number": "GW 0001 !"}, "serial_number"),
        ({"mac_address": "00:1A:2B:3C:4D"}, "mac_address"),
        ({"mac_address": "00:1A:2B:3C:4D:ZZ"}, "mac_address"),
        ({"mac_address": "FF:FF:FF:FF:FF:FF"}, "mac_address"),
        ({"mac_address": "01:00:5E:00:00:01"}, "mac_address"),  # multicast
        (
            {"site_address": {"street": "X 1", "city": "Y", "country": "DE", "postal_code": "1"}},
            "site_address.postal_code",
        ),
        (
            {"site_address": {"street": "", "city": "Y", "country": "DE", "postal_code": "10115"}},
            "site_address.street",
        ),
    ],
)
def test_gateway_step_validation(world, api_as, body, field):
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    assert field in fields(api.put(f"/onboardings/{oid}/steps/gateway", gateway_body(**body)))


def test_gateway_mac_formats_and_site_address(world, api_as):
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    for mac in ("001a2b3c4d5e", "00:1a:2b:3c:4d:5e", "001A.2B3C.4D5E"):
        r = api.put(f"/onboardings/{oid}/steps/gateway", gateway_body(mac_address=mac))
        assert r.json()["data"]["gateway"]["mac_address"] == "00:1A:2B:3C:4D:5E"
    site = {"street": "Werkstraße 1", "city": "München", "country": "DE", "postal_code": "80331"}
    r = api.put(f"/onboardings/{oid}/steps/gateway", gateway_body(site_address=site))
    assert r.json()["data"]["gateway"]["site_address"]["city"] == "München"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"system_id": ""}, "system_id"),
        ({"system_id": "bad id!"}, "system_id"),
        ({"csv": ""}, "csv"),
        ({"csv": "email,name,extension\n"}, "csv"),
        ({"csv": "email,name,extension\nnot-mail,A,201\n"}, "csv.2.email"),
        ({"csv": "email,name,extension\na@x.example,,201\n"}, "csv.2.name"),
        ({"csv": "email,name,extension\na@x.example,A,1\n"}, "csv.2.extension"),
        (
            {"csv": "email,name,extension\na@x.example,A,201\nb@x.example,B,201\n"},
            "csv.3.extension",
        ),
        ({"csv": "email,name,extension\na@x.example,A,201\nA@x.example,B,202\n"}, "csv.3.email"),
        ({"csv": "email,name,extension\na@x.example,A\n"}, "csv.2.row"),
    ],
)
def test_sync_step_validation(world, api_as, body, field):
    api = api_as(world.members["partner_agent"])
    oid = start(api, "smb_sync")["id"]
    errs = fields(api.put(f"/onboardings/{oid}/steps/sync", sync_body(**body)))
    assert field in errs, errs
    if field.startswith("csv."):
        assert errs[field].startswith("Row ")


def test_sync_csv_without_header_and_with_semicolons(world, api_as):
    api = api_as(world.members["partner_agent"])
    oid = start(api, "smb_sync")["id"]
    r = api.put(
        f"/onboardings/{oid}/steps/sync",
        sync_body(csv="a@x.example;Anna;201\nb@x.example;Bert;202\n"),
    )
    assert r.status_code == 200, r.content
    assert [row["extension"] for row in r.json()["data"]["sync"]["rows"]] == ["201", "202"]


def test_list_delete_and_reach(world, api_as):
    agent = api_as(world.members["partner_agent"])
    oid = start(agent)["id"]
    other = api_as(world.members["b_partner_admin"])
    assert other.get(f"/onboardings/{oid}").status_code == 404
    assert other.delete(f"/onboardings/{oid}").status_code == 404
    assert other.get("/onboardings").json()["items"] == []
    # the distributor above reads but does not manage its reseller's drafts
    dist = api_as(world.members["distributor_admin"])
    assert dist.get(f"/onboardings/{oid}").status_code == 200
    assert dist.delete(f"/onboardings/{oid}").status_code == 403
    assert api_as(world.members["account_admin"]).get(f"/onboardings/{oid}").status_code == 404
    assert [d["id"] for d in agent.get("/onboardings").json()["items"]] == [oid]
    assert agent.delete(f"/onboardings/{oid}").status_code == 204
    assert agent.get(f"/onboardings/{oid}").status_code == 404
    assert AuditEvent.objects.filter(action="onboarding.deleted", target_id=oid).exists()


def test_list_query_budget(world, api_as, django_assert_max_num_queries):
    api = api_as(world.members["partner_agent"])
    for _ in range(5):
        start(api)
    with django_assert_max_num_queries(8):
        r = api.get("/onboardings?limit=3")
    assert len(r.json()["items"]) == 3 and r.json()["next_cursor"]
    r2 = api.get(f"/onboardings?limit=3&cursor={r.json()['next_cursor']}")
    assert len(r2.json()["items"]) == 2


def test_draft_resumes_with_a_new_token_and_cold_caches(world, api_as):
    """A draft lives in the database only: another token of the same partner, with the
    process caches dropped, resumes it where it was left (tests/onboarding/test_restart.py
    does the same across a real server restart)."""
    from channeldesk.catalog import catalog

    first = api_as(world.members["partner_agent"])
    oid = start(first)["id"]
    first.put(f"/onboardings/{oid}/steps/customer", customer_body())
    del first
    catalog.invalidate()
    again = api_as(world.members["partner_agent"])
    d = again.get(f"/onboardings/{oid}").json()
    assert (
        d["current_step"] == "pbx" and d["data"]["customer"]["name"] == "Bäckerei Sonnenschein GmbH"
    )
    assert again.put(f"/onboardings/{oid}/steps/pbx", pbx_body()).status_code == 200


def test_draft_on_a_platform_no_longer_offered_is_a_conflict(world, api_as):
    """Loading a catalog without a platform in use is refused; should a draft still point at
    a missing platform, saving and completing it are a clear 409, never a 500."""
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    api.put(f"/onboardings/{oid}/steps/customer", customer_body())
    Onboarding.objects.filter(id=oid).update(platform="retired_platform")
    r = api.post(f"/onboardings/{oid}/complete")
    assert r.status_code == 409, r.content
    assert "retired_platform" in r.json()["detail"] and "no longer offered" in r.json()["detail"]
    assert api.put(f"/onboardings/{oid}/steps/customer", customer_body()).status_code == 409
    assert api.post(f"/onboardings/{oid}/connection-test").status_code == 409
    assert api.get(f"/onboardings/{oid}").status_code == 200
    assert api.delete(f"/onboardings/{oid}").status_code == 204
    assert not Account.objects.filter(name="Bäckerei Sonnenschein GmbH").exists()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "169.254.169.254", "0.0.0.0", "[::1]"])
def test_connection_test_refuses_the_platforms_own_addresses(world, api_as, settings, host):
    """The connection test is no port scanner of the platform itself or the cloud metadata
    service (SSRF, API7): loopback, link-local and unspecified addresses are refused without
    opening a connection (lab setups allow loopback by setting)."""
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False
    api = api_as(world.members["partner_agent"])
    oid = start(api)["id"]
    with tcp_listener() as port:
        body = connection_body(port)
        body["host"] = host
        assert api.put(f"/onboardings/{oid}/steps/connection", body).status_code == 200
        r = api.post(f"/onboardings/{oid}/connection-test")
    assert r.status_code == 200
    assert r.json()["ok"] is False and "not allowed" in r.json()["detail"]
