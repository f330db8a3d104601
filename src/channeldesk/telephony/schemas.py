from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field

Forbid = ConfigDict(extra="forbid")


class _Out(Schema):
    id: str
    created_at: dt.datetime
    updated_at: dt.datetime
    etag: str


class UserRef(Schema):
    id: str
    name: str
    email: str


class Ref(Schema):
    id: str
    name: str


# ---- voice equipment


class EquipmentIn(Schema):
    model_config = Forbid
    kind: str = Field(max_length=50)
    name: str = Field(default="", max_length=200)


class EquipmentPatch(Schema):
    model_config = Forbid
    name: str | None = Field(default=None, max_length=200)


class EquipmentOut(_Out):
    kind: str
    kind_name: str
    category: str
    name: str


class EquipmentList(Schema):
    items: list[EquipmentOut]
    next_cursor: str | None


# ---- numbering plan


class PlanPatch(Schema):
    model_config = Forbid
    extension_length: int


class PlanOut(_Out):
    extension_length: int


class RangeIn(Schema):
    model_config = Forbid
    first: str = Field(max_length=8)
    last: str = Field(max_length=8)
    label: str = Field(default="", max_length=100)


class RangePatch(Schema):
    model_config = Forbid
    first: str | None = Field(default=None, max_length=8)
    last: str | None = Field(default=None, max_length=8)
    label: str | None = Field(default=None, max_length=100)


class RangeOut(_Out):
    first: str
    last: str
    label: str


class RangeList(Schema):
    items: list[RangeOut]
    next_cursor: str | None


# ---- extensions


class ExtensionIn(Schema):
    model_config = Forbid
    number: str = Field(max_length=8)
    kind: str = Field(max_length=10)
    name: str = Field(default="", max_length=100)
    user_id: str | None = Field(default=None, max_length=26)
    attendant_id: str | None = Field(default=None, max_length=26)
    phone_number: str | None = Field(default=None, max_length=30)


class ExtensionPatch(Schema):
    model_config = Forbid
    number: str | None = Field(default=None, max_length=8)
    name: str | None = Field(default=None, max_length=100)
    user_id: str | None = Field(default=None, max_length=26)
    attendant_id: str | None = Field(default=None, max_length=26)
    phone_number: str | None = Field(default=None, max_length=30)


class ExtensionOut(_Out):
    number: str
    kind: str
    name: str
    user: UserRef | None
    attendant: Ref | None
    phone_number: str | None


class ExtensionList(Schema):
    items: list[ExtensionOut]
    next_cursor: str | None


# ---- devices


class DeviceIn(Schema):
    model_config = Forbid
    model: str = Field(max_length=100)
    mac: str = Field(max_length=30)
    user_id: str | None = Field(default=None, max_length=26)
    extension: str | None = Field(default=None, max_length=8)


class DevicePatch(Schema):
    model_config = Forbid
    model: str | None = Field(default=None, max_length=100)
    mac: str | None = Field(default=None, max_length=30)
    user_id: str | None = Field(default=None, max_length=26)
    extension: str | None = Field(default=None, max_length=8)


class DeviceOut(_Out):
    model: str
    mac: str
    user: UserRef | None
    extension: str | None


class DeviceList(Schema):
    items: list[DeviceOut]
    next_cursor: str | None


# ---- attendants


class Hours(Schema):
    model_config = Forbid
    open: str = Field(max_length=5)
    close: str = Field(max_length=5)


class AttendantIn(Schema):
    model_config = Forbid
    name: str = Field(max_length=100)
    greeting: str = Field(default="", max_length=2000)
    business_hours: dict[str, Hours | None] | None = None
    menu: dict[str, str] | None = None
    timeout_seconds: int = 10
    timeout_destination: str | None = Field(default=None, max_length=8)


class AttendantPatch(Schema):
    model_config = Forbid
    name: str | None = Field(default=None, max_length=100)
    greeting: str | None = Field(default=None, max_length=2000)
    business_hours: dict[str, Hours | None] | None = None
    menu: dict[str, str] | None = None
    timeout_seconds: int | None = None
    timeout_destination: str | None = Field(default=None, max_length=8)


class AttendantOut(_Out):
    name: str
    greeting: str
    business_hours: dict[str, Hours | None]
    menu: dict[str, str]
    timeout_seconds: int
    timeout_destination: str | None


class AttendantList(Schema):
    items: list[AttendantOut]
    next_cursor: str | None


# ---- welcome service


class WelcomeIn(Schema):
    model_config = Forbid
    greeting: str = Field(max_length=2000)
    enabled: bool = True


class WelcomePatch(Schema):
    model_config = Forbid
    greeting: str | None = Field(default=None, max_length=2000)
    enabled: bool | None = None


class WelcomeOut(_Out):
    greeting: str
    enabled: bool


class WelcomeList(Schema):
    items: list[WelcomeOut]
    next_cursor: str | None


# ---- emergency numbers


class EmergencyIn(Schema):
    model_config = Forbid
    site_product_id: str = Field(max_length=26)
    number: str = Field(max_length=8)
    # default: the site's address
    caller_location: str | None = Field(default=None, max_length=300)


class EmergencyPatch(Schema):
    model_config = Forbid
    site_product_id: str | None = Field(default=None, max_length=26)
    number: str | None = Field(default=None, max_length=8)
    # "" goes back to the site's address
    caller_location: str | None = Field(default=None, max_length=300)


class EmergencyOut(_Out):
    site: Ref | None
    number: str
    caller_location: str
    location_overridden: bool


class EmergencyList(Schema):
    items: list[EmergencyOut]
    next_cursor: str | None
