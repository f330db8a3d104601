"""Placing, confirming and retrying orders."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import phonenumbers
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from channeldesk.audit.events import record
from channeldesk.billing.sequences import next_value
from channeldesk.contracts import pricing
from channeldesk.contracts.actions.common import (
    MAX_NUMBERS_PER_SITE,
    _enqueue_provisioning,
    _order_context,
    account_admins,
    order_pdf,
    provisioning_time,
)
from channeldesk.contracts.models import (
    BasePackage,
    Order,
    OrderItem,
)
from channeldesk.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from channeldesk.identity.models import User
from channeldesk.notifications.outbox import Attachment, language_for, queue_email
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind

log = logging.getLogger(__name__)

# ---- orders --------------------------------------------------------------------------------


def _clean_site(raw: Any, index: int) -> tuple[dict[str, str], list[FieldError]]:
    errors: list[FieldError] = []
    raw = raw if isinstance(raw, dict) else {}
    site = {k: str(raw.get(k) or "").strip() for k in ("name", "street", "postal_code", "city")}
    site["country"] = str(raw.get("country") or "").strip().upper()
    limits = {"name": 200, "street": 200, "postal_code": 20, "city": 100}
    for k, limit in limits.items():
        if not site[k]:
            errors.append(FieldError(f"items.{index}.site.{k}", _("This field is required.")))
        elif len(site[k]) > limit:
            errors.append(FieldError(f"items.{index}.site.{k}", _("This value is too long.")))
    if site["country"] not in phonenumbers.SUPPORTED_REGIONS:
        errors.append(FieldError(f"items.{index}.site.country", _("Choose a valid country.")))
    return site, errors


@transaction.atomic
def place_order(actor: Actor, account: Organization, items: list[dict[str, Any]]) -> Order:
    """Place and confirm an order at once: price it from the catalog, e-mail the confirmation
    (with a PDF) and schedule provisioning.

    `items`: {"item": catalog key, "quantity"?, "base_package_id"?, "site"?, "numbers"?,
    "name"?}. A site product or service without base_package_id goes onto the base package
    ordered in the same order.
    """
    if account.kind != Kind.CUSTOMER:
        raise NotFound("account not found")
    if not permissions.can(actor, "order.create", account):
        raise Forbidden(_("You are not allowed to place orders for this account."))
    if not items:
        raise ValidationFailed.field("items", _("Add at least one item."))
    if len(items) > 20:
        raise ValidationFailed.field("items", _("An order has at most 20 items."))
    errors: list[FieldError] = []
    lines: list[dict[str, Any]] = []
    new_packages = sum(
        1
        for i in items
        if (pricing.item(str(i.get("item") or "")) or {}).get("kind") == "base_package"
    )
    packages = {p.id: p for p in BasePackage.objects.filter(account=account)}
    currency = ""
    for n, raw in enumerate(items):
        key = str(raw.get("item") or "")
        entry = pricing.item(key)
        if entry is None or entry.get("kind") not in pricing.ORDERABLE_KINDS:
            errors.append(FieldError(f"items.{n}.item", _("Unknown contract item.")))
            continue
        kind = entry["kind"]
        quantity = raw.get("quantity") or 1
        if not isinstance(quantity, int) or not 1 <= quantity <= 100:
            errors.append(FieldError(f"items.{n}.quantity", _("Enter a quantity from 1 to 100.")))
            continue
        line: dict[str, Any] = {
            "item": key,
            "kind": kind,
            "quantity": quantity,
            "unit_price": pricing.price(entry),
            "currency": entry.get("currency", "EUR"),
            "base_package": None,
            "params": {},
        }
        if kind != "base_package":
            bp_id = raw.get("base_package_id")
            if bp_id:
                if bp_id not in packages:
                    errors.append(
                        FieldError(f"items.{n}.base_package_id", _("Unknown base package."))
                    )
                    continue
                line["base_package"] = packages[bp_id]
            elif new_packages != 1:
                errors.append(
                    FieldError(f"items.{n}.base_package_id", _("Choose the base package."))
                )
                continue
        else:
            pkg_name = str(raw.get("name") or "").strip()[:200] or pricing.name(entry)
            line["params"] = {"name": pkg_name}
            if quantity != 1:
                errors.append(
                    FieldError(f"items.{n}.quantity", _("Order one base package per item."))
                )
                continue
        if kind == "site_product":
            site, site_errors = _clean_site(raw.get("site"), n)
            errors += site_errors
            numbers = raw.get("numbers")
            if not isinstance(numbers, int) or not 1 <= numbers <= MAX_NUMBERS_PER_SITE:
                errors.append(
                    FieldError(
                        f"items.{n}.numbers",
                        _("Enter how many phone numbers (1 to %(max)d).")
                        % {"max": MAX_NUMBERS_PER_SITE},
                    )
                )
                continue
            if quantity != 1:
                errors.append(FieldError(f"items.{n}.quantity", _("Order one site per item.")))
                continue
            line["params"] = {"site": site, "numbers": numbers}
            # the numbers are priced per month with the site product
            line["unit_price"] = (
                pricing.price(entry) + pricing.price(entry, "number_price") * numbers
            )
        if currency and line["currency"] != currency:
            errors.append(FieldError(f"items.{n}.item", _("All items must be in one currency.")))
        currency = currency or line["currency"]
        lines.append(line)
    if errors:
        raise ValidationFailed(_("The order is not valid."), errors=errors)
    number = f"ORD-{next_value('orders'):06d}"
    total = sum((ln["unit_price"] * ln["quantity"] for ln in lines), Decimal("0"))
    order = Order.objects.create(
        number=number,
        account=account,
        ordered_by=actor.user,
        ordered_by_organization=actor.organization,
        currency=currency,
        total=total,
        language=language_for(actor.user, actor.organization),
    )
    for pos, ln in enumerate(lines, start=1):
        entry = pricing.item(ln["item"]) or {}
        OrderItem.objects.create(
            order=order,
            position=pos,
            item=ln["item"],
            kind=ln["kind"],
            description=_describe(entry, ln["params"], order.language),
            quantity=ln["quantity"],
            unit_price=ln["unit_price"],
            amount=ln["unit_price"] * ln["quantity"],
            currency=ln["currency"],
            base_package=ln["base_package"],
            params=ln["params"],
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
    _enqueue_provisioning(order.id, provisioning_time())
    return order


def _describe(entry: dict[str, Any], params: dict[str, Any], lang: str) -> str:
    with translation.override(lang):
        base = pricing.name(entry, lang)
        if "site" in params:
            s = params["site"]
            return _("%(item)s %(site)s, %(street)s, %(postal)s %(city)s (%(n)d numbers)") % {
                "item": base,
                "site": s["name"],
                "street": s["street"],
                "postal": s["postal_code"],
                "city": s["city"],
                "n": params["numbers"],
            }
        if params.get("name") and params["name"] != base:
            return f"{base}: {params['name']}"
        return base


def _send_confirmation(order: Order, actor: Actor) -> None:
    recipients: dict[str, tuple[User, Organization]] = {}
    if actor.user is not None:
        recipients[actor.user.email] = (actor.user, actor.organization)
    for u in account_admins(order.account):
        recipients.setdefault(u.email, (u, order.account))
    pdfs: dict[str, bytes] = {}
    for email, (user, org) in recipients.items():
        lang = language_for(user, org)
        if lang not in pdfs:
            pdfs[lang] = order_pdf(order, lang)
        queue_email(
            to=email,
            template="order_confirmation",
            context={**_order_context(order), "user": user},
            language=lang,
            organization=order.account,
            attachments=[
                Attachment(f"{order.number}.pdf", "application/pdf", pdfs[lang]),
            ],
        )


@transaction.atomic
def retry_order(actor: Actor, order: Order) -> Order:
    """Put a failed order back in the queue; provisioning runs again at once."""
    if not permissions.can(actor, "order.create", order.account):
        raise Forbidden(_("You are not allowed to retry this order."))
    updated = Order.objects.filter(id=order.id, status=Order.Status.FAILED).update(
        status=Order.Status.CONFIRMED, failure_reason=""
    )
    if not updated:
        raise Conflict(_("Only a failed order can be retried."))
    order.refresh_from_db()
    record(actor, "order.retried", organization=order.account, target=order, changes={})
    _enqueue_provisioning(order.id, timezone.now())
    return order
