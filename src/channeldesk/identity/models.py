"""Users (e-mail is the username), API tokens and single-use e-mail tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

from channeldesk.core.models import IdField


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, name: str = "", password: str | None = None, **extra) -> User:
        user = self.model(email=normalize_email(email), name=name, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalize_email(username or ""))


class User(AbstractBaseUser):
    id = IdField()
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8, blank=True)  # empty: the organization's default
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    # Soft delete: the last membership ended (identity.erasure); erased 30 days later.
    removed_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    objects = UserManager()

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email


class ApiToken(models.Model):
    """A bearer token acting through one membership. Only its SHA-256 is stored."""

    PREFIX = "cdk_"

    id = IdField()
    membership = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "membership__organization"

    @classmethod
    def generate(cls) -> tuple[str, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, hash_secret(raw)

    @property
    def is_valid(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class UserToken(models.Model):
    """Single-use, expiring token sent by e-mail (invitation, password reset, credentials)."""

    class Purpose(models.TextChoices):
        INVITATION = "invitation"
        RESET = "reset"

    id = IdField()
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    @classmethod
    def issue(cls, user: User, purpose: str, lifetime) -> str:
        raw = secrets.token_urlsafe(32)  # 256 bits from the OS CSPRNG
        cls.objects.create(
            user=user,
            purpose=purpose,
            token_hash=hash_secret(raw),
            expires_at=timezone.now() + lifetime,
        )
        return raw


class SignInAddress(models.Model):
    """An address from which a user signed in successfully (a keyed hash of it, not the
    address). The per-account sign-in limit across addresses does not apply to these, so that
    guessing from many addresses cannot lock the owner out (quality.md 8). Pruned after
    KNOWN_ADDRESS_DAYS without use."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    address_hash = models.CharField(max_length=64)
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "address_hash"], name="signin_address_once")
        ]
