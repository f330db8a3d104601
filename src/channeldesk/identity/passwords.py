from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LENGTH = 128


class MaximumLengthValidator:
    """At least 64 characters are allowed (ASVS 6.2.9); longer than 128 is refused so hashing
    cost stays bounded."""

    def validate(self, password: str, user=None) -> None:
        if len(password) > MAX_LENGTH:
            raise ValidationError(
                _("The password may be at most %(n)d characters long.") % {"n": MAX_LENGTH}
            )

    def get_help_text(self) -> str:
        return _("At most %(n)d characters.") % {"n": MAX_LENGTH}
