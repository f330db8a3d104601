"""Single-use, expiring links to view a new site's access credentials."""

from __future__ import annotations

import base64
import hashlib
import secrets

import orjson
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from channeldesk.audit.events import record
from channeldesk.contracts.actions.common import CREDENTIAL_LINK_LIFETIME, account_admins
from channeldesk.contracts.models import (
    CredentialLink,
    SiteProduct,
)
from channeldesk.core.errors import Conflict
from channeldesk.identity.models import User, hash_secret
from channeldesk.notifications.outbox import language_for, queue_email
from channeldesk.tenancy import permissions
from channeldesk.tenancy.actor import Actor


def _fernet(raw_token: str) -> Fernet:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{raw_token}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def new_password() -> str:
    return secrets.token_urlsafe(18)  # 144 bits from the OS CSPRNG


def send_credential_link(site: SiteProduct, user: User, username: str, password: str) -> None:
    raw = secrets.token_urlsafe(32)
    CredentialLink.objects.create(
        site_product=site,
        user=user,
        token_hash=hash_secret(raw),
        ciphertext=_fernet(raw).encrypt(orjson.dumps({"username": username, "password": password})),
        expires_at=timezone.now() + CREDENTIAL_LINK_LIFETIME,
    )
    account = site.base_package.account
    queue_email(
        to=user.email,
        template="credentials_link",
        context={
            "user": user,
            "site": site,
            "account": account,
            "link": f"{settings.BASE_URL}/credentials?token={raw}",
            "days": CREDENTIAL_LINK_LIFETIME.days,
        },
        language=language_for(user, account),
        organization=account,
    )


# ---- credential links --------------------------------------------------------------------


def credential_link(raw_token: str) -> CredentialLink | None:
    """The usable link for a raw token, or None (unknown, used or expired)."""
    if not raw_token or len(raw_token) > 100:
        return None
    link = (
        CredentialLink.objects.select_related("site_product", "site_product__base_package")
        .filter(token_hash=hash_secret(raw_token))
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    return link


@transaction.atomic
def reveal_credentials(raw_token: str) -> dict[str, str] | None:
    """Show the credentials once: decrypt, then erase the ciphertext and mark the link used
    (a conditional UPDATE, so two clicks cannot both see them)."""
    link = credential_link(raw_token)
    if link is None or link.ciphertext is None:
        return None
    used = CredentialLink.objects.filter(id=link.id, used_at__isnull=True).update(
        used_at=timezone.now(), ciphertext=None
    )
    if not used:
        return None
    try:
        data = orjson.loads(_fernet(raw_token).decrypt(bytes(link.ciphertext)))
    except InvalidToken:
        return None
    record(
        None,
        "contract.credentials_viewed",
        organization=link.site_product.base_package.account,
        target=link.site_product,
        changes={"user": link.user_id},
    )
    return {
        "username": data["username"],
        "password": data["password"],
        "site": link.site_product.name,
    }


@transaction.atomic
def reissue_credentials(actor: Actor, site: SiteProduct) -> int:
    """New access credentials for a site (a lost password, an admin who left): a new password
    under the same user name, every earlier link that was not used yet stops working, and each
    account admin (without any: the one asking) gets a new single-use link. Returns how many
    links were sent."""
    account = site.base_package.account
    permissions.require(actor, "credentials.reissue", account)
    site = SiteProduct.objects.select_for_update().select_related("base_package").get(id=site.id)
    recipients = account_admins(account)
    if not recipients and actor.user is not None:
        recipients = [actor.user]
    if not recipients:
        raise Conflict(_("The account has no administrator to send the credentials to."))
    now = timezone.now()
    revoked = CredentialLink.objects.filter(
        site_product=site, used_at__isnull=True, expires_at__gt=now
    ).update(ciphertext=None, expires_at=now)
    password = new_password()
    for user in recipients:
        send_credential_link(site, user, site.username, password)
    record(
        actor,
        "contract.credentials_reissued",
        organization=account,
        target=site,
        changes={"links_sent": len(recipients), "links_revoked": revoked},
    )
    return len(recipients)


def purge_expired_credential_links() -> int:
    return CredentialLink.objects.filter(
        expires_at__lte=timezone.now(), ciphertext__isnull=False
    ).update(ciphertext=None)
