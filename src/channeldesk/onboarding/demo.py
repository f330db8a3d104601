"""Demo data: two onboardings in progress on the first reseller's dashboard."""

from __future__ import annotations

from channeldesk.onboarding import actions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership
from channeldesk.tenancy.roles import Role


def extend(ctx) -> None:
    if not ctx.resellers:
        return
    reseller = ctx.resellers[0]
    m = Membership.objects.filter(
        organization=reseller, role__in=(Role.PARTNER_ADMIN, Role.PARTNER_AGENT)
    ).first()
    if m is None:
        return
    actor = Actor.of(m)
    gateway = actions.start_onboarding(actor, platform="cloud_gateway")
    actions.save_step(
        actor,
        gateway,
        "customer",
        {
            "name": "Tischlerei Brandt GmbH",
            "street": "Holzweg 12",
            "postal_code": "50667",
            "city": "Köln",
            "country": "DE",
            "default_language": "de",
            "business_type": "manufacturing",
            "domains": ["tischlerei-brandt.example"],
            "admin_contacts": [{"name": "Jana Brandt", "email": "jana.brandt@tischlerei.example"}],
            "support_contacts": [
                {"name": "Jonas Keller", "email": "it@tischlerei.example", "role": "administrator"},
                {
                    "name": "Jana Brandt",
                    "email": "jana.brandt@tischlerei.example",
                    "role": "site_admin",
                },
            ],
        },
    )
    actions.save_step(
        actor,
        gateway,
        "pbx",
        {"pbx_type": "mivoice_office_400", "name": "Werkstatt", "software_version": "7.2 SP1"},
    )
    sync = actions.start_onboarding(actor, platform="smb_sync")
    actions.save_step(
        actor,
        sync,
        "customer",
        {
            "name": "Huisartsenpraktijk De Linde",
            "street": "Lindelaan 4",
            "postal_code": "3511 AB",
            "city": "Utrecht",
            "country": "NL",
            "default_language": "nl",
            "business_type": "healthcare",
            "support_contacts": [
                {"name": "Sanne de Vries", "email": "sanne@delinde.example", "role": "other"},
            ],
        },
        partial=True,  # saved with the Site admin/Administrator contacts still missing
    )
