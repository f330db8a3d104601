"""Areas of the number pool: the national destination code of a number, its place name, and
which area a site's numbers come from (its city, or the one chosen in the order)."""

from __future__ import annotations

import unicodedata

import phonenumbers
from phonenumbers import geocoder

from channeldesk.contracts.models import NumberArea, PhoneNumber

NAME_LANGUAGES = ("en", "de", "nl")


def area_of(number: phonenumbers.PhoneNumber) -> str:
    """The national destination code ("40" for +49 40 ...); "" where a country has none."""
    length = phonenumbers.length_of_national_destination_code(number)
    return phonenumbers.national_significant_number(number)[:length] if length else ""


def dialled(country: str, area: str) -> str:
    """The area as people dial it at home: "040" in Germany ("0" trunk prefix + code)."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(country)
    prefix = meta.national_prefix if meta is not None else None
    return f"{prefix}{area}" if prefix == "0" and area else area


def place(sample: str, lang: str = "en") -> str:
    try:
        return geocoder.description_for_number(phonenumbers.parse(sample, None), lang)
    except phonenumbers.NumberParseException:
        return ""


def label(a: NumberArea, lang: str = "en") -> str:
    """ "040 Hamburg"."""
    name = place(a.sample, lang)
    code = dialled(a.country, a.area) or "—"
    return f"{code} {name}".strip()


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


def matches_city(a: NumberArea, city: str) -> bool:
    """Does the area's place name (in any of our languages) name this city? "Frankfurt"
    matches "Frankfurt am Main"; "Muenchen"/"München"/"Munich" all match 089."""
    want = _norm(city).replace("ue", "u").replace("oe", "o").replace("ae", "a")
    if not want:
        return False
    for lang in NAME_LANGUAGES:
        name = _norm(place(a.sample, lang)).replace("ue", "u").replace("oe", "o")
        name = name.replace("ae", "a")
        if name and (name == want or name.startswith(want + " ") or want.startswith(name + " ")):
            return True
    return False


def areas(country: str) -> list[NumberArea]:
    return list(NumberArea.objects.filter(country=country).order_by("area"))


def has_free(country: str, area: str) -> bool:
    return PhoneNumber.objects.filter(account__isnull=True, country=country, area=area).exists()


def with_free_numbers(country: str) -> list[NumberArea]:
    """The pool's areas of a country that have free numbers now (what an order can choose)."""
    return [a for a in areas(country) if has_free(a.country, a.area)]


def for_city(country: str, city: str) -> NumberArea | None:
    """The pool's area for the site's city, preferring one with free numbers."""
    found = [a for a in areas(country) if matches_city(a, city)]
    free = [a for a in found if has_free(a.country, a.area)]
    best = free or found
    return best[0] if best else None
