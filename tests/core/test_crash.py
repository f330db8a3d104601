"""quality.md 23 on the embedded default: `channeldesk serve` on SQLite, as a real process on a
real port. kill -9 during concurrent writes loses no acknowledged write and the database stays
intact; the pragmas are in force; a backup taken while writes run is a valid database.

SQLite only (the PostgreSQL pass skips it: the server it starts is SQLite by construction)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL", "").startswith("postgres")),
    reason="the embedded SQLite server; the PostgreSQL pass covers PostgreSQL",
)

EMAIL, PASSWORD = "ops@crash.test", "crash-test-password-2026"
WRITERS = 6


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        CHANNELDESK_DATA_DIR=str(data_dir),
        SECRET_KEY="crash-test-secret-key",
        CHANNELDESK_LOG_LEVEL="ERROR",
        PYTHONUNBUFFERED="1",
    )
    return env


def _cli(data_dir: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "channeldesk.cli", *args],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`channeldesk serve` in its own process group (granian and the in-process worker)."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (data_dir / f"serve-{self.port}.log").open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "channeldesk.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "2",
                "--no-migrate",
            ],
            env=_env(data_dir),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (data_dir / f"serve-{self.port}.log").read_text()
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.kill()
        raise AssertionError("channeldesk serve did not come up")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)
        self.log.close()


def _request(url: str, token: str, method: str = "GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, json.loads(r.read() or b"null")


class Writers:
    """Threads creating accounts as fast as the server takes them; `acknowledged` holds the
    ids of every create whose 201 answer arrived in full."""

    def __init__(self, server: Server, token: str):
        self.server, self.token = server, token
        self.acknowledged: list[str] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(WRITERS)
        ]

    def _run(self, n: int) -> None:
        i = 0
        while not self.stop.is_set():
            i += 1
            body = {
                "name": f"Crash {n}-{i} GmbH",
                "country": "DE",
                "postal_code": "10115",
                "city": "Berlin",
            }
            try:
                status, doc = _request(
                    f"{self.server.url}/api/v1/accounts", self.token, "POST", body
                )
            except (urllib.error.URLError, OSError, ValueError):
                continue  # killed mid-request: not acknowledged
            if status == 201:
                with self.lock:
                    self.acknowledged.append(doc["id"])
            else:
                self.errors.append(f"{status} {doc}")

    def __enter__(self) -> Writers:
        for t in self.threads:
            t.start()
        return self

    def wait_for(self, count: int, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.acknowledged) >= count, (len(self.acknowledged), self.errors[:5])

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)


def _integrity(path: Path) -> str:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> tuple[Path, str]:
    """A fresh data directory: migrated, an operator, and a token of its admin."""
    path = tmp_path_factory.mktemp("crash")
    _cli(path, "migrate", "-v0")
    _cli(path, "init", "--operator", "Crash Vendor", "--email", EMAIL, "--password", PASSWORD)
    token = _cli(path, "token", "create", "--email", EMAIL, "--name", "crash").strip()
    return path, token


def test_kill_9_during_writes_loses_no_acknowledged_write(data_dir):
    path, token = data_dir
    server = Server(path)
    try:
        with Writers(server, token) as writers:
            writers.wait_for(40)
            server.kill(signal.SIGKILL)  # requests are in flight on every writer thread
        acknowledged = list(writers.acknowledged)
    finally:
        server.kill()
    assert not writers.errors, writers.errors[:5]
    db = path / "channeldesk.sqlite3"
    assert _integrity(db) == "ok"

    again = Server(path)
    try:
        for account_id in acknowledged:
            status, doc = _request(f"{again.url}/api/v1/accounts/{account_id}", token)
            assert status == 200 and doc["id"] == account_id
        # ...and the restarted server takes writes again.
        status, _ = _request(
            f"{again.url}/api/v1/accounts",
            token,
            "POST",
            {"name": "After Restart AG", "country": "DE", "postal_code": "10115", "city": "Berlin"},
        )
        assert status == 201
    finally:
        again.kill(signal.SIGTERM)
    assert _integrity(db) == "ok"


def test_pragmas_are_in_force(data_dir, settings):
    path, _ = data_dir
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("SQLite settings")
    assert options["transaction_mode"] == "IMMEDIATE"
    # A connection opened the way the portal opens it (settings' init_command).
    db = sqlite3.connect(path / "channeldesk.sqlite3")
    try:
        db.executescript(options["init_command"])
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        db.close()
    # WAL is a property of the file: any other connection sees it too.
    plain = sqlite3.connect(path / "channeldesk.sqlite3")
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        plain.close()


@pytest.mark.django_db
def test_the_test_database_connection_has_the_pragmas():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite")
    with connection.cursor() as c:
        c.execute("PRAGMA journal_mode")
        assert c.fetchone()[0] == "wal"
        c.execute("PRAGMA busy_timeout")
        assert c.fetchone()[0] >= 5000
        c.execute("PRAGMA foreign_keys")
        assert c.fetchone()[0] == 1


def test_backup_while_writes_run_is_intact(data_dir):
    path, token = data_dir
    server = Server(path)
    target = path / "backups" / "during-writes.sqlite3"
    try:
        with Writers(server, token) as writers:
            writers.wait_for(10)
            before = len(writers.acknowledged)
            out = _cli(path, "backup", str(target))
            writers.wait_for(before + 10)  # writes went on during and after the backup
    finally:
        server.kill(signal.SIGTERM)
    assert "Backup written" in out
    assert _integrity(target) == "ok"
    copy = sqlite3.connect(target)
    try:
        rows = copy.execute(
            "SELECT count(*) FROM tenancy_organization WHERE name LIKE 'Crash %'"
        ).fetchone()[0]
    finally:
        copy.close()
    assert rows >= 10


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text().split()
        out |= {int(p) for p in text}
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_its_worker_on_a_signal(data_dir, sig):
    """A signal to the serve process alone (a service manager's stop) ends the in-process
    worker too, instead of leaving it running without its server."""
    path, _ = data_dir
    server = Server(path)
    try:
        children = _children(server.proc.pid)
        assert children, "serve started no child processes"
        os.kill(server.proc.pid, sig)
        server.proc.wait(timeout=60)
        deadline = time.monotonic() + 30
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [c for c in children if _alive(c)], "children outlived serve"
    finally:
        server.kill()
