from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "channeldesk.telephony"
    label = "telephony"
