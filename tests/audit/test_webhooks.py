"""Webhooks: signed HMAC-SHA256 deliveries to a real local HTTP server, retried, logged."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from channeldesk.audit.events import record
from channeldesk.audit.models import WebhookDelivery
from channeldesk.audit.webhooks import deliver_due


class Receiver:
    """A real HTTP endpoint on loopback; answers with the queued status codes (then 200)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        box = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                box.requests.append({"headers": dict(self.headers), "body": body})
                status = box.statuses.pop(0) if box.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on loopback
    r = Receiver()
    yield r
    r.close()


def verify(secret: str, headers: dict, body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in headers["X-Channeldesk-Signature"].split(","))
    mac = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), parts["v1"])


def test_signed_delivery_retry_with_backoff_and_log(world, api_as, receiver):
    api = api_as(world.members["partner_admin"])
    created = api.post("/webhooks", {"url": receiver.url, "events": ["account"]})
    assert created.status_code == 201
    hook = created.json()
    assert hook["secret"]
    assert "secret" not in str(api.get("/webhooks").json())

    with transaction.atomic():
        record(
            world.actor("partner_admin"),
            "account.updated",
            organization=world.a.customer,
            target=world.a.customer,
            changes={"city": {"before": "A", "after": "B"}},
        )
        # Not subscribed, and another tree: no delivery.
        record(world.actor("partner_admin"), "partner.updated", organization=world.a.reseller)
        record(world.actor("operator_admin"), "account.updated", organization=world.b.customer)
    assert WebhookDelivery.objects.filter(webhook_id=hook["id"]).count() == 1

    receiver.statuses = [500]
    assert deliver_due() == 1
    d = WebhookDelivery.objects.get(webhook_id=hook["id"])
    assert (d.status, d.attempts, d.last_status_code) == ("pending", 1, 500)
    wait = d.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=20) < wait <= dt.timedelta(seconds=31)
    assert deliver_due() == 0  # not due yet

    WebhookDelivery.objects.filter(id=d.id).update(next_attempt_at=timezone.now())
    assert deliver_due() == 1
    d.refresh_from_db()
    assert (d.status, d.attempts) == ("delivered", 2)

    assert len(receiver.requests) == 2
    req = receiver.requests[-1]
    assert verify(hook["secret"], req["headers"], req["body"])
    assert not verify("wrong-secret", req["headers"], req["body"])
    payload = json.loads(req["body"])
    assert payload["event"] == "account.updated"
    assert payload["organization_id"] == world.a.customer.id
    assert req["headers"]["X-Channeldesk-Event"] == "account.updated"

    log = api.get(f"/webhooks/{hook['id']}/deliveries").json()["items"]
    assert [(x["status"], x["attempts"]) for x in log] == [("delivered", 2)]
    # Another partner cannot read the log or delete the hook.
    other = api_as(world.members["b_partner_admin"])
    assert other.get(f"/webhooks/{hook['id']}/deliveries").status_code == 404
    assert other.delete(f"/webhooks/{hook['id']}").status_code == 404


def test_unreachable_endpoint_backs_off_and_finally_fails(world, api_as, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    api = api_as(world.members["operator_admin"])
    hook = api.post("/webhooks", {"url": "http://127.0.0.1:9/none", "events": ["account"]}).json()
    with transaction.atomic():
        record(world.actor("operator_admin"), "account.created", organization=world.direct_customer)
    waits = []
    for _ in range(8):
        WebhookDelivery.objects.filter(webhook_id=hook["id"], status="pending").update(
            next_attempt_at=timezone.now()
        )
        deliver_due()
        d = WebhookDelivery.objects.get(webhook_id=hook["id"])
        if d.next_attempt_at:
            waits.append((d.next_attempt_at - timezone.now()).total_seconds())
    assert d.status == "failed" and d.attempts == 8 and d.last_error
    assert waits == sorted(waits)  # growing back-off


def test_webhook_urls_and_events_are_validated(world, api_as):
    api = api_as(world.members["partner_admin"])
    assert api.post("/webhooks", {"url": "ftp://x", "events": ["account"]}).status_code == 422
    assert api.post("/webhooks", {"url": "https://x.test", "events": ["user"]}).status_code == 422
    r = api.post("/webhooks", {"url": "https://x.test", "events": ["account"], "secret": "mine"})
    assert r.status_code == 422
    assert api_as(world.members["partner_agent"]).get("/webhooks").status_code == 403


def test_webhooks_page_creates_lists_and_deletes(world, web_as, receiver):
    c = web_as(world.members["partner_admin"])
    r = c.post("/audit/webhooks/", {"url": receiver.url, "events": ["account", "order"]})
    assert r.status_code == 200
    secret = r.context["created"].secret
    assert secret.encode() in r.content
    page = c.get("/audit/webhooks/")
    assert receiver.url.encode() in page.content and secret.encode() not in page.content
    hook_id = r.context["created"].id
    assert c.post(f"/audit/webhooks/{hook_id}/delete").status_code == 302
    assert receiver.url.encode() not in c.get("/audit/webhooks/").content
    assert web_as(world.members["partner_agent"]).get("/audit/webhooks/").status_code == 403


def test_internal_addresses_are_never_called(world, api_as, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    api = api_as(world.members["partner_admin"])
    hook = api.post("/webhooks", {"url": receiver.url, "events": ["account"]}).json()
    with transaction.atomic():
        record(world.actor("partner_admin"), "account.updated", organization=world.a.customer)
    deliver_due()
    d = WebhookDelivery.objects.get(webhook_id=hook["id"])
    assert d.status == "pending" and "non-public" in d.last_error
    assert receiver.requests == []
