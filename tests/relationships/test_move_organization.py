"""tenancy.actions.move_organization: one transaction re-parents a subtree."""

from __future__ import annotations

import pytest

from channeldesk.audit.models import AuditEvent
from channeldesk.core.errors import ValidationFailed
from channeldesk.tenancy.actions import move_organization
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind
from tests import factories

pytestmark = pytest.mark.django_db


def test_moving_a_reseller_rewrites_the_paths_of_its_whole_subtree(world):
    reseller = world.a.reseller
    extra = factories.org(Kind.CUSTOMER, reseller, name="Extra")
    untouched = world.a.sibling_customer
    before_untouched = untouched.path
    system = Actor.system()
    move_organization(system, reseller, world.b.distributor)
    for org in (reseller, world.a.customer, extra):
        org.refresh_from_db()
    untouched.refresh_from_db()
    assert reseller.parent_id == world.b.distributor.id
    assert reseller.path == f"{world.b.distributor.path}{reseller.id}/"
    assert world.a.customer.path == f"{reseller.path}{world.a.customer.id}/"
    assert extra.path == f"{reseller.path}{extra.id}/"
    assert (reseller.depth, extra.depth) == (2, 3)
    assert untouched.path == before_untouched
    # subtree counts match on both sides of the move
    old_sub = Organization.objects.filter(path__startswith=world.a.distributor.path).count()
    new_sub = Organization.objects.filter(path__startswith=world.b.distributor.path).count()
    assert (old_sub, new_sub) == (3, 8)
    assert AuditEvent.objects.filter(action="partner.moved", target_id=reseller.id).count() == 1


def test_moving_a_customer_to_a_direct_customer_and_back(world):
    system = Actor.system()
    c = world.a.customer
    move_organization(system, c, world.operator)
    c.refresh_from_db()
    assert (c.parent_id, c.depth, c.path) == (world.operator.id, 1, f"{world.operator.path}{c.id}/")
    move_organization(system, c, world.b.reseller)
    c.refresh_from_db()
    assert c.path == f"{world.b.reseller.path}{c.id}/"


@pytest.mark.parametrize(
    "org_attr, parent_attr",
    [
        ("customer", "distributor"),  # customers sit under resellers or the operator
        ("distributor", "reseller"),
        ("reseller", "customer"),
    ],
)
def test_invalid_placements_are_refused_and_change_nothing(world, org_attr, parent_attr):
    org = getattr(world.a, org_attr)
    parent = getattr(world.b, parent_attr)
    before = org.path
    with pytest.raises(ValidationFailed):
        move_organization(Actor.system(), org, parent)
    org.refresh_from_db()
    assert org.path == before
