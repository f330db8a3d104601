"""Customer accounts in and out as CSV (`channeldesk import accounts`, `channeldesk export
accounts`; product.md §11).

An import is all or nothing: every row is validated first with the same rules as a single
account (accounts.actions.new_account), and one bad row means nothing is written and the
report names every bad row, field and reason. A clean file is written in one transaction,
in batches, with one audit event per account (audit.events.record_many). Measured by the
benchmark (bench/, issue 8): 100,000 rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import transaction
from django.utils.translation import gettext as _

from channeldesk.accounts.actions import default_parent, new_account_row, snapshot
from channeldesk.accounts.models import Account
from channeldesk.audit.events import BulkEvent, record_many
from channeldesk.core.bulk import insert
from channeldesk.core.csvsafe import safe_row
from channeldesk.core.errors import DomainError, ValidationFailed
from channeldesk.tenancy import reach
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import PARTNER_KINDS

COLUMNS = (
    "name",
    "street",
    "city",
    "postal_code",
    "country",
    "subdivision",
    "default_language",
    "business_type",
    "cloud_region",
    "platform",
    "billing_customer_number",
    "partner_id",
)
REQUIRED_COLUMNS = ("name", "country")
MAX_ROWS = 1_000_000
BATCH = 2000


@dataclass
class RowError:
    line: int  # the file's line number (the header is line 1)
    field: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self, limit: int = 200) -> list[str]:
        out = [f"line {e.line}: {e.field}: {e.message}" for e in self.errors[:limit]]
        if len(self.errors) > limit:
            out.append(_("… and %(n)s more.") % {"n": len(self.errors) - limit})
        return out


def import_accounts(
    actor: Actor, source: TextIO, *, partner: Organization | None = None, dry_run: bool = False
) -> ImportReport:
    """Validate every row of `source`, then (unless `dry_run` or any row is bad) create the
    accounts: under the row's `partner_id` (within the actor's reach), else under `partner`,
    else where the actor's accounts go (accounts.actions.default_parent)."""
    report = ImportReport()
    reader = csv.DictReader(source)
    header = [h.strip() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if unknown or missing:
        for h in unknown:
            report.errors.append(RowError(1, h, _("Unknown column.")))
        for c in missing:
            report.errors.append(RowError(1, c, _("This column is required.")))
        return report
    reader.fieldnames = header
    fallback = partner or default_parent(actor)
    parents: dict[str, Organization | None] = {}
    accounts: list[dict[str, Any]] = []
    for line, row in _rows(reader):
        report.rows += 1
        if report.rows > MAX_ROWS:
            report.errors.append(RowError(line, "", _("The file has too many rows.")))
            break
        if None in row:  # more cells than columns
            report.errors.append(RowError(line, "", _("This row has more cells than columns.")))
            continue
        data: dict[str, Any] = {k: (v or "").strip() for k, v in row.items() if k}
        parent = _parent(actor, data.pop("partner_id", ""), parents, fallback)
        if parent is None:
            report.errors.append(RowError(line, "partner_id", _("Unknown partner.")))
            continue
        billing = data.pop("billing_customer_number", "") or None
        data = {k: v for k, v in data.items() if v != ""}
        try:
            account, _domains = new_account_row(
                actor, parent, data, billing_customer_number=billing
            )
            accounts.append(account)
        except ValidationFailed as exc:
            report.errors.extend(RowError(line, e.field, e.message) for e in exc.errors)
        except DomainError as exc:
            report.errors.append(RowError(line, "partner_id", exc.detail))
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        insert(Account, accounts)
        target = Account._meta.label_lower
        record_many(
            actor,
            "account.created",
            [
                BulkEvent(a["id"], a["path"], target, a["id"], {**snapshot(a), "domains": []})
                for a in accounts
            ],
        )
    report.created = len(accounts)
    return report


def _rows(reader: csv.DictReader) -> Iterator[tuple[int, dict]]:
    for row in reader:
        line = reader.line_num
        if not any((v or "").strip() for k, v in row.items() if k):
            continue  # blank lines
        yield line, row


def _parent(
    actor: Actor, partner_id: str, cache: dict[str, Organization | None], fallback: Organization
) -> Organization | None:
    if not partner_id:
        return fallback
    if partner_id not in cache:
        try:
            cache[partner_id] = reach.organization_in_reach(actor, partner_id, kinds=PARTNER_KINDS)
        except DomainError:
            cache[partner_id] = None
    return cache[partner_id]


EXPORT_COLUMNS = ("id", *COLUMNS[:-1], "status", "partner_id", "partner_name", "created_at")


def export_accounts(actor: Actor) -> Iterable[str]:
    """Every account in the actor's reach as CSV lines (formula cells neutralised), read in
    keyset batches so the export's memory stays flat at any size."""
    from channeldesk.accounts.queries import accounts

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield _take(buffer)
    columns = [c for c in EXPORT_COLUMNS if c not in ("partner_id", "partner_name")]
    after = ""
    while True:
        batch = list(
            accounts(actor)
            .filter(id__gt=after)
            .order_by("id")
            .values(*columns, "parent_id", "parent__name", "parent__kind")[:BATCH]
        )
        if not batch:
            return
        for r in batch:
            direct = r["parent__kind"] not in PARTNER_KINDS
            r["partner_id"] = "" if direct else r["parent_id"]
            r["partner_name"] = "" if direct else r["parent__name"]
            r["created_at"] = r["created_at"].isoformat()
            writer.writerow(safe_row([r[c] for c in EXPORT_COLUMNS]))
        yield _take(buffer)
        after = batch[-1]["id"]


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
