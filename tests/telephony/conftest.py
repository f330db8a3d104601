from __future__ import annotations

import pytest

from channeldesk.telephony import actions


@pytest.fixture
def cloud(world):
    """Customer A with a cloud PBX declared by its reseller (partner_admin)."""
    actions.declare_equipment(world.actor("partner_admin"), world.a.customer, kind="cloud_pbx")
    return world.a.customer


@pytest.fixture
def numbering(world, cloud):
    """A 3-digit plan with the range 200–299."""
    actions.create_range(world.actor("site_admin"), cloud, first="200", last="299")
    return cloud


@pytest.fixture
def site(world):
    """A site product of customer A with four phone numbers (+4930123456, +4930123457, ...)."""
    from tests.contracts import factories as cf

    pkg = cf.base_package(world.a.customer)
    return cf.site(
        pkg,
        name="Berlin HQ",
        numbers=["+4930123456", "+4930123457", "+4930999888", "+49301234567"],
    )
