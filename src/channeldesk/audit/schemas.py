from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class AuditEventOut(Schema):
    id: str
    at: dt.datetime
    action: str
    actor: str = Field(validation_alias="actor_label")
    organization_id: str | None
    target_type: str
    target_id: str
    changes: dict[str, Any]
    ip: str
    request_id: str
    outcome: str


class AuditEventList(Schema):
    items: list[AuditEventOut]
    next_cursor: str | None


class WebhookIn(Schema):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=500)
    events: list[str] = Field(min_length=1, max_length=20)


class WebhookOut(Schema):
    id: str
    url: str
    events: list[str]
    active: bool
    created_at: dt.datetime


class WebhookCreatedOut(WebhookOut):
    secret: str


class WebhookList(Schema):
    items: list[WebhookOut]
    next_cursor: str | None


class DeliveryOut(Schema):
    id: str
    event: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None


class DeliveryList(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None
