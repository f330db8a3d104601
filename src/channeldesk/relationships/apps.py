import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    name = "channeldesk.relationships"
    label = "relationships"

    def ready(self) -> None:
        from channeldesk.core import jobs, navigation, panels
        from channeldesk.relationships import views

        def expire() -> None:
            from channeldesk.relationships.actions import expire_invitations

            expire_invitations()

        jobs.register("partner-invitations-expire", dt.timedelta(hours=1), expire)
        panels.register(
            "customer_dashboard",
            "relationships/panel_partner.html",
            views.customer_panel,
            order=10,
        )
        panels.register(
            "partner_dashboard",
            "relationships/panel_requests.html",
            views.partner_panel,
            order=10,
        )
        panels.register(
            "account_page",
            "relationships/panel_account.html",
            views.account_panel,
            order=90,
        )
        navigation.register("relationships:requests", _("Requests"), "invitation.view")
        from channeldesk.notifications import tabs

        for key, label in (("received", _("Received requests")), ("issued", _("Issued requests"))):
            tabs.register(
                key,
                label,
                "relationships:requests",
                query=f"tab={key}",
                action="invitation.view",
                count=views.pending_count(key),
            )
