"""The wholesale billing source: one invoice per partner, currency and month, with one line per
subscription whose payment falls due in that month (billed in advance).

Who bills whom follows the two-tier channel (docs/subscriptions.md, "Billing source"):

- a reseller directly under the operator: the operator bills the reseller;
- a reseller under a distributor: the operator bills the distributor (one line per subscription
  of its resellers' customers) and the distributor bills the reseller; both at the
  subscription's wholesale unit price (the catalog has one wholesale price list);
- a direct customer of the operator: the operator bills the account itself.

The partner is the account's partner on the due date: after a partner change (relationships'
partner links) payments due from the switch date go to the new partner, those due before it to
the previous one, whenever the billing run runs.

Invoice numbers are per issuer (billing.actions.issue), so a distributor's invoices to its
resellers have their own gapless sequence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
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


def partner_on(
    account: Organization, day: dt.date, links: list[PartnerLink]
) -> Organization | None:
    """The account's partner on `day`: of its partner `links` (oldest first) the one in force
    then (a link starts on its switch date), before the first its previous partner, without
    links the parent."""
    if not links:
        return account.parent
    current = None
    for link in links:
        if timezone.localdate(link.started_at) <= day:
            current = link
    if current is None:
        return links[0].previous_partner
    return current.partner


PARTNERS = (Kind.DISTRIBUTOR, Kind.RESELLER)


def billing_chain(
    account: Organization, partner: Organization | None, operator: Organization
) -> list[tuple[Organization, Organization]]:
    """(issuer, bill_to) pairs that bill a subscription of `account` whose partner is
    `partner`, operator first."""
    if partner is None or partner.kind not in PARTNERS:
        return [(operator, account)]  # a direct customer of the operator
    grand = partner.parent
    if partner.kind == Kind.RESELLER and grand is not None and grand.kind == Kind.DISTRIBUTOR:
        return [(operator, grand), (grand, partner)]
    return [(operator, partner)]


# What the run reads of a subscription, its account, partner and the partner's parent (all
# else deferred: ~40 % of the run was building full rows).
_ORG = ("id", "name", "kind", "default_language", "parent_id")
_FIELDS = (
    "product",
    "quantity",
    "unit_price",
    "currency",
    "billing_period",
    "start_date",
    "cancelled_at",
    "status",
    "account_id",
    *(
        f"{rel}__{f}"
        for rel in ("account", "account__parent", "account__parent__parent")
        for f in _ORG
    ),
)


def wholesale_drafts(period: str) -> list[InvoiceDraft]:
    first, last = _month(period)
    operator = Organization.objects.filter(kind=Kind.OPERATOR).first()
    if operator is None:
        return []
    # Every partner link, by account (few next to the subscriptions; most accounts have none).
    links: dict[str, list[PartnerLink]] = {}
    for link in PartnerLink.objects.select_related(
        "partner__parent", "previous_partner__parent"
    ).order_by("started_at", "id"):
        links.setdefault(link.account_id, []).append(link)
    qs = (
        Subscription.objects.filter(start_date__lte=last)
        .filter(
            Q(status=Subscription.Status.ACTIVE)
            | Q(status=Subscription.Status.CANCELLED, cancelled_at__date__gte=first)
        )
        .select_related("account__parent__parent")
        .only(*_FIELDS)
        .order_by("id")
    )
    drafts: dict[tuple[str, str], InvoiceDraft] = {}
    for sub in qs.iterator(chunk_size=2000):
        due = due_in(sub, first, last)
        if due is None:
            continue
        if sub.cancelled_at is not None and sub.cancelled_at.date() <= due:
            continue
        end = dates.add_months(due, dates.MONTHS[sub.billing_period]) - dt.timedelta(days=1)
        account = sub.account
        partner = partner_on(account, due, links.get(account.id, []))
        for issuer, bill_to in billing_chain(account, partner, operator):
            key = (bill_to.id, sub.currency)
            draft = drafts.get(key)
            if draft is None:
                draft = drafts[key] = InvoiceDraft(
                    source="subscriptions.wholesale",
                    key=f"{bill_to.id}:{sub.currency}",
                    issuer_id=issuer.id,
                    bill_to_id=bill_to.id,
                    currency=sub.currency,
                )
            name = product_name(sub.product, bill_to.default_language or "en")
            # The distributor's lines name the reseller too: it pays for several of them.
            who = account.name
            if bill_to.kind == Kind.DISTRIBUTOR and partner is not None:
                who = f"{partner.name} / {account.name}"
            draft.lines.append(
                LineDraft(
                    description=f"{name} — {who} ({due.isoformat()} – {end.isoformat()})",
                    quantity=Decimal(sub.quantity),
                    unit_price=sub.unit_price,
                    currency=sub.currency,
                )
            )
    return list(drafts.values())
