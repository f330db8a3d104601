import datetime as dt

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "channeldesk.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from channeldesk.accounts.purge import purge_due
        from channeldesk.core import jobs, navigation

        # Deleted accounts are restorable for 30 days; after that their personal data goes.
        jobs.register("accounts.purge_deleted", dt.timedelta(hours=1), purge_due)
        navigation.register(
            "accounts:problem-report-queue",
            _("Problem reports"),
            "problem_report.view",
            ("operator", "distributor", "reseller"),
        )
