"""The billing run: one invoice per draft of every registered source, once per period."""

from __future__ import annotations

import datetime as dt
import re
import time
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from channeldesk.audit.events import BulkEvent, record_many
from channeldesk.billing import sources
from channeldesk.billing.models import BillingRun, Invoice, InvoiceLine
from channeldesk.billing.sequences import advance, lock
from channeldesk.core.errors import ValidationFailed
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization

CENT = Decimal("0.01")
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass
class RunResult:
    period: str
    issued: int
    skipped: int
    drafts: int = 0
    seconds: float = 0.0  # issuing (the drafts were made before, see the command's timing)


def check_period(period: str) -> str:
    if not isinstance(period, str) or not PERIOD_RE.match(period):
        raise ValidationFailed.field("period", _("Enter the period as YYYY-MM."))
    return period


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of the period."""
    y, m = (int(x) for x in check_period(period).split("-"))
    first = dt.date(y, m, 1)
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def drafts(period: str) -> list[sources.InvoiceDraft]:
    out: list[sources.InvoiceDraft] = []
    for name in sorted(sources.SOURCES):
        out.extend(sources.SOURCES[name](period))
    return out


def _priced(draft: sources.InvoiceDraft) -> tuple[list[tuple], Decimal]:
    """(position, description, quantity, unit price, amount) per line, and the total."""
    lines = []
    total = Decimal("0")
    for pos, line in enumerate(draft.lines, start=1):
        qty = Decimal(line.quantity)
        unit = Decimal(line.unit_price)
        amount = (qty * unit).quantize(CENT, rounding=ROUND_HALF_UP)
        total += amount
        lines.append((pos, line.description[:300], qty, unit, amount))
    return lines, total


def _issued_event(invoice: Invoice, total: Decimal) -> dict:
    return {
        "number": invoice.number,
        "period": invoice.period,
        "source": invoice.source,
        "total": str(total),
        "currency": invoice.currency,
    }


BATCH = 500  # drafts issued per transaction by the billing run


def issue_batch(
    batch: list[sources.InvoiceDraft], period: str, paths: dict[str, str], system: Actor
) -> int:
    """Issue the drafts of `batch` not yet issued for `period` in one transaction: what
    `issue` does per draft, with the counters of the batch's issuers locked (in id order)
    before the "already issued?" check and advanced once each, invoices, lines and audit
    events inserted in bulk. `paths`: bill-to id -> its organization path. Returns the
    number issued; a conflict with a concurrent run (IntegrityError) rolls the batch back
    and raises, for the caller to issue those drafts one by one."""
    with transaction.atomic():
        issuers = sorted({d.issuer_id for d in batch})
        lasts = {i: lock(f"invoice:{i}") for i in issuers}
        done = set(
            Invoice.objects.filter(
                period=period,
                source__in={d.source for d in batch},
                key__in={d.key for d in batch},
            ).values_list("source", "key")
        )
        new: list[sources.InvoiceDraft] = []
        for d in batch:
            if (d.source, d.key) not in done:
                done.add((d.source, d.key))  # a draft twice in one batch is issued once
                new.append(d)
        numbers = {
            i: iter(advance(f"invoice:{i}", lasts[i], sum(d.issuer_id == i for d in new)))
            for i in issuers
        }
        invoices, lines, events = [], [], []
        for d in new:
            priced, total = _priced(d)
            seq = next(numbers[d.issuer_id])
            invoice = Invoice(
                number=f"INV-{seq:07d}",
                sequence=seq,
                issuer_id=d.issuer_id,
                bill_to_id=d.bill_to_id,
                source=d.source,
                key=d.key,
                period=period,
                currency=d.currency,
                total=total,
            )
            invoices.append(invoice)
            lines += [
                InvoiceLine(
                    invoice=invoice,
                    position=pos,
                    description=desc,
                    quantity=qty,
                    unit_price=unit,
                    amount=amount,
                )
                for pos, desc, qty, unit, amount in priced
            ]
            events.append(
                BulkEvent(
                    d.bill_to_id,
                    paths[d.bill_to_id],
                    Invoice._meta.label_lower,
                    invoice.id,
                    _issued_event(invoice, total),
                )
            )
        Invoice.objects.bulk_create(invoices)
        InvoiceLine.objects.bulk_create(lines, batch_size=1000)
        record_many(system, "invoice.issued", events)
        return len(new)


def issue(
    draft: sources.InvoiceDraft, period: str, *, system: Actor | None = None
) -> Invoice | None:
    """Issue one draft, unless it was issued for this period already (`issue_batch` of one:
    the issuer's counter locked, the check repeated under the lock, so two runs at once
    neither skip a number nor use one twice, and never issue a draft twice)."""
    path = Organization.objects.values_list("path", flat=True).get(id=draft.bill_to_id)
    try:
        if not issue_batch([draft], period, {draft.bill_to_id: path}, system or Actor.system()):
            return None
    except IntegrityError:  # issued by a concurrent run: the rollback returned our number
        return None
    return Invoice.objects.get(source=draft.source, key=draft.key, period=period)


def run_billing(
    period: str,
    progress: Callable[[Iterable], Iterable] | None = None,
    todo: list[sources.InvoiceDraft] | None = None,
) -> RunResult:
    """Issue the invoices of `period` for every registered source. Idempotent."""
    check_period(period)
    started = time.perf_counter()
    BillingRun.objects.get_or_create(period=period, defaults={"started_at": timezone.now()})
    todo = drafts(period) if todo is None else todo
    # One query for what this period has already; each new draft is re-checked under lock.
    done = set(Invoice.objects.filter(period=period).values_list("source", "key"))
    system = Actor.system()
    issued = skipped = 0
    pending: list[sources.InvoiceDraft] = []

    def flush() -> None:
        nonlocal issued, skipped
        if not pending:
            return
        ids = {d.bill_to_id for d in pending}
        paths = dict(Organization.objects.filter(id__in=ids).values_list("id", "path"))
        try:
            n = issue_batch(pending, period, paths, system)
        except IntegrityError:  # a concurrent run issued some of them: one by one, then
            n = sum(issue(d, period, system=system) is not None for d in pending)
        issued += n
        skipped += len(pending) - n
        pending.clear()

    for draft in progress(todo) if progress else todo:
        if (draft.source, draft.key) in done:
            skipped += 1
            continue
        pending.append(draft)
        if len(pending) >= BATCH:
            flush()
    flush()
    # Add to what earlier runs of the period issued: a second run issues nothing new and must
    # not overwrite the count with 0.
    BillingRun.objects.filter(period=period).update(
        finished_at=timezone.now(), issued=F("issued") + issued
    )
    return RunResult(period, issued, skipped, len(todo), time.perf_counter() - started)


def previous_period(now: dt.datetime | None = None) -> str:
    local = (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(settings.OPERATOR_TIME_ZONE))
    first = local.date().replace(day=1)
    last = first - dt.timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def monthly_job(now: dt.datetime | None = None) -> RunResult | None:
    """The scheduled run (hourly check): bill last month once it is over in the operator's
    time zone; a period that has finished a run is skipped (None)."""
    period = previous_period(now)
    if BillingRun.objects.filter(period=period, finished_at__isnull=False).exists():
        return None
    return run_billing(period)
