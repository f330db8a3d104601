from django.contrib.auth.backends import ModelBackend

from channeldesk.core.statements import prepared
from channeldesk.identity.models import User, normalize_email

# Hashing a throw-away password for unknown e-mails keeps the timing of the two failures alike.
_DUMMY = User(email="timing@invalid")
_DUMMY.set_password("timing-equaliser-password")


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        email = normalize_email(username or kwargs.get("email") or "")
        if not email or password is None:
            return None
        user = User.objects.filter(email=email).first()
        if user is None:
            _DUMMY.check_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        # On every signed-in request: compiled once (core.statements).
        if not isinstance(user_id, str):
            return None
        stmt = prepared(
            ("identity.session_user",),
            lambda m: User.objects.filter(pk=m.id, is_active=True).order_by()[:1],
        )
        found = stmt.instances((User,), id=user_id)
        return found[0][0] if found else None
