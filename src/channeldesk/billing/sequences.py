"""Gapless numbers: draw the next value of a sequence inside the caller's transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from channeldesk.billing.models import NumberSequence


def next_value(key: str) -> int:
    """Lock the counter row of `key`, increment it and return the new value.

    Must run inside the transaction that stores the numbered row: if that transaction rolls
    back, the increment does too, so numbers have neither gaps nor duplicates.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value must run inside a transaction")
    # The UPDATE takes the row lock (held until our transaction ends) and increments in one go.
    if not NumberSequence.objects.filter(key=key).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                NumberSequence.objects.create(key=key, last=0)
        except IntegrityError:  # created concurrently: fine, it exists now
            pass
        NumberSequence.objects.filter(key=key).update(last=F("last") + 1)
    return NumberSequence.objects.values_list("last", flat=True).get(key=key)


def lock(key: str) -> int:
    """Lock the counter row of `key` (created at 0 if missing) until the caller's transaction
    ends; returns its last value. With `advance`, for drawing several numbers at once."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock must run inside a transaction")
    row = NumberSequence.objects.select_for_update().filter(key=key).first()
    if row is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(key=key, last=0)
        except IntegrityError:  # created concurrently: fine, it exists now
            pass
        row = NumberSequence.objects.select_for_update().get(key=key)
    return row.last


def advance(key: str, last: int, n: int) -> range:
    """The next `n` numbers after `last` (from `lock` in this transaction), now drawn."""
    NumberSequence.objects.filter(key=key).update(last=last + n)
    return range(last + 1, last + n + 1)
