"""Audit trail: one event per change in the change's transaction, failures and denials logged,
secrets masked, append-only, readable within reach."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from channeldesk.audit.events import record
from channeldesk.audit.models import AuditEvent
from channeldesk.core.errors import ValidationFailed
from channeldesk.tenancy import actions as tenancy_actions
from tests import factories


def test_one_event_per_change_with_before_and_after(world, api_as):
    api = api_as(world.members["partner_admin"])
    before = AuditEvent.objects.count()
    r = api.patch(
        f"/partners/{world.a.reseller.id}",
        {"city": "Delft", "phone": "+31 15 000"},
        HTTP_X_REQUEST_ID="req-123",
        REMOTE_ADDR="192.0.2.44",
    )
    assert r.status_code == 200
    assert AuditEvent.objects.count() == before + 1
    e = AuditEvent.objects.latest("id")
    assert e.action == "partner.updated"
    assert e.organization_id == world.a.reseller.id
    assert e.actor_user_id == world.members["partner_admin"].user.id
    assert e.target_id == world.a.reseller.id
    assert e.changes["city"] == {"before": world.a.reseller.city, "after": "Delft"}
    assert set(e.changes) == {"city", "phone"}
    assert (e.ip, e.request_id, e.outcome) == ("192.0.2.44", "req-123", "ok")


def test_event_is_rolled_back_with_its_change(world):
    actor = world.actor("partner_admin")
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        tenancy_actions.update_partner(actor, world.a.reseller, city="Leiden")
        raise RuntimeError("the surrounding work fails")
    assert AuditEvent.objects.count() == before
    with pytest.raises(ValidationFailed):
        tenancy_actions.update_partner(actor, world.a.reseller, name="  ")
    assert AuditEvent.objects.count() == before


def test_failed_logins_are_logged_without_the_password(world):
    Client().post(
        "/api/v1/auth/login",
        {"email": world.members["member"].user.email, "password": "my-secret-guess"},
        content_type="application/json",
    )
    e = AuditEvent.objects.get(action="auth.login_failed")
    assert e.outcome == "failed"
    assert "my-secret-guess" not in str(e.changes)


def test_denied_requests_are_logged_once(world, api_as, web_as):
    api = api_as(world.members["partner_agent"])
    assert api.get(f"/partners/{world.b.reseller.id}").status_code == 404
    # product.md §2: API tokens are the partner admin's, not the agent's.
    assert api.post("/tokens", {"name": "x"}).status_code == 403
    assert api.patch(f"/partners/{world.a.reseller.id}", {"city": "X"}).status_code == 403
    denied = AuditEvent.objects.filter(action="request.denied", outcome="denied").order_by("id")
    statuses = [(e.changes["method"], e.changes["status"]) for e in denied]
    # Each refusal exactly once, in order.
    assert statuses == [("GET", 404), ("POST", 403), ("PATCH", 403)]
    assert all(e.actor_user_id == world.members["partner_agent"].user.id for e in denied)
    n = denied.count()
    page = web_as(world.members["member"]).get("/notifications/outbox/")
    assert page.status_code == 403
    assert AuditEvent.objects.filter(action="request.denied").count() == n + 1
    # Anonymous misses are not logged (nobody to name).
    Client().get("/api/v1/partners/nothing")
    assert AuditEvent.objects.filter(action="request.denied").count() == n + 1


def test_secrets_are_masked(world):
    with transaction.atomic():
        e = record(
            world.actor("operator_admin"),
            "account.updated",
            organization=world.a.customer,
            changes={
                "password": "hunter2hunter2",
                "connection": {"host": "pbx", "api_token": "tok", "Secret_Key": "k"},
                "credentials": ["a", "b"],
                "name": {"before": "A", "after": "B"},
            },
        )
    e.refresh_from_db()
    assert e.changes["password"] == "***"
    assert e.changes["connection"] == {"host": "pbx", "api_token": "***", "Secret_Key": "***"}
    assert e.changes["credentials"] == "***"
    assert e.changes["name"] == {"before": "A", "after": "B"}


def test_audit_events_are_append_only(world):
    with transaction.atomic():
        e = record(world.actor("operator_admin"), "partner.updated", organization=world.a.reseller)
    e.action = "partner.rewritten"
    with pytest.raises(ValueError):
        e.save()
    with pytest.raises(ValueError):
        e.delete()
    assert AuditEvent.objects.get(id=e.id).action == "partner.updated"


def test_audit_api_stays_within_reach(world, api_as):
    with transaction.atomic():
        record(world.actor("operator_admin"), "account.updated", organization=world.a.customer)
        record(world.actor("operator_admin"), "account.updated", organization=world.b.customer)
    seen = {
        e["organization_id"]
        for e in api_as(world.members["partner_admin"])
        .get("/audit-events?limit=200")
        .json()["items"]
    }
    assert world.a.customer.id in seen and world.b.customer.id not in seen
    r = api_as(world.members["partner_admin"]).get(
        f"/audit-events?account_id={world.b.customer.id}"
    )
    assert r.status_code == 404
    own = api_as(world.members["account_admin"]).get(
        f"/accounts/{world.a.customer.id}/audit-events"
    )
    assert own.status_code == 200
    assert {e["organization_id"] for e in own.json()["items"]} == {world.a.customer.id}


def test_audit_csv_export_stays_within_reach(world, web_as):
    with transaction.atomic():
        record(world.actor("operator_admin"), "account.updated", organization=world.a.customer)
        record(world.actor("operator_admin"), "account.updated", organization=world.b.customer)
    r = web_as(world.members["partner_admin"]).get("/audit/?format=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = r.content.decode()
    assert world.a.customer.id in text and world.b.customer.id not in text


def test_audit_csv_export_is_rate_limited_per_user(world, web_as):
    """quality.md 16: exports are expensive (up to 10,000 rows each) and rate limited."""
    web = web_as(world.members["partner_admin"])
    codes = [web.get("/audit/?format=csv").status_code for _ in range(31)]
    assert codes[:30] == [200] * 30
    assert codes[30] == 429
    # The page itself (50 rows) is not an export and stays usable.
    assert web.get("/audit/").status_code == 200


def test_billing_events_are_not_shown_without_billing_visibility(world, api_as, web_as):
    """product.md §2: partner_agent has no billing; invoices and payment dates stay with the
    roles that see billing — also in the audit log (API, page and CSV)."""
    from channeldesk.contracts import actions as contract_actions
    from tests.contracts import factories as cf

    system = world.actor("operator_admin")
    with transaction.atomic():
        record(
            system,
            "invoice.issued",
            organization=world.a.reseller,
            changes={"number": "INV-1", "total": "4711.00", "currency": "EUR"},
        )
        record(
            system,
            "subscription.renewed",
            organization=world.a.reseller,
            changes={"next_payment_date": {"before": "2026-01-01", "after": "2099-12-31"}},
        )
    pkg = cf.base_package(world.a.customer)
    contract_actions.place_order(
        world.actor("partner_admin"),
        world.a.customer,
        [{"item": "flatrate_mobile", "base_package_id": pkg.id}],
    )
    agent = world.members["partner_agent"]
    api = api_as(agent).get("/audit-events?limit=200")
    assert api.status_code == 200
    actions = {e["action"] for e in api.json()["items"]}
    assert "order.confirmed" in actions  # the agent sees that an order was placed...
    for body in (
        api.content.decode(),
        web_as(agent).get("/audit/").content.decode(),
        web_as(agent).get("/audit/?format=csv").content.decode(),
    ):
        assert "4711.00" not in body and "2099-12-31" not in body
        assert "12.90" not in body  # ...not what it costs
    admin = api_as(world.members["partner_admin"]).get("/audit-events?limit=200").content
    assert b"4711.00" in admin and b"2099-12-31" in admin


def test_audit_list_is_rate_limited_per_user_not_across_users(world, api_as):
    from channeldesk.audit.api import LIST_PER_USER_PER_MINUTE

    api = api_as(world.members["partner_admin"])
    for _ in range(LIST_PER_USER_PER_MINUTE):
        assert api.get("/audit-events?limit=1").status_code == 200
    refused = api.get("/audit-events?limit=1")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused["Content-Type"] == "application/problem+json"
    # Another user of the same organization is not held up by it.
    colleague = api_as(factories.user(world.a.reseller, "partner_admin"))
    assert colleague.get(f"/accounts/{world.a.customer.id}/audit-events").status_code == 200
