from __future__ import annotations

import datetime as dt

from ninja import Schema

from channeldesk.contracts.schemas import Money, Ref


class InvoiceLineOut(Schema):
    description: str
    quantity: str
    unit_price: Money
    amount: Money


class InvoiceOut(Schema):
    id: str
    number: str
    issuer: Ref
    bill_to: Ref
    period: str
    source: str
    total: Money
    issued_at: dt.datetime
    pdf_url: str
    lines: list[InvoiceLineOut] | None = None


class InvoiceList(Schema):
    items: list[InvoiceOut]
    next_cursor: str | None
