from __future__ import annotations

from django.db.models import QuerySet

from channeldesk.accounts.models import Account
from channeldesk.catalog.catalog import current
from channeldesk.tenancy import reach
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import search_key
from channeldesk.tenancy.roles import Kind


def accounts(
    actor: Actor, *, q: str = "", status: str | None = None, partner_id: str | None = None
) -> QuerySet[Account]:
    qs = reach.visible(actor, Account)
    if status:
        qs = qs.filter(status=status)
    if partner_id:
        qs = qs.filter(parent_id=partner_id)
    if q:
        key = search_key(q)
        qs = qs.filter(name_key__gte=key, name_key__lt=key + "\uffff")
    return qs


def get_account(actor: Actor, account_id: str) -> Account:
    qs = reach.visible(actor, Account).select_related("parent")
    return reach.get_visible(actor, Account, account_id, qs=qs)


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


def account_values(qs: QuerySet[Account]) -> QuerySet:
    """Only the columns of the API representation (one LEFT JOIN for the partner): lists build
    their rows from these dicts with `account_rows_out`, without model instances."""
    return qs.values(*OUT_FIELDS, "version", "parent_id", "parent__name", "parent__kind")


def account_rows_out(rows) -> list[dict]:
    """`account_out` for rows of `account_values` (same keys, same values)."""
    cat = current()
    labels: dict[str, str] = {}
    out = []
    for row in rows:
        platform = row["platform"]
        if platform not in labels:
            labels[platform] = cat.billing_number_label(platform)
        out.append(_row_out(row, labels[platform]))
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


def account_out(account: Account, parent=None) -> dict:
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
        "partner": {"id": parent.id, "name": parent.name}
        if parent and parent.kind != Kind.OPERATOR
        else None,
    }
