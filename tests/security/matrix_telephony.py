"""Authorization matrix of the telephony routes (product.md §2 and §9).

View: the operator, partners in reach, the customer's account_admin and site_admin (members
not). Manage (devices, numbering, attendants, welcome service, emergency numbers): the
operator_admin, the managing partner (a distributor only reads its resellers' customers) and
the customer's account_admin and site_admin ("the account manages", product.md §9).
Declaring voice equipment: the operator_admin and the managing partner only.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from channeldesk.tenancy.actor import Actor
from tests.security.matrix import (
    ANY,
    OP_ADMIN,
    OPERATOR,
    PARTNERS,
    REACH,
    Entry,
    grant,
    merge,
)

API = "/api/v1"
VIEW = merge(
    grant(OPERATOR, ANY), grant(PARTNERS, REACH), grant({"account_admin", "site_admin"}, {"own"})
)
MANAGE = merge(
    grant(OP_ADMIN, ANY),
    grant(PARTNERS, {"child"}),
    grant({"account_admin", "site_admin"}, {"own"}),
)
DECLARE = merge(grant(OP_ADMIN, ANY), grant(PARTNERS, {"child"}))

_seq = itertools.count(1)


def _cloud(target) -> Actor:
    """Give the target account a cloud PBX (as the system) and return the system actor."""
    from channeldesk.telephony import actions
    from channeldesk.telephony.models import NumberingPlan

    system = Actor.system()
    if not NumberingPlan.objects.filter(account=target).exists():
        actions.declare_equipment(system, target, kind="cloud_pbx")
    return system


def _range(target):
    from channeldesk.telephony import actions

    return actions.create_range(_cloud(target), target, first="800", last="809")


def _extension(target):
    from channeldesk.telephony import actions

    _range(target)
    return actions.create_extension(
        Actor.system(), target, number="800", kind="group", name="Matrix"
    )


def _device(target):
    from channeldesk.telephony import actions

    n = next(_seq) % 250
    return actions.create_device(
        _cloud(target), target, model="Matrix", mac=f"02:00:00:00:AB:{n:02X}"
    )


def _attendant(target):
    from channeldesk.telephony import actions

    return actions.create_attendant(_cloud(target), target, name="Matrix")


def _welcome(target):
    from channeldesk.telephony import actions

    return actions.create_welcome(_cloud(target), target, greeting="Hello")


def _site(target):
    """A site product of the target account (emergency numbers belong to a site)."""
    import datetime as dt
    from decimal import Decimal

    from channeldesk.contracts.models import BasePackage, SiteProduct

    site = SiteProduct.objects.filter(base_package__account=target).first()
    if site is None:
        pkg = BasePackage.objects.create(
            account=target,
            number=f"MXT-{target.id}",
            name="Matrix",
            start_date=dt.date(2026, 1, 1),
            monthly_fee=Decimal("49.00"),
        )
        site = SiteProduct.objects.create(
            base_package=pkg,
            name="HQ",
            street="Matrixweg 1",
            postal_code="10115",
            city="Berlin",
            country="DE",
            monthly_fee=Decimal("19.00"),
        )
    return site


def _emergency(target):
    from channeldesk.telephony import actions

    return actions.create_emergency(
        _cloud(target), target, site_product_id=_site(target).id, number="112"
    )


def _equipment(target):
    from channeldesk.telephony.models import VoiceEquipment

    _cloud(target)
    return VoiceEquipment.objects.get(account=target, kind="cloud_pbx")


def collection(suffix: str, body: Any = None, *, cloud: bool = True):
    def build(world, target, principal):
        if cloud:
            _cloud(target)
        return f"{API}/accounts/{target.id}/{suffix}", (
            body(target) if callable(body) else body or {}
        )

    return build


def item(suffix: str, make: Callable[[Any], Any], body: Any = None):
    def build(world, target, principal):
        obj = make(target)
        return f"{API}/accounts/{target.id}/{suffix}/{obj.id}", (body or {})

    return build


ACC = f"{API}/accounts/{{account_id}}"
RESOURCES: list[tuple[str, Callable[[Any], Any], Any, dict, dict[str, set[str]]]] = [
    ("voice-equipment", _equipment, {"kind": "oxo_connect"}, {"name": "PBX"}, DECLARE),
    ("extension-ranges", _range, {"first": "810", "last": "819"}, {"label": "L"}, MANAGE),
    (
        "extensions",
        _extension,
        {"number": "801", "kind": "group", "name": "G"},
        {"name": "N"},
        MANAGE,
    ),
    ("devices", _device, {"model": "M", "mac": "02:00:00:00:CD:01"}, {"model": "N"}, MANAGE),
    ("auto-attendants", _attendant, {"name": "Other"}, {"greeting": "Hi"}, MANAGE),
    ("welcome-service", _welcome, {"greeting": "Hello"}, {"enabled": False}, MANAGE),
    (
        "emergency-numbers",
        _emergency,
        lambda t: {"site_product_id": _site(t).id, "number": "110"},
        {"caller_location": "Floor 2"},
        MANAGE,
    ),
]

ENTRIES: list[Entry] = []
for suffix, make, create_body, patch_body, writers in RESOURCES:
    cloud = suffix != "voice-equipment"
    ENTRIES += [
        Entry("GET", f"{ACC}/{suffix}", VIEW, target="customer", build=collection(suffix)),
        Entry(
            "POST",
            f"{ACC}/{suffix}",
            writers,
            target="customer",
            build=collection(suffix, create_body, cloud=cloud),
            # The fixed extension number is taken after the first allowed create: 422.
            ok={422} if suffix == "extensions" else set(),
        ),
        Entry(
            "GET", f"{ACC}/{suffix}/{{item_id}}", VIEW, target="customer", build=item(suffix, make)
        ),
        Entry(
            "PATCH",
            f"{ACC}/{suffix}/{{item_id}}",
            writers,
            target="customer",
            build=item(suffix, make, patch_body),
        ),
        Entry(
            "DELETE",
            f"{ACC}/{suffix}/{{item_id}}",
            writers,
            target="customer",
            build=item(suffix, make),
        ),
    ]

ENTRIES += [
    Entry(
        "GET", f"{ACC}/numbering-plan", VIEW, target="customer", build=collection("numbering-plan")
    ),
    Entry(
        "PATCH",
        f"{ACC}/numbering-plan",
        MANAGE,
        target="customer",
        build=collection("numbering-plan", {"extension_length": 4}),
    ),
]


# ---- pages ------------------------------------------------------------------------------


def page(suffix: str, body: Any = None, make: Callable[[Any], Any] | None = None):
    def build(world, target, principal):
        _cloud(target)
        path = f"/accounts/{target.id}/telephony/{suffix}"
        if make is not None:
            path = path.format(id=make(target).id)
        return path, (body or {})

    return build


ENTRIES += [
    Entry("GET", "telephony:page", VIEW, target="customer", build=page("")),
    Entry(
        "POST",
        "telephony:equipment-add",
        DECLARE,
        target="customer",
        build=page("equipment", {"eq-kind": "oxo_connect"}),
    ),
    Entry(
        "POST",
        "telephony:equipment-delete",
        DECLARE,
        target="customer",
        build=page("equipment/{id}/delete", make=_equipment),
    ),
    Entry(
        "POST",
        "telephony:save",
        MANAGE,
        target="customer",
        build=page("range", {"range-first": "820", "range-last": "829"}),
    ),
    Entry(
        "POST",
        "telephony:delete",
        MANAGE,
        target="customer",
        build=page("device/{id}/delete", make=_device),
    ),
]

ENTRIES += [
    Entry(
        "GET",
        "telephony:edit",
        MANAGE,
        target="customer",
        build=page("device/{id}/edit", make=_device),
    ),
    Entry(
        "POST",
        "telephony:edit",
        MANAGE,
        target="customer",
        build=page("emergency/{id}/edit", {"em-number": "110"}, make=_emergency),
    ),
]
