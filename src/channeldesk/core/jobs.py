"""Periodic jobs run by the worker. Apps register theirs in AppConfig.ready(); a row per job
records the last run so that several workers run each job once per interval."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

log = logging.getLogger("channeldesk.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    func: Callable[[], object]


JOBS: dict[str, Job] = {}


def register(name: str, every: dt.timedelta, func: Callable[[], object]) -> None:
    JOBS[name] = Job(name, every, func)


class JobRun(models.Model):
    name = models.CharField(max_length=80, primary_key=True)
    last_started_at = models.DateTimeField()
    last_finished_at = models.DateTimeField(null=True)
    last_error = models.TextField(blank=True)

    class Meta:
        app_label = "core"


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Run every registered job whose interval has passed; returns the names run."""
    now = now or timezone.now()
    ran = []
    for job in list(JOBS.values()):
        with transaction.atomic():
            row, created = JobRun.objects.select_for_update().get_or_create(
                name=job.name, defaults={"last_started_at": now}
            )
            if not created and now - row.last_started_at < job.every:
                continue
            row.last_started_at = now
            row.save(update_fields=["last_started_at"])
        error = ""
        try:
            job.func()
        except Exception as exc:  # a failing job must not stop the others
            log.exception("job %s failed", job.name)
            error = repr(exc)[:2000]
        JobRun.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_error=error
        )
        ran.append(job.name)
    return ran
