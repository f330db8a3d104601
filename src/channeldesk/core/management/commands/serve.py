"""channeldesk serve: migrate, then serve the portal with granian (WSGI); in the embedded
default (SQLite) the worker runs alongside as a child process."""

from __future__ import annotations

import atexit
import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the portal (granian, WSGI)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the in-process worker"
        )
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, **o):
        from granian import Granian
        from granian.constants import Interfaces

        if not o["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        embedded = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        if embedded and not o["no_worker"]:
            child = subprocess.Popen(
                [sys.executable, "-m", "channeldesk.cli", "worker"], env=os.environ.copy()
            )
            atexit.register(child.terminate)
        self.stdout.write(
            f"Channeldesk on http://{o['host']}:{o['port']}  (workers: {o['workers']})"
        )
        Granian(
            target="channeldesk.wsgi:application",
            address=o["host"],
            port=o["port"],
            interface=Interfaces.WSGI,
            workers=o["workers"],
            blocking_threads=1,
            log_enabled=True,
            backpressure=64,
        ).serve()
