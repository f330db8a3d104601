"""Opaque, time-ordered identifiers (ULID layout: 48-bit milliseconds + 80 random bits).

Time order lets keyset pagination on the primary key follow creation order, so pages stay
stable under inserts without a second sort column.
"""

import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
ID_LENGTH = 26


def new_id() -> str:
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(ID_LENGTH):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_id(value: str) -> bool:
    return len(value) == ID_LENGTH and all(c in _ALPHABET for c in value)
