"""The catalog in force: regions, languages, business types, platforms, PBX types,
integrations with privileges, products, voice equipment, contract items.

Loaded from YAML (`default.yaml` until an operator loads another), validated, versioned in the
database, and cached per process.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import orjson
import yaml
from django.db import transaction
from django.utils import translation

from channeldesk.catalog.models import CatalogVersion

DEFAULT_FILE = Path(__file__).with_name("default.yaml")
REQUIRED_LANGS = ("en", "de", "nl")
# Countries whose postal addresses carry the state/province (and whose top-level ISO 3166-2
# subdivisions are the ones used there); a catalog without `addresses` uses these.
DEFAULT_SUBDIVISION_REQUIRED = ("US", "CA", "AU", "MX", "BR", "IN", "JP", "AE")
_CACHE_SECONDS = 10


class CatalogError(ValueError):
    """A catalog document that does not validate; the message names the bad entry."""


def localized(name: Any, lang: str | None = None) -> str:
    if isinstance(name, str):
        return name
    lang = lang or translation.get_language() or "en"
    return (
        name.get(lang)
        or name.get(lang.split("-")[0])
        or name.get("en")
        or next(iter(name.values()))
    )


@dataclass
class Catalog:
    version: int
    doc: dict[str, Any]

    def _index(self, section: str) -> dict[str, dict[str, Any]]:
        return {e["key"]: e for e in self.doc.get(section, [])}

    def entries(self, section: str) -> list[dict[str, Any]]:
        return list(self.doc.get(section, []))

    def get(self, section: str, key: str) -> dict[str, Any] | None:
        return self._index(section).get(key)

    def keys(self, section: str) -> list[str]:
        return [e["key"] for e in self.doc.get(section, [])]

    def name(self, section: str, key: str, lang: str | None = None) -> str:
        entry = self.get(section, key)
        return localized(entry["name"], lang) if entry else key

    def choices(self, section: str, lang: str | None = None) -> list[tuple[str, str]]:
        return [(e["key"], localized(e["name"], lang)) for e in self.doc.get(section, [])]

    def region_for_country(self, country: str) -> str:
        for r in self.doc["regions"]:
            if country in r.get("countries", []):
                return r["key"]
        return self.doc.get("default_region") or self.doc["regions"][0]["key"]

    def subdivision_required(self) -> frozenset[str]:
        """Countries where an address needs its province/state."""
        addresses = self.doc.get("addresses") or {}
        return frozenset(addresses.get("subdivision_required", DEFAULT_SUBDIVISION_REQUIRED))

    def default_platform(self) -> str:
        for p in self.doc["platforms"]:
            if p.get("default"):
                return p["key"]
        return self.doc["platforms"][0]["key"]

    def platform_steps(self, key: str) -> list[str]:
        p = self.get("platforms", key)
        if p is None:
            return []
        middle = ["sync"] if p.get("kind") == "sync" else ["pbx", "connection", "gateway"]
        return ["customer", *middle, "review"]

    def pbx_types(self, platform: str) -> list[dict[str, Any]]:
        p = self.get("platforms", platform)
        return list(p.get("pbx_types", [])) if p else []

    def billing_number_label(self, platform: str, lang: str | None = None) -> str:
        p = self.get("platforms", platform) or {}
        labels = self.doc.get("billing_number_labels", {})
        return localized(
            labels.get(
                p.get("billing_number_label", "sap"), labels.get("sap", "SAP customer number")
            ),
            lang,
        )

    def price(self, entry: dict[str, Any], field: str = "unit_price") -> Decimal:
        return Decimal(str(entry[field]))


def _check_name(where: str, name: Any) -> None:
    if isinstance(name, dict):
        missing = [lang for lang in REQUIRED_LANGS if not name.get(lang)]
        if missing:
            raise CatalogError(f"{where}: name lacks {', '.join(missing)}")
        if not all(isinstance(v, str) for v in name.values()):
            raise CatalogError(f"{where}: every name must be text")
    elif not isinstance(name, str) or not name:
        raise CatalogError(f"{where}: needs a name")


def _check_entries(section: str, entries: list[Any]) -> None:
    seen: set[str] = set()
    for i, e in enumerate(entries):
        where = f"{section}[{i}]"
        if not isinstance(e, dict) or not isinstance(e.get("key"), str) or not e["key"]:
            raise CatalogError(f"{where}: every entry needs a 'key'")
        where = f"{section}.{e['key']}"
        if e["key"] in seen:
            raise CatalogError(f"{where}: duplicate key")
        seen.add(e["key"])
        _check_name(where, e.get("name"))


def _string_list(where: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError(f"{where} must be a list of keys")
    return value


def _check_addresses(addresses: Any) -> None:
    import pycountry

    if addresses is None:
        return
    if not isinstance(addresses, dict):
        raise CatalogError("addresses must be a mapping")
    unknown = set(addresses) - {"subdivision_required"}
    if unknown:
        raise CatalogError(f"addresses: unknown setting '{sorted(unknown)[0]}'")
    where = "addresses.subdivision_required"
    for code in _string_list(where, addresses.get("subdivision_required")):
        if pycountry.countries.get(alpha_2=code) is None:
            raise CatalogError(f"{where}: unknown country code '{code}'")
        if not pycountry.subdivisions.get(country_code=code):
            raise CatalogError(f"{where}: {code} has no provinces/states in ISO 3166-2")


def validate(doc: Any) -> dict[str, Any]:
    """Check a catalog document; raise CatalogError naming the first bad entry."""
    import pycountry

    if not isinstance(doc, dict):
        raise CatalogError("the catalog must be a mapping")
    required = ("regions", "languages", "business_types", "platforms", "integrations", "products")
    for section in required:
        if not isinstance(doc.get(section), list) or not doc[section]:
            raise CatalogError(f"section '{section}' is missing or empty")
    for section, entries in doc.items():
        if isinstance(entries, list):
            _check_entries(section, entries)
    languages = {e["key"] for e in doc["languages"]}
    missing_langs = [lang for lang in REQUIRED_LANGS if lang not in languages]
    if missing_langs:
        raise CatalogError(f"languages: {', '.join(missing_langs)} must be offered")
    regions = {e["key"] for e in doc["regions"]}
    region_of: dict[str, str] = {}
    for r in doc["regions"]:
        for code in _string_list(f"regions.{r['key']}: countries", r.get("countries")):
            if pycountry.countries.get(alpha_2=code) is None:
                raise CatalogError(f"regions.{r['key']}: unknown country code '{code}'")
            if code in region_of:
                # The cloud location of a new customer is derived from its country: one only.
                raise CatalogError(
                    f"regions.{r['key']}: country {code} is already in regions.{region_of[code]}"
                )
            region_of[code] = r["key"]
    _check_addresses(doc.get("addresses"))
    if doc.get("default_region") is not None and doc["default_region"] not in regions:
        raise CatalogError(f"default_region: unknown region '{doc['default_region']}'")
    labels = doc.get("billing_number_labels", {})
    if not isinstance(labels, dict):
        raise CatalogError("billing_number_labels must be a mapping")
    for key, label in labels.items():
        _check_name(f"billing_number_labels.{key}", label)
    for p in doc["platforms"]:
        where = f"platforms.{p['key']}"
        if p.get("kind") not in ("gateway", "sync"):
            raise CatalogError(f"{where}: kind must be gateway or sync")
        label = p.get("billing_number_label", "sap")
        if labels and label not in labels:
            raise CatalogError(f"{where}: unknown billing_number_label '{label}'")
        pbx = p.get("pbx_types", [])
        if not isinstance(pbx, list):
            raise CatalogError(f"{where}: pbx_types must be a list")
        _check_entries(f"{where}.pbx_types", pbx)
        if not pbx:
            # Every onboarding ends with the account's PBX type (chosen in the PBX or Sync step).
            raise CatalogError(f"{where}: needs at least one PBX type")
    integrations = {e["key"]: e for e in doc["integrations"]}
    privileges = {e["key"] for e in doc.get("privileges", [])}
    for e in doc["integrations"]:
        where = f"integrations.{e['key']}"
        if e.get("kind") not in ("vendor", "third_party"):
            raise CatalogError(f"{where}: kind must be vendor or third_party")
        if not isinstance(e.get("requires_gateway_onboarding", False), bool):
            raise CatalogError(f"{where}: requires_gateway_onboarding must be true or false")
        for dep in _string_list(f"{where}: depends_on", e.get("depends_on")):
            if dep not in integrations:
                raise CatalogError(f"{where}: depends on unknown integration '{dep}'")
        for p in _string_list(f"{where}: privileges", e.get("privileges")):
            if p not in privileges:
                raise CatalogError(f"{where}: unknown privilege '{p}'")
    for key in integrations:
        # A dependency cycle would make every integration on it impossible to enable.
        todo = list(integrations[key].get("depends_on") or [])
        seen: set[str] = set()
        while todo:
            dep = todo.pop()
            if dep == key:
                raise CatalogError(f"integrations.{key}: depends on itself (cycle)")
            if dep not in seen:
                seen.add(dep)
                todo += integrations[dep].get("depends_on") or []
    for p in doc["products"]:
        if p.get("billing_period") not in ("monthly", "annual"):
            raise CatalogError(f"products.{p['key']}: billing_period must be monthly or annual")
        try:
            if Decimal(str(p.get("unit_price"))) < 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise CatalogError(
                f"products.{p['key']}: unit_price must be a decimal amount"
            ) from None
        if not isinstance(p.get("currency"), str) or len(p["currency"]) != 3:
            raise CatalogError(f"products.{p['key']}: currency must be an ISO 4217 code")
        _check_settings(f"products.{p['key']}.settings", p.get("settings", []))
    return doc


SETTING_TYPES = ("bool", "text", "choice", "integer")


def _check_settings(where: str, settings: Any) -> None:
    """A product's settings (what the customer or its partner configures, seed 004): typed,
    named in every required language, each with a default that is itself valid."""
    if not isinstance(settings, list):
        raise CatalogError(f"{where} must be a list")
    _check_entries(where, settings)
    for s in settings:
        at, kind, default = f"{where}.{s['key']}", s.get("type"), s.get("default")
        if kind not in SETTING_TYPES:
            raise CatalogError(f"{at}: type must be one of {', '.join(SETTING_TYPES)}")
        if kind == "bool" and not isinstance(default, bool):
            raise CatalogError(f"{at}: default must be true or false")
        if kind == "text":
            limit = s.get("max_length", 200)
            if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 5000:
                raise CatalogError(f"{at}: max_length must be a number from 1 to 5000")
            if not isinstance(default, str) or len(default) > limit:
                raise CatalogError(f"{at}: default must be a text of at most {limit} characters")
        if kind == "choice":
            choices = s.get("choices")
            if not isinstance(choices, list) or not choices:
                raise CatalogError(f"{at}: a choice needs choices")
            _check_entries(f"{at}.choices", choices)
            if default not in [c["key"] for c in choices]:
                raise CatalogError(f"{at}: default must be one of its choices")
        if kind == "integer":
            low, high = s.get("min"), s.get("max")
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
                raise CatalogError(f"{at}: an integer needs whole-number min and max")
            if (
                low > high
                or isinstance(default, bool)
                or not isinstance(default, int)
                or not low <= default <= high
            ):
                raise CatalogError(f"{at}: default must lie between min and max")


def parse(text: str) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"not valid YAML: {exc}") from None
    return validate(doc)


_lock = threading.Lock()
_cached: tuple[float, Catalog] | None = None


def current() -> Catalog:
    global _cached
    now = time.monotonic()
    cached = _cached
    if cached and now - cached[0] < _CACHE_SECONDS:
        return cached[1]
    with _lock:
        row = CatalogVersion.objects.order_by("-id").only("id").first()
        if cached and row and cached[1].version == row.id:
            _cached = (now, cached[1])
            return cached[1]
        if row is None:
            cat = Catalog(version=0, doc=parse(DEFAULT_FILE.read_text()))
        else:
            cat = Catalog(version=row.id, doc=CatalogVersion.objects.get(id=row.id).document)
        _cached = (now, cat)
        return cat


def invalidate() -> None:
    global _cached
    _cached = None


def check_in_use(doc: dict[str, Any]) -> None:
    """Refuse a catalog that drops entries the data still uses (naming each and its users)."""
    from channeldesk.catalog.usage import dropped_in_use

    problems = dropped_in_use(doc)
    if problems:
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise CatalogError(
            "entries still in use cannot be dropped: " + "; ".join(problems[:10]) + more
        )


def _key_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Per section, the keys a load adds and removes (what the audit event tells)."""
    out: dict[str, Any] = {}
    for section in sorted({*before, *after}):
        old, new = before.get(section), after.get(section)
        if not (isinstance(old, list) or isinstance(new, list)):
            if old != new:
                out[section] = "changed"
            continue
        old_keys = {str(e.get("key")) for e in old or [] if isinstance(e, dict)}
        new_keys = {str(e.get("key")) for e in new or [] if isinstance(e, dict)}
        added, removed = sorted(new_keys - old_keys), sorted(old_keys - new_keys)
        if added or removed:
            out[section] = {"added": added, "removed": removed}
        elif old != new:
            out[section] = "changed"
    return out


@transaction.atomic
def load(text: str, source: str = "", actor: Any = None) -> tuple[CatalogVersion, bool]:
    """Validate and store a catalog as a new version; loading the document that is already
    current changes nothing (idempotent). Nothing is stored when it does not validate or when
    it drops an entry still in use. Every new version is audited (`catalog.loaded`)."""
    from channeldesk.audit.events import record
    from channeldesk.tenancy.actor import Actor

    doc = parse(text)
    digest = hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)).hexdigest()
    latest = CatalogVersion.objects.select_for_update().order_by("-id").first()
    if latest is not None and latest.digest == digest:
        return latest, False
    check_in_use(doc)
    before = latest.document if latest is not None else parse(DEFAULT_FILE.read_text())
    row = CatalogVersion.objects.create(digest=digest, source=source[:300], document=doc)
    if actor is None:
        from channeldesk.tenancy.models import Organization

        try:
            actor = Actor.system()
        except Organization.DoesNotExist:  # loaded before `channeldesk init`
            actor = None
    record(
        actor,
        "catalog.loaded",
        organization=actor.organization if actor else None,
        target=row,
        changes={
            "version": row.id,
            "source": row.source,
            "digest": digest,
            "previous_version": latest.id if latest is not None else 0,
            "sections": _key_changes(before, doc),
        },
    )
    transaction.on_commit(invalidate)
    return row, True
