from __future__ import annotations

import datetime as dt

from ninja import Schema


class NotificationOut(Schema):
    id: str
    kind: str
    text: str
    link: str
    read_at: dt.datetime | None
    created_at: dt.datetime


class NotificationList(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


class OutboxOut(Schema):
    id: str
    to: str
    subject: str
    template: str
    language: str
    status: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


class OutboxList(Schema):
    items: list[OutboxOut]
    next_cursor: str | None
