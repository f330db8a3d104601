"""channeldesk worker: runs queued tasks (django-tasks database backend) and periodic jobs."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from channeldesk.core import jobs

log = logging.getLogger("channeldesk.worker")


def periodic_loop(stop: threading.Event, interval: float = 2.0) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            jobs.run_due()
        except Exception:
            log.exception("periodic jobs failed")
        stop.wait(interval)


class Command(BaseCommand):
    help = "Run the background worker: queued tasks and periodic jobs (outbox, expiry, billing, purge)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument(
            "--once",
            action="store_true",
            help="run due periodic jobs and queued tasks once, then exit",
        )

    def handle(self, *args, **o):
        from django_tasks_db.management.commands.db_worker import Worker

        from channeldesk.notifications.outbox import release_held

        if settings.SMTP_URL and (released := release_held()):
            # E-mails held while no SMTP_URL was configured go out now that one is.
            log.info("released %d held e-mails for delivery", released)

        if o["once"]:
            jobs.run_due()
            Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="once",
                excluded_queue_names=[],
            ).run()
            return
        stop = threading.Event()
        thread = threading.Thread(target=periodic_loop, args=(stop,), daemon=True, name="periodic")
        thread.start()
        worker = Worker(
            queue_names=["*"],
            interval=o["interval"],
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"worker-{time.time_ns()}",
            excluded_queue_names=[],
        )
        try:
            worker.run()
        finally:
            stop.set()
