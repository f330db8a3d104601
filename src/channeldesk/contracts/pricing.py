"""Contract items of the catalog (base package, site product, resources) and their prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from channeldesk.catalog.catalog import current, localized

RESOURCE_KINDS = ("parallel_calls", "budget", "flatrate")
ORDERABLE_KINDS = ("base_package", "site_product", *RESOURCE_KINDS)
CENT = Decimal("0.01")


def items() -> list[dict[str, Any]]:
    return current().entries("contract_items")


def item(key: str) -> dict[str, Any] | None:
    return current().get("contract_items", key)


def first_of_kind(kind: str) -> dict[str, Any] | None:
    return next((e for e in items() if e.get("kind") == kind), None)


def price(entry: dict[str, Any], field: str = "monthly_price") -> Decimal:
    return Decimal(str(entry.get(field, "0"))).quantize(CENT)


def name(entry: dict[str, Any], lang: str | None = None) -> str:
    return localized(entry["name"], lang)


def service_choices(lang: str | None = None) -> list[tuple[str, str]]:
    return [
        (e["key"], localized(e["name"], lang)) for e in items() if e.get("kind") in RESOURCE_KINDS
    ]


def money(amount: Decimal | None, currency: str) -> dict[str, str] | None:
    if amount is None:
        return None
    return {"amount": str(Decimal(amount).quantize(CENT)), "currency": currency}
