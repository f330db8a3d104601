from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field


class LoginIn(Schema):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)
    password: str = Field(max_length=1000)


class OrganizationRef(Schema):
    id: str
    name: str
    kind: str


class MembershipOut(Schema):
    organization: OrganizationRef
    role: str


class MeOut(Schema):
    id: str
    email: str
    name: str
    language: str
    memberships: list[MembershipOut]


class MePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    language: str | None = Field(default=None, max_length=8)


class PasswordSetIn(Schema):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(max_length=200)
    password: str = Field(max_length=1000)
    name: str = Field(default="", max_length=200)


class PasswordResetIn(Schema):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=100)
    expires_in_days: int | None = Field(default=None, ge=1, le=730)


class TokenOut(Schema):
    id: str
    name: str
    hint: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(Schema):
    id: str
    name: str
    token: str
    expires_at: dt.datetime | None


class TokenList(Schema):
    items: list[TokenOut]
    next_cursor: str | None


class UserInviteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)
    name: str = Field(default="", max_length=200)
    role: str = Field(max_length=30)


class UserPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    role: str = Field(max_length=30)


class OrgUserOut(Schema):
    id: str  # the user's id
    email: str
    name: str
    role: str
    membership_id: str
    created_at: dt.datetime


class OrgUserList(Schema):
    items: list[OrgUserOut]
    next_cursor: str | None
