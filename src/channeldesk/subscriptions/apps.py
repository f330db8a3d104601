import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "channeldesk.subscriptions"
    label = "subscriptions"

    def ready(self) -> None:
        from channeldesk.billing import sources
        from channeldesk.core import jobs, navigation, panels
        from channeldesk.subscriptions import actions, billing, views

        sources.register("subscriptions.wholesale", billing.wholesale_drafts)
        jobs.register("subscriptions.roll_forward", dt.timedelta(hours=1), actions.roll_forward)
        navigation.register("subscriptions:list", _("Subscriptions"), "subscription.view")
        # Members have no subscriptions list; their own licenses are a page of their own.
        navigation.register(
            "subscriptions:my_licenses", _("Your licenses"), "license.view", ("customer",)
        )
        panels.register(
            "account_page", "subscriptions/panel_account.html", views.account_panel, order=40
        )
        panels.register(
            "customer_dashboard",
            "subscriptions/panel_my_licenses.html",
            views.my_licenses_panel,
            order=40,
        )
