"""Reads of subscriptions and licenses; every query starts from tenancy.reach."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from channeldesk.core.errors import Forbidden
from channeldesk.core.pagination import clamp_limit, decode_cursor, keyset_queryset, page_of
from channeldesk.core.statements import Marks, prepared
from channeldesk.identity.models import User
from channeldesk.subscriptions.catalog_products import (
    effective_settings,
    product_choices,
    product_name,
)
from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy import permissions, reach
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization, search_key
from channeldesk.tenancy.roles import Kind

# column -> ORM field used for sorting (keyset: the id breaks ties)
SORTS = {
    "customer": "account__name_key",
    # the product's name in the reader's language (with_sort_keys), not its key
    "product": "product_sort",
    "quantity": "quantity",
    "assigned": "assigned",
    "status": "status",
    "next_payment_date": "next_payment_date",
    "start_date": "start_date",
}
BILLING_SORTS = {"next_payment_date"}
MAX_EMAILS = 100_000


def sees_billing(actor: Actor) -> bool:
    """Wholesale prices and payment dates: the bill-to side only (partners with billing
    rights and the operator), never the customer (product.md §2)."""
    return permissions.can(actor, "wholesale.view")


def subscriptions(
    actor: Actor,
    *,
    status: str | None = None,
    product: str | None = None,
    q: str = "",
    account_id: str | None = None,
) -> QuerySet[Subscription]:
    if not permissions.can(actor, "subscription.view"):
        raise Forbidden("You are not allowed to see subscriptions.")
    key = search_key(q) if q else None
    qs = _subscriptions(actor, status=status, product=product, key=key, account_id=account_id)
    return qs.select_related("account")


def _subscriptions(
    actor: Actor,
    *,
    status: str | None,
    product: str | None,
    key: str | None,
    account_id: str | None,
) -> QuerySet[Subscription]:
    qs = reach.visible(actor, Subscription)
    if status:
        qs = qs.filter(status=status)
    if product:
        qs = qs.filter(product=product)
    if account_id:
        qs = qs.filter(account_id=account_id)
    if key is not None:
        qs = qs.filter(account__name_key__gte=key, account__name_key__lt=key + "\uffff")
    return qs


def ordering(actor: Actor, sort: str | None) -> tuple[str, list[str]]:
    """(normalised sort parameter, keyset order); unknown or hidden columns fall back to id."""
    sort = sort or ""
    desc = sort.startswith("-")
    column = sort.lstrip("-")
    if column not in SORTS or (column in BILLING_SORTS and not sees_billing(actor)):
        return "", ["-id"]
    field = SORTS[column]
    return sort, ([f"-{field}", "-id"] if desc else [field, "id"])


def with_sort_keys(qs: QuerySet[Subscription], order: list[str]) -> QuerySet[Subscription]:
    """Add the computed sort keys `order` uses: `product_sort` is the product's name in the
    current language (a CASE over the catalog's few products; unknown keys sort by key)."""
    if not any(o.lstrip("-") == "product_sort" for o in order):
        return qs
    names = product_choices()
    return qs.annotate(
        product_sort=Case(
            *[When(product=key, then=Value(name)) for key, name in names],
            default=F("product"),
            output_field=CharField(),
        )
    )


def get_subscription(actor: Actor, subscription_id: str) -> Subscription:
    qs = reach.visible(actor, Subscription).select_related("account")
    sub = reach.get_visible(actor, Subscription, subscription_id, qs=qs)
    if not permissions.can(actor, "subscription.view"):
        raise Forbidden("You are not allowed to see subscriptions.")
    return sub


def monthly_value(sub: Subscription) -> Decimal:
    value = sub.unit_price * sub.quantity
    if sub.billing_period == "annual":
        value = value / 12
    return value.quantize(Decimal("0.01"))


def totals(qs: QuerySet[Subscription], actor: Actor) -> dict[str, Any]:
    """Subscriptions and users of the filtered list; monthly value of its active ones."""
    base = qs.order_by().aggregate(n=Count("id"), users=Coalesce(Sum("quantity"), 0))
    out: dict[str, Any] = {"subscriptions": base["n"], "users": base["users"]}
    if sees_billing(actor):
        value = ExpressionWrapper(
            F("unit_price") * F("quantity"),
            output_field=DecimalField(max_digits=20, decimal_places=2),
        )
        rows = (
            qs.order_by()
            .filter(status=Subscription.Status.ACTIVE)
            .values("currency", "billing_period")
            .annotate(total=Coalesce(Sum(value), Value(Decimal(0))))
        )
        per: dict[str, Decimal] = {}
        for r in rows:
            t = Decimal(r["total"])
            per[r["currency"]] = per.get(r["currency"], Decimal(0)) + (
                t / 12 if r["billing_period"] == "annual" else t
            )
        out["monthly_value"] = [
            {"amount": str(v.quantize(Decimal("0.01"))), "currency": c}
            for c, v in sorted(per.items())
        ]
    return out


def subscription_out(sub: Subscription, actor: Actor) -> dict[str, Any]:
    """The API representation; billing fields only for the bill-to side."""
    out: dict[str, Any] = {
        "id": sub.id,
        "account": {"id": sub.account.id, "name": sub.account.name},
        "product": sub.product,
        "product_name": product_name(sub.product),
        "quantity": sub.quantity,
        "assigned": sub.assigned,
        "status": sub.status,
        "start_date": sub.start_date,
        "billing_period": sub.billing_period,
        "auto_renew": sub.auto_renew,
        "cancel_at_term_end": sub.cancel_at_term_end,
        "customer_managed": sub.customer_managed,
        "settings": effective_settings(sub.product, sub.settings),
        "etag": sub.etag,
    }
    if sees_billing(actor):
        out["next_payment_date"] = (
            None if sub.status == Subscription.Status.CANCELLED else sub.next_payment_date
        )
        out["unit_price"] = {"amount": str(sub.unit_price), "currency": sub.currency}
        out["monthly_value"] = {"amount": str(monthly_value(sub)), "currency": sub.currency}
    return out


PAGE_FIELDS = (
    "id",
    "product",
    "quantity",
    "assigned",
    "status",
    "start_date",
    "billing_period",
    "next_payment_date",
    "unit_price",
    "currency",
    "auto_renew",
    "cancel_at_term_end",
    "customer_managed",
    "settings",
    "version",
    "account_id",
    "account__name",
    "account__name_key",  # the customer sort's cursor
)
# Sort columns whose cursor values are strings: their statement is compiled once (other sorts
# take the ORM path, which converts the cursor's value to the column's type).
# (The product sort is by name in the reader's language: a CASE of the catalog's names, not
# compiled once.)
TEXT_SORTS = {"id", "status", "account__name_key"}


def subscription_page(
    actor: Actor,
    *,
    status: str | None = None,
    product: str | None = None,
    q: str = "",
    account_id: str | None = None,
    sort: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> dict[str, Any]:
    """One page of the subscriptions list as the API answers it ({items, next_cursor,
    totals}): keys first (only the page's ids are sorted), narrow rows, and the totals in one
    grouped statement; compiled once per shape (core.statements) where the sort allows."""
    if not permissions.can(actor, "subscription.view"):
        raise Forbidden("You are not allowed to see subscriptions.")
    limit = clamp_limit(limit)
    _, order = ordering(actor, sort)
    after = decode_cursor(cursor, len(order))
    billing = sees_billing(actor)
    filters: dict[str, Any] = {
        "status": status,
        "product": product,
        "q": q[:100],
        "account_id": account_id,
    }
    fields = {f.lstrip("-") for f in order}
    if fields <= TEXT_SORTS and (after is None or all(isinstance(v, str) for v in after)):
        rows, groups = _prepared_page(actor, filters, order, limit, after)
    else:
        qs = subscriptions(actor, **filters)
        extra = [f for f in fields if f == "product_sort"]

        def page_rows(keys: QuerySet) -> QuerySet:
            return with_sort_keys(keys, order).values(*PAGE_FIELDS, *extra)

        sorted_qs = with_sort_keys(qs, order)
        rows = list(
            keyset_queryset(sorted_qs, order=order, limit=limit, after=after, rows=page_rows)
        )
        groups = list(_total_groups(qs))
    page = page_of(rows, order=order, limit=limit)
    return {
        "items": [_page_row_out(r, billing) for r in page.items],
        "next_cursor": page.next_cursor,
        "totals": _totals_of(groups, billing),
    }


def _page_rows(qs: QuerySet) -> QuerySet:
    return qs.values(*PAGE_FIELDS)


def _total_groups(qs: QuerySet) -> QuerySet:
    value = ExpressionWrapper(
        F("unit_price") * F("quantity"), output_field=DecimalField(max_digits=20, decimal_places=2)
    )
    return (
        qs.order_by()
        .values("status", "currency", "billing_period")
        .annotate(
            n=Count("id"),
            users=Coalesce(Sum("quantity"), 0),
            total=Coalesce(Sum(value), Value(Decimal(0))),
        )
    )


def _prepared_page(actor: Actor, filters: dict, order: list[str], limit: int, after) -> tuple:
    shape, marked, values = reach.prepared_scope(actor)
    flags = tuple(bool(v) for v in filters.values())
    has_after = after is not None

    def marked_filters(m: Marks) -> dict:
        return {
            "status": m.status if flags[0] else None,
            "product": m.product if flags[1] else None,
            "key": m.key if flags[2] else None,
            "account_id": m.account if flags[3] else None,
        }

    def page(m: Marks) -> QuerySet:
        marks = [getattr(m, f"after{i}") for i in range(len(order))] if has_after else None
        qs = _subscriptions(marked, **marked_filters(m))
        return keyset_queryset(qs, order=order, limit=limit, after=marks, rows=_page_rows)

    key = (shape, flags, tuple(order), limit, has_after)
    values.update(
        status=filters["status"],
        product=filters["product"],
        key=search_key(filters["q"]),
        account=filters["account_id"],
    )
    for i, v in enumerate(after or ()):
        values[f"after{i}"] = v
    rows = prepared(("subscriptions.page", *key), page).rows(**values)
    groups = prepared(
        ("subscriptions.totals", shape, flags),
        lambda m: _total_groups(_subscriptions(marked, **marked_filters(m))),
    ).rows(**values)
    return rows, groups


def _page_row_out(row: dict[str, Any], billing: bool) -> dict[str, Any]:
    """`subscription_out` for a row of PAGE_FIELDS (same keys, same values)."""
    out: dict[str, Any] = {
        "id": row["id"],
        "account": {"id": row["account_id"], "name": row["account__name"]},
        "product": row["product"],
        "product_name": product_name(row["product"]),
        "quantity": row["quantity"],
        "assigned": row["assigned"],
        "status": row["status"],
        "start_date": row["start_date"],
        "billing_period": row["billing_period"],
        "auto_renew": row["auto_renew"],
        "cancel_at_term_end": row["cancel_at_term_end"],
        "customer_managed": row["customer_managed"],
        "settings": effective_settings(row["product"], row["settings"]),
        "etag": f'"{row["id"]}-{row["version"]}"',
    }
    if billing:
        price, quantity = row["unit_price"], row["quantity"]
        value = price * quantity
        if row["billing_period"] == "annual":
            value = value / 12
        out["next_payment_date"] = (
            None if row["status"] == Subscription.Status.CANCELLED else row["next_payment_date"]
        )
        out["unit_price"] = {"amount": str(price), "currency": row["currency"]}
        out["monthly_value"] = {
            "amount": str(value.quantize(Decimal("0.01"))),
            "currency": row["currency"],
        }
    return out


def _totals_of(groups: list[dict[str, Any]], billing: bool) -> dict[str, Any]:
    """`totals` from the grouped statement: every row counts, active ones make the value."""
    out: dict[str, Any] = {
        "subscriptions": sum(g["n"] for g in groups),
        "users": sum(g["users"] for g in groups),
    }
    if billing:
        per: dict[str, Decimal] = {}
        for g in groups:
            if g["status"] != Subscription.Status.ACTIVE:
                continue
            t = Decimal(g["total"])
            per[g["currency"]] = per.get(g["currency"], Decimal(0)) + (
                t / 12 if g["billing_period"] == "annual" else t
            )
        out["monthly_value"] = [
            {"amount": str(v.quantize(Decimal("0.01"))), "currency": c}
            for c, v in sorted(per.items())
        ]
    return out


def licenses(actor: Actor, sub: Subscription) -> QuerySet[License]:
    if not permissions.can(actor, "license.view"):
        raise Forbidden("You are not allowed to see licenses.")
    return reach.visible(actor, License).filter(subscription=sub).select_related("user")


def license_rows(actor: Actor, sub: Subscription, ids: list[str]) -> list[dict[str, Any]]:
    """The licenses `ids` of `sub` in the API representation (license_out), as values, in
    parts that keep IN lists small."""
    out = []
    for start in range(0, len(ids), 500):
        out += [
            {"user_id": r[0], "email": r[1], "name": r[2], "assigned_at": r[3]}
            for r in licenses(actor, sub)
            .filter(id__in=ids[start : start + 500])
            .order_by("id")
            .values_list("user_id", "user__email", "user__name", "assigned_at")
        ]
    return out


def license_out(lic: License) -> dict[str, Any]:
    return {
        "user_id": lic.user.id,
        "email": lic.user.email,
        "name": lic.user.name,
        "assigned_at": lic.assigned_at,
    }


def my_licenses(actor: Actor) -> QuerySet[License]:
    """The signed-in user's own licenses in the acting organization."""
    if actor.user is None:
        return License.objects.none()
    return (
        reach.visible(actor, License)
        .filter(user=actor.user, account=actor.organization)
        .select_related("subscription", "account")
        .order_by("id")
    )


def my_license_out(lic: License) -> dict[str, Any]:
    return {
        "id": lic.id,
        "subscription_id": lic.subscription_id,
        "account": {"id": lic.account.id, "name": lic.account.name},
        "product": lic.subscription.product,
        "product_name": product_name(lic.subscription.product),
        "status": lic.subscription.status,
        "assigned_at": lic.assigned_at,
    }


def license_account(actor: Actor, account_id: Any) -> Organization:
    """A customer account whose licenses-by-user the actor reads: in reach (404 otherwise)
    and one who sees the account's users and its licenses (403 otherwise)."""
    account = reach.organization_in_reach(actor, account_id, kinds=(Kind.CUSTOMER,))
    if not (
        permissions.can(actor, "account_user.view", account)
        and permissions.can(actor, "license.view", account)
    ):
        raise Forbidden("You are not allowed to see the account's licenses.")
    return account


def account_member(actor: Actor, account: Organization, user_id: str) -> User | None:
    m = (
        reach.visible(actor, Membership)
        .filter(organization=account, user_id=user_id)
        .select_related("user")
        .first()
    )
    return m.user if m else None


def account_licenses(
    actor: Actor, account: Organization, *, q: str = "", user: User | None = None
) -> QuerySet[License]:
    """Every license of the account's subscriptions, by holder; `q` matches the start of the
    holder's e-mail or name."""
    qs = (
        reach.visible(actor, License).filter(account=account).select_related("user", "subscription")
    )
    if user is not None:
        qs = qs.filter(user=user)
    if q:
        qs = qs.filter(Q(user__email__startswith=q.lower()) | Q(user__name__istartswith=q))
    return qs


def members_without_license(actor: Actor, sub: Subscription) -> QuerySet[Membership]:
    """Users of the subscription's account who hold no license of it (to pick from)."""
    held = License.objects.filter(subscription=sub).values("user_id")
    return (
        reach.visible(actor, Membership)
        .filter(organization=sub.account)
        .exclude(user_id__in=held)
        .select_related("user")
        .order_by("user__email")
    )


def parse_emails(text: str) -> list[str]:
    """E-mail addresses from a CSV file or pasted list (any column, header optional)."""
    import csv
    import io

    out: dict[str, None] = {}
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            for part in cell.replace(";", " ").split():
                part = part.strip().strip('"').lower()
                if "@" in part:
                    out.setdefault(part, None)
    return list(out)


def preview_csv(actor: Actor, sub: Subscription, text: str) -> dict[str, Any]:
    """Which e-mails of a CSV are users of the account (with or without a license already)
    and which are unknown; nothing is assigned here."""
    emails = parse_emails(text)[:MAX_EMAILS]
    members: dict[str, User] = {}
    for i in range(0, len(emails), 500):
        for m in (
            reach.visible(actor, Membership)
            .filter(organization=sub.account, user__email__in=emails[i : i + 500])
            .select_related("user")
        ):
            members[m.user.email.lower()] = m.user
    ids = [u.id for u in members.values()]
    held: set[str] = set()
    for i in range(0, len(ids), 500):
        held |= set(
            License.objects.filter(subscription=sub, user_id__in=ids[i : i + 500]).values_list(
                "user_id", flat=True
            )
        )
    known: list[User] = [members[e] for e in emails if e in members and members[e].id not in held]
    already = [members[e] for e in emails if e in members and members[e].id in held]
    unknown = [e for e in emails if e not in members]
    return {
        "emails": emails,
        "assign": known,
        "already": already,
        "unknown": unknown,
        "free": sub.quantity - sub.assigned,
    }
