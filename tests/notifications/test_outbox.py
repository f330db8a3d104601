"""E-mail outbox: written in the change's transaction, delivered by the worker over real SMTP,
retried with back-off, held without SMTP_URL and shown to operators; in-app notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from channeldesk.identity import actions as identity_actions
from channeldesk.notifications.actions import notify
from channeldesk.notifications.models import Notification, OutboxEmail
from channeldesk.notifications.outbox import deliver_due, release_held
from channeldesk.tenancy.roles import Role
from tests.conftest import body_of


def invite(world, email: str):
    return identity_actions.invite_user(
        world.actor("partner_admin"),
        world.a.reseller,
        email=email,
        name="N",
        role=Role.PARTNER_AGENT,
    )


def test_email_is_written_in_the_change_transaction(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        invite(world, "rolled.back@example.test")
        assert OutboxEmail.objects.filter(to="rolled.back@example.test").exists()
        raise RuntimeError("the change fails after queueing")
    assert not OutboxEmail.objects.filter(to="rolled.back@example.test").exists()
    invite(world, "kept@example.test")
    assert OutboxEmail.objects.get(to="kept@example.test").status == "pending"


def test_worker_delivers_over_smtp(world, smtp_server, run_worker):
    invite(world, "worker@example.test")
    run_worker()
    [msg] = smtp_server.to("worker@example.test")
    assert "set-password?token=" in body_of(msg)
    e = OutboxEmail.objects.get(to="worker@example.test")
    assert e.status == "sent" and e.sent_at and e.attempts == 1
    run_worker()
    assert len(smtp_server.to("worker@example.test")) == 1  # sent once


def test_unreachable_smtp_is_retried_with_growing_backoff(world, settings, smtp_server):
    invite(world, "retry@example.test")
    good = settings.SMTP_URL
    waits = []
    for _ in range(3):
        OutboxEmail.objects.filter(to="retry@example.test").update(next_attempt_at=timezone.now())
        assert deliver_due(smtp_url="smtp://127.0.0.1:9") == 0
        e = OutboxEmail.objects.get(to="retry@example.test")
        waits.append((e.next_attempt_at - timezone.now()).total_seconds())
    assert e.status == "pending" and e.attempts == 3 and e.last_error
    assert waits[0] > 50 and waits[0] < waits[1] < waits[2]
    assert deliver_due(smtp_url=good) == 0  # not due yet: back-off respected
    OutboxEmail.objects.filter(id=e.id).update(next_attempt_at=timezone.now())
    assert deliver_due(smtp_url=good) == 1
    assert len(smtp_server.to("retry@example.test")) == 1


def test_without_smtp_url_mail_is_held_and_operators_read_it(world, settings, web_as):
    settings.SMTP_URL = ""
    invite(world, "held@example.test")
    assert deliver_due() == 0
    e = OutboxEmail.objects.get(to="held@example.test")
    assert e.status == "held"
    op = web_as(world.members["operator_support"])
    page = op.get("/notifications/outbox/?status=held")
    assert page.status_code == 200 and b"held@example.test" in page.content
    detail = op.get(f"/notifications/outbox/{e.id}")
    assert b"set-password?token=" in detail.content
    # Operator support sees that a link went out, never the token (no account takeover).
    raw_token = e.body_text.split("token=")[1].split()[0]
    assert raw_token.encode() not in detail.content
    admin_view = web_as(world.members["operator_admin"]).get(f"/notifications/outbox/{e.id}")
    assert raw_token.encode() in admin_view.content
    assert web_as(world.members["partner_admin"]).get(
        f"/notifications/outbox/{e.id}"
    ).status_code in (
        403,
        404,
    )
    assert release_held() == 1
    assert OutboxEmail.objects.get(id=e.id).status == "pending"


def test_outbox_api_is_for_operators(world, api_as):
    invite(world, "api@example.test")
    r = api_as(world.members["operator_admin"]).get("/outbox")
    assert r.status_code == 200
    assert "api@example.test" in str(r.json())
    assert api_as(world.members["partner_admin"]).get("/outbox").status_code == 403


def test_in_app_notifications_with_unread_count(world, api_as, web_as):
    m = world.members["account_admin"]
    with transaction.atomic():
        for i in range(3):
            notify(
                [m.user],
                organization=m.organization,
                kind="invitation.accepted",
                text=f"Accepted {i}",
                link="/",
            )
    api = api_as(m)
    r = api.get("/notifications?unread=true")
    assert r.status_code == 200 and r.json()["unread"] == 3
    first = r.json()["items"][0]["id"]
    assert api.post(f"/notifications/{first}/read").status_code == 200
    assert api.get("/notifications").json()["unread"] == 2
    page = web_as(m).get("/")
    assert b'data-testid="unread-count">2<' in page.content
    # Someone else's notification is not found.
    assert (
        api_as(world.members["site_admin"]).post(f"/notifications/{first}/read").status_code == 404
    )
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_backoff_is_capped(world):
    from channeldesk.notifications.outbox import backoff

    assert backoff(1) == dt.timedelta(seconds=60)
    assert backoff(20) == dt.timedelta(hours=1)


def test_an_email_claimed_by_a_worker_that_died_is_sent_after_the_claim_runs_out(
    world, smtp_server
):
    from channeldesk.notifications import outbox

    invite(world, "claimed@example.test")
    email = OutboxEmail.objects.get(to="claimed@example.test")
    now = timezone.now()
    # A worker claims the e-mail and dies before sending it (nothing else is recorded).
    assert outbox.claim(email.id, now)
    assert deliver_due(now=now + dt.timedelta(seconds=1)) == 0  # others respect the claim
    assert smtp_server.to("claimed@example.test") == []
    later = now + outbox.CLAIM + dt.timedelta(seconds=1)
    assert deliver_due(now=later) == 1
    assert len(smtp_server.to("claimed@example.test")) == 1
    assert OutboxEmail.objects.get(id=email.id).status == "sent"


def test_held_emails_go_out_when_the_worker_starts_with_an_smtp_url(
    world, settings, smtp_server, monkeypatch
):
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)  # test transaction
    url, settings.SMTP_URL = settings.SMTP_URL, ""
    invite(world, "was.held@example.test")
    deliver_due()
    assert OutboxEmail.objects.get(to="was.held@example.test").status == "held"
    settings.SMTP_URL = url  # the operator configures SMTP and restarts the worker
    call_command("worker", "--once")
    assert OutboxEmail.objects.get(to="was.held@example.test").status == "sent"
    assert len(smtp_server.to("was.held@example.test")) == 1
