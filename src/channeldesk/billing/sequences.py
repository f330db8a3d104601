"""Gapless numbers: draw the next value of a sequence inside the caller's transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from channeldesk.billing.models import NumberSequence


def next_value(key: str) -> int:
    """Lock the counter row of `key`, increment it and return the new value.

    Must run inside the transaction that stores the numbered row: if that transaction rolls
    back, the increment does too, so numbers have neither gaps nor duplicates.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value must run inside a transaction")
    try:
        with transaction.atomic():
            NumberSequence.objects.get_or_create(key=key)
    except IntegrityError:  # created concurrently: fine, it exists now
        pass
    seq = NumberSequence.objects.select_for_update().get(key=key)
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last
