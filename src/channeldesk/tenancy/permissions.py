"""The role x action matrix: the one place that says what each role may do.

Reach (tenancy.reach) decides *which rows* an actor can see at all (outside reach -> 404);
this module decides *what it may do* with a row it can see (not allowed -> 403). Deny by
default: an action missing from a role's grant set is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from channeldesk.core.errors import Forbidden
from channeldesk.tenancy.actor import SYSTEM_ROLE
from channeldesk.tenancy.roles import Kind, Role

if TYPE_CHECKING:
    from channeldesk.tenancy.actor import Actor
    from channeldesk.tenancy.models import Organization

# action -> is it a write? Writes are refused to a distributor on its resellers' customers
# (it reads, not edits, them) and to read-only roles.
ACTIONS: dict[str, bool] = {
    # organizations
    "org.view": False,
    "partner.create": True,
    "partner.edit": True,
    "partner_user.view": False,
    "partner_user.manage": True,
    "operator_user.view": False,
    "operator_user.manage": True,
    # customer accounts
    "account.create": True,
    "account.edit": True,
    "account.billing_number.edit": True,
    "account.deactivate": True,
    "account.delete": True,
    "account_user.view": False,
    "account_user.manage": True,
    "contacts.manage": True,
    "integrations.manage": True,
    "call_services.manage": True,
    "problem_report.create": True,
    "problem_report.view": False,
    "problem_report.handle": True,
    "order_data.view": False,
    # onboarding
    "onboarding.view": False,
    "onboarding.manage": True,
    # relationships
    "invitation.view": False,
    "invitation.issue": True,
    "invitation.respond": True,
    "conversation.view": False,
    "conversation.post": True,
    # subscriptions and licenses
    "subscription.view": False,
    "subscription.manage": True,
    "license.view": False,
    "license.assign": True,
    # a product's settings (catalog `settings:`); customers only on subscriptions they manage
    # themselves (can_edit_product_settings)
    "product_settings.edit": True,
    "billing.view": False,
    # wholesale prices and payment dates (catalog prices, partners' subscriptions): the
    # bill-to side only, never its customers, not partner_agent (product.md §2)
    "wholesale.view": False,
    # contracts, orders, invoices
    "contract.view": False,
    "order.create": True,
    "phone_number.manage": True,
    # new access credentials for a site product (partner_admin, account_admin)
    "credentials.reissue": True,
    "invoice.view": False,
    "number_pool.manage": True,
    # telephony
    "telephony.view": False,
    "telephony.manage": True,
    "telephony.declare_equipment": True,
    # platform
    "token.manage": True,
    "webhook.manage": True,
    "audit.view": False,
    "outbox.view": False,
    # the secret links (set-password, credentials) inside queued e-mails: account takeover
    "outbox.secret_links.view": False,
    "catalog.edit": True,
    "billing_run.execute": True,
    "notification.view": False,
}

_READS = {a for a, write in ACTIONS.items() if not write}

_PARTNER_AGENT = {
    "org.view",
    "partner_user.view",
    "account.create",
    "account.edit",
    "account_user.view",
    "account_user.manage",
    "contacts.manage",
    "integrations.manage",
    "call_services.manage",
    "problem_report.view",
    "order_data.view",
    "onboarding.view",
    "onboarding.manage",
    "invitation.view",
    "invitation.issue",
    "invitation.respond",
    "conversation.view",
    "conversation.post",
    "subscription.view",
    "license.view",
    "license.assign",
    "product_settings.edit",
    "contract.view",
    "telephony.view",
    "telephony.manage",
    "telephony.declare_equipment",
    "audit.view",
    "notification.view",
}

ROLE_GRANTS: dict[str, frozenset[str]] = {
    Role.OPERATOR_ADMIN: frozenset(ACTIONS) - {"problem_report.create"},
    # Operator support reads everything and handles problem reports (product.md §2).
    # It never reads the secret links in queued e-mails (they would let it take accounts over).
    Role.OPERATOR_SUPPORT: frozenset(
        (_READS - {"outbox.secret_links.view"}) | {"problem_report.handle"}
    ),
    Role.PARTNER_ADMIN: frozenset(
        _PARTNER_AGENT
        | {
            "partner.create",
            "partner.edit",
            "partner_user.manage",
            "account.deactivate",
            "account.delete",
            "subscription.manage",
            "billing.view",
            "wholesale.view",
            "order.create",
            "phone_number.manage",
            "credentials.reissue",
            "invoice.view",
            "token.manage",
            "webhook.manage",
        }
    ),
    Role.PARTNER_AGENT: frozenset(_PARTNER_AGENT),
    Role.ACCOUNT_ADMIN: frozenset(
        {
            "org.view",
            "account.edit",
            "account_user.view",
            "account_user.manage",
            "contacts.manage",
            "integrations.manage",
            "call_services.manage",
            "problem_report.create",
            "problem_report.view",
            "invitation.view",
            "invitation.issue",
            "invitation.respond",
            "conversation.view",
            "conversation.post",
            "subscription.view",
            "license.view",
            "license.assign",
            "product_settings.edit",
            "billing.view",
            "contract.view",
            "order.create",
            "phone_number.manage",
            "credentials.reissue",
            "invoice.view",
            "telephony.view",
            # product.md §9 "the account manages" its cloud PBX (devices, numbering plan,
            # attendants, welcome service, emergency numbers); §2 names site_admin and the
            # partner, and the account_admin, who manages the account's users, ranks above
            # the site_admin. Declaring the voice equipment stays the partner's.
            "telephony.manage",
            "audit.view",
            "notification.view",
            "token.manage",
        }
    ),
    Role.SITE_ADMIN: frozenset(
        {
            "org.view",
            "account_user.view",
            "account_user.manage",
            "problem_report.create",
            "subscription.view",
            "license.view",
            "license.assign",
            "product_settings.edit",
            "contract.view",
            "phone_number.manage",
            "telephony.view",
            "telephony.manage",
            "notification.view",
        }
    ),
    Role.MEMBER: frozenset(
        {"org.view", "problem_report.create", "license.view", "notification.view"}
    ),
    SYSTEM_ROLE: frozenset(ACTIONS),
}


# Actions only some kinds of organization perform, whatever the role: resellers (and the
# operator) own customer accounts; distributors and the operator create partners.
KIND_RULES: dict[str, frozenset[str]] = {
    "partner.create": frozenset({Kind.OPERATOR, Kind.DISTRIBUTOR}),
    "account.create": frozenset({Kind.OPERATOR, Kind.RESELLER}),
    "onboarding.manage": frozenset({Kind.OPERATOR, Kind.RESELLER}),
}


def is_write(action: str) -> bool:
    return ACTIONS[action]


def role_allows(role: str, action: str) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return action in ROLE_GRANTS.get(role, frozenset())


def can(actor: Actor, action: str, org: Organization | None = None) -> bool:
    """May `actor` perform `action` on an object owned by `org` (already known to be in reach)?"""
    if not role_allows(actor.role, action):
        return False
    kinds = KIND_RULES.get(action)
    if kinds is not None and not actor.is_system and actor.kind not in kinds:
        return False
    if action == "order.create" and org is not None and actor.kind == Kind.CUSTOMER:
        # Customers with a partner order through it; only a direct customer of the operator
        # (depth 1) orders for itself (product.md §8).
        if org.id != actor.organization.id or org.depth != 1:
            return False
    if org is not None and ACTIONS[action] and actor.kind == Kind.DISTRIBUTOR:
        # A distributor manages its resellers and only reads their customers.
        if org.depth > actor.organization.depth + 1:
            return False
    return True


def can_edit_product_settings(
    actor: Actor, account: Organization, *, customer_managed: bool
) -> bool:
    """A subscription's product settings: the partner side edits them; the customer's own
    admins only when the partner let the customer manage the subscription (seed 004: "let the
    customer edit signatures"), otherwise the partner is responsible for them."""
    if not can(actor, "product_settings.edit", account):
        return False
    return customer_managed or actor.kind != Kind.CUSTOMER


def require(actor: Actor, action: str, org: Organization | None = None) -> None:
    if not can(actor, action, org):
        raise Forbidden("You are not allowed to do this.")


def grantable_roles(actor: Actor, target: Organization) -> list[str]:
    """Roles `actor` may hand out in `target` (no escalation: never above its own rank when
    inviting into its own organization)."""
    from channeldesk.tenancy.roles import ROLE_RANK, ROLES_BY_KIND

    roles = list(ROLES_BY_KIND[target.kind])
    if actor.is_system:
        return roles
    if target.id == actor.organization.id:
        own = ROLE_RANK[actor.role]
        roles = [r for r in roles if ROLE_RANK[r] <= own]
    return roles
