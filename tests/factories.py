"""Small, explicit builders for tests: organizations, users with memberships, tokens."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from channeldesk.identity.models import ApiToken, User
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Kind, Role, Status

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)

# One precomputed argon2id hash: hashing per created user would dominate test time.
_HASH: str | None = None


def _password_hash() -> str:
    global _HASH
    if _HASH is None:
        from django.contrib.auth.hashers import make_password

        _HASH = make_password(PASSWORD)
    return _HASH


def org(
    kind: str, parent: Organization | None = None, *, name: str | None = None, **fields
) -> Organization:
    n = next(_seq)
    o = Organization(
        kind=kind,
        name=name or f"{kind.title()} {n}",
        status=fields.pop("status", Status.ACTIVE),
        **fields,
    )
    if kind == Kind.CUSTOMER:
        o.country = fields.get("country", "DE")
        o.postal_code = fields.get("postal_code", "10115")
        o.city = fields.get("city", "Berlin")
        o.cloud_region = fields.get("cloud_region", "eu-central")
        o.platform = fields.get("platform", "cloud_gateway")
    o.place_under(parent)
    o.save()
    return o


def user(
    organization: Organization,
    role: str,
    *,
    email: str | None = None,
    name: str = "",
    language: str = "",
) -> Membership:
    n = next(_seq)
    u = User.objects.create(
        email=email or f"{role}.{n}@example.test",
        name=name or f"{role.replace('_', ' ').title()} {n}",
        password=_password_hash(),
        language=language,
    )
    return Membership.objects.create(user=u, organization=organization, role=role)


def token(membership: Membership) -> str:
    """A bearer token for any membership (roles without token.manage included: tests need to
    call the API as every role)."""
    raw, digest = ApiToken.generate()
    ApiToken.objects.create(membership=membership, name="test", token_hash=digest, hint=raw[-4:])
    return raw


@dataclass
class Tree:
    """One partner tree: distributor -> reseller -> customer, a sibling reseller with its
    customer, and a direct customer of the operator."""

    distributor: Organization
    reseller: Organization
    customer: Organization
    sibling_reseller: Organization
    sibling_customer: Organization
    members: dict[str, Membership] = field(default_factory=dict)


@dataclass
class World:
    operator: Organization
    a: Tree
    b: Tree
    direct_customer: Organization
    members: dict[str, Membership]

    def actor(self, key: str) -> Actor:
        return Actor.of(self.members[key])


def tree(operator: Organization, label: str) -> Tree:
    d = org(Kind.DISTRIBUTOR, operator, name=f"Distributor {label}", listed=True)
    r = org(Kind.RESELLER, d, name=f"Reseller {label}", listed=True)
    c = org(Kind.CUSTOMER, r, name=f"Customer {label}")
    r2 = org(Kind.RESELLER, d, name=f"Sibling Reseller {label}")
    c2 = org(Kind.CUSTOMER, r2, name=f"Sibling Customer {label}")
    return Tree(d, r, c, r2, c2)


def world() -> World:
    """The standard world of the security tests: principals live in tree A."""
    operator = Organization.objects.filter(kind=Kind.OPERATOR).first() or org(
        Kind.OPERATOR, None, name="Operator"
    )
    a, b = tree(operator, "A"), tree(operator, "B")
    direct = org(Kind.CUSTOMER, operator, name="Direct Customer")
    m = {
        "operator_admin": user(operator, Role.OPERATOR_ADMIN),
        "operator_support": user(operator, Role.OPERATOR_SUPPORT),
        "distributor_admin": user(a.distributor, Role.PARTNER_ADMIN),
        "distributor_agent": user(a.distributor, Role.PARTNER_AGENT),
        "partner_admin": user(a.reseller, Role.PARTNER_ADMIN),
        "partner_agent": user(a.reseller, Role.PARTNER_AGENT),
        "account_admin": user(a.customer, Role.ACCOUNT_ADMIN),
        "site_admin": user(a.customer, Role.SITE_ADMIN),
        "member": user(a.customer, Role.MEMBER),
        # Users of other organizations, used as targets.
        "b_partner_admin": user(b.reseller, Role.PARTNER_ADMIN),
        "b_account_admin": user(b.customer, Role.ACCOUNT_ADMIN),
        "a_sibling_account_admin": user(a.sibling_customer, Role.ACCOUNT_ADMIN),
        "a_sibling_partner_admin": user(a.sibling_reseller, Role.PARTNER_ADMIN),
        "direct_account_admin": user(direct, Role.ACCOUNT_ADMIN),
    }
    return World(operator, a, b, direct, m)
