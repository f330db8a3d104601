"""Where the billing run gets its invoice lines from. Apps register a source in their
AppConfig.ready() (e.g. subscriptions: one wholesale invoice per partner per period).

A source is `func(period: str) -> list[InvoiceDraft]` ("YYYY-MM"); the billing run issues each
draft once per (source, key, period) -- running it twice issues nothing new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class LineDraft:
    description: str
    quantity: Decimal
    unit_price: Decimal
    currency: str


@dataclass
class InvoiceDraft:
    source: str  # e.g. "subscriptions.wholesale"
    key: str  # unique within source and period, e.g. the partner's id
    issuer_id: str  # organization that issues the invoice (numbering is per issuer)
    bill_to_id: str  # organization the invoice is addressed to (decides who may see it)
    currency: str
    lines: list[LineDraft] = field(default_factory=list)


SOURCES: dict[str, Callable[[str], list[InvoiceDraft]]] = {}


def register(name: str, func: Callable[[str], list[InvoiceDraft]]) -> None:
    SOURCES[name] = func
