"""Identity actions: login, invitations, passwords, memberships, API tokens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from channeldesk.audit.events import record
from channeldesk.core import throttle
from channeldesk.core.errors import Conflict, Forbidden, RateLimited, ValidationFailed
from channeldesk.core.statements import prepared
from channeldesk.identity import erasure
from channeldesk.identity.models import ApiToken, User, UserToken, hash_secret, normalize_email
from channeldesk.identity.signin import (  # re-exported: sign-in lives in signin.py
    LOGIN_FAILURES_PER_ACCOUNT as LOGIN_FAILURES_PER_ACCOUNT,
)
from channeldesk.identity.signin import (
    LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS as LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
)
from channeldesk.identity.signin import LOGIN_FAILURES_PER_ADDRESS as LOGIN_FAILURES_PER_ADDRESS
from channeldesk.identity.signin import LOGIN_WINDOW as LOGIN_WINDOW
from channeldesk.identity.signin import InvalidCredentials as InvalidCredentials
from channeldesk.identity.signin import login as login
from channeldesk.notifications.outbox import language_for, queue_email
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Membership, Organization
from channeldesk.tenancy.roles import Kind, Role, Status

INVITATION_LIFETIME = dt.timedelta(days=7)
RESET_LIFETIME = dt.timedelta(hours=1)
# Invitation e-mails a person may cause per hour (quality.md 16); onboarding's admin contacts
# are bounded by the draft and not counted.
INVITES_PER_HOUR = 50


def user_admin_action(org: Organization) -> str:
    """The permission needed to manage the users of `org`."""
    if org.kind == Kind.OPERATOR:
        return "operator_user.manage"
    if org.kind == Kind.CUSTOMER:
        return "account_user.manage"
    return "partner_user.manage"


def usable_memberships(user: User):
    """Memberships through which `user` may act: its organization is active (a deactivated or
    deleted organization's users cannot sign in)."""
    return (
        Membership.objects.filter(user=user, organization__status=Status.ACTIVE)
        .select_related("organization", "user")
        .order_by("created_at")
    )


def usable_membership_list(user: User) -> list[Membership]:
    """`usable_memberships(user)` as a list, by a statement compiled once: the web session
    resolves them on every request (identity.middleware)."""
    stmt = prepared(
        ("identity.usable_memberships",),
        lambda m: (
            Membership.objects.filter(user_id=m.user, organization__status=Status.ACTIVE)
            .select_related("organization")
            .order_by("created_at")
        ),
    )
    out = []
    for membership, organization in stmt.instances((Membership, Organization), user=user.id):
        membership.organization = organization
        membership.user = user
        out.append(membership)
    return out


def validate_new_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            " ".join(exc.messages), errors=[_field("password", m) for m in exc.messages]
        ) from None


def _field(name: str, message: str):
    from channeldesk.core.errors import FieldError

    return FieldError(name, str(message))


@transaction.atomic
def invite_user(
    actor: Actor,
    org: Organization,
    *,
    email: str,
    name: str,
    role: str,
    rate_limited: bool = True,
) -> Membership:
    """Give `email` a membership in `org` and e-mail a set-password link (7 days, single use)."""
    permissions.require(actor, user_admin_action(org), org)
    if rate_limited and actor.user_id:
        throttle.hit(
            f"invite:{actor.user_id}",
            limit=INVITES_PER_HOUR,
            window=3600,
            message=_("Too many invitations sent, try again later."),
        )
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed.field("email", _("Enter a valid e-mail address.")) from None
    if role not in permissions.grantable_roles(actor, org):
        raise ValidationFailed.field("role", _("This role cannot be given here."))
    name = (name or "").strip()[:200]
    already = _("This person is already a user of this organization.")
    try:
        # A savepoint: two concurrent invitations of the same address must end in one user
        # and one membership, the other request answering 409 (not a 500).
        with transaction.atomic():
            user = User.objects.filter(email=email).first()
            created = user is None
            if user is None:
                user = User.objects.create_user(email=email, name=name)
            if Membership.objects.filter(user=user, organization=org).exists():
                raise Conflict(already)
            membership = Membership.objects.create(user=user, organization=org, role=role)
            if user.removed_at is not None:  # invited back within the restore window
                user.removed_at = None
                user.save(update_fields=["removed_at"])
    except IntegrityError:
        raise Conflict(already) from None
    record(
        actor,
        "user.invited",
        organization=org,
        target=membership,
        changes={"email": email, "role": role, "new_user": created},
    )
    _send_access_email(user, org, invited_by=actor, template="invitation")
    return membership


def _send_access_email(
    user: User, org: Organization, *, invited_by: Actor | None, template: str
) -> None:
    if user.has_usable_password() and template == "invitation":
        template = "added_to_organization"
        link = f"{settings.BASE_URL}/auth/login"
    else:
        raw = UserToken.issue(user, UserToken.Purpose.INVITATION, INVITATION_LIFETIME)
        link = f"{settings.BASE_URL}/auth/set-password?token={raw}"
    queue_email(
        to=user.email,
        template=template,
        context={
            "user": user,
            "organization": org.name,
            "inviter": invited_by.user.display_name if invited_by and invited_by.user else "",
            "link": link,
        },
        language=language_for(user, org),
        organization=org,
    )


def invite_existing(user: User, org: Organization, actor: Actor | None) -> None:
    """(Re)send the invitation e-mail of a user who just got a membership elsewhere in code
    (onboarding admins, customer-managed subscription contacts)."""
    _send_access_email(user, org, invited_by=actor, template="invitation")


@transaction.atomic
def set_password_with_token(raw_token: str, password: str, name: str = "") -> User:
    now = timezone.now()
    token = (
        UserToken.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=hash_secret(raw_token or ""), used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None:
        raise ValidationFailed.field("token", _("This link is invalid or has expired."))
    user = token.user
    validate_new_password(password, user)
    user.set_password(password)
    user.password_changed_at = now
    if name.strip():
        user.name = name.strip()[:200]
    user.save()
    token.used_at = now
    token.save(update_fields=["used_at"])
    # Every other outstanding token of the user dies with this one.
    UserToken.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    membership = usable_memberships(user).first()
    record(
        Actor.of(membership) if membership else None,
        "user.password_set",
        organization=membership.organization if membership else None,
        target=user,
        changes={"password": "changed", "via": token.purpose},
    )
    return user


def request_password_reset(email: str, ip: str = "") -> None:
    """Always succeeds from the caller's view; e-mails a 1-hour link to an existing user."""
    email = normalize_email(email)
    try:
        throttle.hit(f"reset:{email}", limit=3, window=3600)
        throttle.hit(f"reset-ip:{ip}", limit=20, window=3600)
    except RateLimited:
        return
    with transaction.atomic():
        user = User.objects.filter(email=email, is_active=True).first()
        membership = usable_memberships(user).first() if user else None
        if user is None or membership is None:
            return
        raw = UserToken.issue(user, UserToken.Purpose.RESET, RESET_LIFETIME)
        queue_email(
            to=user.email,
            template="password_reset",
            context={"user": user, "link": f"{settings.BASE_URL}/auth/set-password?token={raw}"},
            language=language_for(user, membership.organization),
            organization=membership.organization,
        )
        record(
            None, "user.password_reset_requested", organization=membership.organization, target=user
        )


@transaction.atomic
def change_password(actor: Actor, current: str, new: str) -> User:
    user = actor.user
    assert user is not None
    if not user.check_password(current):
        raise ValidationFailed.field("current_password", _("The current password is wrong."))
    validate_new_password(new, user)
    user.set_password(new)
    user.password_changed_at = timezone.now()
    user.save()
    record(
        actor,
        "user.password_changed",
        organization=actor.organization,
        target=user,
        changes={"password": "changed"},
    )
    return user


@transaction.atomic
def update_profile(actor: Actor, *, name: str | None = None, language: str | None = None) -> User:
    user = actor.user
    assert user is not None
    before = {"name": user.name, "language": user.language}
    if name is not None:
        user.name = name.strip()[:200]
    if language is not None:
        if language and language not in dict(settings.LANGUAGES):
            raise ValidationFailed.field("language", _("Unknown language."))
        user.language = language
    user.save(update_fields=["name", "language"])
    record(
        actor,
        "user.profile_changed",
        organization=actor.organization,
        target=user,
        changes=_diff(before, {"name": user.name, "language": user.language}),
    )
    return user


def _diff(before, after):
    from channeldesk.audit.events import diff

    return diff(before, after)


@transaction.atomic
def change_role(actor: Actor, membership: Membership, role: str) -> Membership:
    org = membership.organization
    permissions.require(actor, user_admin_action(org), org)
    if role not in permissions.grantable_roles(actor, org):
        raise ValidationFailed.field("role", _("This role cannot be given here."))
    if membership.user_id == actor.user_id:
        raise Conflict(_("You cannot change your own role."))
    before = membership.role
    _keep_one_admin(membership, new_role=role)
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        actor,
        "user.role_changed",
        organization=org,
        target=membership,
        changes={"role": {"before": before, "after": role}},
    )
    return membership


def _keep_one_admin(membership: Membership, new_role: str | None) -> None:
    admin_roles = {Role.OPERATOR_ADMIN, Role.PARTNER_ADMIN, Role.ACCOUNT_ADMIN}
    if membership.role in admin_roles and new_role != membership.role:
        others = Membership.objects.filter(
            organization=membership.organization, role=membership.role
        ).exclude(id=membership.id)
        if not others.exists() and membership.organization.kind != Kind.CUSTOMER:
            raise Conflict(_("An organization keeps at least one administrator."))


@transaction.atomic
def remove_membership(actor: Actor, membership: Membership) -> None:
    org = membership.organization
    permissions.require(actor, user_admin_action(org), org)
    if membership.user_id == actor.user_id:
        raise Conflict(_("You cannot remove yourself."))
    _keep_one_admin(membership, new_role=None)
    record(
        actor,
        "user.removed",
        organization=org,
        target=membership,
        changes={"email": membership.user.email, "role": membership.role},
    )
    ApiToken.objects.filter(membership=membership).update(revoked_at=timezone.now())
    membership.delete()
    # Their last membership: soft-deleted, erased after 30 days unless invited again.
    erasure.mark_if_unattached(membership.user)


@transaction.atomic
def create_token(actor: Actor, *, name: str, expires_in_days: int | None) -> tuple[ApiToken, str]:
    permissions.require(actor, "token.manage")
    if actor.membership is None:
        raise Forbidden(_("Only users can create tokens."))
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed.field("name", _("Give the token a name of 1 to 100 characters."))
    if expires_in_days is not None and not 1 <= expires_in_days <= 730:
        raise ValidationFailed.field("expires_in_days", _("Must be between 1 and 730 days."))
    raw, digest = ApiToken.generate()
    try:
        token = ApiToken.objects.create(
            membership=actor.membership,
            name=name,
            token_hash=digest,
            hint=raw[-4:],
            expires_at=(timezone.now() + dt.timedelta(days=expires_in_days))
            if expires_in_days
            else None,
        )
    except IntegrityError:  # pragma: no cover - 256-bit collision
        raise Conflict("retry") from None
    record(
        actor,
        "token.created",
        organization=actor.organization,
        target=token,
        changes={"name": name},
    )
    return token, raw


@transaction.atomic
def revoke_token(actor: Actor, token: ApiToken) -> ApiToken:
    permissions.require(actor, "token.manage")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor, "token.revoked", organization=token.membership.organization, target=token)
    return token


def actor_for_token(raw: str) -> Actor | None:
    """The actor behind a bearer token, or None (revoked, expired, inactive organization)."""
    if not raw.startswith(ApiToken.PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("membership__organization", "membership__user")
        .filter(token_hash=hash_secret(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_valid:
        return None
    m = token.membership
    if not m.user.is_active or m.organization.status != Status.ACTIVE:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        # At most one write a minute per token: last-used time without a write per request.
        ApiToken.objects.filter(id=token.id).update(last_used_at=now)
    return Actor.of(m, via_token=token.id)
