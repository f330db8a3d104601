from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class OnboardingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    platform: str = Field(max_length=50)


class AdminContactIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)


class SupportContactIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    role: str = Field(default="", max_length=20)


class CustomerStepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=200)
    street: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=20)
    country: str = Field(default="", max_length=2)
    subdivision: str = Field(default="", max_length=10)
    default_language: str = Field(default="en", max_length=8)
    business_type: str = Field(default="", max_length=50)
    cloud_region: str = Field(default="", max_length=50)
    domains: list[str] = Field(default_factory=list, max_length=100)
    admin_contacts: list[AdminContactIn] = Field(default_factory=list, max_length=50)
    support_contacts: list[SupportContactIn] = Field(default_factory=list, max_length=50)


class PbxStepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    pbx_type: str = Field(default="", max_length=50)
    name: str = Field(default="", max_length=100)
    software_version: str = Field(default="", max_length=50)


class ConnectionStepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    host: str = Field(default="", max_length=253)
    port: int | None = Field(default=None)
    username: str = Field(default="", max_length=100)
    password: str = Field(default="", max_length=200)


class SiteAddressIn(Schema):
    model_config = ConfigDict(extra="forbid")

    street: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=20)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="", max_length=2)
    subdivision: str = Field(default="", max_length=10)


class GatewayStepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    serial_number: str = Field(default="", max_length=40)
    mac_address: str = Field(default="", max_length=40)
    site_address: SiteAddressIn | None = None


class SyncStepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    pbx_type: str = Field(default="", max_length=50)
    system_id: str = Field(default="", max_length=100)
    csv: str = Field(default="", max_length=1_000_000)


STEP_SCHEMAS: dict[str, type[Schema]] = {
    "customer": CustomerStepIn,
    "pbx": PbxStepIn,
    "connection": ConnectionStepIn,
    "gateway": GatewayStepIn,
    "sync": SyncStepIn,
}


class ConnectionTestOut(Schema):
    ok: bool
    detail: str
    tested_at: dt.datetime


class WarningOut(Schema):
    field: str
    message: str
    matches: list[str] = []


class OnboardingOut(Schema):
    id: str
    platform: str
    steps: list[str]
    current_step: str
    completed_steps: list[str]
    status: str
    data: dict[str, Any]
    connection_test: dict[str, Any] | None
    account_id: str | None
    warnings: list[WarningOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class OnboardingList(Schema):
    items: list[OnboardingOut]
    next_cursor: str | None


class CompletedOut(Schema):
    account: dict[str, Any]
