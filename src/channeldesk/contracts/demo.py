"""Demo data: a number pool, base packages with sites and resources, provisioned through the
real order actions (so the demo shows orders, new numbers and e-mails in the outbox)."""

from __future__ import annotations

import contextlib

from channeldesk.contracts import actions
from channeldesk.contracts.models import BasePackage, PhoneNumber
from channeldesk.core.errors import DomainError

STREETS = ["Hafenstraße 12", "Industrieweg 4", "Marktplatz 1", "Bahnhofstraße 23"]
CITIES = {
    "DE": ("Hamburg", "20095"),
    "NL": ("Utrecht", "3511 AB"),
    "AT": ("Graz", "8010"),
    "GB": ("Manchester", "M1 1AE"),
}
# Number blocks per country: the demo accounts' city (core demo) and the branch city above.
BLOCKS = {
    "DE": ("+493012340100", "+494012340100"),  # Berlin 030, Hamburg 040
    "NL": ("+31202340100", "+31302340100"),  # Amsterdam 020, Utrecht 030
    "AT": ("+4312340100", "+43316810100"),  # Wien 01, Graz 0316
    "GB": ("+442079460100", "+441614960100"),  # London 020, Manchester 0161
}


def _load_pool(ctx, country: str) -> bool:
    if PhoneNumber.objects.filter(country=country, account__isnull=True).count() >= 40:
        return True
    for start in BLOCKS.get(country, ()):
        with contextlib.suppress(DomainError):  # loaded before
            actions.load_number_block(ctx.system, start, 200)
    return PhoneNumber.objects.filter(country=country, account__isnull=True).exists()


def extend(ctx) -> None:
    for account in ctx.accounts[:4]:
        if BasePackage.objects.filter(account=account).exists():
            continue
        country = account.country or "DE"
        if not _load_pool(ctx, country):
            continue
        city, postal = CITIES.get(
            country, (account.city or "Berlin", account.postal_code or "10115")
        )
        site = {
            "name": f"{account.name} HQ",
            "street": account.street or ctx.rnd.choice(STREETS),
            "postal_code": account.postal_code or postal,
            "city": account.city or city,
            "country": country,
        }
        branch = {
            **site,
            "name": f"{city} branch",
            "street": ctx.rnd.choice(STREETS),
            "city": city,
            "postal_code": postal,
        }
        try:
            order = actions.place_order(
                ctx.system,
                account,
                [
                    {"item": "base_package", "name": "CompanyFlex"},
                    {"item": "parallel_calls_10"},
                    {"item": "budget_100"},
                    {"item": "service_installation"},
                    {"item": "site_product", "site": site, "numbers": 5},
                ],
            )
            actions.provision_order(order.id)
            pkg = BasePackage.objects.filter(account=account).first()
            second = actions.place_order(
                ctx.system,
                account,
                [
                    {
                        "item": "site_product",
                        "base_package_id": pkg.id if pkg else None,
                        "site": branch,
                        "numbers": 3,
                    }
                ],
            )
            actions.provision_order(second.id)
        except DomainError:
            continue
