"""Opaque, time-ordered identifiers (ULID layout: 48-bit milliseconds + 80 random bits).

Time order lets keyset pagination on the primary key follow creation order, so pages stay
stable under inserts without a second sort column.
"""

import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
ID_LENGTH = 26


# Two characters per 10 bits: the 130-bit layout in 13 lookups (bulk writes make ids by the
# ten thousand).
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]


def new_id() -> str:
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    pairs = _PAIRS
    return "".join([pairs[(value >> shift) & 1023] for shift in range(120, -1, -10)])


def is_id(value: str) -> bool:
    return len(value) == ID_LENGTH and all(c in _ALPHABET for c in value)
