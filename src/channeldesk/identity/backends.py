from django.contrib.auth.backends import ModelBackend

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
        return User.objects.filter(pk=user_id, is_active=True).first()
