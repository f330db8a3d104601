"""What of the catalog the data uses: a catalog that drops a platform, region, PBX type,
integration or product still used by customer accounts or onboarding drafts is refused.

Counts come from the database at the time of the check (one grouped query per kind of use);
purged accounts no longer count, deleted ones do (they can be restored for 30 days).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.apps import apps
from django.db.models import Count


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _accounts():
    from channeldesk.tenancy.models import Organization
    from channeldesk.tenancy.roles import Kind

    return Organization.objects.filter(kind=Kind.CUSTOMER, purged_at__isnull=True)


def _grouped(qs, *fields: str) -> Counter:
    counts: Counter = Counter()
    for row in qs.values(*fields).annotate(n=Count("pk")).order_by():
        counts[tuple(row[f] for f in fields) if len(fields) > 1 else row[fields[0]]] += row["n"]
    return counts


def usage() -> dict[str, dict[Any, Counter]]:
    """{section: {key: Counter({"account": n, "draft": m})}} for every key in use."""
    from channeldesk.accounts.models import AccountIntegration
    from channeldesk.onboarding.models import Onboarding

    used: dict[str, dict[Any, Counter]] = {
        "platforms": {},
        "regions": {},
        "pbx_types": {},
        "integrations": {},
        "products": {},
    }

    def add(section: str, key: Any, what: str, n: int) -> None:
        if key and n:
            used[section].setdefault(key, Counter())[what] += n

    accounts = _accounts()
    for key, n in _grouped(accounts, "platform").items():
        add("platforms", key, "account", n)
    for key, n in _grouped(accounts, "cloud_region").items():
        add("regions", key, "account", n)
    for (platform, pbx), n in _grouped(
        accounts.exclude(pbx_type=""), "platform", "pbx_type"
    ).items():
        add("pbx_types", (platform, pbx), "account", n)
    enabled = AccountIntegration.objects.filter(
        enabled=True, account__purged_at__isnull=True
    ).values("key")
    for key, n in _grouped(enabled, "key").items():
        add("integrations", key, "account", n)
    drafts = Onboarding.objects.filter(status=Onboarding.Status.DRAFT)
    for platform, data in drafts.values_list("platform", "data").iterator(chunk_size=500):
        add("platforms", platform, "draft", 1)
        data = data if isinstance(data, dict) else {}
        region = (data.get("customer") or {}).get("cloud_region")
        if isinstance(region, str):
            add("regions", region, "draft", 1)
        for step in ("pbx", "sync"):
            pbx = (data.get(step) or {}).get("pbx_type")
            if isinstance(pbx, str):
                add("pbx_types", (platform, pbx), "draft", 1)
    if apps.is_installed("channeldesk.subscriptions"):
        subscription = apps.get_model("subscriptions", "Subscription")
        pairs = set(
            subscription.objects.exclude(status="cancelled").values_list("product", "account_id")
        )
        for product, n in Counter(product for product, _account in pairs).items():
            add("products", product, "account", n)
    return used


def _who(c: Counter) -> str:
    parts = []
    if c["account"]:
        parts.append(_plural(c["account"], "account", "accounts"))
    if c["draft"]:
        parts.append(_plural(c["draft"], "onboarding draft", "onboarding drafts"))
    return " and ".join(parts)


def dropped_in_use(doc: dict[str, Any]) -> list[str]:
    """One line per entry of the data that `doc` would drop, naming it and its users."""
    used = usage()
    problems: list[str] = []
    for section in ("platforms", "regions", "integrations", "products"):
        keys = {e["key"] for e in doc.get(section, [])}
        for key, c in sorted(used[section].items()):
            if key not in keys:
                problems.append(f"{section}.{key}: still used by {_who(c)}")
    pbx_types = {
        (p["key"], t["key"]) for p in doc.get("platforms", []) for t in p.get("pbx_types", [])
    }
    platforms = {p["key"] for p in doc.get("platforms", [])}
    for (platform, pbx), c in sorted(used["pbx_types"].items()):
        if platform in platforms and (platform, pbx) not in pbx_types:
            problems.append(f"platforms.{platform}.pbx_types.{pbx}: still used by {_who(c)}")
    return problems
