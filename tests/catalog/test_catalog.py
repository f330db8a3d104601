"""The catalog: the default document, validation naming the bad entry, idempotent and
versioned loading, translated names, `channeldesk catalog load`."""

from __future__ import annotations

import copy

import pytest
import yaml
from django.core.management import CommandError, call_command

from channeldesk.catalog import catalog
from channeldesk.catalog.catalog import DEFAULT_FILE, CatalogError, parse, validate
from channeldesk.catalog.models import CatalogVersion


@pytest.fixture
def doc() -> dict:
    return yaml.safe_load(DEFAULT_FILE.read_text())


def test_default_catalog_is_valid_and_names_the_issue_entries(doc):
    validate(copy.deepcopy(doc))
    cat = catalog.Catalog(version=0, doc=doc)
    vendor = {e["key"] for e in doc["integrations"] if e["kind"] == "vendor"}
    third = {e["key"] for e in doc["integrations"] if e["kind"] == "third_party"}
    assert {
        "gateway",
        "contact_center",
        "collaboration",
        "softphone",
        "meetings",
        "voice_assistant",
        "call_control",
    } <= vendor
    assert {"single_sign_on", "directory_sync", "office_suite", "team_chat"} <= third
    assert {"delegated_authentication", "allow_guest_access"} <= set(cat.keys("privileges"))
    assert {"en", "de", "nl", "fr"} <= set(cat.keys("languages"))
    assert cat.billing_number_label("cloud_gateway", "de") == "SAP-Kundennummer"
    assert cat.billing_number_label("cloud_connect", "en") == "Billing customer number"
    assert cat.region_for_country("NL") == "eu-west"
    # YAML reads a bare NO as false: Norway must stay a country code.
    assert "NO" in cat.get("regions", "eu-central")["countries"]
    assert cat.region_for_country("ZA") == "eu-central"  # the default region
    assert cat.platform_steps("smb_sync") == ["customer", "sync", "review"]
    assert cat.pbx_types("cloud_gateway")[0]["key"] == "mivoice_business"


@pytest.mark.parametrize("lang", ["en", "de", "nl"])
def test_every_name_is_translated(doc, lang):
    def names(node):
        if isinstance(node, dict):
            if "key" in node and "name" in node:
                yield node["key"], node["name"]
            for v in node.values():
                yield from names(v)
        elif isinstance(node, list):
            for v in node:
                yield from names(v)

    for key, name in names(doc):
        assert isinstance(name, dict) and name.get(lang), f"{key} lacks {lang}"
    cat = catalog.Catalog(version=0, doc=doc)
    expected = {
        "en": "Allow guest access",
        "de": "Gastzugang erlauben",
        "nl": "Gasttoegang toestaan",
    }
    assert cat.name("privileges", "allow_guest_access", lang) == expected[lang]


def _broken(doc, change):
    d = copy.deepcopy(doc)
    change(d)
    return d


def _integration(d, key):
    return next(e for e in d["integrations"] if e["key"] == key)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.pop("integrations"), "section 'integrations' is missing"),
        (lambda d: d["regions"].append(d["regions"][0]), "regions.eu-central: duplicate key"),
        (lambda d: d["business_types"].append({"name": "x"}), "business_types[9]: every entry"),
        (
            lambda d: _integration(d, "meetings")["name"].pop("nl"),
            "integrations.meetings: name lacks nl",
        ),
        (
            lambda d: _integration(d, "voice_assistant").update(depends_on=["fax"]),
            "integrations.voice_assistant: depends on unknown integration 'fax'",
        ),
        (
            lambda d: _integration(d, "meetings").update(privileges=["teleport"]),
            "integrations.meetings: unknown privilege 'teleport'",
        ),
        (
            lambda d: _integration(d, "meetings").update(kind="partner"),
            "integrations.meetings: kind must be vendor or third_party",
        ),
        (
            lambda d: _integration(d, "gateway").update(depends_on=["call_control"]),
            "integrations.gateway: depends on itself (cycle)",
        ),
        (
            lambda d: _integration(d, "gateway").update(requires_gateway_onboarding="yes"),
            "integrations.gateway: requires_gateway_onboarding must be true or false",
        ),
        (
            lambda d: d["regions"][0]["countries"].append("XY"),
            "regions.eu-central: unknown country code 'XY'",
        ),
        (lambda d: d.update(default_region="mars"), "default_region: unknown region 'mars'"),
        (
            lambda d: d["platforms"][0]["pbx_types"][0]["name"].pop("de"),
            "platforms.cloud_gateway.pbx_types.mivoice_business: name lacks de",
        ),
        (
            lambda d: d["platforms"][0].update(billing_number_label="erp"),
            "platforms.cloud_gateway: unknown billing_number_label 'erp'",
        ),
        (
            lambda d: d["products"][0].update(unit_price="cheap"),
            "products.signatures_m365: unit_price must be a decimal amount",
        ),
        (
            lambda d: d.update(languages=[e for e in d["languages"] if e["key"] != "nl"]),
            "languages: nl must be offered",
        ),
        (
            lambda d: d["platforms"][0].update(pbx_types=[]),
            "platforms.cloud_gateway: needs at least one PBX type",
        ),
        (
            lambda d: d["regions"][1]["countries"].append("DE"),
            "regions.eu-west: country DE is already in regions.eu-central",
        ),
        (
            lambda d: d["addresses"]["subdivision_required"].append("XY"),
            "addresses.subdivision_required: unknown country code 'XY'",
        ),
        (
            lambda d: d["addresses"]["subdivision_required"].append("HK"),
            "addresses.subdivision_required: HK has no provinces/states in ISO 3166-2",
        ),
        (
            lambda d: d["addresses"].update(postal_code_required=["HK"]),
            "addresses: unknown setting 'postal_code_required'",
        ),
    ],
)
def test_validation_names_the_bad_entry(doc, change, message):
    with pytest.raises(CatalogError) as exc:
        validate(_broken(doc, change))
    assert message in str(exc.value)


def test_invalid_yaml_is_a_clear_error():
    with pytest.raises(CatalogError, match="not valid YAML"):
        parse("regions: [unclosed")
    with pytest.raises(CatalogError, match="must be a mapping"):
        parse("- just a list")


@pytest.mark.django_db
def test_loading_is_idempotent_and_versioned(doc):
    text = DEFAULT_FILE.read_text()
    first, changed = catalog.load(text, source="default")
    assert changed
    again, changed = catalog.load(text, source="default")
    assert not changed and again.id == first.id
    other = copy.deepcopy(doc)
    _integration(other, "meetings")["name"]["en"] = "Video meetings"
    second, changed = catalog.load(yaml.safe_dump(other), source="v2")
    assert changed and second.id > first.id
    catalog.invalidate()
    assert catalog.current().version == second.id
    assert catalog.current().name("integrations", "meetings", "en") == "Video meetings"
    # Going back to the first document is a new version; the history keeps all three.
    third, changed = catalog.load(text, source="default again")
    assert changed and third.id > second.id
    assert CatalogVersion.objects.count() == 3
    catalog.invalidate()
    assert catalog.current().name("integrations", "meetings", "en") == "Meetings"


@pytest.mark.django_db
def test_load_command(tmp_path, doc, capsys):
    good = tmp_path / "catalog.yaml"
    good.write_text(DEFAULT_FILE.read_text())
    call_command("catalog", "load", str(good))
    call_command("catalog", "load", str(good))
    out = capsys.readouterr().out
    assert "loaded" in out and "unchanged (already current)" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            _broken(doc, lambda d: _integration(d, "team_chat").update(depends_on=["fax"]))
        )
    )
    with pytest.raises(CommandError, match=r"integrations\.team_chat: depends on unknown"):
        call_command("catalog", "load", str(bad))
    with pytest.raises(CommandError, match=r"integrations\.team_chat"):
        call_command("catalog", "check", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("catalog", "load", str(tmp_path / "missing.yaml"))
    assert CatalogVersion.objects.count() == 1
    call_command("catalog", "versions")
    assert str(good) in capsys.readouterr().out


@pytest.mark.django_db
def test_catalog_api_names_in_the_callers_language(world, api_as):
    user = world.members["member"].user
    user.language = "de"
    user.save()
    r = api_as(world.members["member"]).get("/catalog", HTTP_ACCEPT_LANGUAGE="de")
    assert r.status_code == 200
    names = {i["key"]: i["name"] for i in r.json()["integrations"]}
    assert names["softphone"] == "Softphone und Mobil-App"
    assert names["directory_sync"] == "Verzeichnissynchronisation (Azure AD)"
    assert {p["key"]: p["name"] for p in r.json()["privileges"]}["allow_guest_access"] == (
        "Gastzugang erlauben"
    )
    platforms = {p["key"]: p for p in r.json()["platforms"]}
    assert platforms["smb_sync"]["steps"] == ["customer", "sync", "review"]


def test_wholesale_prices_only_for_roles_with_billing(world, api_as):
    """product.md §2: partner_agent has no billing and customers never see a reseller's
    wholesale prices; partner admins and the operator do."""

    def priced(key: str) -> tuple[bool, bool]:
        api = api_as(world.members[key])
        products = api.get("/products").json()["items"]
        catalog = api.get("/catalog").json()["products"]
        return (
            any("unit_price" in p for p in products),
            any("unit_price" in p for p in catalog),
        )

    for key in ("operator_admin", "operator_support", "partner_admin", "distributor_admin"):
        assert priced(key) == (True, True), key
    for key in ("partner_agent", "distributor_agent", "account_admin", "site_admin", "member"):
        assert priced(key) == (False, False), key


@pytest.mark.django_db
def test_subdivisions_required_where_the_catalog_says(doc):
    """The catalog lists the countries whose addresses need the province/state; a catalog
    without the setting uses the built-in list."""
    cat = catalog.Catalog(version=0, doc=doc)
    assert {"US", "CA", "AU"} <= cat.subdivision_required()
    assert "DE" not in cat.subdivision_required()
    without = copy.deepcopy(doc)
    del without["addresses"]
    validate(without)
    assert catalog.Catalog(version=0, doc=without).subdivision_required() == frozenset(
        catalog.DEFAULT_SUBDIVISION_REQUIRED
    )


def _drop_eu_central(d) -> None:
    d["regions"].pop(0)  # every test account is there
    d["default_region"] = "eu-west"


def _load(doc) -> tuple[CatalogVersion, bool]:
    return catalog.load(yaml.safe_dump(doc, allow_unicode=True), source="test")


@pytest.mark.django_db
def test_load_refuses_to_drop_entries_in_use(world, doc, api_as):
    """A catalog that drops a platform, region, PBX type, integration or product the data still
    uses is refused, naming the entry and how many use it; nothing is stored."""
    from channeldesk.accounts.models import AccountIntegration
    from channeldesk.audit.models import AuditEvent
    from channeldesk.tenancy.models import Organization

    Organization.objects.filter(id=world.a.customer.id).update(pbx_type="mivoice_office_400")
    AccountIntegration.objects.create(account=world.a.customer, key="meetings", enabled=True)
    api = api_as(world.members["partner_agent"])
    assert api.post("/onboardings", {"platform": "smb_sync"}).status_code == 201
    before = CatalogVersion.objects.count()

    cases = [
        (
            lambda d: d["platforms"].pop(1),  # smb_sync: one onboarding draft
            "platforms.smb_sync: still used by 1 onboarding draft",
        ),
        (_drop_eu_central, "regions.eu-central: still used by "),
        (
            lambda d: d["platforms"][0]["pbx_types"].pop(1),
            "platforms.cloud_gateway.pbx_types.mivoice_office_400: still used by 1 account",
        ),
        (
            lambda d: d.update(
                integrations=[e for e in d["integrations"] if e["key"] != "meetings"]
            ),
            "integrations.meetings: still used by 1 account",
        ),
    ]
    accounts = Organization.objects.filter(kind="customer", cloud_region="eu-central").count()
    for change, message in cases:
        with pytest.raises(CatalogError) as exc:
            _load(_broken(doc, change))
        assert message in str(exc.value), exc.value
    with pytest.raises(
        CatalogError, match=rf"regions\.eu-central: still used by {accounts} accounts"
    ):
        _load(_broken(doc, _drop_eu_central))
    assert CatalogVersion.objects.count() == before
    assert not AuditEvent.objects.filter(action="catalog.loaded").exists()
    # The check command says the same before anyone tries to load it.
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.yaml"
        path.write_text(yaml.safe_dump(_broken(doc, cases[0][0]), allow_unicode=True))
        with pytest.raises(CommandError, match=r"platforms\.smb_sync: still used by 1"):
            call_command("catalog", "check", str(path))

    # Entries nobody uses can go: cloud_connect has no account and no draft.
    row, changed = _load(_broken(doc, lambda d: d["platforms"].pop(2)))
    assert changed
    event = AuditEvent.objects.get(action="catalog.loaded")
    assert event.changes["version"] == row.id and event.changes["source"] == "test"
    assert event.changes["sections"]["platforms"] == {"added": [], "removed": ["cloud_connect"]}
    assert event.organization_id == world.operator.id


@pytest.mark.django_db
def test_load_refuses_to_drop_a_subscribed_product(world, doc):
    import datetime as dt

    from channeldesk.subscriptions.models import Subscription

    today = dt.date.today()
    Subscription.objects.create(
        account=world.a.customer,
        product="meetings_pro",
        quantity=3,
        start_date=today,
        billing_period="annual",
        next_payment_date=today,
        unit_price="60.00",
        currency="EUR",
    )
    with pytest.raises(CatalogError, match=r"products\.meetings_pro: still used by 1 account"):
        _load(
            _broken(
                doc,
                lambda d: d.update(
                    products=[p for p in d["products"] if p["key"] != "meetings_pro"]
                ),
            )
        )
