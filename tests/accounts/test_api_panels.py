"""The account panels through the API: support contacts, integrations, call services."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections

from channeldesk.accounts import actions
from channeldesk.accounts.models import AccountIntegration, SupportContact
from channeldesk.audit.models import AuditEvent
from tests import factories


def _contacts(api, account):
    r = api.get(f"/accounts/{account.id}/support-contacts")
    assert r.status_code == 200
    return r.json()["items"]


# ---- support contacts ----------------------------------------------------------------------


def test_support_contacts_add_list_edit_remove(world, api_as):
    api = api_as(world.members["partner_agent"])
    acc = world.a.customer
    r = api.post(
        f"/accounts/{acc.id}/support-contacts",
        {"name": "Anna Admin", "email": "Anna@Example.test", "role": "administrator"},
    )
    assert r.status_code == 201, r.content
    first = r.json()
    assert first["email"] == "anna@example.test" and first["role"] == "administrator"
    r = api.post(
        f"/accounts/{acc.id}/support-contacts",
        {"name": "Sam Site", "email": "sam@example.test", "role": "site_admin", "language": "nl"},
    )
    assert r.status_code == 201
    second = r.json()
    assert [c["name"] for c in _contacts(api, acc)] == ["Anna Admin", "Sam Site"]

    r = api.patch(
        f"/accounts/{acc.id}/support-contacts/{second['id']}",
        {"role": "other", "name": "Sam S."},
        HTTP_IF_MATCH=second["etag"],
    )
    assert r.status_code == 200, r.content
    assert r.json()["role"] == "other" and r.json()["name"] == "Sam S."
    # A stale ETag is refused.
    r = api.patch(
        f"/accounts/{acc.id}/support-contacts/{second['id']}",
        {"name": "Lost"},
        HTTP_IF_MATCH=second["etag"],
    )
    assert r.status_code == 412
    r = api.delete(f"/accounts/{acc.id}/support-contacts/{second['id']}")
    assert r.status_code == 204
    assert [c["name"] for c in _contacts(api, acc)] == ["Anna Admin"]
    actions_logged = set(
        AuditEvent.objects.filter(organization=acc).values_list("action", flat=True)
    )
    assert {
        "account.support_contact_added",
        "account.support_contact_changed",
        "account.support_contact_removed",
    } <= actions_logged


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "", "email": "a@example.test", "role": "other"}, "name"),
        ({"name": "A", "email": "not-an-email", "role": "other"}, "email"),
        ({"name": "A", "email": "a@example.test", "role": "boss"}, "role"),
        ({"name": "A", "email": "a@example.test", "role": "other", "language": "xx"}, "language"),
        ({"name": "A", "email": "a@example.test", "role": "other", "id": "x"}, "id"),
    ],
)
def test_support_contact_validation_names_the_field(world, api_as, body, field):
    api = api_as(world.members["account_admin"])
    r = api.post(f"/accounts/{world.a.customer.id}/support-contacts", body)
    assert r.status_code == 422
    assert field in [e["field"] for e in r.json()["errors"]]
    assert not SupportContact.objects.filter(account=world.a.customer).exists()


def test_last_administrator_cannot_be_removed_or_demoted(world, api_as):
    api = api_as(world.members["account_admin"])
    acc = world.a.customer
    admin = api.post(
        f"/accounts/{acc.id}/support-contacts",
        {"name": "Only Admin", "email": "only@example.test", "role": "administrator"},
    ).json()
    r = api.delete(f"/accounts/{acc.id}/support-contacts/{admin['id']}")
    assert r.status_code == 409
    assert "last Administrator" in r.json()["detail"]
    r = api.patch(f"/accounts/{acc.id}/support-contacts/{admin['id']}", {"role": "other"})
    assert r.status_code == 409
    assert SupportContact.objects.get(id=admin["id"]).role == "administrator"
    # With a second administrator the first may go.
    api.post(
        f"/accounts/{acc.id}/support-contacts",
        {"name": "Second", "email": "second@example.test", "role": "administrator"},
    )
    assert api.delete(f"/accounts/{acc.id}/support-contacts/{admin['id']}").status_code == 204


@pytest.mark.django_db(transaction=True)
def test_two_administrators_removed_concurrently_one_remains():
    world = factories.world()
    acc = world.a.customer
    actor = world.actor("account_admin")
    a = actions.add_support_contact(
        actor, acc, name="A", email="a@example.test", role="administrator"
    )
    b = actions.add_support_contact(
        actor, acc, name="B", email="b@example.test", role="administrator"
    )
    barrier = threading.Barrier(2)
    results: list[str] = []

    def remove(contact):
        try:
            barrier.wait()
            actions.remove_support_contact(actor, contact)
            results.append("ok")
        except Exception as exc:  # the loser gets a Conflict (or a busy database)
            results.append(type(exc).__name__)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=remove, args=(c,)) for c in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert SupportContact.objects.filter(account=acc, role="administrator").count() >= 1
    assert results.count("ok") <= 1


def test_support_contacts_of_another_tenant_are_not_found(world, api_as):
    other = world.b.customer
    contact = actions.add_support_contact(
        world.actor("operator_admin"), other, name="B", email="b@example.test", role="other"
    )
    api = api_as(world.members["account_admin"])
    assert api.get(f"/accounts/{other.id}/support-contacts").status_code == 404
    # Own account id with a foreign contact id: still 404.
    r = api.delete(f"/accounts/{world.a.customer.id}/support-contacts/{contact.id}")
    assert r.status_code == 404
    assert SupportContact.objects.filter(id=contact.id).exists()


def test_member_sees_but_cannot_change_support_contacts(world, api_as):
    api = api_as(world.members["member"])
    acc = world.a.customer
    assert api.get(f"/accounts/{acc.id}/support-contacts").status_code == 200
    r = api.post(
        f"/accounts/{acc.id}/support-contacts",
        {"name": "X", "email": "x@example.test", "role": "other"},
    )
    assert r.status_code == 403


def test_support_contact_list_query_budget(world, api_as, django_assert_max_num_queries):
    acc = world.a.customer
    for i in range(30):
        SupportContact.objects.create(
            account=acc, name=f"C{i}", email=f"c{i}@example.test", role="other"
        )
    api = api_as(world.members["account_admin"])
    with django_assert_max_num_queries(8):
        r = api.get(f"/accounts/{acc.id}/support-contacts?limit=20")
    assert len(r.json()["items"]) == 20 and r.json()["next_cursor"]
    r2 = api.get(f"/accounts/{acc.id}/support-contacts?limit=20&cursor={r.json()['next_cursor']}")
    assert len(r2.json()["items"]) == 10


# ---- integrations --------------------------------------------------------------------------


def _integration(api, account, key):
    items = api.get(f"/accounts/{account.id}/integrations").json()["items"]
    return next(i for i in items if i["key"] == key)


def test_integrations_list_every_catalog_entry(world, api_as):
    api = api_as(world.members["member"])
    r = api.get(f"/accounts/{world.a.customer.id}/integrations")
    assert r.status_code == 200
    items = r.json()["items"]
    keys = {i["key"] for i in items}
    assert {"gateway", "softphone", "single_sign_on", "directory_sync", "team_chat"} <= keys
    meetings = next(i for i in items if i["key"] == "meetings")
    assert meetings == {
        **meetings,
        "kind": "vendor",
        "enabled": False,
        "privileges": {"allow_guest_access": False},
    }


def test_enabling_turns_privileges_on_which_toggle_and_disabling_turns_them_off(world, api_as):
    api = api_as(world.members["account_admin"])
    acc = world.a.customer
    r = api.put(f"/accounts/{acc.id}/integrations/meetings", {"enabled": True})
    assert r.status_code == 200, r.content
    assert r.json()["enabled"] is True
    assert r.json()["privileges"] == {"allow_guest_access": True}
    r = api.put(
        f"/accounts/{acc.id}/integrations/meetings",
        {"enabled": True, "privileges": {"allow_guest_access": False}},
    )
    assert r.json()["privileges"] == {"allow_guest_access": False}
    r = api.put(
        f"/accounts/{acc.id}/integrations/meetings",
        {"enabled": True, "privileges": {"allow_guest_access": True}},
    )
    assert r.json()["privileges"] == {"allow_guest_access": True}
    r = api.put(f"/accounts/{acc.id}/integrations/meetings", {"enabled": False})
    assert r.json() == {**r.json(), "enabled": False, "privileges": {"allow_guest_access": False}}
    assert AccountIntegration.objects.get(account=acc, key="meetings").privileges == {
        "allow_guest_access": False
    }
    assert (
        AuditEvent.objects.filter(organization=acc, action="account.privileges_changed").count()
        == 2
    )


def test_missing_dependency_is_a_conflict_naming_it(world, api_as):
    api = api_as(world.members["partner_agent"])
    acc = world.a.customer
    r = api.put(f"/accounts/{acc.id}/integrations/directory_sync", {"enabled": True})
    assert r.status_code == 409
    assert "Single sign-on" in r.json()["detail"]
    assert (
        api.put(f"/accounts/{acc.id}/integrations/single_sign_on", {"enabled": True}).status_code
        == 200
    )
    assert (
        api.put(f"/accounts/{acc.id}/integrations/directory_sync", {"enabled": True}).status_code
        == 200
    )
    # The dependency cannot be turned off while something depends on it.
    r = api.put(f"/accounts/{acc.id}/integrations/single_sign_on", {"enabled": False})
    assert r.status_code == 409
    assert "Directory sync" in r.json()["detail"]


def test_gateway_onboarding_requirement_is_a_conflict(world, api_as):
    api = api_as(world.members["partner_admin"])
    acc = world.a.customer
    r = api.put(f"/accounts/{acc.id}/integrations/gateway", {"enabled": True})
    assert r.status_code == 409
    assert "gateway onboarding" in r.json()["detail"]
    acc.pbx_type = "mivoice_business"
    acc.save()
    r = api.put(f"/accounts/{acc.id}/integrations/gateway", {"enabled": True})
    assert r.status_code == 200
    assert _integration(api, acc, "gateway")["enabled"] is True


def test_integration_input_errors(world, api_as):
    api = api_as(world.members["account_admin"])
    acc = world.a.customer
    assert api.put(f"/accounts/{acc.id}/integrations/nope", {"enabled": True}).status_code == 404
    r = api.put(
        f"/accounts/{acc.id}/integrations/meetings",
        {"enabled": True, "privileges": {"call_recording": True}},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "privileges.call_recording"
    r = api.put(
        f"/accounts/{acc.id}/integrations/meetings",
        {"enabled": False, "privileges": {"allow_guest_access": True}},
    )
    assert r.status_code == 422
    r = api.put(f"/accounts/{acc.id}/integrations/meetings", {"enabled": "maybe"})
    assert r.status_code == 422
    r = api.put(f"/accounts/{acc.id}/integrations/meetings", {"enabled": True, "extra": 1})
    assert r.status_code == 422
    assert not AccountIntegration.objects.filter(account=acc).exists()


def test_site_admin_and_distributor_cannot_toggle(world, api_as):
    acc = world.a.customer
    for key in ("site_admin", "member", "operator_support", "distributor_admin"):
        r = api_as(world.members[key]).put(
            f"/accounts/{acc.id}/integrations/meetings", {"enabled": True}
        )
        assert r.status_code == 403, key
    r = api_as(world.members["partner_admin"]).put(
        f"/accounts/{world.b.customer.id}/integrations/meetings", {"enabled": True}
    )
    assert r.status_code == 404


# ---- call services -------------------------------------------------------------------------


def test_bandwidth_optimisation_toggle(world, api_as):
    api = api_as(world.members["account_admin"])
    acc = world.a.customer
    r = api.get(f"/accounts/{acc.id}/call-services")
    assert r.json() == {"bandwidth_optimization": False}
    etag = r["ETag"]
    r = api.patch(
        f"/accounts/{acc.id}/call-services", {"bandwidth_optimization": True}, HTTP_IF_MATCH=etag
    )
    assert r.status_code == 200 and r.json() == {"bandwidth_optimization": True}
    r = api.patch(
        f"/accounts/{acc.id}/call-services", {"bandwidth_optimization": False}, HTTP_IF_MATCH=etag
    )
    assert r.status_code == 412
    assert api.patch(f"/accounts/{acc.id}/call-services", {"bandwidth": True}).status_code == 422
    assert api.patch(f"/accounts/{acc.id}/call-services", {}).status_code == 422
    assert (
        api_as(world.members["member"])
        .patch(f"/accounts/{acc.id}/call-services", {"bandwidth_optimization": False})
        .status_code
        == 403
    )
    acc.refresh_from_db()
    assert acc.bandwidth_optimization is True
    assert (
        AuditEvent.objects.filter(organization=acc, action="account.call_services_changed").count()
        == 1
    )
