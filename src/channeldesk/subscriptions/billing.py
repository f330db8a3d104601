"""The wholesale billing source: one invoice per partner and month, issued by the operator,
with one line per subscription whose payment falls due in that month (billed in advance).

The partner billed is the account's partner on the due date: after a partner change
(relationships' partner links) payments due from the switch date go to the new partner, those
due before it to the previous one, whenever the billing run runs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from channeldesk.billing.sources import InvoiceDraft, LineDraft
from channeldesk.core.errors import ValidationFailed
from channeldesk.relationships.models import PartnerLink
from channeldesk.subscriptions import dates
from channeldesk.subscriptions.catalog_products import product_name
from channeldesk.subscriptions.models import Subscription
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind


def _month(period: str) -> tuple[dt.date, dt.date]:
    try:
        year, month = (int(x) for x in period.split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        raise ValidationFailed.field("period", "expected YYYY-MM") from None
    return first, dates.add_months(first, 1) - dt.timedelta(days=1)


def due_in(sub: Subscription, first: dt.date, last: dt.date) -> dt.date | None:
    """The payment date of `sub` (start + k periods, k >= 0) inside [first, last], if any."""
    step = dates.MONTHS[sub.billing_period]
    months = (first.year - sub.start_date.year) * 12 + first.month - sub.start_date.month
    if months < 0 or months % step:
        return None
    day = dates.add_months(sub.start_date, months)
    return day if first <= day <= last else None


def partner_on(account: Organization, day: dt.date) -> Organization | None:
    """The account's partner on `day`: the partner link in force then (a link starts on its
    switch date), before the first link its previous partner, without links the parent."""
    links = list(account.partner_links.all())
    if not links:
        return account.parent
    current = None
    for link in links:
        if timezone.localdate(link.started_at) <= day:
            current = link
    if current is None:
        return links[0].previous_partner
    return current.partner


def wholesale_drafts(period: str) -> list[InvoiceDraft]:
    first, last = _month(period)
    operator = Organization.objects.filter(kind=Kind.OPERATOR).first()
    if operator is None:
        return []
    qs = (
        Subscription.objects.filter(start_date__lte=last)
        .filter(
            Q(status=Subscription.Status.ACTIVE)
            | Q(status=Subscription.Status.CANCELLED, cancelled_at__date__gte=first)
        )
        .select_related("account__parent")
        .prefetch_related(
            Prefetch(
                "account__partner_links",
                queryset=PartnerLink.objects.select_related("partner", "previous_partner").order_by(
                    "started_at", "id"
                ),
            )
        )
        .order_by("id")
    )
    drafts: dict[tuple[str, str], InvoiceDraft] = {}
    for sub in qs.iterator(chunk_size=2000):
        due = due_in(sub, first, last)
        if due is None:
            continue
        if sub.cancelled_at is not None and sub.cancelled_at.date() <= due:
            continue
        parent = partner_on(sub.account, due)
        bill_to = (
            parent
            if parent is not None and parent.kind in (Kind.DISTRIBUTOR, Kind.RESELLER)
            else sub.account
        )
        key = (bill_to.id, sub.currency)
        draft = drafts.get(key)
        if draft is None:
            draft = drafts[key] = InvoiceDraft(
                source="subscriptions.wholesale",
                key=f"{bill_to.id}:{sub.currency}",
                issuer_id=operator.id,
                bill_to_id=bill_to.id,
                currency=sub.currency,
            )
        end = dates.add_months(due, dates.MONTHS[sub.billing_period]) - dt.timedelta(days=1)
        name = product_name(sub.product, bill_to.default_language or "en")
        draft.lines.append(
            LineDraft(
                description=f"{name} — {sub.account.name} ({due.isoformat()} – {end.isoformat()})",
                quantity=Decimal(sub.quantity),
                unit_price=sub.unit_price,
                currency=sub.currency,
            )
        )
    return list(drafts.values())
