"""Deactivate, reactivate, delete, restore and the 30-day purge."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from channeldesk.accounts import actions
from channeldesk.accounts.models import ProblemReport, SupportContact
from channeldesk.accounts.purge import pseudonym, purge_due
from channeldesk.audit.models import AuditEvent
from channeldesk.core import jobs
from channeldesk.identity.models import User
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Role
from tests import factories


def _status(account) -> str:
    return Organization.objects.get(id=account.id).status


def test_deactivate_stops_sign_in_and_tokens_at_once(world, api_as):
    acc = world.a.customer
    member_api = api_as(world.members["member"])
    assert member_api.get("/me").status_code == 200
    r = api_as(world.members["partner_admin"]).post(f"/accounts/{acc.id}/deactivate")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "deactivated"
    # The token that worked a moment ago stops.
    assert member_api.get("/me").status_code == 401
    # Signing in no longer works either.
    r = Client().post(
        "/api/v1/auth/login",
        {"email": world.members["member"].user.email, "password": factories.PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 401
    assert AuditEvent.objects.filter(organization=acc, action="account.deactivated").count() == 1
    # Twice is a conflict, not a second event.
    r = api_as(world.members["partner_admin"]).post(f"/accounts/{acc.id}/deactivate")
    assert r.status_code == 409


def test_reactivate_lets_users_back_in(world, api_as):
    acc = world.a.customer
    admin = api_as(world.members["partner_admin"])
    assert admin.post(f"/accounts/{acc.id}/reactivate").status_code == 409
    admin.post(f"/accounts/{acc.id}/deactivate")
    r = admin.post(f"/accounts/{acc.id}/reactivate")
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert api_as(world.members["member"]).get("/me").status_code == 200


def test_only_partner_admins_and_operator_admin_manage_the_lifecycle(world, api_as):
    acc = world.a.customer
    for key in ("partner_agent", "account_admin", "site_admin", "member", "operator_support"):
        api = api_as(world.members[key])
        for verb in ("deactivate", "reactivate", "restore"):
            assert api.post(f"/accounts/{acc.id}/{verb}").status_code == 403, (key, verb)
        assert api.delete(f"/accounts/{acc.id}").status_code == 403, key
    # A distributor reads, not manages, its resellers' customers.
    r = api_as(world.members["distributor_admin"]).post(f"/accounts/{acc.id}/deactivate")
    assert r.status_code == 403
    # Another tree's account does not exist for this partner.
    r = api_as(world.members["partner_admin"]).delete(f"/accounts/{world.b.customer.id}")
    assert r.status_code == 404
    assert _status(acc) == "active" and _status(world.b.customer) == "active"


def test_delete_and_restore_within_30_days(world, api_as):
    acc = world.a.customer
    api = api_as(world.members["partner_admin"])
    api.post(f"/accounts/{acc.id}/deactivate")
    r = api.delete(f"/accounts/{acc.id}")
    assert r.status_code == 200 and r.json()["status"] == "deleted"
    assert api_as(world.members["account_admin"]).get("/me").status_code == 401
    # A deleted account's panels cannot be changed.
    r = api.put(f"/accounts/{acc.id}/integrations/meetings", {"enabled": True})
    assert r.status_code == 409
    assert api.delete(f"/accounts/{acc.id}").status_code == 409
    r = api.post(f"/accounts/{acc.id}/restore")
    assert r.status_code == 200
    # It comes back as it was before the deletion: deactivated.
    assert r.json()["status"] == "deactivated"
    assert api.post(f"/accounts/{acc.id}/restore").status_code == 409


def test_restore_after_the_window_is_refused(world, api_as):
    acc = world.a.customer
    api = api_as(world.members["operator_admin"])
    api.delete(f"/accounts/{acc.id}")
    Organization.objects.filter(id=acc.id).update(deleted_at=timezone.now() - dt.timedelta(days=31))
    r = api.post(f"/accounts/{acc.id}/restore")
    assert r.status_code == 409
    assert "30-day" in r.json()["detail"]


def test_purge_erases_personal_data_and_pseudonymises_the_audit(world):
    acc = world.a.customer
    admin = world.members["account_admin"]
    admin_user = admin.user
    # A user who also belongs to another organization keeps their account there.
    shared = factories.user(acc, Role.MEMBER, email="shared@example.test", name="Shared Person")
    Membership.objects.create(user=shared.user, organization=world.b.customer, role=Role.MEMBER)
    actor = world.actor("account_admin")
    actions.add_support_contact(
        actor, acc, name="Carla Contact", email="carla@example.test", role="administrator"
    )
    actions.file_problem_report(actor, acc, subject="Phones down", description="All of them")
    actions.update_account(actor, acc, city="Potsdam", postal_code="14467")
    actions.delete_account(world.actor("partner_admin"), acc)

    # Within the window nothing is erased.
    assert purge_due() == 0
    Organization.objects.filter(id=acc.id).update(
        deleted_at=timezone.now() - dt.timedelta(days=30, minutes=1)
    )
    # What the worker runs: the periodic jobs, among them the one the accounts app registers.
    assert "accounts.purge_deleted" in jobs.run_due()

    acc.refresh_from_db()
    assert acc.purged_at is not None
    erased = User.objects.get(id=admin_user.id)
    assert erased.erased_at and erased.name == "" and "example.test" not in erased.email
    assert not erased.is_active and not erased.has_usable_password()
    kept = User.objects.get(id=shared.user.id)
    assert kept.email == "shared@example.test" and kept.name == "Shared Person"
    assert not Membership.objects.filter(organization=acc).exists()
    assert not SupportContact.objects.filter(account=acc).exists()
    assert not ProblemReport.objects.filter(account=acc).exists()
    # The trail remains, without the people in it.
    events = list(AuditEvent.objects.filter(organization=acc))
    assert {"account.support_contact_added", "account.updated", "account.purged"} <= {
        e.action for e in events
    }
    dump = " ".join(f"{e.actor_label} {e.changes}" for e in events)
    for personal in (admin_user.email, "carla@example.test", "Carla Contact"):
        assert personal not in dump
    assert pseudonym(admin_user.id) in dump
    # Purged accounts cannot be restored, and a second purge does nothing.
    assert purge_due() == 0


def test_purge_erases_the_onboarding_messages_and_ip_addresses(world, api_as):
    """An onboarded account leaves no people behind either: the completed onboarding's
    contacts, PBX user name and encrypted secret, the imported extensions, the messages with
    its partner and the IP addresses of its audit trail are erased."""
    from channeldesk.onboarding.models import Onboarding, SyncedExtension
    from channeldesk.relationships import actions as relationship_actions
    from channeldesk.relationships.models import Message
    from tests.onboarding.helpers import connection_body, customer_body, gateway_body, pbx_body

    api = api_as(world.members["partner_agent"])
    oid = api.post("/onboardings", {"platform": "cloud_gateway"}).json()["id"]
    for step, body in (
        ("customer", customer_body()),
        ("pbx", pbx_body()),
        ("connection", connection_body(username="pbx-operator-anna")),
        ("gateway", gateway_body()),
    ):
        assert api.put(f"/onboardings/{oid}/steps/{step}", body).status_code == 200
    r = api.post(f"/onboardings/{oid}/complete", REMOTE_ADDR="203.0.113.9")
    assert r.status_code == 200, r.content
    acc = Organization.objects.get(id=r.json()["account"]["id"])
    assert Onboarding.objects.get(id=oid).connection_secret
    partner = world.actor("partner_agent")
    conv = relationship_actions.open_conversation(partner, acc)
    relationship_actions.post_message(partner, conv, "Anna, call me on +49 30 1234567")
    assert AuditEvent.objects.filter(organization=acc).exclude(ip="").exists()
    SyncedExtension.objects.create(
        account=acc, user=world.members["member"].user, extension="201", system_id="SMBC-1"
    )

    actions.delete_account(world.actor("partner_admin"), acc)
    Organization.objects.filter(id=acc.id).update(deleted_at=timezone.now() - dt.timedelta(days=31))
    assert purge_due() == 1

    draft = Onboarding.objects.get(id=oid)
    assert draft.status == "completed" and draft.platform == "cloud_gateway"
    assert draft.connection_secret == "" and draft.connection_detail == ""
    stored = str(draft.data)
    for personal in ("anna@sonnenschein.example", "Anna Admin", "Bernd Betrieb", "pbx-operator"):
        assert personal not in stored
    assert draft.customer_name == "Bäckerei Sonnenschein GmbH"  # a company, not a person
    assert not SyncedExtension.objects.filter(account=acc).exists()
    assert list(Message.objects.filter(conversation=conv).values_list("text", flat=True)) == [""]
    trail = AuditEvent.objects.filter(organization=acc) | AuditEvent.objects.filter(
        target_type="onboarding.onboarding", target_id=oid
    )
    assert trail.exists() and not trail.exclude(ip="").exists()
    dump = " ".join(str(e.changes) for e in trail)
    for personal in ("anna@sonnenschein.example", "Carla Standort", "pbx-operator-anna"):
        assert personal not in dump
