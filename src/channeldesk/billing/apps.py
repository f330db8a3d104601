import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "channeldesk.billing"
    label = "billing"

    def ready(self) -> None:
        from channeldesk.billing import actions
        from channeldesk.core import jobs, navigation

        # Hourly check; the job bills the previous month once (BillingRun marks it done).
        jobs.register("billing.monthly_run", dt.timedelta(hours=1), actions.monthly_job)
        navigation.register("billing:invoices", _("Invoices"), "invoice.view")
