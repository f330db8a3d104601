from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "channeldesk.tenancy"
    label = "tenancy"
