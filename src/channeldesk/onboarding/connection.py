"""The PBX connection test: really opens a TCP connection, with a short timeout."""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 3.0


@dataclass
class TestResult:
    ok: bool
    detail: str


def _refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Addresses of the platform itself or its cloud (metadata service): never a customer's
    PBX. Loopback is allowed only by setting (lab and test setups)."""
    if ip.is_loopback:
        return not getattr(settings, "CONNECTION_TEST_ALLOW_LOOPBACK", False)
    return ip.is_link_local or ip.is_unspecified or ip.is_multicast or ip.is_reserved


def probe(host: str, port: int, timeout: float = TIMEOUT_SECONDS) -> TestResult:
    """Connect to `host`:`port`. The name is resolved once and the connection goes to the
    address that was checked (no second lookup that could answer differently)."""
    started = time.monotonic()
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return TestResult(False, _("The host name %(host)s is unknown.") % {"host": host})
    if not infos or any(_refused(ipaddress.ip_address(str(i[4][0]).split("%")[0])) for i in infos):
        return TestResult(
            False,
            _("Connections to %(host)s are not allowed from the platform.") % {"host": host},
        )
    family, _kind, proto, _name, address = infos[0]
    try:
        with socket.socket(family, socket.SOCK_STREAM, proto) as sock:
            sock.settimeout(timeout)
            sock.connect(address)
    except TimeoutError:
        return TestResult(
            False,
            _("No answer from %(host)s:%(port)d within %(s)d seconds.")
            % {"host": host, "port": port, "s": int(timeout)},
        )
    except ConnectionRefusedError:
        return TestResult(
            False, _("%(host)s:%(port)d refused the connection.") % {"host": host, "port": port}
        )
    except socket.gaierror:
        return TestResult(False, _("The host name %(host)s is unknown.") % {"host": host})
    except OSError as exc:
        return TestResult(
            False,
            _("Could not connect to %(host)s:%(port)d (%(error)s).")
            % {"host": host, "port": port, "error": exc.strerror or exc.__class__.__name__},
        )
    ms = int((time.monotonic() - started) * 1000)
    return TestResult(
        True,
        _("Connected to %(host)s:%(port)d in %(ms)d ms.") % {"host": host, "port": port, "ms": ms},
    )


def check_connection(host: str, port: int, secret: str) -> TestResult:
    """The wizard's "Test connection": the stored credentials must be readable with this
    installation's key (they are needed to sign in to the PBX), then the TCP connection is
    opened. The password itself is never part of the result."""
    from channeldesk.core import crypto

    try:
        crypto.decrypt(secret)
    except ValueError:
        return TestResult(
            False,
            _(
                "The stored password cannot be read with this installation's key (was the "
                "data folder replaced?). Enter the password again in this step."
            ),
        )
    return probe(host, port)
