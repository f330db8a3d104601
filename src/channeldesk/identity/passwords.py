import re
from functools import cache

from django.contrib.auth.password_validation import CommonPasswordValidator
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


# Characters people put in place of letters ("p@ssw0rd"): undone before the list lookup.
_LEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "3": "e", "$": "s", "5": "s", "7": "t", "!": "i"}
)
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def breached_passwords() -> frozenset[str]:
    """Django's 20,000 common passwords and zxcvbn's 30,000 most frequent passwords of the
    public breach corpora (bundled with the packages: no network at sign-in)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(CommonPasswordValidator().passwords | set(FREQUENCY_LISTS["passwords"]))


def _variants(password: str) -> set[str]:
    low = password.lower()
    out = {low, low.translate(_LEET), low.replace("1", "i"), low.replace("1", "l")}
    # "Password2026!", "!!sunshine": the word with digits and symbols stuck on at either end.
    out |= {_EDGES.sub("", v) for v in list(out)}
    return {v for v in out if v}


class BreachedPasswordValidator:
    """Refuses passwords on the breached/common lists, also when only case, digits or symbols
    at the ends, or letter-like substitutions tell them apart, and passwords of fewer than
    five different characters (quality.md 7). No composition rules."""

    MIN_DISTINCT = 5

    def validate(self, password: str, user=None) -> None:
        common = breached_passwords()
        if len(set(password)) < self.MIN_DISTINCT or any(v in common for v in _variants(password)):
            raise ValidationError(
                _("This password is too common: it appears in lists of leaked passwords."),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Not a commonly used or leaked password.")
