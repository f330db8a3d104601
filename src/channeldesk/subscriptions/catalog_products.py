"""Products come from the catalog (catalog.current().entries("products"))."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from channeldesk.catalog.catalog import current, localized


def products() -> list[dict[str, Any]]:
    return current().entries("products")


def product(key: str) -> dict[str, Any] | None:
    return current().get("products", key)


def product_name(key: str, lang: str | None = None) -> str:
    p = product(key)
    return localized(p["name"], lang) if p else key


def product_choices() -> list[tuple[str, str]]:
    return [(p["key"], localized(p["name"])) for p in products()]


def monthly_factor(period: str) -> Decimal:
    return Decimal(1) if period == "monthly" else Decimal(1) / Decimal(12)
