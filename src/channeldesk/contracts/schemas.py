from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field


class Money(Schema):
    amount: str
    currency: str


class BudgetOut(Schema):
    id: str
    name: str
    amount: Money | None
    period: str
    monthly_price: Money | None


class FlatrateOut(Schema):
    id: str
    name: str
    scope: str
    monthly_price: Money | None


class ServiceOut(Schema):
    id: str
    item: str
    name: str
    charge: str  # monthly | once
    price: Money | None  # per month, or once
    created_at: dt.datetime


class ResourcesOut(Schema):
    parallel_calls: int
    budgets: list[BudgetOut]
    flatrates: list[FlatrateOut]
    services: list[ServiceOut]


class AddressOut(Schema):
    street: str
    postal_code: str
    city: str
    country: str


class IpConnectionOut(Schema):
    id: str
    type: str
    bandwidth: str
    access_identifier: str


class SiteProductOut(Schema):
    id: str
    name: str
    address: AddressOut
    area: str
    monthly_fee: Money | None
    ip_connections: list[IpConnectionOut]
    phone_numbers: list[str]
    created_at: dt.datetime


class BasePackageOut(Schema):
    id: str
    account_id: str
    number: str
    name: str
    start_date: dt.date
    monthly_fee: Money | None
    resources: ResourcesOut
    site_products: list[SiteProductOut]
    created_at: dt.datetime


class BasePackageList(Schema):
    items: list[BasePackageOut]
    next_cursor: str | None


class Ref(Schema):
    id: str
    name: str


class PackageRef(Schema):
    id: str
    number: str


class PhoneNumberOut(Schema):
    id: str
    e164: str
    area: str
    base_package: PackageRef | None
    site_product: Ref | None
    usage: str
    user: Ref | None
    new: bool
    allocated_at: dt.datetime | None
    etag: str


class PhoneNumberList(Schema):
    items: list[PhoneNumberOut]
    next_cursor: str | None


class PhoneNumberPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    usage: str = Field(max_length=20)
    user_id: str | None = Field(default=None, max_length=26)


class SiteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200)
    street: str = Field(max_length=200)
    postal_code: str = Field(max_length=20)
    city: str = Field(max_length=100)
    country: str = Field(max_length=2)
    # Area code of the numbers ("040"); default: the pool's area of the city.
    area: str | None = Field(default=None, max_length=8)


class OrderItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    item: str = Field(max_length=50)
    quantity: int = Field(default=1, ge=1, le=100)
    base_package_id: str | None = Field(default=None, max_length=26)
    site: SiteIn | None = None
    numbers: int | None = Field(default=None, ge=1, le=100)
    name: str | None = Field(default=None, max_length=200)


class OrderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(max_length=26)
    items: list[OrderItemIn] = Field(min_length=1, max_length=20)


class OrderItemOut(Schema):
    item: str
    kind: str
    description: str
    quantity: int
    base_package_id: str | None
    charge: str  # monthly | once
    unit_price: Money | None
    amount: Money | None


class OrderOut(Schema):
    id: str
    number: str
    account: Ref
    status: str
    items: list[OrderItemOut]
    total: Money | None  # per month
    one_time_total: Money | None
    failure_reason: str | None
    created_at: dt.datetime
    provisioned_at: dt.datetime | None


class OrderList(Schema):
    items: list[OrderOut]
    next_cursor: str | None


class CredentialsReissued(Schema):
    links_sent: int
