"""Contract items of the catalog (base package, site product, resources) and their prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from channeldesk.catalog.catalog import current, localized

RESOURCE_KINDS = ("parallel_calls", "budget", "flatrate")
# Booked on a base package: its central resources and the services (seed 002 "Serviceleistungen").
SERVICE_KINDS = (*RESOURCE_KINDS, "service")
ORDERABLE_KINDS = ("base_package", "site_product", *SERVICE_KINDS)
CENT = Decimal("0.01")


def items() -> list[dict[str, Any]]:
    return current().entries("contract_items")


def item(key: str) -> dict[str, Any] | None:
    return current().get("contract_items", key)


def first_of_kind(kind: str) -> dict[str, Any] | None:
    return next((e for e in items() if e.get("kind") == kind), None)


def price(entry: dict[str, Any], field: str = "monthly_price") -> Decimal:
    return Decimal(str(entry.get(field, "0"))).quantize(CENT)


def charge(entry: dict[str, Any]) -> str:
    """ "once" for a one-time service (priced by `price`), else "monthly" (`monthly_price`)."""
    return "once" if entry.get("charge") == "once" else "monthly"


def unit_price(entry: dict[str, Any]) -> Decimal:
    return price(entry, "price" if charge(entry) == "once" else "monthly_price")


def includes(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The central resources a base package comes with (catalog `includes`: resource keys).
    A key the catalog does not have (any more) is an error of the catalog: raises KeyError."""
    out = []
    for key in entry.get("includes") or []:
        found = item(str(key))
        if found is None or found.get("kind") not in RESOURCE_KINDS:
            raise KeyError(key)
        out.append(found)
    return out


def ip_connection(entry: dict[str, Any]) -> dict[str, str]:
    """The IP connection a site product comes with (catalog `ip_connection`)."""
    conn = entry.get("ip_connection")
    if not isinstance(conn, dict) or not conn.get("type") or not conn.get("bandwidth"):
        raise KeyError("ip_connection")
    return {"type": str(conn["type"])[:50], "bandwidth": str(conn["bandwidth"])[:50]}


def name(entry: dict[str, Any], lang: str | None = None) -> str:
    return localized(entry["name"], lang)


def service_choices(lang: str | None = None) -> list[tuple[str, str]]:
    return [
        (e["key"], localized(e["name"], lang)) for e in items() if e.get("kind") in SERVICE_KINDS
    ]


def money(amount: Decimal | None, currency: str) -> dict[str, str] | None:
    if amount is None:
        return None
    return {"amount": str(Decimal(amount).quantize(CENT)), "currency": currency}
