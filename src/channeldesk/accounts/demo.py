"""Demo data of the account page: support contacts, integrations, call services, problem
reports, one deactivated and one recently deleted account."""

from __future__ import annotations

from typing import Any

from channeldesk.accounts import actions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership
from channeldesk.tenancy.roles import Role

FIRST = ["Anna", "Jonas", "Sophie", "Lukas", "Emma", "Daan", "Julia", "Finn", "Lotte", "Noah"]
LAST = ["Becker", "de Vries", "Huber", "Jansen", "Schmitt", "Bakker", "Wagner", "Visser"]
REPORTS = [
    ("Softphone drops calls after 30 seconds", "softphone"),
    ("Guests cannot join the weekly meeting", "meetings"),
    ("Single sign-on loops back to the login page", "single_sign_on"),
]


def _person(rnd) -> tuple[str, str]:
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    return f"{first} {last}", f"{first}.{last}".lower().replace(" ", "")


def extend(ctx: Any) -> None:
    system = ctx.system
    rnd = ctx.rnd
    for i, acc in enumerate(ctx.accounts):
        domain = f"customer{i + 1}.example"
        name, local = _person(rnd)
        actions.add_support_contact(
            system, acc, name=name, email=f"{local}@{domain}", role="administrator"
        )
        name, local = _person(rnd)
        actions.add_support_contact(
            system, acc, name=name, email=f"{local}.it@{domain}", role="site_admin"
        )
        if i % 3 == 0:
            actions.add_support_contact(
                system, acc, name="IT Helpdesk", email=f"helpdesk@{domain}", role="other"
            )
        for key in ("softphone", "meetings") if i % 2 == 0 else ("collaboration",):
            actions.set_integration(system, acc, key, enabled=True)
        if i % 4 == 0:
            actions.set_integration(system, acc, "single_sign_on", enabled=True)
            actions.set_integration(system, acc, "directory_sync", enabled=True)
        if i % 5 == 0:
            actions.set_integration(
                system, acc, "meetings", enabled=True, privileges={"allow_guest_access": False}
            )
            actions.set_call_services(system, acc, bandwidth_optimization=True)
        if i < 3:
            member = (
                Membership.objects.filter(organization=acc, role=Role.MEMBER)
                .select_related("user", "organization")
                .first()
            )
            if member is not None:
                subject, integration = REPORTS[i]
                actions.file_problem_report(
                    Actor.of(member),
                    acc,
                    subject=subject,
                    description="Reported by several colleagues since Monday morning.",
                    integration=integration,
                )
    if len(ctx.accounts) > 5:
        actions.deactivate_account(system, ctx.accounts[-1])
        actions.delete_account(system, ctx.accounts[-2])
