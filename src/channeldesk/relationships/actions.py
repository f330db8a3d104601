"""Partner relationship changes and conversation messages (product.md §6).

Each function is one action: one transaction holding the rows, the audit event, the in-app
notifications and the queued e-mails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channeldesk.audit.events import record
from channeldesk.core import throttle
from channeldesk.core.errors import Conflict, Forbidden, RateLimited, ValidationFailed
from channeldesk.identity.models import User
from channeldesk.notifications.actions import notify
from channeldesk.notifications.models import Notification
from channeldesk.notifications.outbox import language_for, queue_email
from channeldesk.relationships.models import (
    Conversation,
    Direction,
    InvitationStatus,
    Message,
    PartnerInvitation,
    PartnerLink,
)
from channeldesk.relationships.queries import unread_filter
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actions import move_organization
from channeldesk.tenancy.actor import Actor
from channeldesk.tenancy.models import Organization
from channeldesk.tenancy.roles import Kind, Role, Status

INVITATION_LIFETIME = dt.timedelta(days=30)
RESEND_INTERVAL = dt.timedelta(hours=1)
SENDS_PER_HOUR = 20
MESSAGE_MAX = 5000

# Who speaks for an organization in a relationship: they get its notifications and e-mails.
SPOKESPEOPLE: dict[str, tuple[str, ...]] = {
    Kind.CUSTOMER: (Role.ACCOUNT_ADMIN,),
    Kind.RESELLER: (Role.PARTNER_ADMIN, Role.PARTNER_AGENT),
    Kind.DISTRIBUTOR: (Role.PARTNER_ADMIN, Role.PARTNER_AGENT),
}


class Text:
    """A notification text rendered in each recipient's language (notify() calls str() on it
    inside translation.override)."""

    def __init__(self, message: Any, **values: Any):
        self.message, self.values = message, values

    def __str__(self) -> str:
        return str(self.message) % self.values


def spokespeople(org: Organization) -> list[User]:
    roles = SPOKESPEOPLE.get(org.kind, ())
    return list(
        User.objects.filter(
            memberships__organization=org, memberships__role__in=roles, is_active=True
        ).order_by("id")
    )


def requests_link(tab: str) -> str:
    return f"/notifications/requests/?tab={tab}"


def _tell(
    org: Organization,
    *,
    kind: str,
    text: Text,
    template: str,
    context: dict[str, Any],
    link: str,
    email: bool = True,
) -> None:
    """In-app notification and (optionally) an e-mail, in each recipient's language."""
    users = spokespeople(org)
    notify(users, organization=org, kind=kind, text=text, link=link)
    if not email:
        return
    for user in users:
        queue_email(
            to=user.email,
            template=template,
            context={**context, "user": user, "link": f"{settings.BASE_URL}{link}"},
            language=language_for(user, org),
            organization=org,
        )


def _speak_for(actor: Actor, org: Organization, action: str) -> None:
    """Only the organization's own people answer or manage its side of an invitation."""
    permissions.require(actor, action, org)
    if not actor.is_system and actor.organization.id != org.id:
        raise Forbidden(_("Only %(org)s can do this.") % {"org": org.name})


def _locked(invitation: PartnerInvitation) -> PartnerInvitation:
    return (
        PartnerInvitation.objects.select_for_update()
        .select_related("account", "partner", "issuer", "recipient")
        .get(pk=invitation.pk)
    )


def _require_pending(inv: PartnerInvitation, now: dt.datetime) -> None:
    if inv.status == InvitationStatus.PENDING and inv.expires_at <= now:
        _expire(inv, now)
    if inv.status != InvitationStatus.PENDING:
        raise Conflict(
            _("This invitation is %(status)s.") % {"status": inv.get_status_display().lower()}
        )


def _context(inv: PartnerInvitation) -> dict[str, Any]:
    return {
        "account": inv.account.name,
        "partner": inv.partner.name,
        "issuer": inv.issuer.name,
        "recipient": inv.recipient.name,
        "direction": inv.direction,
        "expires_at": inv.expires_at,
    }


def _invite_text(inv: PartnerInvitation) -> Text:
    if inv.direction == Direction.ACCOUNT_TO_PARTNER:
        return Text(
            gettext_lazy("%(issuer)s asks you to become its partner."), issuer=inv.issuer.name
        )
    if inv.direction == Direction.PARTNER_TO_ACCOUNT:
        return Text(
            gettext_lazy("%(issuer)s offers to become your partner."), issuer=inv.issuer.name
        )
    return Text(
        gettext_lazy("%(issuer)s asks to become one of your resellers."), issuer=inv.issuer.name
    )


@transaction.atomic
def send_invitation(
    actor: Actor, *, partner: Organization | None = None, account: Organization | None = None
) -> PartnerInvitation:
    """Ask for a new partner link.

    `partner=`: the actor's organization asks to go under `partner` (a customer account asks a
    reseller; a reseller asks a distributor, "become a reseller of this dealer").
    `account=`: the actor's reseller offers to become the partner of an existing account.
    One pending invitation per account at a time; a second one is a Conflict (409).
    """
    if (partner is None) == (account is None):
        raise ValidationFailed.field("partner_id", _("Give either partner_id or account_id."))
    own = actor.organization
    permissions.require(actor, "invitation.issue", own)
    if partner is not None:
        account = own
        if own.kind == Kind.CUSTOMER and partner.kind == Kind.RESELLER:
            direction = Direction.ACCOUNT_TO_PARTNER
        elif own.kind == Kind.RESELLER and partner.kind == Kind.DISTRIBUTOR:
            direction = Direction.RESELLER_TO_DISTRIBUTOR
        elif own.kind == Kind.CUSTOMER:
            raise ValidationFailed.field("partner_id", _("Choose a reseller."))
        elif own.kind == Kind.RESELLER:
            raise ValidationFailed.field("partner_id", _("Choose a distributor."))
        else:
            raise ValidationFailed.field(
                "partner_id", _("Only customer accounts and resellers ask for a partner.")
            )
        issuer, recipient = own, partner
    else:
        assert account is not None
        if own.kind != Kind.RESELLER:
            raise ValidationFailed.field(
                "account_id", _("Only resellers invite customer accounts.")
            )
        if account.kind != Kind.CUSTOMER:
            raise ValidationFailed.field("account_id", _("Choose a customer account."))
        direction = Direction.PARTNER_TO_ACCOUNT
        partner, issuer, recipient = own, own, account
    if partner.status != Status.ACTIVE or account.status != Status.ACTIVE:
        raise Conflict(_("Only active organizations can be linked."))
    if actor.user_id:
        throttle.hit(
            f"partner-invitation-send:{actor.user_id}",
            limit=SENDS_PER_HOUR,
            window=3600,
            message=_("Too many invitations sent, try again later."),
        )
    # Serialize senders for this account: the row lock (and on SQLite the write transaction)
    # makes the check below and the insert atomic; the partial unique index backs it up.
    account = Organization.objects.select_for_update().get(pk=account.pk)
    if account.parent_id == partner.id:
        raise Conflict(_("%(partner)s is already the partner.") % {"partner": partner.name})
    now = timezone.now()
    for stale in PartnerInvitation.objects.select_for_update().filter(
        account=account, status=InvitationStatus.PENDING, expires_at__lte=now
    ):
        _expire(stale, now)
    if PartnerInvitation.objects.filter(account=account, status=InvitationStatus.PENDING).exists():
        raise Conflict(_("There is already a pending invitation for this account."))
    try:
        with transaction.atomic():
            inv = PartnerInvitation.objects.create(
                direction=direction,
                account=account,
                partner=partner,
                issuer=issuer,
                recipient=recipient,
                issued_by=actor.user,
                last_sent_at=now,
                expires_at=now + INVITATION_LIFETIME,
            )
    except IntegrityError:
        raise Conflict(_("There is already a pending invitation for this account.")) from None
    record(
        actor,
        "invitation.sent",
        organization=issuer,
        target=inv,
        changes={
            "direction": direction,
            "account_id": account.id,
            "partner_id": partner.id,
            "recipient_id": recipient.id,
        },
    )
    _tell(
        recipient,
        kind="invitation.sent",
        text=_invite_text(inv),
        template="partner_invitation_received",
        context=_context(inv),
        link=requests_link("received"),
    )
    return inv


@transaction.atomic
def resend_invitation(actor: Actor, invitation: PartnerInvitation) -> PartnerInvitation:
    """Send the invitation again (at most once per RESEND_INTERVAL: RateLimited otherwise)."""
    inv = _locked(invitation)
    _speak_for(actor, inv.issuer, "invitation.issue")
    now = timezone.now()
    _require_pending(inv, now)
    wait = inv.last_sent_at + RESEND_INTERVAL - now
    if wait > dt.timedelta(0):
        raise RateLimited(
            _("The invitation was sent recently; you can resend it later."),
            retry_after=int(wait.total_seconds()) + 1,
        )
    inv.last_sent_at = now
    inv.send_count += 1
    inv.save(update_fields=["last_sent_at", "send_count"])
    record(
        actor,
        "invitation.resent",
        organization=inv.issuer,
        target=inv,
        changes={"send_count": inv.send_count},
    )
    _tell(
        inv.recipient,
        kind="invitation.resent",
        text=_invite_text(inv),
        template="partner_invitation_received",
        context=_context(inv),
        link=requests_link("received"),
    )
    return inv


@transaction.atomic
def cancel_invitation(actor: Actor, invitation: PartnerInvitation) -> PartnerInvitation:
    inv = _locked(invitation)
    _speak_for(actor, inv.issuer, "invitation.issue")
    now = timezone.now()
    _require_pending(inv, now)
    _close(inv, InvitationStatus.CANCELLED, actor, now)
    record(
        actor,
        "invitation.cancelled",
        organization=inv.issuer,
        target=inv,
        changes={"status": {"before": "pending", "after": "cancelled"}},
    )
    _tell(
        inv.recipient,
        kind="invitation.cancelled",
        text=Text(gettext_lazy("%(issuer)s withdrew its invitation."), issuer=inv.issuer.name),
        template="",
        context={},
        link=requests_link("received"),
        email=False,
    )
    return inv


@transaction.atomic
def decline_invitation(actor: Actor, invitation: PartnerInvitation) -> PartnerInvitation:
    inv = _locked(invitation)
    _speak_for(actor, inv.recipient, "invitation.respond")
    now = timezone.now()
    _require_pending(inv, now)
    _close(inv, InvitationStatus.DECLINED, actor, now)
    record(
        actor,
        "invitation.declined",
        organization=inv.recipient,
        target=inv,
        changes={"status": {"before": "pending", "after": "declined"}},
    )
    _tell(
        inv.issuer,
        kind="invitation.declined",
        text=Text(
            gettext_lazy("%(recipient)s declined your invitation."), recipient=inv.recipient.name
        ),
        template="partner_invitation_declined",
        context=_context(inv),
        link=requests_link("issued"),
    )
    return inv


@transaction.atomic
def accept_invitation(actor: Actor, invitation: PartnerInvitation) -> PartnerInvitation:
    """Make the link: in one transaction the account moves under the partner (the previous
    partner loses access at once), the previous link ends and the new one starts (history
    kept), both sides are told in-app and by e-mail, and it is all audited."""
    inv = _locked(invitation)
    _speak_for(actor, inv.recipient, "invitation.respond")
    now = timezone.now()
    _require_pending(inv, now)
    account, partner = inv.account, inv.partner
    if account.status != Status.ACTIVE or partner.status != Status.ACTIVE:
        raise Conflict(_("Only active organizations can be linked."))
    previous = Organization.objects.get(pk=account.parent_id) if account.parent_id else None
    move_organization(actor, account, partner)
    PartnerLink.objects.filter(account=account, ended_at__isnull=True).update(
        ended_at=now, ended_by=actor.user
    )
    PartnerLink.objects.create(
        account=account,
        partner=partner,
        previous_partner=previous,
        invitation=inv,
        started_at=now,
        started_by=actor.user,
    )
    _close(inv, InvitationStatus.ACCEPTED, actor, now)
    if account.kind == Kind.CUSTOMER:
        Conversation.objects.get_or_create(account=account, partner=partner)
        # Its subscriptions move with it: billed to the new partner from today on.
        from channeldesk.subscriptions.actions import follow_partner_change

        follow_partner_change(actor, account, previous, partner)
    record(
        actor,
        "invitation.accepted",
        organization=inv.recipient,
        target=inv,
        changes={
            "account_id": account.id,
            "partner": {"before": previous.id if previous else None, "after": partner.id},
        },
    )
    text = Text(
        gettext_lazy("%(partner)s is now the partner of %(account)s."),
        partner=partner.name,
        account=account.name,
    )
    for side, tab in ((inv.issuer, "issued"), (inv.recipient, "received")):
        _tell(
            side,
            kind="invitation.accepted",
            text=text,
            template="partner_invitation_accepted",
            context=_context(inv),
            link=requests_link(tab),
        )
    if previous is not None and previous.kind in (Kind.RESELLER, Kind.DISTRIBUTOR):
        notify(
            spokespeople(previous),
            organization=previous,
            kind="account.partner_changed",
            text=Text(gettext_lazy("%(account)s moved to another partner."), account=account.name),
        )
    return inv


def _close(inv: PartnerInvitation, status: str, actor: Actor | None, now: dt.datetime) -> None:
    inv.status = status
    inv.responded_at = now
    inv.responded_by = actor.user if actor else None
    inv.save(update_fields=["status", "responded_at", "responded_by"])


def _expire(inv: PartnerInvitation, now: dt.datetime) -> None:
    _close(inv, InvitationStatus.EXPIRED, None, now)
    record(
        None,
        "invitation.expired",
        organization=inv.issuer,
        target=inv,
        changes={"status": {"before": "pending", "after": "expired"}},
    )
    notify(
        spokespeople(inv.issuer),
        organization=inv.issuer,
        kind="invitation.expired",
        text=Text(
            gettext_lazy("Your invitation to %(recipient)s expired."),
            recipient=inv.recipient.name,
        ),
        link=requests_link("issued"),
    )


def expire_invitations(now: dt.datetime | None = None, batch: int = 500) -> int:
    """The periodic job: pending invitations older than 30 days become expired (each in its
    own transaction, so a large backlog neither holds locks long nor loses progress)."""
    now = now or timezone.now()
    done = 0
    while True:
        ids = list(
            PartnerInvitation.objects.filter(
                status=InvitationStatus.PENDING, expires_at__lte=now
            ).values_list("id", flat=True)[:batch]
        )
        if not ids:
            return done
        for inv_id in ids:
            with transaction.atomic():
                inv = (
                    PartnerInvitation.objects.select_for_update()
                    .select_related("issuer", "recipient")
                    .filter(id=inv_id, status=InvitationStatus.PENDING, expires_at__lte=now)
                    .first()
                )
                if inv is not None:
                    _expire(inv, now)
                    done += 1


# ---- conversations -------------------------------------------------------------------------


@transaction.atomic
def open_conversation(actor: Actor, account: Organization) -> Conversation:
    """The conversation between `account` and its current partner (created on first use)."""
    _side(actor, account, account.parent)
    partner = account.parent
    if partner is None or partner.kind not in (Kind.RESELLER, Kind.DISTRIBUTOR):
        raise Conflict(_("This account has no partner to talk to."))
    conversation, _created = Conversation.objects.get_or_create(account=account, partner=partner)
    return conversation


def _side(actor: Actor, account: Organization, partner: Organization | None) -> Organization:
    """The side the actor speaks for; Forbidden for anyone else (operators read only)."""
    own = actor.organization
    permissions.require(actor, "conversation.post", own)
    if (
        actor.is_operator
        or actor.is_system
        or own.id not in (account.id, getattr(partner, "id", None))
    ):
        raise Forbidden(_("Only the account and its partner take part in the conversation."))
    return own


@transaction.atomic
def post_message(actor: Actor, conversation: Conversation, text: str) -> Message:
    """Store a message; the other side's people get an in-app notification and an e-mail."""
    conversation = (
        Conversation.objects.select_for_update()
        .select_related("account", "partner")
        .get(pk=conversation.pk)
    )
    account, partner = conversation.account, conversation.partner
    if account.parent_id != partner.id:
        raise Conflict(_("This partner no longer manages the account."))
    own = _side(actor, account, partner)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed.field("text", _("Write a message."))
    if len(text) > MESSAGE_MAX:
        raise ValidationFailed.field("text", _("At most %(n)d characters.") % {"n": MESSAGE_MAX})
    if actor.user_id:
        throttle.hit(
            f"conversation-post:{actor.user_id}",
            limit=60,
            window=3600,
            message=_("Too many messages, try again later."),
        )
    message = Message.objects.create(
        conversation=conversation, author=actor.user, author_organization=own, text=text
    )
    conversation.last_message_at = message.created_at
    conversation.save(update_fields=["last_message_at"])
    if actor.user is not None:
        # Answering a thread means having read it: its notifications stop counting as unread.
        Notification.objects.filter(
            unread_filter(conversation), user=actor.user, read_at__isnull=True
        ).update(read_at=message.created_at)
    record(
        actor,
        "conversation.message_posted",
        organization=account,
        target=message,
        changes={"conversation_id": conversation.id, "length": len(text)},
    )
    other = partner if own.id == account.id else account
    link = f"/conversations/{conversation.id}/"
    _tell(
        other,
        kind="conversation.message_posted",
        text=Text(gettext_lazy("New message from %(org)s"), org=own.name),
        template="partner_conversation_message",
        context={
            "sender": own.name,
            "author": actor.user.display_name if actor.user else own.name,
            "text": text,
            "account": account.name,
        },
        link=link,
    )
    return message


@transaction.atomic
def mark_thread_read(actor: Actor, conversation: Conversation) -> int:
    """Opening a thread reads it: the actor's notifications of its messages stop counting as
    unread. Only the actor's own notifications change (no audit event: reading is nobody
    else's business, like marking a notification read)."""
    if actor.user is None:
        return 0
    return Notification.objects.filter(
        unread_filter(conversation),
        user=actor.user,
        organization=actor.organization,
        read_at__isnull=True,
    ).update(read_at=timezone.now())
