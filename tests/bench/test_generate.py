"""The benchmark's dataset generator at a tiny scale: a tree the app itself accepts."""

from __future__ import annotations

import datetime as dt

import phonenumbers
import pytest
from bench.generate import DISTRIBUTORS, generate
from django.test import Client

from channeldesk.accounts.models import SupportContact
from channeldesk.audit.models import AuditEvent
from channeldesk.core.ids import is_id
from channeldesk.identity.models import User
from channeldesk.subscriptions.models import License, Subscription
from channeldesk.tenancy.models import Membership, Organization, search_key

pytestmark = pytest.mark.django_db

SCALE = 0.0002  # 200 customer accounts


@pytest.fixture
def data():
    return generate(SCALE, bulk=False, progress=lambda _: None)


def test_tree_shape_paths_and_keys_as_tenancy_computes_them(data):
    orgs = {o.id: o for o in Organization.objects.all()}
    kinds = [o.kind for o in orgs.values()]
    assert kinds.count("operator") == 1
    assert kinds.count("distributor") == DISTRIBUTORS
    assert kinds.count("reseller") == DISTRIBUTORS
    assert kinds.count("customer") == data["accounts"] == 200
    for o in orgs.values():
        assert is_id(o.id)
        parent = orgs.get(o.parent_id) if o.parent_id else None
        expected = Organization(id=o.id)
        expected.place_under(parent)
        assert (o.path, o.depth) == (expected.path, expected.depth)
        assert o.name_key == search_key(o.name)
        if o.kind == "customer":
            assert parent is not None and parent.kind in ("operator", "distributor", "reseller")
            assert o.cloud_region and o.platform and o.pbx_type


def test_ids_follow_creation_time(data):
    rows = list(
        Organization.objects.filter(kind="customer").order_by("id").values_list("created_at")
    )
    times = [r[0] for r in rows]
    assert times == sorted(times)
    assert times[0] < dt.datetime.now(dt.UTC) - dt.timedelta(days=300)


def test_users_memberships_contacts_and_audit(data):
    customers = Organization.objects.filter(kind="customer").count()
    assert User.objects.count() == Membership.objects.count() >= customers
    assert (
        SupportContact.objects.filter(role="administrator").values("account").distinct().count()
        == customers
    )
    assert AuditEvent.objects.filter(action="account.created").count() == customers
    assert data["counts"]["identity_user"] == User.objects.count()
    user = User.objects.get(email=data["principals"]["reseller"]["email"])
    assert user.check_password(data["password"])


def test_tokens_act_as_the_measured_principals(data):
    reseller = data["principals"]["reseller"]
    client = Client()
    auth = {"Authorization": f"Bearer {reseller['token']}"}
    response = client.get("/api/v1/accounts?limit=200", headers=auth)
    assert response.status_code == 200
    path = Organization.objects.get(id=reseller["organization_id"]).path
    in_reach = Organization.objects.filter(kind="customer", path__startswith=path)
    assert {i["id"] for i in response.json()["items"]} == set(in_reach.values_list("id", flat=True))
    assert data["sample_account_id"] in {i["id"] for i in response.json()["items"]}
    operator = {"Authorization": f"Bearer {data['principals']['operator']['token']}"}
    assert len(client.get("/api/v1/accounts?limit=200", headers=operator).json()["items"]) == 200
    search = {"Authorization": f"Bearer {data['search_tokens'][0]}"}
    assert client.get("/api/v1/partners/search?q=ab", headers=search).status_code == 200


def test_subscriptions_and_licenses_of_the_accounts_users(data):
    subs = list(Subscription.objects.select_related("account"))
    customers = Organization.objects.filter(kind="customer").count()
    assert data["counts"]["subscriptions"] == len(subs)
    assert 1.5 * customers <= len(subs) <= 2.5 * customers  # ~2 per account (issue 8)
    assert sum(s.status == "active" for s in subs) > 0.7 * len(subs)
    licenses = list(License.objects.all())
    assert data["counts"]["subscriptions_license"] == len(licenses) > 0
    held: dict[str, int] = {}
    for lic in licenses:
        held[lic.subscription_id] = held.get(lic.subscription_id, 0) + 1
    members = set(Membership.objects.values_list("organization_id", "user_id"))
    assert all((lic.account_id, lic.user_id) in members for lic in licenses)
    for s in subs:
        assert s.account.kind == "customer" and is_id(s.id)
        assert s.assigned == held.get(s.id, 0) <= s.quantity
        assert s.next_payment_date > s.start_date
        if s.account.status == "deactivated":
            assert s.status == "cancelled"
    reseller = {"Authorization": f"Bearer {data['principals']['reseller']['token']}"}
    response = Client().get("/api/v1/subscriptions?status=active&limit=50", headers=reseller)
    assert response.status_code == 200
    path = Organization.objects.get(id=data["principals"]["reseller"]["organization_id"]).path
    expected = Subscription.objects.filter(status="active", account__path__startswith=path)
    assert expected.exists()
    assert [i["id"] for i in response.json()["items"]] == list(
        expected.order_by("-id").values_list("id", flat=True)[:50]
    )


def test_base_packages_the_billing_run_bills(data):
    from channeldesk.billing.actions import run_billing
    from channeldesk.billing.models import Invoice
    from channeldesk.contracts.models import BasePackage, PhoneNumber, SiteProduct

    packages = list(BasePackage.objects.select_related("account"))
    active = Organization.objects.filter(kind="customer", status="active").count()
    assert len(packages) == data["counts"]["contracts_basepackage"] == -(-active // 10)
    assert all(p.account.kind == "customer" for p in packages)
    sites = SiteProduct.objects.filter(base_package__in=packages).count()
    assert len(packages) <= sites <= 3 * len(packages)
    numbers = list(PhoneNumber.objects.select_related("site_product__base_package"))
    assert len(numbers) == 4 * sites
    assert all(n.account_id == n.site_product.base_package.account_id for n in numbers)
    assert len({n.e164 for n in numbers}) == len(numbers)
    period = dt.date.today().strftime("%Y-%m")
    result = run_billing(period)
    assert Invoice.objects.filter(source="contracts.base_package").count() == len(packages)
    assert result.issued == Invoice.objects.count() > len(packages)  # and the wholesale ones
    assert run_billing(period).issued == 0
    for n in numbers[:50]:  # real numbers of the site's area
        parsed = phonenumbers.parse(n.e164)
        assert phonenumbers.is_valid_number(parsed), n.e164
        assert phonenumbers.region_code_for_number(parsed) == n.country
