"""Who a command acts as: the platform itself (the system actor), or a user's membership
given by e-mail (`--as`), so that the command is held to that user's reach and rights."""

from __future__ import annotations

from django.core.management.base import CommandError

from channeldesk.tenancy.actor import Actor


def command_actor(email: str | None) -> Actor:
    if not email:
        return Actor.system()
    from channeldesk.identity.actions import usable_memberships
    from channeldesk.identity.models import User, normalize_email

    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    membership = usable_memberships(user).first() if user else None
    if membership is None:
        raise CommandError(f"no active user {email}")
    return Actor.of(membership)
