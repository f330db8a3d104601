from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "channeldesk.api"
    label = "api"
