"""channeldesk demo: a realistic tenant tree with one login per role (idempotent)."""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass

from django.core.management.base import BaseCommand
from django.db import transaction

from channeldesk.accounts.actions import create_account
from channeldesk.accounts.models import Account
from channeldesk.identity.models import User
from channeldesk.tenancy.actions import create_partner, init_operator
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Kind, Role

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - the demo's published logins (README)
DOMAIN = "demo.channeldesk.test"

DISTRIBUTORS = [
    ("Nordwind Distribution GmbH", "Hamburg", "20095", "DE", "Speicherstadt 12", "de"),
    ("Lage Landen Distributie B.V.", "Utrecht", "3511 AB", "NL", "Oudegracht 101", "nl"),
]
RESELLERS = [  # (name, city, postal, country, street, language, distributor index or None)
    ("Müller Kommunikation GmbH", "München", "80331", "DE", "Marienplatz 4", "de", 0),
    ("Alpen IT Systeme GmbH", "Salzburg", "5020", "AT", "Getreidegasse 9", "de", 0),
    ("De Vries Telecom B.V.", "Rotterdam", "3011 AD", "NL", "Coolsingel 40", "nl", 1),
    ("Brabant Connect B.V.", "Eindhoven", "5611 AB", "NL", "Stratumseind 2", "nl", 1),
    ("Rheinland Voice Solutions GmbH", "Köln", "50667", "DE", "Hohe Straße 88", "de", None),
    ("Thames Unified Comms Ltd", "London", "EC1A 1BB", "GB", "1 King Street", "en", None),
]
CUSTOMER_WORDS = [
    "Bäckerei",
    "Autohaus",
    "Praxis",
    "Kanzlei",
    "Hotel",
    "Logistik",
    "Klinikum",
    "Schule",
    "Brouwerij",
    "Tandartspraktijk",
    "Makelaardij",
    "Architecten",
    "Bouwbedrijf",
    "Stadtwerke",
    "Apotheke",
    "Verlag",
]
CUSTOMER_NAMES = [
    "Schneider",
    "Fischer",
    "Weber",
    "Becker",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "de Boer",
    "Dekker",
    "Brouwer",
    "Vos",
    "Peters",
    "Hendriks",
]
BUSINESS = [
    "healthcare",
    "education",
    "hospitality",
    "retail",
    "manufacturing",
    "finance",
    "public_sector",
    "professional_services",
    "other",
]


class Command(BaseCommand):
    help = "Build a realistic demo tenant tree and print its logins."

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=60)

    def handle(self, *args, **o):
        logins = build(o["accounts"])
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for role, email, org in logins:
            self.stdout.write(f"  {role:<28} {email:<44} {org}")


def _user(org: Organization, email: str, name: str, role: str, lang: str = "") -> str:
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, name=name, password=DEMO_PASSWORD, language=lang
    )
    Membership.objects.get_or_create(user=user, organization=org, defaults={"role": role})
    return email


@transaction.atomic
def build(n_accounts: int = 60) -> list[tuple[str, str, str]]:
    rnd = random.Random(2026)
    operator, _, _ = init_operator(
        name="Channeldesk Cloud",
        email=f"admin@{DOMAIN}",
        password=DEMO_PASSWORD,
        user_name="Olivia Operator",
    )
    logins = [("operator_admin", f"admin@{DOMAIN}", operator.name)]
    logins.append(
        (
            "operator_support",
            _user(operator, f"support@{DOMAIN}", "Sam Support", Role.OPERATOR_SUPPORT),
            operator.name,
        )
    )
    system = Actor.system()
    if Organization.objects.filter(kind=Kind.DISTRIBUTOR).exists():
        return _existing_logins(logins)
    dists = []
    for name, city, postal, country, street, lang in DISTRIBUTORS:
        dists.append(
            create_partner(
                system,
                kind=Kind.DISTRIBUTOR,
                parent=operator,
                name=name,
                city=city,
                postal_code=postal,
                country=country,
                street=street,
                default_language=lang,
                listed=True,
                support_email=f"support@{_slug(name)}.example",
                phone="+49 40 123456" if country == "DE" else "+31 30 123456",
            )
        )
    resellers = []
    for name, city, postal, country, street, lang, d in RESELLERS:
        parent = dists[d] if d is not None else operator
        resellers.append(
            create_partner(
                system,
                kind=Kind.RESELLER,
                parent=parent,
                name=name,
                city=city,
                postal_code=postal,
                country=country,
                street=street,
                default_language=lang,
                listed=True,
                support_email=f"service@{_slug(name)}.example",
                phone="+49 89 5550100",
            )
        )
    for i, org in enumerate([*dists, *resellers]):
        slug = _slug(org.name)
        admin = _user(
            org, f"admin@{slug}.{DOMAIN}", f"Admin {org.name.split()[0]}", Role.PARTNER_ADMIN
        )
        agent = _user(
            org, f"agent@{slug}.{DOMAIN}", f"Agent {org.name.split()[0]}", Role.PARTNER_AGENT
        )
        if i in (0, 2):
            logins.append((f"partner_admin ({org.kind})", admin, org.name))
            logins.append((f"partner_agent ({org.kind})", agent, org.name))
    postal_by_country = {
        "DE": ("10115", "Berlin"),
        "NL": ("1012 AB", "Amsterdam"),
        "AT": ("1010", "Wien"),
        "GB": ("SW1A 1AA", "London"),
    }
    accounts = []
    for i in range(n_accounts):
        reseller = resellers[i % len(resellers)]
        country = reseller.country
        postal, city = postal_by_country[country]
        name = f"{rnd.choice(CUSTOMER_WORDS)} {rnd.choice(CUSTOMER_NAMES)} {i + 1}"
        acc = create_account(
            system,
            partner=reseller,
            name=name,
            street=f"Hauptstraße {i + 1}",
            city=city,
            postal_code=postal,
            country=country,
            default_language=reseller.default_language,
            business_type=rnd.choice(BUSINESS),
        )
        accounts.append(acc)
        slug = f"customer{i + 1}"
        a = _user(acc, f"admin@{slug}.{DOMAIN}", f"Admin {name.split()[1]}", Role.ACCOUNT_ADMIN)
        s = _user(acc, f"site@{slug}.{DOMAIN}", f"Site {name.split()[1]}", Role.SITE_ADMIN)
        m = _user(acc, f"member@{slug}.{DOMAIN}", f"Member {name.split()[1]}", Role.MEMBER)
        if i == 0:
            logins += [
                ("account_admin", a, acc.name),
                ("site_admin", s, acc.name),
                ("member", m, acc.name),
            ]
    run_app_hooks(
        DemoContext(
            operator=operator,
            distributors=dists,
            resellers=resellers,
            accounts=accounts,
            rnd=rnd,
            system=system,
            logins=logins,
        )
    )
    return logins


@dataclass
class DemoContext:
    """What app demo hooks get: the tree built so far. A hook appends to `logins`."""

    operator: Organization
    distributors: list[Organization]
    resellers: list[Organization]
    accounts: list[Account]
    rnd: random.Random
    system: Actor
    logins: list[tuple[str, str, str]]


def run_app_hooks(ctx: DemoContext) -> None:
    """Each app may ship `demo.py` with `extend(ctx)` adding its realistic data."""
    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("channeldesk."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        module.extend(ctx)


def _existing_logins(logins):
    for org in Organization.objects.filter(kind__in=(Kind.DISTRIBUTOR, Kind.RESELLER)).order_by(
        "id"
    )[:1]:
        for m in Membership.objects.filter(organization=org).select_related("user"):
            logins.append((m.role, m.user.email, org.name))
    first = Organization.objects.filter(kind=Kind.CUSTOMER).order_by("id").first()
    if first:
        for m in Membership.objects.filter(organization=first).select_related("user"):
            logins.append((m.role, m.user.email, first.name))
    return logins


def _slug(name: str) -> str:
    from channeldesk.tenancy.models import search_key

    return "".join(c for c in search_key(name.split()[0]) if c.isalnum())
