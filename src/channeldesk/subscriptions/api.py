"""/subscriptions and /subscriptions/{id}/licenses (api.md: Products, subscriptions, licenses)."""

from __future__ import annotations

import re

from django.http import HttpResponse
from ninja import Router

from channeldesk.accounts.queries import get_account
from channeldesk.api import fast
from channeldesk.api.fast import Route
from channeldesk.api.responses import json_response
from channeldesk.core.errors import ValidationFailed
from channeldesk.core.etag import check_if_match
from channeldesk.core.pagination import keyset
from channeldesk.subscriptions import actions, queries
from channeldesk.subscriptions.models import Subscription
from channeldesk.subscriptions.schemas import (
    CancelIn,
    LicenseList,
    LicenseOut,
    LicensesIn,
    MyLicenseList,
    SubscriptionIn,
    SubscriptionList,
    SubscriptionOut,
    SubscriptionPatch,
)

router = Router(tags=["subscriptions"])


def _subscription_page(
    actor, status=None, product=None, q="", account_id=None, sort=None, limit=50, cursor=None
) -> dict:
    return queries.subscription_page(
        actor,
        status=status,
        product=product,
        q=q[:100],
        account_id=account_id,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )


@router.get("/subscriptions", response=SubscriptionList, exclude_unset=True)
def subscription_list(
    request,
    status: Subscription.Status | None = None,
    product: str | None = None,
    q: str = "",
    account_id: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
):
    # Rows are built in SubscriptionOut's shape: no per-row validation (see api.responses).
    return json_response(
        _subscription_page(request.auth, status, product, q, account_id, sort, limit, cursor)
    )


# Answered in front of Django for bearer tokens (api.fast).
fast_routes = [
    Route(
        re.compile(r"/api/v1/subscriptions"),
        _subscription_page,
        params={
            "status": fast.choice(*Subscription.Status.values),
            "product": fast.text,
            "q": fast.text,
            "account_id": fast.text,
            "sort": fast.text,
            "limit": fast.limit,
            "cursor": fast.text,
        },
    )
]


@router.post("/subscriptions", response={201: SubscriptionOut}, exclude_unset=True)
def subscription_create(request, response: HttpResponse, payload: SubscriptionIn):
    actor = request.auth
    account = None
    if payload.account_id is not None:
        account = get_account(actor, payload.account_id)
    if payload.customer_managed and payload.customer_contact is None:
        raise ValidationFailed.field(
            "customer_contact", "Give the customer contact's name and e-mail."
        )
    contact = payload.customer_contact
    sub = actions.create_subscription(
        actor,
        product_key=payload.product,
        quantity=payload.quantity,
        account=account,
        customer_name=payload.customer_name or "",
        customer_country=payload.customer_country or "",
        customer_postal_code=payload.customer_postal_code or "",
        customer_managed=payload.customer_managed,
        contact_name=contact.name if contact else "",
        contact_email=contact.email if contact else "",
    )
    response["ETag"] = sub.etag
    return 201, queries.subscription_out(sub, actor)


@router.get("/subscriptions/{subscription_id}", response=SubscriptionOut, exclude_unset=True)
def subscription_get(request, response: HttpResponse, subscription_id: str):
    sub = queries.get_subscription(request.auth, subscription_id)
    response["ETag"] = sub.etag
    return queries.subscription_out(sub, request.auth)


@router.patch("/subscriptions/{subscription_id}", response=SubscriptionOut, exclude_unset=True)
def subscription_patch(
    request, response: HttpResponse, subscription_id: str, payload: SubscriptionPatch
):
    sub = queries.get_subscription(request.auth, subscription_id)
    check_if_match(request, sub.etag)
    data = payload.dict(exclude_unset=True)
    if "settings" in data and data["settings"] is None:
        raise ValidationFailed.field("settings", "Give the settings to change.")
    sub = actions.update_subscription(
        request.auth,
        sub,
        quantity=data.get("quantity"),
        auto_renew=data.get("auto_renew"),
        if_match=request.headers.get("If-Match"),
        **({"settings": data["settings"]} if "settings" in data else {}),
    )
    response["ETag"] = sub.etag
    return queries.subscription_out(sub, request.auth)


@router.post(
    "/subscriptions/{subscription_id}/suspend", response=SubscriptionOut, exclude_unset=True
)
def subscription_suspend(request, subscription_id: str):
    sub = queries.get_subscription(request.auth, subscription_id)
    return queries.subscription_out(actions.suspend_subscription(request.auth, sub), request.auth)


@router.post(
    "/subscriptions/{subscription_id}/reactivate", response=SubscriptionOut, exclude_unset=True
)
def subscription_reactivate(request, subscription_id: str):
    sub = queries.get_subscription(request.auth, subscription_id)
    return queries.subscription_out(
        actions.reactivate_subscription(request.auth, sub), request.auth
    )


@router.post(
    "/subscriptions/{subscription_id}/cancel", response=SubscriptionOut, exclude_unset=True
)
def subscription_cancel(request, subscription_id: str, payload: CancelIn | None = None):
    sub = queries.get_subscription(request.auth, subscription_id)
    at_term_end = payload.at_term_end if payload else False
    return queries.subscription_out(
        actions.cancel_subscription(request.auth, sub, at_term_end=at_term_end), request.auth
    )


@router.get("/subscriptions/{subscription_id}/licenses", response=LicenseList)
def license_list(request, subscription_id: str, limit: int = 50, cursor: str | None = None):
    sub = queries.get_subscription(request.auth, subscription_id)
    page = keyset(queries.licenses(request.auth, sub), order=["id"], limit=limit, cursor=cursor)
    return {
        "items": [queries.license_out(lic) for lic in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/subscriptions/{subscription_id}/licenses", response={201: list[LicenseOut]})
def license_assign(request, subscription_id: str, payload: LicensesIn):
    sub = queries.get_subscription(request.auth, subscription_id)
    created = actions.assign_licenses(request.auth, sub, payload.user_ids)
    # Up to 10,000 rows: built in LicenseOut's shape (see api.responses).
    return json_response(queries.license_rows(request.auth, sub, created), status=201)


@router.delete("/subscriptions/{subscription_id}/licenses/{user_id}", response={204: None})
def license_unassign(request, subscription_id: str, user_id: str):
    sub = queries.get_subscription(request.auth, subscription_id)
    actions.unassign_license(request.auth, sub, user_id)
    return 204, None


@router.get("/me/licenses", response=MyLicenseList)
def my_licenses(request, limit: int = 50, cursor: str | None = None):
    """The caller's own licenses in the organization it acts for (members included)."""
    page = keyset(queries.my_licenses(request.auth), order=["id"], limit=limit, cursor=cursor)
    return {
        "items": [queries.my_license_out(lic) for lic in page.items],
        "next_cursor": page.next_cursor,
    }
