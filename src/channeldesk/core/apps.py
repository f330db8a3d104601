from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "channeldesk.core"
    label = "core"
