"""quality.md 22 for users: removed from their last membership -> soft-deleted, restorable by
inviting them again for 30 days, then erased with the audit actor pseudonymised."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from channeldesk.audit.erasure import pseudonym
from channeldesk.audit.models import AuditEvent
from channeldesk.core import jobs
from channeldesk.identity import actions, erasure
from channeldesk.identity.models import SignInAddress, User, UserToken
from channeldesk.notifications.actions import notify
from channeldesk.tenancy.models import Membership
from tests import factories

LATER = dt.timedelta(days=31)


def _removed_member(world):
    admin = world.actor("account_admin")
    m = factories.user(world.a.customer, "member", email="leaver@example.test", name="Lea Ver")
    user = m.user
    # Leave traces: an action of theirs, a notification, a token, a known address.
    actions.update_profile(_actor(m), name="Lea Ver")
    notify([user], organization=world.a.customer, kind="account.updated", text="hello Lea")
    UserToken.issue(user, UserToken.Purpose.RESET, dt.timedelta(hours=1))
    SignInAddress.objects.create(user=user, address_hash="x" * 64, last_seen_at=timezone.now())
    actions.remove_membership(admin, m)
    return User.objects.get(pk=user.pk)


def _actor(membership):
    from channeldesk.tenancy.actor import Actor

    return Actor.of(membership)


def test_last_membership_removed_soft_deletes_and_the_purge_erases_after_30_days(world):
    user = _removed_member(world)
    assert user.removed_at is not None and user.erased_at is None
    assert erasure.purge_due() == 0  # within the restore window nothing is erased
    assert erasure.purge_due(timezone.now() + LATER) == 1
    user.refresh_from_db()
    assert user.erased_at is not None and not user.is_active
    assert user.email == f"{pseudonym(user.id)}@erased.invalid" and user.name == ""
    assert not user.has_usable_password()
    assert not UserToken.objects.filter(user=user).exists()
    assert not SignInAddress.objects.filter(user=user).exists()
    # The trail keeps what happened, by pseudonym, and no longer names the person.
    own = AuditEvent.objects.filter(actor_user_id=user.id)
    assert own.exists() and {e.actor_label for e in own} == {pseudonym(user.id)}
    dump = " ".join(
        f"{e.actor_label} {e.changes}" for e in AuditEvent.objects.filter(at__gte=user.created_at)
    )
    assert "leaver@example.test" not in dump and "Lea Ver" not in dump
    assert AuditEvent.objects.filter(action="user.purged", target_id=user.id).count() == 1
    assert erasure.purge_due(timezone.now() + LATER) == 0  # once


def test_invited_again_within_the_window_is_restored(world):
    user = _removed_member(world)
    actions.invite_user(
        world.actor("partner_admin"), world.a.customer, email=user.email, name="", role="member"
    )
    user.refresh_from_db()
    assert user.removed_at is None
    assert erasure.purge_due(timezone.now() + LATER) == 0
    assert User.objects.get(pk=user.pk).email == "leaver@example.test"


def test_a_user_with_another_membership_is_not_removed(world):
    m = factories.user(world.a.customer, "member", email="two.homes@example.test")
    Membership.objects.create(user=m.user, organization=world.a.sibling_customer, role="member")
    actions.remove_membership(world.actor("account_admin"), m)
    assert User.objects.get(pk=m.user.pk).removed_at is None


def test_the_purge_runs_as_a_periodic_job(world):
    assert "identity.purge_removed_users" in jobs.JOBS
    assert "identity.prune_signin_addresses" in jobs.JOBS
