"""The authorization matrix: every API operation and every web page, for every principal and
every tenant relation. Written by hand from product.md §1-2, independently of
channeldesk.tenancy.permissions, so the test compares the code against the specification.

Principals (tests.factories.world): anonymous, operator_admin, operator_support,
distributor_admin, distributor_agent, partner_admin, partner_agent (reseller), account_admin,
site_admin, member (customer).

Relations of a target organization to the principal's organization:
  own        the same organization
  child      one level below (a reseller's customer, a distributor's reseller)
  grandchild two or more levels below (a distributor's resellers' customers, the operator's)
  parent     an ancestor
  sibling    same parent
  unrelated  anything else (the other tree, cousins)

Expected answer of a cell: allowed -> 2xx/3xx, or a status declared in the entry's `ok`; not allowed but the
target is within reach -> 403; outside reach -> 404 (never 403: existence is not revealed);
anonymous -> 401 (API) or a redirect to sign-in (pages). A route missing here fails the build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Role
from tests import factories

OPERATOR = {"operator_admin", "operator_support"}
OP_ADMIN = {"operator_admin"}
PARTNER_ADMINS = {"distributor_admin", "partner_admin"}
PARTNER_AGENTS = {"distributor_agent", "partner_agent"}
PARTNERS = PARTNER_ADMINS | PARTNER_AGENTS
CUSTOMER_ADMIN = {"account_admin"}
CUSTOMER_USERS = {"account_admin", "site_admin", "member"}
EVERYONE = OPERATOR | PARTNERS | CUSTOMER_USERS
PRINCIPALS = sorted(EVERYONE)

REACH = {"own", "child", "grandchild"}
ANY = {"own", "child", "grandchild", "parent", "sibling", "unrelated"}

Build = Callable[[Any, Organization | None, Any], tuple[str, Any]]


@dataclass
class Entry:
    """One route (API operation or page) and who may use it.

    allowed: principal -> relations in which the principal may use the route ("*" for
      collection routes that take no target: any relation, the principal just may use it).
    target: the kind of organization the route acts on ("customer", "partner", "operator",
      "self" for the principal's own organization, None for collection routes).
    build(world, target_org, principal_membership) -> (path, body)
    """

    method: str
    route: str
    allowed: dict[str, set[str]]
    target: str | None = None
    build: Build | None = None
    public: bool = False
    ok: set[int] = field(default_factory=set)
    note: str = ""


def grant(roles: set[str], relations: set[str] | str = "*") -> dict[str, set[str]]:
    rel = {"*"} if relations == "*" else set(relations)
    return {r: rel for r in roles}


def merge(*parts: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for p in parts:
        for k, v in p.items():
            out[k] = out.get(k, set()) | v
    return out


# ---- builders ---------------------------------------------------------------------------


def path(template: str, **values: str) -> Build:
    def build(world, target, principal):
        return template.format(
            **{k: (v(world, target, principal) if callable(v) else v) for k, v in values.items()}
        ), {}

    return build


def target_id(world, target, principal) -> str:
    return target.id


def other_user_of(role: str = Role.MEMBER):
    """A fresh user in the target organization (never the principal)."""

    def make(world, target, principal) -> str:
        role_for = {
            "customer": Role.MEMBER,
            "reseller": Role.PARTNER_AGENT,
            "distributor": Role.PARTNER_AGENT,
            "operator": Role.OPERATOR_SUPPORT,
        }[target.kind]
        return factories.user(target, role_for).user.id

    return make


def with_body(build: Build, body: Any) -> Build:
    def b(world, target, principal):
        p, _ = build(world, target, principal)
        return p, (body(world, target, principal) if callable(body) else body)

    return b


def _webhook_of(org) -> str:
    from channeldesk.audit.models import Webhook

    return Webhook.objects.create(
        organization=org, url="https://hooks.example.test/x", events=["account"], secret="s"
    ).id


# ---- the matrix -------------------------------------------------------------------------

API = "/api/v1"

ENTRIES: list[Entry] = [
    # identity
    Entry(
        "POST",
        f"{API}/auth/login",
        {},
        public=True,
        build=with_body(
            path(f"{API}/auth/login"), {"email": "nobody@example.test", "password": "x" * 12}
        ),
        ok={401},
    ),
    Entry("POST", f"{API}/auth/logout", {}, public=True, build=path(f"{API}/auth/logout")),
    Entry(
        "POST",
        f"{API}/auth/password/set",
        {},
        public=True,
        build=with_body(path(f"{API}/auth/password/set"), {"token": "nope", "password": "x" * 12}),
        ok={422},
    ),
    Entry(
        "POST",
        f"{API}/auth/password/reset",
        {},
        public=True,
        build=with_body(path(f"{API}/auth/password/reset"), {"email": "nobody@example.test"}),
    ),
    Entry("GET", f"{API}/me", grant(EVERYONE), build=path(f"{API}/me")),
    Entry("GET", f"{API}/me/export", grant(EVERYONE), build=path(f"{API}/me/export")),
    Entry(
        "PATCH",
        f"{API}/me",
        grant(EVERYONE),
        build=with_body(path(f"{API}/me"), {"name": "Renamed"}),
    ),
    Entry("GET", f"{API}/tokens", grant(EVERYONE), build=path(f"{API}/tokens")),
    Entry(
        "POST",
        f"{API}/tokens",
        # product.md §2: API tokens are the partner_admin's (like webhooks), not the agent's
        grant(OPERATOR - {"operator_support"} | PARTNER_ADMINS | {"account_admin"}),
        build=with_body(path(f"{API}/tokens"), {"name": "matrix"}),
    ),
    Entry(
        "DELETE",
        f"{API}/tokens/{{token_id}}",
        grant(OP_ADMIN | PARTNER_ADMINS | {"account_admin"}),
        build=lambda w, t, p: (f"{API}/tokens/{p.tokens.first().id}", {}),
        note="own token only",
    ),
    # organizations
    Entry("GET", f"{API}/partners", grant(EVERYONE), build=path(f"{API}/partners")),
    Entry(
        "POST",
        f"{API}/partners",
        grant(OP_ADMIN | {"distributor_admin"}),
        build=with_body(path(f"{API}/partners"), {"kind": "reseller", "name": "New Reseller"}),
    ),
    Entry(
        "GET", f"{API}/partners/search", grant(EVERYONE), build=path(f"{API}/partners/search?q=re")
    ),
    Entry(
        "GET",
        f"{API}/partners/{{partner_id}}",
        merge(grant(OPERATOR, ANY), grant(PARTNERS, REACH)),
        target="partner",
        build=path(f"{API}/partners/{{id}}", id=target_id),
    ),
    Entry(
        "PATCH",
        f"{API}/partners/{{partner_id}}",
        merge(
            grant(OP_ADMIN, ANY),
            grant({"partner_admin"}, {"own"}),
            grant({"distributor_admin"}, {"own", "child"}),
        ),
        target="partner",
        build=with_body(path(f"{API}/partners/{{id}}", id=target_id), {"city": "Bonn"}),
    ),
    Entry(
        "GET",
        f"{API}/partners/{{partner_id}}/users",
        merge(grant(OPERATOR, ANY), grant(PARTNERS, REACH)),
        target="partner",
        build=path(f"{API}/partners/{{id}}/users", id=target_id),
    ),
    Entry(
        "POST",
        f"{API}/partners/{{partner_id}}/users",
        merge(
            grant(OP_ADMIN, ANY),
            grant({"partner_admin"}, {"own"}),
            grant({"distributor_admin"}, {"own", "child"}),
        ),
        target="partner",
        build=with_body(
            path(f"{API}/partners/{{id}}/users", id=target_id),
            {"email": "new.agent@example.test", "role": "partner_agent"},
        ),
    ),
    Entry(
        "PATCH",
        f"{API}/partners/{{partner_id}}/users/{{user_id}}",
        merge(
            grant(OP_ADMIN, ANY),
            grant({"partner_admin"}, {"own"}),
            grant({"distributor_admin"}, {"own", "child"}),
        ),
        target="partner",
        build=with_body(
            path(f"{API}/partners/{{id}}/users/{{uid}}", id=target_id, uid=other_user_of()),
            {"role": "partner_agent"},
        ),
    ),
    Entry(
        "DELETE",
        f"{API}/partners/{{partner_id}}/users/{{user_id}}",
        merge(
            grant(OP_ADMIN, ANY),
            grant({"partner_admin"}, {"own"}),
            grant({"distributor_admin"}, {"own", "child"}),
        ),
        target="partner",
        build=path(f"{API}/partners/{{id}}/users/{{uid}}", id=target_id, uid=other_user_of()),
    ),
    Entry(
        "GET",
        f"{API}/operator/users",
        grant(OPERATOR),
        build=path(f"{API}/operator/users"),
        note="non-operators: 404, the operator organization is outside their reach",
    ),
    Entry(
        "POST",
        f"{API}/operator/users",
        grant(OP_ADMIN),
        build=with_body(
            path(f"{API}/operator/users"), {"email": "ops@example.test", "role": "operator_support"}
        ),
    ),
    Entry(
        "PATCH",
        f"{API}/operator/users/{{user_id}}",
        grant(OP_ADMIN),
        build=lambda w, t, p: (
            f"{API}/operator/users/{factories.user(w.operator, Role.OPERATOR_SUPPORT).user.id}",
            {"role": "operator_support"},
        ),
    ),
    Entry(
        "DELETE",
        f"{API}/operator/users/{{user_id}}",
        grant(OP_ADMIN),
        build=lambda w, t, p: (
            f"{API}/operator/users/{factories.user(w.operator, Role.OPERATOR_SUPPORT).user.id}",
            {},
        ),
    ),
    # accounts
    Entry("GET", f"{API}/accounts", grant(EVERYONE), build=path(f"{API}/accounts")),
    Entry(
        "POST",
        f"{API}/accounts",
        grant(OP_ADMIN | {"partner_admin", "partner_agent"}),
        build=with_body(
            path(f"{API}/accounts"),
            {"name": "Matrix GmbH", "country": "DE", "postal_code": "10115", "city": "Berlin"},
        ),
    ),
    Entry(
        "GET",
        f"{API}/accounts/{{account_id}}",
        merge(grant(OPERATOR, ANY), grant(PARTNERS, REACH), grant(CUSTOMER_USERS, {"own"})),
        target="customer",
        build=path(f"{API}/accounts/{{id}}", id=target_id),
    ),
    Entry(
        "PATCH",
        f"{API}/accounts/{{account_id}}",
        merge(grant(OP_ADMIN, ANY), grant(PARTNERS, {"child"}), grant(CUSTOMER_ADMIN, {"own"})),
        target="customer",
        build=with_body(
            path(f"{API}/accounts/{{id}}", id=target_id),
            {"city": "Hamburg", "postal_code": "20095"},
        ),
        note="a distributor reads, not edits, its resellers' customers (grandchild)",
    ),
    Entry(
        "GET",
        f"{API}/accounts/{{account_id}}/users",
        merge(
            grant(OPERATOR, ANY),
            grant(PARTNERS, REACH),
            grant({"account_admin", "site_admin"}, {"own"}),
        ),
        target="customer",
        build=path(f"{API}/accounts/{{id}}/users", id=target_id),
    ),
    Entry(
        "POST",
        f"{API}/accounts/{{account_id}}/users",
        merge(
            grant(OP_ADMIN, ANY),
            grant(PARTNERS, {"child"}),
            grant({"account_admin", "site_admin"}, {"own"}),
        ),
        target="customer",
        build=with_body(
            path(f"{API}/accounts/{{id}}/users", id=target_id),
            {"email": "new.member@example.test", "role": "member"},
        ),
    ),
    Entry(
        "PATCH",
        f"{API}/accounts/{{account_id}}/users/{{user_id}}",
        merge(
            grant(OP_ADMIN, ANY),
            grant(PARTNERS, {"child"}),
            grant({"account_admin", "site_admin"}, {"own"}),
        ),
        target="customer",
        build=with_body(
            path(f"{API}/accounts/{{id}}/users/{{uid}}", id=target_id, uid=other_user_of()),
            {"role": "member"},
        ),
    ),
    Entry(
        "DELETE",
        f"{API}/accounts/{{account_id}}/users/{{user_id}}",
        merge(
            grant(OP_ADMIN, ANY),
            grant(PARTNERS, {"child"}),
            grant({"account_admin", "site_admin"}, {"own"}),
        ),
        target="customer",
        build=path(f"{API}/accounts/{{id}}/users/{{uid}}", id=target_id, uid=other_user_of()),
    ),
    # catalog
    Entry("GET", f"{API}/catalog", grant(EVERYONE), build=path(f"{API}/catalog")),
    Entry("GET", f"{API}/products", grant(EVERYONE), build=path(f"{API}/products")),
    # audit and webhooks
    Entry(
        "GET",
        f"{API}/audit-events",
        grant(OPERATOR | PARTNERS | CUSTOMER_ADMIN),
        build=path(f"{API}/audit-events"),
    ),
    Entry(
        "GET",
        f"{API}/accounts/{{account_id}}/audit-events",
        merge(grant(OPERATOR, ANY), grant(PARTNERS, REACH), grant(CUSTOMER_ADMIN, {"own"})),
        target="customer",
        build=path(f"{API}/accounts/{{id}}/audit-events", id=target_id),
    ),
    Entry(
        "GET", f"{API}/webhooks", grant(OP_ADMIN | PARTNER_ADMINS), build=path(f"{API}/webhooks")
    ),
    Entry(
        "POST",
        f"{API}/webhooks",
        grant(OP_ADMIN | PARTNER_ADMINS),
        build=with_body(
            path(f"{API}/webhooks"), {"url": "http://127.0.0.1:9/hook", "events": ["account"]}
        ),
    ),
    Entry(
        "DELETE",
        f"{API}/webhooks/{{webhook_id}}",
        grant(OP_ADMIN | PARTNER_ADMINS),
        build=lambda w, t, p: (f"{API}/webhooks/{_webhook(p).id}", {}),
    ),
    Entry(
        "GET",
        f"{API}/webhooks/{{webhook_id}}/deliveries",
        grant(OP_ADMIN | PARTNER_ADMINS),
        build=lambda w, t, p: (f"{API}/webhooks/{_webhook(p).id}/deliveries", {}),
    ),
    # notifications
    Entry("GET", f"{API}/notifications", grant(EVERYONE), build=path(f"{API}/notifications")),
    Entry(
        "POST",
        f"{API}/notifications/{{notification_id}}/read",
        grant(EVERYONE),
        build=lambda w, t, p: (f"{API}/notifications/{_notification(p).id}/read", {}),
    ),
    Entry("GET", f"{API}/outbox", grant(OPERATOR), build=path(f"{API}/outbox")),
    # ---- web pages (route = URL name) ----
    Entry("GET", "login", {}, public=True, build=path("/auth/login")),
    Entry(
        "POST",
        "login",
        {},
        public=True,
        build=with_body(
            path("/auth/login"), {"email": "x@example.test", "password": "wrong-password!"}
        ),
        ok={401},
    ),
    Entry("POST", "logout", {}, public=True, build=path("/auth/logout")),
    Entry("GET", "set-password", {}, public=True, build=path("/auth/set-password?token=nope")),
    Entry("GET", "password-reset", {}, public=True, build=path("/auth/reset")),
    Entry(
        "POST",
        "set-language",
        {},
        public=True,
        build=with_body(path("/language"), {"language": "de"}),
    ),
    Entry("GET", "healthz", {}, public=True, build=path("/healthz")),
    Entry("POST", "switch-membership", grant(EVERYONE), build=path("/membership")),
    Entry("GET", "profile", grant(EVERYONE), build=path("/me")),
    Entry("GET", "profile-export", grant(EVERYONE), build=path("/me/export")),
    Entry(
        "GET", "tokens", grant(OP_ADMIN | PARTNER_ADMINS | {"account_admin"}), build=path("/tokens")
    ),
    Entry(
        "POST",
        "token-revoke",
        grant(OP_ADMIN | PARTNER_ADMINS | {"account_admin"}),
        build=lambda w, t, p: (f"/tokens/{p.tokens.first().id}/revoke", {}),
    ),
    Entry(
        "GET",
        "users",
        grant(OPERATOR | PARTNERS | {"account_admin", "site_admin"}),
        build=path("/users"),
    ),
    Entry(
        "GET",
        "org-users",
        merge(
            grant(OPERATOR, ANY),
            grant(PARTNERS, REACH),
            grant({"account_admin", "site_admin"}, {"own"}),
        ),
        target="customer",
        build=path("/orgs/{id}/users", id=target_id),
    ),
    Entry(
        "POST",
        "org-user-change",
        merge(
            grant(OP_ADMIN, ANY),
            grant(PARTNERS, {"child"}),
            grant({"account_admin", "site_admin"}, {"own"}),
        ),
        target="customer",
        build=lambda w, t, p: (
            f"/orgs/{t.id}/users/{factories.user(t, Role.MEMBER).id}",
            {"role": "member"},
        ),
    ),
    Entry("GET", "dashboard", grant(EVERYONE), build=path("/")),
    Entry("GET", "accounts:list", grant(EVERYONE), build=path("/accounts/")),
    Entry(
        "GET",
        "accounts:create",
        grant(OP_ADMIN | {"partner_admin", "partner_agent"}),
        build=path("/accounts/new"),
    ),
    Entry(
        "POST",
        "accounts:create",
        grant(OP_ADMIN | {"partner_admin", "partner_agent"}),
        build=with_body(path("/accounts/new"), {"name": ""}),
    ),
    Entry(
        "GET",
        "accounts:subdivisions",
        grant(EVERYONE),
        build=path("/accounts/subdivisions?country=DE"),
    ),
    Entry(
        "GET",
        "accounts:detail",
        merge(grant(OPERATOR, ANY), grant(PARTNERS, REACH), grant(CUSTOMER_USERS, {"own"})),
        target="customer",
        build=path("/accounts/{id}/", id=target_id),
    ),
    Entry(
        "GET",
        "accounts:edit",
        merge(grant(OP_ADMIN, ANY), grant(PARTNERS, {"child"}), grant(CUSTOMER_ADMIN, {"own"})),
        target="customer",
        build=path("/accounts/{id}/edit", id=target_id),
    ),
    Entry(
        "POST",
        "accounts:edit",
        merge(grant(OP_ADMIN, ANY), grant(PARTNERS, {"child"}), grant(CUSTOMER_ADMIN, {"own"})),
        target="customer",
        build=with_body(path("/accounts/{id}/edit", id=target_id), {"name": ""}),
    ),
    Entry("GET", "partners:list", grant(OPERATOR | PARTNERS), build=path("/partners/")),
    Entry(
        "GET",
        "partners:create",
        grant(OP_ADMIN | {"distributor_admin"}),
        build=path("/partners/new"),
    ),
    Entry(
        "POST",
        "partners:create",
        grant(OP_ADMIN | {"distributor_admin"}),
        build=with_body(path("/partners/new"), {"name": ""}),
    ),
    Entry(
        "GET",
        "partners:detail",
        merge(grant(OPERATOR, ANY), grant(PARTNERS, REACH)),
        target="partner",
        build=path("/partners/{id}/", id=target_id),
    ),
    Entry(
        "GET",
        "partners:edit",
        merge(
            grant(OP_ADMIN, ANY),
            grant({"partner_admin"}, {"own"}),
            grant({"distributor_admin"}, {"own", "child"}),
        ),
        target="partner",
        build=path("/partners/{id}/edit", id=target_id),
    ),
    Entry(
        "POST",
        "partners:edit",
        merge(
            grant(OP_ADMIN, ANY),
            grant({"partner_admin"}, {"own"}),
            grant({"distributor_admin"}, {"own", "child"}),
        ),
        target="partner",
        build=with_body(path("/partners/{id}/edit", id=target_id), {"name": ""}),
    ),
    Entry("GET", "audit:list", grant(OPERATOR | PARTNERS | CUSTOMER_ADMIN), build=path("/audit/")),
    Entry(
        "GET", "audit:webhooks", grant(OP_ADMIN | PARTNER_ADMINS), build=path("/audit/webhooks/")
    ),
    Entry(
        "POST",
        "audit:webhook-delete",
        grant(OP_ADMIN | PARTNER_ADMINS),
        build=lambda w, t, p: (f"/audit/webhooks/{_webhook_of(p.organization)}/delete", {}),
    ),
    Entry("GET", "notifications:list", grant(EVERYONE), build=path("/notifications/")),
    Entry("POST", "notifications:read-all", grant(EVERYONE), build=path("/notifications/read")),
    Entry("GET", "notifications:outbox", grant(OPERATOR), build=path("/notifications/outbox/")),
    Entry(
        "GET",
        "notifications:outbox-detail",
        grant(OPERATOR),
        build=lambda w, t, p: (f"/notifications/outbox/{_email().id}", {}),
    ),
]


def all_entries() -> list[Entry]:
    """The foundation's entries plus every app's `tests/security/matrix_<app>.py` ENTRIES."""
    import importlib
    from pathlib import Path

    entries = list(ENTRIES)
    for f in sorted(Path(__file__).parent.glob("matrix_*.py")):
        entries += importlib.import_module(f"tests.security.{f.stem}").ENTRIES
    return entries


def _webhook(principal):
    from channeldesk.audit.models import Webhook

    return Webhook.objects.create(
        organization=principal.organization,
        url="http://127.0.0.1:9/h",
        events=["account"],
        secret="s",
    )


def _notification(principal):
    from channeldesk.notifications.models import Notification

    return Notification.objects.create(
        user=principal.user, organization=principal.organization, kind="test", text="hi"
    )


def _email():
    from channeldesk.notifications.models import OutboxEmail

    return OutboxEmail.objects.create(to="x@example.test", template="t", subject="s", body_text="b")
