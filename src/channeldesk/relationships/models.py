"""Partner invitations, the history of partner links, and account<->partner conversations
(product.md §6, seed 003).

An invitation always asks for one move in the tree: `account` (a customer account, or a
reseller asking a distributor) goes under `partner`. Either side may issue it; the other side
responds. `issuer` and `recipient` are those two organizations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from channeldesk.core.models import IdField


class Direction(models.TextChoices):
    # The customer account asks a reseller to become its partner.
    ACCOUNT_TO_PARTNER = "account_to_partner", _("Account asks partner")
    # A reseller offers to become an existing account's partner.
    PARTNER_TO_ACCOUNT = "partner_to_account", _("Partner invites account")
    # A reseller asks a distributor to take it on ("become a reseller of this dealer").
    RESELLER_TO_DISTRIBUTOR = "reseller_to_distributor", _("Reseller asks distributor")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", pgettext_lazy("invitation", "Cancelled")
    EXPIRED = "expired", _("Expired")


class PartnerInvitation(models.Model):
    id = IdField()
    direction = models.CharField(max_length=30, choices=Direction.choices)
    account = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="partner_invitations"
    )
    partner = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="received_partner_asks"
    )
    issuer = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField()
    send_count = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Visible to both parties; see relationships.queries.invitations (two tenants per row).
    tenant_field = "issuer"

    class Meta:
        constraints = [
            # One pending invitation per account at a time (quality.md 19): the database
            # enforces it, so concurrent sends cannot both win.
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(status="pending"),
                name="partner_invitation_one_pending",
            )
        ]
        indexes = [
            models.Index(fields=["issuer", "status", "id"], name="pinv_issuer"),
            models.Index(fields=["recipient", "status", "id"], name="pinv_recipient"),
            models.Index(fields=["status", "expires_at"], name="pinv_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} -> {self.partner_id} ({self.status})"


class PartnerLink(models.Model):
    """History of who managed an account (or which distributor a reseller sat under): one row
    per relationship; the open one has no `ended_at`."""

    id = IdField()
    account = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="partner_links"
    )
    partner = models.ForeignKey("tenancy.Organization", on_delete=models.PROTECT, related_name="+")
    previous_partner = models.ForeignKey(
        "tenancy.Organization", null=True, on_delete=models.PROTECT, related_name="+"
    )
    invitation = models.ForeignKey(
        PartnerInvitation, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    tenant_field = "account"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(ended_at__isnull=True),
                name="partner_link_one_open",
            )
        ]
        indexes = [models.Index(fields=["account", "id"], name="plink_account")]


class Conversation(models.Model):
    """The thread between a customer account and its partner."""

    id = IdField()
    account = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="conversations"
    )
    partner = models.ForeignKey("tenancy.Organization", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "account"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "partner"], name="conversation_unique")
        ]
        indexes = [models.Index(fields=["partner", "id"], name="conversation_partner")]


class Message(models.Model):
    id = IdField()
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "conversation__account"

    class Meta:
        indexes = [models.Index(fields=["conversation", "id"], name="message_conversation")]
