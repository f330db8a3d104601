"""Placing, confirming and retrying orders."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import phonenumbers
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from channeldesk.audit.events import record
from channeldesk.billing.sequences import next_value
from channeldesk.contracts import areas, pricing, rendering
from channeldesk.contracts.actions.common import (
    MAX_NUMBERS_PER_SITE,
    MAX_SITES_PER_ORDER,
    STALE_CLAIM,
    account_admins,
    enqueue_provisioning,
    provisioning_time,
)
from channeldesk.contracts.models import BasePackage, Charge, Order, OrderItem
from channeldesk.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from channeldesk.identity.models import User
from channeldesk.notifications.outbox import Attachment, language_for, queue_email
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind

SITE_LIMITS = {"name": 200, "street": 200, "postal_code": 20, "city": 100}


def _clean_area(site: dict[str, Any], raw: Any, at: str) -> FieldError | None:
    """The site's area: the one asked for (national destination code, "040" or "40"), else
    the pool's area for the site's city. Sets site["area"]."""
    country = site["country"]
    known = {a.area: a for a in areas.areas(country)}
    if not known:
        return FieldError(
            f"{at}.country", _("Phone numbers cannot be ordered for this country yet.")
        )
    wanted = "".join(ch for ch in str(raw or "") if ch.isdigit())
    if wanted:
        if wanted not in known and wanted.startswith("0") and wanted[1:] in known:
            wanted = wanted[1:]  # dialled with the trunk prefix
        if wanted not in known:
            return FieldError(f"{at}.area", _("Choose one of the area codes offered."))
        site["area"] = wanted
        return None
    found = areas.for_city(country, site["city"]) if site["city"] else None
    if found is None and list(known) == [""]:
        found = known[""]  # a country without area codes
    if found is None:
        return FieldError(
            f"{at}.area",
            _("No area code matches the city %(city)s: choose the area code of the numbers.")
            % {"city": site["city"][:100]},
        )
    site["area"] = found.area
    return None


def _clean_site(raw: Any, index: int) -> tuple[dict[str, str], list[FieldError]]:
    at = f"items.{index}.site"
    errors: list[FieldError] = []
    raw = raw if isinstance(raw, dict) else {}
    site = {k: str(raw.get(k) or "").strip() for k in SITE_LIMITS}
    site["country"] = str(raw.get("country") or "").strip().upper()
    for k, limit in SITE_LIMITS.items():
        if not site[k]:
            errors.append(FieldError(f"{at}.{k}", _("This field is required.")))
        elif len(site[k]) > limit:
            errors.append(FieldError(f"{at}.{k}", _("This value is too long.")))
    if site["country"] not in phonenumbers.SUPPORTED_REGIONS:
        errors.append(FieldError(f"{at}.country", _("Choose a valid country.")))
    elif site["city"] or raw.get("area"):
        area_error = _clean_area(site, raw.get("area"), at)
        if area_error is not None:
            errors.append(area_error)
    return site, errors


def _line(
    raw: dict[str, Any], n: int, packages: dict[str, BasePackage], new_packages: int
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """One priced order line from one requested item, or the errors that prevent it."""
    key = str(raw.get("item") or "")
    entry = pricing.item(key)
    if entry is None or entry.get("kind") not in pricing.ORDERABLE_KINDS:
        return None, [FieldError(f"items.{n}.item", _("Unknown contract item."))]
    kind = entry["kind"]
    quantity = raw.get("quantity") or 1
    if not isinstance(quantity, int) or not 1 <= quantity <= 100:
        return None, [FieldError(f"items.{n}.quantity", _("Enter a quantity from 1 to 100."))]
    line: dict[str, Any] = {
        "item": key,
        "kind": kind,
        "quantity": quantity,
        "unit_price": pricing.unit_price(entry),
        "charge": pricing.charge(entry),
        "currency": entry.get("currency", "EUR"),
        "base_package": None,
        "params": {},
    }
    if kind == "base_package":
        if quantity != 1:
            return None, [FieldError(f"items.{n}.quantity", _("Order one base package per item."))]
        pkg_name = str(raw.get("name") or "").strip()[:200] or pricing.name(entry)
        try:
            included = [e["key"] for e in pricing.includes(entry)]
        except KeyError:
            return None, [FieldError(f"items.{n}.item", _("This item cannot be ordered now."))]
        line["params"] = {"name": pkg_name, "includes": included}
        return line, []
    bp_id = raw.get("base_package_id")
    if bp_id:
        if bp_id not in packages:
            return None, [FieldError(f"items.{n}.base_package_id", _("Unknown base package."))]
        line["base_package"] = packages[bp_id]
        # kept in the params too: a base package deleted before provisioning is noticed
        line["params"]["base_package_id"] = bp_id
    elif new_packages != 1:
        return None, [FieldError(f"items.{n}.base_package_id", _("Choose the base package."))]
    if kind != "site_product":
        return line, []
    errors: list[FieldError] = []
    site, site_errors = _clean_site(raw.get("site"), n)
    errors += site_errors
    numbers = raw.get("numbers")
    if not isinstance(numbers, int) or not 1 <= numbers <= MAX_NUMBERS_PER_SITE:
        errors.append(
            FieldError(
                f"items.{n}.numbers",
                _("Enter how many phone numbers (1 to %(max)d).") % {"max": MAX_NUMBERS_PER_SITE},
            )
        )
    if quantity != 1:
        errors.append(FieldError(f"items.{n}.quantity", _("Order one site per item.")))
    if errors or not isinstance(numbers, int):
        return None, errors
    line["params"].update({"site": site, "numbers": numbers})
    # the numbers are priced per month with the site product
    line["unit_price"] = pricing.price(entry) + pricing.price(entry, "number_price") * numbers
    return line, []


@transaction.atomic
def place_order(actor: Actor, account: Organization, items: list[dict[str, Any]]) -> Order:
    """Place and confirm an order at once: price it from the catalog, e-mail the confirmation
    (its PDF is made when the e-mail is sent) and schedule provisioning.

    `items`: {"item": catalog key, "quantity"?, "base_package_id"?, "site"?, "numbers"?,
    "name"?}; a site is {name, street, postal_code, city, country, area?}. A site product or
    service without base_package_id goes onto the base package ordered in the same order.
    """
    if account.kind != Kind.CUSTOMER:
        raise NotFound("account not found")
    if not permissions.can(actor, "order.create", account):
        raise Forbidden(_("You are not allowed to place orders for this account."))
    if not items:
        raise ValidationFailed.field("items", _("Add at least one item."))
    if len(items) > 20:
        raise ValidationFailed.field("items", _("An order has at most 20 items."))
    new_packages = sum(
        1
        for i in items
        if (pricing.item(str(i.get("item") or "")) or {}).get("kind") == "base_package"
    )
    packages = {p.id: p for p in BasePackage.objects.filter(account=account)}
    errors: list[FieldError] = []
    lines: list[dict[str, Any]] = []
    for n, raw in enumerate(items):
        line, line_errors = _line(raw if isinstance(raw, dict) else {}, n, packages, new_packages)
        errors += line_errors
        if line is not None:
            if lines and line["currency"] != lines[0]["currency"]:
                errors.append(
                    FieldError(f"items.{n}.item", _("All items must be in one currency."))
                )
            lines.append(line)
    if sum(1 for ln in lines if ln["kind"] == "site_product") > MAX_SITES_PER_ORDER:
        errors.append(
            FieldError(
                "items",
                _("An order has at most %(n)d site products.") % {"n": MAX_SITES_PER_ORDER},
            )
        )
    if errors:
        raise ValidationFailed(_("The order is not valid."), errors=errors)
    number = f"ORD-{next_value('orders'):06d}"

    def total(charge: str) -> Decimal:
        return sum(
            (ln["unit_price"] * ln["quantity"] for ln in lines if ln["charge"] == charge),
            Decimal("0"),
        )

    order = Order.objects.create(
        number=number,
        account=account,
        ordered_by=actor.user,
        ordered_by_organization=actor.organization,
        currency=lines[0]["currency"],
        total=total(Charge.MONTHLY),
        one_time_total=total(Charge.ONCE),
        language=language_for(actor.user, actor.organization),
    )
    OrderItem.objects.bulk_create(
        [
            OrderItem(
                order=order,
                position=pos,
                item=ln["item"],
                kind=ln["kind"],
                description=rendering.describe_params(pricing.item(ln["item"]), ln["params"], "en")[
                    :300
                ],
                charge=ln["charge"],
                quantity=ln["quantity"],
                unit_price=ln["unit_price"],
                amount=ln["unit_price"] * ln["quantity"],
                currency=ln["currency"],
                base_package=ln["base_package"],
                params=ln["params"],
            )
            for pos, ln in enumerate(lines, start=1)
        ]
    )
    record(
        actor,
        "order.confirmed",
        organization=account,
        target=order,
        # No total: the audit log is read by roles without billing (partner_agent); the
        # price stays on the order, shown to those who see prices.
        changes={"number": number, "items": [ln["item"] for ln in lines]},
    )
    _send_confirmation(order, actor)
    enqueue_provisioning(order.id, provisioning_time())
    return order


def _send_confirmation(order: Order, actor: Actor) -> None:
    """The confirmation to the orderer and the account admins, each in their language. The
    PDF is rendered by the worker when it sends the e-mail (seconds of WeasyPrint do not
    belong in the request's transaction)."""
    recipients: dict[str, tuple[User, Organization]] = {}
    if actor.user is not None:
        recipients[actor.user.email] = (actor.user, actor.organization)
    for u in account_admins(order.account):
        recipients.setdefault(u.email, (u, order.account))
    contexts: dict[str, dict[str, Any]] = {}
    for email, (user, org) in recipients.items():
        lang = language_for(user, org)
        if lang not in contexts:
            contexts[lang] = rendering.context(order, lang)
        queue_email(
            to=email,
            template="order_confirmation",
            context={**contexts[lang], "user": user},
            language=lang,
            organization=order.account,
            attachments=[
                Attachment(
                    f"{order.number}.pdf",
                    "application/pdf",
                    renderer=rendering.PDF_RENDERER,
                    args={"order_id": order.id},
                )
            ],
        )


@transaction.atomic
def retry_order(actor: Actor, order: Order) -> Order:
    """Put a failed order back in the queue, or one a crashed worker left in provisioning
    (claimed longer ago than STALE_CLAIM); provisioning runs again at once."""
    if not permissions.can(actor, "order.create", order.account):
        raise Forbidden(_("You are not allowed to retry this order."))
    stale = timezone.now() - STALE_CLAIM
    updated = Order.objects.filter(id=order.id, status=Order.Status.FAILED).update(
        status=Order.Status.CONFIRMED, failure_code="", failure_params={}
    ) or Order.objects.filter(
        id=order.id, status=Order.Status.PROVISIONING, claimed_at__lt=stale
    ).update(status=Order.Status.CONFIRMED)
    if not updated:
        raise Conflict(_("Only a failed order can be retried."))
    order.refresh_from_db()
    record(actor, "order.retried", organization=order.account, target=order, changes={})
    enqueue_provisioning(order.id, timezone.now())
    return order
