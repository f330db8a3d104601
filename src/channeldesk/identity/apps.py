from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "channeldesk.identity"
    label = "identity"
