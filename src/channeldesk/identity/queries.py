from __future__ import annotations

from django.db.models import QuerySet

from channeldesk.identity.models import ApiToken
from channeldesk.tenancy import reach
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization


def user_of_token(raw: str):
    """The user an unused, unexpired e-mail token belongs to (None otherwise)."""
    from django.utils import timezone

    from channeldesk.identity.models import UserToken, hash_secret

    if not raw or len(raw) > 200:
        return None
    row = (
        UserToken.objects.select_related("user")
        .filter(token_hash=hash_secret(raw), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    return row.user if row else None


def own_tokens(actor: Actor) -> QuerySet[ApiToken]:
    return reach.visible(actor, ApiToken).filter(membership=actor.membership)


def memberships_of(actor: Actor, org: Organization) -> QuerySet[Membership]:
    return reach.visible(actor, Membership).filter(organization=org).select_related("user")


def org_user_row(m: Membership) -> dict:
    return {
        "id": m.user.id,
        "email": m.user.email,
        "name": m.user.name,
        "role": m.role,
        "membership_id": m.id,
        "created_at": m.created_at,
    }


def personal_data(user) -> dict:
    """Everything stored about `user` as a person (quality.md 22), machine-readable.

    Only the user's own data: their profile, memberships, tokens (never the secret), in-app
    notifications, e-mails sent to them, and the audit events they caused."""
    from channeldesk.audit.models import AuditEvent
    from channeldesk.notifications.models import Notification, OutboxEmail

    def iso(v):
        return v.isoformat() if v else None

    memberships = Membership.objects.filter(user=user).select_related("organization")
    return {
        "format": "channeldesk.personal-data/1",
        "user": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "created_at": iso(user.created_at),
            "password_changed_at": iso(user.password_changed_at),
        },
        "memberships": [
            {
                "id": m.id,
                "organization": {"id": m.organization.id, "name": m.organization.name},
                "role": m.role,
                "created_at": iso(m.created_at),
            }
            for m in memberships
        ],
        "api_tokens": [
            {
                "id": t.id,
                "name": t.name,
                "created_at": iso(t.created_at),
                "expires_at": iso(t.expires_at),
                "last_used_at": iso(t.last_used_at),
                "revoked_at": iso(t.revoked_at),
            }
            for t in ApiToken.objects.filter(membership__user=user).order_by("id")
        ],
        "notifications": [
            {"id": n.id, "kind": n.kind, "text": n.text, "created_at": iso(n.created_at)}
            for n in Notification.objects.filter(user=user).order_by("id")[:10000]
        ],
        "emails": [
            {"id": e.id, "subject": e.subject, "status": e.status, "created_at": iso(e.created_at)}
            for e in OutboxEmail.objects.filter(to=user.email).order_by("id")[:10000]
        ],
        "activity": [
            {
                "id": e.id,
                "at": iso(e.at),
                "action": e.action,
                "target_type": e.target_type,
                "target_id": e.target_id,
                "ip": e.ip,
            }
            for e in AuditEvent.objects.filter(actor_user_id=user.id).order_by("id")[:10000]
        ],
    }
