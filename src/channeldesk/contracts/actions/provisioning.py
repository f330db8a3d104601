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
from channeldesk.contracts import pricing
from channeldesk.contracts.actions.common import (
    ProvisioningFailed,
    account_admins,
    partner_admins,
)
from channeldesk.contracts.actions.credentials import _send_credential_link
from channeldesk.contracts.models import (
    BasePackage,
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

# ---- provisioning ------------------------------------------------------------------------


def provision_order(order_id: str) -> str:
    """The background job: build what the order bought, all or nothing.

    Claims the order (confirmed -> provisioning) with a conditional UPDATE so that two workers
    never provision it twice; on failure rolls everything back and marks it failed.
    """
    with transaction.atomic():
        claimed = Order.objects.filter(id=order_id, status=Order.Status.CONFIRMED).update(
            status=Order.Status.PROVISIONING, attempts=F("attempts") + 1
        )
    if not claimed:
        return "skipped"
    order = Order.objects.select_related("account", "account__parent").get(id=order_id)
    try:
        with transaction.atomic():
            _build(order)
    except ProvisioningFailed as exc:
        _fail(order, str(exc))
        return "failed"
    except Exception as exc:
        log.exception("provisioning of order %s failed", order.number)
        _fail(
            order, _("Provisioning failed unexpectedly: %(error)s") % {"error": type(exc).__name__}
        )
        return "failed"
    return "completed"


def _today() -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(settings.OPERATOR_TIME_ZONE)).date()


def _build(order: Order) -> None:
    system = Actor.system()
    account = order.account
    items = list(order.items.all())
    new_package: BasePackage | None = None
    created_sites: list[SiteProduct] = []
    credentials: list[tuple[SiteProduct, str, str]] = []
    for it in items:
        if it.kind == "base_package":
            entry = pricing.item(it.item) or {}
            new_package = BasePackage.objects.create(
                account=account,
                number=f"BP-{next_value('base_packages'):06d}",
                name=it.params.get("name") or pricing.name(entry),
                start_date=_today(),
                monthly_fee=it.unit_price,
                currency=it.currency,
            )
            OrderItem.objects.filter(id=it.id).update(base_package=new_package)
    for it in items:
        if it.kind == "base_package":
            continue
        package = it.base_package or new_package
        if package is None or package.account_id != account.id:
            raise ProvisioningFailed(_("The base package of an item no longer exists."))
        found = pricing.item(it.item)
        if found is None:
            raise ProvisioningFailed(
                _("The item %(item)s is no longer in the catalog.") % {"item": it.item}
            )
        entry = found
        if it.kind in pricing.RESOURCE_KINDS:
            for _n in range(it.quantity):
                Resource.objects.create(
                    base_package=package,
                    kind=it.kind,
                    item=it.item,
                    name=pricing.name(entry, "en"),
                    quantity=int(entry.get("quantity", 0)) if it.kind == "parallel_calls" else 0,
                    amount=Decimal(str(entry["amount"])) if it.kind == "budget" else None,
                    period=entry.get("period", "") if it.kind == "budget" else "",
                    scope=entry.get("scope", "") if it.kind == "flatrate" else "",
                    monthly_price=it.unit_price,
                    currency=it.currency,
                )
        elif it.kind == "site_product":
            site, password = _build_site(order, it, package, entry)
            created_sites.append(site)
            credentials.append((site, site.username, password))
    order.status = Order.Status.COMPLETED
    order.provisioned_at = timezone.now()
    order.failure_reason = ""
    order.save(update_fields=["status", "provisioned_at", "failure_reason"])
    record(
        system,
        "order.completed",
        organization=account,
        target=order,
        changes={
            "site_products": [s.id for s in created_sites],
            "base_package": new_package.id if new_package else None,
        },
    )
    admins = account_admins(account)
    for site, username, password in credentials:
        for admin in admins:
            _send_credential_link(site, admin, username, password)
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


def _build_site(
    order: Order, it: OrderItem, package: BasePackage, entry: dict[str, Any]
) -> tuple[SiteProduct, str]:
    s = it.params["site"]
    count = int(it.params["numbers"])
    username = f"cd{secrets.randbelow(10**10):010d}"
    site = SiteProduct.objects.create(
        base_package=package,
        name=s["name"],
        street=s["street"],
        postal_code=s["postal_code"],
        city=s["city"],
        country=s["country"],
        monthly_fee=pricing.price(entry),
        number_fee=pricing.price(entry, "number_price"),
        currency=it.currency,
        username=username,
        order=order,
    )
    conn = entry.get("ip_connection") or {}
    for _attempt in range(5):
        try:
            with transaction.atomic():
                IpConnection.objects.create(
                    site_product=site,
                    type=conn.get("type", "FTTH"),
                    bandwidth=conn.get("bandwidth", "100 Mbit/s"),
                    access_identifier=f"AK{secrets.randbelow(10**12):012d}",
                )
            break
        except IntegrityError:  # an access identifier collision: draw another
            continue
    _allocate_numbers(site, package, count, s["country"])
    password = secrets.token_urlsafe(18)  # 144 bits from the OS CSPRNG
    return site, password


def _allocate_numbers(site: SiteProduct, package: BasePackage, count: int, country: str) -> None:
    free = list(
        PhoneNumber.objects.select_for_update(skip_locked=True)
        .filter(account__isnull=True, country=country)
        .order_by("e164")
        .values_list("id", flat=True)[:count]
    )
    if len(free) < count:
        raise ProvisioningFailed(
            _(
                "The number pool for %(country)s is exhausted: %(needed)d numbers needed, "
                "%(free)d free."
            )
            % {"country": country, "needed": count, "free": len(free)}
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
        raise ProvisioningFailed(_("Numbers were taken concurrently; retry the order."))


def _fail(order: Order, reason: str) -> None:
    with transaction.atomic():
        Order.objects.filter(id=order.id).update(
            status=Order.Status.FAILED, failure_reason=reason[:500]
        )
        order.refresh_from_db()
        account = order.account
        record(
            Actor.system(),
            "order.failed",
            organization=account,
            target=order,
            changes={"reason": reason[:500]},
        )
        recipients = partner_admins(account)
        if order.ordered_by is not None and all(
            u.id != order.ordered_by.id for u, _o in recipients
        ):
            recipients.append((order.ordered_by, order.ordered_by_organization))
        for user, org in recipients:
            queue_email(
                to=user.email,
                template="order_failed",
                context={
                    "user": user,
                    "order": order,
                    "account": account,
                    "reason": reason,
                    "link": f"{settings.BASE_URL}/orders/{order.id}",
                },
                language=language_for(user, org),
                organization=account,
            )
        notify(
            [u for u, _o in recipients],
            organization=account,
            kind="order.failed",
            text=_("Order %(number)s for %(account)s failed: %(reason)s")
            % {"number": order.number, "account": account.name, "reason": reason},
            link=f"/orders/{order.id}",
        )
