"""quality.md 13: no input ever yields a 5xx. Schemathesis generates requests from the OpenAPI
document the portal serves (/api/v1/openapi.json) and sends them in-process (WSGI) with real
bearer tokens of principals of the `world` fixture; every answer must be no server error and
conform to the document (status code, content type, body schema — 4xx answers are declared
as problem+json). The stateful phase chains operations through the links schemathesis infers
(a created account's id into GET/PATCH/DELETE /accounts/{account_id}, ...).

The run is bounded so that it fits into `make test` on both databases: a fixed seed (override
with CHANNELDESK_SCHEMATHESIS_SEED), the coverage phase (boundary and negative values of every
parameter) plus a few fuzzed examples per operation, and a short stateful run."""

from __future__ import annotations

import itertools
import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from channeldesk.wsgi import application
from tests import factories

SEED = int(os.environ.get("CHANNELDESK_SCHEMATHESIS_SEED", "20261203"))
FUZZ_EXAMPLES = int(os.environ.get("CHANNELDESK_SCHEMATHESIS_EXAMPLES", "3"))
# One reach per kind of organization: the operator (everything), a reseller (its subtree),
# a customer (itself).
PRINCIPALS = ("operator_admin", "partner_admin", "account_admin")

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "suppress-health-check": ["all"],
        "generation": {"max-examples": FUZZ_EXAMPLES, "mode": "all"},
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            # On for link inference; the stateful run itself is test_stateful below.
            "stateful": {"enabled": True, "generation": {"mode": "positive"}},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _one_connection():
    """The WSGI handler closes the database connection after each request (what a server
    needs); the test's transaction lives on that connection, so keep it open, as Django's
    test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class Principals:
    """Bearer tokens of a few principals, and ids of real objects in their reach, so that
    generated requests also reach the code behind the 404 of a random id."""

    def __init__(self, world):
        from channeldesk.audit.models import Webhook
        from channeldesk.notifications.models import Notification

        self.world = world
        self.tokens = {k: factories.token(world.members[k]) for k in PRINCIPALS}
        self.turn = itertools.count()
        m = world.members
        self.known = {
            "account_id": world.a.customer.id,
            "partner_id": world.a.reseller.id,
            "token_id": m["partner_admin"].tokens.first().id,
            "notification_id": Notification.objects.create(
                user=m["partner_admin"].user,
                organization=world.a.reseller,
                kind="account.updated",
                text="hello",
            ).id,
            "webhook_id": Webhook.objects.create(
                organization=world.a.reseller,
                url="https://hooks.example.test/x",
                events=["account"],
                secret="s",
            ).id,
        }

    def user_id(self, path: str) -> str:
        m = self.world.members
        if path.startswith("/api/v1/partners/"):
            return m["partner_agent"].user.id
        if path.startswith("/api/v1/operator/"):
            return factories.user(self.world.operator, "operator_support").user.id
        return m["member"].user.id

    def prepare(self, case) -> dict[str, str]:
        """Headers of the next principal; every other case gets real ids for its path."""
        n = next(self.turn)
        if n % 2 and case.path_parameters:
            for name in case.path_parameters:
                if name == "user_id":
                    case.path_parameters[name] = self.user_id(case.path)
                elif name in self.known:
                    case.path_parameters[name] = self.known[name]
        key = PRINCIPALS[n % len(PRINCIPALS)]
        return {"Authorization": f"Bearer {self.tokens[key]}"}


@pytest.fixture
def principals(world) -> Principals:
    return Principals(world)


@pytest.mark.django_db
@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None, derandomize=False, database=None)
def test_no_input_yields_a_server_error(case, principals):
    case.call_and_validate(headers=principals.prepare(case), checks=CHECKS)


@pytest.mark.django_db
def test_stateful(principals):
    """Chains of calls along the inferred links (create, then read/patch/delete what was
    created), as each principal."""
    machine = schema.as_state_machine()
    assert len(machine.bundles) >= 10, f"few links inferred: {sorted(machine.bundles)}"
    print(f"stateful: {len(machine.bundles)} link sources")

    class Stateful(machine):  # type: ignore[misc,valid-type]
        """Each scenario starts from the same data (a savepoint rolled back at its end) and
        the same turn of principals: hypothesis replays scenarios and needs them to behave
        alike."""

        def setup(self):
            self.savepoint = transaction.savepoint_create()
            principals.turn = itertools.count()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case):
            return {"headers": principals.prepare(case)}

        def after_call(self, response, case):
            answers.append(response.status_code)
            if case.path_parameters and response.status_code < 300:
                chained.append(f"{case.method} {case.path}")

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    answers: list[int] = []
    chained: list[str] = []
    Stateful.run(
        settings=settings(
            max_examples=int(os.environ.get("CHANNELDESK_SCHEMATHESIS_STATEFUL", "25")),
            stateful_step_count=6,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate],
        )
    )
    ok = sum(1 for code in answers if code < 300)
    print(f"stateful: {len(answers)} calls, {ok} 2xx, {len(chained)} on linked objects")
    # Links followed: ids from one answer (a list, a created object) used in the next call.
    assert len(answers) >= 50 and chained, f"{len(answers)} calls, {ok} 2xx, none linked"


def test_served_document_declares_problem_answers(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            assert "4XX" in op["responses"], f"{method} {path}"
            assert re.fullmatch(r"[a-z_]+", op["operationId"]), op["operationId"]
