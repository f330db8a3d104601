from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "channeldesk.billing"
    label = "billing"
