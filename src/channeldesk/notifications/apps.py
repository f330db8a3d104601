import datetime as dt

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "channeldesk.notifications"
    label = "notifications"

    def ready(self) -> None:
        from channeldesk.core import jobs

        def outbox() -> None:
            from channeldesk.notifications.tasks import run_outbox

            run_outbox.call()

        jobs.register("outbox", dt.timedelta(seconds=5), outbox)
