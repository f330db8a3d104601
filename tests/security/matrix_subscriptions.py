"""Authorization matrix entries of the subscriptions app (product.md §2, §7): partners and the
operator see subscriptions in reach, partner admins (and operator admins) change them, account
and site admins see their own account's subscriptions (without billing) and assign licenses
with partners; members see only their own licenses (dashboard panel)."""

from __future__ import annotations

from channeldesk.tenancy.roles import Role
from tests import factories
from tests.security.matrix import (
    ANY,
    API,
    EVERYONE,
    OP_ADMIN,
    OPERATOR,
    PARTNER_ADMINS,
    PARTNERS,
    REACH,
    Entry,
    grant,
    merge,
)

CUSTOMER_LICENSE_ADMINS = {"account_admin", "site_admin"}
VIEW = merge(grant(OPERATOR, ANY), grant(PARTNERS, REACH), grant(CUSTOMER_LICENSE_ADMINS, {"own"}))
MANAGE = merge(grant(OP_ADMIN, ANY), grant(PARTNER_ADMINS, {"child"}))
ASSIGN = merge(
    grant(OP_ADMIN, ANY), grant(PARTNERS, {"child"}), grant(CUSTOMER_LICENSE_ADMINS, {"own"})
)
LIST = grant(OPERATOR | PARTNERS | CUSTOMER_LICENSE_ADMINS)
# The product's settings: the partner side; the customer's admins only on a subscription it
# manages itself (the builder makes a customer-managed one).
SETTINGS = ASSIGN
CREATE = grant(OP_ADMIN | {"partner_admin"})  # distributors do not own customers


def _sub(target):
    from tests.subscriptions.factories import subscription

    return subscription(target, quantity=5)


def managed_sub_path(template: str, body=None):
    def build(world, target, principal):
        from tests.subscriptions.factories import subscription

        sub = subscription(target, quantity=5, customer_managed=True)
        return template.format(id=sub.id), (body or {})

    return build


def sub_path(template: str, body=None):
    def build(world, target, principal):
        return template.format(id=_sub(target).id), (body or {})

    return build


def new_member_body(world, target, principal):
    return {"user_ids": [factories.user(target, Role.MEMBER).user.id]}


def assign_build(template: str, *, form: bool = False):
    def build(world, target, principal):
        sub = _sub(target)
        user = factories.user(target, Role.MEMBER).user
        return template.format(id=sub.id), {"user_ids": [user.id]}

    return build


def licensed_build(template: str):
    def build(world, target, principal):
        from channeldesk.subscriptions import actions
        from channeldesk.tenancy.actor import Actor

        sub = _sub(target)
        user = factories.user(target, Role.MEMBER).user
        actions.assign_licenses(Actor.system(), sub, [user.id])
        return template.format(id=sub.id, uid=user.id), {}

    return build


def fixed(path: str, body=None):
    def build(world, target, principal):
        return path, (body or {})

    return build


def _create_body(world, target, principal):
    return {"product": "signatures_m365", "account_id": target.id, "quantity": 3}


def create_build(world, target, principal):
    return f"{API}/subscriptions", _create_body(world, target, principal)


ENTRIES = [
    # API
    Entry("GET", f"{API}/subscriptions", LIST, build=fixed(f"{API}/subscriptions")),
    Entry(
        "POST",
        f"{API}/subscriptions",
        MANAGE,
        target="customer",
        build=create_build,
        note="a distributor reads, not edits, its resellers' customers",
    ),
    Entry(
        "GET",
        f"{API}/subscriptions/{{subscription_id}}",
        VIEW,
        target="customer",
        build=sub_path(f"{API}/subscriptions/{{id}}"),
    ),
    Entry(
        "PATCH",
        f"{API}/subscriptions/{{subscription_id}}",
        MANAGE,
        target="customer",
        build=sub_path(f"{API}/subscriptions/{{id}}", {"auto_renew": False}),
    ),
    Entry(
        "POST",
        f"{API}/subscriptions/{{subscription_id}}/suspend",
        MANAGE,
        target="customer",
        build=sub_path(f"{API}/subscriptions/{{id}}/suspend"),
    ),
    Entry(
        "POST",
        f"{API}/subscriptions/{{subscription_id}}/reactivate",
        MANAGE,
        target="customer",
        build=sub_path(f"{API}/subscriptions/{{id}}/reactivate"),
        ok={409},
        note="an active subscription: allowed callers get 409",
    ),
    Entry(
        "POST",
        f"{API}/subscriptions/{{subscription_id}}/cancel",
        MANAGE,
        target="customer",
        build=sub_path(f"{API}/subscriptions/{{id}}/cancel", {"at_term_end": True}),
    ),
    Entry(
        "GET",
        f"{API}/subscriptions/{{subscription_id}}/licenses",
        VIEW,
        target="customer",
        build=sub_path(f"{API}/subscriptions/{{id}}/licenses"),
    ),
    Entry(
        "POST",
        f"{API}/subscriptions/{{subscription_id}}/licenses",
        ASSIGN,
        target="customer",
        build=assign_build(f"{API}/subscriptions/{{id}}/licenses"),
    ),
    Entry(
        "DELETE",
        f"{API}/subscriptions/{{subscription_id}}/licenses/{{user_id}}",
        ASSIGN,
        target="customer",
        build=licensed_build(f"{API}/subscriptions/{{id}}/licenses/{{uid}}"),
    ),
    Entry(
        "GET",
        f"{API}/me/licenses",
        grant(EVERYONE),
        build=fixed(f"{API}/me/licenses"),
        note="the caller's own licenses; none for partners and operators",
    ),
    # pages
    Entry("GET", "subscriptions:list", LIST, build=fixed("/subscriptions/")),
    Entry("GET", "subscriptions:my_licenses", grant(EVERYONE), build=fixed("/licenses/")),
    Entry(
        "GET",
        "subscriptions:account_licenses",
        VIEW,
        target="customer",
        build=lambda w, t, p: (f"/accounts/{t.id}/licenses", {}),
        note="who holds which license: those who see the account's users",
    ),
    Entry(
        "POST",
        "subscriptions:settings",
        SETTINGS,
        target="customer",
        build=managed_sub_path(
            "/subscriptions/{id}/settings", {"settings-signature_template": "modern"}
        ),
    ),
    Entry("GET", "subscriptions:export", LIST, build=fixed("/subscriptions/export.csv")),
    Entry("GET", "subscriptions:create", CREATE, build=fixed("/subscriptions/new")),
    Entry(
        "POST",
        "subscriptions:create",
        CREATE,
        build=fixed("/subscriptions/new", {"product": ""}),
        ok={422},  # the empty form is refused with its errors
    ),
    Entry(
        "GET",
        "subscriptions:customers",
        CREATE,
        build=fixed("/subscriptions/customers?customer_name=Cu"),
    ),
    Entry(
        "GET",
        "subscriptions:detail",
        VIEW,
        target="customer",
        build=sub_path("/subscriptions/{id}/"),
    ),
    Entry(
        "POST",
        "subscriptions:quantity",
        MANAGE,
        target="customer",
        build=sub_path("/subscriptions/{id}/quantity", {"quantity": "6"}),
    ),
    Entry(
        "POST",
        "subscriptions:auto_renew",
        MANAGE,
        target="customer",
        build=sub_path("/subscriptions/{id}/auto-renew", {}),
    ),
    Entry(
        "POST",
        "subscriptions:suspend",
        MANAGE,
        target="customer",
        build=sub_path("/subscriptions/{id}/suspend"),
    ),
    Entry(
        "POST",
        "subscriptions:reactivate",
        MANAGE,
        target="customer",
        build=sub_path("/subscriptions/{id}/reactivate"),
        ok={409},
    ),
    Entry(
        "POST",
        "subscriptions:cancel",
        MANAGE,
        target="customer",
        build=sub_path("/subscriptions/{id}/cancel", {"when": "now", "confirm": "x"}),
        ok={422},  # the typed confirmation "x" is wrong: the form answers with its error
    ),
    Entry(
        "POST",
        "subscriptions:assign",
        ASSIGN,
        target="customer",
        build=assign_build("/subscriptions/{id}/licenses"),
    ),
    Entry(
        "POST",
        "subscriptions:assign_csv",
        ASSIGN,
        target="customer",
        build=sub_path("/subscriptions/{id}/licenses/csv", {"emails": "nobody@example.test"}),
    ),
    Entry(
        "POST",
        "subscriptions:unassign",
        ASSIGN,
        target="customer",
        build=licensed_build("/subscriptions/{id}/licenses/{uid}/unassign"),
    ),
]
