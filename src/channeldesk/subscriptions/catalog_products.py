"""Products come from the catalog (catalog.current().entries("products"))."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from channeldesk.catalog.catalog import current, localized
from channeldesk.core.errors import FieldError
from channeldesk.tenancy.validation import raise_if


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


# ---- product settings (catalog `settings:` of a product) ------------------------------------


def setting_defs(key: str) -> list[dict[str, Any]]:
    p = product(key)
    return list(p.get("settings", [])) if p else []


def effective_settings(key: str, stored: dict[str, Any] | None) -> dict[str, Any]:
    """Every setting the catalog defines for the product: the stored value, else the default.
    Values of settings the catalog no longer defines are left out."""
    stored = stored or {}
    return {d["key"]: stored.get(d["key"], d["default"]) for d in setting_defs(key)}


def clean_settings(key: str, values: Any) -> dict[str, Any]:
    """Validate `values` (a mapping of setting key -> value) against the product's definitions;
    ValidationFailed names every bad one (field `settings.<key>`)."""
    defs = {d["key"]: d for d in setting_defs(key)}
    if not isinstance(values, dict):
        raise_if([FieldError("settings", _("Give the settings as key and value."))])
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    for name, value in values.items():
        field = f"settings.{name}"
        d = defs.get(name)
        if d is None:
            errors.append(FieldError(field, _("This product has no such setting.")))
            continue
        kind = d["type"]
        if kind == "bool":
            if not isinstance(value, bool):
                errors.append(FieldError(field, _("Must be true or false.")))
                continue
        elif kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                errors.append(FieldError(field, _("Enter a whole number.")))
                continue
            if not d["min"] <= value <= d["max"]:
                errors.append(
                    FieldError(
                        field,
                        _("Enter a number from %(min)s to %(max)s.")
                        % {"min": d["min"], "max": d["max"]},
                    )
                )
                continue
        elif kind == "choice":
            if value not in [c["key"] for c in d["choices"]]:
                errors.append(FieldError(field, _("Choose one of the offered values.")))
                continue
        else:  # text
            if not isinstance(value, str):
                errors.append(FieldError(field, _("Enter a text.")))
                continue
            value = value.strip()
            limit = d.get("max_length", 200)
            if len(value) > limit:
                errors.append(FieldError(field, _("At most %(n)s characters.") % {"n": limit}))
                continue
        out[name] = value
    raise_if(errors)
    return out
