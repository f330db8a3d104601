"""Encryption of secrets at rest (Fernet: AES-128-CBC + HMAC-SHA256).

The key comes from the environment (`CHANNELDESK_FERNET_KEY`), else from a key file generated
once into the data folder (`CHANNELDESK_DATA_DIR/fernet.key`, mode 0600). A deployment that
sets SECRET_KEY but keeps no data folder between restarts may pin the key through the
environment; without either, the key file is created on first use.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

_lock = threading.Lock()
_fernet: Fernet | None = None


def _key_file() -> Path:
    return Path(settings.DATA_DIR) / "fernet.key"


def _load_key() -> bytes:
    if env := os.environ.get("CHANNELDESK_FERNET_KEY"):
        return env.encode()
    path = _key_file()
    if not path.exists():
        _create_key_file(path)
    key = path.read_bytes().strip()
    if not key:
        raise RuntimeError(f"{path} is empty; restore the key file from a backup")
    return key


def _create_key_file(path: Path) -> None:
    """Write a new key atomically: the complete key goes into a private temporary file that is
    then hard-linked to its final name. `os.link` fails if the name exists, so of processes
    starting at once exactly one key wins and nobody ever reads a half-written file; the
    losers read the winner's key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".fernet-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(Fernet.generate_key())
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: use its key
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def _get() -> Fernet:
    global _fernet
    if _fernet is None:
        with _lock:
            if _fernet is None:
                _fernet = Fernet(_load_key())
    return _fernet


def encrypt(plaintext: str) -> str:
    """The Fernet token (URL-safe text) of `plaintext`; empty stays empty."""
    if not plaintext:
        return ""
    return _get().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """The plaintext of a token made by `encrypt`; raises ValueError for a foreign token."""
    if not token:
        return ""
    try:
        return _get().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("the secret cannot be decrypted with this installation's key") from None
