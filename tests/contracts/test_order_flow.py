"""A direct customer orders a second site: confirmation with PDF, provisioning the next day
(delay 0 here), credentials link and availability e-mails, new numbers flagged until
acknowledged (seed 002)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from channeldesk.contracts.models import CredentialLink, Order, PhoneNumber, SiteProduct
from tests.conftest import body_of
from tests.contracts import factories as cf

# The worker closes connections inside an atomic block: these tests run on committed data.
pytestmark = pytest.mark.django_db(transaction=True)


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() for p in reader.pages)


@pytest.fixture
def direct(world, settings):
    settings.PROVISIONING_DELAY_SECONDS = 0
    account = world.direct_customer
    account.street = "Friedrichstraße 1"
    account.save()
    pkg = cf.base_package(account)
    cf.site(pkg, name="Head office", numbers=["+493088880001"])
    cf.pool("+494012345600", 10)  # Hamburg (040), the new site's city
    return account, pkg, world.members["direct_account_admin"]


def test_order_to_provisioned_site_with_emails_and_new_numbers(
    direct, api_as, smtp_server, deliver, run_worker, django_capture_on_commit_callbacks
):
    account, pkg, admin = direct
    api = api_as(admin)
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(
            "/orders",
            {
                "account_id": account.id,
                "items": [
                    {
                        "item": "site_product",
                        "base_package_id": pkg.id,
                        "site": cf.site_body(),
                        "numbers": 3,
                    }
                ],
            },
        )
    assert r.status_code == 201, r.content
    order = r.json()
    assert order["status"] == "confirmed"
    assert order["number"].startswith("ORD-")
    # 19.00 site fee + 3 x 1.00 per number, exact decimals
    assert order["total"] == {"amount": "22.00", "currency": "EUR"}
    assert not SiteProduct.objects.filter(name="Branch Hamburg").exists()

    deliver()
    mails = smtp_server.to(admin.user.email)
    assert len(mails) == 1
    confirmation = mails[0]
    assert order["number"] in confirmation["Subject"]
    assert "22.00 EUR" in body_of(confirmation)
    pdfs = [p for p in confirmation.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    pdf = pdfs[0].get_content()
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert order["number"] in text
    assert "Branch Hamburg" in text

    smtp_server.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_worker()
    assert api.get(f"/orders/{order['id']}").json()["status"] == "completed"
    site = SiteProduct.objects.get(name="Branch Hamburg")
    assert site.base_package_id == pkg.id
    assert site.numbers.count() == 3
    assert site.ip_connections.count() == 1

    deliver()
    mails = smtp_server.to(admin.user.email)
    subjects = sorted(m["Subject"] for m in mails)
    assert len(mails) == 2, subjects
    cred = next(m for m in mails if "credentials" in m["Subject"].lower())
    available = next(m for m in mails if m is not cred)
    assert "available" in available["Subject"]
    assert "Branch Hamburg" in body_of(available)
    link = re.search(r"http\S+/credentials\?token=(\S+)", body_of(cred))
    assert link, body_of(cred)
    token = link.group(1)
    from django.test import Client

    c = Client()
    assert c.get(f"/credentials?token={token}").status_code == 200
    shown = c.post("/credentials", {"token": token})
    assert shown.status_code == 200
    html = shown.content.decode()
    assert site.username in html
    password = re.search(r'data-testid="cred-password">([^<]+)<', html).group(1)
    assert len(password) >= 20
    # never the password in an e-mail: not in the text part, the HTML part or anywhere else
    html_part = cred.get_body(preferencelist=("html",)).get_content()
    assert password not in body_of(cred) and password not in html_part
    assert password.encode() not in cred.as_bytes()
    for m in smtp_server.messages:
        assert password.encode() not in m.as_bytes()
    assert CredentialLink.objects.get(site_product=site).ciphertext is None
    assert c.post("/credentials", {"token": token}).status_code == 404  # single use

    new = api.get(f"/accounts/{account.id}/phone-numbers?new=true").json()["items"]
    assert sorted(n["e164"] for n in new) == sorted(site.numbers.values_list("e164", flat=True))
    assert all(n["site_product"]["name"] == "Branch Hamburg" for n in new)
    r = api.post(f"/phone-numbers/{new[0]['id']}/acknowledge")
    assert r.status_code == 200 and r.json()["new"] is False
    assert len(api.get(f"/accounts/{account.id}/phone-numbers?new=true").json()["items"]) == 2
    assert len(api.get(f"/accounts/{account.id}/phone-numbers").json()["items"]) == 4


def test_confirmation_is_in_the_recipients_language(
    direct, api_as, smtp_server, deliver, django_capture_on_commit_callbacks
):
    account, pkg, admin = direct
    admin.user.language = "de"
    admin.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        r = api_as(admin).post(
            "/orders",
            {
                "account_id": account.id,
                "items": [{"item": "budget_100", "base_package_id": pkg.id}],
            },
        )
    assert r.status_code == 201
    deliver()
    (mail,) = smtp_server.to(admin.user.email)
    assert "Auftragsbestätigung" in mail["Subject"]


def test_pool_exhaustion_fails_visibly_leaves_nothing_and_can_be_retried(
    world, direct, api_as, smtp_server, deliver, run_worker, django_capture_on_commit_callbacks
):
    account, pkg, admin = direct
    PhoneNumber.objects.filter(account__isnull=True).exclude(
        e164__in=["+494012345600", "+494012345601"]
    ).delete()
    api = api_as(admin)
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(
            "/orders",
            {
                "account_id": account.id,
                "items": [
                    {"item": "flatrate_national", "base_package_id": pkg.id},
                    {
                        "item": "site_product",
                        "base_package_id": pkg.id,
                        "site": cf.site_body(),
                        "numbers": 3,
                    },
                ],
            },
        )
    order_id = r.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        run_worker()
    order = api.get(f"/orders/{order_id}").json()
    assert order["status"] == "failed"
    # the partner and the customer read a reason that does not reveal the operator's pool
    assert "not available yet" in order["failure_reason"]
    assert "exhausted" not in order["failure_reason"] and "2 free" not in order["failure_reason"]
    # nothing half-made: no site, no resource, no number taken
    assert not SiteProduct.objects.filter(name="Branch Hamburg").exists()
    assert pkg.resources.count() == 0
    assert PhoneNumber.objects.filter(account__isnull=True).count() == 2
    deliver()
    operator_admin = world.members["operator_admin"].user  # the direct customer's partner
    failed = smtp_server.to(operator_admin.email)
    assert failed and "could not be provisioned" in failed[0]["Subject"]
    # only the operator reads the pool's details
    assert "The number pool for DE 040 is exhausted: 3 numbers needed, 2 free." in body_of(
        failed[0]
    )
    customer_mail = next(  # the orderer
        m for m in smtp_server.to(admin.user.email) if "could not be provisioned" in m["Subject"]
    )
    assert "exhausted" not in body_of(customer_mail) and "2 free" not in body_of(customer_mail)
    assert "not available yet" in body_of(customer_mail)
    operator_view = api_as(world.members["operator_admin"]).get(f"/orders/{order_id}").json()
    assert "3 numbers needed, 2 free" in operator_view["failure_reason"]
    # an order that did not fail cannot be retried; this one can, after the pool is refilled
    cf.pool("+494012345700", 5)
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(f"/orders/{order_id}/retry")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    with django_capture_on_commit_callbacks(execute=True):
        run_worker()
    assert Order.objects.get(id=order_id).status == "completed"
    assert SiteProduct.objects.get(name="Branch Hamburg").numbers.count() == 3
    assert pkg.resources.count() == 1
    assert api.post(f"/orders/{order_id}/retry").status_code == 409
