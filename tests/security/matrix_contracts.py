"""Contracts, orders, phone numbers and invoices in the authorization matrix (product.md §2, §8).

Contracts are seen by operator, partners (reach) and the account's admins/site admins; numbers
are managed by operator_admin, the reseller's partner_admin, account_admin and site_admin;
orders are placed by the operator_admin or the account's partner_admin (an account_admin only
for a direct customer, and the world's customers have partners); invoices follow the bill-to
rule and need billing visibility (no partner_agent, site_admin, member).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.security.matrix import (
    ANY,
    CUSTOMER_ADMIN,
    OP_ADMIN,
    OPERATOR,
    PARTNER_ADMINS,
    PARTNERS,
    REACH,
    Entry,
    grant,
    merge,
)

API = "/api/v1"
CONTRACT_VIEW = merge(
    grant(OPERATOR, ANY), grant(PARTNERS, REACH), grant({"account_admin", "site_admin"}, {"own"})
)
NUMBER_MANAGE = merge(
    grant(OP_ADMIN, ANY),
    grant({"partner_admin"}, {"child"}),
    grant({"account_admin", "site_admin"}, {"own"}),
)
ORDER_VIEW = merge(grant(OPERATOR, ANY), grant(PARTNERS, REACH), grant(CUSTOMER_ADMIN, {"own"}))
ORDER_PLACE = merge(grant(OP_ADMIN, ANY), grant({"partner_admin"}, {"child"}))
CREDENTIALS_REISSUE = merge(
    grant(OP_ADMIN, ANY), grant({"partner_admin"}, {"child"}), grant({"account_admin"}, {"own"})
)
INVOICE_VIEW = merge(
    grant(OPERATOR, ANY), grant(PARTNER_ADMINS, REACH), grant(CUSTOMER_ADMIN, {"own"})
)


def _package(target):
    from channeldesk.contracts.models import BasePackage

    pkg = BasePackage.objects.filter(account=target).first()
    if pkg is None:
        pkg = BasePackage.objects.create(
            account=target,
            number=f"MX-{target.id}",
            name="Matrix package",
            start_date=dt.date(2026, 1, 1),
            monthly_fee=Decimal("49.00"),
        )
    return pkg


def _number(target):
    from channeldesk.contracts.models import PhoneNumber

    pkg = _package(target)
    n = PhoneNumber.objects.filter(account=target).first()
    if n is None:
        seq = PhoneNumber.objects.count()
        n = PhoneNumber.objects.create(
            e164=f"+4930555{seq:05d}",
            country="DE",
            block="matrix",
            account=target,
            base_package=pkg,
            is_new=True,
        )
    return n


def _site(target):
    from channeldesk.contracts.models import SiteProduct

    pkg = _package(target)
    site = SiteProduct.objects.filter(base_package=pkg).first()
    if site is None:
        site = SiteProduct.objects.create(
            base_package=pkg,
            name="Matrix site",
            street="Matrixstraße 1",
            postal_code="10115",
            city="Berlin",
            country="DE",
            monthly_fee=Decimal("19.00"),
            username=f"mx{target.id[-8:]}",
        )
    return site


def _order(target, status="failed"):
    from channeldesk.contracts.models import Order
    from channeldesk.tenancy.models import Organization

    seq = Order.objects.count()
    return Order.objects.create(
        number=f"MX-ORD-{seq}-{target.id[-6:]}",
        account=target,
        ordered_by_organization=Organization.objects.get(id=target.parent_id),
        status=status,
        total=Decimal("10.00"),
        failure_code="pool_exhausted" if status == "failed" else "",
    )


def _invoice(target):
    from channeldesk.billing.models import Invoice

    seq = Invoice.objects.count() + 1
    return Invoice.objects.create(
        number=f"MX-{seq}",
        sequence=seq,
        issuer_id=target.parent_id,
        bill_to=target,
        source="matrix",
        key=target.id,
        period="2026-01",
        currency="EUR",
        total=Decimal("49.00"),
    )


def p(fn):
    """Build from a function of the target organization only."""
    return lambda w, t, pr: (fn(t), {})


def pb(fn, body):
    return lambda w, t, pr: (fn(t), body(t) if callable(body) else body)


ENTRIES: list[Entry] = [
    Entry(
        "GET",
        f"{API}/accounts/{{account_id}}/base-packages",
        CONTRACT_VIEW,
        target="customer",
        build=p(lambda t: f"{API}/accounts/{_package(t).account_id}/base-packages"),
    ),
    Entry(
        "GET",
        f"{API}/base-packages/{{package_id}}",
        CONTRACT_VIEW,
        target="customer",
        build=p(lambda t: f"{API}/base-packages/{_package(t).id}"),
    ),
    Entry(
        "GET",
        f"{API}/accounts/{{account_id}}/phone-numbers",
        CONTRACT_VIEW,
        target="customer",
        build=p(lambda t: f"{API}/accounts/{_number(t).account_id}/phone-numbers?new=true"),
    ),
    Entry(
        "POST",
        f"{API}/phone-numbers/{{number_id}}/acknowledge",
        NUMBER_MANAGE,
        target="customer",
        build=p(lambda t: f"{API}/phone-numbers/{_number(t).id}/acknowledge"),
        note="members see no contracts: 403 before the manage check",
    ),
    Entry(
        "PATCH",
        f"{API}/phone-numbers/{{number_id}}",
        NUMBER_MANAGE,
        target="customer",
        build=pb(lambda t: f"{API}/phone-numbers/{_number(t).id}", {"usage": "sip_trunk"}),
    ),
    Entry(
        "GET",
        f"{API}/orders",
        grant(OPERATOR | PARTNERS | CUSTOMER_ADMIN),
        build=lambda w, t, pr: (f"{API}/orders", {}),
    ),
    Entry(
        "POST",
        f"{API}/orders",
        ORDER_PLACE,
        target="customer",
        build=pb(
            lambda t: f"{API}/orders",
            lambda t: {"account_id": t.id, "items": [{"item": "base_package"}]},
        ),
        note="account_admin only for direct customers; the matrix's customers have partners",
    ),
    Entry(
        "GET",
        f"{API}/orders/{{order_id}}",
        ORDER_VIEW,
        target="customer",
        build=p(lambda t: f"{API}/orders/{_order(t).id}"),
    ),
    Entry(
        "POST",
        f"{API}/orders/{{order_id}}/retry",
        ORDER_PLACE,
        target="customer",
        build=p(lambda t: f"{API}/orders/{_order(t).id}/retry"),
    ),
    Entry(
        "POST",
        f"{API}/site-products/{{site_id}}/credentials",
        CREDENTIALS_REISSUE,
        target="customer",
        build=p(lambda t: f"{API}/site-products/{_site(t).id}/credentials"),
        ok={202},
        note="partner_admin or account_admin; links go to the account admins",
    ),
    Entry(
        "GET",
        f"{API}/accounts/{{account_id}}/orders",
        merge(grant(OPERATOR, ANY), grant(PARTNERS, REACH)),
        target="customer",
        build=p(lambda t: f"{API}/accounts/{t.id}/orders"),
        note="order data is a partners' panel",
    ),
    Entry(
        "GET",
        f"{API}/invoices",
        grant(OPERATOR | PARTNER_ADMINS | CUSTOMER_ADMIN),
        build=lambda w, t, pr: (f"{API}/invoices", {}),
    ),
    Entry(
        "GET",
        f"{API}/invoices/{{invoice_id}}",
        INVOICE_VIEW,
        target="customer",
        build=p(lambda t: f"{API}/invoices/{_invoice(t).id}"),
    ),
    Entry(
        "GET",
        f"{API}/invoices/{{invoice_id}}/pdf",
        INVOICE_VIEW,
        target="customer",
        build=p(lambda t: f"{API}/invoices/{_invoice(t).id}/pdf"),
    ),
    # ---- pages ----
    Entry(
        "GET",
        "contracts:numbers",
        CONTRACT_VIEW,
        target="customer",
        build=p(lambda t: f"/accounts/{_number(t).account_id}/phone-numbers"),
    ),
    Entry(
        "GET",
        "contracts:numbers_csv",
        CONTRACT_VIEW,
        target="customer",
        build=p(lambda t: f"/accounts/{_number(t).account_id}/phone-numbers.csv"),
    ),
    Entry(
        "POST",
        "contracts:numbers_acknowledge_all",
        NUMBER_MANAGE,
        target="customer",
        build=p(lambda t: f"/accounts/{_number(t).account_id}/phone-numbers/acknowledge"),
    ),
    Entry(
        "POST",
        "contracts:number_acknowledge",
        NUMBER_MANAGE,
        target="customer",
        build=p(lambda t: f"/phone-numbers/{_number(t).id}/acknowledge"),
    ),
    Entry(
        "POST",
        "contracts:number_assign",
        NUMBER_MANAGE,
        target="customer",
        build=pb(lambda t: f"/phone-numbers/{_number(t).id}/assign", {"usage": "sip_trunk"}),
    ),
    Entry(
        "GET",
        "contracts:number_assign",
        NUMBER_MANAGE,
        target="customer",
        build=p(lambda t: f"/phone-numbers/{_number(t).id}/assign?q=a"),
        note="the assign form with its user picker, loaded into the row on demand",
    ),
    Entry(
        "POST",
        "contracts:site_credentials",
        CREDENTIALS_REISSUE,
        target="customer",
        build=p(lambda t: f"/site-products/{_site(t).id}/credentials"),
    ),
    Entry(
        "GET",
        "contracts:order_new",
        ORDER_PLACE,
        target="customer",
        build=p(lambda t: f"/accounts/{t.id}/orders/new"),
    ),
    Entry(
        "GET",
        "contracts:order_detail",
        ORDER_VIEW,
        target="customer",
        build=p(lambda t: f"/orders/{_order(t).id}"),
    ),
    Entry(
        "POST",
        "contracts:order_retry",
        ORDER_PLACE,
        target="customer",
        build=p(lambda t: f"/orders/{_order(t).id}/retry"),
    ),
    Entry(
        "GET",
        "contracts:credentials",
        {},
        public=True,
        build=lambda w, t, pr: ("/credentials?token=unknown", {}),
        ok={404},
        note="single-use token link; an unknown token is a 404 page",
    ),
    Entry(
        "GET",
        "contracts:number_pool",
        grant(OP_ADMIN),
        build=lambda w, t, pr: ("/operator/number-pool", {}),
    ),
    Entry(
        "GET",
        "billing:invoices",
        grant(OPERATOR | PARTNER_ADMINS | CUSTOMER_ADMIN),
        build=lambda w, t, pr: ("/invoices/", {}),
    ),
    Entry(
        "GET",
        "billing:invoice_detail",
        INVOICE_VIEW,
        target="customer",
        build=p(lambda t: f"/invoices/{_invoice(t).id}"),
    ),
    Entry(
        "GET",
        "billing:invoice_pdf",
        INVOICE_VIEW,
        target="customer",
        build=p(lambda t: f"/invoices/{_invoice(t).id}/pdf"),
    ),
]
