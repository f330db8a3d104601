"""Secrets at rest: the key file is created once, atomically, even by processes racing."""

from __future__ import annotations

import multiprocessing
import stat

import pytest
from cryptography.fernet import Fernet

from channeldesk.core import crypto


def _race(path: str, barrier, results) -> None:
    from pathlib import Path

    barrier.wait()
    p = Path(path)
    if not p.exists():
        crypto._create_key_file(p)
    results.put(p.read_bytes().strip().decode())


def test_processes_starting_at_once_share_one_key(tmp_path):
    ctx = multiprocessing.get_context("fork")
    n = 8
    barrier, results = ctx.Barrier(n), ctx.Queue()
    path = tmp_path / "data" / "fernet.key"
    procs = [ctx.Process(target=_race, args=(str(path), barrier, results)) for _ in range(n)]
    for p in procs:
        p.start()
    keys = [results.get(timeout=30) for _ in procs]
    for p in procs:
        p.join(10)
    assert len(set(keys)) == 1, "every process must read the same, complete key"
    Fernet(keys[0].encode())  # a whole, valid key: nobody read a half-written file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # no temporary files are left behind
    assert sorted(p.name for p in path.parent.iterdir()) == ["fernet.key"]


def test_an_existing_key_is_never_replaced(tmp_path):
    path = tmp_path / "fernet.key"
    key = Fernet.generate_key()
    path.write_bytes(key)
    crypto._create_key_file(path)
    assert path.read_bytes() == key


def test_key_file_in_the_data_folder_round_trips(tmp_path, settings, monkeypatch):
    monkeypatch.delenv("CHANNELDESK_FERNET_KEY", raising=False)
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(crypto, "_fernet", None)
    token = crypto.encrypt("pbx-password")
    assert "pbx-password" not in token and (tmp_path / "fernet.key").exists()
    assert crypto.decrypt(token) == "pbx-password"
    # another installation (another key) cannot read it: a clear ValueError, not a crash
    (tmp_path / "fernet.key").write_bytes(Fernet.generate_key())
    monkeypatch.setattr(crypto, "_fernet", None)
    with pytest.raises(ValueError, match="cannot be decrypted"):
        crypto.decrypt(token)
