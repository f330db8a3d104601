from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class AccountRef(Schema):
    id: str
    name: str


class Money(Schema):
    amount: str
    currency: str


class ContactIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200)
    email: str = Field(max_length=254)


class SubscriptionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    product: str = Field(max_length=50)
    account_id: str | None = Field(default=None, max_length=26)
    customer_name: str | None = Field(default=None, max_length=200)
    # For a new customer: its address starts with these (default: the partner's own).
    customer_country: str | None = Field(default=None, max_length=2)
    customer_postal_code: str | None = Field(default=None, max_length=20)
    quantity: int
    customer_managed: bool = False
    customer_contact: ContactIn | None = None


class SubscriptionPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    quantity: int | None = None
    auto_renew: bool | None = None
    # The product's settings (catalog `settings:` of the product): only the keys given change.
    settings: dict[str, Any] | None = Field(default=None, max_length=50)


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    at_term_end: bool = False


class SubscriptionOut(Schema):
    id: str
    account: AccountRef
    product: str
    product_name: str
    quantity: int
    assigned: int
    status: str
    start_date: dt.date
    billing_period: str
    auto_renew: bool
    cancel_at_term_end: bool
    customer_managed: bool
    settings: dict[str, Any]
    etag: str
    # Only for the bill-to side (partners with billing rights, the operator); left out of the
    # answer for everybody else, customers included.
    next_payment_date: dt.date | None = None
    unit_price: Money | None = None
    monthly_value: Money | None = None


class Totals(Schema):
    subscriptions: int
    users: int
    monthly_value: list[Money] | None = None  # bill-to side only


class SubscriptionList(Schema):
    items: list[SubscriptionOut]
    next_cursor: str | None
    totals: Totals


class LicensesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    # 10,000 in one request (bulk assignment; measured in bench/, issue 8).
    user_ids: list[str] = Field(min_length=1, max_length=10_000)


class LicenseOut(Schema):
    user_id: str
    email: str
    name: str
    assigned_at: dt.datetime


class LicenseList(Schema):
    items: list[LicenseOut]
    next_cursor: str | None


class MyLicenseOut(Schema):
    """A license the caller holds (no prices, no dates of payment)."""

    id: str
    subscription_id: str
    account: AccountRef
    product: str
    product_name: str
    status: str
    assigned_at: dt.datetime


class MyLicenseList(Schema):
    items: list[MyLicenseOut]
    next_cursor: str | None
