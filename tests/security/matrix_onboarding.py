"""Authorization matrix entries of the onboarding app (drafts belong to the partner
organization that started them; see tests/security/matrix.py for the format).

Reading drafts ("onboarding.view"): the operator and partner users within reach (a
distributor reads its resellers' drafts). Managing them ("onboarding.manage"): operator_admin
and the users of a reseller on its own drafts; a distributor reads but does not manage."""

from __future__ import annotations

from tests.security.matrix import (
    ANY,
    API,
    EVERYONE,
    OP_ADMIN,
    OPERATOR,
    PARTNERS,
    REACH,
    Entry,
    grant,
    merge,
    path,
    with_body,
)

RESELLER_USERS = {"partner_admin", "partner_agent"}
MANAGE = merge(grant(OP_ADMIN, ANY), grant(RESELLER_USERS, {"own"}))
VIEW = merge(grant(OPERATOR, ANY), grant(PARTNERS, REACH))


def _draft(world, target, principal) -> str:
    from channeldesk.onboarding.models import Onboarding

    return Onboarding.objects.create(organization=target, platform="cloud_gateway").id


PBX = {"pbx_type": "mivoice_business", "name": "Matrix PBX", "software_version": "9.4"}

ENTRIES: list[Entry] = [
    Entry(
        "GET", f"{API}/onboardings", grant(OPERATOR | PARTNERS), build=path(f"{API}/onboardings")
    ),
    Entry(
        "POST",
        f"{API}/onboardings",
        grant(OP_ADMIN | RESELLER_USERS),
        build=with_body(path(f"{API}/onboardings"), {"platform": "cloud_gateway"}),
        note="distributors do not own customer accounts, so they do not onboard",
    ),
    Entry(
        "GET",
        f"{API}/onboardings/{{onboarding_id}}",
        VIEW,
        target="partner",
        build=path(f"{API}/onboardings/{{id}}", id=_draft),
    ),
    Entry(
        "DELETE",
        f"{API}/onboardings/{{onboarding_id}}",
        MANAGE,
        target="partner",
        build=path(f"{API}/onboardings/{{id}}", id=_draft),
    ),
    Entry(
        "PUT",
        f"{API}/onboardings/{{onboarding_id}}/steps/{{step}}",
        MANAGE,
        target="partner",
        build=with_body(path(f"{API}/onboardings/{{id}}/steps/pbx", id=_draft), PBX),
    ),
    Entry(
        "POST",
        f"{API}/onboardings/{{onboarding_id}}/connection-test",
        MANAGE,
        target="partner",
        build=path(f"{API}/onboardings/{{id}}/connection-test", id=_draft),
        note="an empty draft answers 409 (nothing entered yet): allowed, not denied",
        ok={409},
    ),
    Entry(
        "POST",
        f"{API}/onboardings/{{onboarding_id}}/complete",
        MANAGE,
        target="partner",
        build=path(f"{API}/onboardings/{{id}}/complete", id=_draft),
        note="an empty draft answers 409 listing the missing steps",
        ok={409},
    ),
    # ---- pages ----
    Entry(
        "GET", "onboarding:regions", grant(EVERYONE), build=path("/onboarding/regions?country=NL")
    ),
    Entry(
        "GET", "onboarding:start", grant(OP_ADMIN | RESELLER_USERS), build=path("/onboarding/new")
    ),
    Entry(
        "POST",
        "onboarding:start",
        grant(OP_ADMIN | RESELLER_USERS),
        build=with_body(path("/onboarding/new"), {"platform": "cloud_gateway"}),
    ),
    Entry(
        "GET",
        "onboarding:new",
        grant(OP_ADMIN | RESELLER_USERS),
        build=path("/onboarding/new/cloud_gateway/"),
        note="the customer step of an onboarding not saved yet",
    ),
    Entry(
        "POST",
        "onboarding:new",
        grant(OP_ADMIN | RESELLER_USERS),
        build=with_body(path("/onboarding/new/cloud_gateway/"), {"op": "add_admin"}),
    ),
    Entry(
        "GET",
        "onboarding:resume",
        MANAGE,
        target="partner",
        build=path("/onboarding/{id}/", id=_draft),
    ),
    Entry(
        "GET",
        "onboarding:step",
        MANAGE,
        target="partner",
        build=path("/onboarding/{id}/pbx", id=_draft),
    ),
    Entry(
        "POST",
        "onboarding:step",
        MANAGE,
        target="partner",
        build=with_body(path("/onboarding/{id}/pbx", id=_draft), {**PBX, "op": "next"}),
    ),
    Entry(
        "POST",
        "onboarding:complete",
        MANAGE,
        target="partner",
        build=path("/onboarding/{id}/complete", id=_draft),
    ),
    Entry(
        "POST",
        "onboarding:delete",
        MANAGE,
        target="partner",
        build=path("/onboarding/{id}/delete", id=_draft),
    ),
]
