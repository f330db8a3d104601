"""The PBX connection test: really opens a TCP connection, with a short timeout."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 3.0


@dataclass
class TestResult:
    ok: bool
    detail: str


def probe(host: str, port: int, timeout: float = TIMEOUT_SECONDS) -> TestResult:
    started = time.monotonic()
    try:
        with socket.create_connection((host.strip("[]"), port), timeout=timeout):
            pass
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
