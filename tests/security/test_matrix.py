"""Walk every API operation and every page for every principal and tenant relation."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from channeldesk.api.main import api
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind
from tests import factories
from tests.security.matrix import PRINCIPALS, Entry, all_entries

ENTRIES = all_entries()

DENIED = {401, 403, 404, 405}
API_PREFIX = "/api/v1"


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    ops = set()
    for p, methods in schema["paths"].items():
        for m in methods:
            ops.add((m.upper(), p))
    return ops


def _walk(patterns, prefix="", ns=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("api/v1/"):
                continue
            sub_ns = ":".join(x for x in (ns, p.namespace) if x) or None
            yield from _walk(p.url_patterns, prefix + str(p.pattern), sub_ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{ns}:{p.name}" if ns else p.name


def page_names() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def test_every_route_has_a_matrix_entry():
    declared = {(e.method, e.route) for e in ENTRIES}
    missing_api = {op for op in api_operations() if op not in declared}
    declared_pages = {e.route for e in ENTRIES if not e.route.startswith("/")}
    missing_pages = page_names() - declared_pages
    assert not missing_api, f"API operations without a matrix entry: {sorted(missing_api)}"
    assert not missing_pages, f"pages without a matrix entry: {sorted(missing_pages)}"
    stale = {
        (e.method, e.route)
        for e in ENTRIES
        if e.route.startswith("/") and (e.method, e.route) not in api_operations()
    }
    assert not stale, f"matrix entries for routes that do not exist: {sorted(stale)}"


def relation(actor_org: Organization, target: Organization) -> str:
    if actor_org.id == target.id:
        return "own"
    if target.path.startswith(actor_org.path):
        return "child" if target.depth == actor_org.depth + 1 else "grandchild"
    if actor_org.path.startswith(target.path):
        return "parent"
    if actor_org.parent_id == target.parent_id:
        return "sibling"
    return "unrelated"


def targets_for(world, kind: str | None, principal) -> list[tuple[str, Organization | None]]:
    if kind is None:
        return [("*", None)]
    if kind == "customer":
        pool = [world.a.customer, world.a.sibling_customer, world.b.customer, world.direct_customer]
    elif kind == "partner":
        pool = [
            world.a.distributor,
            world.a.reseller,
            world.a.sibling_reseller,
            world.b.distributor,
            world.b.reseller,
        ]
    else:
        pool = [world.operator]
    seen: dict[str, Organization] = {}
    for org in pool:
        seen.setdefault(relation(principal.organization, org), org)
    return sorted(seen.items(), key=lambda kv: kv[0])


def in_reach(actor_org: Organization, target: Organization) -> bool:
    if actor_org.kind == Kind.OPERATOR:
        return True
    if actor_org.kind == Kind.CUSTOMER:
        return actor_org.id == target.id
    return target.path.startswith(actor_org.path)


def _request(client: Client, entry: Entry, path: str, body, headers: dict):
    fn = getattr(client, entry.method.lower())
    if entry.route.startswith("/"):
        if entry.method in ("GET", "DELETE"):
            return fn(path, **headers)
        return fn(path, body or {}, content_type="application/json", **headers)
    if entry.method == "GET":
        return fn(path, **headers)
    return fn(path, body or {}, **headers)


def _check(
    entry: Entry,
    principal_key: str | None,
    rel: str,
    allowed: bool,
    expect_hidden: bool,
    status: int,
    where: str,
):
    assert status < 500, f"{where}: server error {status}"
    if entry.public or allowed:
        # Allowed: the operation ran (2xx, or a redirect for pages), or gave an answer the
        # entry declares (a domain refusal such as 409 for the wrong state).
        assert 200 <= status < 400 or status in entry.ok, (
            f"{where}: expected allowed (2xx/3xx or {sorted(entry.ok)}), got {status}"
        )
        return
    if principal_key is None:
        if entry.route.startswith("/"):
            assert status == 401, f"{where}: anonymous expected 401, got {status}"
        else:
            assert status == 302, f"{where}: anonymous expected redirect to sign-in, got {status}"
        return
    expected = 404 if expect_hidden else 403
    assert status == expected, f"{where}: expected {expected}, got {status}"


def _clients(world) -> dict[str, tuple[Client, dict]]:
    clients: dict[str, tuple[Client, dict]] = {}
    for key in PRINCIPALS:
        m = world.members[key]
        c = Client()
        c.force_login(m.user, backend="channeldesk.identity.backends.EmailBackend")
        s = c.session
        s["membership_id"] = m.id
        s.save()
        raw = factories.token(m)
        clients[key] = (c, {"HTTP_AUTHORIZATION": f"Bearer {raw}"})
    return clients


# One test per route, so that the cells spread over the test workers.
@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{e.method} {e.route}" for e in ENTRIES])
def test_authorization_matrix(world, entry: Entry):
    cells = 0
    failures: list[str] = []
    clients = _clients(world)
    principals: list[str | None] = [None, *PRINCIPALS]
    for key in principals:
        principal = world.members[key] if key else world.members["operator_admin"]
        for rel, target in targets_for(world, entry.target, principal):
            if key is None and rel not in ("*", targets_for(world, entry.target, principal)[0][0]):
                continue
            allowed = key is not None and (
                "*" in entry.allowed.get(key, set()) or rel in entry.allowed.get(key, set())
            )
            hidden = (
                target is not None
                and key is not None
                and not in_reach(principal.organization, target)
            )
            if entry.route in (
                f"{API_PREFIX}/operator/users",
                f"{API_PREFIX}/operator/users/{{user_id}}",
            ) and key not in ("operator_admin", "operator_support"):
                hidden = True
            where = f"{entry.method} {entry.route} as {key or 'anonymous'} on {rel}"
            with transaction.atomic():
                sid = transaction.savepoint_create()
                try:
                    assert entry.build is not None, f"{entry.route}: no builder"
                    url, body = entry.build(world, target, principal)
                    if key is None or entry.public:
                        client, headers = Client(), {}
                    elif entry.route.startswith("/"):
                        client, headers = Client(), clients[key][1]
                    else:
                        client, headers = clients[key][0], {}
                    response = _request(client, entry, url, body, headers)
                    _check(entry, key, rel, allowed, hidden, response.status_code, where)
                except AssertionError as exc:
                    failures.append(str(exc).splitlines()[0])
                finally:
                    transaction.savepoint_rollback(sid)
            cells += 1
    assert cells, "no cell was tried"
    assert not failures, f"{len(failures)} of {cells} cells wrong:\n" + "\n".join(failures)


RELATIONS = ("own", "child", "grandchild", "parent", "sibling", "unrelated")


def planned_cells(world) -> int:
    """The cells test_authorization_matrix tries: per route, every principal against every
    relation the route's target kind offers it (collection routes: one cell), anonymous once."""
    cells = 0
    for entry in ENTRIES:
        for key in [None, *PRINCIPALS]:
            principal = world.members[key] if key else world.members["operator_admin"]
            targets = targets_for(world, entry.target, principal)
            cells += 1 if key is None else len(targets)
    return cells


def test_matrix_size_is_reported(world, capsys):
    """Routes x principals (9 roles + anonymous) x relations, for the closing note."""
    routes, principals = len(ENTRIES), len(PRINCIPALS) + 1
    cells = planned_cells(world)
    api_routes = sum(1 for e in ENTRIES if e.route.startswith("/"))
    with capsys.disabled():
        print(
            f"\nauthorization matrix: {routes} routes ({api_routes} API operations, "
            f"{routes - api_routes} pages) x {principals} principals x up to {len(RELATIONS)} "
            f"relations = {routes * principals * len(RELATIONS)} nominal, {cells} cells tried"
        )
    assert routes >= 70
    assert routes * 2 <= cells <= routes * principals * len(RELATIONS)
