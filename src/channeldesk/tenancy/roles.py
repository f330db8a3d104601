"""Organization kinds and the roles a membership can hold in each (product.md §1-2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    DISTRIBUTOR = "distributor", _("Distributor")
    RESELLER = "reseller", _("Reseller")
    CUSTOMER = "customer", _("Customer account")


class Role(models.TextChoices):
    OPERATOR_ADMIN = "operator_admin", _("Operator admin")
    OPERATOR_SUPPORT = "operator_support", _("Operator support")
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    PARTNER_AGENT = "partner_agent", _("Partner agent")
    ACCOUNT_ADMIN = "account_admin", _("Account admin")
    SITE_ADMIN = "site_admin", _("Site admin")
    MEMBER = "member", _("Member")


PARTNER_KINDS = (Kind.DISTRIBUTOR, Kind.RESELLER)

ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    Kind.OPERATOR: (Role.OPERATOR_ADMIN, Role.OPERATOR_SUPPORT),
    Kind.DISTRIBUTOR: (Role.PARTNER_ADMIN, Role.PARTNER_AGENT),
    Kind.RESELLER: (Role.PARTNER_ADMIN, Role.PARTNER_AGENT),
    Kind.CUSTOMER: (Role.ACCOUNT_ADMIN, Role.SITE_ADMIN, Role.MEMBER),
}

# Rank inside one organization: nobody grants a role ranked above their own (quality.md 5).
ROLE_RANK: dict[str, int] = {
    Role.OPERATOR_ADMIN: 100,
    Role.OPERATOR_SUPPORT: 50,
    Role.PARTNER_ADMIN: 90,
    Role.PARTNER_AGENT: 60,
    Role.ACCOUNT_ADMIN: 80,
    Role.SITE_ADMIN: 40,
    Role.MEMBER: 10,
}


class Status(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    DEACTIVATED = "deactivated", _("Deactivated")
    DELETED = "deleted", _("Deleted")
