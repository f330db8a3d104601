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
    return reach.get_visible(actor, Account, account_id)


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
