import datetime as dt

from django.apps import AppConfig


def housekeeping() -> None:
    """Drop idempotency keys past their 24 hours and rate-limit windows long over."""
    from django.utils import timezone

    from channeldesk.core.models import IdempotencyRecord, Throttle

    now = timezone.now()
    IdempotencyRecord.objects.filter(created_at__lt=now - dt.timedelta(hours=24)).delete()
    Throttle.objects.filter(window_start__lt=now - dt.timedelta(days=1)).delete()


class CoreConfig(AppConfig):
    name = "channeldesk.core"
    label = "core"

    def ready(self) -> None:
        from channeldesk.core import jobs

        jobs.register("housekeeping", dt.timedelta(hours=1), housekeeping)
