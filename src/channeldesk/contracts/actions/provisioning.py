"""Provisioning an order in the background: all of it or nothing."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import zoneinfo
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from channeldesk.audit.events import record
from channeldesk.billing.sequences import next_value
from channeldesk.contracts import failures, pricing
from channeldesk.contracts.actions.common import (
    MAX_ATTEMPTS,
    STALE_CLAIM,
    ProvisioningFailed,
    account_admins,
    enqueue_provisioning,
)
from channeldesk.contracts.actions.credentials import new_password, send_credential_link
from channeldesk.contracts.actions.failed import fail
from channeldesk.contracts.models import (
    BasePackage,
    Charge,
    IpConnection,
    Order,
    OrderItem,
    PhoneNumber,
    Resource,
    SiteProduct,
)
from channeldesk.notifications.actions import notify
from channeldesk.notifications.outbox import language_for, queue_email
from channeldesk.tenancy.actor import Actor

log = logging.getLogger(__name__)
ACCESS_IDENTIFIER_ATTEMPTS = 5


def provision_order(order_id: str) -> str:
    """The background job: build what the order bought, all or nothing.

    Claims the order (confirmed -> provisioning, attempt n) with a conditional UPDATE, so two
    workers never provision it twice. The build locks the order row and checks it still holds
    claim n: a worker that died keeps its claim only until the stale-claim sweep hands the
    order to another (sweep_stale_claims); should the first come back, it finds its claim gone
    and its work is rolled back. A failure rolls everything back and marks the order failed.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = Order.objects.filter(id=order_id, status=Order.Status.CONFIRMED).update(
            status=Order.Status.PROVISIONING, attempts=F("attempts") + 1, claimed_at=now
        )
    if not claimed:
        return "skipped"
    order = Order.objects.select_related("account", "account__parent").get(id=order_id)
    attempt = order.attempts
    try:
        with transaction.atomic():
            if not (
                Order.objects.select_for_update()
                .filter(id=order.id, status=Order.Status.PROVISIONING, attempts=attempt)
                .exists()
            ):
                return "skipped"  # the claim was taken over by another worker
            _build(order)
    except ProvisioningFailed as exc:
        fail(order, exc.code, exc.params, attempt=attempt)
        return "failed"
    except Exception as exc:
        log.exception("provisioning of order %s failed", order.number)
        fail(order, failures.UNEXPECTED, {"error": type(exc).__name__}, attempt=attempt)
        return "failed"
    return "completed"


def sweep_stale_claims(now: dt.datetime | None = None) -> int:
    """The periodic job: orders left in provisioning by a worker that died (claimed longer ago
    than STALE_CLAIM) go back in the queue; after MAX_ATTEMPTS they fail (retryable) instead
    of looping. Nothing of a crashed attempt remains: its transaction never committed."""
    cutoff = (now or timezone.now()) - STALE_CLAIM
    stale = list(
        Order.objects.filter(status=Order.Status.PROVISIONING, claimed_at__lt=cutoff)
        .select_related("account", "account__parent")
        .order_by("claimed_at")[:500]
    )
    for order in stale:
        if order.attempts >= MAX_ATTEMPTS:
            fail(order, failures.INTERRUPTED, {"attempts": order.attempts}, attempt=order.attempts)
            continue
        with transaction.atomic():
            requeued = Order.objects.filter(
                id=order.id, status=Order.Status.PROVISIONING, attempts=order.attempts
            ).update(status=Order.Status.CONFIRMED)
            if requeued:
                record(
                    Actor.system(),
                    "order.requeued",
                    organization=order.account,
                    target=order,
                    changes={"attempts": order.attempts, "claimed_at": str(order.claimed_at)},
                )
                enqueue_provisioning(order.id, timezone.now())
    return len(stale)


def _today() -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(settings.OPERATOR_TIME_ZONE)).date()


def _resource(package: BasePackage, entry: dict[str, Any], it: OrderItem | None) -> Resource:
    """A resource or service from its catalog entry; `it` None: included in the package."""
    kind = entry["kind"]
    once = it is not None and it.charge == Charge.ONCE
    return Resource(
        base_package=package,
        kind=kind,
        item=entry["key"],
        name=pricing.name(entry, "en"),
        quantity=int(entry.get("quantity", 0)) if kind == "parallel_calls" else 0,
        amount=Decimal(str(entry["amount"])) if kind == "budget" else None,
        period=entry.get("period", "") if kind == "budget" else "",
        scope=entry.get("scope", "") if kind == "flatrate" else "",
        monthly_price=Decimal("0") if it is None or once else it.unit_price,
        charge=Charge.ONCE if once else Charge.MONTHLY,
        one_time_price=it.unit_price if it is not None and once else None,
        included=it is None,
        currency=it.currency if it is not None else package.currency,
    )


def _new_package(account, it: OrderItem) -> BasePackage:
    package = BasePackage.objects.create(
        account=account,
        number=f"BP-{next_value('base_packages'):06d}",
        name=it.params.get("name") or pricing.name(pricing.item(it.item) or {"name": ""}),
        start_date=_today(),
        monthly_fee=it.unit_price,
        currency=it.currency,
    )
    included = []
    for key in it.params.get("includes", []):
        entry = pricing.item(key)
        if entry is None or entry.get("kind") not in pricing.RESOURCE_KINDS:
            raise ProvisioningFailed(failures.ITEM_MISSING, item=key)
        included.append(_resource(package, entry, None))
    Resource.objects.bulk_create(included)
    OrderItem.objects.filter(id=it.id).update(base_package=package)
    return package


def _build(order: Order) -> None:
    account = order.account
    items = list(order.items.all())
    new_package: BasePackage | None = None
    created_sites: list[SiteProduct] = []
    credentials: list[tuple[SiteProduct, str]] = []
    for it in items:
        if it.kind == "base_package":
            new_package = _new_package(account, it)
    for it in items:
        if it.kind == "base_package":
            continue
        package = it.base_package or (None if it.params.get("base_package_id") else new_package)
        if package is None or package.account_id != account.id:
            raise ProvisioningFailed(failures.PACKAGE_MISSING)
        entry = pricing.item(it.item)
        if entry is None:
            raise ProvisioningFailed(failures.ITEM_MISSING, item=it.item)
        if it.kind in pricing.SERVICE_KINDS:
            Resource.objects.bulk_create(
                [_resource(package, entry, it) for _n in range(it.quantity)]
            )
        elif it.kind == "site_product":
            site = _build_site(order, it, package, entry)
            created_sites.append(site)
            credentials.append((site, new_password()))
    order.status = Order.Status.COMPLETED
    order.provisioned_at = timezone.now()
    order.failure_code, order.failure_params = "", {}
    order.save(update_fields=["status", "provisioned_at", "failure_code", "failure_params"])
    record(
        Actor.system(),
        "order.completed",
        organization=account,
        target=order,
        changes={
            "site_products": [s.id for s in created_sites],
            "base_package": new_package.id if new_package else None,
        },
    )
    admins = account_admins(account)
    for site, password in credentials:
        for admin in admins:
            send_credential_link(site, admin, site.username, password)
    for admin in admins:
        queue_email(
            to=admin.email,
            template="site_product_available",
            context={
                "user": admin,
                "order": order,
                "account": account,
                "sites": created_sites,
                "package": new_package,
                "link": f"{settings.BASE_URL}/accounts/{account.id}/",
            },
            language=language_for(admin, account),
            organization=account,
        )
    notify(
        admins,
        organization=account,
        kind="order.completed",
        text=_("Order %(number)s is provisioned; the new services are available.")
        % {"number": order.number},
        link=f"/accounts/{account.id}/",
    )


def _access_identifier(site: SiteProduct, entry: dict[str, Any]) -> None:
    """The site's IP connection as the catalog defines it, with a fresh access identifier.
    Identifiers are unique; after ACCESS_IDENTIFIER_ATTEMPTS collisions the order fails
    (never a site without its IP connection)."""
    try:
        conn = pricing.ip_connection(entry)
    except KeyError:
        raise ProvisioningFailed(
            failures.ITEM_MISSING, item=f"{entry['key']}.ip_connection"
        ) from None
    raw = (entry.get("ip_connection") or {}).get("identifier_digits", 12)
    digits = raw if isinstance(raw, int) and 1 <= raw <= 20 else 12
    for _attempt in range(ACCESS_IDENTIFIER_ATTEMPTS):
        try:
            with transaction.atomic():
                IpConnection.objects.create(
                    site_product=site,
                    type=conn["type"],
                    bandwidth=conn["bandwidth"],
                    access_identifier=f"AK{secrets.randbelow(10**digits):0{digits}d}",
                )
            return
        except IntegrityError:  # an access identifier collision: draw another
            continue
    raise ProvisioningFailed(failures.ACCESS_IDENTIFIER, attempts=ACCESS_IDENTIFIER_ATTEMPTS)


def _build_site(
    order: Order, it: OrderItem, package: BasePackage, entry: dict[str, Any]
) -> SiteProduct:
    s = it.params["site"]
    site = SiteProduct.objects.create(
        base_package=package,
        name=s["name"],
        street=s["street"],
        postal_code=s["postal_code"],
        city=s["city"],
        country=s["country"],
        area=s.get("area", ""),
        monthly_fee=pricing.price(entry),
        number_fee=pricing.price(entry, "number_price"),
        currency=it.currency,
        username=f"cd{secrets.randbelow(10**10):010d}",
        order=order,
    )
    _access_identifier(site, entry)
    _allocate_numbers(site, package, int(it.params["numbers"]), s["country"], s.get("area"))
    return site


def _allocate_numbers(
    site: SiteProduct, package: BasePackage, count: int, country: str, area: str | None
) -> None:
    """Take `count` free numbers of the site's area from the pool (locked rows skipped, then a
    conditional UPDATE: two provisionings never get the same number)."""
    pool = PhoneNumber.objects.filter(account__isnull=True, country=country)
    if area is not None:  # orders from before areas: any number of the country
        pool = pool.filter(area=area)
    free = list(
        pool.select_for_update(skip_locked=True)
        .order_by("e164")
        .values_list("id", flat=True)[:count]
    )
    if len(free) < count:
        raise ProvisioningFailed(
            failures.POOL_EXHAUSTED, country=country, area=area or "", needed=count, free=len(free)
        )
    taken = PhoneNumber.objects.filter(id__in=free, account__isnull=True).update(
        account=package.account,
        base_package=package,
        site_product=site,
        usage=PhoneNumber.Usage.UNASSIGNED,
        is_new=True,
        allocated_at=timezone.now(),
    )
    if taken != count:
        raise ProvisioningFailed(failures.NUMBERS_TAKEN)
