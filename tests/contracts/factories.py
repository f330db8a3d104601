"""Builders for contracts tests: base packages, site products, resources, pool numbers."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from channeldesk.contracts import actions
from channeldesk.contracts.models import (
    BasePackage,
    IpConnection,
    PhoneNumber,
    Resource,
    SiteProduct,
)
from channeldesk.tenancy.actor import Actor

_seq = itertools.count(1)


def base_package(account, *, name="CompanyFlex", start=dt.date(2026, 1, 1), fee="49.00"):
    n = next(_seq)
    return BasePackage.objects.create(
        account=account,
        number=f"TBP-{n:05d}",
        name=name,
        start_date=start,
        monthly_fee=Decimal(fee),
        currency="EUR",
    )


def site(pkg, *, name="Head office", fee="19.00", numbers=(), number_fee="1.00"):
    n = next(_seq)
    s = SiteProduct.objects.create(
        base_package=pkg,
        name=name,
        street=f"Hauptstraße {n}",
        postal_code="10115",
        city="Berlin",
        country="DE",
        monthly_fee=Decimal(fee),
        number_fee=Decimal(number_fee),
        currency="EUR",
    )
    IpConnection.objects.create(
        site_product=s, type="FTTH", bandwidth="250 Mbit/s", access_identifier=f"TAK{n:09d}"
    )
    for e164 in numbers:
        PhoneNumber.objects.create(
            e164=e164,
            country="DE",
            block="test",
            account=pkg.account,
            base_package=pkg,
            site_product=s,
        )
    return s


def resource(pkg, kind="budget", **kw):
    defaults = {
        "parallel_calls": {
            "item": "parallel_calls_10",
            "name": "10 parallel calls",
            "quantity": 10,
        },
        "budget": {
            "item": "budget_100",
            "name": "Call budget 100 EUR",
            "amount": Decimal("100"),
            "period": "monthly",
        },
        "flatrate": {"item": "flatrate_national", "name": "National flatrate", "scope": "national"},
    }[kind]
    return Resource.objects.create(
        base_package=pkg,
        kind=kind,
        monthly_price=Decimal(kw.pop("price", "5.00")),
        currency="EUR",
        **{**defaults, **kw},
    )


def pool(start="+493012345600", count=20) -> int:
    return actions.load_number_block(Actor.system(), start, count)


def site_body(**over):
    return {
        "name": "Branch Hamburg",
        "street": "Mönckebergstraße 7",
        "postal_code": "20095",
        "city": "Hamburg",
        "country": "DE",
        **over,
    }


def site_form(*sites: dict, **first) -> dict:
    """POST data of the order form's sites (a formset with prefix "sites")."""
    rows = list(sites) or [first]
    data = {
        "sites-TOTAL_FORMS": str(len(rows)),
        "sites-INITIAL_FORMS": "0",
        "sites-MIN_NUM_FORMS": "1",
        "sites-MAX_NUM_FORMS": "10",
    }
    for i, row in enumerate(rows):
        for k, v in row.items():
            data[f"sites-{i}-{k}"] = v
    return data
