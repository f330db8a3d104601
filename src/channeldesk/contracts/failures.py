"""Why provisioning failed: stored as a code with parameters, rendered per reader.

The operator reads the details (which pool, how many numbers were needed and free). Partners
and customers read a reason that says what happens next without revealing the operator's pool
(product.md §1: nothing outside one's reach, and the pool is the operator's)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from channeldesk.contracts import areas

POOL_EXHAUSTED = "pool_exhausted"
NUMBERS_TAKEN = "numbers_taken"
PACKAGE_MISSING = "package_missing"
ITEM_MISSING = "item_missing"
ACCESS_IDENTIFIER = "access_identifier"
INTERRUPTED = "interrupted"
UNEXPECTED = "unexpected"

# Causes only the operator can remove (its pool, its catalog, the platform): the operator's
# admins are told too, whoever the account's partner is.
OPERATOR_SIDE = frozenset(
    {POOL_EXHAUSTED, NUMBERS_TAKEN, ITEM_MISSING, ACCESS_IDENTIFIER, INTERRUPTED, UNEXPECTED}
)


class ProvisioningFailed(Exception):
    """Provisioning cannot complete; nothing of it is kept. Carries a code and parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _detail(code: str, p: dict[str, Any]) -> str:
    if code == POOL_EXHAUSTED:
        where = p.get("country", "")
        if p.get("area"):
            where = f"{where} {areas.dialled(where, p['area'])}"
        return _(
            "The number pool for %(where)s is exhausted: %(needed)d numbers needed, %(free)d free."
        ) % {"where": where, "needed": p.get("needed", 0), "free": p.get("free", 0)}
    if code == NUMBERS_TAKEN:
        return _("Numbers were taken concurrently; retry the order.")
    if code == ITEM_MISSING:
        return _("The item %(item)s is no longer in the catalog.") % {"item": p.get("item", "")}
    if code == ACCESS_IDENTIFIER:
        return _(
            "No free access identifier for the IP connection was found after %(n)d attempts."
        ) % {"n": p.get("attempts", 0)}
    if code == INTERRUPTED:
        return _("Provisioning was interrupted (the worker stopped) %(n)d times.") % {
            "n": p.get("attempts", 0)
        }
    if code == UNEXPECTED:
        return _("Provisioning failed unexpectedly: %(error)s") % {"error": p.get("error", "")}
    return _public(code)


def _public(code: str) -> str:
    if code == PACKAGE_MISSING:
        return _("The base package of an item no longer exists.")
    if code in (POOL_EXHAUSTED, NUMBERS_TAKEN):
        return _(
            "The phone numbers for this order are not available yet. The operator has been "
            "informed; retry the order later."
        )
    return _(
        "The new services could not be set up because of a problem on the platform. The "
        "operator has been informed; retry the order later."
    )


def reason(code: str, params: dict[str, Any] | None, *, operator: bool, lang: str | None) -> str:
    """The failure reason in `lang` (the current language if None); the details only for the
    operator."""
    if not code:
        return ""
    with translation.override(lang or translation.get_language() or "en"):
        return _detail(code, params or {}) if operator else _public(code)
