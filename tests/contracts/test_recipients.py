"""What each recipient reads: the order confirmation (e-mail and PDF, the PDF made by the worker
when it sends) in their language, and re-issued access credentials."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from channeldesk.audit.models import AuditEvent
from channeldesk.contracts import actions
from channeldesk.contracts.models import CredentialLink
from channeldesk.notifications.models import OutboxAttachment
from tests.conftest import body_of
from tests.contracts import factories as cf


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_confirmation_in_each_recipients_language_with_the_pdf_made_when_sent(
    world, api_as, smtp_server, deliver
):
    cf.pool("+494012345600", 10)
    pkg = cf.base_package(world.a.customer)
    german = world.members["account_admin"].user
    german.language = "de"
    german.save()
    partner = world.members["partner_admin"]  # orders, reads English
    r = api_as(partner).post(
        "/orders",
        {
            "account_id": world.a.customer.id,
            "items": [
                {
                    "item": "site_product",
                    "base_package_id": pkg.id,
                    "site": cf.site_body(),
                    "numbers": 3,
                },
                {"item": "service_training", "base_package_id": pkg.id},
            ],
        },
    )
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    # The request did not render a PDF: the outbox holds how to make it, not the file.
    attachments = list(OutboxAttachment.objects.filter(filename=f"{number}.pdf"))
    assert len(attachments) == 2
    assert all(a.renderer and not bytes(a.content) for a in attachments)

    assert deliver() >= 2
    (de_mail,) = smtp_server.to(german.email)
    assert "Auftragsbestätigung" in de_mail["Subject"]
    text = body_of(de_mail)
    assert "Standortprodukt Branch Hamburg" in text and "3 Rufnummern, Vorwahl 040" in text
    assert "Schulung" in text and "einmalig" in text
    (pdf,) = [p for p in de_mail.iter_attachments() if p.get_content_type() == "application/pdf"]
    de_pdf = _pdf_text(pdf.get_content())
    assert number in de_pdf
    assert "Auftragsbestätigung" in de_pdf and "Standortprodukt Branch Hamburg" in de_pdf
    assert "Summe einmalig" in de_pdf and "Site product" not in de_pdf

    (en_mail,) = smtp_server.to(partner.user.email)
    (pdf,) = [p for p in en_mail.iter_attachments() if p.get_content_type() == "application/pdf"]
    en_pdf = _pdf_text(pdf.get_content())
    assert "Order confirmation" in en_pdf and "Site product Branch Hamburg" in en_pdf
    # made once, kept for retries and for the operator's outbox view
    assert all(bytes(a.content).startswith(b"%PDF") for a in OutboxAttachment.objects.all())

    # The API describes the items in the reader's language too.
    de_api = api_as(world.members["account_admin"]).get(
        f"/orders/{r.json()['id']}", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert de_api.status_code == 200
    assert de_api.json()["items"][1]["description"] == "Schulung"


def test_an_attachment_that_cannot_be_made_is_retried_not_lost(world, smtp_server, deliver):
    from channeldesk.notifications.models import OutboxEmail

    pkg = cf.base_package(world.a.customer)
    order = actions.place_order(
        world.actor("partner_admin"),
        world.a.customer,
        [{"item": "budget_100", "base_package_id": pkg.id}],
    )
    OutboxAttachment.objects.update(renderer_args={"order_id": "gone"})
    deliver()
    assert not smtp_server.messages
    emails = list(OutboxEmail.objects.filter(template="order_confirmation"))
    assert len(emails) == 2  # the orderer and the account admin
    for email in emails:
        assert email.status == "pending" and email.attempts == 1
        assert "not rendered" in email.last_error
    OutboxAttachment.objects.update(renderer_args={"order_id": order.id})
    OutboxEmail.objects.update(next_attempt_at=emails[0].created_at)
    deliver()
    assert len(smtp_server.messages) == 2


@pytest.fixture
def provisioned(world, smtp_server, deliver):
    cf.pool("+494012345600", 10)
    pkg = cf.base_package(world.a.customer)
    order = actions.place_order(
        world.actor("partner_admin"),
        world.a.customer,
        [{"item": "site_product", "base_package_id": pkg.id, "site": cf.site_body(), "numbers": 1}],
    )
    actions.provision_order(order.id)
    deliver()
    smtp_server.clear()
    return order.account, order


def _link(mail) -> str:
    found = re.search(r"/credentials\?token=(\S+)", body_of(mail))
    assert found, body_of(mail)
    return found.group(1)


def test_new_credentials_by_a_single_use_link_old_links_stop_working(
    world, provisioned, api_as, web_as, smtp_server, deliver
):
    _account, _order = provisioned
    site = CredentialLink.objects.get().site_product
    old = CredentialLink.objects.get()
    admin = world.members["account_admin"]

    r = api_as(world.members["partner_admin"]).post(f"/site-products/{site.id}/credentials")
    assert r.status_code == 202 and r.json() == {"links_sent": 1}
    deliver()
    (mail,) = smtp_server.to(admin.user.email)
    assert "credentials" in mail["Subject"].lower()
    token = _link(mail)
    old.refresh_from_db()
    assert old.ciphertext is None  # the earlier, unused link stops working
    c = Client()
    shown = c.post("/credentials", {"token": token})
    assert shown.status_code == 200
    password = re.search(r'data-testid="cred-password">([^<]+)<', shown.content.decode()).group(1)
    assert site.username in shown.content.decode()
    assert password.encode() not in mail.as_bytes()
    assert c.post("/credentials", {"token": token}).status_code == 404  # single use
    event = AuditEvent.objects.get(action="contract.credentials_reissued")
    assert event.target_id == site.id and event.changes["links_sent"] == 1
    assert password not in str(event.changes)

    # The account admin may ask too, from the account page.
    web = web_as(admin)
    r = web.post(f"/site-products/{site.id}/credentials")
    assert r.status_code == 302
    assert CredentialLink.objects.filter(site_product=site, ciphertext__isnull=False).count() == 1


def test_who_may_reissue_credentials(world, provisioned, api_as):
    site = CredentialLink.objects.get().site_product
    url = f"/site-products/{site.id}/credentials"
    for role in ("partner_agent", "site_admin", "member", "distributor_admin"):
        assert api_as(world.members[role]).post(url).status_code == 403, role
    for role in ("b_partner_admin", "a_sibling_account_admin"):
        assert api_as(world.members[role]).post(url).status_code == 404, role
    assert api_as(world.members["operator_admin"]).post(url).status_code == 202
