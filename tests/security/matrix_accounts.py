"""Authorization matrix of the account page panels, problem reports and the lifecycle
(product.md §2-3, §5): who may see and change what on a customer account."""

from __future__ import annotations

from channeldesk.accounts.models import ProblemReport, SupportContact
from tests.security.matrix import (
    ANY,
    CUSTOMER_ADMIN,
    CUSTOMER_USERS,
    EVERYONE,
    OP_ADMIN,
    OPERATOR,
    PARTNER_ADMINS,
    PARTNERS,
    REACH,
    Entry,
    grant,
    merge,
    path,
    target_id,
    with_body,
)

API = "/api/v1"

# Anyone who sees the account sees its panels.
VIEW = merge(grant(OPERATOR, ANY), grant(PARTNERS, REACH), grant(CUSTOMER_USERS, {"own"}))
# Profile, contacts, integrations, call services: partner_admin/agent of the managing partner
# (a distributor only reads its resellers' customers), the account's admin, the operator admin.
EDIT = merge(grant(OP_ADMIN, ANY), grant(PARTNERS, {"child"}), grant(CUSTOMER_ADMIN, {"own"}))
# Deactivate, reactivate, delete, restore: partner_admin of the managing partner, operator admin.
LIFECYCLE = merge(grant(OP_ADMIN, ANY), grant(PARTNER_ADMINS, {"child"}))
# Problem reports are filed by the account's own users.
REPORT = grant(CUSTOMER_USERS, {"own"})


def contact_id(world, target, principal) -> str:
    return SupportContact.objects.create(
        account=target, name="Matrix Contact", email="matrix@example.test", role="other"
    ).id


def report_id(world, target, principal) -> str:
    return ProblemReport.objects.create(account=target, subject="Matrix", description="d").id


def confirm(world, target, principal) -> dict:
    return {"confirm_name": target.name}


CONTACT = {"name": "Matrix Contact", "email": "matrix@example.test", "role": "other"}
REPORT_BODY = {"subject": "Matrix", "description": "A problem"}

ENTRIES: list[Entry] = [
    # ---- API: lifecycle ----
    Entry(
        "DELETE",
        f"{API}/accounts/{{account_id}}",
        LIFECYCLE,
        target="customer",
        build=path(f"{API}/accounts/{{id}}", id=target_id),
    ),
    *[
        Entry(
            "POST",
            f"{API}/accounts/{{account_id}}/{verb}",
            LIFECYCLE,
            target="customer",
            build=path(f"{API}/accounts/{{id}}/{verb}", id=target_id),
            note="on an active account reactivate/restore answer 409: allowed, wrong state",
            ok=set() if verb == "deactivate" else {409},
        )
        for verb in ("deactivate", "reactivate", "restore")
    ],
    # ---- API: support contacts ----
    Entry(
        "GET",
        f"{API}/accounts/{{account_id}}/support-contacts",
        VIEW,
        target="customer",
        build=path(f"{API}/accounts/{{id}}/support-contacts", id=target_id),
    ),
    Entry(
        "POST",
        f"{API}/accounts/{{account_id}}/support-contacts",
        EDIT,
        target="customer",
        build=with_body(path(f"{API}/accounts/{{id}}/support-contacts", id=target_id), CONTACT),
    ),
    Entry(
        "PATCH",
        f"{API}/accounts/{{account_id}}/support-contacts/{{contact_id}}",
        EDIT,
        target="customer",
        build=with_body(
            path(f"{API}/accounts/{{id}}/support-contacts/{{cid}}", id=target_id, cid=contact_id),
            {"name": "Renamed"},
        ),
    ),
    Entry(
        "DELETE",
        f"{API}/accounts/{{account_id}}/support-contacts/{{contact_id}}",
        EDIT,
        target="customer",
        build=path(f"{API}/accounts/{{id}}/support-contacts/{{cid}}", id=target_id, cid=contact_id),
    ),
    # ---- API: integrations and call services ----
    Entry(
        "GET",
        f"{API}/accounts/{{account_id}}/integrations",
        VIEW,
        target="customer",
        build=path(f"{API}/accounts/{{id}}/integrations", id=target_id),
    ),
    Entry(
        "PUT",
        f"{API}/accounts/{{account_id}}/integrations/{{key}}",
        EDIT,
        target="customer",
        build=with_body(
            path(f"{API}/accounts/{{id}}/integrations/meetings", id=target_id), {"enabled": True}
        ),
    ),
    Entry(
        "GET",
        f"{API}/accounts/{{account_id}}/call-services",
        VIEW,
        target="customer",
        build=path(f"{API}/accounts/{{id}}/call-services", id=target_id),
    ),
    Entry(
        "PATCH",
        f"{API}/accounts/{{account_id}}/call-services",
        EDIT,
        target="customer",
        build=with_body(
            path(f"{API}/accounts/{{id}}/call-services", id=target_id),
            {"bandwidth_optimization": True},
        ),
    ),
    # ---- API: problem reports ----
    Entry(
        "GET",
        f"{API}/accounts/{{account_id}}/problem-reports",
        VIEW,
        target="customer",
        build=path(f"{API}/accounts/{{id}}/problem-reports", id=target_id),
        note="site admins and members see the reports they filed themselves",
    ),
    Entry(
        "POST",
        f"{API}/accounts/{{account_id}}/problem-reports",
        REPORT,
        target="customer",
        build=with_body(path(f"{API}/accounts/{{id}}/problem-reports", id=target_id), REPORT_BODY),
    ),
    Entry(
        "GET",
        f"{API}/problem-reports",
        grant(EVERYONE),
        build=path(f"{API}/problem-reports"),
        note="each sees the reports within reach (customer users without view: their own)",
    ),
    Entry(
        "POST",
        f"{API}/problem-reports/{{report_id}}/resolve",
        grant(OPERATOR, ANY),
        target="customer",
        build=path(f"{API}/problem-reports/{{rid}}/resolve", rid=report_id),
        note="operator support handles problem reports",
    ),
    # ---- pages ----
    Entry(
        "GET",
        "accounts:info",
        VIEW,
        target="customer",
        build=path("/accounts/{id}/info", id=target_id),
    ),
    Entry(
        "POST",
        "accounts:contact-add",
        EDIT,
        target="customer",
        build=with_body(path("/accounts/{id}/contacts/add", id=target_id), CONTACT),
    ),
    Entry(
        "GET",
        "accounts:contact-edit",
        EDIT,
        target="customer",
        build=path("/accounts/{id}/contacts/{cid}/edit", id=target_id, cid=contact_id),
    ),
    Entry(
        "POST",
        "accounts:contact-edit",
        EDIT,
        target="customer",
        build=with_body(
            path("/accounts/{id}/contacts/{cid}/edit", id=target_id, cid=contact_id),
            {**CONTACT, "f": "x"},
        ),
    ),
    Entry(
        "POST",
        "accounts:contact-remove",
        EDIT,
        target="customer",
        build=path("/accounts/{id}/contacts/{cid}/remove", id=target_id, cid=contact_id),
    ),
    Entry(
        "POST",
        "accounts:integration-toggle",
        EDIT,
        target="customer",
        build=with_body(
            path("/accounts/{id}/integrations/meetings", id=target_id), {"enabled": "1"}
        ),
    ),
    Entry(
        "POST",
        "accounts:call-services",
        EDIT,
        target="customer",
        build=with_body(
            path("/accounts/{id}/call-services", id=target_id), {"bandwidth_optimization": "1"}
        ),
    ),
    Entry(
        "GET",
        "accounts:problem-reports",
        VIEW,
        target="customer",
        build=path("/accounts/{id}/problem-reports", id=target_id),
    ),
    Entry(
        "POST",
        "accounts:problem-reports",
        REPORT,
        target="customer",
        build=with_body(path("/accounts/{id}/problem-reports", id=target_id), REPORT_BODY),
    ),
    Entry(
        "GET",
        "accounts:problem-report-queue",
        grant(EVERYONE),
        build=path("/accounts/problem-reports/"),
    ),
    Entry(
        "POST",
        "accounts:problem-report-resolve",
        grant(OPERATOR, ANY),
        target="customer",
        build=path("/accounts/problem-reports/{rid}/resolve", rid=report_id),
    ),
    Entry(
        "POST",
        "accounts:deactivate",
        LIFECYCLE,
        target="customer",
        build=with_body(path("/accounts/{id}/deactivate", id=target_id), confirm),
    ),
    Entry(
        "POST",
        "accounts:reactivate",
        LIFECYCLE,
        target="customer",
        build=path("/accounts/{id}/reactivate", id=target_id),
    ),
    Entry(
        "POST",
        "accounts:delete",
        LIFECYCLE,
        target="customer",
        build=with_body(path("/accounts/{id}/delete", id=target_id), confirm),
    ),
    Entry(
        "POST",
        "accounts:restore",
        LIFECYCLE,
        target="customer",
        build=path("/accounts/{id}/restore", id=target_id),
    ),
]
