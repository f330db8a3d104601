"""Every foundation action writes exactly one audit event, named after what happened."""

from __future__ import annotations

import datetime as dt

import pytest

from channeldesk.audit import actions as audit_actions
from channeldesk.audit.models import AuditEvent, Webhook
from channeldesk.identity import actions as identity_actions
from channeldesk.identity.models import UserToken
from channeldesk.tenancy import actions as tenancy_actions
from channeldesk.tenancy.roles import Kind, Status
from tests.factories import PASSWORD


def _invite(w):
    identity_actions.invite_user(
        w.actor("partner_admin"),
        w.a.reseller,
        email="n@example.test",
        name="",
        role="partner_agent",
    )


def _token_revoke(w):
    token, _ = identity_actions.create_token(
        w.actor("partner_admin"), name="t", expires_in_days=None
    )
    return lambda: identity_actions.revoke_token(w.actor("partner_admin"), token)


def _password_set(w):
    raw = UserToken.issue(w.members["member"].user, UserToken.Purpose.RESET, dt.timedelta(hours=1))
    return lambda: identity_actions.set_password_with_token(raw, "a new long passphrase")


def _webhook_delete(w):
    hook = audit_actions.create_webhook(
        w.actor("partner_admin"), url="https://h.test", events=["order"]
    )
    return lambda: audit_actions.delete_webhook(
        w.actor("partner_admin"), Webhook.objects.get(id=hook.id)
    )


CASES = {
    "user.invited": lambda w: lambda: _invite(w),
    "user.role_changed": lambda w: (
        lambda: identity_actions.change_role(
            w.actor("account_admin"), w.members["member"], "site_admin"
        )
    ),
    "user.removed": lambda w: (
        lambda: identity_actions.remove_membership(w.actor("account_admin"), w.members["member"])
    ),
    "token.created": lambda w: (
        lambda: identity_actions.create_token(w.actor("partner_admin"), name="t", expires_in_days=3)
    ),
    "token.revoked": _token_revoke,
    "user.password_set": _password_set,
    "user.password_changed": lambda w: (
        lambda: identity_actions.change_password(
            w.actor("member"), PASSWORD, "another long passphrase"
        )
    ),
    "user.profile_changed": lambda w: (
        lambda: identity_actions.update_profile(w.actor("member"), name="New Name", language="nl")
    ),
    "partner.created": lambda w: (
        lambda: tenancy_actions.create_partner(
            w.actor("operator_admin"), kind=Kind.DISTRIBUTOR, parent=None, name="D9", country="DE"
        )
    ),
    "partner.updated": lambda w: (
        lambda: tenancy_actions.update_partner(w.actor("partner_admin"), w.a.reseller, city="Köln")
    ),
    "partner.deactivated": lambda w: (
        lambda: tenancy_actions.set_partner_status(
            w.actor("operator_admin"), w.a.sibling_reseller, Status.DEACTIVATED
        )
    ),
    "webhook.created": lambda w: (
        lambda: audit_actions.create_webhook(
            w.actor("operator_admin"), url="https://h.test", events=["account"]
        )
    ),
    "webhook.deleted": _webhook_delete,
}


@pytest.mark.parametrize("action", sorted(CASES))
def test_exactly_one_event_per_action(world, action):
    run = CASES[action](world)
    before = set(AuditEvent.objects.values_list("id", flat=True))
    run()
    new = AuditEvent.objects.exclude(id__in=before)
    assert [e.action for e in new] == [action]
    e = new.get()
    assert e.outcome == "ok" and e.organization_id
    assert "another long passphrase" not in str(e.changes)
