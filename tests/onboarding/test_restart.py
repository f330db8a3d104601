"""A draft saved through one server process survives a restart: a second, freshly started
server process (new interpreter, no shared state but the database) resumes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from django.db import connection

from channeldesk.tenancy.roles import Role
from tests import factories
from tests.conftest import _free_port
from tests.onboarding.helpers import customer_body, pbx_body, tcp_listener

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return (
        f"postgres://{quote(s['USER'] or '')}:{quote(s['PASSWORD'] or '')}"
        f"@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    )


@contextmanager
def server(data_dir):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CHANNELDESK_DATA_DIR": str(data_dir),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "channeldesk.cli",
            "serve",
            "--no-worker",
            "--no-migrate",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def call(base: str, token: str, method: str, path: str, body=None) -> tuple[int, dict]:
    req = urllib.request.Request(
        f"{base}/api/v1{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_draft_survives_a_server_restart(tmp_path):
    """Saved through one server process, resumed through a fresh one: the draft's steps, and
    its encrypted PBX password, which the new process can still read (its connection test
    decrypts the secret with the key file of the data folder before connecting). A server
    with another data folder (another key) cannot, and says so."""
    world = factories.world()
    agent = factories.user(world.a.reseller, Role.PARTNER_AGENT)
    token = factories.token(agent)
    data = tmp_path / "data"
    with tcp_listener() as pbx_port:
        with server(data) as base:
            status, draft = call(base, token, "POST", "/onboardings", {"platform": "cloud_gateway"})
            assert status == 201
            oid = draft["id"]
            status, _ = call(
                base, token, "PUT", f"/onboardings/{oid}/steps/customer", customer_body()
            )
            assert status == 200
            conn = {"host": "127.0.0.1", "port": pbx_port, "username": "u", "password": "pw-1"}
            status, _ = call(base, token, "PUT", f"/onboardings/{oid}/steps/connection", conn)
            assert status == 200
        # the first process is gone; a new one starts from nothing but the database and the
        # data folder
        with server(data) as base:
            status, again = call(base, token, "GET", f"/onboardings/{oid}")
            assert status == 200
            assert again["current_step"] == "pbx"
            assert again["completed_steps"] == ["customer", "connection"]
            assert again["data"]["customer"]["name"] == "Bäckerei Sonnenschein GmbH"
            assert again["data"]["connection"]["password_set"] is True
            status, test = call(base, token, "POST", f"/onboardings/{oid}/connection-test")
            assert status == 200, test
            assert test["ok"] is True, test["detail"]
            assert f"127.0.0.1:{pbx_port}" in test["detail"]
            status, _ = call(base, token, "PUT", f"/onboardings/{oid}/steps/pbx", pbx_body())
            assert status == 200
            status, listed = call(base, token, "GET", "/onboardings?status=draft")
            assert [d["id"] for d in listed["items"]] == [oid]
        # an installation with another key cannot use the secret: a clear result, no crash
        with server(tmp_path / "other-data") as base:
            status, test = call(base, token, "POST", f"/onboardings/{oid}/connection-test")
            assert status == 200, test
            assert test["ok"] is False and "cannot be read" in test["detail"]
    from channeldesk.core import crypto
    from channeldesk.onboarding.models import Onboarding

    # the secret was encrypted with the server's key file in its data folder, not in clear
    row = Onboarding.objects.get(id=oid)
    assert "pw-1" not in row.connection_secret
    assert (data / "fernet.key").exists()
    with pytest.raises(ValueError):
        crypto.decrypt(row.connection_secret)  # the test process has yet another key
