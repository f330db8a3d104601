"""Valid step bodies and a real TCP listener for the onboarding tests."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def customer_body(**overrides) -> dict:
    body = {
        "name": "Bäckerei Sonnenschein GmbH",
        "street": "Hauptstraße 5",
        "city": "Berlin",
        "postal_code": "10115",
        "country": "DE",
        "default_language": "de",
        "business_type": "retail",
        "admin_contacts": [{"name": "Anna Admin", "email": "anna@sonnenschein.example"}],
        "support_contacts": [
            {
                "name": "Bernd Betrieb",
                "email": "bernd@sonnenschein.example",
                "role": "administrator",
            },
            {"name": "Carla Standort", "email": "carla@sonnenschein.example", "role": "site_admin"},
        ],
    }
    body.update(overrides)
    return body


def pbx_body(**o) -> dict:
    return {"pbx_type": "mivoice_business", "name": "Main PBX", "software_version": "9.4 SP1", **o}


def connection_body(port: int = 4443, **o) -> dict:
    return {"host": "127.0.0.1", "port": port, "username": "admin", "password": "s3cret-pbx!", **o}


def gateway_body(**o) -> dict:
    return {"serial_number": "GW-2024-0001", "mac_address": "00-1a-2b-3c-4d-5e", **o}


SYNC_CSV = (
    "email,name,extension\nuser.one@sync.example,User One,201\nuser.two@sync.example,User Two,202\n"
)


def sync_body(**o) -> dict:
    return {"pbx_type": "smbc", "system_id": "SMBC-4711", "csv": SYNC_CSV, **o}


@contextmanager
def tcp_listener() -> Iterator[int]:
    """A real TCP server on loopback accepting connections; yields its port."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.2)
    stop = threading.Event()
    accepted: list[int] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            accepted.append(1)
            conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield srv.getsockname()[1]
    finally:
        stop.set()
        t.join(2)
        srv.close()


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
