"""Address validation shared by partners and customer accounts (product.md §3)."""

from __future__ import annotations

import functools
import gettext
import re

import pycountry
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from channeldesk.core.errors import FieldError, ValidationFailed

# Postal code formats of the countries the product is sold in most (issue: at least these).
POSTAL_CODE_FORMATS: dict[str, str] = {
    "DE": r"\d{5}",
    "AT": r"\d{4}",
    "CH": r"\d{4}",
    "NL": r"\d{4} ?[A-Z]{2}",
    "BE": r"\d{4}",
    "FR": r"\d{5}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "US": r"\d{5}(-\d{4})?",
    "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
    "IT": r"\d{5}",
    "ES": r"\d{5}",
    "DK": r"\d{4}",
    "SE": r"\d{3} ?\d{2}",
    "PL": r"\d{2}-\d{3}",
    "IE": r"[A-Z]\d{2} ?[A-Z\d]{4}",
    "AU": r"\d{4}",
}

# Countries (and territories) without a postal code system: no postal code is asked for there.
# Source: the Universal Postal Union's addressing data and Google's address metadata (no "zip"
# element), as of 2024.
_NO_POSTAL_CODE = (
    "AE AG AO AW BF BI BJ BO BS BW BZ CD CF CG CI CK CM DJ DM ER FJ GA GD GH GM GQ GY HK KI KM "
    "KN KP LC ML MO MR MS MW NR NU QA RW SB SC SL SR ST SY TD TF TG TK TL TO TV UG VU YE ZW"
)
NO_POSTAL_CODE: frozenset[str] = frozenset(_NO_POSTAL_CODE.split(" "))


def subdivision_required(country: str) -> bool:
    """Whether an address in `country` needs its province/state: the catalog lists those
    countries (`addresses.subdivision_required`)."""
    from channeldesk.catalog.catalog import current

    return country in current().subdivision_required()


def subdivision_blank(country: str) -> tuple[str, str]:
    """The empty choice of a province/state list: it says whether the country needs one."""
    if not country or not subdivision_choices(country):
        return ("", "—")
    if subdivision_required(country):
        return ("", _("— please choose —"))
    return ("", _("— optional —"))


def postal_code_required(country: str) -> bool:
    return bool(country) and country not in NO_POSTAL_CODE


@functools.cache
def _iso3166(lang: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[lang] if lang else [], fallback=True
    )


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country, named and sorted in the active language."""
    names = _iso3166(get_language() or "en")
    return sorted(
        ((c.alpha_2, names.gettext(c.name)) for c in pycountry.countries),
        key=lambda c: strxfrm_key(c[1]),
    )


def country_name(code: str) -> str:
    """The name of a country code in the active language ("" stays "")."""
    c = pycountry.countries.get(alpha_2=code) if code else None
    return _iso3166(get_language() or "en").gettext(c.name) if c else code


def strxfrm_key(name: str) -> str:
    """Sort key that puts Ö next to O (no locale dependency)."""
    import unicodedata

    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def subdivision_choices(country: str) -> list[tuple[str, str]]:
    subs = pycountry.subdivisions.get(country_code=country) or []
    return sorted(((s.code, s.name) for s in subs if s.parent_code is None), key=lambda s: s[1])


@functools.cache
def subdivision_codes(country: str) -> frozenset[str]:
    """The codes of subdivision_choices(country), for checks (once per country)."""
    return frozenset(code for code, _name in subdivision_choices(country))


def validate_address(data: dict, *, required: bool) -> list[FieldError]:
    """Check country / subdivision / postal code in `data` (normalising them in place)."""
    errors: list[FieldError] = []
    country = (data.get("country") or "").strip().upper()
    data["country"] = country
    if not country:
        if required:
            errors.append(FieldError("country", _("Choose a country.")))
        return errors
    if pycountry.countries.get(alpha_2=country) is None:
        errors.append(
            FieldError("country", _("Unknown country code (ISO 3166-1 alpha-2 expected)."))
        )
        return errors
    sub = (data.get("subdivision") or "").strip().upper()
    data["subdivision"] = sub
    if sub:
        if sub not in subdivision_codes(country):
            errors.append(
                FieldError("subdivision", _("This province/state does not belong to the country."))
            )
    elif required and subdivision_required(country):
        errors.append(FieldError("subdivision", _("Choose the province/state.")))
    postal = (data.get("postal_code") or "").strip().upper()
    if "postal_code" in data:
        data["postal_code"] = postal
    pattern = POSTAL_CODE_FORMATS.get(country)
    if postal and pattern and not re.fullmatch(pattern, postal):
        errors.append(
            FieldError("postal_code", _("This postal code does not match the country's format."))
        )
    elif not postal and required and postal_code_required(country):
        errors.append(FieldError("postal_code", _("Enter the postal code.")))
    return errors


def raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)
