from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field


class PartnerRef(Schema):
    id: str
    name: str


class AccountIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200)
    street: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=20)
    country: str = Field(max_length=2)
    subdivision: str = Field(default="", max_length=10)
    default_language: str = Field(default="en", max_length=8)
    business_type: str = Field(default="", max_length=50)
    cloud_region: str | None = Field(default=None, max_length=50)
    platform: str | None = Field(default=None, max_length=50)
    billing_customer_number: str | None = Field(default=None, max_length=50)
    partner_id: str | None = Field(default=None, max_length=26)
    domains: list[str] = Field(
        default_factory=list, max_length=100, description="the customer's e-mail domains"
    )


class AccountPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    street: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=2)
    subdivision: str | None = Field(default=None, max_length=10)
    default_language: str | None = Field(default=None, max_length=8)
    business_type: str | None = Field(default=None, max_length=50)
    platform: str | None = Field(default=None, max_length=50)
    billing_customer_number: str | None = Field(default=None, max_length=50)
    domains: list[str] | None = Field(
        default=None, max_length=100, description="replaces the account's e-mail domains"
    )
    # Read-only: accepted by the schema only so the refusal can name them (422).
    id: str | None = None
    cloud_region: str | None = None
    pbx_type: str | None = None
    status: str | None = None
    partner_id: str | None = None
    partner: dict | None = None
    created_at: str | None = None
    updated_at: str | None = None
    etag: str | None = None
    billing_customer_number_label: str | None = None


class AccountOut(Schema):
    id: str
    name: str
    street: str
    city: str
    postal_code: str
    country: str
    subdivision: str
    default_language: str
    business_type: str
    cloud_region: str
    platform: str
    pbx_type: str
    billing_customer_number: str
    billing_customer_number_label: str
    domains: list[str]
    status: str
    partner: PartnerRef | None
    created_at: dt.datetime
    updated_at: dt.datetime
    etag: str


class AccountList(Schema):
    items: list[AccountOut]
    next_cursor: str | None


class SupportContactIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    role: str = Field(max_length=20, description="administrator | site_admin | other")
    language: str = Field(
        default="", max_length=8, description="e-mail language; empty: the account's default"
    )


class SupportContactPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    role: str | None = Field(default=None, max_length=20)
    language: str | None = Field(default=None, max_length=8)


class SupportContactOut(Schema):
    id: str
    name: str
    email: str
    role: str
    language: str
    created_at: dt.datetime
    etag: str


class SupportContactList(Schema):
    items: list[SupportContactOut]
    next_cursor: str | None


class IntegrationOut(Schema):
    key: str
    name: str
    kind: str
    enabled: bool
    privileges: dict[str, bool]
    privilege_names: dict[str, str]
    depends_on: list[str]
    requires_gateway_onboarding: bool


class IntegrationList(Schema):
    items: list[IntegrationOut]
    next_cursor: str | None


class IntegrationPut(Schema):
    model_config = ConfigDict(extra="forbid")

    enabled: bool
    privileges: dict[str, bool] | None = Field(default=None, max_length=50)


class CallServices(Schema):
    bandwidth_optimization: bool


class CallServicesPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    bandwidth_optimization: bool


class ProblemReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(max_length=200)
    description: str = Field(max_length=5000)
    integration: str | None = Field(default=None, max_length=50)


class Reporter(Schema):
    name: str
    email: str


class ProblemReportOut(Schema):
    id: str
    account: PartnerRef
    subject: str
    description: str
    integration: str | None
    integration_name: str | None
    reporter: Reporter
    status: str = Field(description="open | resolved")
    created_at: dt.datetime
    resolved_at: dt.datetime | None


class ProblemReportList(Schema):
    items: list[ProblemReportOut]
    next_cursor: str | None
