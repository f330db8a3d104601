from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils.translation import gettext as _

from channeldesk.accounts.domains import domains_by_account, domains_of
from channeldesk.accounts.models import Account, AccountIntegration, ProblemReport, SupportContact
from channeldesk.catalog.catalog import current, localized
from channeldesk.core.errors import Forbidden, NotFound, ValidationFailed
from channeldesk.core.pagination import (
    Page,
    clamp_limit,
    decode_cursor,
    keyset_queryset,
    page_of,
)
from channeldesk.core.statements import Marks, prepared
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization, search_key
from channeldesk.tenancy.roles import Kind


def accounts(
    actor: Actor, *, q: str = "", status: str | None = None, partner_id: str | None = None
) -> QuerySet[Account]:
    return _accounts(actor, key=search_key(q) if q else None, status=status, partner_id=partner_id)


def _accounts(
    actor: Actor, *, key: str | None, status: str | None, partner_id: str | None
) -> QuerySet[Account]:
    # Which index reads the list (bench/, 1 M accounts): a distributor's subtree (tens of
    # thousands of accounts) is read in the list's order (org_kind_id or org_kind_name, the
    # path checked per row) and stops at the limit; a reseller's few hundred are read
    # by path and sorted, also when searching (a name prefix matches thousands platform-wide).
    large = actor.organization.kind == Kind.DISTRIBUTOR
    qs = reach.visible(actor, Account, indexed=not large)
    if status:
        qs = qs.filter(status=status)
    if partner_id:
        qs = qs.filter(parent_id=partner_id)
    if key is not None:
        by_path = actor.organization.kind == Kind.RESELLER
        name = reach.Unindexed(F("name_key")) if by_path else F("name_key")
        qs = qs.filter(GreaterThanOrEqual(name, key), LessThan(name, key + "\uffff"))
    return qs


def get_account(actor: Actor, account_id: str) -> Account:
    qs = reach.visible(actor, Account).select_related("parent")
    return reach.get_visible(actor, Account, account_id, qs=qs)


def search_order(q: str) -> list[str]:
    """The order of an accounts list: by id (creation), a search by name (name_key, id). A
    name prefix can match a large share of a big subtree; ordered by name the page is read in
    index order (org_kind_name) and stops after the limit instead of sorting every match
    (bench/: q= as a distributor at 100 k accounts)."""
    return ["name_key", "id"] if q else ["id"]


def _after(cursor: str | None, order: list[str]) -> list[Any] | None:
    after = decode_cursor(cursor, len(order))
    if after is not None and not all(isinstance(v, str) for v in after):
        raise ValidationFailed.field("cursor", "is not a valid cursor")
    return after


def account_page(
    actor: Actor,
    *,
    q: str = "",
    status: str | None = None,
    partner_id: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> dict:
    """One page of the accounts in reach as the API answers it ({items, next_cursor}).

    The statement (reach filter, filters, keys-first keyset, the partner join) is compiled
    once per shape and reused with the values bound (core.statements): the same SQL as
    `keyset(accounts(...), rows=account_values)`, without building it per request."""
    limit = clamp_limit(limit)
    order = search_order(q)
    after = _after(cursor, order)
    shape, marked, values = reach.prepared_scope(actor)
    flags = (bool(q), bool(status), bool(partner_id), after is not None)

    def build(m: Marks) -> QuerySet:
        qs = _accounts(
            marked,
            key=m.key if flags[0] else None,
            status=m.status if flags[1] else None,
            partner_id=m.partner if flags[2] else None,
        )
        return keyset_queryset(
            qs,
            order=order,
            limit=limit,
            after=[getattr(m, f"after{i}") for i in range(len(order))] if flags[3] else None,
            rows=lambda keys: keys.values(*ROW_FIELDS, *order[:-1]),
        )

    stmt = prepared(("accounts.page", shape, flags, limit), build)
    values.update(key=search_key(q) if q else "", status=status, partner=partner_id)
    values.update({f"after{i}": v for i, v in enumerate(after or [None] * len(order))})
    page = page_of(stmt.rows(**values), order=order, limit=limit)
    return {"items": account_rows_out(page.items), "next_cursor": page.next_cursor}


# The columns the accounts page shows.
LIST_FIELDS = ("id", "name", "city", "country", "status", "parent__name", "parent__kind")


def account_list_rows(
    actor: Actor,
    *,
    q: str = "",
    status: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """The accounts page's rows ({id, name, city, country, status, partner}), keys first,
    from a statement compiled once per shape (as `account_page`, in its order)."""
    order = search_order(q)
    after = _after(cursor, order)
    shape, marked, values = reach.prepared_scope(actor)
    flags = (bool(q), bool(status), after is not None)

    def build(m: Marks) -> QuerySet:
        qs = _accounts(
            marked,
            key=m.key if flags[0] else None,
            status=m.status if flags[1] else None,
            partner_id=None,
        )
        return keyset_queryset(
            qs,
            order=order,
            limit=limit,
            after=[getattr(m, f"after{i}") for i in range(len(order))] if flags[2] else None,
            rows=lambda keys: keys.values(*LIST_FIELDS, *order[:-1]),
        )

    stmt = prepared(("accounts.list_rows", shape, flags, limit), build)
    values.update(key=search_key(q) if q else "", status=status)
    values.update({f"after{i}": v for i, v in enumerate(after or [None] * len(order))})
    rows = []
    for row in stmt.rows(**values):
        kind = row.pop("parent__kind")
        name = row.pop("parent__name")
        row["partner"] = name if kind != Kind.OPERATOR else None
        rows.append(row)
    return page_of(rows, order=order, limit=limit)


def account_one(actor: Actor, account_id: str) -> dict:
    """`get_account` in the API representation, from one narrow row (the same reach filter
    and 404), by a statement compiled once per shape."""
    shape, marked, values = reach.prepared_scope(actor)
    stmt = prepared(
        ("accounts.one", shape),
        lambda m: account_values(reach.visible(marked, Account).filter(pk=m.id))[:1],
    )
    rows = stmt.rows(**values, id=account_id)
    if not rows:
        raise NotFound(f"{Account._meta.verbose_name} not found")
    return account_rows_out(rows)[0]


OUT_FIELDS = (
    "id",
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
    "pbx_type",
    "billing_customer_number",
    "status",
    "created_at",
    "updated_at",
)


ROW_FIELDS = (*OUT_FIELDS, "version", "parent_id", "parent__name", "parent__kind")


def account_values(qs: QuerySet[Account]) -> QuerySet:
    """Only the columns of the API representation (one LEFT JOIN for the partner): lists build
    their rows from these dicts with `account_rows_out`, without model instances."""
    return qs.values(*ROW_FIELDS)


def account_rows_out(rows) -> list[dict]:
    """`account_out` for rows of `account_values` (same keys, same values)."""
    cat = current()
    labels: dict[str, str] = {}
    rows = list(rows)
    domains = domains_by_account(r["id"] for r in rows)  # one query for the page
    out = []
    for row in rows:
        platform = row["platform"]
        if platform not in labels:
            labels[platform] = cat.billing_number_label(platform)
        out.append(_row_out(row, labels[platform]))
        out[-1]["domains"] = domains.get(row["id"], [])
    return out


def _row_out(row: dict, label: str) -> dict:
    out = {f: row[f] for f in OUT_FIELDS}
    out["etag"] = f'"{row["id"]}-{row["version"]}"'
    out["billing_customer_number_label"] = label
    out["partner"] = (
        {"id": row["parent_id"], "name": row["parent__name"]}
        if row["parent_id"] and row["parent__kind"] != Kind.OPERATOR
        else None
    )
    return out


def account_out(account: Organization, parent=None) -> dict:
    """The API representation; `parent` may be passed preloaded to avoid a query per row."""
    parent = parent if parent is not None else account.parent
    cat = current()
    return {
        **{
            f: getattr(account, f)
            for f in (
                "id",
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
                "pbx_type",
                "billing_customer_number",
                "status",
                "created_at",
                "updated_at",
                "etag",
            )
        },
        "billing_customer_number_label": cat.billing_number_label(account.platform),
        "domains": domains_of(account),
        "partner": {"id": parent.id, "name": parent.name}
        if parent and parent.kind != Kind.OPERATOR
        else None,
    }


def support_contacts(actor: Actor, account: Organization) -> QuerySet[SupportContact]:
    return reach.visible(actor, SupportContact).filter(account=account)


def get_support_contact(actor: Actor, account: Organization, contact_id: str) -> SupportContact:
    return reach.get_visible(actor, SupportContact, contact_id, qs=support_contacts(actor, account))


def contact_out(c: SupportContact) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "email": c.email,
        "role": c.role,
        "language": c.language,
        "created_at": c.created_at,
        "etag": c.etag,
    }


def integrations(account: Organization, lang: str | None = None) -> list[dict[str, Any]]:
    """Every catalog integration with its state on `account` (names in `lang`)."""
    cat = current()
    states = {i.key: i for i in AccountIntegration.objects.filter(account=account)}
    out = []
    for e in cat.entries("integrations"):
        row = states.get(e["key"])
        enabled = bool(row and row.enabled)
        own = list(e.get("privileges", []))
        privileges = {p: bool(enabled and row and row.privileges.get(p)) for p in own}
        missing = [d for d in e.get("depends_on", []) if not (states.get(d) and states[d].enabled)]
        out.append(
            {
                "key": e["key"],
                "name": localized(e["name"], lang),
                "kind": e["kind"],
                "enabled": enabled,
                "privileges": privileges,
                "privilege_names": {p: cat.name("privileges", p, lang) for p in own},
                "depends_on": list(e.get("depends_on", [])),
                "requires_gateway_onboarding": bool(e.get("requires_gateway_onboarding")),
                "missing": [cat.name("integrations", d, lang) for d in missing],
                "needs_onboarding": bool(e.get("requires_gateway_onboarding"))
                and not account.pbx_type,
            }
        )
    return out


def problem_reports(actor: Actor, account: Organization | None = None) -> QuerySet[ProblemReport]:
    """Reports the actor may list: with problem_report.view all of its reach (or of `account`);
    a customer user who may only file reports sees their own."""
    qs = reach.visible(actor, ProblemReport)
    if account is not None:
        qs = qs.filter(account=account)
    if permissions.can(actor, "problem_report.view", account):
        return qs
    if permissions.can(actor, "problem_report.create", account) and actor.user is not None:
        return qs.filter(reporter=actor.user)
    raise Forbidden(_("You are not allowed to see problem reports."))


def report_out(r: ProblemReport, lang: str | None = None) -> dict:
    cat = current()
    return {
        "id": r.id,
        "account": {"id": r.account.id, "name": r.account.name},
        "subject": r.subject,
        "description": r.description,
        "integration": r.integration or None,
        "integration_name": cat.name("integrations", r.integration, lang)
        if r.integration
        else None,
        "reporter": {"name": r.reporter_name, "email": r.reporter_email},
        "status": r.status,
        "created_at": r.created_at,
        "resolved_at": r.resolved_at,
    }


def get_problem_report(actor: Actor, report_id: str) -> ProblemReport:
    return reach.get_visible(
        actor,
        ProblemReport,
        report_id,
        qs=reach.visible(actor, ProblemReport).select_related("account"),
    )
