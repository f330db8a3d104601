from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "channeldesk.telephony"
    label = "telephony"

    def ready(self) -> None:
        from channeldesk.core import panels
        from channeldesk.telephony.views import panel_context

        panels.register("account_page", "telephony/panel_account.html", panel_context, order=60)
