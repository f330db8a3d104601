from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from channeldesk.api.schemas import PatchIn


class PartnerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["distributor", "reseller"]
    name: str = Field(max_length=200)
    street: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=20)
    country: str = Field(default="", max_length=2)
    subdivision: str = Field(default="", max_length=10)
    phone: str = Field(default="", max_length=30)
    support_email: str = Field(default="", max_length=254)
    listed: bool = False
    default_language: str = Field(default="en", max_length=8)
    parent_id: str | None = Field(default=None, max_length=26)


class PartnerPatch(PatchIn):
    name: str | None = Field(default=None, max_length=200)
    street: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=2)
    subdivision: str | None = Field(default=None, max_length=10)
    phone: str | None = Field(default=None, max_length=30)
    support_email: str | None = Field(default=None, max_length=254)
    listed: bool | None = None
    default_language: str | None = Field(default=None, max_length=8)


class PartnerOut(Schema):
    id: str
    kind: str
    name: str
    street: str
    city: str
    postal_code: str
    country: str
    subdivision: str
    phone: str
    support_email: str
    listed: bool
    status: str
    parent_id: str | None
    default_language: str
    created_at: dt.datetime
    updated_at: dt.datetime
    etag: str


class PartnerList(Schema):
    items: list[PartnerOut]
    next_cursor: str | None


class PartnerSearchItem(Schema):
    id: str
    name: str
    city: str
    country: str


class PartnerSearchOut(Schema):
    items: list[PartnerSearchItem]
