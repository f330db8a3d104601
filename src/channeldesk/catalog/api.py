"""GET /catalog, GET /products."""

from __future__ import annotations

from ninja import Router

from channeldesk.catalog.catalog import current, localized
from channeldesk.tenancy import permissions

router = Router(tags=["catalog"])


def _named(entries, **extra_fields):
    return [
        {**{k: v for k, v in e.items() if k != "name"}, "name": localized(e["name"])}
        for e in entries
    ]


def setting_out(d: dict) -> dict:
    """A product setting's definition (values are PATCHed on /subscriptions/{id})."""
    out = {k: v for k, v in d.items() if k not in ("name", "choices")}
    out["name"] = localized(d["name"])
    if "choices" in d:
        out["choices"] = _named(d["choices"])
    return out


def product_out(p: dict, *, with_prices: bool) -> dict:
    out = {
        "key": p["key"],
        "name": localized(p["name"]),
        "vendor": p.get("vendor", ""),
        "unit": p.get("unit", "user"),
        "billing_period": p["billing_period"],
        "self_service": bool(p.get("self_service")),
        "settings": [setting_out(d) for d in p.get("settings", [])],
    }
    if with_prices:
        out["unit_price"] = {"amount": str(p["unit_price"]), "currency": p["currency"]}
    return out


@router.get("/catalog")
def catalog(request):
    cat = current()
    can_see_prices = permissions.can(request.auth, "wholesale.view")
    return {
        "version": cat.version,
        "regions": _named(cat.entries("regions")),
        "business_types": _named(cat.entries("business_types")),
        "languages": _named(cat.entries("languages")),
        "platforms": [
            {
                "key": p["key"],
                "name": localized(p["name"]),
                "kind": p["kind"],
                "steps": cat.platform_steps(p["key"]),
                "pbx_types": _named(p.get("pbx_types", [])),
                "billing_customer_number_label": cat.billing_number_label(p["key"]),
            }
            for p in cat.entries("platforms")
        ],
        "integrations": _named(cat.entries("integrations")),
        "privileges": _named(cat.entries("privileges")),
        "products": [product_out(p, with_prices=can_see_prices) for p in cat.entries("products")],
        "voice_equipment": _named(cat.entries("voice_equipment")),
    }


@router.get("/products")
def products(request):
    cat = current()
    return {
        "items": [
            product_out(p, with_prices=permissions.can(request.auth, "wholesale.view"))
            for p in cat.entries("products")
        ],
        "next_cursor": None,
    }
