"""Who is acting: a user through one membership (or the system itself, for CLI and worker)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from channeldesk.tenancy.roles import Kind, Role

if TYPE_CHECKING:
    from channeldesk.identity.models import User
    from channeldesk.tenancy.models import Membership, Organization

SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class Actor:
    organization: Organization
    role: str
    user: User | None = None
    membership: Membership | None = None
    via_token: str | None = None

    @property
    def kind(self) -> str:
        return self.organization.kind

    @property
    def is_system(self) -> bool:
        return self.role == SYSTEM_ROLE

    @property
    def is_operator(self) -> bool:
        return self.kind == Kind.OPERATOR

    @property
    def is_partner(self) -> bool:
        return self.kind in (Kind.DISTRIBUTOR, Kind.RESELLER)

    @property
    def is_customer(self) -> bool:
        return self.kind == Kind.CUSTOMER

    @property
    def user_id(self) -> str | None:
        return self.user.id if self.user else None

    @property
    def label(self) -> str:
        return self.user.email if self.user else "system"

    @classmethod
    def of(cls, membership: Membership, *, via_token: str | None = None) -> Actor:
        return cls(
            organization=membership.organization,
            role=membership.role,
            user=membership.user,
            membership=membership,
            via_token=via_token,
        )

    @classmethod
    def system(cls) -> Actor:
        from channeldesk.tenancy.models import Organization

        operator = Organization.objects.get(kind=Kind.OPERATOR)
        return cls(organization=operator, role=SYSTEM_ROLE)


__all__ = ["SYSTEM_ROLE", "Actor", "Role"]
