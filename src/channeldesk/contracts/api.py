"""Contracts, phone numbers and orders (api.md: Contracts, orders, invoices)."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router

from channeldesk.contracts import actions, queries
from channeldesk.contracts.schemas import (
    BasePackageList,
    BasePackageOut,
    CredentialsReissued,
    OrderIn,
    OrderList,
    OrderOut,
    PhoneNumberList,
    PhoneNumberOut,
    PhoneNumberPatch,
)
from channeldesk.core.errors import Forbidden
from channeldesk.core.etag import check_if_match
from channeldesk.core.pagination import keyset
from channeldesk.tenancy import permissions

router = Router(tags=["contracts"])


@router.get("/accounts/{account_id}/base-packages", response=BasePackageList)
def base_package_list(request, account_id: str, limit: int = 50, cursor: str | None = None):
    actor = request.auth
    account = queries.account_or_404(actor, account_id)
    page = keyset(queries.base_packages(actor, account), order=["id"], limit=limit, cursor=cursor)
    prices = queries.sees_prices(actor, account)
    return {
        "items": [queries.base_package_out(p, prices) for p in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get("/base-packages/{package_id}", response=BasePackageOut)
def base_package_get(request, package_id: str):
    pkg = queries.get_base_package(request.auth, package_id)
    return queries.base_package_out(pkg, queries.sees_prices(request.auth, pkg.account))


@router.get("/accounts/{account_id}/phone-numbers", response=PhoneNumberList)
def phone_number_list(
    request,
    account_id: str,
    new: bool | None = None,
    usage: str | None = None,
    base_package_id: str | None = None,
    site_product_id: str | None = None,
    q: str = "",
    limit: int = 50,
    cursor: str | None = None,
):
    actor = request.auth
    account = queries.account_or_404(actor, account_id)
    qs = queries.phone_numbers(
        actor,
        account,
        new=new,
        usage=(usage or "")[:20] or None,
        base_package_id=(base_package_id or "")[:26] or None,
        site_product_id=(site_product_id or "")[:26] or None,
        q=q[:100],
    )
    page = keyset(qs, order=["e164"], limit=limit, cursor=cursor)
    return {
        "items": [queries.phone_number_out(n) for n in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/phone-numbers/{number_id}/acknowledge", response=PhoneNumberOut)
def phone_number_acknowledge(request, number_id: str):
    number = queries.get_phone_number(request.auth, number_id)
    return queries.phone_number_out(actions.acknowledge_number(request.auth, number))


@router.patch("/phone-numbers/{number_id}", response=PhoneNumberOut)
def phone_number_patch(request, response: HttpResponse, number_id: str, payload: PhoneNumberPatch):
    number = queries.get_phone_number(request.auth, number_id)
    check_if_match(request, number.etag)
    number = actions.set_number_usage(request.auth, number, payload.usage, payload.user_id)
    number = queries.get_phone_number(request.auth, number.id)
    response["ETag"] = number.etag
    return queries.phone_number_out(number)


def _order_page(actor, qs, limit, cursor):
    page = keyset(qs, order=["-id"], limit=limit, cursor=cursor)
    items = queries.items_by_order([o.id for o in page.items])
    return {
        "items": [
            queries.order_out(
                o, queries.sees_prices(actor, o.account), items.get(o.id, []), actor=actor
            )
            for o in page.items
        ],
        "next_cursor": page.next_cursor,
    }


@router.get("/orders", response=OrderList)
def order_list(request, limit: int = 50, cursor: str | None = None):
    actor = request.auth
    if not queries.may_view_orders(actor):
        raise Forbidden("You are not allowed to see orders.")
    return _order_page(actor, queries.orders(actor), limit, cursor)


@router.post("/orders", response={201: OrderOut})
def order_create(request, payload: OrderIn):
    actor = request.auth
    account = queries.account_or_404(actor, payload.account_id)
    items = [i.dict(exclude_none=True) for i in payload.items]
    for i in items:
        if "site" in i:
            i["site"] = dict(i["site"])
    order = actions.place_order(actor, account, items)
    return 201, queries.order_out(order, queries.sees_prices(actor, account), actor=actor)


@router.get("/orders/{order_id}", response=OrderOut)
def order_get(request, order_id: str):
    order = queries.get_order(request.auth, order_id)
    return queries.order_out(
        order, queries.sees_prices(request.auth, order.account), actor=request.auth
    )


@router.post("/orders/{order_id}/retry", response=OrderOut)
def order_retry(request, order_id: str):
    order = queries.get_order(request.auth, order_id)
    order = actions.retry_order(request.auth, order)
    return queries.order_out(
        order, queries.sees_prices(request.auth, order.account), actor=request.auth
    )


@router.post("/site-products/{site_id}/credentials", response={202: CredentialsReissued})
def site_credentials_reissue(request, site_id: str):
    """New access credentials for a site product: each account admin gets a new single-use
    link by e-mail (earlier unused links stop working)."""
    site = queries.get_site_product(request.auth, site_id)
    return 202, {"links_sent": actions.reissue_credentials(request.auth, site)}


@router.get("/accounts/{account_id}/orders", response=OrderList)
def account_orders(request, account_id: str, limit: int = 50, cursor: str | None = None):
    actor = request.auth
    account = queries.account_or_404(actor, account_id)
    permissions.require(actor, "order_data.view", account)
    return _order_page(actor, queries.orders(actor, account), limit, cursor)
